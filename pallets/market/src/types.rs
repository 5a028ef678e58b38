//! Types of the market: the auction schedule, tariffs, auctions, orders and trades.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
pub use energy_clearing::{
	grid::Loading, grid_uniform::GridTrade, Amount, ClearingRule, OrderId, Price, Trade,
};
use energy_primitives::{MeterId, ResId, Wh};
use frame_support::{pallet_prelude::ConstU32, BoundedVec};
use scale_info::TypeInfo;

/// Hours in a day: the length of the time-of-use tariff table.
pub const HOURS_PER_DAY: usize = 24;

/// Trades per stored page (a page is about 12 KiB).
pub const TRADES_PER_PAGE: u32 = 256;

/// The largest book the `clear(n)` benchmark measures, above any `MaxOrdersPerSlot` a runtime
/// may set (checked by the integrity test): clearing's time per order grows with the book, so a
/// line fitted over books that end at the bound would lie below the cost at the bound.
pub const CLEAR_BENCHMARK_MAX_ORDERS: u32 = 100_000;

/// The most grid elements the `clear(n)` benchmark's grid has: a runtime's grid may have no
/// more (the runtime checks its grid pallet's `MaxElements` against it).
pub const CLEAR_BENCHMARK_GRID_ELEMENTS: u32 = 256;

/// The depth of the `clear(n)` benchmark's grid: the deepest the clearing takes.
pub const MAX_GRID_DEPTH: u32 = energy_clearing::grid::MAX_DEPTH;

/// A page of a slot's trades, in matching order: each with what its buyer pays and what its
/// seller receives per kWh (equal without a grid; the difference is the grid's).
pub type TradePage = BoundedVec<GridTrade, ConstU32<TRADES_PER_PAGE>>;

/// The most grid elements a slot's loading record holds: the clearing's own bound on a grid.
pub const MAX_GRID_ELEMENTS: u32 = energy_clearing::grid::MAX_ELEMENTS as u32;

/// What a slot's clearing put on each grid element, in the grid's order (parents first).
pub type SlotLoadingOf = BoundedVec<Loading, ConstU32<MAX_GRID_ELEMENTS>>;

/// When auctions open, close and settle, relative to their delivery slot.
#[derive(
	Clone,
	Copy,
	Debug,
	Decode,
	DecodeWithMemTracking,
	Encode,
	Eq,
	MaxEncodedLen,
	PartialEq,
	TypeInfo,
	serde::Serialize,
	serde::Deserialize,
)]
pub struct AuctionSchedule {
	/// The auction for slot H opens when the chain enters slot H − `open_slots_ahead`.
	pub open_slots_ahead: u32,
	/// Gate closure: the auction closes and clears this many ms before slot H starts.
	pub gate_closure_ms: u64,
	/// Settlement starts this many ms after slot H ends: the grace window for its readings.
	pub settlement_delay_ms: u64,
}

impl Default for AuctionSchedule {
	/// Production defaults for one-hour slots: open 24 slots ahead (a day-ahead book), close
	/// 5 minutes before delivery, settle 15 minutes after it.
	fn default() -> Self {
		AuctionSchedule {
			open_slots_ahead: 24,
			gate_closure_ms: 5 * 60 * 1_000,
			settlement_delay_ms: 15 * 60 * 1_000,
		}
	}
}

/// The tariffs of one hour of the day, per kWh.
#[derive(
	Clone,
	Copy,
	Debug,
	Decode,
	DecodeWithMemTracking,
	Default,
	Encode,
	Eq,
	MaxEncodedLen,
	PartialEq,
	TypeInfo,
	serde::Serialize,
	serde::Deserialize,
)]
pub struct HourTariff {
	/// What the utility charges for energy from the grid: the cap on bids.
	pub retail: Price,
	/// What the utility pays for unsold energy fed into the grid.
	pub feed_in: Price,
}

/// The 24-hour time-of-use tariff table (hour of day in UTC → tariffs).
pub type TariffTable = [HourTariff; HOURS_PER_DAY];

/// Where an auction is in its life.
#[derive(
	Clone,
	Copy,
	Debug,
	Decode,
	DecodeWithMemTracking,
	Encode,
	Eq,
	MaxEncodedLen,
	PartialEq,
	TypeInfo,
	serde::Serialize,
	serde::Deserialize,
)]
pub enum AuctionStatus {
	/// Taking and cancelling orders until gate closure.
	Open,
	/// Closed and cleared; waiting for the slot and its readings.
	Cleared,
	/// Settling, in bounded steps.
	Settling(SettlementPhase),
	/// Done: orders, trades and working state are pruned; this record is the summary.
	Settled,
	/// A sealed auction past its gate closure: its members reveal their committed orders
	/// until [`SealedBook::reveal_until`], then the revealed book clears. Last in the enum so
	/// that the SCALE indexes of the other statuses stay as stored before sealed auctions.
	Revealing,
}

/// The steps of settlement, each taken in bounded pieces over as many blocks as it needs.
#[derive(
	Clone,
	Copy,
	Debug,
	Decode,
	DecodeWithMemTracking,
	Encode,
	Eq,
	MaxEncodedLen,
	PartialEq,
	TypeInfo,
	serde::Serialize,
	serde::Deserialize,
)]
pub enum SettlementPhase {
	/// Settling trade number `next` (in matching order) and the ones after it.
	Trades {
		/// The index of the next trade to settle.
		next: u32,
	},
	/// Releasing what is left of the orders' holds and removing the orders.
	Orders,
	/// Selling tokens left unsold to the utility at the feed-in tariff, RES after RES.
	FeedIn {
		/// The last RES handled (storage order), `None` before the first.
		after: Option<ResId>,
	},
	/// Recording the summary and pruning what is left.
	Finish,
	/// Voiding a sealed auction's unrevealed commitments: releasing their holds and burning
	/// their reveal bonds (runs after `Orders`; last in the enum for the SCALE indexes).
	Commitments,
}

/// The record of one auction: its terms, its book, its clearing and its settlement. It stays
/// on chain as the slot's summary for a bounded number of slots after settlement.
#[derive(
	Clone,
	Debug,
	Decode,
	DecodeWithMemTracking,
	Encode,
	Eq,
	MaxEncodedLen,
	PartialEq,
	TypeInfo,
	serde::Serialize,
	serde::Deserialize,
)]
pub struct Auction {
	/// Where the auction is in its life.
	pub status: AuctionStatus,
	/// The rule it clears with (fixed when it opens).
	pub rule: ClearingRule,
	/// The retail tariff of the slot: the bid cap, and the base of shortfall penalties.
	pub retail: Price,
	/// The feed-in tariff of the slot.
	pub feed_in: Price,
	/// Gate closure, unix ms.
	pub gate_closure_at: u64,
	/// Settlement may start at this unix ms.
	pub settle_from: u64,
	/// The id the next order will get.
	pub next_order_id: OrderId,
	/// Open bids.
	pub bids: u32,
	/// Open offers.
	pub offers: u32,
	/// Wh wanted by the open bids.
	pub bid_wh: Wh,
	/// Wh offered by the open offers.
	pub offer_wh: Wh,
	/// The market clearing price, once cleared (if the rule set one).
	pub mcp: Option<Price>,
	/// The number of trades.
	pub trades: u32,
	/// Energy traded at clearing, Wh.
	pub volume_wh: Wh,
	/// Traded energy delivered (backed by the seller's attested export), Wh.
	pub delivered_wh: Wh,
	/// Traded energy not delivered, Wh.
	pub shortfall_wh: Wh,
	/// What sellers received from buyers for delivered energy.
	pub paid: Amount,
	/// What sellers' deposits paid buyers for undelivered energy.
	pub penalties: Amount,
	/// Unsold attested energy bought by the utility, Wh.
	pub feed_in_wh: Wh,
	/// What the utility paid for it.
	pub feed_in_paid: Amount,
	/// Traded energy of trades that failed to settle (nothing of them happened; see
	/// `Event::TradeFailed`), Wh.
	pub failed_wh: Wh,
	/// What buyers paid the grid's keeper on top of `paid` for delivered energy: the network
	/// charges of the trades' paths and any congestion rent (`UniformPrice`'s nodal prices).
	pub charges: Amount,
}

impl Auction {
	/// A new open auction with an empty book.
	pub fn open(
		rule: ClearingRule,
		tariff: HourTariff,
		gate_closure_at: u64,
		settle_from: u64,
	) -> Self {
		Auction {
			status: AuctionStatus::Open,
			rule,
			retail: tariff.retail,
			feed_in: tariff.feed_in,
			gate_closure_at,
			settle_from,
			next_order_id: 0,
			bids: 0,
			offers: 0,
			bid_wh: 0,
			offer_wh: 0,
			mcp: None,
			trades: 0,
			volume_wh: 0,
			delivered_wh: 0,
			shortfall_wh: 0,
			paid: 0,
			penalties: 0,
			feed_in_wh: 0,
			feed_in_paid: 0,
			failed_wh: 0,
			charges: 0,
		}
	}

	/// Open orders of both sides.
	pub fn orders(&self) -> u32 {
		self.bids.saturating_add(self.offers)
	}
}

/// An auction the block hook still has work for.
#[derive(
	Clone,
	Copy,
	Debug,
	Decode,
	DecodeWithMemTracking,
	Encode,
	Eq,
	MaxEncodedLen,
	PartialEq,
	TypeInfo,
	serde::Serialize,
	serde::Deserialize,
)]
pub struct PendingAuction {
	/// Its delivery slot.
	pub slot: energy_primitives::MarketSlot,
	/// When its next step is due (unix ms): gate closure while open, the end of the grace
	/// window once cleared, 0 while settling.
	pub due: u64,
}

/// Which side an order is on, and where on the grid it is: a bid at its buyer's consumption
/// meter, an offer at its RES (the grid pallet binds both to connection points).
///
/// The variants keep their SCALE indexes across versions: orders and standing orders stored
/// before bids named their meter decode as [`Side::UnsitedBid`].
#[derive(
	Clone,
	Copy,
	Debug,
	Decode,
	DecodeWithMemTracking,
	Encode,
	Eq,
	MaxEncodedLen,
	PartialEq,
	TypeInfo,
	serde::Serialize,
	serde::Deserialize,
)]
pub enum Side {
	/// A bid stored before bids named their meter (storage version 4 and older): it sits at
	/// the grid's root, as an unbound record does. No call places one any more
	/// ([`crate::Error::BidWithoutMeter`]); the chain still clears, settles and releases those
	/// in a book, and the v5 migration sited or dropped the standing ones
	/// ([`crate::migrations::MigrateV4ToV5`]).
	#[codec(index = 0)]
	UnsitedBid,
	/// A seller's offer of energy from RES `res`; the price is its reserve per kWh.
	#[codec(index = 1)]
	Offer {
		/// The RES whose attested export backs the offer.
		res: ResId,
	},
	/// A buyer's bid for the consumption of its meter `meter`; the price is the most it pays
	/// per kWh.
	#[codec(index = 2)]
	Bid {
		/// The buyer's consumption meter: where on the grid the energy is delivered.
		meter: MeterId,
	},
}

impl Side {
	/// Whether the order buys (a bid, sited or not).
	pub fn is_bid(&self) -> bool {
		!matches!(self, Side::Offer { .. })
	}
}

/// An order in a slot's book.
#[derive(Clone, Debug, Decode, Encode, Eq, MaxEncodedLen, PartialEq, TypeInfo)]
pub struct Order<AccountId> {
	/// Who placed it.
	pub owner: AccountId,
	/// Bid or offer.
	pub side: Side,
	/// Energy wanted or offered, Wh.
	pub wh: Wh,
	/// Bid price or reserve price, per kWh.
	pub price: Price,
	/// Funds held for it: a bid's maximum cost, an offer's delivery deposit.
	pub held: Amount,
	/// The part of `held` already paid out by settlement.
	pub used: Amount,
}

impl<AccountId> Order<AccountId> {
	/// What is still held for the order.
	pub fn still_held(&self) -> Amount {
		self.held.saturating_sub(self.used)
	}

	/// The reason its funds are held under.
	pub fn hold_reason(&self) -> crate::HoldReason {
		match self.side {
			Side::Offer { .. } => crate::HoldReason::OfferDeposit,
			Side::Bid { .. } | Side::UnsitedBid => crate::HoldReason::BidMaxCost,
		}
	}
}

/// Identifier of a standing order.
pub type StandingOrderId = u32;

/// How much a standing order trades in each slot.
#[derive(
	Clone,
	Copy,
	Debug,
	Decode,
	DecodeWithMemTracking,
	Encode,
	Eq,
	MaxEncodedLen,
	PartialEq,
	TypeInfo,
	serde::Serialize,
	serde::Deserialize,
)]
pub enum StandingQuantity {
	/// The slot's forecast of one of the member's meters: its import for a bid, its export
	/// for an offer.
	Forecast {
		/// The meter whose forecast sets the quantity.
		meter: MeterId,
	},
	/// The same energy every slot, Wh.
	Fixed {
		/// Energy per slot, Wh.
		wh: Wh,
	},
}

/// A member's order template: the chain places it in every auction as the auction opens,
/// with the holds and checks of a manual order.
#[derive(
	Clone,
	Debug,
	Decode,
	DecodeWithMemTracking,
	Encode,
	Eq,
	MaxEncodedLen,
	PartialEq,
	TypeInfo,
	serde::Serialize,
	serde::Deserialize,
)]
pub struct StandingOrder<AccountId> {
	/// The member the orders are placed for.
	pub owner: AccountId,
	/// Bid, or offer from a RES of the member.
	pub side: Side,
	/// Bid price or reserve price per kWh.
	pub price: Price,
	/// What sets the quantity.
	pub quantity: StandingQuantity,
	/// The most Wh one slot's order may be for.
	pub cap_wh: Wh,
	/// What the template holds of its owner until it is cancelled or dropped: set by the
	/// chain to [`crate::Config::StandingOrderDeposit`] when the template is registered
	/// (whatever a genesis config says).
	#[serde(default)]
	pub deposit: Amount,
}

/// Why a standing order placed nothing in a slot.
#[derive(Clone, Debug, Decode, DecodeWithMemTracking, Encode, Eq, PartialEq, TypeInfo)]
pub enum StandingOrderSkip {
	/// No forecast of its meter for the slot (yet).
	NoForecast,
	/// The owner is not an active participant (suspended): nothing is placed until the
	/// community manager reactivates it. An owner that left has its templates dropped.
	OwnerNotActive,
	/// The forecast (or fixed quantity, after the cap) is zero Wh.
	NothingToTrade,
	/// The order was refused with this error, as a manual order would have been.
	Refused(sp_runtime::DispatchError),
}

/// Why a book could not be cleared on the slot's grid.
#[derive(Clone, Copy, Debug, Decode, DecodeWithMemTracking, Encode, Eq, PartialEq, TypeInfo)]
pub enum GridClearingError {
	/// The slot's elements are not a radial tree the clearing takes.
	InvalidGrid,
	/// An order is at a point outside the grid, or two orders share an id.
	InvalidBook,
}

/// How the auctions opened from now on take their orders (governance: `set_auction_mode`).
#[derive(
	Clone,
	Copy,
	Debug,
	Decode,
	DecodeWithMemTracking,
	Default,
	Encode,
	Eq,
	MaxEncodedLen,
	PartialEq,
	TypeInfo,
	serde::Serialize,
	serde::Deserialize,
)]
pub enum AuctionMode {
	/// Orders enter the book in the clear as they are placed.
	#[default]
	Open,
	/// Members commit to orders in secret until gate closure (`commit_order`) and reveal them
	/// for `reveal_ms` after it (`reveal_order`); then the revealed book clears. Standing
	/// orders are still placed in the clear at the opening: the chain places them, so it
	/// cannot keep them secret.
	Sealed {
		/// The reveal window after gate closure, ms: several blocks, so that no single block
		/// producer can keep a reveal out, and ending at least a block before the slot starts.
		reveal_ms: u64,
	},
}

/// The side of a sealed order, stated in the clear when it is committed: it decides what the
/// commitment holds.
#[derive(
	Clone,
	Copy,
	Debug,
	Decode,
	DecodeWithMemTracking,
	Encode,
	Eq,
	MaxEncodedLen,
	PartialEq,
	TypeInfo,
	serde::Serialize,
	serde::Deserialize,
)]
pub enum SealedSide {
	/// A bid: holds `max_wh` at the slot's retail cap.
	Bid,
	/// An offer: holds the delivery deposit of `max_wh` at a reserve of zero.
	Offer,
}

impl SealedSide {
	/// Whether the side buys.
	pub fn is_bid(&self) -> bool {
		*self == SealedSide::Bid
	}

	/// The reason a commitment of this side holds its worst order under: the placed order's.
	pub fn hold_reason(&self) -> crate::HoldReason {
		match self {
			SealedSide::Bid => crate::HoldReason::BidMaxCost,
			SealedSide::Offer => crate::HoldReason::OfferDeposit,
		}
	}

	/// Whether an order of `side` is of this sealed side.
	pub fn matches(&self, side: &Side) -> bool {
		match self {
			SealedSide::Bid => matches!(side, Side::Bid { .. }),
			SealedSide::Offer => matches!(side, Side::Offer { .. }),
		}
	}
}

/// A commitment's hash: see [`commitment_hash`].
pub type CommitmentHash = [u8; 32];

/// The salt a commitment is made with: 256 random bits chosen by the member.
pub type Salt = [u8; 32];

/// The domain tag every commitment hash starts with (16 bytes, encoded as they are).
pub const COMMITMENT_DOMAIN: [u8; 16] = *b"energy/sealed/v1";

/// The hash a member commits to for a sealed order: BLAKE2b-256 of the SCALE encoding of
/// `(COMMITMENT_DOMAIN, who, slot, side, wh, price, salt)`, that is the 16 domain bytes, the
/// account's 32 bytes, the slot (u32 LE), the side (`0x02` + meter u32 LE for a bid, `0x01` +
/// RES u32 LE for an offer), the energy (u64 LE), the price (u128 LE) and the 32 salt bytes:
/// 113 bytes for a 32-byte account. The account binds a commitment to its maker: another
/// account that copies it can never reveal it.
pub fn commitment_hash<AccountId: Encode>(
	who: &AccountId,
	slot: energy_primitives::MarketSlot,
	side: &Side,
	wh: Wh,
	price: Price,
	salt: &Salt,
) -> CommitmentHash {
	(COMMITMENT_DOMAIN, who, slot, side, wh, price, salt).using_encoded(blake2_256)
}

/// BLAKE2b-256, as the runtime's hashing host function computes it.
fn blake2_256(bytes: &[u8]) -> CommitmentHash {
	use sp_runtime::traits::{BlakeTwo256, Hash};
	BlakeTwo256::hash(bytes).0
}

/// A member's sealed order before it is revealed: what is stated in the clear, what it holds,
/// and the hash of the rest.
#[derive(Clone, Debug, Decode, Encode, Eq, MaxEncodedLen, PartialEq, TypeInfo)]
pub struct Commitment<AccountId> {
	/// Who committed.
	pub owner: AccountId,
	/// Bid or offer.
	pub side: SealedSide,
	/// The most Wh the revealed order may be for.
	pub max_wh: Wh,
	/// The hash of the order ([`commitment_hash`]). Named `digest`, not `hash`: polkadot.js
	/// gives every decoded value a `hash` of its own encoding, which would hide the field.
	pub digest: CommitmentHash,
	/// What the worst order of `max_wh` would hold (bid at retail, offer at a zero reserve),
	/// under the side's hold reason.
	pub held: Amount,
	/// The reveal bond (hold reason `RevealBond`): burned if the order is not revealed.
	pub bond: Amount,
}

/// A sealed auction's state: when its reveal window ends and how its commitments fared. Kept
/// as long as the slot's auction record.
#[derive(
	Clone,
	Copy,
	Debug,
	Decode,
	DecodeWithMemTracking,
	Default,
	Encode,
	Eq,
	MaxEncodedLen,
	PartialEq,
	TypeInfo,
	serde::Serialize,
	serde::Deserialize,
)]
pub struct SealedBook {
	/// The reveal window ends at this unix ms: reveals are taken before it, and the book
	/// clears in the first block at or after it.
	pub reveal_until: u64,
	/// The most commitments the book takes: as many as the window's blocks can reveal at half
	/// their normal weight (and at most `MaxOrdersPerSlot`), fixed at the opening.
	pub capacity: u32,
	/// The block in which the reveal window opened (0 before gate closure): the window lasts
	/// at least `MinRevealBlocks` blocks from it, however the chain's clock runs.
	pub opened_in_block: u32,
	/// Whether the unrevealed commitments' bonds are returned rather than burned: the slot
	/// began before the window had its `MinRevealBlocks` blocks (a stalled chain), so members
	/// were not given the window they were promised.
	pub bonds_returned: bool,
	/// Bids committed and not (yet) revealed.
	pub unrevealed_bids: u32,
	/// Offers committed and not (yet) revealed.
	pub unrevealed_offers: u32,
	/// Commitments revealed into the book.
	pub revealed: u32,
	/// Commitments voided unrevealed.
	pub voided: u32,
	/// The reveal bonds burned with them.
	pub forfeited: Amount,
}

impl SealedBook {
	/// Counts one unrevealed commitment of `side` less (revealed, withdrawn or voided).
	pub fn forget_unrevealed(&mut self, side: SealedSide) {
		let count = match side {
			SealedSide::Bid => &mut self.unrevealed_bids,
			SealedSide::Offer => &mut self.unrevealed_offers,
		};
		*count = count.saturating_sub(1);
	}

	/// Commitments not revealed.
	pub fn unrevealed(&self) -> u32 {
		self.unrevealed_bids.saturating_add(self.unrevealed_offers)
	}
}
