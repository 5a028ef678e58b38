//! What must hold after every block, whatever was sent: every pallet's `try_state` (the
//! per-certificate conservation among them), money created or destroyed only by fees and dust,
//! and certificates that mean what they say.

use energy_primitives::{slot_capacity_wh, MarketClock};
use energy_runtime::{Runtime, RuntimeEvent, System};

/// Checks the state after block `number`, whose events are `events`, given the total issuance
/// before it. `Err` names the broken invariant.
pub fn check(number: u32, issuance_before: u128, events: &[RuntimeEvent]) -> Result<(), String> {
	pallets_try_state(number)?;
	money(issuance_before, events)?;
	certificates()
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

/// The total issuance falls by exactly the fees paid (burnt by this runtime) and the dust of
/// reaped accounts (also burnt), and equals every account's free plus reserved balance.
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
	let _ = System::block_number();
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
pub const ENERGY_PALLETS: [&str; 6] =
	["Participants", "ResAssets", "Meters", "EnergyTokens", "Market", "Forecasts"];

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

/// A call that failed must leave every energy pallet's storage as it was (only the fee, the
/// nonce and the events change): `Err` names the pallet it changed.
pub fn failed_call_changed_nothing(
	before: &[[u8; 32]],
	label: &str,
	error: &str,
) -> Result<(), String> {
	let after = energy_digests();
	match ENERGY_PALLETS.iter().zip(before.iter().zip(&after)).find(|(_, (b, a))| b != a) {
		Some((pallet, _)) => {
			Err(format!("{label} failed with {error} but changed {pallet}'s storage"))
		},
		None => Ok(()),
	}
}
