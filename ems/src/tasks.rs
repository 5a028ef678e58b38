//! From a declared appliance to what the search schedules: its window's slots in the horizon,
//! its energy, and where it may run, or why it cannot.

use crate::types::{Appliance, Infeasible, RunMode, Wh};
use alloc::vec::Vec;

/// An appliance ready to schedule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Task {
	/// One uninterrupted run.
	Contiguous {
		/// Slots where the run may start, earliest in its window first.
		starts: Vec<usize>,
		/// Energy in each slot of the run: full power, the last slot what the working time
		/// leaves (a 30-minute run is one slot at half its power-hour).
		profile: Vec<Wh>,
	},
	/// Any energy per slot up to `cap`, `energy` in all.
	Split {
		/// The window's slots, in the order the window opens them.
		slots: Vec<usize>,
		/// The most it takes in one slot: its power for one hour.
		cap: Wh,
		/// What it takes in all.
		energy: Wh,
	},
}

impl Task {
	/// The task's energy per slot when it starts as soon as its window opens (an unmanaged
	/// home: plug in and run).
	pub fn unmanaged(&self, n: usize) -> Vec<Wh> {
		let mut load = alloc::vec![0; n];
		match self {
			Task::Contiguous { starts, profile } => {
				for (j, wh) in profile.iter().enumerate() {
					load[starts[0] + j] = *wh;
				}
			},
			Task::Split { slots, cap, energy } => {
				let mut left = *energy;
				for &t in slots {
					let wh = left.min(*cap);
					load[t] = wh;
					left -= wh;
				}
			},
		}
		load
	}
}

/// Whether hour of day `hour` is inside the window `start → end` (wrapping over midnight when
/// `end <= start`; 24 and 0 both mean midnight).
pub fn in_window(hour: u8, start: u8, end: u8) -> bool {
	if start < end {
		start <= hour && hour < end
	} else {
		hour >= start || hour < end
	}
}

/// The task of `appliance` on a horizon of `n` hourly slots whose first starts at `start_hour`.
pub fn task(appliance: &Appliance, start_hour: u8, n: usize) -> Result<Task, Infeasible> {
	let (start, end) = (appliance.window_start_hour, appliance.window_end_hour);
	if start > 23 || end > 24 {
		return Err(Infeasible::BadWindow);
	}
	if appliance.power_w == 0 || appliance.working_minutes == 0 {
		return Err(Infeasible::Empty);
	}
	let hour_of = |t: usize| ((usize::from(start_hour) + t) % 24) as u8;
	// The window's slots, in the order the window opens them.
	let mut slots: Vec<usize> = (0..n).filter(|&t| in_window(hour_of(t), start, end)).collect();
	slots.sort_by_key(|&t| (usize::from(hour_of(t)) + 24 - usize::from(start)) % 24);
	let window_minutes = slots.len() as u32 * 60;
	if appliance.working_minutes > window_minutes {
		return Err(Infeasible::WindowTooShort {
			window_minutes,
			working_minutes: appliance.working_minutes,
		});
	}
	let cap = Wh::from(appliance.power_w);
	let energy = appliance.energy_wh();
	match appliance.mode {
		RunMode::Split => Ok(Task::Split { slots, cap, energy }),
		RunMode::Contiguous => {
			let k = appliance.working_minutes.div_ceil(60) as usize;
			let mut profile = alloc::vec![cap; k];
			profile[k - 1] = energy.saturating_sub(cap * (k as u64 - 1));
			let inside = |t: usize| slots.contains(&t);
			let starts: Vec<usize> =
				slots.iter().copied().filter(|&s| s + k <= n && (s..s + k).all(inside)).collect();
			if starts.is_empty() {
				return Err(Infeasible::NoContiguousStretch { slots_needed: k as u32 });
			}
			Ok(Task::Contiguous { starts, profile })
		},
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::tests::appliance;
	use alloc::vec;

	#[test]
	fn a_window_over_midnight_opens_at_its_start() {
		// The electric vehicle: 19:00 → 06:00, 6 h at 3.65 kW, on a day starting at midnight.
		let ev = appliance(RunMode::Split, 19, 6, 360, 3_650);
		let Ok(Task::Split { slots, cap, energy }) = task(&ev, 0, 24) else { panic!() };
		assert_eq!(slots, vec![19, 20, 21, 22, 23, 0, 1, 2, 3, 4, 5]);
		assert_eq!((cap, energy), (3_650, 21_900));
	}

	#[test]
	fn a_half_hour_run_is_one_slot_at_half_its_power_hour() {
		let hair_dryer = appliance(RunMode::Contiguous, 6, 8, 30, 1_000);
		assert_eq!(
			task(&hair_dryer, 0, 24),
			Ok(Task::Contiguous { starts: vec![6, 7], profile: vec![500] })
		);
		let dish_washer = appliance(RunMode::Contiguous, 22, 24, 90, 470);
		assert_eq!(
			task(&dish_washer, 0, 24),
			Ok(Task::Contiguous { starts: vec![22], profile: vec![470, 235] })
		);
	}

	#[test]
	fn rows_that_cannot_be_met_are_reported_with_their_reason() {
		// The table's air conditioner: 7 h in 19:00–24:00.
		let ac = appliance(RunMode::Split, 19, 24, 420, 1_000);
		assert_eq!(
			task(&ac, 0, 24),
			Err(Infeasible::WindowTooShort { window_minutes: 300, working_minutes: 420 })
		);
		// The table's dish washer: 1.5 h in 22:00–23:00.
		let dish_washer = appliance(RunMode::Contiguous, 22, 23, 90, 470);
		assert_eq!(
			task(&dish_washer, 0, 24),
			Err(Infeasible::WindowTooShort { window_minutes: 60, working_minutes: 90 })
		);
		// 3 h uninterrupted in 22:00 → 02:00 on a day that starts at midnight: two stretches of 2.
		let late = appliance(RunMode::Contiguous, 22, 2, 180, 100);
		assert_eq!(task(&late, 0, 24), Err(Infeasible::NoContiguousStretch { slots_needed: 3 }));
		// The same on a day that starts at noon is one stretch of 4.
		assert!(task(&late, 12, 24).is_ok());
		assert_eq!(
			task(&appliance(RunMode::Split, 24, 2, 60, 1), 0, 24),
			Err(Infeasible::BadWindow)
		);
		assert_eq!(
			task(&appliance(RunMode::Split, 0, 25, 60, 1), 0, 24),
			Err(Infeasible::BadWindow)
		);
		assert_eq!(task(&appliance(RunMode::Split, 0, 24, 0, 1), 0, 24), Err(Infeasible::Empty));
		assert_eq!(task(&appliance(RunMode::Split, 0, 24, 60, 0), 0, 24), Err(Infeasible::Empty));
	}

	#[test]
	fn unmanaged_runs_start_when_the_window_opens() {
		let ev = appliance(RunMode::Split, 19, 6, 150, 2_000);
		let load = task(&ev, 0, 24).unwrap().unmanaged(24);
		assert_eq!((load[19], load[20], load[21], load[22]), (2_000, 2_000, 1_000, 0));
		assert_eq!(load.iter().sum::<u64>(), 5_000);
	}
}
