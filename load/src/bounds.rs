//! `energy-load bounds`: what the runtime's weights allow per block for each kind of load: the
//! bound each measured phase is compared with. Read from the runtime itself (its block weights,
//! database weights, the benchmarked `WeightInfo` and the weight of the transaction extensions
//! every signed transaction pays: nonce, fee, era, ...), so it follows every regeneration.

use energy_runtime::{configs::RuntimeBlockWeights, Runtime, RuntimeCall};
use frame_support::{
	dispatch::DispatchClass, sp_runtime::traits::TransactionExtension, weights::Weight,
};
use frame_system::offchain::CreateAuthorizedTransaction;
use pallet_balances::WeightInfo as _;
use pallet_meters::BatchCost;

/// Readings per batch in the load (a full page).
const BATCH: u32 = 1_024;

/// Six-second blocks.
const BLOCK_SECONDS: f64 = 6.0;

/// Prints, for each kind of transaction, its weight per item and how many fit the normal class
/// of one block and per second.
pub fn print() {
	let weights = RuntimeBlockWeights::get();
	let normal = weights.get(DispatchClass::Normal);
	let budget = normal.max_total.unwrap_or(weights.max_block).ref_time();
	let transfer = RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
		dest: sp_core::crypto::AccountId32::new([1; 32]).into(),
		value: 1_000_000,
	});
	// The extensions' weight does not depend on the call, but for `AuthorizeCall`'s, which is
	// the call's own authorization weight: zero for a transfer and for `submit_readings`.
	let extensions = <Runtime as CreateAuthorizedTransaction<RuntimeCall>>::create_extension()
		.weight(&transfer)
		.ref_time();
	let base = normal.base_extrinsic.ref_time() + extensions;
	let db = <Runtime as frame_system::Config>::DbWeight::get();
	println!(
		"bounds from the weights: normal class {:.3} s of a block; a signed transaction's base {:.1} µs \
		 (extrinsic base {:.1} µs, extensions {:.1} µs); database read {:.1} µs, write {:.1} µs",
		budget as f64 / 1e12,
		base as f64 / 1e6,
		normal.base_extrinsic.ref_time() as f64 / 1e6,
		extensions as f64 / 1e6,
		db.read as f64 / 1e6,
		db.write as f64 / 1e6
	);
	let batch = |cost: BatchCost| {
		pallet_meters::Pallet::<Runtime>::batch_weight(cost)
			.saturating_add(Weight::from_parts(base, 0))
	};
	let rows = [
		(
			"readings, sr25519 consumption, one slot each",
			batch(BatchCost { sr25519_checked: BATCH, recorded: BATCH, ..Default::default() }),
			BATCH,
		),
		(
			"readings, ed25519 consumption, one slot each",
			batch(BatchCost { ed25519_checked: BATCH, recorded: BATCH, ..Default::default() }),
			BATCH,
		),
		(
			"readings, sr25519 consumption, several slots",
			batch(BatchCost { sr25519_checked: BATCH, ..Default::default() }),
			BATCH,
		),
		// A production meter's one-slot reading that imported something records it too.
		(
			"readings, production, minting one slot each",
			batch(BatchCost { production: BATCH, certified_slots: BATCH, ..Default::default() }),
			BATCH,
		),
		(
			"readings, production, minting nothing (night)",
			batch(BatchCost { production: BATCH, ..Default::default() }),
			BATCH,
		),
		(
			"balance transfers (transfer_keep_alive)",
			<Runtime as pallet_balances::Config>::WeightInfo::transfer_keep_alive()
				.saturating_add(Weight::from_parts(base, 0)),
			1,
		),
	];
	for (label, weight, items) in rows {
		let per_item = weight.ref_time() as f64 / items as f64;
		let per_block = (budget / weight.ref_time().max(1)) * items as u64;
		println!(
			"  {label:<46} {:>7.1} µs each: {:>6} per block, {:>6.0}/s",
			per_item / 1e6,
			per_block,
			per_block as f64 / BLOCK_SECONDS
		);
	}
}
