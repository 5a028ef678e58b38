//! The dashboard (`dashboard/`) in headless Chromium against a fresh dev node with the demo
//! gateway reporting its meters: `dashboard/tests/browser.mjs` waits for an auction to clear and
//! compares the clearing price shown with `market_slotReport`'s, places a bid through the
//! member view and finds it in the order book, checks that a refused bid shows the pallet
//! error, and saves screenshots under `$CARGO_TARGET_DIR/dashboard-screenshots`.
//!
//! Needs Node.js, Chromium, `npm ci --prefix dashboard && npm run build --prefix dashboard`
//! (done by `scripts/test.sh`) and the gateway binary (`cargo build --release -p energy-gateway` in the main workspace).

use std::{path::PathBuf, process::Stdio};

use anyhow::{ensure, Context, Result};
use energy_zombienet::{client_binary, target_dir, DevNode};
use tokio::process::Command;

#[tokio::test(flavor = "multi_thread")]
async fn the_dashboard_shows_a_cleared_auction_and_places_a_bid() -> Result<()> {
	let dashboard = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../dashboard");
	ensure!(
		dashboard.join("node_modules/playwright-core").is_dir()
			&& dashboard.join("dist/index.html").is_file(),
		"run `npm ci --prefix dashboard && npm run build --prefix dashboard` first"
	);
	let node = DevNode::start().await?;
	node.wait_for_open_auctions().await?;

	// The demo gateway reports the dev chain's six meters, so the meters have readings.
	let work = std::env::temp_dir().join(format!("energy-dashboard-{}", std::process::id()));
	std::fs::create_dir_all(&work)?;
	let gateway = client_binary("energy-gateway")?;
	let keys = work.join("keys.json");
	let status = Command::new(&gateway).args(["keys", "dev", "--out"]).arg(&keys).status().await?;
	ensure!(status.success(), "energy-gateway keys dev failed");
	let _reporting = Command::new(&gateway)
		.args(["run", "--accelerated", "--url", &node.url()])
		.arg("--keystore")
		.arg(&keys)
		.arg("--replay")
		.arg(dashboard.join("../gateway/examples/dev-replay.json"))
		.arg("--store")
		.arg(work.join("queue.redb"))
		.stdout(Stdio::null())
		.stderr(Stdio::null())
		.kill_on_drop(true)
		.spawn()?;

	let screenshots = target_dir().join("dashboard-screenshots");
	let output = Command::new("node")
		.arg(dashboard.join("tests/browser.mjs"))
		.arg(node.url())
		.arg(&screenshots)
		.current_dir(&dashboard)
		.output()
		.await
		.context("running node (Node.js)")?;
	println!("{}", String::from_utf8_lossy(&output.stdout));
	eprintln!("{}", String::from_utf8_lossy(&output.stderr));
	let _ = std::fs::remove_dir_all(&work);
	ensure!(
		output.status.success(),
		"the browser test failed: {} (screenshots in {})",
		output.status,
		screenshots.display()
	);
	Ok(())
}
