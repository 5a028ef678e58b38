//! The seeded regression: with one closed hole re-opened behind a test-only switch (retiring
//! more tokens of a certificate than the caller holds saturates instead of failing), the fuzzer
//! must report it. Needs the `regression` feature (`scripts/test.sh` runs it).
#![cfg(feature = "regression")]

use energy_fuzz::{run, Campaign};

#[test]
fn the_fuzzer_finds_a_reopened_hole() {
	let mut campaign = Campaign::new(2026, 20_000);
	campaign.reopen_hole = true;
	let outcome = run(&campaign, |_| {});
	println!("{}", outcome.report());
	let found = outcome.breaks.first().expect("the fuzzer did not find the re-opened hole");
	assert!(found.what.contains("EnergyTokens try_state"), "found something else: {}", found.what);
	// And with the hole closed, the same episodes break nothing.
	campaign.reopen_hole = false;
	let closed = run(&campaign, |_| {});
	assert!(closed.breaks.is_empty(), "{:?}", closed.breaks);
}
