//! The validator set on the production preset with four validators and a council of five
//! (`configs::validators`): two thirds of the council add and remove validators, a member
//! registers its own keys with a proof of possession, the set follows two sessions later in
//! Aura and GRANDPA, a real GRANDPA equivocation proof is accepted and disables the offender,
//! and a chain that predates the session keeps its validators through the migration. Every
//! refused attempt leaves the set, the membership and the keys as they were.

use codec::{Decode, Encode};
use frame_support::{assert_noop, assert_ok, traits::Get};
use sp_consensus_grandpa::{AuthorityId as GrandpaId, EquivocationProof, SetId};
use sp_core::{ed25519, sr25519, Pair, H256};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};
use sp_runtime::{
	traits::Dispatchable,
	transaction_validity::{InvalidTransaction, TransactionSource, TransactionValidityError},
	DispatchError,
};

use super::governance::{councillor, motion};
use crate::{
	configs::validators::{MaxValidators, SessionPeriodSetting, ValidatorsInstance},
	genesis_config_presets::{preset_state_with, PRODUCTION_RUNTIME_PRESET},
	session_migration::InitSessionFromAuthorities,
	AccountId, Block, BlockNumber, Executive, Grandpa, Runtime, RuntimeCall, RuntimeEvent,
	RuntimeOrigin, Session, SessionKeys, System, ValidatorMembership, UNIT,
};

/// The four validators of [`network`] and the fifth, Eve, whom governance adds.
const NAMES: [(Sr25519Keyring, Sr25519Keyring, Ed25519Keyring); 6] = [
	(Sr25519Keyring::AliceStash, Sr25519Keyring::Alice, Ed25519Keyring::Alice),
	(Sr25519Keyring::BobStash, Sr25519Keyring::Bob, Ed25519Keyring::Bob),
	(Sr25519Keyring::CharlieStash, Sr25519Keyring::Charlie, Ed25519Keyring::Charlie),
	(Sr25519Keyring::DaveStash, Sr25519Keyring::Dave, Ed25519Keyring::Dave),
	(Sr25519Keyring::EveStash, Sr25519Keyring::Eve, Ed25519Keyring::Eve),
	(Sr25519Keyring::FerdieStash, Sr25519Keyring::Ferdie, Ed25519Keyring::Ferdie),
];
const ALICE: usize = 0;
const BOB: usize = 1;
const DAVE: usize = 3;
const EVE: usize = 4;
const FERDIE: usize = 5;

fn account(i: usize) -> AccountId {
	NAMES[i].0.to_account_id()
}

fn keys(i: usize) -> SessionKeys {
	let (_, sr, ed) = NAMES[i];
	SessionKeys {
		aura: sr.public().into(),
		grandpa: ed.public().into(),
		forecaster: sr.public().into(),
	}
}

/// The proof that `owner` holds the secret keys of validator `i`'s keys: each key's signature
/// of `"POP_" ++ owner` (what `author_rotateKeysWithOwner` returns), in the keys' order.
fn proof(i: usize, owner: &AccountId) -> Vec<u8> {
	let (_, sr, ed) = NAMES[i];
	let statement = sp_core::proof_of_possession::statement_of_ownership(&owner.encode());
	let aura: sr25519::Signature = sr.pair().sign(&statement);
	let grandpa: ed25519::Signature = ed.pair().sign(&statement);
	(aura, grandpa, aura).encode()
}

/// `signer` registers validator `keys_of`'s keys with their proof made for `proof_for`'s account.
fn set_keys_as(signer: usize, keys_of: usize, proof_for: usize) -> Result<(), DispatchError> {
	RuntimeCall::Session(pallet_session::Call::set_keys {
		keys: keys(keys_of),
		proof: proof(keys_of, &account(proof_for)),
	})
	.dispatch(RuntimeOrigin::signed(account(signer)))
	.map(|_| ())
	.map_err(|e| e.error)
}

/// Validator `i` registers its own keys.
fn set_keys(i: usize) -> Result<(), DispatchError> {
	set_keys_as(i, i, i)
}

fn membership(call: pallet_membership::Call<Runtime, ValidatorsInstance>) -> RuntimeCall {
	RuntimeCall::ValidatorMembership(call)
}

fn add(i: usize) -> RuntimeCall {
	membership(pallet_membership::Call::add_member { who: account(i).into() })
}

fn remove(i: usize) -> RuntimeCall {
	membership(pallet_membership::Call::remove_member { who: account(i).into() })
}

/// The production preset with a council of five, every named account endowed, ten-block
/// sessions and `genesis` (the operators' validators) merged in.
fn community_with(genesis: serde_json::Value) -> sp_io::TestExternalities {
	let council: Vec<AccountId> = (0..5).map(councillor).collect();
	let mut balances: Vec<(AccountId, u128)> =
		council.iter().map(|who| (who.clone(), 1_000 * UNIT)).collect();
	balances.extend((0..NAMES.len()).map(|i| (account(i), 1_000 * UNIT)));
	let mut operators = serde_json::json!({
		"councilMembership": { "members": council },
		"balances": { "balances": balances },
	});
	operators
		.as_object_mut()
		.expect("an object")
		.extend(genesis.as_object().expect("an object").clone());
	let mut ext = preset_state_with(&PRODUCTION_RUNTIME_PRESET.into(), operators);
	ext.execute_with(|| {
		System::set_block_number(1);
		SessionPeriodSetting::set(&10);
	});
	ext
}

/// [`community_with`] `validators` (indices into [`NAMES`]) with their keys as the operators'
/// spec lists them.
fn network_of(validators: &[usize]) -> sp_io::TestExternalities {
	let session: Vec<(AccountId, AccountId, SessionKeys)> =
		validators.iter().map(|&i| (account(i), account(i), keys(i))).collect();
	let members: Vec<AccountId> = validators.iter().map(|&i| account(i)).collect();
	community_with(serde_json::json!({
		"session": { "keys": session },
		"validatorMembership": { "members": members },
	}))
}

/// Alice, Bob, Charlie and Dave validate.
fn network() -> sp_io::TestExternalities {
	network_of(&[0, 1, 2, 3])
}

/// Ends the block and starts the next one as the executive does: GRANDPA's `on_finalize`
/// (enacting a scheduled change), then the session's rotation in `PreInherents`.
fn next_block() {
	use frame_support::traits::{OnFinalize, PreInherents};
	let now = System::block_number();
	Grandpa::on_finalize(now);
	let parent = System::finalize().hash();
	System::reset_events();
	System::initialize(&(now + 1), &parent, &Default::default());
	crate::configs::validators::RotateSessions::pre_inherents();
}

/// Runs blocks until session `index` has started.
fn start_session(index: u32) {
	while Session::current_index() < index {
		next_block();
	}
	// GRANDPA enacts a change (delay 0) in the block that schedules it.
	next_block();
}

fn aura_keys() -> Vec<sp_consensus_aura::sr25519::AuthorityId> {
	pallet_aura::Authorities::<Runtime>::get().into_inner()
}

fn grandpa_keys() -> Vec<GrandpaId> {
	Grandpa::grandpa_authorities().into_iter().map(|(key, _)| key).collect()
}

/// The set in every view: the session's validators, Aura's and GRANDPA's authorities (their
/// keys, in the session's order), the membership and the registered keys.
type SetState = (
	Vec<AccountId>,
	Vec<sp_consensus_aura::sr25519::AuthorityId>,
	Vec<GrandpaId>,
	Vec<AccountId>,
	Vec<(AccountId, SessionKeys)>,
);

fn set_state() -> SetState {
	let mut registered: Vec<_> = pallet_session::NextKeys::<Runtime>::iter().collect();
	registered.sort_by(|a, b| a.0.cmp(&b.0));
	(
		Session::validators(),
		aura_keys(),
		grandpa_keys(),
		pallet_membership::Members::<Runtime, ValidatorsInstance>::get().into_inner(),
		registered,
	)
}

/// Aura's and GRANDPA's authorities are the keys of the session's validators, in its order.
fn assert_consistent() {
	let validators = Session::validators();
	let expected: Vec<SessionKeys> =
		validators.iter().map(|v| Session::load_keys(v).expect("a validator has keys")).collect();
	assert_eq!(aura_keys(), expected.iter().map(|k| k.aura.clone()).collect::<Vec<_>>());
	assert_eq!(grandpa_keys(), expected.iter().map(|k| k.grandpa.clone()).collect::<Vec<_>>());
}

#[test]
fn the_dev_presets_validators_are_their_members_with_keys() {
	assert!(MaxValidators::get() <= <Runtime as pallet_aura::Config>::MaxAuthorities::get());
	assert!(MaxValidators::get() <= <Runtime as pallet_grandpa::Config>::MaxAuthorities::get());
	let local = sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET;
	preset_state_with(&local.into(), serde_json::Value::Null).execute_with(|| {
		let mut stashes: Vec<AccountId> = (0..4).map(account).collect();
		stashes.sort();
		assert_eq!(Session::validators(), stashes);
		assert_eq!(ValidatorMembership::members().into_inner(), stashes);
		assert_consistent();
		assert_eq!(grandpa_keys().len(), 4);
	});
	let production = PRODUCTION_RUNTIME_PRESET;
	preset_state_with(&production.into(), serde_json::Value::Null).execute_with(|| {
		assert!(Session::validators().is_empty());
		assert!(aura_keys().is_empty() && grandpa_keys().is_empty());
	});
}

#[test]
fn two_thirds_of_the_council_add_a_validator_that_takes_over_two_sessions_after_its_keys() {
	network().execute_with(|| {
		let before = set_state();
		let set_id = Grandpa::current_set_id();
		// A majority (three of five) is not enough, and nobody joins by asking.
		assert_eq!(motion(add(EVE), 3, 3), Err(DispatchError::BadOrigin));
		assert_noop!(
			add(EVE).dispatch(RuntimeOrigin::signed(account(EVE))),
			DispatchError::BadOrigin
		);
		// Keys alone do not make a validator.
		assert_noop!(set_keys(EVE), pallet_session::Error::<Runtime>::NoAssociatedValidatorId);
		assert_eq!(set_state(), before);

		assert_eq!(motion(add(EVE), 4, 4), Ok(()));
		// A member proves possession of the keys it registers, for its own account...
		assert_noop!(set_keys_as(EVE, EVE, FERDIE), pallet_session::Error::<Runtime>::InvalidProof);
		// ...and cannot register another validator's keys, even with their signatures.
		assert_noop!(set_keys_as(EVE, ALICE, EVE), pallet_session::Error::<Runtime>::DuplicatedKey);
		assert_ok!(set_keys(EVE));

		// The session it registered in ends: Eve is queued; the next one ends: Eve validates.
		let now = Session::current_index();
		start_session(now + 1);
		assert!(!Session::validators().contains(&account(EVE)));
		start_session(now + 2);
		assert!(Session::validators().contains(&account(EVE)));
		assert_eq!(Session::validators().len(), 5);
		assert!(aura_keys().contains(&keys(EVE).aura));
		assert!(grandpa_keys().contains(&keys(EVE).grandpa));
		assert_eq!(Grandpa::current_set_id(), set_id + 1);
		assert_consistent();
		// The validators that stayed kept their places (and Aura indices).
		assert_eq!(&Session::validators()[..4], &before.0[..]);

		// Removing one takes the same two thirds and the same two sessions.
		assert_eq!(motion(remove(DAVE), 3, 3), Err(DispatchError::BadOrigin));
		assert_eq!(motion(remove(DAVE), 4, 4), Ok(()));
		let now = Session::current_index();
		start_session(now + 2);
		assert!(!Session::validators().contains(&account(DAVE)));
		assert!(!aura_keys().contains(&keys(DAVE).aura));
		assert!(!grandpa_keys().contains(&keys(DAVE).grandpa));
		assert_eq!(Grandpa::current_set_id(), set_id + 2);
		assert_consistent();
		// Sessions without a change change nothing: no new GRANDPA set.
		let now = Session::current_index();
		start_session(now + 3);
		assert_eq!(Grandpa::current_set_id(), set_id + 2);
	});
}

#[test]
fn no_member_moves_its_seat_and_no_motion_empties_the_set() {
	network().execute_with(|| {
		let before = set_state();
		// A member cannot hand its seat to another account.
		let change =
			membership(pallet_membership::Call::change_key { new: account(FERDIE).into() });
		assert_noop!(
			change.dispatch(RuntimeOrigin::signed(account(ALICE))).map_err(|e| e.error),
			frame_system::Error::<Runtime>::CallFiltered
		);
		// Two thirds may empty the membership, but the set never empties (the chain would
		// halt): the validators stay until members with keys replace them.
		let reset = membership(pallet_membership::Call::reset_members { members: vec![] });
		assert_eq!(motion(reset, 4, 4), Ok(()));
		let now = Session::current_index();
		start_session(now + 3);
		assert_eq!(Session::validators(), before.0);
		assert_eq!((aura_keys(), grandpa_keys()), (before.1, before.2));
		// No validator drops its keys (Aura would keep them while the session dropped it).
		let purge = RuntimeCall::Session(pallet_session::Call::purge_keys {});
		assert_noop!(
			purge.dispatch(RuntimeOrigin::signed(account(BOB))).map_err(|e| e.error),
			frame_system::Error::<Runtime>::CallFiltered
		);
		// Members that left cannot register keys.
		assert_noop!(set_keys(ALICE), pallet_session::Error::<Runtime>::NoAssociatedValidatorId);
		// The session never lasts less than ten blocks, whatever the setting.
		SessionPeriodSetting::set(&0);
		let start = System::block_number();
		let now = Session::current_index();
		start_session(now + 1);
		assert!(System::block_number() - start >= crate::configs::validators::MIN_SESSION_PERIOD);
	});
}

/// Two prevotes of validator `i`'s GRANDPA key in one round of `set_id`, for different blocks.
fn equivocation(i: usize, set_id: SetId, round: u64) -> EquivocationProof<H256, BlockNumber> {
	prevotes(i, set_id, round, [H256::repeat_byte(1), H256::repeat_byte(2)])
}

/// Two prevotes of validator `i`'s GRANDPA key in one round of `set_id`, for `targets`.
fn prevotes(
	i: usize,
	set_id: SetId,
	round: u64,
	targets: [H256; 2],
) -> EquivocationProof<H256, BlockNumber> {
	let (_, _, ed) = NAMES[i];
	let vote = |target_hash: H256| {
		let prevote = finality_grandpa::Prevote { target_hash, target_number: 10 };
		let message = finality_grandpa::Message::Prevote(prevote.clone());
		let payload = sp_consensus_grandpa::localized_payload(round, set_id, &message);
		(prevote, ed.sign(&payload).into())
	};
	EquivocationProof::new(
		set_id,
		sp_consensus_grandpa::Equivocation::Prevote(finality_grandpa::Equivocation {
			round_number: round,
			identity: ed.public().into(),
			first: vote(targets[0]),
			second: vote(targets[1]),
		}),
	)
}

/// The key-ownership proof the node asks the runtime for.
fn ownership_proof(i: usize, set_id: SetId) -> sp_consensus_grandpa::OpaqueKeyOwnershipProof {
	use sp_consensus_grandpa::runtime_decl_for_grandpa_api::GrandpaApiV3;
	<Runtime as GrandpaApiV3<Block>>::generate_key_ownership_proof(set_id, keys(i).grandpa)
		.expect("a validator's key has a proof")
}

fn report(
	proof: EquivocationProof<H256, BlockNumber>,
	ownership: sp_consensus_grandpa::OpaqueKeyOwnershipProof,
) -> RuntimeCall {
	RuntimeCall::Grandpa(pallet_grandpa::Call::report_equivocation_unsigned {
		equivocation_proof: Box::new(proof),
		key_owner_proof: ownership.decode().expect("a membership proof"),
	})
}

#[test]
fn a_real_grandpa_equivocation_is_reported_and_disables_the_offender() {
	use sp_consensus_grandpa::runtime_decl_for_grandpa_api::GrandpaApiV3;
	use sp_core::offchain::{testing::TestTransactionPoolExt, TransactionPoolExt};
	let mut ext = network();
	let (pool, pool_state) = TestTransactionPoolExt::new();
	ext.register_extension(TransactionPoolExt::new(pool));
	ext.execute_with(|| {
		start_session(2);
		let set_id = Grandpa::current_set_id();
		let bob_index = Session::validator_id_to_index(&account(BOB)).expect("Bob validates");

		// A validator's node submits the report as GRANDPA does when it sees the two votes.
		let submitted =
			<Runtime as GrandpaApiV3<Block>>::submit_report_equivocation_unsigned_extrinsic(
				equivocation(BOB, set_id, 1),
				ownership_proof(BOB, set_id),
			);
		assert_eq!(submitted, Some(()));
		let transaction = pool_state.write().transactions.pop().expect("a report in the pool");
		let xt = crate::UncheckedExtrinsic::decode(&mut &transaction[..]).expect("an extrinsic");

		// The pool accepts it from the node itself, and the block applies it.
		let parent = System::parent_hash();
		assert!(
			Executive::validate_transaction(TransactionSource::Local, xt.clone(), parent).is_ok()
		);
		assert_eq!(
			Executive::validate_transaction(TransactionSource::External, xt.clone(), parent),
			Err(TransactionValidityError::Invalid(InvalidTransaction::Call)),
			"a report is not gossiped: only the node that saw it includes it"
		);
		assert_eq!(Executive::apply_extrinsic(xt.clone()), Ok(Ok(())));
		let offence = System::events().into_iter().any(|record| {
			matches!(
				record.event,
				RuntimeEvent::Offences(pallet_offences::Event::Offence { kind, .. })
					if &kind == b"grandpa:equivoca"
			)
		});
		assert!(offence, "the offence is recorded");
		assert_eq!(Session::disabled_validators(), vec![bob_index]);
		assert!(<Session as frame_support::traits::DisabledValidators>::is_disabled(bob_index));

		// The same report again is stale in the pool and refused in a block.
		assert_eq!(
			Executive::validate_transaction(TransactionSource::Local, xt.clone(), parent),
			Err(TransactionValidityError::Invalid(InvalidTransaction::Stale))
		);
		// So is a report of the same offender in another round of the same set: an offender
		// signing vote pairs round after round gets one free report, not a block of them.
		let reports = pallet_offences::Reports::<Runtime>::iter().count();
		let again = report(equivocation(BOB, set_id, 2), ownership_proof(BOB, set_id));
		assert_noop!(
			again.clone().dispatch(RuntimeOrigin::none()).map_err(|e| e.error),
			pallet_grandpa::Error::<Runtime>::DuplicateOffenceReport
		);
		let signed = RuntimeCall::Grandpa(pallet_grandpa::Call::report_equivocation {
			equivocation_proof: Box::new(equivocation(BOB, set_id, 3)),
			key_owner_proof: ownership_proof(BOB, set_id).decode().expect("a membership proof"),
		});
		assert_noop!(
			signed.dispatch(RuntimeOrigin::signed(account(BOB))).map_err(|e| e.error),
			pallet_grandpa::Error::<Runtime>::DuplicateOffenceReport
		);
		assert_eq!(pallet_offences::Reports::<Runtime>::iter().count(), reports);
		// At most a third of the set is disabled: a second offender (of four) stays enabled.
		let second = report(equivocation(DAVE, set_id, 1), ownership_proof(DAVE, set_id));
		assert_ok!(second.dispatch(RuntimeOrigin::none()));
		assert_eq!(Session::disabled_validators(), vec![bob_index]);
	});
}

#[test]
fn forged_equivocation_reports_are_refused() {
	network().execute_with(|| {
		start_session(2);
		let set_id = Grandpa::current_set_id();
		let before =
			(Session::disabled_validators(), pallet_offences::Reports::<Runtime>::iter().count());
		// Alice's key-ownership proof does not prove Bob's key.
		let wrong_owner = report(equivocation(BOB, set_id, 1), ownership_proof(ALICE, set_id));
		assert_noop!(
			wrong_owner.dispatch(RuntimeOrigin::none()).map_err(|e| e.error),
			pallet_grandpa::Error::<Runtime>::InvalidKeyOwnershipProof
		);
		// Two votes for the same block are no equivocation.
		let same = prevotes(BOB, set_id, 1, [H256::repeat_byte(1); 2]);
		let honest = report(same, ownership_proof(BOB, set_id));
		assert_noop!(
			honest.dispatch(RuntimeOrigin::none()).map_err(|e| e.error),
			pallet_grandpa::Error::<Runtime>::InvalidEquivocationProof
		);
		// A report for another set id than the votes were signed in fails the signatures.
		let replayed = report(equivocation(BOB, set_id + 1, 1), ownership_proof(BOB, set_id));
		assert!(replayed.dispatch(RuntimeOrigin::none()).is_err());
		// Ferdie never validated: no proof of his key, no report.
		use sp_consensus_grandpa::runtime_decl_for_grandpa_api::GrandpaApiV3;
		assert!(<Runtime as GrandpaApiV3<Block>>::generate_key_ownership_proof(
			set_id,
			keys(FERDIE).grandpa
		)
		.map(|proof| report(equivocation(FERDIE, set_id, 1), proof)
			.dispatch(RuntimeOrigin::none())
			.is_err())
		.unwrap_or(true));
		// A signed report by an outsider is no shortcut: the same checks.
		let outsider = RuntimeCall::Grandpa(pallet_grandpa::Call::report_equivocation {
			equivocation_proof: Box::new(equivocation(BOB, set_id, 1)),
			key_owner_proof: ownership_proof(ALICE, set_id).decode().expect("a membership proof"),
		});
		assert_noop!(
			outsider.dispatch(RuntimeOrigin::signed(account(FERDIE))).map_err(|e| e.error),
			pallet_grandpa::Error::<Runtime>::InvalidKeyOwnershipProof
		);
		assert_eq!(
			(Session::disabled_validators(), pallet_offences::Reports::<Runtime>::iter().count()),
			before
		);
	});
}

#[test]
fn an_equivocation_of_a_past_set_is_proven_against_its_session() {
	network().execute_with(|| {
		start_session(2);
		let old_set = Grandpa::current_set_id();
		let old_proof = ownership_proof(BOB, old_set);
		// Governance adds Eve: two sessions later GRANDPA has a new set.
		assert_eq!(motion(add(EVE), 4, 4), Ok(()));
		assert_ok!(set_keys(EVE));
		start_session(Session::current_index() + 2);
		assert_eq!(Grandpa::current_set_id(), old_set + 1);
		let late = report(equivocation(BOB, old_set, 7), old_proof);
		assert_ok!(late.dispatch(RuntimeOrigin::none()));
		let bob_index = Session::validator_id_to_index(&account(BOB)).expect("Bob validates");
		assert_eq!(Session::disabled_validators(), vec![bob_index]);
		assert_eq!(pallet_offences::Reports::<Runtime>::iter().count(), 1);
	});
}

/// A chain from before spec 112: Aura's and GRANDPA's genesis lists, no session keys, and a
/// spec-111 runtime as the last one it ran.
fn chain_before_sessions() -> sp_io::TestExternalities {
	let validators = [0, 1, 2, 3];
	let aura: Vec<_> = validators.iter().map(|&i| keys(i).aura).collect();
	let grandpa: Vec<_> = validators.iter().map(|&i| (keys(i).grandpa, 1u64)).collect();
	let mut ext = community_with(serde_json::json!({
		"aura": { "authorities": aura },
		"grandpa": { "authorities": grandpa },
	}));
	ext.execute_with(|| {
		let mut last = frame_system::LastRuntimeUpgradeInfo::from(crate::VERSION);
		last.spec_version = codec::Compact(111);
		frame_system::LastRuntimeUpgrade::<Runtime>::put(last);
	});
	ext
}

#[test]
fn the_migration_hands_a_running_chain_s_authorities_to_the_session() {
	use frame_support::traits::OnRuntimeUpgrade;
	chain_before_sessions().execute_with(|| {
		let (aura, grandpa) = (aura_keys(), grandpa_keys());
		assert_eq!(aura.len(), 4);
		assert!(Session::validators().is_empty());
		// Without the migration an inert session would let the first keys take over; with it
		// the authorities are the validators, each the account of its Aura key.
		InitSessionFromAuthorities::on_runtime_upgrade();
		let accounts: Vec<AccountId> =
			aura.iter().map(|key| AccountId::from(key.clone().into_inner())).collect();
		assert_eq!(Session::validators(), accounts);
		assert_consistent();
		assert!(pallet_session::historical::HistoricalSessions::<Runtime>::contains_key(0));
		assert!(pallet_session::historical::HistoricalSessions::<Runtime>::contains_key(1));
		// Idempotent: a second run changes nothing, and neither does a later upgrade after
		// governance emptied the queue (the migration is for chains from before spec 112).
		let migrated = set_state();
		InitSessionFromAuthorities::on_runtime_upgrade();
		assert_eq!(set_state(), migrated);
		let queued = pallet_session::QueuedKeys::<Runtime>::take();
		frame_system::LastRuntimeUpgrade::<Runtime>::put(
			frame_system::LastRuntimeUpgradeInfo::from(crate::VERSION),
		);
		InitSessionFromAuthorities::on_runtime_upgrade();
		assert!(pallet_session::QueuedKeys::<Runtime>::get().is_empty());
		pallet_session::QueuedKeys::<Runtime>::put(queued);

		// Sessions go by without a change: same authorities, no GRANDPA set change.
		start_session(3);
		assert_eq!((aura_keys(), grandpa_keys()), (aura.clone(), grandpa.clone()));
		assert_eq!(Grandpa::current_set_id(), 0);
		// An equivocation in the current session is provable at once.
		let set_id = Grandpa::current_set_id();
		let proof = {
			use sp_consensus_grandpa::runtime_decl_for_grandpa_api::GrandpaApiV3;
			<Runtime as GrandpaApiV3<Block>>::generate_key_ownership_proof(
				set_id,
				keys(BOB).grandpa,
			)
			.expect("the migrated keys are provable")
		};
		assert_ok!(report(equivocation(BOB, set_id, 1), proof).dispatch(RuntimeOrigin::none()));

		// Governance then changes the set as on a new chain; the others keep their places.
		assert_eq!(motion(add(EVE), 4, 4), Ok(()));
		assert_ok!(set_keys(EVE));
		start_session(Session::current_index() + 2);
		assert_eq!(&Session::validators()[..4], &accounts[..]);
		assert_eq!(Session::validators()[4], account(EVE));
		assert_eq!(Grandpa::current_set_id(), 1);
		assert_consistent();
	});
}

#[test]
fn a_rotation_leaves_room_for_the_block_s_transactions() {
	network().execute_with(|| {
		let rotation = crate::configs::validators::RotationWeight::get();
		let block = <Runtime as frame_system::Config>::BlockWeights::get().max_block;
		assert!(
			rotation.ref_time() * 20 < block.ref_time(),
			"a rotation takes under 5 % of a block"
		);
		let period: BlockNumber = 10;
		while !(System::block_number() + 1).is_multiple_of(period) {
			next_block();
		}
		let index = Session::current_index();
		next_block();
		assert_eq!(Session::current_index(), index + 1, "the session rotated in this block");
		let used = System::block_weight().total();
		assert!(used.ref_time() >= rotation.ref_time() && used.ref_time() < block.ref_time());
		assert_eq!(aura_keys().len(), 4);
	});
}

#[test]
fn a_chain_whose_aura_and_grandpa_lists_differ_is_not_migrated() {
	use frame_support::traits::OnRuntimeUpgrade;
	chain_before_sessions().execute_with(|| {
		let mut grandpa = pallet_grandpa::Authorities::<Runtime>::get().into_inner();
		grandpa.pop();
		pallet_grandpa::Authorities::<Runtime>::put(frame_support::WeakBoundedVec::force_from(
			grandpa, None,
		));
		let before = set_state();
		InitSessionFromAuthorities::on_runtime_upgrade();
		assert_eq!(set_state(), before);
		assert!(Session::validators().is_empty());
	});
}
