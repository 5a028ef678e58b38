//! The polkadot.js check (`pjs-check/check.mjs`) against a fresh dev node: metadata, a
//! participant, a meter, `MarketApi`, `market_slotReport` and a bid signed by Eve.
//!
//! Needs Node.js and `npm ci --prefix pjs-check` (done by `scripts/test.sh`).

use anyhow::Result;

#[tokio::test(flavor = "multi_thread")]
async fn polkadot_js_reads_the_chain_and_places_a_bid() -> Result<()> {
	energy_zombienet::run_pjs_script("check.mjs", &[]).await
}
