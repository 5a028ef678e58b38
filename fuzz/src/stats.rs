//! What the calls of a run did: per call, how many succeeded and how many failed by which
//! error; per kind of reading, what the chain did with it.

use std::collections::BTreeMap;

/// Outcome counts by label, by outcome name ("ok" or the error's name).
#[derive(Clone, Debug, Default)]
pub struct Tally(pub BTreeMap<String, BTreeMap<String, u64>>);

impl Tally {
	/// Counts one `outcome` of `label`.
	pub fn add(&mut self, label: &str, outcome: &str) {
		*self.0.entry(label.to_string()).or_default().entry(outcome.to_string()).or_default() += 1;
	}

	/// Adds another tally's counts.
	pub fn merge(&mut self, other: &Tally) {
		for (label, outcomes) in &other.0 {
			for (outcome, count) in outcomes {
				*self.0.entry(label.clone()).or_default().entry(outcome.clone()).or_default() +=
					count;
			}
		}
	}

	/// How many outcomes of `label` were `outcome`.
	pub fn count(&self, label: &str, outcome: &str) -> u64 {
		self.0.get(label).and_then(|outcomes| outcomes.get(outcome)).copied().unwrap_or(0)
	}

	/// All counted outcomes.
	pub fn total(&self) -> u64 {
		self.0.values().flat_map(|outcomes| outcomes.values()).sum()
	}

	/// The labels none of whose outcomes was "ok".
	pub fn never_ok(&self) -> Vec<&str> {
		self.0
			.iter()
			.filter(|(_, outcomes)| !outcomes.contains_key("ok"))
			.map(|(label, _)| label.as_str())
			.collect()
	}

	/// A table: label, total, ok, and the failures by name, most frequent first.
	pub fn table(&self, heading: &str) -> String {
		let width = self.0.keys().map(String::len).max().unwrap_or(0).max(heading.len());
		let mut out = format!("{heading:<width$} {:>8} {:>8}  failures by error\n", "total", "ok");
		for (label, outcomes) in &self.0 {
			let total: u64 = outcomes.values().sum();
			let ok = outcomes.get("ok").copied().unwrap_or(0);
			let mut failures: Vec<(&String, &u64)> =
				outcomes.iter().filter(|(name, _)| name.as_str() != "ok").collect();
			failures.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
			let failures: Vec<String> =
				failures.iter().map(|(name, count)| format!("{name} {count}")).collect();
			out += &format!("{label:<width$} {total:>8} {ok:>8}  {}\n", failures.join(", "));
		}
		out
	}
}
