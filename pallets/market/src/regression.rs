//! A closed hole re-opened on purpose, for the runtime fuzzer's seeded-regression test
//! (`energy-fuzz`, `tests/regression.rs`): it shows that the fuzzer's own invariants find a hole
//! the market's `try_state` cannot see. Compiled only with the `fuzz-regression` feature and
//! `std`, which only `energy-fuzz`'s `regression` feature enables; a runtime (wasm) never
//! contains it, and it is off unless a test switches it on in its own thread.

use core::cell::Cell;

std::thread_local! {
	static KEEP_STANDING_DEPOSIT: Cell<bool> = const { Cell::new(false) };
}

/// Re-opens (`true`) or closes (`false`) the hole in this thread: a standing order that is
/// cancelled or dropped is removed but its deposit stays on hold for ever (a release
/// forgotten). The market's `try_state` compares holds only for members that still have
/// templates, so it sees this only while the member has another one.
pub fn reopen_keep_standing_deposit(open: bool) {
	KEEP_STANDING_DEPOSIT.with(|switch| switch.set(open));
}

/// Whether the hole is open in this thread.
pub(crate) fn keep_standing_deposit() -> bool {
	KEEP_STANDING_DEPOSIT.with(|switch| switch.get())
}
