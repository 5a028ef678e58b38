#![cfg_attr(not(feature = "std"), no_std)]
#![doc = include_str!("../README.md")]

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod claims;
mod dispatchable_impls;
mod invariants;
mod ledger_impl;
mod lifecycle;
pub mod migrations;
mod minter_impl;
#[cfg(test)]
mod mock;
pub mod pieces;
#[cfg(all(feature = "fuzz-regression", feature = "std"))]
pub mod regression;
pub mod reports;
#[cfg(test)]
mod tests;
mod types;
pub mod weights;

pub use reports::{MAX_EXPORT_SLOTS, MAX_REPORT_SLOTS};
pub use types::*;
pub use weights::WeightInfo;

extern crate alloc;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use energy_primitives::{MarketClock, MarketSlot, ResId, Wh};
	use frame_support::{pallet_prelude::*, traits::UnixTime};
	use frame_system::pallet_prelude::*;

	/// 3: certificates are granular certificates (id, issuance time, production interval,
	/// expiry, a counter per terminal status), each holder's Wh of a certificate are numbered
	/// ranges with a status (`Pieces`), and delivered Wh stay active with the buyer until
	/// claimed against its metered consumption (`Consumption`).
	pub const STORAGE_VERSION: StorageVersion = StorageVersion::new(3);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The overarching event type.
		#[allow(deprecated)]
		type RuntimeEvent: From<Event<Self>> + IsType<<Self as frame_system::Config>::RuntimeEvent>;

		/// The market clock: the current slot (expiry) and the slot length (production
		/// intervals).
		type Clock: MarketClock;

		/// Wall-clock time: when a certificate is issued.
		type Time: UnixTime;

		/// Who sets the issuing body and the expiry period and withdraws certificates: the
		/// community's governance (the council, or root).
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The expiry period of certificates until governance sets one, in slots.
		#[pallet::constant]
		type DefaultExpirySlots: Get<u32>;

		/// Weight information for the extrinsics of this pallet.
		type WeightInfo: WeightInfo;
	}

	/// The active Wh each holder holds of each certificate: holder, then slot and RES, so a
	/// wallet lists its holdings with one prefix. Absent means zero: the sum of the holder's
	/// active [`Pieces`] of the certificate, kept beside them for the market's reads.
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

	/// The numbered Wh each holder has or had of each certificate, with their status: every Wh
	/// of a certificate is in exactly one piece of one holder. Kept after the Wh become
	/// terminal: they prove who claimed, cancelled or fed in which Wh.
	#[pallet::storage]
	pub type HolderPieces<T: Config> = StorageNMap<
		_,
		(
			NMapKey<Blake2_128Concat, T::AccountId>,
			NMapKey<Twox64Concat, MarketSlot>,
			NMapKey<Twox64Concat, ResId>,
		),
		Pieces,
		ValueQuery,
	>;

	/// Certificates by market slot and RES: slot first, so that settlement can walk the
	/// certificates of one slot.
	#[pallet::storage]
	pub type Certificates<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		MarketSlot,
		Twox64Concat,
		ResId,
		Certificate<T::AccountId>,
	>;

	/// The id the next certificate issued gets.
	#[pallet::storage]
	pub type NextCertificateId<T: Config> = StorageValue<_, CertificateId, ValueQuery>;

	/// Each member's consumption metered per slot, and how much of it is matched by claims.
	/// Written by accepted one-slot readings (one entry per member and metered slot).
	#[pallet::storage]
	pub type Consumption<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		MarketSlot,
		MeteredConsumption,
	>;

	/// Certificates of a slot delivered to a member before its consumption of the slot was
	/// metered (or beyond it): claimed automatically when its reading arrives.
	#[pallet::storage]
	pub type AwaitingClaim<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		MarketSlot,
		BoundedVec<ResId, ConstU32<MAX_AWAITING_CLAIM>>,
		ValueQuery,
	>;

	/// Members and slots whose consumption reading arrived while delivered certificates of the
	/// slot waited for it, by queue position: claimed in the idle time of blocks, oldest first.
	#[pallet::storage]
	pub type ClaimQueue<T: Config> = StorageMap<_, Twox64Concat, u32, (T::AccountId, MarketSlot)>;

	/// The claim queue's first position and the position after its last (wrapping).
	#[pallet::storage]
	pub type ClaimQueueBounds<T: Config> = StorageValue<_, (u32, u32), ValueQuery>;

	/// Why governance withdrew (some of) a certificate, by slot and RES.
	#[pallet::storage]
	pub type WithdrawalReasons<T: Config> =
		StorageDoubleMap<_, Twox64Concat, MarketSlot, Twox64Concat, ResId, BoundedText>;

	/// The issuing body: its name and country, set by governance.
	#[pallet::storage]
	pub type IssuingBody<T: Config> = StorageValue<_, Issuer, ValueQuery>;

	/// How many slots after its own a certificate's active Wh stay usable (set by governance).
	#[pallet::storage]
	pub type ExpirySlots<T: Config> = StorageValue<_, u32, ValueQuery, T::DefaultExpirySlots>;

	/// All tokens ever minted (Wh).
	#[pallet::storage]
	pub type TotalMinted<T: Config> = StorageValue<_, u128, ValueQuery>;

	/// All tokens ever retired (Wh): claimed, cancelled, expired or withdrawn.
	#[pallet::storage]
	pub type TotalRetired<T: Config> = StorageValue<_, u128, ValueQuery>;

	/// All tokens ever sold to the utility at the feed-in tariff (Wh).
	/// Supply (active, held by someone) = minted − retired − fed in.
	#[pallet::storage]
	pub type TotalFedIn<T: Config> = StorageValue<_, u128, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// Certificate `id` of RES `res` in `slot` was issued to `owner` (its first Wh minted;
		/// later mints of the slot add to it, and the meters pallet's `ReadingAccepted` carries
		/// each mint).
		Issued { id: CertificateId, slot: MarketSlot, res: ResId, owner: T::AccountId },
		/// A holder retired (cancelled) `wh` of certificate (`res`, `slot`) with a public
		/// claim of what the energy was used for, without hourly matching.
		Retired { who: T::AccountId, slot: MarketSlot, res: ResId, wh: Wh, claim: RetirementClaim },
		/// Market settlement delivered `wh` of `seller`'s active Wh of certificate (`res`,
		/// `slot`) to `buyer`: they are active in the buyer's holding until claimed.
		Delivered {
			seller: T::AccountId,
			buyer: T::AccountId,
			slot: MarketSlot,
			res: ResId,
			wh: Wh,
		},
		/// `who` claimed `wh` of certificate (`res`, `slot`) against its consumption metered
		/// in `slot`.
		Claimed { who: T::AccountId, slot: MarketSlot, res: ResId, wh: Wh },
		/// Market settlement sold `wh` unsold tokens of certificate (`res`, `slot`) of `owner`
		/// to `utility` at the feed-in tariff: they leave circulation.
		FedIn { owner: T::AccountId, utility: T::AccountId, slot: MarketSlot, res: ResId, wh: Wh },
		/// `holder`'s `wh` active Wh of certificate (`res`, `slot`) expired.
		Expired { holder: T::AccountId, slot: MarketSlot, res: ResId, wh: Wh },
		/// Governance withdrew `holder`'s `wh` active Wh of certificate (`res`, `slot`).
		Withdrawn {
			holder: T::AccountId,
			slot: MarketSlot,
			res: ResId,
			wh: Wh,
			reason: BoundedText,
		},
		/// Governance set the issuing body.
		IssuerSet { issuer: Issuer },
		/// Governance set the expiry period (slots).
		ExpiryPeriodSet { slots: u32 },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// A retirement must name at least one certificate.
		NothingToRetire,
		/// An amount of zero tokens.
		ZeroAmount,
		/// The holder has fewer active tokens of the certificate than asked for.
		InsufficientTokens,
		/// A token counter would overflow.
		Overflow,
		/// No certificate of that RES and slot was issued.
		UnknownCertificate,
		/// The certificate's expiry period is over: its active Wh can only expire.
		CertificateExpired,
		/// The certificate's expiry period is not over yet.
		NotExpired,
		/// The holder has no active Wh of the certificate.
		NothingActive,
		/// No consumption of the claimant is metered in the certificate's slot.
		NoConsumptionMetered,
		/// The claim exceeds the consumption metered in the slot not yet matched by claims.
		ExceedsConsumption,
		/// The holder's pieces of the certificate would exceed `MAX_PIECES`.
		TooManyPieces,
		/// A delivery from a member to itself (its bid met its own offer).
		SelfDelivery,
		/// An expiry period shorter than `MIN_EXPIRY_SLOTS`.
		ExpiryTooShort,
		/// A country code that is not two ASCII capital letters.
		InvalidCountry,
	}

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The issuing body at genesis: its name (UTF-8, at most 64 bytes) and its country
		/// (ISO 3166-1 alpha-2, e.g. `"DE"`). `None` leaves it to governance (`set_issuer`).
		pub issuer: Option<(alloc::string::String, alloc::string::String)>,
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			// Genesis runs once, on the chain spec its authors wrote, before any block: a
			// malformed issuer must stop the chain from starting (as a malformed RES or meter
			// does in their pallets), so the assertion and the `expect`s below are intended.
			// `do_set_issuer` fails only for a country that is not two capitals.
			if let Some((name, country)) = &self.issuer {
				assert!(!name.is_empty(), "the genesis issuer has a name");
				let issuer = Issuer {
					name: name
						.as_bytes()
						.to_vec()
						.try_into()
						.expect("the genesis issuer's name fits 64 bytes"),
					country: country
						.as_bytes()
						.try_into()
						.expect("the genesis issuer's country has two letters"),
				};
				Pallet::<T>::do_set_issuer(issuer).expect("the genesis issuer's country is valid");
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(
				T::DefaultExpirySlots::get() >= MIN_EXPIRY_SLOTS,
				"the default expiry period is below MIN_EXPIRY_SLOTS"
			);
		}

		/// Claims delivered certificates whose buyer's consumption reading has arrived, as far
		/// as the block's spare weight allows.
		fn on_idle(_n: BlockNumberFor<T>, remaining: Weight) -> Weight {
			Self::process_claim_queue(remaining)
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Retires (cancels) the caller's active Wh of the named `certificates` (slot, RES, Wh
		/// each) with a public `claim` of what the energy was used for, without hourly
		/// matching. All or nothing: if the caller holds too few of any certificate, or one is
		/// past its expiry period, nothing is retired.
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

		/// Claims `wh` of the caller's active Wh of certificate (`res`, `slot`) against its
		/// consumption metered in `slot`: never more than that consumption less what is
		/// already claimed against it. Delivered certificates are claimed automatically; this
		/// claims the rest (a prosumer's own production, or what waited beyond the bound).
		///
		/// Origin: any holder of the certificate.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::claim())]
		pub fn claim(origin: OriginFor<T>, slot: MarketSlot, res: ResId, wh: Wh) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_claim(&who, slot, res, wh, MAX_OWN_PIECES)
		}

		/// Expires `holder`'s active Wh of certificate (`res`, `slot`) once its expiry period is
		/// over. Free when it expires something.
		///
		/// Origin: anyone signed.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::expire())]
		pub fn expire(
			origin: OriginFor<T>,
			holder: T::AccountId,
			slot: MarketSlot,
			res: ResId,
		) -> DispatchResultWithPostInfo {
			ensure_signed(origin)?;
			Self::do_expire(&holder, slot, res)?;
			Ok(Pays::No.into())
		}

		/// Withdraws `holder`'s active Wh of certificate (`res`, `slot`) with a `reason` (a
		/// meter found faulty, a RES found not renewable).
		///
		/// Origin: `GovernanceOrigin`.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::withdraw())]
		pub fn withdraw(
			origin: OriginFor<T>,
			holder: T::AccountId,
			slot: MarketSlot,
			res: ResId,
			reason: BoundedText,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::do_withdraw(&holder, slot, res, reason)
		}

		/// Sets the issuing body's `name` and `country` (ISO 3166-1 alpha-2).
		///
		/// Origin: `GovernanceOrigin`.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::set_issuer())]
		pub fn set_issuer(
			origin: OriginFor<T>,
			name: BoundedText,
			country: [u8; 2],
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::do_set_issuer(Issuer { name, country })
		}

		/// Sets the expiry period of certificates issued from now on, in slots (at least
		/// `MIN_EXPIRY_SLOTS`).
		///
		/// Origin: `GovernanceOrigin`.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::set_expiry_period())]
		pub fn set_expiry_period(origin: OriginFor<T>, slots: u32) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::do_set_expiry_period(slots)
		}
	}

	impl<T: Config> Pallet<T> {
		/// The current slot, by the market clock.
		pub(crate) fn current_slot() -> MarketSlot {
			T::Clock::current_slot()
		}
	}
}
