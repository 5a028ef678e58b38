//! The registry: gateways and meters, who may administer them.

use super::*;
// ---------------------------------------------------------------- gateways and meters

/// Separation of duties: an account that is both DSO and producer (roles combine) tries to
/// install a meter key it holds on its own RES, rotate the key of an existing production
/// meter to one it holds, or revoke another member's meter. Only the manager installs keys.
#[test]
fn a_dso_cannot_install_revoke_or_rotate_meter_keys() {
	new_test_ext().execute_with(|| {
		assert_ok!(Participants::set_roles(
			RuntimeOrigin::root(),
			DSO,
			energy_primitives::Roles::DSO.union(energy_primitives::Roles::PRODUCER)
		));
		let meter = register_production_meter(1);
		let before = sp_io::storage::root(sp_runtime::StateVersion::V1);
		let dso = || RuntimeOrigin::signed(DSO);
		let own_key = sr_key(&sr_pair(9));
		assert_noop!(
			Meters::register_meter(dso(), DSO, MeterKind::Consumption, own_key, GATEWAY, ZERO),
			Error::<Test>::NotMeterAdmin
		);
		assert_noop!(Meters::rotate_meter_key(dso(), meter, own_key), Error::<Test>::NotMeterAdmin);
		assert_noop!(Meters::revoke_meter(dso(), meter), Error::<Test>::NotMeterAdmin);
		assert_noop!(Meters::register_gateway(dso(), DSO), Error::<Test>::NotMeterAdmin);
		assert_eq!(sp_io::storage::root(sp_runtime::StateVersion::V1), before);
	});
}

#[test]
fn gateways_are_administered_by_the_manager_only() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			Meters::register_gateway(RuntimeOrigin::signed(CONSUMER), 20),
			Error::<Test>::NotMeterAdmin
		);
		assert_noop!(Meters::register_gateway(RuntimeOrigin::none(), 20), DispatchError::BadOrigin);
		assert_noop!(
			Meters::register_gateway(RuntimeOrigin::signed(DSO), 20),
			Error::<Test>::NotMeterAdmin
		);
		assert_ok!(Meters::register_gateway(RuntimeOrigin::root(), 20));
		System::assert_last_event(Event::GatewayRegistered { gateway: 20 }.into());
		assert_noop!(
			Meters::register_gateway(RuntimeOrigin::root(), 20),
			Error::<Test>::GatewayExists
		);
		assert_noop!(Meters::remove_gateway(RuntimeOrigin::root(), 21), Error::<Test>::NotGateway);
		register_consumption_meter(1);
		assert_noop!(
			Meters::remove_gateway(RuntimeOrigin::root(), GATEWAY),
			Error::<Test>::GatewayHasMeters
		);
		assert_ok!(Meters::remove_gateway(RuntimeOrigin::root(), 20));
		System::assert_last_event(Event::GatewayRemoved { gateway: 20 }.into());
		assert_ok!(Meters::do_try_state());
	});
}

#[test]
fn register_meter_checks_owner_res_and_gateway() {
	new_test_ext().execute_with(|| {
		let key = sr_key(&sr_pair(1));
		let reg = |owner, kind, gateway| {
			Meters::register_meter(RuntimeOrigin::root(), owner, kind, key, gateway, ZERO)
		};
		assert_noop!(reg(99, MeterKind::Consumption, GATEWAY), Error::<Test>::NotParticipant);
		assert_noop!(reg(CONSUMER, MeterKind::Consumption, 99), Error::<Test>::NotGateway);
		assert_noop!(
			reg(PROSUMER, MeterKind::Production { res: 9 }, GATEWAY),
			Error::<Test>::UnknownRes
		);
		assert_noop!(
			reg(CONSUMER, MeterKind::Production { res: APPROVED_RES }, GATEWAY),
			Error::<Test>::NotResOwner
		);
		assert_noop!(
			Meters::register_meter(
				RuntimeOrigin::signed(CONSUMER),
				CONSUMER,
				MeterKind::Consumption,
				key,
				GATEWAY,
				ZERO
			),
			Error::<Test>::NotMeterAdmin
		);
		let id = register_production_meter(1);
		System::assert_last_event(
			Event::MeterRegistered {
				meter: id,
				owner: PROSUMER,
				kind: MeterKind::Production { res: APPROVED_RES },
				gateway: GATEWAY,
			}
			.into(),
		);
		assert_eq!(ProductionMeterOf::<Test>::get(APPROVED_RES), Some(id));
		assert_noop!(
			reg(PROSUMER, MeterKind::Production { res: APPROVED_RES }, GATEWAY),
			Error::<Test>::ResHasMeter
		);
		let meter = Meters::meter(id).expect("listed");
		assert_eq!(meter.last_slot, Some(999));
		assert_eq!(meter.last_sequence, 0);
		assert_ok!(Meters::do_try_state());
	});
}

#[test]
fn a_full_gateway_and_exhausted_ids_are_errors() {
	new_test_ext().execute_with(|| {
		for n in 0..64 {
			register_consumption_meter(n);
		}
		assert_noop!(
			Meters::register_meter(
				RuntimeOrigin::root(),
				CONSUMER,
				MeterKind::Consumption,
				sr_key(&sr_pair(99)),
				GATEWAY,
				ZERO
			),
			Error::<Test>::GatewayFull
		);
		crate::NextMeterId::<Test>::put(u32::MAX);
		assert_noop!(
			Meters::register_meter(
				RuntimeOrigin::root(),
				CONSUMER,
				MeterKind::Consumption,
				sr_key(&sr_pair(99)),
				OTHER_GATEWAY,
				ZERO
			),
			Error::<Test>::IdsExhausted
		);
	});
}

#[test]
fn revoke_takes_the_meter_off_its_page_and_frees_its_res() {
	new_test_ext().execute_with(|| {
		assert_noop!(Meters::revoke_meter(RuntimeOrigin::root(), 5), Error::<Test>::UnknownMeter);
		let id = register_production_meter(1);
		assert_noop!(
			Meters::revoke_meter(RuntimeOrigin::signed(DSO), id),
			Error::<Test>::NotMeterAdmin
		);
		assert_ok!(Meters::revoke_meter(RuntimeOrigin::root(), id));
		System::assert_last_event(Event::MeterRevoked { meter: id }.into());
		assert_eq!(Meters::meter(id), None);
		assert_eq!(MeterDirectory::<Test>::get(id).map(|e| e.status), Some(MeterStatus::Revoked));
		assert_eq!(ProductionMeterOf::<Test>::get(APPROVED_RES), None);
		assert_noop!(Meters::revoke_meter(RuntimeOrigin::root(), id), Error::<Test>::MeterRevoked);
		assert_noop!(
			Meters::rotate_meter_key(RuntimeOrigin::root(), id, sr_key(&sr_pair(2))),
			Error::<Test>::MeterRevoked
		);
		// A replacement meter may now be registered for the RES.
		register_production_meter(2);
		assert_ok!(Meters::do_try_state());
	});
}

#[test]
fn rotated_key_replaces_the_old_one() {
	new_test_ext().execute_with(|| {
		let id = register_consumption_meter(1);
		assert_noop!(
			Meters::rotate_meter_key(RuntimeOrigin::root(), 42, sr_key(&sr_pair(2))),
			Error::<Test>::UnknownMeter
		);
		assert_noop!(
			Meters::rotate_meter_key(RuntimeOrigin::root(), id, sr_key(&sr_pair(1))),
			Error::<Test>::SameKey
		);
		let new_pair = ed_pair(2);
		assert_ok!(Meters::rotate_meter_key(RuntimeOrigin::root(), id, ed_key(&new_pair)));
		System::assert_last_event(
			Event::MeterKeyRotated { meter: id, key: ed_key(&new_pair) }.into(),
		);
		end_slot();
		assert_rejected_without_effect(
			vec![signed_sr(&sr_pair(1), reading(id, 1, 1_000, 100, 0))],
			RejectionReason::BadSignature,
		);
		submit(vec![signed_ed(&new_pair, reading(id, 1, 1_000, 100, 0))]);
		assert_eq!(Meters::meter(id).map(|m| m.last_sequence), Some(1));
	});
}
