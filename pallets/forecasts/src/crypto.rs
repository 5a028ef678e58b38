//! The forecaster key: an sr25519 key of its own key type, so that a node's forecaster key is
//! never its block-production or finality key.

use sp_core::crypto::KeyTypeId;

/// The keystore key type of forecaster keys: `fcst`.
pub const KEY_TYPE: KeyTypeId = KeyTypeId(*b"fcst");

mod app {
	use sp_application_crypto::{app_crypto, sr25519};
	app_crypto!(sr25519, super::KEY_TYPE);
}

/// A forecaster's public key.
pub type ForecasterId = app::Public;

/// A forecaster's signature over a [`crate::ForecastBatch`].
pub type ForecasterSignature = app::Signature;

/// A forecaster's key pair (for tools and tests that sign outside a keystore).
#[cfg(feature = "std")]
pub type ForecasterPair = app::Pair;
