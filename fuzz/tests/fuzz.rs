//! The runtime fuzzer in the test command: 20,000 transactions from a fixed seed, every
//! invariant checked after every block; every call must succeed sometimes (a fuzzer whose calls
//! all fail tests nothing) and fail sometimes.

use energy_fuzz::{run, Campaign};

#[test]
fn twenty_thousand_calls_break_nothing() {
	let campaign = Campaign::new(2026, 20_000);
	let outcome = run(&campaign, |_| {});
	println!("{}", outcome.report());
	assert_eq!(outcome.calls, 20_000);
	assert!(outcome.breaks.is_empty(), "invariants broken: {:?}", outcome.breaks);
	assert!(outcome.panics.is_empty(), "the runtime panicked: {:?}", outcome.panics);
	assert!(
		outcome.calls_tally.never_ok().is_empty(),
		"calls that never succeeded: {:?}",
		outcome.calls_tally.never_ok()
	);
	// Each attack on the readings met its own rejection.
	for (kind, reason) in [
		("ForgedSignature", "BadSignature"),
		("OtherChain", "BadSignature"),
		("BeforeInstallation", "BeforeInstallation"),
		("ReusedSequence", "StaleSequence"),
		("RegisterBackwards", "RegisterWentBackwards"),
		("AboveCapacity", "ExportAboveCapacity"),
		("FutureSlot", "SlotNotEnded"),
		("TooOld", "SlotTooOld"),
		("ForeignGateway", "NotGatewaysMeter"),
		("UnknownMeter", "UnknownMeter"),
		("TooEarly", "SlotNotEnded"),
	] {
		assert!(
			outcome.readings_tally.count(kind, reason) > 0,
			"no {kind} reading was rejected as {reason}"
		);
		assert_eq!(outcome.readings_tally.count(kind, "ok"), 0, "a {kind} reading was accepted");
	}
}

#[test]
fn the_same_seed_runs_the_same_calls() {
	let first = run(&Campaign::new(7, 1_500), |_| {});
	let second = run(&Campaign::new(7, 1_500), |_| {});
	assert_eq!(first.calls_tally.0, second.calls_tally.0);
	assert_eq!(first.readings_tally.0, second.readings_tally.0);
	assert_eq!(first.blocks, second.blocks);
}
