//! Tests of the grid pallet: the keeper's edits, the tree rules, withheld headroom and its
//! pruning, the bindings, and every abuse refused with its error and storage unchanged
//! (`assert_noop!` compares the storage root).

use crate::{
	mock::*, Bindings, ElementInfo, Elements, Error, Event, Keeper, MeterPoints, Withheld,
	WithheldSlots,
};
use energy_primitives::{GridTopology, SlotElement};
use frame_support::{assert_noop, assert_ok, traits::Hooks};
use sp_runtime::DispatchError;

fn events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Grid(event) => Some(event),
			_ => None,
		})
		.collect()
}

fn set(
	who: u64,
	id: u32,
	info: ElementInfo,
) -> frame_support::dispatch::DispatchResultWithPostInfo {
	Grid::set_element(
		RuntimeOrigin::signed(who),
		id,
		info.parent,
		info.up_w,
		info.down_w,
		info.charge_per_kwh,
	)
}

fn withhold(
	who: u64,
	id: u32,
	first: u32,
	slots: u32,
	up: u64,
	down: u64,
) -> sp_runtime::DispatchResult {
	Grid::withhold(RuntimeOrigin::signed(who), id, first, slots, up, down)
}

fn check() {
	Grid::do_try_state().expect("invariants hold");
}

#[test]
fn the_genesis_grid_is_stored_and_listed_parents_first() {
	new_test_ext().execute_with(|| {
		assert_eq!(Elements::<Test>::count(), 7);
		assert_eq!(Keeper::<Test>::get(), Some(DSO));
		assert_eq!(MeterPoints::<Test>::get(OTHER_METER), Some(POINT_B1));
		assert_eq!(Bindings::<Test>::get(POINT_B1), Some(1));
		assert!(<Grid as GridTopology<u64>>::contains(POINT_B1));
		assert!(!<Grid as GridTopology<u64>>::contains(77));
		let listed: Vec<u32> = Grid::slot_elements(1_001).iter().map(|e| e.id).collect();
		assert_eq!(
			listed,
			vec![ROOT, TRANSFORMER, FEEDER_A, FEEDER_B, POINT_A1, POINT_A2, POINT_B1]
		);
		assert_eq!(
			Grid::slot_elements(1_001)[1],
			SlotElement {
				id: TRANSFORMER,
				parent: Some(ROOT),
				up_w: 400_000,
				down_w: 400_000,
				charge_per_kwh: 20
			}
		);
		check();
	});
}

#[test]
fn the_keeper_adds_changes_and_removes_elements() {
	new_test_ext().execute_with(|| {
		assert_ok!(set(DSO, 13, element(Some(FEEDER_A), 20_000, 2)));
		assert_eq!(Elements::<Test>::get(13), Some(element(Some(FEEDER_A), 20_000, 2)));
		// Moving a point to the other feeder, with a new capacity.
		assert_ok!(set(DSO, 13, element(Some(FEEDER_B), 25_000, 3)));
		assert_eq!(Elements::<Test>::get(13).map(|e| e.parent), Some(Some(FEEDER_B)));
		assert_eq!(Elements::<Test>::count(), 8);
		assert_ok!(Grid::remove_element(RuntimeOrigin::signed(DSO), 13));
		assert!(!Elements::<Test>::contains_key(13));
		assert_eq!(
			events(),
			vec![
				Event::ElementSet {
					id: 13,
					parent: Some(FEEDER_A),
					up_w: 20_000,
					down_w: 20_000,
					charge_per_kwh: 2
				},
				Event::ElementSet {
					id: 13,
					parent: Some(FEEDER_B),
					up_w: 25_000,
					down_w: 25_000,
					charge_per_kwh: 3
				},
				Event::ElementRemoved { id: 13 },
			]
		);
		check();
	});
}

#[test]
fn only_the_keeper_while_an_active_dso_edits_the_grid() {
	new_test_ext().execute_with(|| {
		let point = element(Some(FEEDER_A), 1, 0);
		for outsider in [OTHER_DSO, ALICE, STRANGER] {
			assert_noop!(set(outsider, 13, point), Error::<Test>::NotKeeper);
			assert_noop!(
				Grid::remove_element(RuntimeOrigin::signed(outsider), POINT_A1),
				Error::<Test>::NotKeeper
			);
			assert_noop!(withhold(outsider, POINT_A1, 1_001, 1, 0, 0), Error::<Test>::NotKeeper);
		}
		assert_noop!(
			Grid::set_element(RuntimeOrigin::none(), 13, Some(FEEDER_A), 1, 1, 0),
			DispatchError::BadOrigin
		);
		// A suspended keeper edits nothing.
		assert_ok!(Participants::suspend(RuntimeOrigin::root(), DSO));
		assert_noop!(set(DSO, 13, point), Error::<Test>::KeeperNotDso);
		assert_noop!(withhold(DSO, POINT_A1, 1_001, 1, 0, 0), Error::<Test>::KeeperNotDso);
		assert_noop!(
			Grid::remove_element(RuntimeOrigin::signed(DSO), POINT_A1),
			Error::<Test>::KeeperNotDso
		);
	});
}

#[test]
fn governance_names_the_keeper_who_must_be_a_dso() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			Grid::set_keeper(RuntimeOrigin::signed(DSO), Some(DSO)),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Grid::set_keeper(RuntimeOrigin::root(), Some(ALICE)),
			Error::<Test>::KeeperNotDso
		);
		assert_noop!(
			Grid::set_keeper(RuntimeOrigin::root(), Some(STRANGER)),
			Error::<Test>::KeeperNotDso
		);
		assert_ok!(Grid::set_keeper(RuntimeOrigin::root(), Some(OTHER_DSO)));
		assert_eq!(<Grid as GridTopology<u64>>::keeper(), Some(OTHER_DSO));
		assert_noop!(set(DSO, 13, element(Some(FEEDER_A), 1, 0)), Error::<Test>::NotKeeper);
		assert_ok!(set(OTHER_DSO, 13, element(Some(FEEDER_A), 1, 0)));
		assert_ok!(Grid::set_keeper(RuntimeOrigin::root(), None));
		assert_eq!(Keeper::<Test>::get(), None);
		assert_noop!(set(OTHER_DSO, 14, element(Some(FEEDER_A), 1, 0)), Error::<Test>::NotKeeper);
		assert_eq!(
			events(),
			vec![
				Event::KeeperSet { keeper: Some(OTHER_DSO) },
				Event::ElementSet {
					id: 13,
					parent: Some(FEEDER_A),
					up_w: 1,
					down_w: 1,
					charge_per_kwh: 0
				},
				Event::KeeperSet { keeper: None },
			]
		);
	});
}

#[test]
fn every_change_keeps_one_radial_tree() {
	new_test_ext().execute_with(|| {
		// A second root.
		assert_noop!(set(DSO, 99, element(None, 1, 0)), Error::<Test>::SecondRoot);
		// The root made a child: no root left, a cycle.
		assert_noop!(set(DSO, ROOT, element(Some(POINT_A1), 1, 0)), Error::<Test>::Cycle);
		// A parent that is not in the grid.
		assert_noop!(set(DSO, 13, element(Some(77), 1, 0)), Error::<Test>::UnknownParent);
		// Its own parent.
		assert_noop!(set(DSO, FEEDER_A, element(Some(FEEDER_A), 1, 0)), Error::<Test>::Cycle);
		// A feeder under its own connection point.
		assert_noop!(set(DSO, FEEDER_A, element(Some(POINT_A1), 1, 0)), Error::<Test>::Cycle);
		// Deeper than MAX_DEPTH (8): points 11 (depth 3), then 100.. chained under it.
		let mut parent = POINT_A1;
		for id in 100..105 {
			assert_ok!(set(DSO, id, element(Some(parent), 1, 0)));
			parent = id;
		}
		assert_noop!(set(DSO, 105, element(Some(parent), 1, 0)), Error::<Test>::TooDeep);
		check();
	});
}

#[test]
fn the_grid_holds_at_most_max_elements() {
	new_test_ext().execute_with(|| {
		for id in 30..39 {
			assert_ok!(set(DSO, id, element(Some(FEEDER_B), 1, 0)));
		}
		assert_eq!(Elements::<Test>::count(), 16);
		assert_noop!(set(DSO, 39, element(Some(FEEDER_B), 1, 0)), Error::<Test>::TooManyElements);
		// Changing an element of a full grid is fine.
		assert_ok!(set(DSO, 38, element(Some(FEEDER_A), 2, 0)));
		check();
	});
}

#[test]
fn only_a_leaf_with_nothing_bound_is_removed() {
	new_test_ext().execute_with(|| {
		let remove = |id| Grid::remove_element(RuntimeOrigin::signed(DSO), id);
		assert_noop!(remove(FEEDER_A), Error::<Test>::HasChildren);
		assert_noop!(remove(ROOT), Error::<Test>::HasChildren);
		assert_noop!(remove(77), Error::<Test>::UnknownElement);
		// Point B1 has the genesis meter; A1 gets a meter and a RES.
		assert_noop!(remove(POINT_B1), Error::<Test>::PointInUse);
		assert_ok!(Grid::bind_meter(RuntimeOrigin::signed(DSO), METER, Some(POINT_A1)));
		assert_ok!(Grid::bind_res(RuntimeOrigin::signed(DSO), RES, Some(POINT_A1)));
		assert_eq!(Bindings::<Test>::get(POINT_A1), Some(2));
		assert_noop!(remove(POINT_A1), Error::<Test>::PointInUse);
		assert_ok!(Grid::bind_meter(RuntimeOrigin::signed(DSO), METER, None));
		assert_noop!(remove(POINT_A1), Error::<Test>::PointInUse);
		assert_ok!(Grid::bind_res(RuntimeOrigin::signed(DSO), RES, None));
		assert_eq!(Bindings::<Test>::get(POINT_A1), None);
		assert_ok!(remove(POINT_A1));
		check();
	});
}

#[test]
fn the_keeper_binds_meters_and_res_and_moves_them() {
	new_test_ext().execute_with(|| {
		let topology = || {
			(
				<Grid as GridTopology<u64>>::meter_point(METER),
				<Grid as GridTopology<u64>>::res_point(RES),
			)
		};
		assert_eq!(topology(), (None, None));
		assert_ok!(Grid::bind_meter(RuntimeOrigin::signed(DSO), METER, Some(POINT_A1)));
		assert_ok!(Grid::bind_res(RuntimeOrigin::signed(DSO), RES, Some(POINT_A2)));
		assert_eq!(topology(), (Some(POINT_A1), Some(POINT_A2)));
		// Moving the meter: the old point's count goes down, the new one's up.
		assert_ok!(Grid::bind_meter(RuntimeOrigin::signed(DSO), METER, Some(POINT_B1)));
		assert_eq!(Bindings::<Test>::get(POINT_A1), None);
		assert_eq!(Bindings::<Test>::get(POINT_B1), Some(2));
		// Binding again where it is changes nothing but says so.
		assert_ok!(Grid::bind_meter(RuntimeOrigin::signed(DSO), METER, Some(POINT_B1)));
		assert_eq!(Bindings::<Test>::get(POINT_B1), Some(2));
		// A meter revoked since can still be unbound, freeing its point.
		ActiveMeters::set(vec![OTHER_METER]);
		assert_ok!(Grid::bind_meter(RuntimeOrigin::signed(DSO), METER, None));
		assert_eq!(Bindings::<Test>::get(POINT_B1), Some(1));
		assert_eq!(
			events(),
			vec![
				Event::MeterBound { meter: METER, point: Some(POINT_A1) },
				Event::ResBound { res: RES, point: Some(POINT_A2) },
				Event::MeterBound { meter: METER, point: Some(POINT_B1) },
				Event::MeterBound { meter: METER, point: Some(POINT_B1) },
				Event::MeterBound { meter: METER, point: None },
			]
		);
		check();
	});
}

#[test]
fn only_the_keeper_binds_and_only_what_exists_to_what_exists() {
	new_test_ext().execute_with(|| {
		// The meter's owner may not place its own meter (say, on the cheaper feeder).
		for outsider in [ALICE, OTHER_DSO, STRANGER] {
			assert_noop!(
				Grid::bind_meter(RuntimeOrigin::signed(outsider), METER, Some(POINT_A1)),
				Error::<Test>::NotKeeper
			);
			assert_noop!(
				Grid::bind_res(RuntimeOrigin::signed(outsider), RES, Some(POINT_A1)),
				Error::<Test>::NotKeeper
			);
			assert_noop!(
				Grid::bind_meter(RuntimeOrigin::signed(outsider), OTHER_METER, None),
				Error::<Test>::NotKeeper
			);
		}
		assert_noop!(
			Grid::bind_meter(RuntimeOrigin::signed(DSO), 99, Some(POINT_A1)),
			Error::<Test>::UnknownMeter
		);
		assert_noop!(
			Grid::bind_res(RuntimeOrigin::signed(DSO), 99, Some(POINT_A1)),
			Error::<Test>::UnknownRes
		);
		assert_noop!(
			Grid::bind_meter(RuntimeOrigin::signed(DSO), METER, Some(77)),
			Error::<Test>::UnknownElement
		);
		assert_noop!(
			Grid::bind_res(RuntimeOrigin::signed(DSO), RES, Some(77)),
			Error::<Test>::UnknownElement
		);
		// A revoked meter is not bound anew.
		ActiveMeters::set(vec![OTHER_METER]);
		assert_noop!(
			Grid::bind_meter(RuntimeOrigin::signed(DSO), METER, Some(POINT_A1)),
			Error::<Test>::UnknownMeter
		);
		assert_ok!(Participants::suspend(RuntimeOrigin::root(), DSO));
		assert_noop!(
			Grid::bind_meter(RuntimeOrigin::signed(DSO), OTHER_METER, None),
			Error::<Test>::KeeperNotDso
		);
	});
}

#[test]
fn withheld_headroom_lowers_the_slots_capacity_until_restored() {
	new_test_ext().execute_with(|| {
		assert_ok!(withhold(DSO, TRANSFORMER, 1_002, 3, 50_000, 100_000));
		let room = |slot| {
			Grid::slot_elements(slot)
				.into_iter()
				.find(|e| e.id == TRANSFORMER)
				.map(|e| (e.up_w, e.down_w))
		};
		assert_eq!(room(1_001), Some((400_000, 400_000)));
		for slot in 1_002..=1_004 {
			assert_eq!(room(slot), Some((50_000, 100_000)));
		}
		assert_eq!(room(1_005), Some((400_000, 400_000)));
		assert_eq!(WithheldSlots::<Test>::get().into_inner(), vec![1_002, 1_003, 1_004]);
		// Lowering the capacity below the withheld headroom: the lower one holds.
		assert_ok!(set(DSO, TRANSFORMER, element(Some(ROOT), 80_000, 20)));
		assert_eq!(room(1_002), Some((50_000, 80_000)));
		// Restoring slot 1,003: headroom equal to the capacity.
		assert_ok!(withhold(DSO, TRANSFORMER, 1_003, 1, 80_000, 80_000));
		assert_eq!(room(1_003), Some((80_000, 80_000)));
		assert_eq!(WithheldSlots::<Test>::get().into_inner(), vec![1_002, 1_004]);
		assert!(Withheld::<Test>::get(1_003).is_none());
		assert_eq!(
			events().last(),
			Some(&Event::HeadroomWithheld {
				id: TRANSFORMER,
				first_slot: 1_003,
				slots: 1,
				up_w: 80_000,
				down_w: 80_000
			})
		);
		check();
	});
}

#[test]
fn headroom_is_fixed_once_the_gate_closed_and_bounded_ahead() {
	new_test_ext().execute_with(|| {
		// The current slot's gate has closed, and so has one whose auction closed early.
		assert_noop!(withhold(DSO, FEEDER_A, 1_000, 1, 0, 0), Error::<Test>::GateClosed);
		GateClosedThrough::set(1_001);
		assert_noop!(withhold(DSO, FEEDER_A, 1_001, 1, 0, 0), Error::<Test>::GateClosed);
		// A range that begins open but reaches a closed slot is refused as a whole.
		GateClosedThrough::set(1_000);
		assert_noop!(withhold(DSO, FEEDER_A, 999, 3, 0, 0), Error::<Test>::GateClosed);
		// 48 slots ahead at most.
		assert_noop!(withhold(DSO, FEEDER_A, 1_048, 2, 0, 0), Error::<Test>::TooFarAhead);
		assert_ok!(withhold(DSO, FEEDER_A, 1_048, 1, 0, 0));
		assert_noop!(withhold(DSO, FEEDER_A, u32::MAX, 2, 0, 0), Error::<Test>::TooFarAhead);
		assert_noop!(withhold(DSO, FEEDER_A, 1_001, 0, 0, 0), Error::<Test>::NoSlots);
		assert_noop!(withhold(DSO, FEEDER_A, 1_001, 9, 0, 0), Error::<Test>::TooManyWithheldSlots);
		assert_noop!(withhold(DSO, FEEDER_A, 1_001, 1, 100_001, 0), Error::<Test>::AboveCapacity);
		assert_noop!(withhold(DSO, FEEDER_A, 1_001, 1, 0, 100_001), Error::<Test>::AboveCapacity);
		assert_noop!(withhold(DSO, 77, 1_001, 1, 0, 0), Error::<Test>::UnknownElement);
		check();
	});
}

#[test]
fn at_most_max_withheld_slots_hold_headroom() {
	new_test_ext().execute_with(|| {
		assert_ok!(withhold(DSO, FEEDER_A, 1_001, 7, 0, 0));
		assert_ok!(withhold(DSO, FEEDER_B, 1_001, 7, 0, 0));
		assert_ok!(withhold(DSO, FEEDER_B, 1_020, 1, 0, 0));
		assert_noop!(withhold(DSO, FEEDER_B, 1_010, 1, 0, 0), Error::<Test>::TooManyWithheldSlots);
		// More elements in slots that already hold some are fine.
		assert_ok!(withhold(DSO, POINT_A1, 1_003, 2, 0, 0));
		assert_eq!(Withheld::<Test>::get(1_003).map(|entry| entry.len()), Some(3));
		check();
	});
}

#[test]
fn removing_an_element_removes_its_withheld_headroom() {
	new_test_ext().execute_with(|| {
		assert_ok!(withhold(DSO, POINT_A2, 1_001, 2, 0, 0));
		assert_ok!(withhold(DSO, POINT_A1, 1_002, 1, 0, 0));
		assert_ok!(Grid::remove_element(RuntimeOrigin::signed(DSO), POINT_A2));
		assert_eq!(WithheldSlots::<Test>::get().into_inner(), vec![1_002]);
		assert!(Withheld::<Test>::get(1_001).is_none());
		assert_eq!(Withheld::<Test>::get(1_002).map(|entry| entry.len()), Some(1));
		// Added again, the point has its full capacity.
		assert_ok!(set(DSO, POINT_A2, element(Some(FEEDER_A), 30_000, 1)));
		assert!(Grid::slot_elements(1_001).iter().any(|e| e.id == POINT_A2 && e.up_w == 30_000));
		check();
	});
}

#[test]
fn withheld_headroom_is_pruned_once_its_slot_settles_a_few_slots_a_block() {
	new_test_ext().execute_with(|| {
		assert_ok!(withhold(DSO, FEEDER_A, 1_001, 6, 0, 0));
		// Slot 1,001 is current but its auction still delivers: kept.
		go_to_slot(1_001);
		SettledThrough::set(1_000);
		Grid::on_initialize(2);
		assert_eq!(WithheldSlots::<Test>::get().len(), 6);
		// The chain stalled: eight slots later, every one of them has begun settlement.
		go_to_slot(1_010);
		Grid::on_initialize(3);
		assert_eq!(WithheldSlots::<Test>::get().into_inner(), vec![1_005, 1_006]);
		assert!(Withheld::<Test>::get(1_004).is_none());
		Grid::on_initialize(4);
		assert!(WithheldSlots::<Test>::get().is_empty());
		assert_eq!(Withheld::<Test>::iter_keys().count(), 0);
		check();
	});
}

#[test]
fn the_grid_and_the_bindings_stay_as_they_were_until_a_closed_auction_clears() {
	new_test_ext().execute_with(|| {
		assert_ok!(withhold(DSO, FEEDER_A, 1_001, 1, 0, 0));
		// An auction's gate has closed and its clearing waits for a block with room: the
		// keeper can neither undo a withholding by removing and re-adding the element, nor
		// lower a capacity, nor move a seller behind a congested feeder.
		ClearingDue::set(true);
		assert_noop!(set(DSO, POINT_A1, element(Some(FEEDER_B), 1, 0)), Error::<Test>::ClearingDue);
		assert_noop!(set(DSO, 13, element(Some(FEEDER_A), 1, 0)), Error::<Test>::ClearingDue);
		assert_noop!(
			Grid::remove_element(RuntimeOrigin::signed(DSO), POINT_A2),
			Error::<Test>::ClearingDue
		);
		assert_noop!(
			Grid::bind_meter(RuntimeOrigin::signed(DSO), METER, Some(POINT_A1)),
			Error::<Test>::ClearingDue
		);
		assert_noop!(
			Grid::bind_meter(RuntimeOrigin::signed(DSO), OTHER_METER, None),
			Error::<Test>::ClearingDue
		);
		assert_noop!(
			Grid::bind_res(RuntimeOrigin::signed(DSO), RES, Some(POINT_A1)),
			Error::<Test>::ClearingDue
		);
		// Withholding for slots whose gate is still open goes on.
		assert_ok!(withhold(DSO, FEEDER_B, 1_002, 1, 0, 0));
		ClearingDue::set(false);
		assert_ok!(Grid::bind_meter(RuntimeOrigin::signed(DSO), METER, Some(POINT_A1)));
		check();
	});
}

#[test]
fn the_keeper_places_none_of_its_own_records_and_a_production_meter_follows_its_res() {
	new_test_ext().execute_with(|| {
		// The DSO owns a meter and a RES of its own: placing them is not its call.
		assert_noop!(
			Grid::bind_meter(RuntimeOrigin::signed(DSO), DSO_METER, Some(POINT_A1)),
			Error::<Test>::OwnRecord
		);
		assert_noop!(
			Grid::bind_meter(RuntimeOrigin::signed(DSO), DSO_METER, None),
			Error::<Test>::OwnRecord
		);
		assert_noop!(
			Grid::bind_res(RuntimeOrigin::signed(DSO), DSO_RES, Some(POINT_A1)),
			Error::<Test>::OwnRecord
		);
		// A production meter is where its RES is, never elsewhere.
		assert_noop!(
			Grid::bind_meter(RuntimeOrigin::signed(DSO), PRODUCTION_METER, Some(POINT_B1)),
			Error::<Test>::ProductionMeter
		);
		assert_eq!(<Grid as GridTopology<u64>>::meter_point(PRODUCTION_METER), None);
		assert_ok!(Grid::bind_res(RuntimeOrigin::signed(DSO), RES, Some(POINT_A2)));
		assert_eq!(<Grid as GridTopology<u64>>::meter_point(PRODUCTION_METER), Some(POINT_A2));
		check();
	});
}

#[test]
fn a_keeper_that_is_no_longer_an_active_dso_is_paid_nothing() {
	new_test_ext().execute_with(|| {
		assert_eq!(<Grid as GridTopology<u64>>::keeper(), Some(DSO));
		assert_ok!(Participants::suspend(RuntimeOrigin::root(), DSO));
		assert_eq!(<Grid as GridTopology<u64>>::keeper(), None);
		assert_ok!(Participants::reactivate(RuntimeOrigin::root(), DSO));
		assert_eq!(<Grid as GridTopology<u64>>::keeper(), Some(DSO));
	});
}

#[test]
fn capacities_and_charges_are_bounded() {
	new_test_ext().execute_with(|| {
		let mut huge = element(Some(FEEDER_A), crate::MAX_CAPACITY_W + 1, 0);
		assert_noop!(set(DSO, 13, huge), Error::<Test>::CapacityTooLarge);
		huge.up_w = 1;
		assert_noop!(set(DSO, 13, huge), Error::<Test>::CapacityTooLarge);
		let dear = element(Some(FEEDER_A), 1, crate::MAX_CHARGE_PER_KWH + 1);
		assert_noop!(set(DSO, 13, dear), Error::<Test>::ChargeTooLarge);
		assert_ok!(set(
			DSO,
			13,
			element(Some(FEEDER_A), crate::MAX_CAPACITY_W, crate::MAX_CHARGE_PER_KWH)
		));
		check();
	});
}

#[test]
fn a_slot_whose_settlement_is_deferred_does_not_hold_up_the_pruning_of_the_others() {
	new_test_ext().execute_with(|| {
		assert_ok!(withhold(DSO, FEEDER_A, 1_001, 3, 0, 0));
		// Slots 1,001 and 1,003 have begun settlement; 1,002's is deferred.
		go_to_slot(1_010);
		SettledThrough::set(1_000);
		Grid::on_initialize(2);
		assert_eq!(WithheldSlots::<Test>::get().into_inner(), vec![1_001, 1_002, 1_003]);
		SettledThrough::set(1_010);
		let delivering = 1_002;
		TestDelivering::set(vec![delivering]);
		Grid::on_initialize(3);
		assert_eq!(WithheldSlots::<Test>::get().into_inner(), vec![delivering]);
		TestDelivering::set(vec![]);
		Grid::on_initialize(4);
		assert!(WithheldSlots::<Test>::get().is_empty());
		check();
	});
}

#[test]
fn the_dso_sees_what_hangs_at_the_root_until_it_binds_it() {
	new_test_ext().execute_with(|| {
		// Genesis bound only OTHER_METER; the production meter follows its RES.
		assert_eq!(Grid::unbound(), (vec![METER, DSO_METER], vec![RES, DSO_RES]));
		assert_ok!(Grid::bind_meter(RuntimeOrigin::signed(DSO), METER, Some(POINT_A1)));
		assert_ok!(Grid::bind_res(RuntimeOrigin::signed(DSO), RES, Some(POINT_A2)));
		assert_eq!(Grid::unbound(), (vec![DSO_METER], vec![DSO_RES]));
		// A revoked meter is no longer listed.
		ActiveMeters::set(vec![METER, OTHER_METER, PRODUCTION_METER]);
		assert_eq!(Grid::unbound(), (vec![], vec![DSO_RES]));
	});
}
