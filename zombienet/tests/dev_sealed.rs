//! A sealed auction on a fresh dev node, from commit to settlement, driven by polkadot.js
//! (`pjs-check/sealed.mjs`): the commitments are computed by polkadot.js from the documented
//! format, not by the runtime's code, and checked against the README's test vector; while the
//! commitments wait for the gate, the dashboard's order book (headless Chromium) shows their
//! counts and none of the orders.
//!
//! Needs Node.js and `npm ci --prefix pjs-check` (done by `scripts/test.sh`); for the dashboard
//! check, `npm ci --prefix dashboard && npm run build --prefix dashboard` and Chromium.

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
	// With the dashboard built (the test command builds it first), its order book is checked
	// too.
	let dashboard = check.join("../dashboard");
	let mut command = tokio::process::Command::new("node");
	command.arg(check.join("sealed.mjs")).arg(node.url());
	if dashboard.join("dist/index.html").is_file()
		&& dashboard.join("node_modules/playwright-core").is_dir()
	{
		command.arg(&dashboard).arg(energy_zombienet::target_dir().join("dashboard-screenshots"));
	}
	let output = command.output().await.context("running node (Node.js)")?;
	println!("{}", String::from_utf8_lossy(&output.stdout));
	eprintln!("{}", String::from_utf8_lossy(&output.stderr));
	ensure!(output.status.success(), "the sealed auction check failed: {}", output.status);
	println!("sealed auction from commit to settlement in {} s", started.elapsed().as_secs());
	Ok(())
}
