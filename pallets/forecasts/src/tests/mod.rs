//! Tests of the forecast pallet.

mod offchain;
mod submission;

use crate::{crypto::KEY_TYPE, mock::*, ForecastBatch, ForecastBatchOf};
use codec::Encode;
use energy_primitives::{EnergyForecast, MarketSlot, MeterId};
use frame_support::BoundedVec;
use sp_core::sr25519;
use sp_keystore::{testing::MemoryKeystore, Keystore, KeystoreExt};
use sp_runtime::RuntimeAppPublic;
use std::sync::Arc;

/// The forecaster key type's public key of `seed`, generated into `keystore`.
fn forecaster_in(keystore: &MemoryKeystore, seed: &str) -> crate::crypto::ForecasterId {
	let public: sr25519::Public =
		keystore.sr25519_generate_new(KEY_TYPE, Some(seed)).expect("the memory keystore signs");
	public.into()
}

/// Test externalities with a keystore holding `//Forecaster` (authorised) and
/// `//Stranger` (not authorised); returns them with the two keys.
fn ext_with_keystore(
) -> (sp_io::TestExternalities, crate::crypto::ForecasterId, crate::crypto::ForecasterId) {
	let keystore = MemoryKeystore::new();
	let forecaster = forecaster_in(&keystore, "//Forecaster");
	let stranger = forecaster_in(&keystore, "//Stranger");
	let mut ext = new_test_ext();
	ext.register_extension(KeystoreExt(Arc::new(keystore)));
	ext.execute_with(|| {
		Forecasts::set_forecasters(RuntimeOrigin::root(), vec![forecaster.clone()])
			.expect("root sets forecasters");
	});
	(ext, forecaster, stranger)
}

/// A batch of `forecasts` for `slot` by `key`, with its signature.
fn signed(
	key: &crate::crypto::ForecasterId,
	slot: MarketSlot,
	forecasts: Vec<(MeterId, EnergyForecast)>,
) -> (ForecastBatchOf<Test>, crate::crypto::ForecasterSignature) {
	let batch: ForecastBatchOf<Test> = ForecastBatch {
		forecaster: key.clone(),
		slot,
		forecasts: BoundedVec::try_from(forecasts).expect("within the mock's batch bound"),
	};
	let signature =
		key.sign(&batch.signing_payload(&Forecasts::genesis_hash())).expect("key in keystore");
	(batch, signature)
}

/// A forecast of `import` Wh imported, nothing exported.
fn imports(import_wh: u64) -> EnergyForecast {
	EnergyForecast { import_wh, export_wh: 0 }
}

/// The storage root: equal before and after means nothing changed.
fn state_root() -> Vec<u8> {
	sp_io::storage::root(sp_runtime::StateVersion::V1).encode()
}
