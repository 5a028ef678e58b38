//! Interfaces between the energy pallets, so that each pallet depends on what it needs from
//! another, not on the other pallet itself.

use crate::energy::{
	ElementId, EnergyForecast, MarketSlot, MeterId, ResId, Roles, SlotElement, Watts, Wh,
};
use alloc::vec::Vec;
use sp_runtime::{DispatchError, Weight};

/// The participant registry (IDgrid): who is an active member, with which roles.
pub trait ParticipantRegistry<AccountId> {
	/// The roles of `who` if it is a registered, active participant; `None` otherwise
	/// (unknown, suspended or left).
	fn active_roles(who: &AccountId) -> Option<Roles>;

	/// Whether `who` was a participant and left the community for good (a suspended member
	/// has not left: it may be reactivated).
	fn has_left(who: &AccountId) -> bool;

	/// Whether `who` is an active participant holding every role in `roles`.
	fn has_active_roles(who: &AccountId, roles: Roles) -> bool {
		Self::active_roles(who).is_some_and(|held| held.contains(roles))
	}

	/// Makes `who` an active participant with (at least) `roles`, for other pallets'
	/// benchmarks.
	#[cfg(feature = "runtime-benchmarks")]
	fn ensure_participant(who: &AccountId, roles: Roles);
}

/// What the meters and tokens need to know about a renewable energy system.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResProfile<AccountId> {
	/// The producer who owns the RES and receives its tokens.
	pub owner: AccountId,
	/// Nameplate capacity: no more than `nameplate_w * hours` Wh can be exported.
	pub nameplate_w: Watts,
	/// Whether the RES is active and its grid connection approved by the DSO: only then does
	/// its export mint tokens and may it sell.
	pub may_produce: bool,
}

/// The registry of renewable energy systems.
pub trait ResRegistry<AccountId> {
	/// The profile of RES `id`, if it exists (in any status).
	fn profile(id: ResId) -> Option<ResProfile<AccountId>>;

	/// The ids of every registered RES (in any status), ascending. Reads the whole registry:
	/// for runtime APIs, not for dispatchables.
	fn all() -> Vec<ResId>;

	/// Creates an approved RES of `owner` with `nameplate_w`, for other pallets' benchmarks.
	#[cfg(feature = "runtime-benchmarks")]
	fn create_approved(owner: &AccountId, nameplate_w: Watts) -> ResId;
}

/// The market clock: which market slot is current, and how long a slot is.
pub trait MarketClock {
	/// The slot the chain is in now (from the block timestamp).
	fn current_slot() -> MarketSlot;
	/// The length of a market slot in milliseconds.
	fn slot_length_ms() -> u64;

	/// Whether energy of `slot` can still be delivered through the market: its auction exists
	/// and its settlement has not begun. Only then is export in `slot` certified (minted):
	/// once settlement has begun, tokens of the slot could neither be sold nor fed in, and a
	/// gateway that withheld the slot's readings must not gain from it.
	fn delivery_open(slot: MarketSlot) -> bool;

	/// Whether `slot` has passed its gate closure: its auction closed (or was never opened in
	/// time), so what it clears on, its book and its grid headroom, is fixed.
	fn gate_closed(slot: MarketSlot) -> bool;

	/// Whether some auction's gate has closed and it has not been cleared yet (its clearing
	/// waits for a block with room): what it clears on must not change until it is.
	fn clearing_due() -> bool;

	/// Moves the clock to the start of `slot`, for benchmarks.
	#[cfg(feature = "runtime-benchmarks")]
	fn set_current_slot(slot: MarketSlot);

	/// Makes `slot` open for delivery (an auction that has not begun settling), for benchmarks.
	#[cfg(feature = "runtime-benchmarks")]
	fn open_delivery(slot: MarketSlot);
}

/// Mints energy tokens for attested renewable export (used by the meters pallet).
pub trait EnergyMinter<AccountId> {
	/// Mints up to `wh` tokens to `owner` for the export of RES `res` in market slot `slot`,
	/// into the certificate of (`res`, `slot`), which never exceeds `slot_capacity_wh` (what
	/// the RES can produce in one slot). Returns the Wh minted: less than `wh` only where the
	/// certificate already holds energy of the slot (a replaced meter that reported the same
	/// slot). Fails without effect on overflow.
	fn mint(
		owner: &AccountId,
		res: ResId,
		slot: MarketSlot,
		wh: Wh,
		slot_capacity_wh: Wh,
	) -> Result<Wh, DispatchError>;
}

/// What market settlement needs from the token ledger. Tokens are held per certificate
/// (`res`, `slot`): settlement of a slot moves only that slot's tokens.
pub trait EnergyLedger<AccountId> {
	/// Up to `limit` certificates of `slot` as `(res, owner)`, in storage order, starting
	/// after RES `after` (from the first when `None`).
	fn certificates_of_slot(
		slot: MarketSlot,
		after: Option<ResId>,
		limit: u32,
	) -> alloc::vec::Vec<(ResId, AccountId)>;

	/// The tokens (Wh) of certificate (`res`, `slot`) that `who` holds.
	fn held(who: &AccountId, slot: MarketSlot, res: ResId) -> Wh;

	/// Delivers `wh` of `seller`'s tokens of certificate (`res`, `slot`) to `buyer`, who holds
	/// them until they are claimed against its consumption metered in `slot`. Fails without
	/// effect if the seller holds fewer.
	fn deliver(
		seller: &AccountId,
		buyer: &AccountId,
		slot: MarketSlot,
		res: ResId,
		wh: Wh,
	) -> Result<(), DispatchError>;

	/// Sells `wh` of `owner`'s tokens of certificate (`res`, `slot`) to the utility `to` at the
	/// feed-in tariff: a terminal state, the tokens are no longer held by anyone. Fails without
	/// effect if `owner` holds fewer.
	fn feed_in(
		owner: &AccountId,
		to: &AccountId,
		slot: MarketSlot,
		res: ResId,
		wh: Wh,
	) -> Result<(), DispatchError>;

	/// Mints `wh` tokens of RES `res` in `slot` to `owner` with their certificate, for other
	/// pallets' benchmarks.
	#[cfg(feature = "runtime-benchmarks")]
	fn mint_for_benchmark(owner: &AccountId, res: ResId, slot: MarketSlot, wh: Wh);

	/// Records `wh` of `who`'s consumption metered in `slot`, so that deliveries claim against
	/// it, for other pallets' benchmarks.
	#[cfg(feature = "runtime-benchmarks")]
	fn meter_consumption_for_benchmark(who: &AccountId, slot: MarketSlot, wh: Wh);
}

/// What other pallets need to know about a smart meter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MeterInfo<AccountId> {
	/// The participant the meter belongs to.
	pub owner: AccountId,
	/// The RES a production meter measures; `None` for a consumption meter.
	pub res: Option<ResId>,
}

/// The registry of smart meters.
pub trait MeterRegistry<AccountId> {
	/// Meter `id`, if it is registered and not revoked.
	fn meter(id: MeterId) -> Option<MeterInfo<AccountId>>;

	/// Whether meter `id` is registered and not revoked (cheaper than [`Self::meter`]).
	fn is_active(id: MeterId) -> bool;

	/// The ids of every active meter, ascending. Reads the whole directory: for off-chain
	/// workers and runtime APIs, not for dispatchables.
	fn active_meters() -> Vec<MeterId>;

	/// An upper bound of the weight of one [`Self::meter`] lookup at its worst (the registry's
	/// largest record page), for callers whose own benchmarks look up a meter kept cheaply.
	fn meter_weight() -> Weight;

	/// Registers a meter of `owner` (measuring `res` if given), for other pallets'
	/// benchmarks.
	#[cfg(feature = "runtime-benchmarks")]
	fn register_for_benchmark(owner: &AccountId, res: Option<ResId>) -> MeterId;
}

/// Where the market finds the forecasts standing orders trade on.
pub trait ForecastProvider {
	/// The forecast of meter `meter` for market slot `slot`, if one was made.
	fn forecast(meter: MeterId, slot: MarketSlot) -> Option<EnergyForecast>;

	/// How many slots ahead forecasts exist: made in slot `s`, they reach `s + horizon`.
	fn horizon() -> u32;

	/// Stores a forecast, for other pallets' tests and benchmarks.
	#[cfg(feature = "runtime-benchmarks")]
	fn set_forecast(meter: MeterId, slot: MarketSlot, forecast: EnergyForecast);
}

impl ForecastProvider for () {
	fn forecast(_: MeterId, _: MarketSlot) -> Option<EnergyForecast> {
		None
	}

	/// No forecasts at all: no schedule is held back for them.
	fn horizon() -> u32 {
		u32::MAX
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn set_forecast(_: MeterId, _: MarketSlot, _: EnergyForecast) {}
}

/// Told of the import of accepted readings, for the meters it watches: how the flexibility
/// pallet measures a committed reduction against metered import, slot by slot.
///
/// The meters pallet reads [`ImportObserver::watched`] once per batch of readings and calls
/// [`ImportObserver::on_import`] only for the watched meters, so unwatched readings pay
/// nothing for it.
pub trait ImportObserver {
	/// The meters whose import is watched, ascending.
	fn watched() -> Vec<MeterId>;

	/// An accepted reading of watched meter `meter`: `import_wh` imported over the slots
	/// `first..=last` (one slot when `first == last`).
	fn on_import(meter: MeterId, first: MarketSlot, last: MarketSlot, import_wh: Wh);

	/// The weight of [`ImportObserver::watched`], charged once per batch.
	fn watched_weight() -> Weight;

	/// The weight of one [`ImportObserver::on_import`].
	fn on_import_weight() -> Weight;
}

/// Nobody watches: no meter's import is reported, at no cost.
impl ImportObserver for () {
	fn watched() -> Vec<MeterId> {
		Vec::new()
	}

	fn on_import(_: MeterId, _: MarketSlot, _: MarketSlot, _: Wh) {}

	fn watched_weight() -> Weight {
		Weight::zero()
	}

	fn on_import_weight() -> Weight {
		Weight::zero()
	}
}

/// Told of every member's consumption metered per slot: the token ledger, which matches
/// certificates of a slot against it (hourly claims).
///
/// The meters pallet calls [`ConsumptionRecorder::record`] for every accepted reading that
/// covers exactly one slot and imported something: a reading covering several slots says only
/// what was imported over all of them, which is not hourly metering.
pub trait ConsumptionRecorder<AccountId> {
	/// `who`'s meter imported `wh` in `slot`. Returns whether delivered certificates waited for
	/// this reading (their claims queued, unless the queue is full), which costs at most
	/// [`Self::queue_weight`] more.
	fn record(who: &AccountId, slot: MarketSlot, wh: Wh) -> bool;

	/// The weight of one [`ConsumptionRecorder::record`] that queues nothing.
	fn record_weight() -> Weight;

	/// What a [`ConsumptionRecorder::record`] that queues claims costs on top.
	fn queue_weight() -> Weight;
}

/// Nobody records consumption, at no cost.
impl<AccountId> ConsumptionRecorder<AccountId> for () {
	fn record(_: &AccountId, _: MarketSlot, _: Wh) -> bool {
		false
	}

	fn record_weight() -> Weight {
		Weight::zero()
	}

	fn queue_weight() -> Weight {
		Weight::zero()
	}
}

/// The DSO's grid, as the market that clears on it sees it.
pub trait GridTopology<AccountId> {
	/// Whether `point` is an element of the grid.
	fn contains(point: ElementId) -> bool;

	/// The connection point meter `meter` is bound to; `None` while unbound (it then hangs at
	/// the root).
	fn meter_point(meter: MeterId) -> Option<ElementId>;

	/// The connection point consumption meter `meter` is bound to; `None` while unbound. One
	/// read of the binding and no meter lookup: for the clearing, whose bids were checked to
	/// be at consumption meters when they were placed.
	fn consumption_point(meter: MeterId) -> Option<ElementId>;

	/// The connection point RES `res` is bound to; `None` while unbound.
	fn res_point(res: ResId) -> Option<ElementId>;

	/// The account that keeps the grid, which network charges are paid to.
	fn keeper() -> Option<AccountId>;

	/// Every element as `slot` clears on it (capacities lowered by what the DSO withheld for
	/// the slot), parents before children; empty without a grid.
	fn elements(slot: MarketSlot) -> Vec<SlotElement>;

	/// Replaces the grid with `elements` (parents first) kept by `keeper`, for other pallets'
	/// benchmarks.
	#[cfg(feature = "runtime-benchmarks")]
	fn set_grid_for_benchmark(keeper: &AccountId, elements: &[SlotElement]);

	/// Binds consumption meter `meter` to `point`, for other pallets' benchmarks.
	#[cfg(feature = "runtime-benchmarks")]
	fn bind_meter_for_benchmark(meter: MeterId, point: ElementId);

	/// Binds RES `res` to `point`, for other pallets' benchmarks.
	#[cfg(feature = "runtime-benchmarks")]
	fn bind_res_for_benchmark(res: ResId, point: ElementId);
}
