//! The contiguous appliances, placed by branch and bound; the split ones by the flow at each
//! leaf.
//!
//! Appliances with one possible start are placed first. The search then fixes one contiguous
//! appliance per level, largest energy first, trying its starts cheapest first on the load
//! placed so far, so the first leaf is the greedy plan. A node is cut when a lower bound on every
//! leaf below it is no better than the best leaf found. The bounds, cheapest first, all resting
//! on the convexity of the slot cost (an appliance's added cost only grows as others join its
//! slots):
//! 1. every appliance still to place, alone on the load placed so far;
//! 2. everything imported, less the most the surplus within reach could save;
//! 3. a Lagrangian bound at the surplus values of the nearest flow above (`Search::lagrangian`);
//! 4. the relaxation's flow, contiguous appliances allowed to split, which also gives the
//!    surplus values handed down to the node's subtree.
//!
//! No bound overestimates, so the search is exact; it stops early only at its node budget, and
//! then says so.

use crate::{
	cost::SlotPrices,
	flow::{cheapest_alone, place_all, place_split, SplitDemand},
	types::{MilliUnits, Wh},
};
use alloc::{vec, vec::Vec};

/// The node budget of one plan: far above what any home of the example's size needs (the
/// benchmark prints the nodes it takes), small enough to bound a plan's time on a wallet.
pub const NODE_BUDGET: u64 = 200_000;

/// A contiguous appliance as the search sees it.
pub struct ContiguousDemand<'a> {
	/// Slots where its run may start.
	pub starts: &'a [usize],
	/// Its energy per slot of the run.
	pub profile: &'a [Wh],
}

impl ContiguousDemand<'_> {
	/// Every slot one of its runs covers: where its relaxation may put energy.
	fn reach(&self) -> Vec<usize> {
		let mut slots: Vec<usize> =
			self.starts.iter().flat_map(|&s| s..s + self.profile.len()).collect();
		slots.sort_unstable();
		slots.dedup();
		slots
	}
}

/// The best placement found.
pub struct Found {
	/// Start slot of each contiguous demand, in the order given.
	pub starts: Vec<usize>,
	/// Energy per slot of each split demand, in the order given.
	pub split_loads: Vec<Vec<Wh>>,
	/// Whether the search finished (the plan is optimal) rather than hitting its budget.
	pub proven_optimal: bool,
	/// Nodes visited.
	pub nodes: u64,
}

struct Search<'a> {
	prices: &'a SlotPrices,
	contiguous: &'a [ContiguousDemand<'a>],
	split: &'a [SplitDemand<'a>],
	/// Each contiguous demand's slots, for its relaxation.
	reach: Vec<Vec<usize>>,
	/// Each contiguous demand's cheapest cost if every Wh were imported.
	import_only: Vec<MilliUnits>,
	/// The split demands' cheapest cost if every Wh were imported.
	split_import_only: MilliUnits,
	/// For each level, the most energy per slot the demands still to place could take there.
	reachable_cap: Vec<Vec<Wh>>,
	order: Vec<usize>,
	chosen: Vec<usize>,
	best: Option<(MilliUnits, Vec<usize>, Vec<Vec<Wh>>)>,
	nodes: u64,
	budget: u64,
}

impl Search<'_> {
	fn added(&self, net: &[i64], demand: &ContiguousDemand, start: usize) -> MilliUnits {
		demand
			.profile
			.iter()
			.enumerate()
			.map(|(j, &wh)| self.prices.added_cost(start + j, net[start + j], wh))
			.sum()
	}

	/// The second bound: every appliance still to place, the contiguous ones allowed to split
	/// (any energy up to their power in any slot a run of theirs covers), placed together by
	/// the flow. A relaxation, so never above the true added cost; unlike the first bound, it
	/// shares the PV surplus among them instead of giving all of it to each.
	fn relaxed_flow(&self, level: usize, net: &[i64]) -> (MilliUnits, Vec<i64>) {
		let mut demands: Vec<SplitDemand> = self.order[level..]
			.iter()
			.map(|&i| {
				let d = &self.contiguous[i];
				SplitDemand {
					slots: &self.reach[i],
					cap: d.profile.iter().copied().max().unwrap_or(0),
					energy: d.profile.iter().sum(),
				}
			})
			.collect();
		demands.extend(self.split.iter().copied());
		// A demand with no surplus in reach interacts with none: its cheapest placement alone
		// is its part of the relaxation, and the flow is left with the others.
		let (shared, apart): (Vec<SplitDemand>, Vec<SplitDemand>) =
			demands.into_iter().partition(|d| d.slots.iter().any(|&t| net[t] < 0));
		let apart: MilliUnits = apart.iter().map(|d| cheapest_alone(self.prices, net, d)).sum();
		let placement = place_split(self.prices, net, &shared, true);
		let mut total = net.to_vec();
		for load in &placement.loads {
			for (t, &wh) in load.iter().enumerate() {
				total[t] += wh as i64;
			}
		}
		let added = apart + self.prices.profile_cost(&total) - self.prices.profile_cost(net);
		(added, placement.surplus_value)
	}

	/// The third bound (Lagrangian): price every slot with surplus at its export price plus
	/// `surplus_value` (any value between 0 and import − export), every other slot at its
	/// import price; place every appliance still to place alone at those linear prices —
	/// contiguous ones as one run — and give back `surplus_value × surplus`. For every total
	/// `X` added to a slot with surplus `s`, `import × X − (import − export) × min(s, X)` is at
	/// least `(export + value) × X − value × s`, so this never overestimates; with the values
	/// of the relaxation's flow it is as tight as the flow and, keeping runs whole, often
	/// tighter. It costs as little as the first bound, so the flow's values are handed down
	/// the tree.
	fn lagrangian(&self, level: usize, net: &[i64], surplus_value: &[i64]) -> MilliUnits {
		let price: Vec<i64> = (0..net.len())
			.map(|t| {
				if net[t] < 0 {
					self.prices.export[t] + surplus_value[t]
				} else {
					self.prices.import[t]
				}
			})
			.collect();
		let rebate: MilliUnits = (0..net.len())
			.filter(|&t| net[t] < 0)
			.map(|t| i128::from(surplus_value[t]) * i128::from(-net[t]))
			.sum();
		let at = |t: usize, wh: Wh| i128::from(price[t]) * i128::from(wh);
		let contiguous: MilliUnits = self.order[level..]
			.iter()
			.map(|&i| {
				let d = &self.contiguous[i];
				let run = |s: usize| -> MilliUnits {
					d.profile.iter().enumerate().map(|(j, &wh)| at(s + j, wh)).sum()
				};
				d.starts.iter().map(|&s| run(s)).min().unwrap_or(0)
			})
			.sum();
		let split: MilliUnits = self
			.split
			.iter()
			.map(|d| {
				let mut slots: Vec<usize> = d.slots.to_vec();
				slots.sort_unstable_by_key(|&t| price[t]);
				let mut left = d.energy;
				let mut cost = 0;
				for t in slots {
					let wh = left.min(d.cap);
					cost += at(t, wh);
					left -= wh;
				}
				cost
			})
			.sum();
		contiguous + split - rebate
	}

	fn visit(&mut self, level: usize, net: &mut [i64], surplus_value: &[i64]) {
		if self.nodes >= self.budget {
			return;
		}
		self.nodes += 1;
		let leaf = level == self.order.len();
		let mut fresh = None;
		if let Some(best) = self.best.as_ref().map(|(cost, ..)| *cost) {
			let (bound, values) = self.bound(level, net, best, surplus_value);
			if bound >= best {
				return;
			}
			fresh = values;
		}
		if !leaf {
			return self.branch(level, net, fresh.as_deref().unwrap_or(surplus_value));
		}
		let loads = place_all(self.prices, net, self.split);
		let mut total = net.to_vec();
		for load in &loads {
			for (t, &wh) in load.iter().enumerate() {
				total[t] += wh as i64;
			}
		}
		let cost = self.prices.profile_cost(&total);
		if self.best.as_ref().is_none_or(|(best, ..)| cost < *best) {
			self.best = Some((cost, self.chosen.clone(), loads));
		}
	}

	/// A lower bound on every leaf below this node, computed only as far as needed to reach
	/// `best`: the cheap bounds first, the relaxation's flow (not at a leaf, which places the
	/// split appliances exactly next) only if they do not cut.
	fn bound(
		&self,
		level: usize,
		net: &[i64],
		best: MilliUnits,
		surplus_value: &[i64],
	) -> (MilliUnits, Option<Vec<i64>>) {
		let placed = self.prices.profile_cost(net);
		// Every appliance alone on the load placed so far.
		let alone: MilliUnits = self.order[level..]
			.iter()
			.map(|&i| {
				let d = &self.contiguous[i];
				d.starts.iter().map(|&s| self.added(net, d, s)).min().unwrap_or(0)
			})
			.sum::<MilliUnits>()
			+ self.split.iter().map(|d| cheapest_alone(self.prices, net, d)).sum::<MilliUnits>();
		// Everything imported, less the most the surplus could save: a bound that shares
		// the surplus among the appliances still to place.
		let import_only: MilliUnits =
			self.order[level..].iter().map(|&i| self.import_only[i]).sum();
		let saving: MilliUnits = (0..net.len())
			.map(|t| {
				let delta = i128::from(self.prices.import[t] - self.prices.export[t]);
				let surplus = (-net[t]).max(0) as Wh;
				delta * i128::from(surplus.min(self.reachable_cap[level][t]))
			})
			.sum();
		let lagrangian = self.lagrangian(level, net, surplus_value);
		let cheap =
			placed + alone.max(import_only + self.split_import_only - saving).max(lagrangian);
		// Without surplus within reach the appliances do not interact: the cheap bounds are
		// already the relaxation's best. With two contiguous appliances or fewer left, the
		// subtree is cheaper to search than the flow is to solve (callgrind, the example home:
		// 9 % fewer instructions per plan than solving it down to the last level).
		if cheap >= best || saving == 0 || level + 2 >= self.order.len() {
			return (cheap, None);
		}
		let (relaxed, values) = self.relaxed_flow(level, net);
		(cheap.max(placed + relaxed), Some(values))
	}

	/// Tries every start of the level's appliance, cheapest first.
	fn branch(&mut self, level: usize, net: &mut [i64], surplus_value: &[i64]) {
		let i = self.order[level];
		let demand = &self.contiguous[i];
		let mut children: Vec<(MilliUnits, usize)> =
			demand.starts.iter().map(|&s| (self.added(net, demand, s), s)).collect();
		// Cheapest first; among equals, the one the window opens first.
		children.sort_by_key(|&(cost, _)| cost);
		for (_, start) in children {
			for (j, &wh) in demand.profile.iter().enumerate() {
				net[start + j] += wh as i64;
			}
			self.chosen[i] = start;
			self.visit(level + 1, net, surplus_value);
			for (j, &wh) in demand.profile.iter().enumerate() {
				net[start + j] -= wh as i64;
			}
		}
	}
}

/// Places every demand on top of `net` at the least total cost.
pub fn search(
	prices: &SlotPrices,
	net: &[i64],
	contiguous: &[ContiguousDemand],
	split: &[SplitDemand],
	budget: u64,
) -> Found {
	let n = net.len();
	let energy = |d: &ContiguousDemand| d.profile.iter().sum::<Wh>();
	// Appliances with one possible start are placed before the search.
	let mut net = net.to_vec();
	let mut chosen = vec![0; contiguous.len()];
	for (i, d) in contiguous.iter().enumerate() {
		chosen[i] = d.starts[0];
		if d.starts.len() == 1 {
			for (j, &wh) in d.profile.iter().enumerate() {
				net[d.starts[0] + j] += wh as i64;
			}
		}
	}
	let mut order: Vec<usize> =
		(0..contiguous.len()).filter(|&i| contiguous[i].starts.len() > 1).collect();
	order.sort_by_key(|&i| core::cmp::Reverse(energy(&contiguous[i])));
	let reach: Vec<Vec<usize>> = contiguous.iter().map(ContiguousDemand::reach).collect();
	let import_cost = |t: usize, wh: Wh| i128::from(prices.import[t]) * i128::from(wh);
	let import_only = contiguous
		.iter()
		.map(|d| {
			let at = |s: usize| {
				d.profile.iter().enumerate().map(|(j, &wh)| import_cost(s + j, wh)).sum()
			};
			d.starts.iter().map(|&s| at(s)).min().unwrap_or(0)
		})
		.collect();
	// On a net load without surplus, the cheapest placement alone is all imported.
	let no_surplus = vec![0; n];
	let split_import_only = split.iter().map(|d| cheapest_alone(prices, &no_surplus, d)).sum();
	let mut reachable_cap = vec![vec![0; n]; order.len() + 1];
	for level in 0..=order.len() {
		for d in split {
			for &t in d.slots {
				reachable_cap[level][t] += d.cap;
			}
		}
		for &i in &order[level..] {
			let cap = contiguous[i].profile.iter().copied().max().unwrap_or(0);
			for &t in &reach[i] {
				reachable_cap[level][t] += cap;
			}
		}
	}
	let mut search = Search {
		prices,
		contiguous,
		split,
		reach,
		import_only,
		split_import_only,
		reachable_cap,
		order,
		chosen,
		best: None,
		nodes: 0,
		budget: budget.max(contiguous.len() as u64 + 1),
	};
	let (_, surplus_value) = search.relaxed_flow(0, &net);
	search.visit(0, &mut net, &surplus_value);
	let proven_optimal = search.nodes < search.budget;
	let nodes = search.nodes;
	// The first descent reaches a leaf within the budget (budget > levels), so `best` is set.
	let (_, starts, split_loads) = search.best.unwrap_or_default();
	Found { starts, split_loads, proven_optimal, nodes }
}
