//! PROVISIONAL: replaced by the output of `./scripts/benchmark-pallets.sh`.

#![allow(missing_docs)]
use frame_support::weights::Weight;

/// Weight functions needed for `pallet_market`.
pub trait WeightInfo {
	fn place_bid() -> Weight;
	fn place_offer() -> Weight;
	fn cancel_order() -> Weight;
	fn set_clearing_rule() -> Weight;
	fn set_schedule() -> Weight;
	fn set_tariffs() -> Weight;
	fn set_utility() -> Weight;
	fn poll() -> Weight;
	fn open_auction() -> Weight;
	fn clear(b: u32, o: u32) -> Weight;
	fn settle_trades(n: u32) -> Weight;
	fn release_orders(n: u32) -> Weight;
	fn feed_in(n: u32) -> Weight;
	fn finish_settlement() -> Weight;
}

impl WeightInfo for () {
	fn place_bid() -> Weight { Weight::from_parts(1_000_000, 0) }
	fn place_offer() -> Weight { Weight::from_parts(1_000_000, 0) }
	fn cancel_order() -> Weight { Weight::from_parts(1_000_000, 0) }
	fn set_clearing_rule() -> Weight { Weight::from_parts(1_000_000, 0) }
	fn set_schedule() -> Weight { Weight::from_parts(1_000_000, 0) }
	fn set_tariffs() -> Weight { Weight::from_parts(1_000_000, 0) }
	fn set_utility() -> Weight { Weight::from_parts(1_000_000, 0) }
	fn poll() -> Weight { Weight::from_parts(1_000_000, 0) }
	fn open_auction() -> Weight { Weight::from_parts(1_000_000, 0) }
	fn clear(b: u32, o: u32) -> Weight { Weight::from_parts(1_000_000 * (1 + b as u64 + o as u64), 0) }
	fn settle_trades(n: u32) -> Weight { Weight::from_parts(1_000_000 * (1 + n as u64), 0) }
	fn release_orders(n: u32) -> Weight { Weight::from_parts(1_000_000 * (1 + n as u64), 0) }
	fn feed_in(n: u32) -> Weight { Weight::from_parts(1_000_000 * (1 + n as u64), 0) }
	fn finish_settlement() -> Weight { Weight::from_parts(1_000_000, 0) }
}

/// PROVISIONAL until the benchmarks run.
pub struct SubstrateWeight<T>(core::marker::PhantomData<T>);
impl<T> WeightInfo for SubstrateWeight<T> {
	fn place_bid() -> Weight { <() as WeightInfo>::place_bid() }
	fn place_offer() -> Weight { <() as WeightInfo>::place_offer() }
	fn cancel_order() -> Weight { <() as WeightInfo>::cancel_order() }
	fn set_clearing_rule() -> Weight { <() as WeightInfo>::set_clearing_rule() }
	fn set_schedule() -> Weight { <() as WeightInfo>::set_schedule() }
	fn set_tariffs() -> Weight { <() as WeightInfo>::set_tariffs() }
	fn set_utility() -> Weight { <() as WeightInfo>::set_utility() }
	fn poll() -> Weight { <() as WeightInfo>::poll() }
	fn open_auction() -> Weight { <() as WeightInfo>::open_auction() }
	fn clear(b: u32, o: u32) -> Weight { <() as WeightInfo>::clear(b, o) }
	fn settle_trades(n: u32) -> Weight { <() as WeightInfo>::settle_trades(n) }
	fn release_orders(n: u32) -> Weight { <() as WeightInfo>::release_orders(n) }
	fn feed_in(n: u32) -> Weight { <() as WeightInfo>::feed_in(n) }
	fn finish_settlement() -> Weight { <() as WeightInfo>::finish_settlement() }
}
