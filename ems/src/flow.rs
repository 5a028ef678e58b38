//! The split appliances, placed exactly: a min-cost flow.
//!
//! Given the net load every other appliance leaves, the split appliances share the slots: each
//! sends its energy to the slots of its window, at most its power per slot, and every slot
//! passes what it receives on at its marginal price — the export price for as much as the slot's
//! surplus (a Wh consumed there is a Wh not sold), the import price beyond. Those two arcs per
//! slot are the slot's convex cost, so a minimum-cost flow is a cheapest placement of all split
//! appliances together (successive shortest paths; the graph is small: appliances + slots + 2).

use crate::{cost::SlotPrices, types::Wh};
use alloc::{vec, vec::Vec};

/// One split appliance as the flow sees it.
#[derive(Clone, Copy)]
pub struct SplitDemand<'a> {
	/// Its window's slots.
	pub slots: &'a [usize],
	/// Most energy per slot.
	pub cap: Wh,
	/// Energy in all.
	pub energy: Wh,
}

struct Edge {
	to: usize,
	cap: i64,
	cost: i64,
	rev: usize,
}

struct Graph {
	adj: Vec<Vec<Edge>>,
}

impl Graph {
	fn new(nodes: usize) -> Self {
		Self { adj: (0..nodes).map(|_| Vec::new()).collect() }
	}

	/// Adds an arc and its residual; returns the arc's index in `from`'s list.
	fn arc(&mut self, from: usize, to: usize, cap: i64, cost: i64) -> usize {
		let (i, j) = (self.adj[from].len(), self.adj[to].len());
		self.adj[from].push(Edge { to, cap, cost, rev: j });
		self.adj[to].push(Edge { to: from, cap: 0, cost: -cost, rev: i });
		i
	}

	/// Sends up to `want` from `s` to `t` along successive shortest paths. Returns what it sent.
	///
	/// Every arc costs nothing except those entering `t` (a slot's surplus or import), so a
	/// path's cost is its last arc's: the shortest path reaches, over arcs with capacity left,
	/// the slot with the cheapest arc into `t`. A breadth-first search finds it; no
	/// Bellman–Ford is needed although prices may be negative.
	fn min_cost_flow(&mut self, s: usize, t: usize, want: i64) -> i64 {
		let n = self.adj.len();
		let mut sent = 0;
		let mut seen = vec![false; n];
		let mut prev: Vec<Option<(usize, usize)>> = vec![None; n];
		let mut queue = alloc::collections::VecDeque::with_capacity(n);
		while sent < want {
			seen.fill(false);
			queue.clear();
			seen[s] = true;
			queue.push_back(s);
			let mut last: Option<(i64, usize, usize)> = None;
			while let Some(u) = queue.pop_front() {
				for (k, e) in self.adj[u].iter().enumerate() {
					if e.cap <= 0 {
						continue;
					}
					if e.to == t {
						if last.is_none_or(|(cost, ..)| e.cost < cost) {
							last = Some((e.cost, u, k));
						}
					} else if !seen[e.to] {
						seen[e.to] = true;
						prev[e.to] = Some((u, k));
						queue.push_back(e.to);
					}
				}
			}
			let Some((_, u, k)) = last else { break };
			let mut push = (want - sent).min(self.adj[u][k].cap);
			let mut v = u;
			while v != s {
				let Some((p, j)) = prev[v] else { break };
				push = push.min(self.adj[p][j].cap);
				v = p;
			}
			self.send(u, k, push);
			let mut v = u;
			while v != s {
				let Some((p, j)) = prev[v] else { break };
				self.send(p, j, push);
				v = p;
			}
			sent += push;
		}
		sent
	}

	/// After an optimal flow, what one more unit entering each node would cost to reach `t`:
	/// the cheapest arc into `t` with capacity left among the slots the node reaches over the
	/// residual graph's arcs, which cost nothing. These are the optimum's dual prices (at an
	/// optimum no arc out of `t` makes a cycle cheaper). Slots are taken cheapest arc first and
	/// each marks, backwards, every node that reaches it and is not yet marked.
	fn marginal_prices(&self, s: usize, t: usize) -> Vec<i64> {
		let n = self.adj.len();
		let mut own: Vec<(i64, usize)> = (0..n)
			.filter_map(|u| {
				let into_t = self.adj[u].iter().filter(|e| e.to == t && e.cap > 0);
				into_t.map(|e| e.cost).min().map(|cost| (cost, u))
			})
			.collect();
		own.sort_unstable();
		let mut marginal = vec![i64::MAX; n];
		let mut queue = alloc::collections::VecDeque::with_capacity(n);
		for (cost, u) in own {
			if marginal[u] != i64::MAX {
				continue;
			}
			marginal[u] = cost;
			queue.push_back(u);
			while let Some(x) = queue.pop_front() {
				for e in &self.adj[x] {
					let y = e.to;
					if y != s && y != t && marginal[y] == i64::MAX && self.adj[y][e.rev].cap > 0 {
						marginal[y] = cost;
						queue.push_back(y);
					}
				}
			}
		}
		marginal
	}

	/// Moves `amount` along arc `k` of `u` (and back along its residual).
	fn send(&mut self, u: usize, k: usize, amount: i64) {
		self.adj[u][k].cap -= amount;
		let (to, rev) = (self.adj[u][k].to, self.adj[u][k].rev);
		self.adj[to][rev].cap += amount;
	}
}

/// A cheapest placement, and what the surplus of each slot was worth in it.
pub struct Placement {
	/// Each demand's energy per slot.
	pub loads: Vec<Vec<Wh>>,
	/// Per slot, the price of a Wh of its surplus in the optimum (the dual of the surplus
	/// arc's capacity): between 0, where surplus was left over, and `import − export`, where
	/// every Wh of it was worth an imported one. The search prices slots with it (see
	/// `search`): any value in that range gives a lower bound, these give the best one here.
	pub surplus_value: Vec<i64>,
}

/// The cheapest placement of `demands` on top of `net`, with the surplus' values if `values`
/// (empty otherwise: they cost a pass over the residual graph).
///
/// Every demand is feasible on its own (its window holds its energy at its cap) and the slots'
/// import arcs are unbounded, so all energy is placed.
pub fn place_split(
	prices: &SlotPrices,
	net: &[i64],
	demands: &[SplitDemand],
	values: bool,
) -> Placement {
	let n = net.len();
	let m = demands.len();
	if m == 0 {
		return Placement { loads: Vec::new(), surplus_value: vec![0; n] };
	}
	// Only the slots some demand may use become nodes.
	let mut node_of_slot = vec![usize::MAX; n];
	let mut slots_used = Vec::new();
	for demand in demands {
		for &t in demand.slots {
			if node_of_slot[t] == usize::MAX {
				node_of_slot[t] = 1 + m + slots_used.len();
				slots_used.push(t);
			}
		}
	}
	let nodes = m + slots_used.len() + 2;
	let (source, sink) = (0, nodes - 1);
	let slot_node = |t: usize| node_of_slot[t];
	let mut graph = Graph::new(nodes);
	let total: i64 = demands.iter().map(|d| d.energy as i64).sum();
	let mut slot_arcs: Vec<Vec<(usize, usize)>> = Vec::with_capacity(m);
	for (i, demand) in demands.iter().enumerate() {
		graph.arc(source, 1 + i, demand.energy as i64, 0);
		let arcs =
			demand.slots.iter().map(|&t| (t, graph.arc(1 + i, slot_node(t), demand.cap as i64, 0)));
		slot_arcs.push(arcs.collect());
	}
	for &t in &slots_used {
		if net[t] < 0 {
			graph.arc(slot_node(t), sink, -net[t], prices.export[t]);
		}
		graph.arc(slot_node(t), sink, total, prices.import[t]);
	}
	graph.min_cost_flow(source, sink, total);
	let surplus_value = if values {
		let marginal = graph.marginal_prices(source, sink);
		(0..n)
			.map(|t| match node_of_slot[t] {
				usize::MAX => 0,
				node => (marginal[node] - prices.export[t])
					.clamp(0, prices.import[t] - prices.export[t]),
			})
			.collect()
	} else {
		Vec::new()
	};
	let loads = slot_arcs
		.iter()
		.enumerate()
		.map(|(i, arcs)| {
			let mut load = vec![0; n];
			for &(t, k) in arcs {
				let edge = &graph.adj[1 + i][k];
				load[t] = (demands[i].cap as i64 - edge.cap) as Wh;
			}
			load
		})
		.collect();
	Placement { loads, surplus_value }
}

/// The cheapest placement of one split demand alone on `net`: its window's marginal pieces
/// (the slot's surplus at the export price, the rest of its cap at the import price), cheapest
/// first. Returns the added cost and, if `load` is given, adds the placement to it. Exact for
/// a demand that shares no surplus with another (import is unbounded), and the search's bound
/// for one that does.
pub fn place_alone(
	prices: &SlotPrices,
	net: &[i64],
	demand: &SplitDemand,
	mut load: Option<&mut [Wh]>,
) -> i128 {
	let mut pieces: Vec<(i64, Wh, usize)> = Vec::with_capacity(2 * demand.slots.len());
	for &t in demand.slots {
		let surplus = (-net[t]).max(0) as Wh;
		let cheap = surplus.min(demand.cap);
		if cheap > 0 {
			pieces.push((prices.export[t], cheap, t));
		}
		if demand.cap > cheap {
			pieces.push((prices.import[t], demand.cap - cheap, t));
		}
	}
	pieces.sort_unstable();
	let mut left = demand.energy;
	let mut cost = 0i128;
	for (price, wh, t) in pieces {
		let take = left.min(wh);
		cost += i128::from(price) * i128::from(take);
		if let Some(load) = load.as_deref_mut() {
			load[t] += take;
		}
		left -= take;
		if left == 0 {
			break;
		}
	}
	cost
}

/// The added cost of [`place_alone`], without the placement.
pub fn cheapest_alone(prices: &SlotPrices, net: &[i64], demand: &SplitDemand) -> i128 {
	place_alone(prices, net, demand, None)
}

/// The cheapest placement of split demands that may share surplus (those with a surplus slot
/// in their window go to the flow, the others are placed alone, exactly): each demand's
/// energy per slot, in the order given.
pub fn place_all(prices: &SlotPrices, net: &[i64], demands: &[SplitDemand]) -> Vec<Vec<Wh>> {
	let shares = |d: &SplitDemand| d.slots.iter().any(|&t| net[t] < 0);
	let shared: Vec<SplitDemand> = demands.iter().copied().filter(|d| shares(d)).collect();
	let mut flowed = place_split(prices, net, &shared, false).loads.into_iter();
	demands
		.iter()
		.map(|d| {
			if shares(d) {
				flowed.next().unwrap_or_default()
			} else {
				let mut load = vec![0; net.len()];
				place_alone(prices, net, d, Some(&mut load));
				load
			}
		})
		.collect()
}
