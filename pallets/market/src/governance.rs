//! Governance and the utility: the clearing rule, the schedule, the tariffs and the utility
//! account.

use crate::{
	AuctionSchedule, ClearingRule, Config, Error, Event, Pallet, Rule, Schedule, SlotLength,
	TariffTable, Tariffs, Utility, MAX_PENDING_AUCTIONS,
};
use energy_primitives::ForecastProvider;
use frame_support::{ensure, pallet_prelude::DispatchResult, traits::EnsureOrigin};
use frame_system::pallet_prelude::OriginFor;

/// The most slots ahead an auction may open, and the longest settlement delay in slots.
pub const MAX_SLOTS_AHEAD: u32 = 24;

impl<T: Config> Pallet<T> {
	/// Whether `schedule` works with the chain's slot length: auctions open 1 to 24 slots
	/// ahead, gate closure falls after opening, settlement waits at most 24 slots, and the
	/// auctions this keeps pending fit [`MAX_PENDING_AUCTIONS`].
	pub fn schedule_is_valid(schedule: &AuctionSchedule) -> bool {
		let length = SlotLength::<T>::get();
		let open_window = (schedule.open_slots_ahead as u64).saturating_mul(length);
		let settle_slots = schedule.settlement_delay_ms.div_ceil(length.max(1));
		(1..=MAX_SLOTS_AHEAD).contains(&schedule.open_slots_ahead)
			&& schedule.gate_closure_ms < open_window
			&& settle_slots <= MAX_SLOTS_AHEAD as u64
			&& schedule.open_slots_ahead as u64 + settle_slots + 2 <= MAX_PENDING_AUCTIONS as u64
	}

	/// Whether a forecast of every slot exists when its auction opens under `schedule`, so
	/// that forecast-sized standing orders are placed: the forecaster runs in each slot and
	/// reaches `horizon` slots ahead, so an auction opened `open_slots_ahead` slots ahead
	/// finds the forecast made in the slot before if `open_slots_ahead + 1 <= horizon`.
	pub fn forecasts_reach(schedule: &AuctionSchedule) -> bool {
		schedule.open_slots_ahead.saturating_add(1) <= T::Forecasts::horizon()
	}

	/// Whether no hour's feed-in tariff is above its retail tariff.
	pub fn tariffs_are_valid(tariffs: &TariffTable) -> bool {
		tariffs.iter().all(|hour| hour.feed_in <= hour.retail)
	}

	/// Accepts the utility's signed origin or governance.
	pub(crate) fn ensure_utility_or_governance(origin: OriginFor<T>) -> DispatchResult {
		if T::GovernanceOrigin::try_origin(origin.clone()).is_ok() {
			return Ok(());
		}
		let who = frame_system::ensure_signed(origin)?;
		ensure!(Utility::<T>::get().as_ref() == Some(&who), Error::<T>::NotUtility);
		Ok(())
	}

	/// Sets the rule of auctions opened from now on.
	pub fn do_set_clearing_rule(rule: ClearingRule) -> DispatchResult {
		Rule::<T>::put(rule);
		Self::deposit_event(Event::ClearingRuleSet { rule });
		Ok(())
	}

	/// Sets the schedule of auctions opened from now on.
	pub fn do_set_schedule(schedule: AuctionSchedule) -> DispatchResult {
		ensure!(Self::schedule_is_valid(&schedule), Error::<T>::InvalidSchedule);
		ensure!(Self::forecasts_reach(&schedule), Error::<T>::ForecastsDoNotReach);
		ensure!(
			Self::mode_fits(&crate::Mode::<T>::get(), &schedule),
			Error::<T>::RevealWindowDoesNotFit
		);
		Schedule::<T>::put(schedule);
		Self::deposit_event(Event::ScheduleSet { schedule });
		Ok(())
	}

	/// Sets the tariff table of auctions opened from now on.
	pub fn do_set_tariffs(tariffs: TariffTable) -> DispatchResult {
		ensure!(Self::tariffs_are_valid(&tariffs), Error::<T>::InvalidTariff);
		Tariffs::<T>::put(tariffs);
		Self::deposit_event(Event::TariffsSet { tariffs: alloc::boxed::Box::new(tariffs) });
		Ok(())
	}

	/// Names the utility account.
	pub fn do_set_utility(utility: T::AccountId) -> DispatchResult {
		Utility::<T>::put(&utility);
		Self::deposit_event(Event::UtilitySet { utility });
		Ok(())
	}
}
