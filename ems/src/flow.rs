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
	fn min_cost_flow(&mut self, s: usize, t: usize, want: i64) -> i64 {
		let n = self.adj.len();
		let mut sent = 0;
		while sent < want {
			// Shortest path by the queue-based Bellman–Ford (SPFA): arc costs may be negative
			// where prices are, and the graph is small.
			let mut dist = vec![i64::MAX; n];
			let mut prev: Vec<Option<(usize, usize)>> = vec![None; n];
			let mut queued = vec![false; n];
			let mut queue = alloc::collections::VecDeque::with_capacity(n);
			dist[s] = 0;
			queue.push_back(s);
			queued[s] = true;
			while let Some(u) = queue.pop_front() {
				queued[u] = false;
				for (k, e) in self.adj[u].iter().enumerate() {
					if e.cap > 0 && dist[u] + e.cost < dist[e.to] {
						dist[e.to] = dist[u] + e.cost;
						prev[e.to] = Some((u, k));
						if !queued[e.to] {
							queued[e.to] = true;
							queue.push_back(e.to);
						}
					}
				}
			}
			if dist[t] == i64::MAX {
				break;
			}
			let mut push = want - sent;
			let mut v = t;
			while let Some((u, k)) = prev[v] {
				push = push.min(self.adj[u][k].cap);
				v = u;
			}
			let mut v = t;
			while let Some((u, k)) = prev[v] {
				self.adj[u][k].cap -= push;
				let rev = self.adj[u][k].rev;
				self.adj[v][rev].cap += push;
				v = u;
			}
			sent += push;
		}
		sent
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

/// The cheapest placement of `demands` on top of `net`.
///
/// Every demand is feasible on its own (its window holds its energy at its cap) and the slots'
/// import arcs are unbounded, so all energy is placed.
pub fn place_split(prices: &SlotPrices, net: &[i64], demands: &[SplitDemand]) -> Placement {
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
	// Node potentials of the optimum: shortest distances in the residual graph from a virtual
	// source joined to every node (no negative cycle is left at an optimum).
	let mut potential = vec![0i64; nodes];
	let mut changed = true;
	while changed {
		changed = false;
		for u in 0..nodes {
			for e in &graph.adj[u] {
				if e.cap > 0 && potential[u] + e.cost < potential[e.to] {
					potential[e.to] = potential[u] + e.cost;
					changed = true;
				}
			}
		}
	}
	let surplus_value = (0..n)
		.map(|t| {
			if node_of_slot[t] == usize::MAX {
				return 0;
			}
			let marginal = potential[sink] - potential[slot_node(t)];
			(marginal - prices.export[t]).clamp(0, prices.import[t] - prices.export[t])
		})
		.collect();
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
	let mut flowed = place_split(prices, net, &shared).loads.into_iter();
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
