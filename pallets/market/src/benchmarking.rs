//! Benchmarks of the market (frame-benchmarking v2): the calls, and each step of the block
//! hook as a function of how much it handles.
//!
//! - `clear(n)`: a book of `n` orders, half bids from the retail cap down, half offers from 0
//!   up, so every bid meets every offer's price, cleared under `UniformPrice` (nodal prices) on
//!   the deepest grid of [`CLEAR_BENCHMARK_GRID_ELEMENTS`] elements (see `benchmark_grid`),
//!   every element charged and every point congested, one-hour slots. Each bid is at its own
//!   meter and each offer at its own RES, so no point lookup is shared.
//! - `settle_trades(n)`: `n` trades of one page, each between its own buyer and seller, each
//!   half delivered, so every trade moves tokens, pays the seller and the grid's keeper, and
//!   draws a penalty.
//! - `release_orders(n)`, `feed_in(n)`: `n` orders with holds; `n` RES with unsold tokens.

use super::*;
use crate::Pallet as Market;
use alloc::vec::Vec;
use energy_clearing::money::cost_ceil;
use energy_primitives::{
	ElementId, EnergyLedger, GridTopology, MarketClock, MarketSlot, MeterRegistry,
	ParticipantRegistry, ResRegistry, Roles, SlotElement,
};
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{
		fungible::{Mutate, MutateHold},
		EnsureOrigin, Get,
	},
	weights::WeightMeter,
};
use frame_system::RawOrigin;

/// The slot the chain is in during the benchmarks.
const NOW_SLOT: MarketSlot = 1_000;
/// The delivery slot of the benchmarked auction.
const SLOT: MarketSlot = NOW_SLOT + 1;
/// Energy per benchmark order, Wh.
const ORDER_WH: u64 = 1_000;
/// The first connection point's id in the benchmark's grid; the points follow.
const FIRST_POINT: ElementId = 100;
/// Connection points of the benchmark's grid: the elements below the chain of
/// [`MAX_GRID_DEPTH`] elements from the root.
const POINTS: u32 = CLEAR_BENCHMARK_GRID_ELEMENTS - MAX_GRID_DEPTH;

/// The benchmark's grid: kept by an active DSO, [`CLEAR_BENCHMARK_GRID_ELEMENTS`] elements as
/// deep as the clearing allows, every element charged. A chain from the substation (0) down
/// through elements 1–7 (60 kW, 1,000 per kWh), and every connection point (100 on, 3 kW, 500
/// per kWh) at depth 8 under element 7: the nodal prices try the most combinations of charges
/// there, and natively `UniformPrice` on it is the slowest of the cases measured. Paths between
/// two points cross only their two lines, so the merit-order rules, whose cost grows with the
/// paths they scan, may be slower on other shapes (a grid of two deep branches measured about
/// as slow): the runtime's `MaxOrdersPerSlot` keeps a margin for that
/// ([docs/grid.md](../../docs/grid.md#weights-and-the-order-limit)).
fn benchmark_grid<T: Config>() {
	let element = |id, parent, w, charge| SlotElement {
		id,
		parent,
		up_w: w,
		down_w: w,
		charge_per_kwh: charge,
	};
	let mut elements = alloc::vec![element(0, None, 10_000_000, 0)];
	elements.extend((1..MAX_GRID_DEPTH).map(|e| element(e, Some(e - 1), 60_000, 1_000)));
	elements.extend(
		(0..POINTS).map(|p| element(FIRST_POINT + p, Some(MAX_GRID_DEPTH - 1), 3_000, 500)),
	);
	debug_assert_eq!(elements.len() as u32, CLEAR_BENCHMARK_GRID_ELEMENTS);
	let keeper = funded::<T>("dso", 0, Roles::DSO);
	T::Grid::set_grid_for_benchmark(&keeper, &elements);
}

fn funded<T: Config>(name: &'static str, i: u32, roles: Roles) -> T::AccountId {
	let who: T::AccountId = account(name, i, 0);
	T::Participants::ensure_participant(&who, roles);
	T::Currency::set_balance(&who, 1_000_000_000_000_000);
	who
}

/// Opens the auction of [`SLOT`] with the clock at the start of [`NOW_SLOT`].
fn new_auction<T: Config>() -> Auction {
	<Market<T> as MarketClock>::set_current_slot(NOW_SLOT);
	let tariff = HourTariff { retail: 95_000, feed_in: 39_000 };
	let auction =
		Auction::open(Rule::<T>::get(), tariff, Market::<T>::slot_start_ms(SLOT), u64::MAX);
	Auctions::<T>::insert(SLOT, &auction);
	auction
}

/// Puts an order in the book directly, with its hold, as placing it would.
fn insert_order<T: Config>(id: OrderId, owner: &T::AccountId, side: Side, price: Price) {
	let (held, reason) = match side {
		Side::Bid { .. } | Side::UnsitedBid => (cost_ceil(price, ORDER_WH), HoldReason::BidMaxCost),
		Side::Offer { .. } => (cost_ceil(95_000 - price, ORDER_WH), HoldReason::OfferDeposit),
	};
	T::Currency::hold(&reason.into(), owner, held).expect("funded; qed");
	Orders::<T>::insert(
		SLOT,
		id,
		Order { owner: owner.clone(), side, wh: ORDER_WH, price, held, used: 0 },
	);
	OrdersOfMember::<T>::mutate(SLOT, owner, |count| *count += 1);
}

/// A cleared auction of [`SLOT`] with `n` trades in page 0, buyer `i` against seller `i`,
/// each seller's RES having attested half the traded energy.
fn cleared_with_trades<T: Config>(n: u32) -> Auction {
	let mut auction = new_auction::<T>();
	let mut page = Vec::new();
	for i in 0..n {
		let buyer = funded::<T>("buyer", i, Roles::CONSUMER);
		let seller = funded::<T>("seller", i, Roles::PRODUCER);
		let (bid, offer) = (2 * i, 2 * i + 1);
		insert_order::<T>(bid, &buyer, Side::Bid { meter: i }, 90_000);
		insert_order::<T>(offer, &seller, Side::Offer { res: i }, 40_000);
		T::Tokens::mint_for_benchmark(&seller, i, SLOT, ORDER_WH / 2);
		// The buyer's consumption is metered: delivery claims part of what it delivers, and
		// the rest waits for another reading (the costliest delivery).
		T::Tokens::meter_consumption_for_benchmark(&buyer, SLOT, ORDER_WH / 4);
		// The buyer pays 5,000 per kWh of network charges on top of the seller's price.
		page.push(GridTrade {
			bid,
			offer,
			wh: ORDER_WH,
			buyer_price: 75_000,
			seller_price: 70_000,
		});
	}
	TradePages::<T>::insert(SLOT, 0, TradePage::truncate_from(page));
	auction.status = AuctionStatus::Cleared;
	auction.trades = n;
	auction.next_order_id = 2 * n;
	Auctions::<T>::insert(SLOT, &auction);
	auction
}

/// The shortest reveal window the chain admits, with a schedule it fits in (the gate closing
/// half a slot before the slot).
fn sealed_mode<T: Config>() -> AuctionMode {
	let length = SlotLength::<T>::get();
	let mut schedule = Schedule::<T>::get();
	schedule.gate_closure_ms = length / 2;
	Schedule::<T>::put(schedule);
	let reveal_ms = Market::<T>::block_time_ms() * u64::from(T::MinRevealBlocks::get());
	AuctionMode::Sealed { reveal_ms }
}

/// Opens the auction of [`SLOT`] sealed, reveal window until the end of time.
fn new_sealed_auction<T: Config>() -> Auction {
	let auction = new_auction::<T>();
	let capacity = u32::MAX;
	SealedBooks::<T>::insert(
		SLOT,
		SealedBook { reveal_until: u64::MAX, capacity, ..Default::default() },
	);
	auction
}

/// Moves the sealed auction of [`SLOT`] into its reveal window.
fn revealing<T: Config>() {
	Auctions::<T>::mutate(SLOT, |auction| {
		if let Some(auction) = auction {
			auction.status = AuctionStatus::Revealing;
		}
	});
}

/// The salt of the benchmarks' commitments.
const SALT: Salt = [7; 32];

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn place_bid() {
		new_auction::<T>();
		let who = funded::<T>("buyer", 0, Roles::CONSUMER);
		let meter = T::Meters::register_for_benchmark(&who, None);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), SLOT, meter, ORDER_WH, 90_000);
		assert_eq!(OrdersOfMember::<T>::get(SLOT, &who), 1);
	}

	#[benchmark]
	fn place_offer() {
		new_auction::<T>();
		let who = funded::<T>("seller", 0, Roles::PRODUCER);
		let res = T::Res::create_approved(&who, 1_000_000);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), SLOT, res, ORDER_WH, 40_000);
		assert_eq!(OrdersOfMember::<T>::get(SLOT, &who), 1);
	}

	#[benchmark]
	fn cancel_order() {
		new_auction::<T>();
		let who = funded::<T>("buyer", 0, Roles::CONSUMER);
		let meter = T::Meters::register_for_benchmark(&who, None);
		Market::<T>::do_place_bid(who.clone(), SLOT, meter, ORDER_WH, 90_000).expect("open; qed");
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), SLOT, 0);
		assert!(Orders::<T>::get(SLOT, 0).is_none());
	}

	#[benchmark]
	fn set_clearing_rule() -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, ClearingRule::PayAsBid);
		assert_eq!(Rule::<T>::get(), ClearingRule::PayAsBid);
		Ok(())
	}

	#[benchmark]
	fn set_schedule() -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let length = SlotLength::<T>::get();
		let schedule = AuctionSchedule {
			open_slots_ahead: 2,
			gate_closure_ms: length / 2,
			settlement_delay_ms: length,
		};
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, schedule);
		assert_eq!(Schedule::<T>::get(), schedule);
		Ok(())
	}

	#[benchmark]
	fn set_tariffs() -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let table = [HourTariff { retail: 120_000, feed_in: 50_000 }; HOURS_PER_DAY];
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, alloc::boxed::Box::new(table));
		assert_eq!(Tariffs::<T>::get(), table);
		Ok(())
	}

	#[benchmark]
	fn set_utility() -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let utility: T::AccountId = account("utility", 0, 0);
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, utility.clone());
		assert_eq!(Utility::<T>::get(), Some(utility));
		Ok(())
	}

	/// The costliest template: an offer sized by the forecast of the RES's production meter
	/// (reads the meter, the RES and the member's count).
	#[benchmark]
	fn set_standing_order() -> Result<(), BenchmarkError> {
		let producer = funded::<T>("producer", 0, Roles::PROSUMER);
		let res = T::Res::create_approved(&producer, 10_000);
		let meter = T::Meters::register_for_benchmark(&producer, Some(res));
		let quantity = StandingQuantity::Forecast { meter };
		#[extrinsic_call]
		_(RawOrigin::Signed(producer.clone()), Side::Offer { res }, 40_000, quantity, 5_000);
		assert_eq!(StandingOrdersOf::<T>::get(&producer), 1);
		Ok(())
	}

	#[benchmark]
	fn cancel_standing_order() -> Result<(), BenchmarkError> {
		let consumer = funded::<T>("consumer", 0, Roles::CONSUMER);
		let meter = T::Meters::register_for_benchmark(&consumer, None);
		let order = StandingOrder {
			owner: consumer.clone(),
			side: Side::Bid { meter },
			price: 90_000,
			quantity: StandingQuantity::Fixed { wh: 500 },
			cap_wh: 500,
			deposit: 0,
		};
		let id = Market::<T>::do_set_standing_order(order).map_err(|_| "a valid template")?;
		#[extrinsic_call]
		_(RawOrigin::Signed(consumer.clone()), id);
		assert!(!StandingOrders::<T>::contains_key(id));
		Ok(())
	}

	/// The hook with a full pending list and nothing due.
	#[benchmark]
	fn poll() {
		<Market<T> as MarketClock>::set_current_slot(NOW_SLOT);
		let mut pending = Pending::<T>::get();
		for slot in 0..MAX_PENDING_AUCTIONS {
			let _ = pending.try_push(PendingAuction { slot: SLOT + slot, due: u64::MAX - 1 });
		}
		Pending::<T>::put(pending);
		NextSlotToOpen::<T>::put(SLOT + MAX_PENDING_AUCTIONS);
		#[block]
		{
			Market::<T>::run_market(&mut WeightMeter::new());
		}
	}

	/// The hook opening one auction, sealed (it writes the sealed book too).
	#[benchmark]
	fn open_auction() {
		Mode::<T>::put(sealed_mode::<T>());
		<Market<T> as MarketClock>::set_current_slot(NOW_SLOT);
		NextSlotToOpen::<T>::put(NOW_SLOT + Schedule::<T>::get().open_slots_ahead);
		#[block]
		{
			Market::<T>::run_market(&mut WeightMeter::new());
		}
		assert!(Auctions::<T>::get(NOW_SLOT + Schedule::<T>::get().open_slots_ahead).is_some());
	}

	/// A book of `n` orders, half of them bids, up to [`CLEAR_BENCHMARK_MAX_ORDERS`]. One
	/// component: with a bid and an offer component, each was sampled with the other at its
	/// maximum, and the fit's intercept (450 ms) was an extrapolation that every clearing paid.
	#[benchmark]
	fn clear(n: Linear<0, CLEAR_BENCHMARK_MAX_ORDERS>) {
		let (b, o) = (n / 2, n - n / 2);
		let mut auction = new_auction::<T>();
		auction.rule = ClearingRule::UniformPrice;
		SlotLength::<T>::put(energy_primitives::HOUR_MS);
		benchmark_grid::<T>();
		let owner: T::AccountId = account("member", 0, 0);
		let point = |i: u32| FIRST_POINT + i % POINTS;
		// Bids from the retail cap down, offers from 0 up: every pair crosses.
		for i in 0..b {
			T::Grid::bind_meter_for_benchmark(i, point(i));
			let order = Order {
				owner: owner.clone(),
				// Clearing reads each bid's point, not its meter record.
				side: Side::Bid { meter: i },
				wh: ORDER_WH,
				price: 95_000 - i as u128,
				held: 0,
				used: 0,
			};
			Orders::<T>::insert(SLOT, i, order);
		}
		for i in 0..o {
			// Offers sit at the points in the other order, so most trades cross the grid.
			T::Grid::bind_res_for_benchmark(i, point(POINTS - 1 - i % POINTS));
			let order = Order {
				owner: owner.clone(),
				side: Side::Offer { res: i },
				wh: ORDER_WH + 1,
				price: i as u128,
				held: 0,
				used: 0,
			};
			Orders::<T>::insert(SLOT, b + i, order);
		}
		auction.bids = b;
		auction.offers = o;
		Auctions::<T>::insert(SLOT, auction);
		#[block]
		{
			Market::<T>::do_close_and_clear(SLOT);
		}
		assert_eq!(Auctions::<T>::get(SLOT).map(|a| a.status), Some(AuctionStatus::Cleared));
		let elements = SlotLoading::<T>::get(SLOT).map(|l| l.len() as u32);
		assert_eq!(elements, Some(CLEAR_BENCHMARK_GRID_ELEMENTS));
	}

	#[benchmark]
	fn settle_trades(n: Linear<1, TRADES_PER_PAGE>) {
		benchmark_grid::<T>();
		let mut auction = cleared_with_trades::<T>(n);
		#[block]
		{
			Market::<T>::settle_trades(SLOT, &mut auction, 0, n);
		}
		assert_eq!(auction.delivered_wh, n as u64 * ORDER_WH / 2);
		assert_eq!(auction.charges, n as u128 * 2_500);
		assert!(TradePages::<T>::get(SLOT, 0).is_none());
	}

	#[benchmark]
	fn release_orders(n: Linear<1, TRADES_PER_PAGE>) {
		new_auction::<T>();
		for i in 0..n {
			let buyer = funded::<T>("buyer", i, Roles::CONSUMER);
			insert_order::<T>(i, &buyer, Side::Bid { meter: i }, 90_000);
		}
		#[block]
		{
			Market::<T>::release_orders(SLOT, n);
		}
		assert_eq!(Orders::<T>::iter_prefix(SLOT).count(), 0);
	}

	#[benchmark]
	fn feed_in(n: Linear<1, TRADES_PER_PAGE>) {
		let mut auction = new_auction::<T>();
		let utility = funded::<T>("utility", 0, Roles::UTILITY);
		Utility::<T>::put(&utility);
		for i in 0..n {
			let owner = funded::<T>("seller", i, Roles::PRODUCER);
			T::Tokens::mint_for_benchmark(&owner, i, SLOT, ORDER_WH);
		}
		#[block]
		{
			Market::<T>::feed_in(SLOT, &mut auction, None, n);
		}
		assert_eq!(auction.feed_in_wh, n as u64 * ORDER_WH);
	}

	/// Finishing with the summaries full, so the oldest is pruned.
	#[benchmark]
	fn finish_settlement() {
		let mut auction = new_auction::<T>();
		let kept = T::SummariesKept::get();
		let mut settled = SettledSlots::<T>::get();
		let loading = SlotLoadingOf::truncate_from(alloc::vec![
			Loading::default();
			MAX_GRID_ELEMENTS as usize
		]);
		for slot in 0..kept {
			Auctions::<T>::insert(slot, &auction);
			SlotLoading::<T>::insert(slot, &loading);
			SealedBooks::<T>::insert(slot, SealedBook::default());
			let _ = settled.try_push(slot);
		}
		SettledSlots::<T>::put(settled);
		#[block]
		{
			Market::<T>::finish_settlement(SLOT, &mut auction);
		}
		assert_eq!(auction.status, AuctionStatus::Settled);
		assert!(kept == 0 || Auctions::<T>::get(0).is_none());
		assert!(kept == 0 || SlotLoading::<T>::get(0).is_none());
	}

	#[benchmark]
	fn set_auction_mode() -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let mode = sealed_mode::<T>();
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, mode);
		assert_eq!(Mode::<T>::get(), mode);
		Ok(())
	}

	#[benchmark]
	fn commit_order() {
		new_sealed_auction::<T>();
		let who = funded::<T>("buyer", 0, Roles::CONSUMER);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), SLOT, SealedSide::Bid, ORDER_WH, [1; 32]);
		assert_eq!(Commitments::<T>::iter_prefix(SLOT).count(), 1);
	}

	/// `cancel_order` of a commitment: the order lookup misses, then the commitment is
	/// withdrawn and both its holds released.
	#[benchmark]
	fn cancel_commitment() {
		new_sealed_auction::<T>();
		let who = funded::<T>("buyer", 0, Roles::CONSUMER);
		Market::<T>::do_commit_order(who.clone(), SLOT, SealedSide::Bid, ORDER_WH, [1; 32])
			.expect("open and sealed; qed");
		#[extrinsic_call]
		cancel_order(RawOrigin::Signed(who.clone()), SLOT, 0);
		assert_eq!(Commitments::<T>::iter_prefix(SLOT).count(), 0);
	}

	/// `reveal_order` of a bid at a meter on a gateway page of its own (the runtime adds the
	/// page's worst case, as for `place_bid`).
	#[benchmark]
	fn reveal_bid() {
		new_sealed_auction::<T>();
		let who = funded::<T>("buyer", 0, Roles::CONSUMER);
		let meter = T::Meters::register_for_benchmark(&who, None);
		let side = Side::Bid { meter };
		let hash = commitment_hash(&who, SLOT, &side, ORDER_WH, 90_000, &SALT);
		Market::<T>::do_commit_order(who.clone(), SLOT, SealedSide::Bid, ORDER_WH, hash)
			.expect("open and sealed; qed");
		revealing::<T>();
		#[extrinsic_call]
		reveal_order(RawOrigin::Signed(who.clone()), SLOT, 0, side, ORDER_WH, 90_000, SALT);
		assert!(Orders::<T>::contains_key(SLOT, 0));
	}

	#[benchmark]
	fn reveal_offer() {
		new_sealed_auction::<T>();
		let who = funded::<T>("seller", 0, Roles::PRODUCER);
		let res = T::Res::create_approved(&who, 1_000_000);
		let side = Side::Offer { res };
		let hash = commitment_hash(&who, SLOT, &side, ORDER_WH, 40_000, &SALT);
		Market::<T>::do_commit_order(who.clone(), SLOT, SealedSide::Offer, ORDER_WH, hash)
			.expect("open and sealed; qed");
		revealing::<T>();
		#[extrinsic_call]
		reveal_order(RawOrigin::Signed(who.clone()), SLOT, 0, side, ORDER_WH, 40_000, SALT);
		assert!(Orders::<T>::contains_key(SLOT, 0));
	}

	/// The hook at a sealed auction's gate closure: reading its sealed book and opening the
	/// reveal window.
	#[benchmark]
	fn start_reveal() {
		let mut auction = new_sealed_auction::<T>();
		#[block]
		{
			let book = SealedBooks::<T>::get(SLOT).expect("sealed; qed");
			Market::<T>::start_reveal(SLOT, &mut auction, book);
		}
		assert_eq!(Auctions::<T>::get(SLOT).map(|a| a.status), Some(AuctionStatus::Revealing));
	}

	/// Voiding `n` unrevealed commitments of as many members at settlement.
	#[benchmark]
	fn void_commitments(n: Linear<1, TRADES_PER_PAGE>) {
		new_sealed_auction::<T>();
		// Put in directly, as committing would: the book bound of a runtime may be below a
		// page.
		let mut book = SealedBooks::<T>::get(SLOT).unwrap_or_default();
		for i in 0..n {
			let who = funded::<T>("buyer", i, Roles::CONSUMER);
			let (held, bond) = (cost_ceil(95_000, ORDER_WH), 1_000_000);
			T::Currency::hold(&HoldReason::BidMaxCost.into(), &who, held).expect("funded; qed");
			T::Currency::hold(&HoldReason::RevealBond.into(), &who, bond).expect("funded; qed");
			let side = SealedSide::Bid;
			let hash = [1; 32];
			let max_wh = ORDER_WH;
			Commitments::<T>::insert(
				SLOT,
				i,
				Commitment { owner: who.clone(), side, max_wh, digest: hash, held, bond },
			);
			OrdersOfMember::<T>::insert(SLOT, &who, 1);
			book.unrevealed_bids += 1;
		}
		SealedBooks::<T>::insert(SLOT, book);
		#[block]
		{
			Market::<T>::void_commitments(SLOT, n);
		}
		assert_eq!(SealedBooks::<T>::get(SLOT).map(|book| book.voided), Some(n));
	}

	impl_benchmark_test_suite!(Market, crate::mock::new_test_ext(), crate::mock::Test);
}
