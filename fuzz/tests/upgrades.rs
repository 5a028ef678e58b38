//! Runtime upgrades checked natively with try-runtime: `Executive::try_runtime_upgrade` runs
//! every migration's pre- and post-upgrade hooks, decodes the whole state and runs every
//! pallet's `try_state`, here on states the fuzzer produced (random histories of every call:
//! certificates held and delivered, auctions open, cleared, settling and settled, standing
//! orders, suspended members, revoked meters). Needs the `try-runtime` feature
//! (`scripts/test.sh` runs it).
#![cfg(feature = "try-runtime")]

use energy_fuzz::episode::play;
use energy_primitives::{AccountId, MarketSlot, ResId, Wh};
use energy_runtime::{
	Balances, EnergyTokens, Executive, Market, Meters, Runtime, RuntimeHoldReason,
};
use frame_support::{
	storage::unhashed,
	traits::{fungible::MutateHold, tokens::Precision, GetStorageVersion, StorageVersion},
};
use frame_try_runtime::UpgradeCheckSelect;
use pallet_market::{AuctionStatus, HoldReason};
use std::collections::BTreeMap;

/// The seeds of the fuzzed histories the upgrades run on.
const SEEDS: [u64; 3] = [11, 12, 13];
/// Transactions per history.
const CALLS: u64 = 1_500;

use energy_fuzz::invariants::{pallet_digest, ENERGY_PALLETS};

/// Every pallet's storage version on chain is the one its code declares.
fn versions_are_current() {
	assert_eq!(EnergyTokens::on_chain_storage_version(), EnergyTokens::in_code_storage_version());
	assert_eq!(Market::on_chain_storage_version(), Market::in_code_storage_version());
	assert_eq!(Meters::on_chain_storage_version(), Meters::in_code_storage_version());
	assert_eq!(
		pallet_participants::Pallet::<Runtime>::on_chain_storage_version(),
		pallet_participants::Pallet::<Runtime>::in_code_storage_version()
	);
	assert_eq!(
		pallet_res_assets::Pallet::<Runtime>::on_chain_storage_version(),
		pallet_res_assets::Pallet::<Runtime>::in_code_storage_version()
	);
	assert_eq!(
		pallet_forecasts::Pallet::<Runtime>::on_chain_storage_version(),
		pallet_forecasts::Pallet::<Runtime>::in_code_storage_version()
	);
}

#[test]
fn an_upgrade_of_a_current_chain_changes_nothing() {
	for seed in SEEDS {
		let (outcome, mut chain) = play(seed, CALLS).expect("a fuzzed history");
		assert!(outcome.broken.is_none(), "{:?}", outcome.broken);
		chain.with_state(|| {
			versions_are_current();
			let before: Vec<_> = ENERGY_PALLETS.iter().map(|p| pallet_digest(p)).collect();
			Executive::try_runtime_upgrade(UpgradeCheckSelect::All)
				.expect("pre/post hooks, state decoding and try_state pass");
			let after: Vec<_> = ENERGY_PALLETS.iter().map(|p| pallet_digest(p)).collect();
			assert_eq!(before, after, "a migration touched a chain already at its version");
			// And again: nothing at all changes the second time.
			let root = sp_io::storage::root(sp_runtime::StateVersion::V1);
			Executive::try_runtime_upgrade(UpgradeCheckSelect::All).expect("idempotent");
			assert_eq!(sp_io::storage::root(sp_runtime::StateVersion::V1), root);
		});
	}
}

/// What the layouts before this runtime stored (energy tokens v1, market v2 with v3's
/// `Deliverable`, meters v1), written over a current state: what a chain of spec version 102
/// held. Returns how many holdings and `Deliverable` entries it wrote.
fn downgrade() -> (usize, usize) {
	use pallet_energy_tokens::migrations::v1;
	use pallet_market::migrations::v3;
	// Token ledger v1: one fungible balance per account, certificates with owner and minted
	// Wh. Slots in the middle of settlement had their undelivered Wh in the market's
	// `Deliverable`: the owner's holding of the certificate.
	let mut balances: BTreeMap<AccountId, Wh> = BTreeMap::new();
	let (mut holdings, mut deliverable) = (0, 0);
	for ((holder, slot, res), wh) in pallet_energy_tokens::Holdings::<Runtime>::drain() {
		holdings += 1;
		*balances.entry(holder).or_default() += wh;
		let settling = pallet_market::Auctions::<Runtime>::get(slot)
			.is_some_and(|auction| matches!(auction.status, AuctionStatus::Settling(_)));
		if settling {
			deliverable += 1;
			v3::Deliverable::<Runtime>::insert(slot, res, wh);
		}
	}
	for (who, wh) in balances {
		v1::Balances::<Runtime>::insert(who, wh);
	}
	let certificates: Vec<_> = pallet_energy_tokens::Certificates::<Runtime>::iter().collect();
	for (slot, res, certificate) in certificates {
		v1::Certificates::<Runtime>::insert(
			slot,
			res,
			v1::Certificate { owner: certificate.owner, minted_wh: certificate.minted_wh },
		);
	}
	StorageVersion::new(1).put::<EnergyTokens>();
	// Market v2: summaries without `failed_wh` (8 bytes), standing orders without `deposit`
	// (16 bytes), and no deposit held for them.
	let strip = |key: Vec<u8>, bytes: usize| {
		let value = unhashed::get_raw(&key).expect("a stored value");
		unhashed::put_raw(&key, &value[..value.len() - bytes]);
	};
	for slot in pallet_market::Auctions::<Runtime>::iter_keys().collect::<Vec<_>>() {
		strip(pallet_market::Auctions::<Runtime>::hashed_key_for(slot), 8);
	}
	for (id, order) in pallet_market::StandingOrders::<Runtime>::iter().collect::<Vec<_>>() {
		<Balances as MutateHold<AccountId>>::release(
			&RuntimeHoldReason::Market(HoldReason::StandingOrderDeposit),
			&order.owner,
			order.deposit,
			Precision::Exact,
		)
		.expect("the deposit is held");
		strip(pallet_market::StandingOrders::<Runtime>::hashed_key_for(id), 16);
	}
	StorageVersion::new(2).put::<Market>();
	// Meters v1: no installation slot of the genesis meters.
	pallet_meters::GenesisSlot::<Runtime>::kill();
	StorageVersion::new(1).put::<Meters>();
	(holdings, deliverable)
}

/// Each account's tokens in all.
fn tokens_by_holder() -> BTreeMap<AccountId, Wh> {
	let mut held = BTreeMap::new();
	for ((holder, _, _), wh) in pallet_energy_tokens::Holdings::<Runtime>::iter() {
		*held.entry(holder).or_default() += wh;
	}
	held
}

#[test]
fn a_chain_on_the_previous_layouts_upgrades_keeping_every_token_auction_and_order() {
	let (mut holdings, mut deliverable, mut standing_orders) = (0, 0, 0);
	for seed in SEEDS {
		let (_, mut chain) = play(seed, CALLS).expect("a fuzzed history");
		chain.with_state(|| {
			let held = tokens_by_holder();
			let minted: BTreeMap<(MarketSlot, ResId), Wh> =
				pallet_energy_tokens::Certificates::<Runtime>::iter()
					.map(|(slot, res, c)| ((slot, res), c.minted_wh))
					.collect();
			let total_minted = pallet_energy_tokens::TotalMinted::<Runtime>::get();
			let auctions: BTreeMap<MarketSlot, pallet_market::Auction> =
				pallet_market::Auctions::<Runtime>::iter()
					.map(|(slot, mut auction)| {
						auction.failed_wh = 0;
						(slot, auction)
					})
					.collect();
			let standing: Vec<_> = pallet_market::StandingOrders::<Runtime>::iter()
				.map(|(id, mut order)| {
					order.deposit = 0;
					(id, order)
				})
				.collect();
			assert!(!minted.is_empty() && !auctions.is_empty(), "a history worth upgrading");

			let (held_entries, deliverable_entries) = downgrade();
			holdings += held_entries;
			deliverable += deliverable_entries;
			standing_orders += standing.len();
			assert!(
				pallet_market::Auctions::<Runtime>::iter_keys()
					.all(|slot| pallet_market::Auctions::<Runtime>::get(slot).is_none()),
				"old summaries do not decode as new ones"
			);
			let slot_now = <Market as energy_primitives::MarketClock>::current_slot();

			Executive::try_runtime_upgrade(UpgradeCheckSelect::All)
				.expect("pre/post hooks, state decoding and try_state pass");

			versions_are_current();
			assert_eq!(tokens_by_holder(), held, "every holder keeps its tokens");
			let minted_after: BTreeMap<(MarketSlot, ResId), Wh> =
				pallet_energy_tokens::Certificates::<Runtime>::iter()
					.map(|(slot, res, c)| ((slot, res), c.minted_wh))
					.collect();
			assert_eq!(minted_after, minted, "every certificate keeps what was minted");
			assert_eq!(pallet_energy_tokens::TotalMinted::<Runtime>::get(), total_minted);
			assert_eq!(pallet_energy_tokens::TotalFedIn::<Runtime>::get(), 0, "fed in is retired");
			let auctions_after: BTreeMap<_, _> =
				pallet_market::Auctions::<Runtime>::iter().collect();
			assert_eq!(auctions_after, auctions);
			let standing_after: Vec<_> = pallet_market::StandingOrders::<Runtime>::iter().collect();
			assert_eq!(standing_after, standing);
			assert_eq!(pallet_meters::GenesisSlot::<Runtime>::get(), Some(slot_now));
			assert_eq!(v3_deliverable_entries(), 0, "Deliverable is gone");

			// Once upgraded, upgrading again changes nothing.
			let root = sp_io::storage::root(sp_runtime::StateVersion::V1);
			Executive::try_runtime_upgrade(UpgradeCheckSelect::All).expect("idempotent");
			assert_eq!(sp_io::storage::root(sp_runtime::StateVersion::V1), root);
		});
	}
	println!("upgraded: {holdings} holdings, {deliverable} of slots mid-settlement, {standing_orders} standing orders");
	// A slot of these small books settles within one block, so a history rarely ends in the
	// middle of a settlement; the ledger's own test covers that case
	// (`a_settling_slot_keeps_what_it_still_has_to_deliver`).
	assert!(holdings > 0 && standing_orders > 0, "the histories had tokens and standing orders");
}

fn v3_deliverable_entries() -> usize {
	pallet_market::migrations::v3::Deliverable::<Runtime>::iter().count()
}

#[test]
fn a_broken_migration_is_caught() {
	// The checks are not vacuous: a state whose token totals do not add up (what a faulty
	// migration would leave) fails the upgrade's try_state.
	let (_, mut chain) = play(SEEDS[0], CALLS).expect("a fuzzed history");
	chain.with_state(|| {
		pallet_energy_tokens::TotalMinted::<Runtime>::mutate(|total| *total += 1);
		assert!(Executive::try_runtime_upgrade(UpgradeCheckSelect::All).is_err());
	});
}
