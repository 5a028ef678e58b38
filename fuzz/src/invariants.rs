//! What must hold after every block, whatever was sent: every pallet's `try_state` (the
//! per-certificate conservation among them), money created or destroyed only by fees and dust,
//! and certificates that mean what they say.

use energy_primitives::{slot_capacity_wh, MarketClock};
use energy_runtime::{Runtime, RuntimeEvent};

/// Checks the state after block `number`, whose events are `events`, given the total issuance
/// before it. `Err` names the broken invariant.
pub fn check(number: u32, issuance_before: u128, events: &[RuntimeEvent]) -> Result<(), String> {
	pallets_try_state(number)?;
	money(issuance_before, events)?;
	market_holds()?;
	certificates()
}

/// Every account's market holds are exactly what its open orders and standing orders still
/// hold: nothing stays on hold once what held it is gone. (The market's `try_state` cannot see
/// a hold left on an account without orders: it cannot enumerate accounts.)
fn market_holds() -> Result<(), String> {
	use energy_runtime::RuntimeHoldReason;
	use frame_support::traits::fungible::InspectHold;
	use pallet_market::HoldReason;
	use std::collections::BTreeMap;
	let reasons = [
		HoldReason::BidMaxCost,
		HoldReason::OfferDeposit,
		HoldReason::StandingOrderDeposit,
		HoldReason::RevealBond,
	];
	let mut expected: BTreeMap<(energy_primitives::AccountId, usize), u128> = BTreeMap::new();
	for (_, _, order) in pallet_market::Orders::<Runtime>::iter() {
		let reason = if order.side.is_bid() { 0 } else { 1 };
		*expected.entry((order.owner.clone(), reason)).or_default() += order.still_held();
	}
	// A sealed order's commitment holds its worst order under its side's reason, and its bond.
	for (_, _, commitment) in pallet_market::Commitments::<Runtime>::iter() {
		let reason = if commitment.side == pallet_market::SealedSide::Bid { 0 } else { 1 };
		*expected.entry((commitment.owner.clone(), reason)).or_default() += commitment.held;
		*expected.entry((commitment.owner, 3)).or_default() += commitment.bond;
	}
	for (_, order) in pallet_market::StandingOrders::<Runtime>::iter() {
		*expected.entry((order.owner, 2)).or_default() += order.deposit;
	}
	for who in frame_system::Account::<Runtime>::iter_keys() {
		for (index, reason) in reasons.iter().enumerate() {
			let held = <pallet_balances::Pallet<Runtime> as InspectHold<_>>::balance_on_hold(
				&RuntimeHoldReason::Market(*reason),
				&who,
			);
			let wanted = expected.get(&(who.clone(), index)).copied().unwrap_or(0);
			if held != wanted {
				return Err(format!(
					"market hold {reason:?} of {who} is {held}, its orders hold {wanted}"
				));
			}
		}
	}
	Ok(())
}

/// Every pallet's own invariants.
fn pallets_try_state(number: u32) -> Result<(), String> {
	let named = |name: &str, result: Result<(), sp_runtime::TryRuntimeError>| {
		result.map_err(|error| format!("{name} try_state: {error:?}"))
	};
	named("Participants", pallet_participants::Pallet::<Runtime>::do_try_state())?;
	named("ResAssets", pallet_res_assets::Pallet::<Runtime>::do_try_state())?;
	named("Meters", pallet_meters::Pallet::<Runtime>::do_try_state())?;
	named("EnergyTokens", pallet_energy_tokens::Pallet::<Runtime>::do_try_state())?;
	named("Market", pallet_market::Pallet::<Runtime>::do_try_state())?;
	named("Forecasts", pallet_forecasts::Pallet::<Runtime>::do_try_state())?;
	named("Flexibility", pallet_flexibility::Pallet::<Runtime>::do_try_state())?;
	named("Grid", pallet_grid::Pallet::<Runtime>::do_try_state())?;
	// With the runtime's try-runtime feature: every pallet's hook, the system's and balances'
	// included.
	#[cfg(feature = "try-runtime")]
	{
		use frame_support::traits::{TryState, TryStateSelect};
		named(
			"runtime",
			<energy_runtime::AllPalletsWithSystem as TryState<u32>>::try_state(
				number,
				TryStateSelect::All,
			),
		)?;
	}
	let _ = number;
	Ok(())
}

/// The total issuance falls by exactly the fees paid (burnt by this runtime), the dust of
/// reaped accounts and the reveal bonds of void sealed orders (also burnt), and equals every account's free plus reserved balance.
fn money(issuance_before: u128, events: &[RuntimeEvent]) -> Result<(), String> {
	let mut fees = 0u128;
	let mut dust = 0u128;
	for event in events {
		match event {
			RuntimeEvent::TransactionPayment(
				pallet_transaction_payment::Event::TransactionFeePaid { actual_fee, .. },
			) => fees += actual_fee,
			RuntimeEvent::Balances(pallet_balances::Event::DustLost { amount, .. }) => {
				dust += amount
			},
			// The reveal bonds of void sealed orders are burnt.
			RuntimeEvent::Market(pallet_market::Event::CommitmentVoided { forfeited, .. }) => {
				dust += forfeited
			},
			_ => {},
		}
	}
	let issuance = pallet_balances::TotalIssuance::<Runtime>::get();
	let expected = issuance_before.checked_sub(fees + dust).ok_or("fees above issuance")?;
	if issuance != expected {
		return Err(format!(
			"total issuance {issuance} is not the {issuance_before} before less fees {fees} and \
			 dust {dust} ({expected})"
		));
	}
	let accounts: u128 = frame_system::Account::<Runtime>::iter()
		.map(|(_, info)| info.data.free + info.data.reserved)
		.sum();
	if accounts != issuance {
		return Err(format!("accounts hold {accounts}, the total issuance is {issuance}"));
	}
	Ok(())
}

/// No certificate of a slot that has not ended, none above its RES's one-slot capacity, and
/// none of a RES that does not exist.
fn certificates() -> Result<(), String> {
	let now = pallet_market::Pallet::<Runtime>::current_slot();
	let length = pallet_market::Pallet::<Runtime>::slot_length_ms();
	for (slot, res, certificate) in pallet_energy_tokens::Certificates::<Runtime>::iter() {
		if slot >= now {
			return Err(format!("certificate of slot {slot} minted before it ended (now {now})"));
		}
		let asset = pallet_res_assets::Assets::<Runtime>::get(res).ok_or_else(|| {
			format!("certificate of slot {slot} of RES {res} that does not exist")
		})?;
		let capacity = slot_capacity_wh(asset.nameplate_w, length);
		if certificate.minted_wh > capacity {
			return Err(format!(
				"certificate of slot {slot} of RES {res}: {} Wh minted, capacity {capacity} Wh",
				certificate.minted_wh
			));
		}
	}
	Ok(())
}

/// The energy pallets, by the name their storage prefix is hashed from.
pub const ENERGY_PALLETS: [&str; 8] = [
	"Participants",
	"ResAssets",
	"Meters",
	"EnergyTokens",
	"Market",
	"Forecasts",
	"Flexibility",
	"Grid",
];

/// A digest of every key and value under `pallet`'s storage prefix.
pub fn pallet_digest(pallet: &str) -> [u8; 32] {
	use codec::Encode;
	let prefix = sp_io::hashing::twox_128(pallet.as_bytes()).to_vec();
	let mut key = prefix.clone();
	let mut all = Vec::new();
	while let Some(next) = sp_io::storage::next_key(&key) {
		if !next.starts_with(&prefix) {
			break;
		}
		all.push((next.clone(), sp_io::storage::get(&next).map(|v| v.to_vec())));
		key = next;
	}
	sp_io::hashing::blake2_256(&all.encode())
}

/// The digest of each energy pallet's storage, in [`ENERGY_PALLETS`] order.
pub fn energy_digests() -> Vec<[u8; 32]> {
	ENERGY_PALLETS.iter().map(|pallet| pallet_digest(pallet)).collect()
}

/// The energy pallets whose storage a call may change: none if its dispatch failed (only the
/// fee, the nonce and the events change), none for a batch of readings that accepted none,
/// its own pallet otherwise (and the token ledger for accepted readings, which mint).
pub fn may_change(label: &str, succeeded: bool, events: &[RuntimeEvent]) -> Vec<&'static str> {
	if !succeeded {
		return Vec::new();
	}
	let pallet = label.split('.').next().unwrap_or_default();
	match pallet {
		"Meters" if label == "Meters.submit_readings" => {
			let accepted = events.iter().any(|event| {
				matches!(event, RuntimeEvent::Meters(pallet_meters::Event::ReadingAccepted { .. }))
			});
			if accepted {
				// Tokens minted; committed slots of watched meters metered.
				vec!["Meters", "EnergyTokens", "Flexibility"]
			} else {
				Vec::new()
			}
		},
		_ => ENERGY_PALLETS.iter().copied().filter(|p| *p == pallet).collect(),
	}
}

/// `Err` naming the energy pallet whose storage a call changed that it may not change
/// ([`may_change`]), comparing [`energy_digests`] before the call with now.
pub fn changed_only(
	before: &[[u8; 32]],
	may_change: Vec<&str>,
	label: &str,
	outcome: &str,
) -> Result<(), String> {
	let after = energy_digests();
	for (pallet, (b, a)) in ENERGY_PALLETS.iter().zip(before.iter().zip(&after)) {
		if b != a && !may_change.contains(pallet) {
			return Err(format!("{label} ({outcome}) changed {pallet}'s storage"));
		}
	}
	Ok(())
}
