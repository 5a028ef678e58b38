//! Plans per second on a home's day: every plan on a different day (import prices and PV
//! scaled per slot by a seeded generator), so no two plans search the same tree.

use anyhow::{anyhow, Result};
use energy_ems::{Appliance, Day};
use rand::{Rng, SeedableRng};
use std::{fmt::Write, time::Instant};

/// Times `plans` plans of `appliances` on variations of `day`; returns the report.
pub fn run(appliances: &[Appliance], day: &Day, plans: usize) -> Result<String> {
	let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(2016);
	let days: Vec<Day> = (0..plans)
		.map(|_| {
			let mut d = day.clone();
			for t in 0..d.import_price.len() {
				let scaled = d.import_price[t] as f64 * rng.gen_range(0.8..1.2);
				d.import_price[t] = (scaled as i64).max(d.export_price[t]);
				d.pv_wh[t] = (d.pv_wh[t] as f64 * rng.gen_range(0.5..1.5)) as u64;
			}
			d
		})
		.collect();
	let started = Instant::now();
	let (mut nodes, mut max_nodes, mut proven) = (0u64, 0u64, 0usize);
	for d in &days {
		let plan = energy_ems::plan(appliances, d).map_err(|e| anyhow!("{e:?}"))?;
		nodes += plan.nodes;
		max_nodes = max_nodes.max(plan.nodes);
		proven += usize::from(plan.proven_optimal);
	}
	let seconds = started.elapsed().as_secs_f64();
	let mut out = String::new();
	writeln!(
		out,
		"{plans} plans of {} appliances × {} slots in {seconds:.2} s: {:.0} plans/s \
		 ({:.0} µs per plan); search nodes mean {:.0}, max {max_nodes}; \
		 proven optimal {proven} of {plans}",
		appliances.len(),
		day.import_price.len(),
		plans as f64 / seconds,
		seconds * 1e6 / plans as f64,
		nodes as f64 / plans as f64,
	)?;
	Ok(out)
}
