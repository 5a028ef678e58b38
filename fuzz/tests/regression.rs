//! The seeded regressions: with a closed hole re-opened behind a test-only switch, the fuzzer
//! must report it. Needs the `regression` feature (`scripts/test.sh` runs it); with the holes
//! closed, the same seed breaks nothing (`tests/fuzz.rs`).
#![cfg(feature = "regression")]

use energy_fuzz::{run, Campaign, Hole};

/// Runs the 20,000-call campaign of the test command with `hole` open; returns what the
/// findings say, after checking that at least three episodes in four found it (an episode
/// ends at its first finding).
fn found(hole: Hole) -> Vec<String> {
	let mut campaign = Campaign::new(2026, 20_000);
	campaign.reopen_hole = Some(hole);
	let outcome = run(&campaign, |_| {});
	println!(
		"{hole:?} re-opened: {}",
		outcome.report().lines().take(4).collect::<Vec<_>>().join("\n")
	);
	assert!(outcome.panics.is_empty(), "{:?}", outcome.panics);
	assert!(
		outcome.breaks.len() as u64 * 4 >= outcome.episodes * 3,
		"{} of {} episodes found the hole",
		outcome.breaks.len(),
		outcome.episodes
	);
	outcome.breaks.into_iter().map(|finding| finding.what).collect()
}

#[test]
fn the_fuzzer_finds_tokens_retired_beyond_the_holding() {
	// Retiring more than is held creates tokens: the ledger's per-certificate conservation.
	for what in found(Hole::RetireBeyondHolding) {
		assert!(what.contains("EnergyTokens try_state"), "found something else: {what}");
	}
}

#[test]
fn the_fuzzer_finds_a_deposit_left_on_hold() {
	// A deposit kept after its template is gone: the market's try_state sees it while the
	// member still has another template, only the fuzzer's own hold invariant once it has none.
	let findings = found(Hole::StandingDepositKept);
	for what in &findings {
		assert!(
			what.contains("market hold StandingOrderDeposit")
				|| what.contains("standing-order holds differ"),
			"found something else: {what}"
		);
	}
	assert!(
		findings.iter().any(|what| what.contains("market hold StandingOrderDeposit")),
		"the fuzzer's own invariant found none the market's try_state missed"
	);
}
