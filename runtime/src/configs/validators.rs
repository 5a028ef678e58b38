//! The validator set: who authors blocks (Aura) and votes on finality (GRANDPA), and how the
//! community changes it without a new chain.
//!
//! | what | who | how |
//! |---|---|---|
//! | add, remove or swap a validator | two thirds of the council ([`CouncilSupermajority`]) or root | `validatorMembership.addMember` / `removeMember` / `swapMember` / `resetMembers` |
//! | register or rotate a validator's keys | the validator's account, while it is a member | `session.setKeys(keys, proof)` with the keys and proof of `author_rotateKeysWithOwner` |
//! | drop its keys | the key owner | `session.purgeKeys` |
//! | move a seat to another account | nobody (`changeKey` is refused by the call filter) | governance swaps the member |
//! | report a GRANDPA equivocation | any validator's node, unsigned (or anyone, signed) | `grandpa.reportEquivocation[Unsigned]` with a key-ownership proof of the session |
//! | the session length | root | `system.setStorage` of [`SessionPeriodSetting`] |
//!
//! The set of each session is the validator membership's members that have registered keys
//! ([`ValidatorsFromMembership`]). A change made in session `n` is planned when `n` ends and
//! takes effect when `n + 1` ends: Aura switches then, GRANDPA once the old set has finalised
//! the block that signals the change. The validator set is root-grade power (a third of it
//! stalls finality, two thirds of it decide it), so every change needs what root needs.
//!
//! A GRANDPA equivocation (two votes of one key in one round) proven against the session's
//! historical root is an offence (`pallet-offences`): the offender is disabled (its Aura blocks
//! are refused) until the set next changes, at most a third of the set at a time. There is no
//! stake to slash; governance removes an offender for good.
//!
//! Sessions rotate in [`RotateSessions`], after every pallet's `on_initialize`, charging the
//! rotation's measured weight ([`RotationWeight`]) instead of pallet-session's own rotation, which
//! charges the block's whole weight and so leaves the rotation block without transactions and
//! without the market's `on_poll`.

use alloc::vec::Vec;
use frame_support::{
	dispatch::DispatchClass,
	parameter_types,
	traits::{ConstU128, Contains, Get, OneSessionHandler},
	weights::Weight,
};
use sp_runtime::traits::Convert;
use sp_staking::{
	offence::{OffenceDetails, OffenceSeverity, OnOffenceHandler},
	SessionIndex,
};

use super::CouncilSupermajority;
use crate::{
	AccountId, Aura, Balances, BlockNumber, Forecasts, Grandpa, Historical, Runtime, RuntimeEvent,
	Session, SessionKeys, System, ValidatorMembership, DAYS, HOURS,
};

/// The membership instance that lists the validators.
pub type ValidatorsInstance = pallet_membership::Instance2;

parameter_types! {
	/// At most 32 validators: Aura's and GRANDPA's `MaxAuthorities` (a test checks it).
	pub const MaxValidators: u32 = 32;
	/// Blocks per session, as root sets it (`system.setStorage` of its key); see
	/// [`SessionPeriod`]. One hour by default: a validator joins or leaves within two hours.
	pub storage SessionPeriodSetting: BlockNumber = HOURS;
	/// Sessions start at block 0, then every [`SessionPeriod`] blocks.
	pub const SessionOffset: BlockNumber = 0;
	/// Historical session roots kept: a week of hourly sessions, longer than a report lives
	/// ([`ReportLongevity`]), so a report of an equivocation seen in a session can be checked
	/// as long as the report is valid.
	pub const KeptSessions: SessionIndex = 7 * 24;
	/// GRANDPA sets whose session is remembered (a report for set `s` needs the sessions of `s`
	/// and `s - 1`).
	pub const MaxSetIdSessionEntries: u64 = 7 * 24;
	/// How long an unsigned equivocation report stays valid in the pool, in blocks: one day.
	pub const ReportLongevity: u64 = DAYS as u64;
}

/// The session length in blocks: [`SessionPeriodSetting`], never below 10 (a period of 0 would
/// divide by zero in every block, a very short one would rotate the set faster than GRANDPA can
/// finalise its changes).
pub struct SessionPeriod;
impl Get<BlockNumber> for SessionPeriod {
	fn get() -> BlockNumber {
		SessionPeriodSetting::get().max(MIN_SESSION_PERIOD)
	}
}

/// The shortest session [`SessionPeriod`] allows, in blocks.
pub const MIN_SESSION_PERIOD: BlockNumber = 10;

/// When sessions end: every [`SessionPeriod`] blocks from [`SessionOffset`].
pub type Sessions = pallet_session::PeriodicSessions<SessionPeriod, SessionOffset>;

impl pallet_membership::Config<ValidatorsInstance> for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type AddOrigin = CouncilSupermajority;
	type RemoveOrigin = CouncilSupermajority;
	type SwapOrigin = CouncilSupermajority;
	type ResetOrigin = CouncilSupermajority;
	type PrimeOrigin = CouncilSupermajority;
	type MembershipInitialized = ();
	/// The session manager reads the members when a session ends.
	type MembershipChanged = ();
	type MaxMembers = MaxValidators;
	type WeightInfo = pallet_membership::weights::SubstrateWeight<Runtime>;
}

/// `ValidatorIdOf`: an account is its own validator id, and only the validator membership's
/// members may register session keys (`NoAssociatedValidatorId` for anyone else).
pub struct MembersOnly;
impl Convert<AccountId, Option<AccountId>> for MembersOnly {
	fn convert(who: AccountId) -> Option<AccountId> {
		ValidatorMembership::contains(&who).then_some(who)
	}
}

/// The session manager: the set of the next session is the members with keys. Validators that
/// stay keep their order (so Aura's indices move only for those that join or leave);
/// newcomers follow, sorted by account.
pub struct ValidatorsFromMembership;

impl ValidatorsFromMembership {
	/// The members with keys, or `None` when that set with those keys is the one already queued
	/// (so GRANDPA's set id and the historical roots move only on a real change) or is empty
	/// (an empty set would halt block production).
	///
	/// The order is that of the queued set, or of the current validators while nothing is
	/// queued (at genesis both are empty; [`crate::session_migration`] sets the validators
	/// before it plans).
	pub fn plan() -> Option<Vec<AccountId>> {
		let members = pallet_membership::Members::<Runtime, ValidatorsInstance>::get();
		let queued = pallet_session::QueuedKeys::<Runtime>::get();
		let staying: Vec<AccountId> = if queued.is_empty() {
			pallet_session::Validators::<Runtime>::get()
		} else {
			queued.iter().map(|(validator, _)| validator.clone()).collect()
		};
		let newcomers = members.iter().filter(|member| !staying.contains(member)).cloned();
		let planned: Vec<(AccountId, SessionKeys)> = staying
			.iter()
			.filter(|validator| members.binary_search(validator).is_ok())
			.cloned()
			.chain(newcomers)
			.filter_map(|member| Session::load_keys(&member).map(|keys| (member, keys)))
			.collect();
		if planned.is_empty() || planned == queued {
			return None;
		}
		Some(planned.into_iter().map(|(member, _)| member).collect())
	}
}

impl pallet_session::SessionManager<AccountId> for ValidatorsFromMembership {
	fn new_session(_: SessionIndex) -> Option<Vec<AccountId>> {
		Self::plan()
	}
	fn end_session(_: SessionIndex) {}
	fn start_session(_: SessionIndex) {}
}

impl pallet_session::historical::SessionManager<AccountId, ()> for ValidatorsFromMembership {
	fn new_session(_: SessionIndex) -> Option<Vec<(AccountId, ())>> {
		Self::plan().map(|set| set.into_iter().map(|member| (member, ())).collect())
	}
	/// Prunes the historical roots older than [`KeptSessions`].
	fn start_session(index: SessionIndex) {
		if let Some(up_to) = index.checked_sub(KeptSessions::get()) {
			Historical::prune_up_to(up_to);
		}
	}
	fn end_session(_: SessionIndex) {}
}

/// Without stake, a validator is identified by its account alone.
pub struct UnitIdentification;
impl Convert<AccountId, Option<()>> for UnitIdentification {
	fn convert(_: AccountId) -> Option<()> {
		Some(())
	}
}

/// The forecaster key is a session key (so `author_rotateKeys` makes it with the others) but
/// the forecasters are governance's list (`forecasts.setForecasters`): sessions leave it alone.
pub struct ForecasterKeys;
impl sp_runtime::BoundToRuntimeAppPublic for ForecasterKeys {
	type Public = <Forecasts as sp_runtime::BoundToRuntimeAppPublic>::Public;
}
impl OneSessionHandler<AccountId> for ForecasterKeys {
	type Key = <Forecasts as sp_runtime::BoundToRuntimeAppPublic>::Public;
	fn on_genesis_session<'a, I>(_: I)
	where
		I: 'a + Iterator<Item = (&'a AccountId, Self::Key)>,
	{
	}
	fn on_new_session<'a, I>(_: bool, _: I, _: I)
	where
		I: 'a + Iterator<Item = (&'a AccountId, Self::Key)>,
	{
	}
	fn on_disabled(_: u32) {}
}

/// pallet-session's own rotation never ends a session: [`RotateSessions`] does.
pub struct NeverEndSession;
impl pallet_session::ShouldEndSession<BlockNumber> for NeverEndSession {
	fn should_end_session(_: BlockNumber) -> bool {
		false
	}
}

/// Ends the session on its last block (`frame_system::Config::PreInherents`, after every
/// pallet's `on_initialize`) and charges [`RotationWeight`] as mandatory weight.
pub struct RotateSessions;
impl frame_support::traits::PreInherents for RotateSessions {
	fn pre_inherents() {
		use pallet_session::ShouldEndSession;
		if Sessions::should_end_session(System::block_number()) {
			Session::rotate_session();
			System::register_extra_weight_unchecked(
				RotationWeight::get(),
				DispatchClass::Mandatory,
			);
		}
	}
}

/// The weight of a session rotation with [`MaxValidators`] validators, measured by the
/// `session_rotation` benchmark in its worst case (`crate::benchmarks::session_rotation`:
/// a change enacted in Aura and GRANDPA while a new set is planned).
pub struct RotationWeight;
impl Get<Weight> for RotationWeight {
	fn get() -> Weight {
		use crate::weights::session_rotation::WeightInfo;
		crate::weights::session_rotation::SubstrateWeight::<Runtime>::rotate_session(
			MaxValidators::get(),
		)
	}
}

impl pallet_session::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type ValidatorId = AccountId;
	type ValidatorIdOf = MembersOnly;
	type ShouldEndSession = NeverEndSession;
	type NextSessionRotation = Sessions;
	type SessionManager =
		pallet_session::historical::NoteHistoricalRoot<Runtime, ValidatorsFromMembership>;
	/// In the order of [`SessionKeys`]' fields.
	type SessionHandler = (Aura, Grandpa, ForecasterKeys);
	type Keys = SessionKeys;
	/// An offender is disabled while fewer than a third of the set are.
	type DisablingStrategy = pallet_session::disabling::UpToLimitDisablingStrategy<3>;
	type WeightInfo = pallet_session::weights::SubstrateWeight<Runtime>;
	type Currency = Balances;
	/// Only members may set keys: no spam to price.
	type KeyDeposit = ConstU128<0>;
}

impl pallet_session::historical::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type FullIdentification = ();
	type FullIdentificationOf = UnitIdentification;
}

impl pallet_authorship::Config for Runtime {
	type FindAuthor = pallet_session::FindAccountFromAuthorIndex<Runtime, Aura>;
	type EventHandler = ();
}

impl pallet_offences::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type IdentificationTuple = pallet_session::historical::IdentificationTuple<Runtime>;
	type OnOffenceHandler = DisableOffenders;
}

/// An offence disables its offenders (within the [`pallet_session::Config::DisablingStrategy`]'s
/// limit) until the validator set or its keys next change.
pub struct DisableOffenders;
impl OnOffenceHandler<AccountId, (AccountId, ()), Weight> for DisableOffenders {
	fn on_offence(
		offenders: &[OffenceDetails<AccountId, (AccountId, ())>],
		slash_fraction: &[sp_runtime::Perbill],
		_session: SessionIndex,
	) -> Weight {
		for (details, fraction) in offenders.iter().zip(slash_fraction) {
			Session::report_offence(details.offender.0.clone(), OffenceSeverity(*fraction));
		}
		let n = offenders.len() as u64;
		<Runtime as frame_system::Config>::DbWeight::get().reads_writes(2 * n, n)
	}
}

/// Whether a session call may be dispatched by a filtered origin: `purge_keys` never. A
/// validator without keys is dropped from `Session::Validators` at the next rotation while
/// Aura keeps its key (the set did not change for the session manager), so Aura's indices would
/// no longer name the session's validators, and a set whose validators all purged would be
/// empty. Keys are replaced with `set_keys`; a former validator's keys stay registered to it.
pub fn session_call_allowed(call: &pallet_session::Call<Runtime>) -> bool {
	!matches!(call, pallet_session::Call::purge_keys { .. })
}

/// Whether a validator-membership call may be dispatched by a filtered origin: `change_key`
/// never (a member would move its seat to any account without governance).
pub fn validator_membership_call_allowed(
	call: &pallet_membership::Call<Runtime, ValidatorsInstance>,
) -> bool {
	!matches!(call, pallet_membership::Call::change_key { .. })
}

/// The last GRANDPA set in which each validator was reported for an equivocation (under the
/// offences pallet's prefix). One entry per validator ever reported: only a key of a session's
/// validator can be proven to equivocate.
#[frame_support::storage_alias(pallet_name)]
pub type LastReportedSet = StorageMap<
	crate::Offences,
	frame_support::Twox64Concat,
	AccountId,
	sp_consensus_grandpa::SetId,
>;

/// The offence reporting GRANDPA's reports go to: `pallet-offences`, but at most one report per
/// offender and GRANDPA set (and none for a set older than its last report). GRANDPA keys an
/// offence by (set, round), and a valid report is free, so without this a validator could sign
/// vote pairs for round after round and fill blocks and `pallet-offences`' storage (never
/// pruned) for nothing; disabling the offender once per set is all an offence does here.
pub struct OncePerSet;

type GrandpaOffence = pallet_grandpa::EquivocationOffence<(AccountId, ())>;

impl sp_staking::offence::ReportOffence<AccountId, (AccountId, ()), GrandpaOffence> for OncePerSet {
	fn report_offence(
		reporters: Vec<AccountId>,
		offence: GrandpaOffence,
	) -> Result<(), sp_staking::offence::OffenceError> {
		use sp_staking::offence::{Offence, OffenceError};
		let set_id = offence.time_slot.set_id;
		let offenders = offence.offenders();
		if Self::reported(&offenders, set_id) {
			return Err(OffenceError::DuplicateReport);
		}
		<crate::Offences as sp_staking::offence::ReportOffence<_, _, GrandpaOffence>>::report_offence(
			reporters, offence,
		)?;
		for (offender, ()) in offenders {
			LastReportedSet::insert(offender, set_id);
		}
		Ok(())
	}

	fn is_known_offence(
		offenders: &[(AccountId, ())],
		time_slot: &pallet_grandpa::TimeSlot,
	) -> bool {
		Self::reported(offenders, time_slot.set_id) ||
			<crate::Offences as sp_staking::offence::ReportOffence<_, _, GrandpaOffence>>::is_known_offence(
				offenders, time_slot,
			)
	}
}

impl OncePerSet {
	/// Whether every offender was already reported in `set_id` or a later set.
	fn reported(offenders: &[(AccountId, ())], set_id: sp_consensus_grandpa::SetId) -> bool {
		offenders
			.iter()
			.all(|(offender, ())| LastReportedSet::get(offender).is_some_and(|last| last >= set_id))
	}
}
