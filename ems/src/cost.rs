//! The home's cost of a net-import profile: the one cost rule every part of the planner uses.
//!
//! A slot's cost is `net × import price` when the home imports and `net × export price` (a
//! revenue) when it exports. With the export price never above the import price, the cost is a
//! convex function of the slot's net load: every further Wh costs at least as much as the one
//! before. The search's bound and the exactness of the split appliances' flow rest on that.

use crate::types::{Day, MilliUnits, PlanError, Price, Wh, MAX_PRICE, MAX_SLOTS, MAX_SLOT_WH};
use alloc::vec::Vec;

/// Per-slot prices after the peak weight, checked once for a day.
#[derive(Clone, Debug)]
pub struct SlotPrices {
	/// Import price per kWh, including the slot's share of the peak weight.
	pub import: Vec<Price>,
	/// Export price per kWh.
	pub export: Vec<Price>,
}

impl SlotPrices {
	/// Checks the day and prices its slots. The peak weight is added to import prices in
	/// proportion to the community's load: `peak_weight × load / peak load`, rounded down.
	pub fn new(day: &Day) -> Result<Self, PlanError> {
		let n = day.base_load_wh.len();
		if n == 0 || n > MAX_SLOTS {
			return Err(PlanError::BadHorizon);
		}
		if day.start_hour > 23 {
			return Err(PlanError::BadStartHour);
		}
		let community_ok = day.community_load.is_empty() || day.community_load.len() == n;
		if day.pv_wh.len() != n
			|| day.import_price.len() != n
			|| day.export_price.len() != n
			|| !community_ok
		{
			return Err(PlanError::LengthMismatch);
		}
		if day.peak_weight < 0 {
			return Err(PlanError::NegativePeakWeight);
		}
		let energies = [&day.base_load_wh, &day.pv_wh, &day.community_load];
		let prices = [&day.import_price, &day.export_price];
		if energies.iter().any(|v| v.iter().any(|&wh| wh > MAX_SLOT_WH))
			|| prices.iter().any(|v| v.iter().any(|p| p.unsigned_abs() > MAX_PRICE as u64))
			|| day.peak_weight > MAX_PRICE
		{
			return Err(PlanError::OutOfRange);
		}
		let peak = day.community_load.iter().copied().max().unwrap_or(0);
		let import: Vec<Price> = (0..n)
			.map(|t| {
				let adder = match day.community_load.get(t) {
					Some(&load) if peak > 0 => {
						(i128::from(day.peak_weight) * i128::from(load) / i128::from(peak)) as Price
					},
					_ => 0,
				};
				day.import_price[t].saturating_add(adder)
			})
			.collect();
		if (0..n).any(|t| day.export_price[t] > day.import_price[t]) {
			return Err(PlanError::ExportAboveImport);
		}
		Ok(Self { import, export: day.export_price.clone() })
	}

	/// Number of slots.
	pub fn len(&self) -> usize {
		self.import.len()
	}

	/// Whether there is no slot (never, for a checked day).
	pub fn is_empty(&self) -> bool {
		self.import.is_empty()
	}

	/// The cost of a net load of `net` Wh in slot `t`.
	pub fn slot_cost(&self, t: usize, net: i64) -> MilliUnits {
		let price = if net >= 0 { self.import[t] } else { self.export[t] };
		i128::from(net) * i128::from(price)
	}

	/// The cost of a whole net-load profile.
	pub fn profile_cost(&self, net: &[i64]) -> MilliUnits {
		net.iter().enumerate().map(|(t, &n)| self.slot_cost(t, n)).sum()
	}

	/// What `wh` more in slot `t` costs, on top of a net load of `net`.
	pub fn added_cost(&self, t: usize, net: i64, wh: Wh) -> MilliUnits {
		self.slot_cost(t, net + wh as i64) - self.slot_cost(t, net)
	}
}

/// The home's net import per slot before any planned appliance: base load less PV.
pub fn base_net(day: &Day) -> Vec<i64> {
	day.base_load_wh.iter().zip(&day.pv_wh).map(|(&l, &p)| l as i64 - p as i64).collect()
}

#[cfg(test)]
mod tests {
	use super::*;
	use alloc::vec;

	fn day(import: Vec<Price>, export: Vec<Price>) -> Day {
		let n = import.len();
		Day {
			start_hour: 0,
			base_load_wh: vec![0; n],
			pv_wh: vec![0; n],
			import_price: import,
			export_price: export,
			community_load: vec![],
			peak_weight: 0,
		}
	}

	#[test]
	fn import_pays_the_import_price_and_export_earns_the_export_price() {
		let prices = SlotPrices::new(&day(vec![100], vec![40])).unwrap();
		assert_eq!(prices.slot_cost(0, 1_000), 100_000);
		assert_eq!(prices.slot_cost(0, -1_000), -40_000);
		// 1,500 Wh more on a 1,000 Wh surplus: 1,000 Wh not exported, 500 Wh imported.
		assert_eq!(prices.added_cost(0, -1_000, 1_500), 40_000 + 50_000);
	}

	#[test]
	fn the_peak_weight_is_shared_in_proportion_to_the_community_load() {
		let mut d = day(vec![100, 100, 100], vec![0, 0, 0]);
		d.community_load = vec![10, 5, 0];
		d.peak_weight = 30;
		assert_eq!(SlotPrices::new(&d).unwrap().import, vec![130, 115, 100]);
	}

	#[test]
	fn days_that_cannot_be_planned_are_refused_with_their_reason() {
		assert_eq!(SlotPrices::new(&day(vec![], vec![])).unwrap_err(), PlanError::BadHorizon);
		assert_eq!(
			SlotPrices::new(&day(vec![0; MAX_SLOTS + 1], vec![0; MAX_SLOTS + 1])).unwrap_err(),
			PlanError::BadHorizon
		);
		assert_eq!(
			SlotPrices::new(&day(vec![50], vec![60])).unwrap_err(),
			PlanError::ExportAboveImport
		);
		assert_eq!(
			SlotPrices::new(&day(vec![50, 1], vec![0])).unwrap_err(),
			PlanError::LengthMismatch
		);
		let mut d = day(vec![50], vec![0]);
		d.start_hour = 24;
		assert_eq!(SlotPrices::new(&d).unwrap_err(), PlanError::BadStartHour);
		let mut d = day(vec![50], vec![0]);
		d.peak_weight = -1;
		assert_eq!(SlotPrices::new(&d).unwrap_err(), PlanError::NegativePeakWeight);
		let absurd = |change: &dyn Fn(&mut Day)| {
			let mut d = day(vec![10, 20], vec![1, 2]);
			change(&mut d);
			SlotPrices::new(&d).unwrap_err()
		};
		assert_eq!(absurd(&|d| d.import_price[1] = i64::MAX), PlanError::OutOfRange);
		assert_eq!(absurd(&|d| d.export_price[0] = i64::MIN), PlanError::OutOfRange);
		assert_eq!(absurd(&|d| d.peak_weight = MAX_PRICE + 1), PlanError::OutOfRange);
		assert_eq!(absurd(&|d| d.base_load_wh[0] = u64::MAX), PlanError::OutOfRange);
		assert_eq!(absurd(&|d| d.pv_wh[1] = MAX_SLOT_WH + 1), PlanError::OutOfRange);
		let at_the_bounds = |d: &mut Day| {
			d.import_price = vec![MAX_PRICE, MAX_PRICE];
			d.export_price = vec![-MAX_PRICE, 0];
			d.base_load_wh = vec![MAX_SLOT_WH, 0];
		};
		let mut d = day(vec![10, 20], vec![1, 2]);
		at_the_bounds(&mut d);
		assert!(SlotPrices::new(&d).is_ok());
	}
}
