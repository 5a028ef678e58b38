//! Governance: the community council, its membership, its path to root, and batches.
//!
//! Who may do what:
//! - **The community manager** ([`CommunityManager`], the origin of every management call of
//!   the energy pallets: registering members, RES and meters, the market's rule, schedule and
//!   tariffs, the forecasters, the grid) is root **or more than half of the council**. The dev
//!   presets keep a sudo key, so root is one signature away there; the production preset has
//!   no sudo key, so only the council manages.
//! - **Root** (runtime upgrades, `set_code`, anything `ensure_root`) is reached on production
//!   through [`pallet_whitelist`]: a motion of **at least two thirds of the council** whitelists
//!   a call's hash and dispatches the call as root, in one `utility.batch_all`. No key holds
//!   root, and the threshold follows the council's membership as it changes.
//! - **The council's membership** ([`CouncilSupermajority`]): root or two thirds of the council
//!   add, remove, swap and reset members and choose the prime (whose vote does not count for
//!   the silent: [`AbstentionIsNay`]); a member may move its seat to a new key (`change_key`).
//! - "More than half" and "two thirds" differ only in a council of 5, 7 or more members (of
//!   3, 4 or 6 they are the same count): `scripts/production-spec.sh` makes 5 by default and
//!   refuses fewer than 3.
//! - **The DSO and the utility** act with their own signed accounts, checked by role in the
//!   pallets (the DSO's grid, RES approvals and flexibility requests; the utility's tariffs):
//!   the council cannot sign for them, only manage who holds the role.

use frame_support::{
	parameter_types,
	traits::{fungible::HoldConsideration, EitherOf, LinearStoragePrice},
	weights::Weight,
};
use frame_system::EnsureRoot;
use pallet_collective::{
	deposit::{Delayed, Geometric},
	EnsureProportionAtLeast, EnsureProportionMoreThan, MemberCount,
};
use sp_runtime::{FixedU128, Perbill};

use crate::{
	AccountId, Balance, Balances, BlockNumber, Council, OriginCaller, Preimage, Runtime,
	RuntimeCall, RuntimeEvent, RuntimeHoldReason, RuntimeOrigin, System, DAYS, UNIT,
};

/// The council's instance of `pallet-collective` and `pallet-membership`.
pub type CouncilInstance = pallet_collective::Instance1;

/// More than half of the council.
pub type CouncilMajority = EnsureProportionMoreThan<AccountId, CouncilInstance, 1, 2>;

/// Root, or at least two thirds of the council: the council's own membership, and (through the
/// whitelist) root itself.
pub type CouncilSupermajority =
	EitherOf<EnsureRoot<AccountId>, EnsureProportionAtLeast<AccountId, CouncilInstance, 2, 3>>;

/// The community manager's origin: root (the dev presets' sudo key) or more than half of the
/// council (the production preset, which has no sudo key).
pub type CommunityManager = EitherOf<EnsureRoot<AccountId>, CouncilMajority>;

parameter_types! {
	/// A motion stays open for three days; it closes earlier once its outcome is certain.
	pub const CouncilMotionDuration: BlockNumber = 3 * DAYS;
	/// Open motions at a time: only members propose, and beyond the first four each one holds
	/// a deposit that doubles (`CouncilProposalDeposit`).
	pub const CouncilMaxProposals: u32 = 32;
	/// A council of a community: a few to a few dozen members.
	pub const CouncilMaxMembers: u32 = 32;
	/// A motion may dispatch up to half a block's weight: enough to onboard a street of members
	/// in one batch or to authorise a runtime upgrade, not enough to crowd out a whole block.
	pub CouncilMaxProposalWeight: Weight =
		Perbill::from_percent(50) * super::RuntimeBlockWeights::get().max_block;
	/// The first four open motions are free; the fifth holds 10 CEUR of its proposer, and
	/// each one after that twice the one before, so no councillor can fill the council's
	/// places (the tenth holds 320 CEUR, the twentieth 327,680 CEUR). Once the motion is
	/// closed, anyone releases it (`council.release_proposal_cost`); burned if two thirds kill
	/// the motion.
	pub const CouncilProposalDepositFree: u32 = 4;
	pub const CouncilProposalDepositBase: Balance = 10 * UNIT;
	pub const CouncilProposalDepositRatio: FixedU128 = FixedU128::from_u32(2);
	pub const CouncilProposalHoldReason: RuntimeHoldReason =
		RuntimeHoldReason::Council(pallet_collective::HoldReason::ProposalSubmission);
}

/// The deposit of a council motion, by the number of motions already open.
pub type CouncilProposalDeposit = Delayed<
	CouncilProposalDepositFree,
	Geometric<CouncilProposalDepositRatio, CouncilProposalDepositBase>,
>;

/// A councillor who did not vote when a motion closes counts as voting nay, whatever the prime
/// voted: a motion passes only with the ayes actually cast (`PrimeDefaultVote` would let the
/// prime's aye carry every silent seat, so a prime alone could reach root).
pub struct AbstentionIsNay;

impl pallet_collective::DefaultVote for AbstentionIsNay {
	fn default_vote(_: Option<bool>, _: MemberCount, _: MemberCount, _: MemberCount) -> bool {
		false
	}
}

impl pallet_collective::Config<CouncilInstance> for Runtime {
	type RuntimeOrigin = RuntimeOrigin;
	type Proposal = RuntimeCall;
	type RuntimeEvent = RuntimeEvent;
	type MotionDuration = CouncilMotionDuration;
	type MaxProposals = CouncilMaxProposals;
	type MaxMembers = CouncilMaxMembers;
	type DefaultVote = AbstentionIsNay;
	type WeightInfo = pallet_collective::weights::SubstrateWeight<Runtime>;
	/// Only root sets the members directly; governance changes them through the membership
	/// pallet, which keeps the two in step.
	type SetMembersOrigin = EnsureRoot<AccountId>;
	type MaxProposalWeight = CouncilMaxProposalWeight;
	type DisapproveOrigin = CouncilSupermajority;
	type KillOrigin = CouncilSupermajority;
	type Consideration = HoldConsideration<
		AccountId,
		Balances,
		CouncilProposalHoldReason,
		CouncilProposalDeposit,
		u32,
	>;
}

impl pallet_membership::Config<CouncilInstance> for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type AddOrigin = CouncilSupermajority;
	type RemoveOrigin = CouncilSupermajority;
	type SwapOrigin = CouncilSupermajority;
	type ResetOrigin = CouncilSupermajority;
	type PrimeOrigin = CouncilSupermajority;
	type MembershipInitialized = Council;
	type MembershipChanged = Council;
	type MaxMembers = CouncilMaxMembers;
	type WeightInfo = pallet_membership::weights::SubstrateWeight<Runtime>;
}

impl pallet_utility::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type PalletsOrigin = OriginCaller;
	type WeightInfo = pallet_utility::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// A stored preimage holds 1 CEUR plus 0.01 CEUR a byte of its owner's balance until it is
	/// removed: the largest (4 MiB) holds about 42,000 CEUR.
	pub const PreimageBaseDeposit: Balance = UNIT;
	pub const PreimageByteDeposit: Balance = UNIT / 100;
	pub const PreimageHoldReason: RuntimeHoldReason =
		RuntimeHoldReason::Preimage(pallet_preimage::HoldReason::Preimage);
	/// A call the council whitelisted without dispatching may be relayed by anyone for a day.
	pub const WhitelistDeferredDispatchExpiration: BlockNumber = DAYS;
}

impl pallet_preimage::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = pallet_preimage::weights::SubstrateWeight<Runtime>;
	type Currency = Balances;
	type ManagerOrigin = EnsureRoot<AccountId>;
	type Consideration = HoldConsideration<
		AccountId,
		Balances,
		PreimageHoldReason,
		LinearStoragePrice<PreimageBaseDeposit, PreimageByteDeposit, Balance>,
	>;
}

impl pallet_whitelist::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type WhitelistOrigin = CouncilSupermajority;
	type DispatchWhitelistedOrigin = CouncilSupermajority;
	type Preimages = Preimage;
	type DeferredDispatchExpiration = WhitelistDeferredDispatchExpiration;
	type BlockNumberProvider = System;
	type WeightInfo = pallet_whitelist::weights::SubstrateWeight<Runtime>;
}
