//! A closed hole re-opened on purpose, for the runtime fuzzer's seeded-regression test
//! (`energy-fuzz`, `tests/regression.rs`): it shows that the fuzzer finds a hole of this kind.
//! Compiled only with the `fuzz-regression` feature and `std`, which only `energy-fuzz`'s
//! `regression` feature enables; a runtime (wasm) never contains it, and it is off unless a
//! test switches it on in its own thread.

use core::cell::Cell;

std::thread_local! {
	static RETIRE_BEYOND_HOLDING: Cell<bool> = const { Cell::new(false) };
}

/// Re-opens (`true`) or closes (`false`) the hole in this thread: `retire` of more tokens of a
/// certificate than the caller holds empties the holding and records the whole amount as
/// retired (a saturating subtraction where a checked one belongs), creating tokens.
pub fn reopen_retire_beyond_holding(open: bool) {
	RETIRE_BEYOND_HOLDING.with(|switch| switch.set(open));
}

/// Whether the hole is open in this thread.
pub(crate) fn retire_beyond_holding() -> bool {
	RETIRE_BEYOND_HOLDING.with(|switch| switch.get())
}
