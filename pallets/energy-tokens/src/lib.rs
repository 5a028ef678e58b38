#![cfg_attr(not(feature = "std"), no_std)]
#![doc = include_str!("../README.md")]

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod dispatchable_impls;
mod invariants;
mod ledger_impl;
pub mod migrations;
mod minter_impl;
#[cfg(test)]
mod mock;
#[cfg(all(feature = "fuzz-regression", feature = "std"))]
pub mod regression;
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

	/// 2: tokens are held per certificate (`Holdings`) instead of one fungible balance per
	/// account, and certificates record where their tokens went.
	pub const STORAGE_VERSION: StorageVersion = StorageVersion::new(2);

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

	/// The tokens (Wh) each holder holds of each certificate: holder, then slot and RES, so a
	/// wallet lists its holdings with one prefix. Absent means zero. A holding keeps its
	/// origin: tokens of one certificate never become tokens of another.
	#[pallet::storage]
	pub type Holdings<T: Config> = StorageNMap<
		_,
		(
			NMapKey<Blake2_128Concat, T::AccountId>,
			NMapKey<Twox64Concat, MarketSlot>,
			NMapKey<Twox64Concat, ResId>,
		),
		Wh,
	>;

	/// Certificates of origin by market slot and RES: slot first, so that settlement can walk
	/// the certificates of one slot.
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

	/// All tokens ever retired (Wh): delivered to buyers by settlement, or retired by their
	/// holders.
	#[pallet::storage]
	pub type TotalRetired<T: Config> = StorageValue<_, u128, ValueQuery>;

	/// All tokens ever sold to the utility at the feed-in tariff (Wh).
	/// Supply (held by someone) = minted − retired − fed in.
	#[pallet::storage]
	pub type TotalFedIn<T: Config> = StorageValue<_, u128, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A holder retired `wh` tokens of certificate (`res`, `slot`), claiming the renewable
		/// energy they stand for. Minting has no event of its own: the meters pallet's
		/// `ReadingAccepted` carries it.
		Retired { who: T::AccountId, slot: MarketSlot, res: ResId, wh: Wh, claim: RetirementClaim },
		/// Market settlement delivered `wh` tokens of certificate (`res`, `slot`) of `seller` to
		/// `buyer`, and they were retired in the buyer's name: the buyer consumed that energy.
		Delivered {
			seller: T::AccountId,
			buyer: T::AccountId,
			slot: MarketSlot,
			res: ResId,
			wh: Wh,
		},
		/// Market settlement sold `wh` unsold tokens of certificate (`res`, `slot`) of `owner`
		/// to `utility` at the feed-in tariff: they leave circulation.
		FedIn { owner: T::AccountId, utility: T::AccountId, slot: MarketSlot, res: ResId, wh: Wh },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// A retirement must name at least one certificate.
		NothingToRetire,
		/// An amount of zero tokens.
		ZeroAmount,
		/// The holder has fewer tokens of the certificate than asked for.
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
		/// Retires (burns) the caller's tokens of the named `certificates` (slot, RES, Wh each)
		/// with a public `claim` of what the energy was used for. All or nothing: if the caller
		/// holds too few of any certificate, nothing is retired. Retired tokens can never be
		/// spent again.
		///
		/// Origin: any holder of the certificates.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::retire(certificates.len() as u32))]
		pub fn retire(
			origin: OriginFor<T>,
			certificates: RetiredCertificates,
			claim: RetirementClaim,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_retire(who, certificates, claim)
		}
	}
}
