//! A sealed auction on a fresh dev node, from commit to settlement, driven by polkadot.js
//! (`pjs-check/sealed.mjs`): the commitments are computed by polkadot.js from the documented
//! format, not by the runtime's code, and checked against the README's test vector.
//!
//! Needs Node.js and `npm ci --prefix pjs-check` (done by `scripts/test.sh`).

use std::path::Path;

use anyhow::{ensure, Context, Result};
use energy_zombienet::DevNode;

#[tokio::test(flavor = "multi_thread")]
async fn a_sealed_auction_from_commit_to_settlement_through_polkadot_js() -> Result<()> {
	let check = Path::new(env!("CARGO_MANIFEST_DIR")).join("../pjs-check");
	ensure!(
		check.join("node_modules/@polkadot/api").is_dir(),
		"run `npm ci --prefix pjs-check` first"
	);
	let node = DevNode::start().await?;
	node.wait_for_open_auctions().await?;
	let started = std::time::Instant::now();
	let output = tokio::process::Command::new("node")
		.arg(check.join("sealed.mjs"))
		.arg(node.url())
		.output()
		.await
		.context("running node (Node.js)")?;
	println!("{}", String::from_utf8_lossy(&output.stdout));
	eprintln!("{}", String::from_utf8_lossy(&output.stderr));
	ensure!(output.status.success(), "the sealed auction check failed: {}", output.status);
	println!("sealed auction from commit to settlement in {} s", started.elapsed().as_secs());
	Ok(())
}
