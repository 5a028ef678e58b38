//! A running dev chain upgraded through its council to the upgrade rehearsal's runtime (spec
//! one higher, with a migration that records what it found): `pjs-check/upgrade.mjs` passes the
//! council's two-thirds motion through the whitelist, applies the code, and checks that the
//! migration ran once on the state it found and that balances, members, meters and the market
//! carry on; then, with a client that reads the new runtime's metadata, a meter's signed
//! reading is accepted.
//!
//! Needs the rehearsal's wasm (the node built with `ENERGY_UPGRADE_REHEARSAL=1`, as
//! `scripts/test.sh` does), Node.js and `npm ci --prefix pjs-check`.

use anyhow::{ensure, Context, Result};
use energy_zombienet::{
	chain::{current_slot, signing_payload, submit_reading, wait_for_end_of},
	node_binary_dir, run_pjs_script_at, DevNode,
};
use std::str::FromStr;
use zombienet_sdk::{
	subxt::{OnlineClient, PolkadotConfig},
	subxt_signer::{sr25519, SecretUri},
};

#[tokio::test(flavor = "multi_thread")]
async fn a_council_upgrades_a_running_chain_and_the_market_meters_and_balances_carry_on(
) -> Result<()> {
	let wasm = node_binary_dir()
		.join("wbuild/energy-runtime/energy_runtime_upgrade_rehearsal.compact.compressed.wasm");
	ensure!(
		wasm.is_file(),
		"{} is missing: build the node with ENERGY_UPGRADE_REHEARSAL=1",
		wasm.display()
	);
	let node = DevNode::start().await?;
	node.wait_for_open_auctions().await?;
	run_pjs_script_at(&node.url(), "upgrade.mjs", &[wasm.into_os_string()]).await?;

	// A client of the upgraded chain: it reads the new runtime's metadata.
	let api = OnlineClient::<PolkadotConfig>::from_url(node.url()).await?;
	let spec = api.runtime_version().spec_version;
	println!("a new client sees spec {spec}");
	// Bob's PV meter (0) reports the slot running now, once it has ended: its first reading,
	// which closes every slot since its installation.
	let slot = current_slot(&api).await?;
	wait_for_end_of(&node.url(), slot).await?;
	let genesis = api.genesis_hash().0;
	let meter = sr25519::Keypair::from_uri(&SecretUri::from_str("//meter//0")?)?;
	let gateway = sr25519::Keypair::from_uri(&SecretUri::from_str("//Gateway")?)?;
	let reading = (0u32, 1u64, slot, 2u64, 40u64);
	let signature = meter.sign(&signing_payload(genesis, 0, 1, slot, 2, 40)).0;
	let events = submit_reading(&api, &gateway, reading, signature)
		.await
		.context("a reading after the upgrade")?;
	println!("a reading of meter 0 for slot {slot} after the upgrade: {events:?}");
	ensure!(events.contains(&"ReadingAccepted".to_string()), "reading not accepted: {events:?}");
	Ok(())
}
