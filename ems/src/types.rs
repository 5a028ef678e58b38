//! What a home declares, what the planner is told about the day, and the plan it returns.

use alloc::{string::String, vec::Vec};

/// Energy in watt-hours.
pub type Wh = u64;

/// A price in balance units per kWh, as the chain's market and tariffs quote it. Signed: a
/// day-ahead market can price an hour below zero.
pub type Price = i64;

/// Money in thousandths of a balance unit: `price (units/kWh) × energy (Wh)`. Exact in
/// integers, so that two plans' costs compare without rounding.
pub type MilliUnits = i128;

/// The longest horizon one plan covers: a day of hourly slots, in which every appliance runs
/// its working time once.
pub const MAX_SLOTS: usize = 24;

/// The most appliances one plan takes: with the search's node budget, this bounds a plan's
/// work for a wallet or an off-chain worker whatever the home file says.
pub const MAX_APPLIANCES: usize = 32;

/// The most energy of one slot's base load, PV or community load, Wh: a gigawatt-hour, far
/// above any home or community; with the other bounds it keeps every net load and cost exact in
/// the planner's integers.
pub const MAX_SLOT_WH: Wh = 1_000_000_000;

/// The highest power rating an appliance may declare: a megawatt.
pub const MAX_POWER_W: u32 = 1_000_000;

/// The largest price (import, export or peak weight) in absolute value, units per kWh: a
/// million currency units of 6 decimals.
pub const MAX_PRICE: Price = 1_000_000_000_000;

/// How an appliance may be run inside its window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RunMode {
	/// One uninterrupted run of its working time; the planner chooses when it starts. The
	/// table's non-flexible appliances (a dryer, a stove, the lights): once on, the household
	/// expects them to run to the end.
	Contiguous,
	/// Any energy per slot up to its power rating, in as many runs as the planner likes, as
	/// long as the total is its working time at full power. The table's flexible appliances
	/// (an electric vehicle, a pool pump, a water heater, air conditioning with a thermal
	/// buffer).
	Split,
}

/// One appliance of the home: its window, working time and power rating.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Appliance {
	/// What the household calls it.
	pub name: String,
	/// How it may be run.
	pub mode: RunMode,
	/// Hour of day (0–23) from which it may run.
	pub window_start_hour: u8,
	/// Hour of day (1–24) by which it must be done. At or before `window_start_hour`, the
	/// window wraps over midnight (19:00 → 06:00); 0:00 → 24:00 is the whole day.
	pub window_end_hour: u8,
	/// How long it runs at full power, in minutes.
	pub working_minutes: u32,
	/// Its power rating in W.
	pub power_w: u32,
}

impl Appliance {
	/// The energy one full working time takes: `power × minutes / 60`, rounded to the Wh.
	pub fn energy_wh(&self) -> Wh {
		(u64::from(self.power_w) * u64::from(self.working_minutes) + 30) / 60
	}
}

/// What the planner is told about the coming slots: one entry per hourly slot in every vector.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Day {
	/// Hour of day of the first slot (0–23).
	pub start_hour: u8,
	/// The home's forecast consumption outside the planned appliances, in Wh per slot.
	pub base_load_wh: Vec<Wh>,
	/// The home's forecast PV production, in Wh per slot.
	pub pv_wh: Vec<Wh>,
	/// What a kWh bought in the slot is expected to cost (the retail tariff, recent clearing
	/// prices or the open book's best offer).
	pub import_price: Vec<Price>,
	/// What a kWh sold in the slot is expected to earn (the feed-in tariff or the best bid).
	/// Never above the slot's import price: otherwise buying to sell would pay.
	pub export_price: Vec<Price>,
	/// The community's forecast consumption per slot (any unit), for the peak weight; empty
	/// for none.
	#[serde(default)]
	pub community_load: Vec<u64>,
	/// What a kWh imported at the community's peak slot costs on top of its price, for the
	/// community's sake; other slots pay it in proportion to their community load. 0 for none.
	#[serde(default)]
	pub peak_weight: Price,
}

/// Why a home's inputs cannot be planned. The planner refuses them as a whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PlanError {
	/// No slot, or more than [`MAX_SLOTS`].
	BadHorizon,
	/// `start_hour` is not an hour of day.
	BadStartHour,
	/// The per-slot vectors do not all have the horizon's length (community load may be empty).
	LengthMismatch,
	/// A slot's export price is above its import price.
	ExportAboveImport,
	/// The peak weight is negative.
	NegativePeakWeight,
	/// More than [`MAX_APPLIANCES`] appliances.
	TooManyAppliances,
	/// A quantity or price beyond what a home can have: a slot's energy above [`MAX_SLOT_WH`],
	/// an appliance's power above [`MAX_POWER_W`], a price above [`MAX_PRICE`] in absolute
	/// value. Refused rather than let the planner's exact integers overflow.
	OutOfRange,
}

/// Why an appliance cannot be scheduled as declared. The planner reports it and plans the rest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Infeasible {
	/// Power 0 W or working time 0 min: nothing to schedule.
	Empty,
	/// A window hour is out of range (start 0–23, end 1–24).
	BadWindow,
	/// The working time is longer than the window (7 h of air conditioning in 19:00–24:00).
	WindowTooShort {
		/// Minutes the window holds inside the horizon.
		window_minutes: u32,
		/// Minutes the appliance must run.
		working_minutes: u32,
	},
	/// A contiguous run needs this many consecutive slots, and no stretch of the window inside
	/// the horizon is that long (a window over midnight that the horizon cuts in two).
	NoContiguousStretch {
		/// Consecutive slots the run occupies.
		slots_needed: u32,
	},
}

/// What the planner did with one appliance.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Schedule {
	/// Its energy per slot (Wh), one entry per slot of the horizon.
	Planned(Vec<Wh>),
	/// Not scheduled, and why.
	Infeasible(Infeasible),
}

/// An order the home should place for a slot so that its plan is served.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Order {
	/// Index of the slot in the horizon (0 = the day's first slot).
	pub slot: u32,
	/// Buy (the home imports) or sell (it exports).
	pub side: Side,
	/// Energy in Wh.
	pub wh: Wh,
	/// Limit price per kWh: for a bid the most it pays (what the utility would charge anyway),
	/// for an offer the least it takes (what feed-in would pay anyway).
	pub price: Price,
}

/// The side of an [`Order`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Side {
	/// A bid: the home buys.
	Bid,
	/// An offer: the home sells its surplus.
	Offer,
}

/// The planner's answer.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Plan {
	/// One entry per appliance, in the order given.
	pub schedules: Vec<Schedule>,
	/// The home's net import per slot (Wh; negative = export) under the plan.
	pub net_wh: Vec<i64>,
	/// The plan's cost: imports at their price (with the peak weight), less exports at theirs.
	pub cost: MilliUnits,
	/// The home's net import per slot with the same appliances unmanaged: each starts as soon
	/// as its window opens.
	pub unmanaged_net_wh: Vec<i64>,
	/// The cost of the unmanaged profile.
	pub unmanaged_cost: MilliUnits,
	/// Whether the search proved the plan optimal. False only when the search stopped at its
	/// node budget; the plan is then the best found, never worse than the first (greedy) one.
	pub proven_optimal: bool,
	/// Nodes of the branch-and-bound search visited.
	pub nodes: u64,
	/// The bids and offers that serve the plan's net import and export.
	pub orders: Vec<Order>,
}
