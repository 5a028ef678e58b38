//! Money from prices per kWh and energy in Wh, and how it is rounded.
//!
//! `price × Wh / 1000` is rarely whole. [`cost`] rounds down: it is what a buyer pays and a
//! seller receives, the same number on both sides, so rounding never creates or destroys a
//! unit; the buyer keeps the fraction (at most one unit per trade). [`cost_ceil`] rounds up:
//! it is what the market *holds* against an order, so a hold always covers what the order can
//! be asked to pay.

use crate::{Amount, Price, Wh};

/// Wh per kWh.
pub const WH_PER_KWH: u128 = 1_000;

/// `price × wh / 1000`, rounded down, saturating at the largest amount.
pub fn cost(price: Price, wh: Wh) -> Amount {
	price.saturating_mul(wh as u128) / WH_PER_KWH
}

/// `price × wh / 1000`, rounded up, saturating at the largest amount.
pub fn cost_ceil(price: Price, wh: Wh) -> Amount {
	price.saturating_mul(wh as u128).div_ceil(WH_PER_KWH)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn cost_rounds_down_and_cost_ceil_up_at_the_smallest_units() {
		// 1 Wh at 1 unit/kWh is a thousandth of a unit.
		assert_eq!(cost(1, 1), 0);
		assert_eq!(cost_ceil(1, 1), 1);
		// Whole results are not moved by rounding.
		assert_eq!(cost(95_000, 1_000), 95_000);
		assert_eq!(cost_ceil(95_000, 1_000), 95_000);
		// 999 Wh at 1,001 units/kWh = 999.999 units.
		assert_eq!(cost(1_001, 999), 999);
		assert_eq!(cost_ceil(1_001, 999), 1_000);
	}

	#[test]
	fn cost_saturates_instead_of_overflowing() {
		assert_eq!(cost(Price::MAX, Wh::MAX), Amount::MAX / WH_PER_KWH);
		assert_eq!(cost_ceil(Price::MAX, 2), Amount::MAX.div_ceil(WH_PER_KWH));
	}
}
