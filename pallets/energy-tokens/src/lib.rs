#![cfg_attr(not(feature = "std"), no_std)]
#![doc = include_str!("../README.md")]

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod dispatchable_impls;
mod ledger_impl;
mod minter_impl;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
mod types;
pub mod weights;

pub use types::*;
pub use weights::WeightInfo;

extern crate alloc;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use energy_primitives::{MarketSlot, ResId, Wh};
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;

	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The overarching event type.
		#[allow(deprecated)]
		type RuntimeEvent: From<Event<Self>> + IsType<<Self as frame_system::Config>::RuntimeEvent>;

		/// Weight information for the extrinsics of this pallet.
		type WeightInfo: WeightInfo;
	}

	/// Token balance (Wh) of each holder; absent means zero.
	#[pallet::storage]
	pub type Balances<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, Wh, ValueQuery>;

	/// Issuance records (certificates of origin) by market slot and RES: slot first, so that
	/// settlement can walk the certificates of one slot.
	#[pallet::storage]
	pub type Certificates<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		MarketSlot,
		Twox64Concat,
		ResId,
		Certificate<T::AccountId>,
	>;

	/// All tokens ever minted (Wh).
	#[pallet::storage]
	pub type TotalMinted<T: Config> = StorageValue<_, u128, ValueQuery>;

	/// All tokens ever retired (Wh). Supply = minted − retired.
	#[pallet::storage]
	pub type TotalRetired<T: Config> = StorageValue<_, u128, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A holder retired (burnt) tokens, claiming the renewable energy they stand for.
		/// Minting has no event of its own: the meters pallet's `ReadingAccepted` carries it.
		Retired { who: T::AccountId, wh: Wh, claim: RetirementClaim },
		/// Market settlement delivered `wh` tokens of `seller` to `buyer`, and they were
		/// retired in the buyer's name: the buyer consumed that renewable energy.
		Delivered { seller: T::AccountId, buyer: T::AccountId, wh: Wh },
		/// Market settlement moved `wh` tokens from `from` to `to` (unsold energy bought by the
		/// utility at the feed-in tariff).
		Transferred { from: T::AccountId, to: T::AccountId, wh: Wh },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// Nothing to retire.
		ZeroAmount,
		/// The holder has fewer tokens than it asked to retire.
		InsufficientTokens,
		/// A token counter would overflow.
		Overflow,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Retires (burns) `wh` of the caller's tokens with a public `claim` of what the energy
		/// was used for. Retired tokens can never be spent again.
		///
		/// Origin: any token holder.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::retire())]
		pub fn retire(origin: OriginFor<T>, wh: Wh, claim: RetirementClaim) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_retire(who, wh, claim)
		}
	}
}
