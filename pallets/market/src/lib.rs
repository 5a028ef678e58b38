#![cfg_attr(not(feature = "std"), no_std)]
#![doc = include_str!("../README.md")]

pub use pallet::*;

use alloc::boxed::Box;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod clearing;
mod clock;
mod governance;
mod invariants;
pub mod migrations;
#[cfg(test)]
mod mock;
mod orders;
#[cfg(all(feature = "fuzz-regression", feature = "std"))]
pub mod regression;
mod schedule;
mod sealed;
mod settlement;
mod standing;
#[cfg(test)]
mod tests;
mod types;
pub mod weights;

pub use standing::MAX_STANDING_DROPS_PER_OPENING;
pub use types::*;
pub use weights::WeightInfo;

extern crate alloc;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use energy_primitives::{
		EnergyLedger, ForecastProvider, GridTopology, MarketSlot, MeterId, MeterRegistry,
		ParticipantRegistry, ResId, ResRegistry, Wh, HOUR_MS,
	};
	use frame_support::{
		pallet_prelude::*,
		traits::fungible::{Mutate, MutateHold},
		weights::WeightMeter,
	};
	use frame_system::pallet_prelude::*;

	/// 4: `Deliverable` is gone (settlement reads the seller's holding of the slot's
	/// certificate). 5: bids name their consumption meter (`Side::Bid { meter }`); standing
	/// bids sized by their owner's consumption meter are sited there. 6: trades carry a buyer
	/// and a seller price (the grid's charges between them), auctions the charges paid.
	pub const STORAGE_VERSION: StorageVersion = StorageVersion::new(6);

	/// The shortest market slot a chain may be configured with: one second.
	pub const MIN_SLOT_LENGTH_MS: u64 = 1_000;

	/// The most auctions that may be between opening and settled at once.
	pub const MAX_PENDING_AUCTIONS: u32 = 64;

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config + pallet_timestamp::Config<Moment = u64> {
		/// The overarching event type.
		#[allow(deprecated)]
		type RuntimeEvent: From<Event<Self>> + IsType<<Self as frame_system::Config>::RuntimeEvent>;

		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;

		/// The currency bids are paid in and deposits are held in.
		type Currency: Mutate<Self::AccountId, Balance = Amount>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// Who may trade: consumers bid, producers offer.
		type Participants: ParticipantRegistry<Self::AccountId>;

		/// The RES an offer is backed by.
		type Res: ResRegistry<Self::AccountId>;

		/// The energy tokens settlement delivers.
		type Tokens: EnergyLedger<Self::AccountId>;

		/// The meters standing orders take their forecasts from.
		type Meters: MeterRegistry<Self::AccountId>;

		/// The forecasts standing orders are sized by.
		type Forecasts: ForecastProvider;

		/// The DSO's grid: each slot clears on its elements' room, with its network charges,
		/// at the points the orders' meters and RES are bound to; the charges go to its keeper.
		type Grid: GridTopology<Self::AccountId>;

		/// Governance of the market: the clearing rule, the schedule, the utility account.
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The most open orders (bids and offers) one slot's book may hold. Set from the
		/// `clear` benchmark so that a full book clears within [`Config::MaxClearingWeight`].
		#[pallet::constant]
		type MaxOrdersPerSlot: Get<u32>;

		/// The most open orders one member may hold in one slot's book.
		#[pallet::constant]
		type MaxOrdersPerMember: Get<u32>;

		/// The most weight the market's routine work (opening auctions, settlement steps) may
		/// use in one block; what is left over waits for the next block.
		#[pallet::constant]
		type MaxHookWeight: Get<Weight>;

		/// The most weight clearing may use in the block of a gate closure. A book clears in
		/// one block, so this bounds `MaxOrdersPerSlot`; it comes out of the block's budget
		/// once per slot.
		#[pallet::constant]
		type MaxClearingWeight: Get<Weight>;

		/// The most standing orders of all members together: each auction's opening places
		/// them all, so this bounds the opening's weight (checked against
		/// [`Config::MaxHookWeight`] by the integrity test).
		#[pallet::constant]
		type MaxStandingOrders: Get<u32>;

		/// The most standing orders one member may hold.
		#[pallet::constant]
		type MaxStandingOrdersPerMember: Get<u32>;

		/// The least delivery deposit an offer holds per kWh, whatever its reserve price: an
		/// offer at the retail price would otherwise hold nothing and cost nothing to leave
		/// undelivered. Also the least penalty per undelivered kWh.
		#[pallet::constant]
		type MinOfferDeposit: Get<Price>;

		/// What each standing order holds of its owner until it is cancelled or dropped.
		#[pallet::constant]
		type StandingOrderDeposit: Get<Amount>;

		/// The fixed part of a sealed order's reveal bond (held at commitment, burned if the
		/// order is not revealed); the bond adds the slot's retail cap on the
		/// committed Wh.
		#[pallet::constant]
		type RevealBond: Get<Amount>;

		/// The fewest blocks a sealed auction's reveal window may last: more than one block
		/// producer's turn, so that none can keep a reveal out alone.
		#[pallet::constant]
		type MinRevealBlocks: Get<u32>;

		/// How many settled slots keep their summary on chain.
		#[pallet::constant]
		type SummariesKept: Get<u32>;

		/// The tariff of every hour until the utility sets a table.
		#[pallet::constant]
		type DefaultTariff: Get<HourTariff>;

		/// Weight information for the extrinsics and hooks of this pallet.
		type WeightInfo: WeightInfo;
	}

	/// Reasons the market holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A bid's maximum cost (`bid price × Wh`, rounded up).
		BidMaxCost,
		/// An offer's delivery deposit (`(retail − reserve) × Wh`, rounded up): what the seller
		/// owes buyers if none of it is delivered.
		OfferDeposit,
		/// A standing order's deposit ([`Config::StandingOrderDeposit`]), released when the
		/// template is cancelled or dropped: what it costs to take a place in the bounded
		/// set of templates every auction opening works through.
		StandingOrderDeposit,
		/// A sealed order's reveal bond, released when the order is revealed (or the
		/// commitment withdrawn before gate closure) and burned if it is not revealed.
		RevealBond,
	}

	#[pallet::type_value]
	pub fn DefaultSlotLength() -> u64 {
		HOUR_MS
	}

	#[pallet::type_value]
	pub fn DefaultTariffTable<T: Config>() -> TariffTable {
		[T::DefaultTariff::get(); HOURS_PER_DAY]
	}

	/// The length of a market slot in milliseconds, fixed at genesis: one hour in production,
	/// shorter on development chains so a market day can be watched. It never changes after
	/// genesis, because slot numbers (`unix time / length`) must keep their meaning.
	#[pallet::storage]
	pub type SlotLength<T: Config> = StorageValue<_, u64, ValueQuery, DefaultSlotLength>;

	/// When auctions open, close and settle. Changes apply to auctions opened afterwards.
	#[pallet::storage]
	pub type Schedule<T: Config> = StorageValue<_, AuctionSchedule, ValueQuery>;

	/// The clearing rule of auctions opened from now on.
	#[pallet::storage]
	pub type Rule<T: Config> = StorageValue<_, ClearingRule, ValueQuery>;

	/// The time-of-use tariffs by hour of day (UTC). Each auction keeps the tariff of its slot
	/// from the moment it opens.
	#[pallet::storage]
	pub type Tariffs<T: Config> = StorageValue<_, TariffTable, ValueQuery, DefaultTariffTable<T>>;

	/// The utility: sets the tariffs and buys unsold energy at the feed-in tariff.
	#[pallet::storage]
	pub type Utility<T: Config> = StorageValue<_, T::AccountId, OptionQuery>;

	/// The next delivery slot whose auction has not been opened (0: none opened yet).
	#[pallet::storage]
	pub type NextSlotToOpen<T: Config> = StorageValue<_, MarketSlot, ValueQuery>;

	/// Auctions that are open, cleared or settling, oldest first, with the time their next
	/// step is due: the block hook reads an auction only when its step is due.
	#[pallet::storage]
	pub type Pending<T: Config> =
		StorageValue<_, BoundedVec<PendingAuction, ConstU32<MAX_PENDING_AUCTIONS>>, ValueQuery>;

	/// Settled slots whose summaries are still kept, oldest first.
	#[pallet::storage]
	pub type SettledSlots<T: Config> =
		StorageValue<_, BoundedVec<MarketSlot, T::SummariesKept>, ValueQuery>;

	/// The auction of each delivery slot: open, cleared, settling, or its summary.
	#[pallet::storage]
	pub type Auctions<T: Config> = StorageMap<_, Twox64Concat, MarketSlot, Auction>;

	/// The open orders of each slot's book, by order id.
	#[pallet::storage]
	pub type Orders<T: Config> =
		StorageDoubleMap<_, Twox64Concat, MarketSlot, Twox64Concat, OrderId, Order<T::AccountId>>;

	/// How many open orders each member has in each slot's book.
	#[pallet::storage]
	pub type OrdersOfMember<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		MarketSlot,
		Blake2_128Concat,
		T::AccountId,
		u32,
		ValueQuery,
	>;

	/// A cleared slot's trades, in pages of [`TRADES_PER_PAGE`], until settled.
	#[pallet::storage]
	pub type TradePages<T: Config> =
		StorageDoubleMap<_, Twox64Concat, MarketSlot, Twox64Concat, u32, TradePage>;

	/// What each slot's clearing put on each element of the grid (cleared flow each way and
	/// what the element cut), kept as long as the slot's auction record. Absent for a slot
	/// cleared without a grid.
	#[pallet::storage]
	pub type SlotLoading<T: Config> = StorageMap<_, Twox64Concat, MarketSlot, SlotLoadingOf>;

	/// The Wh each RES has on offer in a slot's open book: the sum of its offers, kept within
	/// what its nameplate can export in one slot. Removed as the book is released.
	#[pallet::storage]
	pub type OfferedOfRes<T: Config> =
		StorageDoubleMap<_, Twox64Concat, MarketSlot, Twox64Concat, ResId, Wh, ValueQuery>;

	/// How the auctions opened from now on take their orders: open (default) or sealed.
	#[pallet::storage]
	pub type Mode<T: Config> = StorageValue<_, AuctionMode, ValueQuery>;

	/// The state of each sealed auction (present only for sealed auctions): its reveal window
	/// and how its commitments fared. Kept as long as the slot's auction record.
	#[pallet::storage]
	pub type SealedBooks<T: Config> = StorageMap<_, Twox64Concat, MarketSlot, SealedBook>;

	/// The unrevealed commitments of each sealed book, by the order id they took. Bounded
	/// with the book by `MaxOrdersPerSlot` (a commitment counts as an order of its side
	/// until the reveal window ends) and `MaxOrdersPerMember`.
	#[pallet::storage]
	pub type Commitments<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		MarketSlot,
		Twox64Concat,
		OrderId,
		Commitment<T::AccountId>,
	>;

	/// Standing orders by id: placed in every auction as it opens.
	#[pallet::storage]
	pub type StandingOrders<T: Config> =
		CountedStorageMap<_, Twox64Concat, StandingOrderId, StandingOrder<T::AccountId>>;

	/// How many standing orders each member holds.
	#[pallet::storage]
	pub type StandingOrdersOf<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// The id the next standing order gets.
	#[pallet::storage]
	pub type NextStandingOrderId<T: Config> = StorageValue<_, StandingOrderId, ValueQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The slot length in ms; `None` keeps the default of one hour.
		pub slot_length_ms: Option<u64>,
		/// The auction schedule; `None` keeps the production default.
		pub schedule: Option<AuctionSchedule>,
		/// The clearing rule.
		pub rule: ClearingRule,
		/// The tariff table; `None` uses `DefaultTariff` for every hour.
		pub tariffs: Option<TariffTable>,
		/// The utility account.
		pub utility: Option<T::AccountId>,
		/// Standing orders of the members.
		pub standing_orders: alloc::vec::Vec<StandingOrder<T::AccountId>>,
		/// The auction mode; `None` keeps auctions open.
		#[serde(default)]
		pub mode: Option<AuctionMode>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			// A chain spec with an unusable market is a mistake: refuse to start.
			if let Some(length) = self.slot_length_ms {
				assert!(length >= MIN_SLOT_LENGTH_MS, "market slot length below one second");
				SlotLength::<T>::put(length);
			}
			if let Some(schedule) = self.schedule {
				assert!(
					Pallet::<T>::schedule_is_valid(&schedule),
					"invalid auction schedule for this slot length"
				);
				assert!(
					Pallet::<T>::forecasts_reach(&schedule),
					"the auction schedule opens further ahead than the forecasts reach"
				);
				Schedule::<T>::put(schedule);
			}
			if let Some(tariffs) = self.tariffs {
				assert!(Pallet::<T>::tariffs_are_valid(&tariffs), "a feed-in above retail tariff");
				Tariffs::<T>::put(tariffs);
			}
			if let Some(mode) = self.mode {
				assert!(
					Pallet::<T>::mode_fits(&mode, &Schedule::<T>::get()),
					"the sealed auctions' reveal window does not fit the schedule"
				);
				Mode::<T>::put(mode);
			}
			Rule::<T>::put(self.rule);
			if let Some(utility) = &self.utility {
				Utility::<T>::put(utility);
			}
			// A chain spec whose standing orders a member could not place is a mistake: refuse
			// to start (the panic is intended, as for the other genesis checks).
			for order in &self.standing_orders {
				Pallet::<T>::do_set_standing_order(order.clone())
					.expect("genesis standing orders pass the checks of a member's own");
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// The auction for delivery slot `slot` opened: offers and bids are authorised until
		/// `gate_closure_at` (unix ms); bids may not exceed `retail` per kWh.
		AuthorizeOffers {
			slot: MarketSlot,
			rule: ClearingRule,
			retail: Price,
			feed_in: Price,
			gate_closure_at: u64,
		},
		/// A bid entered the book, holding its maximum cost.
		BidPlaced {
			slot: MarketSlot,
			id: OrderId,
			who: T::AccountId,
			/// The buyer's consumption meter: where the energy is delivered.
			meter: MeterId,
			wh: Wh,
			price: Price,
			held: Amount,
		},
		/// An offer entered the book, holding its delivery deposit.
		OfferPlaced {
			slot: MarketSlot,
			id: OrderId,
			who: T::AccountId,
			res: ResId,
			wh: Wh,
			price: Price,
			deposit: Amount,
		},
		/// An order left the book before gate closure and its hold was released.
		OrderCancelled { slot: MarketSlot, id: OrderId, who: T::AccountId, released: Amount },
		/// Gate closure: the book of `slot` takes no more orders.
		BidsClosed { slot: MarketSlot, bids: u32, offers: u32, bid_wh: Wh, offer_wh: Wh },
		/// The book of `slot` cleared: the market clearing price, the energy traded and the
		/// number of trades; on a grid, how many elements bound the clearing (their cuts are in
		/// [`SlotLoading`]) and what the trades owe the grid if all is delivered.
		Cleared {
			slot: MarketSlot,
			rule: ClearingRule,
			mcp: Option<Price>,
			volume_wh: Wh,
			trades: u32,
			binding_elements: u32,
			charges: Amount,
		},
		/// The book of `slot` could not be cleared on the grid (`reason`): nothing traded, and
		/// every hold is released at settlement. The grid pallet's checks rule this out.
		GridClearingFailed { slot: MarketSlot, reason: GridClearingError },
		/// One trade settled against the seller's attested export: `delivered_wh` tokens went
		/// to the buyer and were retired, the seller received `paid` and the grid's keeper
		/// `charges` from the buyer, and the seller's deposit paid the buyer `penalty` for what
		/// was not delivered.
		TradeSettled {
			slot: MarketSlot,
			bid: OrderId,
			offer: OrderId,
			buyer: T::AccountId,
			seller: T::AccountId,
			wh: Wh,
			delivered_wh: Wh,
			paid: Amount,
			charges: Amount,
			penalty: Amount,
		},
		/// Trade `bid`–`offer` of `slot` could not settle (`error`: the seller's tokens could
		/// not move, or a hold could not pay): nothing of it happened. The seller keeps the
		/// tokens (feed-in may buy them) and both orders' holds are released with the book.
		TradeFailed {
			slot: MarketSlot,
			bid: OrderId,
			offer: OrderId,
			buyer: T::AccountId,
			seller: T::AccountId,
			wh: Wh,
			error: DispatchError,
		},
		/// The utility bought `wh` unsold tokens of RES `res` at the feed-in tariff.
		FedIn { slot: MarketSlot, res: ResId, owner: T::AccountId, wh: Wh, paid: Amount },
		/// The utility could not pay for `wh` unsold tokens of RES `res` (or no utility is
		/// set): they stay with the owner.
		FeedInUnpaid { slot: MarketSlot, res: ResId, owner: T::AccountId, wh: Wh },
		/// Settlement of `slot` finished; orders and trades are pruned. The totals stay in the
		/// slot's summary.
		Settled {
			slot: MarketSlot,
			delivered_wh: Wh,
			shortfall_wh: Wh,
			paid: Amount,
			charges: Amount,
			penalties: Amount,
			feed_in_wh: Wh,
			feed_in_paid: Amount,
		},
		/// The chain passed the gate closure of `slot` before it could open its auction.
		AuctionSkipped { slot: MarketSlot },
		/// Governance chose the rule of auctions opened from now on.
		ClearingRuleSet { rule: ClearingRule },
		/// Governance changed the schedule of auctions opened from now on.
		ScheduleSet { schedule: AuctionSchedule },
		/// The utility set the time-of-use tariffs of auctions opened from now on.
		TariffsSet { tariffs: Box<TariffTable> },
		/// Governance named the utility account.
		UtilitySet { utility: T::AccountId },
		/// A member registered standing order `id`.
		StandingOrderSet { id: StandingOrderId, order: StandingOrder<T::AccountId> },
		/// A member withdrew standing order `id`; its deposit was released.
		StandingOrderCancelled { id: StandingOrderId, who: T::AccountId },
		/// Standing order `id` was dropped at an auction's opening because its owner left the
		/// community; its deposit was released.
		StandingOrderDropped { id: StandingOrderId, who: T::AccountId },
		/// The buyer of trade `bid`–`offer` of `slot` could not pay its network charges to the
		/// grid's keeper (`error`: e.g. the keeper's account cannot receive that little): the
		/// trade settled without them; they stay with the buyer.
		ChargesUnpaid {
			slot: MarketSlot,
			bid: OrderId,
			offer: OrderId,
			keeper: T::AccountId,
			charges: Amount,
			error: DispatchError,
		},
		/// Governance chose the mode of auctions opened from now on.
		AuctionModeSet { mode: AuctionMode },
		/// A sealed order entered the book of `slot` as commitment `id` (its order id once
		/// revealed), holding `held` (the worst order of `max_wh` on `side`) and the reveal
		/// `bond`.
		OrderCommitted {
			slot: MarketSlot,
			id: OrderId,
			who: T::AccountId,
			side: SealedSide,
			max_wh: Wh,
			held: Amount,
			bond: Amount,
		},
		/// Gate closure of a sealed auction: its `commitments` may be revealed until
		/// `reveal_until` (unix ms); then the revealed book clears.
		RevealStarted { slot: MarketSlot, commitments: u32, reveal_until: u64 },
		/// Commitment `id` of `slot` was revealed as this order, which holds `held`; `released`
		/// (the rest of the commitment's hold and the bond) went back to its owner.
		OrderRevealed {
			slot: MarketSlot,
			id: OrderId,
			who: T::AccountId,
			side: Side,
			wh: Wh,
			price: Price,
			held: Amount,
			released: Amount,
		},
		/// Commitment `id` of `slot` was not revealed: it is void, its hold was released and
		/// its reveal bond burned (`forfeited`).
		CommitmentVoided { slot: MarketSlot, id: OrderId, who: T::AccountId, forfeited: Amount },
		/// Standing order `id` placed an order of `wh` in the auction of `slot` (the
		/// `BidPlaced` / `OfferPlaced` event before it has the order's id and hold).
		StandingOrderPlaced { id: StandingOrderId, slot: MarketSlot, wh: Wh },
		/// Standing order `id` placed nothing in the auction of `slot`, for `reason`.
		StandingOrderSkipped { id: StandingOrderId, slot: MarketSlot, reason: StandingOrderSkip },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The slot has no auction taking orders (not yet opened, or already closed).
		AuctionNotOpen,
		/// The slot's gate closure has passed.
		GateClosed,
		/// An order must be for at least 1 Wh.
		ZeroEnergy,
		/// A bid must offer a price above zero.
		ZeroPrice,
		/// The price is above the slot's retail tariff.
		PriceAboveRetail,
		/// Only active participants with the consumer role may bid.
		NotConsumer,
		/// Only active participants with the producer role may offer.
		NotProducer,
		/// No RES has this id.
		UnknownRes,
		/// The RES belongs to someone else.
		NotResOwner,
		/// The RES is not active with an approved grid connection.
		ResCannotProduce,
		/// The offer, with the RES's other offers in the slot, is more than its nameplate could
		/// produce in one slot.
		OfferAboveCapacity,
		/// The member already has the most open orders allowed in this slot.
		TooManyOrders,
		/// The slot's book is full.
		BookFull,
		/// The free balance cannot cover the hold.
		InsufficientFunds,
		/// No open order has this id in this slot.
		UnknownOrder,
		/// The order belongs to someone else.
		NotOrderOwner,
		/// The schedule cannot work with this slot length (see `set_schedule`).
		InvalidSchedule,
		/// A feed-in tariff above the retail tariff of its hour.
		InvalidTariff,
		/// Only the utility (or governance) may set the tariffs.
		NotUtility,
		/// An amount would overflow.
		Overflow,
		/// The meter is not registered (or was revoked).
		UnknownMeter,
		/// The meter belongs to another member.
		NotMeterOwner,
		/// An offer's forecast must come from the production meter of the offered RES.
		MeterNotOfRes,
		/// The member already holds `MaxStandingOrdersPerMember` standing orders.
		TooManyStandingOrders,
		/// The chain already holds `MaxStandingOrders` standing orders.
		StandingOrdersFull,
		/// No standing order has this id.
		UnknownStandingOrder,
		/// The standing order belongs to another member.
		NotStandingOrderOwner,
		/// The schedule opens auctions further ahead than the forecaster reaches: standing
		/// orders sized by forecasts would never be placed.
		ForecastsDoNotReach,
		/// Settlement: a trade would pay more than its bid still holds (a trade fails with
		/// this rather than settle partly paid).
		HoldExhausted,
		/// A bid must name the buyer's consumption meter: where its energy is delivered.
		NotConsumptionMeter,
		/// A standing bid must name the buyer's consumption meter (`Side::Bid { meter }`);
		/// `Side::UnsitedBid` only describes bids stored before bids named their meter.
		BidWithoutMeter,
		/// A standing bid sized by a forecast must take the forecast of the meter it bids for.
		ForecastOfAnotherMeter,
		/// Settlement: a trade's prices are outside its orders' (the buyer's above its bid, the
		/// seller's below its reserve or above the buyer's): the trade fails rather than pay out
		/// of what the bid holds for its other trades. The clearing rules rule it out.
		TradeOutsideOrders,
		/// The auction takes its orders in the clear (`place_bid`, `place_offer`), not sealed.
		AuctionNotSealed,
		/// The auction is not in its reveal window: before gate closure, or after the window
		/// ended.
		NotRevealing,
		/// No unrevealed commitment has this id in this slot.
		UnknownCommitment,
		/// An order with this id is already in the book: the commitment was revealed (or the
		/// id is a standing order's, placed in the clear).
		AlreadyRevealed,
		/// The commitment belongs to another account.
		NotCommitmentOwner,
		/// The revealed order, account, slot and salt do not hash to the commitment (or the
		/// order is not of the committed side).
		CommitmentMismatch,
		/// The revealed order is for more energy than its commitment's `max_wh`.
		AboveCommittedEnergy,
		/// The sealed reveal window is shorter than `MinRevealBlocks` blocks, or does not end a
		/// block before the slot starts under the schedule's gate closure.
		RevealWindowDoesNotFit,
		/// The sealed book holds as many commitments as its reveal window's blocks can reveal
		/// (`SealedBook::capacity`).
		TooManyCommitments,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Runs the market after the block's inherents (the timestamp is set): opens due
		/// auctions and settles those past their grace window within
		/// [`Config::MaxHookWeight`], and clears those past gate closure within
		/// [`Config::MaxClearingWeight`].
		fn on_poll(_n: BlockNumberFor<T>, meter: &mut WeightMeter) {
			Self::run_market(meter);
		}

		fn integrity_test() {
			Self::check_order_bound_fits_the_hook_budget();
			assert!(
				Self::forecasts_reach(&AuctionSchedule::default()),
				"the default schedule opens auctions further ahead than the forecasts reach"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Bids for `wh` Wh delivered at the buyer's consumption meter `meter` in `slot` at no
		/// more than `price` per kWh, holding the bid's maximum cost (`price × wh / 1000`,
		/// rounded up) until settlement. The meter places the bid on the grid: the connection
		/// point the DSO bound it to.
		///
		/// Origin: an active consumer, owner of `meter`.
		#[pallet::call_index(0)]
		#[pallet::weight(Pallet::<T>::place_bid_weight())]
		pub fn place_bid(
			origin: OriginFor<T>,
			slot: MarketSlot,
			meter: MeterId,
			wh: Wh,
			price: Price,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_place_bid(who, slot, meter, wh, price)
		}

		/// Offers `wh` Wh from RES `res` in `slot` at no less than `price` per kWh, holding a
		/// delivery deposit (`(retail − price) × wh / 1000`, rounded up) until settlement.
		///
		/// Origin: an active producer owning an approved RES.
		#[pallet::call_index(1)]
		#[pallet::weight(<T as Config>::WeightInfo::place_offer())]
		pub fn place_offer(
			origin: OriginFor<T>,
			slot: MarketSlot,
			res: ResId,
			wh: Wh,
			price: Price,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_place_offer(who, slot, res, wh, price)
		}

		/// Withdraws the caller's order `id` from the book of `slot` before gate closure and
		/// releases its hold; in a sealed book, `id` may be the caller's commitment, whose
		/// hold and bond are released.
		///
		/// Origin: the order's owner.
		#[pallet::call_index(2)]
		#[pallet::weight(Pallet::<T>::cancel_order_weight())]
		pub fn cancel_order(origin: OriginFor<T>, slot: MarketSlot, id: OrderId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_cancel_order(who, slot, id)
		}

		/// Chooses the clearing rule of auctions opened from now on.
		///
		/// Origin: governance.
		#[pallet::call_index(3)]
		#[pallet::weight(<T as Config>::WeightInfo::set_clearing_rule())]
		pub fn set_clearing_rule(origin: OriginFor<T>, rule: ClearingRule) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::do_set_clearing_rule(rule)
		}

		/// Changes the auction schedule of auctions opened from now on. Refused unless gate
		/// closure comes after opening (`gate_closure_ms < open_slots_ahead × slot length`),
		/// `open_slots_ahead` is 1 to 24, the settlement delay is at most 24 slots, and a
		/// sealed mode's reveal window still ends a block before the slot.
		///
		/// Origin: governance.
		#[pallet::call_index(4)]
		#[pallet::weight(<T as Config>::WeightInfo::set_schedule())]
		pub fn set_schedule(origin: OriginFor<T>, schedule: AuctionSchedule) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::do_set_schedule(schedule)
		}

		/// Sets the 24-hour time-of-use tariff table (hour of day in UTC) for auctions opened
		/// from now on. Refused if a feed-in tariff is above its hour's retail tariff.
		///
		/// Origin: the utility, or governance.
		#[pallet::call_index(5)]
		#[pallet::weight(<T as Config>::WeightInfo::set_tariffs())]
		pub fn set_tariffs(origin: OriginFor<T>, tariffs: Box<TariffTable>) -> DispatchResult {
			Self::ensure_utility_or_governance(origin)?;
			Self::do_set_tariffs(*tariffs)
		}

		/// Names the utility account.
		///
		/// Origin: governance.
		#[pallet::call_index(6)]
		#[pallet::weight(<T as Config>::WeightInfo::set_utility())]
		pub fn set_utility(origin: OriginFor<T>, utility: T::AccountId) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::do_set_utility(utility)
		}

		/// Registers a standing order of the caller: from now on, every auction that opens
		/// gets a bid or offer of `side` at `price`, for the slot's forecast of the caller's
		/// meter (its import for a bid, its export for an offer) or a fixed energy, at most
		/// `cap_wh`, placed with the holds and checks of a manual order. Holds
		/// [`Config::StandingOrderDeposit`] until the template is cancelled. Returns its id in
		/// `StandingOrderSet`.
		///
		/// A bid names a consumption meter of the caller (`Side::Bid { meter }`), where its
		/// energy is delivered; sized by a forecast, it takes that meter's.
		///
		/// Origin: an active consumer (for a bid) or producer (for an offer).
		#[pallet::call_index(7)]
		#[pallet::weight(Pallet::<T>::set_standing_order_weight())]
		pub fn set_standing_order(
			origin: OriginFor<T>,
			side: Side,
			price: Price,
			quantity: StandingQuantity,
			cap_wh: Wh,
		) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			let order = StandingOrder { owner, side, price, quantity, cap_wh, deposit: 0 };
			Self::do_set_standing_order(order).map(|_| ())
		}

		/// Chooses how the auctions opened from now on take their orders: in the clear
		/// (`AuctionMode::Open`, the default) or sealed (`AuctionMode::Sealed { reveal_ms }`):
		/// committed in secret until gate closure and revealed in a window of `reveal_ms`
		/// after it. Refused unless the window is at least `MinRevealBlocks` blocks and ends a
		/// block before the slot starts (`reveal_ms + block time ≤ gate_closure_ms`).
		///
		/// Origin: governance.
		#[pallet::call_index(9)]
		#[pallet::weight(<T as Config>::WeightInfo::set_auction_mode())]
		pub fn set_auction_mode(origin: OriginFor<T>, mode: AuctionMode) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::do_set_auction_mode(mode)
		}

		/// Commits to a sealed order in the book of `slot` before its gate closure: `hash` is
		/// [`commitment_hash`] of the caller, the slot, the order (side with its meter or
		/// RES, Wh, price) and a 32-byte random salt; `side` and `max_wh`, the most Wh the
		/// order may be for, are stated in the clear. Takes the book's next order id (shown in
		/// `OrderCommitted`) and holds the worst order of `max_wh` (a bid at the retail cap,
		/// an offer's deposit at a zero reserve) plus the reveal bond (`RevealBond` + the
		/// slot's retail cap on `max_wh`). `cancel_order` withdraws it before
		/// gate closure.
		///
		/// Origin: an active consumer (for a bid) or producer (for an offer).
		#[pallet::call_index(10)]
		#[pallet::weight(<T as Config>::WeightInfo::commit_order())]
		pub fn commit_order(
			origin: OriginFor<T>,
			slot: MarketSlot,
			side: SealedSide,
			max_wh: Wh,
			hash: CommitmentHash,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_commit_order(who, slot, side, max_wh, hash)
		}

		/// Reveals the caller's commitment `id` in the book of `slot` during its reveal window:
		/// the order (`side` with the buyer's consumption meter or the seller's RES, `wh`,
		/// `price`) and the `salt` it was committed with. The order must match the commitment
		/// and pass the checks of a placed order; it enters the book under id `id`, and what
		/// the commitment held beyond the order's own hold, and the bond, are released.
		///
		/// Origin: the commitment's owner.
		#[pallet::call_index(11)]
		#[pallet::weight(Pallet::<T>::reveal_order_weight())]
		pub fn reveal_order(
			origin: OriginFor<T>,
			slot: MarketSlot,
			id: OrderId,
			side: Side,
			wh: Wh,
			price: Price,
			salt: Salt,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_reveal_order(who, slot, id, side, wh, price, salt)
		}

		/// Withdraws the caller's standing order `id` and releases its deposit (orders it
		/// already placed stay in their books; cancel them with `cancel_order`).
		///
		/// Origin: the order's owner, in any status (a suspended member may withdraw).
		#[pallet::call_index(8)]
		#[pallet::weight(<T as Config>::WeightInfo::cancel_standing_order())]
		pub fn cancel_standing_order(origin: OriginFor<T>, id: StandingOrderId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_cancel_standing_order(who, id)
		}
	}
}
