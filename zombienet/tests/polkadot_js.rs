//! The polkadot.js check (`pjs-check/check.mjs`) against a fresh dev node: metadata, a
//! participant, a meter, `MarketApi`, `market_slotReport` and a bid signed by Eve.
//!
//! Needs Node.js and `npm ci --prefix pjs-check` (done by `scripts/test.sh`).

use std::path::Path;

use anyhow::{ensure, Context, Result};
use energy_zombienet::DevNode;

#[tokio::test(flavor = "multi_thread")]
async fn polkadot_js_reads_the_chain_and_places_a_bid() -> Result<()> {
	let check = Path::new(env!("CARGO_MANIFEST_DIR")).join("../pjs-check");
	ensure!(
		check.join("node_modules/@polkadot/api").is_dir(),
		"run `npm ci --prefix pjs-check` first"
	);
	let node = DevNode::start().await?;
	node.wait_for_open_auctions().await?;
	let output = tokio::process::Command::new("node")
		.arg(check.join("check.mjs"))
		.arg(node.url())
		.output()
		.await
		.context("running node (Node.js)")?;
	println!("{}", String::from_utf8_lossy(&output.stdout));
	eprintln!("{}", String::from_utf8_lossy(&output.stderr));
	ensure!(output.status.success(), "the polkadot.js check failed: {}", output.status);
	Ok(())
}
