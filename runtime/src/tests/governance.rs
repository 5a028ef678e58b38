//! The production chain's governance, on the production preset with its operators' part filled
//! in (a council of fresh accounts, their balances) as `scripts/production-spec.sh` does: the
//! council manages the community by majority and reaches root only with two thirds; the dev
//! sudo key, and every single key, has no power there.

use frame_support::{
	assert_noop, assert_ok, dispatch::GetDispatchInfo, traits::fungible::InspectHold,
};
use serde_json::Value;
use sp_core::{crypto::AccountId32, H256};
use sp_keyring::Sr25519Keyring;
use sp_runtime::{
	traits::{Dispatchable, Hash as _},
	DispatchError,
};

use crate::{
	genesis_config_presets::{preset_state_with, PRODUCTION_RUNTIME_PRESET},
	AccountId, Balances, Council, CouncilMembership, Runtime, RuntimeCall, RuntimeEvent,
	RuntimeHoldReason, RuntimeOrigin, System, UNIT,
};
use energy_primitives::Roles;

/// A council member's account: not one of the dev keys.
pub(super) fn councillor(i: u8) -> AccountId {
	AccountId32::new([0xc0 + i; 32])
}

/// The dev chains' sudo key.
pub(super) fn alice() -> AccountId {
	Sr25519Keyring::Alice.to_account_id()
}

/// A newcomer the council registers.
fn newcomer(i: u8) -> AccountId {
	AccountId32::new([0x10 + i; 32])
}

/// The production preset with a council of `members` councillors, each endowed, and Alice
/// endowed too (a funded outsider holding the dev sudo key's account).
pub(super) fn production(members: u8) -> sp_io::TestExternalities {
	let council: Vec<AccountId> = (0..members).map(councillor).collect();
	let mut balances: Vec<(AccountId, u128)> =
		council.iter().map(|who| (who.clone(), 1_000 * UNIT)).collect();
	balances.push((alice(), 1_000_000 * UNIT));
	let operators = serde_json::json!({
		"councilMembership": { "members": council },
		"balances": { "balances": balances },
	});
	let mut ext = preset_state_with(&PRODUCTION_RUNTIME_PRESET.into(), operators);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// The participants' `register` of newcomer `i` as a consumer.
fn register(i: u8) -> RuntimeCall {
	RuntimeCall::Participants(pallet_participants::Call::register {
		who: newcomer(i),
		code: alloc::format!("NL-STREET-{i}").into_bytes().try_into().expect("a short code"),
		roles: Roles::CONSUMER,
		record_commitment: H256::repeat_byte(i),
	})
}

fn is_member(i: u8) -> bool {
	pallet_participants::Participants::<Runtime>::contains_key(newcomer(i))
}

/// Councillor 0 proposes `call` with `threshold` ayes, councillors `0..ayes` vote aye, and
/// councillor 0 closes the motion. Returns the result the motion's dispatch gave.
pub(super) fn motion(call: RuntimeCall, threshold: u32, ayes: u8) -> Result<(), DispatchError> {
	let length = codec::Encode::encoded_size(&call) as u32;
	let weight = call.get_dispatch_info().call_weight;
	let hash = <Runtime as frame_system::Config>::Hashing::hash_of(&call);
	let index = pallet_collective::ProposalCount::<Runtime, pallet_collective::Instance1>::get();
	assert_ok!(Council::propose(
		RuntimeOrigin::signed(councillor(0)),
		threshold,
		Box::new(call),
		length
	));
	// A threshold below two executes at once, with the proposer's aye alone.
	if threshold >= 2 {
		for i in 0..ayes {
			assert_ok!(Council::vote(RuntimeOrigin::signed(councillor(i)), hash, index, true));
		}
		assert_ok!(Council::close(
			RuntimeOrigin::signed(councillor(0)),
			hash,
			index,
			weight,
			length
		));
	}
	executed(hash)
}

/// The council's path to root in one motion: whitelist `call`'s hash, then dispatch it as root.
pub(super) fn as_root(call: RuntimeCall) -> RuntimeCall {
	RuntimeCall::Utility(pallet_utility::Call::batch_all {
		calls: vec![
			RuntimeCall::Whitelist(pallet_whitelist::Call::whitelist_call {
				call_hash: <Runtime as frame_system::Config>::Hashing::hash_of(&call),
			}),
			RuntimeCall::Whitelist(
				pallet_whitelist::Call::dispatch_whitelisted_call_with_preimage {
					call: Box::new(call),
				},
			),
		],
	})
}

/// The result of the council's last dispatch of the motion `hash`.
fn executed(hash: H256) -> Result<(), DispatchError> {
	System::events()
		.into_iter()
		.rev()
		.find_map(|record| match record.event {
			RuntimeEvent::Council(pallet_collective::Event::Executed { proposal_hash, result })
				if proposal_hash == hash =>
			{
				Some(result)
			},
			_ => None,
		})
		.expect("the motion was executed")
}

#[test]
fn a_council_majority_registers_a_member_and_a_street_in_one_motion() {
	production(3).execute_with(|| {
		assert_eq!(pallet_sudo::Key::<Runtime>::get(), None);
		assert_eq!(
			pallet_collective::Members::<Runtime, pallet_collective::Instance1>::get().len(),
			3
		);
		// Two of three: a majority.
		assert_eq!(motion(register(1), 2, 2), Ok(()));
		assert!(is_member(1));
		// A street of newcomers in one motion: `utility.batch_all` under the council's origin.
		let street = RuntimeCall::Utility(pallet_utility::Call::batch_all {
			calls: (2..6).map(register).collect(),
		});
		assert_eq!(motion(street, 2, 2), Ok(()));
		assert!((2..6).all(is_member));
	});
}

#[test]
fn the_dev_sudo_key_and_outsiders_have_no_power_on_production() {
	production(3).execute_with(|| {
		let sudo = |call: RuntimeCall| {
			RuntimeCall::Sudo(pallet_sudo::Call::sudo { call: Box::new(call) })
				.dispatch(RuntimeOrigin::signed(alice()))
				.map_err(|e| e.error)
		};
		assert_noop!(sudo(register(1)), pallet_sudo::Error::<Runtime>::RequireSudo);
		assert_noop!(
			RuntimeCall::Sudo(pallet_sudo::Call::set_key { new: alice().into() })
				.dispatch(RuntimeOrigin::signed(alice()))
				.map_err(|e| e.error),
			pallet_sudo::Error::<Runtime>::RequireSudo
		);
		// Signed, the manager's calls are refused to anyone.
		assert_noop!(
			register(1).dispatch(RuntimeOrigin::signed(alice())).map_err(|e| e.error),
			DispatchError::BadOrigin
		);
		// An outsider cannot propose, nor raise its origin through the utility or the whitelist.
		assert_noop!(
			Council::propose(RuntimeOrigin::signed(alice()), 1, Box::new(register(1)), 100)
				.map_err(|e| e.error),
			pallet_collective::Error::<Runtime, pallet_collective::Instance1>::NotMember
		);
		assert_noop!(
			RuntimeCall::Utility(pallet_utility::Call::dispatch_as {
				as_origin: Box::new(frame_system::RawOrigin::Root.into()),
				call: Box::new(register(1)),
			})
			.dispatch(RuntimeOrigin::signed(alice()))
			.map_err(|e| e.error),
			DispatchError::BadOrigin
		);
		assert_noop!(
			RuntimeCall::Whitelist(
				pallet_whitelist::Call::dispatch_whitelisted_call_with_preimage {
					call: Box::new(register(1)),
				}
			)
			.dispatch(RuntimeOrigin::signed(alice()))
			.map_err(|e| e.error),
			pallet_whitelist::Error::<Runtime>::DeferredDispatchNotFound
		);
		assert_noop!(
			RuntimeCall::Whitelist(pallet_whitelist::Call::whitelist_call {
				call_hash: <Runtime as frame_system::Config>::Hashing::hash_of(&register(1)),
			})
			.dispatch(RuntimeOrigin::signed(alice()))
			.map_err(|e| e.error),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn one_councillor_alone_cannot_manage() {
	production(3).execute_with(|| {
		// A threshold-1 motion executes at once, with one aye of three: not a majority.
		assert_eq!(motion(register(1), 1, 1), Err(DispatchError::BadOrigin));
		// `execute` dispatches with the member's own origin, which manages nothing.
		assert_ok!(Council::execute(
			RuntimeOrigin::signed(councillor(0)),
			Box::new(register(1)),
			100
		));
		assert!(!is_member(1));
		// Nor can one member change the council.
		let add = RuntimeCall::CouncilMembership(pallet_membership::Call::add_member {
			who: alice().into(),
		});
		assert_eq!(motion(add, 1, 1), Err(DispatchError::BadOrigin));
		assert_eq!(
			pallet_collective::Members::<Runtime, pallet_collective::Instance1>::get().len(),
			3
		);
	});
}

/// Root through the whitelist: authorising a runtime upgrade needs two thirds of the council;
/// a bare majority (three of five) manages the community but does not reach root.
#[test]
fn two_thirds_of_the_council_reach_root_and_a_majority_does_not() {
	production(5).execute_with(|| {
		let code_hash = H256::repeat_byte(0xab);
		let upgrade = RuntimeCall::System(frame_system::Call::authorize_upgrade { code_hash });
		let as_root = as_root(upgrade.clone());
		// Three of five manage (more than half) ...
		assert_eq!(motion(register(1), 3, 3), Ok(()));
		// ... but do not reach root: the batch is undone as a whole.
		assert_eq!(motion(as_root.clone(), 3, 3), Err(DispatchError::BadOrigin));
		assert!(System::authorized_upgrade().is_none());
		assert_eq!(pallet_whitelist::WhitelistedCall::<Runtime>::iter().count(), 0);
		// Four of five do: the upgrade is authorised, and the whitelist is left empty.
		assert_eq!(motion(as_root, 4, 4), Ok(()));
		assert_eq!(System::authorized_upgrade().map(|u| *u.code_hash()), Some(code_hash));
		assert_eq!(pallet_whitelist::WhitelistedCall::<Runtime>::iter().count(), 0);
		// Two thirds also change the council itself.
		let add = RuntimeCall::CouncilMembership(pallet_membership::Call::add_member {
			who: councillor(5).into(),
		});
		assert_eq!(motion(add.clone(), 3, 3), Err(DispatchError::BadOrigin));
		assert_eq!(motion(add, 4, 4), Ok(()));
		assert!(pallet_collective::Members::<Runtime, pallet_collective::Instance1>::get()
			.contains(&councillor(5)));
	});
}

/// Anyone may store a preimage, but only by holding its deposit: 1 CEUR plus 0.01 CEUR a byte.
#[test]
fn a_preimage_holds_its_deposit() {
	production(3).execute_with(|| {
		let bytes = vec![7u8; 1_000];
		assert_ok!(RuntimeCall::Preimage(pallet_preimage::Call::note_preimage {
			bytes: bytes.clone()
		})
		.dispatch(RuntimeOrigin::signed(alice())));
		let reason = RuntimeHoldReason::Preimage(pallet_preimage::HoldReason::Preimage);
		// The footprint counts the stored bytes and one item.
		assert_eq!(Balances::balance_on_hold(&reason, &alice()), UNIT + 1_000 * UNIT / 100);
	});
}

/// A chain started before the council (sudo, no council) hands over: the sudo key names the
/// council and gives itself up (`docs/operators.md`); from then on the council manages and the
/// old key has no power.
#[test]
fn a_sudo_chain_hands_over_to_its_council() {
	let mut ext = preset_state_with(&sp_genesis_builder::DEV_RUNTIME_PRESET.into(), Value::Null);
	ext.execute_with(|| {
		System::set_block_number(1);
		// As a chain upgraded from spec 109 finds it: no council.
		assert_ok!(CouncilMembership::reset_members(RuntimeOrigin::root(), vec![]));
		let sudo = |call: RuntimeCall| {
			RuntimeCall::Sudo(pallet_sudo::Call::sudo { call: Box::new(call) })
				.dispatch(RuntimeOrigin::signed(alice()))
		};
		let council: Vec<AccountId> = (0..3).map(councillor).collect();
		assert_ok!(sudo(RuntimeCall::CouncilMembership(pallet_membership::Call::reset_members {
			members: council.clone(),
		})));
		assert_ok!(RuntimeCall::Sudo(pallet_sudo::Call::remove_key {})
			.dispatch(RuntimeOrigin::signed(alice())));
		assert_eq!(pallet_sudo::Key::<Runtime>::get(), None);
		let mut sorted = council;
		sorted.sort();
		assert_eq!(
			pallet_collective::Members::<Runtime, pallet_collective::Instance1>::get(),
			sorted
		);
		assert_noop!(
			sudo(register(1)).map_err(|e| e.error),
			pallet_sudo::Error::<Runtime>::RequireSudo
		);
		for i in 0..3 {
			assert_ok!(Balances::force_set_balance(
				RuntimeOrigin::root(),
				councillor(i).into(),
				1_000 * UNIT
			));
		}
		assert_eq!(motion(register(1), 2, 2), Ok(()));
		assert!(is_member(1));
	});
}

/// The code an upgrade applies is only the one the council authorised: anyone may submit it,
/// nobody may submit another, and without an authorisation nothing.
#[test]
fn only_the_authorised_code_can_be_applied() {
	production(3).execute_with(|| {
		let apply = |code: Vec<u8>| {
			RuntimeCall::System(frame_system::Call::apply_authorized_upgrade { code })
				.dispatch(RuntimeOrigin::signed(alice()))
				.map_err(|e| e.error)
		};
		assert_noop!(apply(vec![1; 64]), frame_system::Error::<Runtime>::NothingAuthorized);
		let authorised = <Runtime as frame_system::Config>::Hashing::hash(&[2; 64]);
		let upgrade =
			RuntimeCall::System(frame_system::Call::authorize_upgrade { code_hash: authorised });
		let as_root = as_root(upgrade);
		assert_eq!(motion(as_root, 2, 2), Ok(()));
		assert_noop!(apply(vec![1; 64]), frame_system::Error::<Runtime>::Unauthorized);
	});
}

/// A motion passes only with the ayes cast: when it closes after its three days, the silent
/// count as nays even where the prime voted aye, so a prime alone never reaches root.
#[test]
fn silence_is_nay_even_with_a_prime() {
	production(5).execute_with(|| {
		assert_ok!(CouncilMembership::set_prime(RuntimeOrigin::root(), councillor(0).into()));
		let upgrade = RuntimeCall::System(frame_system::Call::authorize_upgrade {
			code_hash: H256::repeat_byte(0xcd),
		});
		let call = as_root(upgrade);
		let (length, weight) =
			(codec::Encode::encoded_size(&call) as u32, call.get_dispatch_info().call_weight);
		let hash = <Runtime as frame_system::Config>::Hashing::hash_of(&call);
		assert_ok!(Council::propose(
			RuntimeOrigin::signed(councillor(0)),
			4,
			Box::new(call),
			length
		));
		assert_ok!(Council::vote(RuntimeOrigin::signed(councillor(0)), hash, 0, true));
		System::set_block_number(1 + crate::configs::CouncilMotionDuration::get());
		assert_ok!(Council::close(RuntimeOrigin::signed(alice()), hash, 0, weight, length));
		assert!(System::events().iter().any(|r| matches!(
			r.event,
			RuntimeEvent::Council(pallet_collective::Event::Disapproved { proposal_hash })
				if proposal_hash == hash
		)));
		assert!(System::authorized_upgrade().is_none());
	});
}

/// Four open motions are free; the fifth holds 10 CEUR of its proposer and the sixth 20, so
/// no councillor fills the council's places; a closed motion's deposit is released by anyone.
#[test]
fn open_motions_beyond_four_hold_a_doubling_deposit() {
	production(3).execute_with(|| {
		let reason = RuntimeHoldReason::Council(pallet_collective::HoldReason::ProposalSubmission);
		let held = || Balances::balance_on_hold(&reason, &councillor(0));
		for i in 1..=6 {
			let call = register(i);
			let length = codec::Encode::encoded_size(&call) as u32;
			assert_ok!(Council::propose(
				RuntimeOrigin::signed(councillor(0)),
				2,
				Box::new(call),
				length
			));
			let expected = match i {
				1..=4 => 0,
				5 => 10 * UNIT,
				_ => 30 * UNIT,
			};
			assert_eq!(held(), expected, "after motion {i}");
		}
		// The sixth passes and is closed: anyone then releases its 20 CEUR, not before.
		let call = register(6);
		let (length, weight) =
			(codec::Encode::encoded_size(&call) as u32, call.get_dispatch_info().call_weight);
		let hash = <Runtime as frame_system::Config>::Hashing::hash_of(&call);
		assert_noop!(
			Council::release_proposal_cost(RuntimeOrigin::signed(alice()), hash),
			pallet_collective::Error::<Runtime, pallet_collective::Instance1>::ProposalActive
		);
		for i in 0..2 {
			assert_ok!(Council::vote(RuntimeOrigin::signed(councillor(i)), hash, 5, true));
		}
		assert_ok!(Council::close(RuntimeOrigin::signed(alice()), hash, 5, weight, length));
		assert!(is_member(6));
		assert_eq!(held(), 30 * UNIT, "closing keeps the deposit until it is released");
		assert_ok!(Council::release_proposal_cost(RuntimeOrigin::signed(alice()), hash));
		assert_eq!(held(), 10 * UNIT);
	});
}
