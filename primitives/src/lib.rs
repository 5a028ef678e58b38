//! Shared `no_std` types of the community energy chain.
//!
//! Everything here is used by more than one crate: the runtime, the pallets, the node, the meter
//! gateway and off-chain tools. Keep it free of storage and of FRAME so that a gateway maker or a
//! market designer can depend on it without pulling in a runtime.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod attribution;
pub mod energy;
pub mod reading;
pub mod traits;

pub use attribution::*;
pub use energy::*;
pub use reading::*;
pub use traits::*;

use sp_runtime::{
	traits::{IdentifyAccount, Verify},
	MultiSignature,
};

/// An index to a block.
pub type BlockNumber = u32;

/// Alias to 512-bit hash when used in the context of a transaction signature on the chain.
pub type Signature = MultiSignature;

/// Some way of identifying an account on the chain. We intentionally make it equivalent to the
/// public key of our transaction signing scheme.
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;

/// Balance of an account, in the smallest unit of the community currency.
pub type Balance = u128;

/// Index of a transaction in the chain.
pub type Nonce = u32;

/// A hash of some data used by the chain.
pub type Hash = sp_core::H256;

/// The community currency has 6 decimals: one unit is a micro-euro of the community's
/// euro-backed voucher, so a tariff of 0.095 EUR/kWh is 95 units per Wh.
pub const DECIMALS: u8 = 6;

/// One whole currency unit (1 CEUR) in the smallest balance units.
pub const UNIT: Balance = 1_000_000;

/// One cent of the currency.
pub const CENT: Balance = UNIT / 100;

/// The ticker of the community currency shown by wallets.
pub const TOKEN_SYMBOL: &str = "CEUR";

/// The SS58 address prefix of the chain (42: the generic Substrate prefix).
pub const SS58_PREFIX: u16 = 42;

/// Target block time in milliseconds: the Aura slot duration.
pub const MILLISECS_PER_BLOCK: u64 = 6000;

/// Time is measured by number of blocks.
pub const MINUTES: BlockNumber = 60_000 / (MILLISECS_PER_BLOCK as BlockNumber);
/// An hour in blocks.
pub const HOURS: BlockNumber = MINUTES * 60;
/// A day in blocks.
pub const DAYS: BlockNumber = HOURS * 24;

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn block_time_constants_are_consistent() {
		assert_eq!(MINUTES, 10);
		assert_eq!(HOURS, 600);
		assert_eq!(DAYS, 14_400);
		assert_eq!(UNIT, 10u128.pow(DECIMALS as u32));
	}
}
