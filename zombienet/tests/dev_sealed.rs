//! A sealed auction on a fresh dev node, from commit to settlement, driven by polkadot.js
//! (`pjs-check/sealed.mjs`): the commitments are computed by polkadot.js from the documented
//! format, not by the runtime's code, and checked against the README's test vector; while the
//! commitments wait for the gate, the dashboard's order book (headless Chromium) shows their
//! counts and none of the orders.
//!
//! Needs Node.js and `npm ci --prefix pjs-check` (done by `scripts/test.sh`); for the dashboard
//! check, `npm ci --prefix dashboard && npm run build --prefix dashboard` and Chromium.

use anyhow::Result;
use energy_zombienet::{run_pjs_script, target_dir};

#[tokio::test(flavor = "multi_thread")]
async fn a_sealed_auction_from_commit_to_settlement_through_polkadot_js() -> Result<()> {
	// With the dashboard built (the test command builds it first), its order book is checked
	// too.
	let dashboard = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../dashboard");
	let built = dashboard.join("dist/index.html").is_file()
		&& dashboard.join("node_modules/playwright-core").is_dir();
	let args = match built {
		true => vec![dashboard.into(), target_dir().join("dashboard-screenshots").into()],
		false => Vec::new(),
	};
	run_pjs_script("sealed.mjs", &args).await
}
