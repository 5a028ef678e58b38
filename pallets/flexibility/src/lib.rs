#![cfg_attr(not(feature = "std"), no_std)]
#![doc = include_str!("../README.md")]

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod commitments;
mod invariants;
mod metering;
#[cfg(test)]
mod mock;
mod requests;
mod settlement;
#[cfg(test)]
mod tests;
mod types;
mod view;
pub mod weights;

pub use types::*;
pub use weights::WeightInfo;

extern crate alloc;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use energy_primitives::{
		ForecastProvider, MarketClock, MarketSlot, MeterId, MeterRegistry, ParticipantRegistry, Wh,
	};
	use frame_support::{
		pallet_prelude::*,
		traits::fungible::{Mutate, MutateHold},
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::Perbill;

	/// The in-code storage version.
	pub const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The overarching event type.
		#[allow(deprecated)]
		type RuntimeEvent: From<Event<Self>> + IsType<<Self as frame_system::Config>::RuntimeEvent>;

		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;

		/// The currency requests are paid in and bonds are held in.
		type Currency: Mutate<Self::AccountId, Balance = Amount>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// Who is an active DSO (posts requests) or member (accepts them).
		type Participants: ParticipantRegistry<Self::AccountId>;

		/// The meters requests concern and their owners.
		type Meters: MeterRegistry<Self::AccountId>;

		/// The forecasts baselines are taken from.
		type Forecasts: ForecastProvider;

		/// The market clock: the current slot and the slot length.
		type Clock: MarketClock;

		/// How long after a slot ended its readings are still accepted (the meters pallet's
		/// `MaxReadingAgeMs`): a request whose slots are not all metered settles once no
		/// reading of its last slot can come any more.
		#[pallet::constant]
		type MaxReadingAgeMs: Get<u64>;

		/// The most meters one request may name.
		#[pallet::constant]
		type MaxMetersPerRequest: Get<u32>;

		/// The most slots one request may span.
		#[pallet::constant]
		type MaxSlotsPerRequest: Get<u32>;

		/// The most requests open (posted, not yet settled or cancelled) at once.
		#[pallet::constant]
		type MaxOpenRequests: Get<u32>;

		/// The most open commitments one meter may have (on requests of disjoint slots).
		#[pallet::constant]
		type MaxCommitmentsPerMeter: Get<u32>;

		/// The most meters with open commitments at once: their set is read with every batch
		/// of readings. At least `MaxOpenRequests × MaxMetersPerRequest` (checked by the
		/// integrity test), so that it never refuses a commitment the requests allow: a member
		/// with many meters cannot fill it to lock others out.
		#[pallet::constant]
		type MaxWatchedMeters: Get<u32>;

		/// What a member pays the DSO per Wh of shortfall, as a share of the request's price;
		/// the same share of the commitment's full value is held as its bond.
		#[pallet::constant]
		type ShortfallPenalty: Get<Perbill>;

		/// Weight information for the extrinsics and hooks of this pallet.
		type WeightInfo: WeightInfo;
	}

	/// Reasons the flexibility market holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A request's full price, `reduction × slots × price`, held of its DSO until it
		/// settles or is cancelled.
		RequestFunds,
		/// A commitment's bond, `ShortfallPenalty × reduction × slots × price`, held of its
		/// member until the request settles.
		CommitmentBond,
	}

	/// The id the next request gets.
	#[pallet::storage]
	pub type NextRequestId<T: Config> = StorageValue<_, RequestId, ValueQuery>;

	/// The open requests.
	#[pallet::storage]
	pub type Requests<T: Config> = CountedStorageMap<
		_,
		Twox64Concat,
		RequestId,
		FlexRequest<T::AccountId, T::MaxMetersPerRequest>,
	>;

	/// Each open request's baseline per meter: the import forecast of each of its slots as it
	/// stood when the request was posted, Wh. Kept until the request settles, whatever the
	/// forecasts pallet prunes.
	#[pallet::storage]
	pub type Baselines<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		RequestId,
		Twox64Concat,
		MeterId,
		BoundedVec<Wh, T::MaxSlotsPerRequest>,
	>;

	/// The commitments to each open request, per meter.
	#[pallet::storage]
	pub type Commitments<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		RequestId,
		Twox64Concat,
		MeterId,
		Commitment<T::AccountId, T::MaxSlotsPerRequest>,
	>;

	/// Each meter's open commitments, by slot range (disjoint).
	#[pallet::storage]
	pub type MeterCommitments<T: Config> = StorageMap<
		_,
		Twox64Concat,
		MeterId,
		BoundedVec<CommittedRange, T::MaxCommitmentsPerMeter>,
		ValueQuery,
	>;

	/// The meters with open commitments, ascending: whose readings the meters pallet reports.
	#[pallet::storage]
	pub type WatchedMeters<T: Config> =
		StorageValue<_, BoundedVec<MeterId, T::MaxWatchedMeters>, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A DSO posted a request, holding its full price.
		RequestPosted {
			id: RequestId,
			dso: T::AccountId,
			first_slot: MarketSlot,
			slots: u32,
			reduction_wh: Wh,
			price_per_wh: Amount,
			held: Amount,
			meters: u32,
		},
		/// A request without commitments was withdrawn by its DSO; its hold was released.
		RequestCancelled { id: RequestId, released: Amount },
		/// A meter's owner committed to reduce its import by `reduction_wh` in each slot of
		/// the request, holding `bond`.
		Accepted {
			id: RequestId,
			meter: MeterId,
			member: T::AccountId,
			reduction_wh: Wh,
			bond: Amount,
		},
		/// A reading closed a committed slot of a meter.
		SlotMetered { id: RequestId, meter: MeterId, slot: MarketSlot, metering: SlotMetering },
		/// A commitment settled: `delivered_wh` of `committed_wh` paid for, `penalty` for the
		/// shortfall.
		CommitmentSettled {
			id: RequestId,
			meter: MeterId,
			member: T::AccountId,
			committed_wh: Wh,
			delivered_wh: Wh,
			paid: Amount,
			penalty: Amount,
		},
		/// A request settled: the DSO paid `paid`, received `penalties`, and `released` of its
		/// hold came back.
		RequestSettled { id: RequestId, paid: Amount, penalties: Amount, released: Amount },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// Only an active participant with the DSO role posts requests.
		NotDso,
		/// A request spans at least one and at most `MaxSlotsPerRequest` slots.
		BadSlotCount,
		/// A request names at least one meter.
		NoMeters,
		/// A request's meters must be strictly ascending (no meter twice).
		MetersNotAscending,
		/// The reduction must be more than zero Wh.
		ZeroReduction,
		/// The price per Wh must be more than zero.
		ZeroPrice,
		/// A request's first slot must not have begun.
		SlotNotInFuture,
		/// A named meter is not registered or was revoked.
		UnknownMeter,
		/// A named meter has no forecast for one of the slots: without it there is no baseline
		/// that was fixed before the request.
		NoPriorForecast,
		/// `MaxOpenRequests` requests are open.
		TooManyOpenRequests,
		/// The request's or the bond's amount does not fit the currency.
		AmountOverflow,
		/// Every request id has been used.
		NoRequestIdLeft,
		/// The DSO's free balance cannot hold the request's full price.
		InsufficientFunds,
		/// No open request has this id.
		UnknownRequest,
		/// Only the request's DSO cancels it.
		NotRequestDso,
		/// A request with commitments cannot be cancelled: it settles.
		HasCommitments,
		/// Acceptance closed when the request's first slot began.
		AcceptanceClosed,
		/// The meter is not one the request names.
		MeterNotInRequest,
		/// Only the meter's owner commits its reduction.
		NotMeterOwner,
		/// The meter's owner is not an active participant.
		NotActiveMember,
		/// The meter already has a commitment to this request.
		AlreadyAccepted,
		/// The reduction is above the meter's baseline in some slot: import cannot fall below
		/// zero.
		AboveBaseline,
		/// The commitment would take the request's committed reduction above what it wants.
		Overcommitted,
		/// The meter is committed to another request in one of these slots: one reduction is
		/// paid once.
		SlotCommittedElsewhere,
		/// The meter has `MaxCommitmentsPerMeter` open commitments.
		TooManyCommitments,
		/// `MaxWatchedMeters` meters have open commitments.
		TooManyWatchedMeters,
		/// The member's free balance cannot hold the commitment's bond.
		BondUnaffordable,
		/// The request cannot settle yet: its last slot has not ended, or some slot is neither
		/// metered nor past the readings' window.
		NotSettleable,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(T::MaxSlotsPerRequest::get() > 0, "a request spans at least one slot");
			assert!(T::MaxMetersPerRequest::get() > 0, "a request names at least one meter");
			assert!(T::MaxCommitmentsPerMeter::get() > 0, "a meter may commit at least once");
			assert!(
				T::MaxWatchedMeters::get()
					>= T::MaxOpenRequests::get().saturating_mul(T::MaxMetersPerRequest::get()),
				"the watched set must hold every meter the open requests can name"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Asks the owners of `meters` to import `reduction_wh` Wh less, together, in each of
		/// the `slots` slots from `first_slot`, at `price_per_wh` per Wh of measured reduction.
		///
		/// Origin: an active participant with the DSO role. Holds the full price
		/// (`reduction_wh × slots × price_per_wh`). Every meter must have an import forecast
		/// for every slot: that forecast, made before the request, is the baseline reductions
		/// are measured against.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::post_request(meters.len() as u32, *slots))]
		pub fn post_request(
			origin: OriginFor<T>,
			first_slot: MarketSlot,
			slots: u32,
			meters: BoundedVec<MeterId, T::MaxMetersPerRequest>,
			reduction_wh: Wh,
			price_per_wh: Amount,
		) -> DispatchResult {
			let dso = ensure_signed(origin)?;
			Self::do_post_request(dso, first_slot, slots, meters, reduction_wh, price_per_wh)
		}

		/// Withdraws request `id`, which has no commitment, releasing its hold.
		///
		/// Origin: the request's DSO.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::cancel_request(T::MaxMetersPerRequest::get()))]
		pub fn cancel_request(origin: OriginFor<T>, id: RequestId) -> DispatchResultWithPostInfo {
			let dso = ensure_signed(origin)?;
			Self::do_cancel_request(dso, id)
		}

		/// Commits meter `meter` to import `reduction_wh` Wh less than its baseline in each slot
		/// of request `id`, holding the bond; before the request's first slot begins.
		///
		/// Origin: the meter's owner, an active participant.
		#[pallet::call_index(2)]
		// The benchmark registers its meter on a page of its own: the lookup's worst case (a
		// full gateway page decoded) is added.
		#[pallet::weight(
			T::WeightInfo::accept(T::MaxSlotsPerRequest::get())
				.saturating_add(T::Meters::meter_weight())
		)]
		pub fn accept(
			origin: OriginFor<T>,
			id: RequestId,
			meter: MeterId,
			reduction_wh: Wh,
		) -> DispatchResult {
			let member = ensure_signed(origin)?;
			Self::do_accept(member, id, meter, reduction_wh)
		}

		/// Settles request `id`: pays each member `price × min(measured, committed)` per slot
		/// from the DSO's hold, charges shortfall from the member's bond, releases the rest.
		/// Once every committed slot is metered after the last slot, or once the readings'
		/// window of the last slot has passed.
		///
		/// Origin: anyone signed (so a member is paid whether or not the DSO comes back).
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::settle(
			T::MaxMetersPerRequest::get(),
			T::MaxSlotsPerRequest::get(),
		))]
		pub fn settle(origin: OriginFor<T>, id: RequestId) -> DispatchResultWithPostInfo {
			ensure_signed(origin)?;
			Self::do_settle(id)
		}
	}
}
