//! The distribution grid as the clearing sees it for one slot: a radial tree of elements, each
//! with the energy it can still carry in the slot in each direction and its network charge.
//!
//! An element stands for the branch that joins its subtree to its parent: a transformer, a
//! feeder's head, a connection point's service line. The root stands for the community's
//! connection to the upstream grid; a trade inside the community never crosses it. The energy
//! of a trade flows from the seller's connection point up to the lowest element the two points
//! share (their lowest common ancestor, which it does not cross) and down to the buyer's point:
//! it crosses every element strictly below that ancestor on both sides, *up* on the seller's
//! side and *down* on the buyer's (the DC approximation of a radial grid, without losses). Two
//! orders at the same point cross nothing.

use crate::{Price, Wh};
use alloc::{collections::BTreeMap, vec::Vec};

/// Identifier of a grid element, as the topology's keeper (the DSO) numbers them.
pub type ElementId = u32;

/// The direction energy crosses an element in.
#[derive(
	Clone, Copy, Debug, Eq, Ord, PartialEq, PartialOrd, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
	/// Out of the element's subtree, towards its parent (the subtree exports).
	Up,
	/// From the parent into the element's subtree (the subtree imports).
	Down,
}

/// One element of the tree, with what it can carry in one slot.
#[derive(Clone, Copy, Debug, Eq, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Element {
	/// The element's id.
	pub id: ElementId,
	/// The element it hangs from; `None` for the root.
	pub parent: Option<ElementId>,
	/// Energy the element can carry out of its subtree in the slot, Wh.
	pub up_wh: Wh,
	/// Energy the element can carry into its subtree in the slot, Wh.
	pub down_wh: Wh,
	/// The network charge for each kWh that crosses the element, either way, per kWh.
	#[serde(default)]
	pub charge: Price,
}

/// The most elements a grid may have: the matching remembers pairs of points, the nodal
/// prices visit every element for each price they try.
pub const MAX_ELEMENTS: usize = 1_024;

/// The most levels below the root: the nodal prices evaluate an element at up to `2^depth`
/// prices. A distribution grid is a few levels deep (substation, transformer, feeder, lateral,
/// connection point).
pub const MAX_DEPTH: u32 = 8;

/// The energy an element rated `w` watts carries in a slot of `slot_ms` milliseconds, Wh
/// (rounded down, in 128-bit arithmetic, at most `Wh::MAX`): how a DSO's capacity becomes a
/// slot's room, for the chain and the CLI alike.
pub fn energy_in_slot(w: u64, slot_ms: u64) -> Wh {
	let wh = u128::from(w).saturating_mul(u128::from(slot_ms)) / 3_600_000;
	Wh::try_from(wh).unwrap_or(Wh::MAX)
}

/// Why a list of elements is not a radial tree the clearing takes.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub enum GridError {
	/// No element, so no root.
	Empty,
	/// More than [`MAX_ELEMENTS`] elements.
	TooManyElements,
	/// This element is more than [`MAX_DEPTH`] levels below the root.
	TooDeep(ElementId),
	/// Two elements share this id.
	DuplicateElement(ElementId),
	/// More than one element has no parent; the second one found.
	SecondRoot(ElementId),
	/// This element's parent is not in the list.
	UnknownParent(ElementId),
	/// This element is its own ancestor.
	Cycle(ElementId),
}

/// The path of a trade's energy: the elements it crosses, each with its direction.
#[derive(Clone, Debug, Default, Eq, PartialEq)]
pub struct Path {
	/// Indexes (into [`Grid::elements`]) of the elements crossed upwards, seller's point first.
	pub up: Vec<usize>,
	/// Indexes of the elements crossed downwards, buyer's point first.
	pub down: Vec<usize>,
}

impl Path {
	/// Every element crossed, with the direction it is crossed in.
	pub fn crossings(&self) -> impl Iterator<Item = (usize, Direction)> + '_ {
		let up = self.up.iter().map(|&element| (element, Direction::Up));
		up.chain(self.down.iter().map(|&element| (element, Direction::Down)))
	}
}

/// A validated radial tree.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Grid {
	elements: Vec<Element>,
	index: BTreeMap<ElementId, usize>,
	/// Each element's parent, as an index.
	parent: Vec<Option<usize>>,
	/// Each element's distance from the root.
	depth: Vec<u32>,
}

impl Grid {
	/// Checks that `elements` form one radial tree (unique ids, one root, known parents, no
	/// cycle) within [`MAX_ELEMENTS`] and [`MAX_DEPTH`], and indexes it.
	pub fn new(elements: Vec<Element>) -> Result<Self, GridError> {
		if elements.len() > MAX_ELEMENTS {
			return Err(GridError::TooManyElements);
		}
		let mut index = BTreeMap::new();
		let mut root = None;
		for (at, element) in elements.iter().enumerate() {
			if index.insert(element.id, at).is_some() {
				return Err(GridError::DuplicateElement(element.id));
			}
			if element.parent.is_none() {
				if root.is_some() {
					return Err(GridError::SecondRoot(element.id));
				}
				root = Some(at);
			}
		}
		if root.is_none() {
			return Err(match elements.first() {
				None => GridError::Empty,
				// Every element has a parent: following parents from any of them must loop.
				Some(element) => GridError::Cycle(element.id),
			});
		}
		let mut parent = Vec::with_capacity(elements.len());
		for element in &elements {
			parent.push(match element.parent {
				None => None,
				Some(id) => Some(*index.get(&id).ok_or(GridError::UnknownParent(element.id))?),
			});
		}
		// Depths by walking up; a walk longer than the element count has met a cycle.
		let mut depth = alloc::vec![u32::MAX; elements.len()];
		for start in 0..elements.len() {
			let mut chain = Vec::new();
			let mut at = start;
			while depth[at] == u32::MAX {
				chain.push(at);
				if chain.len() > elements.len() {
					return Err(GridError::Cycle(elements[start].id));
				}
				match parent[at] {
					Some(up) => at = up,
					None => {
						depth[at] = 0;
						chain.pop();
						break;
					},
				}
			}
			let mut next = depth[at];
			for &element in chain.iter().rev() {
				next += 1;
				depth[element] = next;
			}
		}
		if let Some(at) = depth.iter().position(|&d| d > MAX_DEPTH) {
			return Err(GridError::TooDeep(elements[at].id));
		}
		Ok(Grid { elements, index, parent, depth })
	}

	/// The elements, in the order given.
	pub fn elements(&self) -> &[Element] {
		&self.elements
	}

	/// The index of element `id`, if it is in the grid.
	pub fn index_of(&self, id: ElementId) -> Option<usize> {
		self.index.get(&id).copied()
	}

	/// The number of elements on the longest way down from the root, the root not counted.
	pub fn depth(&self) -> u32 {
		self.depth.iter().copied().max().unwrap_or(0)
	}

	/// The parent of element `element` (an index), as an index; `None` for the root.
	pub fn parent(&self, element: usize) -> Option<usize> {
		self.parent.get(element).copied().flatten()
	}

	/// The path from the seller's point `from` to the buyer's point `to` (indexes); see the
	/// module documentation.
	pub fn path(&self, from: usize, to: usize) -> Path {
		let mut path = Path::default();
		self.for_each_crossing(from, to, |element, direction| match direction {
			Direction::Up => path.up.push(element),
			Direction::Down => path.down.push(element),
		});
		path
	}

	/// Calls `visit` with every element the energy from point `from` to point `to` crosses,
	/// and its direction, in [`Grid::path`]'s order within each direction, without allocating:
	/// the matching looks at many paths for each one it takes.
	pub fn for_each_crossing(
		&self,
		from: usize,
		to: usize,
		mut visit: impl FnMut(usize, Direction),
	) {
		let (mut a, mut b) = (from, to);
		while self.depth[a] > self.depth[b] {
			visit(a, Direction::Up);
			a = self.parent_of(a);
		}
		while self.depth[b] > self.depth[a] {
			visit(b, Direction::Down);
			b = self.parent_of(b);
		}
		while a != b {
			visit(a, Direction::Up);
			visit(b, Direction::Down);
			a = self.parent_of(a);
			b = self.parent_of(b);
		}
	}

	/// The sum of the charges on the path from `from` to `to`, per kWh: [`Grid::charge`] of
	/// [`Grid::path`], without building the path.
	pub fn charge_between(&self, from: usize, to: usize) -> Price {
		let mut sum: Price = 0;
		self.for_each_crossing(from, to, |element, _| {
			sum = sum.saturating_add(self.elements[element].charge)
		});
		sum
	}

	/// The sum of the charges of the elements on `path`, per kWh.
	pub fn charge(&self, path: &Path) -> Price {
		path.crossings()
			.fold(0, |sum: Price, (element, _)| sum.saturating_add(self.elements[element].charge))
	}

	/// The parent of a non-root element (every element on a path below the common ancestor has
	/// one).
	fn parent_of(&self, element: usize) -> usize {
		self.parent[element].unwrap_or(element)
	}
}

/// What the trades cleared so far have used of each element, per direction, against its
/// headroom. Flows are gross: energy crossing an element one way does not free room the other
/// way, so every prefix of the cleared trades is feasible and a trade once cleared is never
/// undone by a later one.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Ledger<'a> {
	grid: &'a Grid,
	/// Energy cleared across each element, (up, down), Wh.
	used: Vec<(Wh, Wh)>,
}

impl<'a> Ledger<'a> {
	/// Nothing used yet.
	pub fn new(grid: &'a Grid) -> Self {
		Ledger { grid, used: alloc::vec![(0, 0); grid.elements.len()] }
	}

	/// What `element` can still carry in `direction`, Wh.
	pub fn room(&self, element: usize, direction: Direction) -> Wh {
		let (element_info, used) = (&self.grid.elements[element], self.used[element]);
		match direction {
			Direction::Up => element_info.up_wh.saturating_sub(used.0),
			Direction::Down => element_info.down_wh.saturating_sub(used.1),
		}
	}

	/// The least room on `path` and the element that has it; `None` for an empty path (no
	/// limit).
	pub fn bottleneck(&self, path: &Path) -> Option<(usize, Direction, Wh)> {
		path.crossings()
			.map(|(element, direction)| (element, direction, self.room(element, direction)))
			.min_by_key(|&(_, _, room)| room)
	}

	/// The least room on the path from `from` to `to`: [`Ledger::bottleneck`]'s room, without
	/// building the path; `None` for an empty path (no limit).
	pub fn room_between(&self, from: usize, to: usize) -> Option<Wh> {
		let mut least: Option<Wh> = None;
		self.grid.for_each_crossing(from, to, |element, direction| {
			let room = self.room(element, direction);
			least = Some(least.map_or(room, |least| least.min(room)));
		});
		least
	}

	/// Clears `wanted` Wh along `path`, trimmed to its room; returns what was cleared.
	pub fn clear(&mut self, path: &Path, wanted: Wh) -> Wh {
		let cleared = self.bottleneck(path).map_or(wanted, |(_, _, room)| wanted.min(room));
		for (element, direction) in path.crossings() {
			let used = match direction {
				Direction::Up => &mut self.used[element].0,
				Direction::Down => &mut self.used[element].1,
			};
			*used += cleared;
		}
		cleared
	}

	/// Energy cleared across each element, (up, down), in the grid's order.
	pub fn used(&self) -> &[(Wh, Wh)] {
		&self.used
	}
}

/// Each element's net flow (export positive) under `trades`: (seller's point, buyer's point,
/// Wh), points as indexes.
pub fn net_flows(grid: &Grid, trades: impl Iterator<Item = (usize, usize, Wh)>) -> Vec<i128> {
	let mut flows = alloc::vec![0i128; grid.elements.len()];
	for (from, to, wh) in trades {
		for (element, direction) in grid.path(from, to).crossings() {
			let wh = i128::from(wh);
			flows[element] += if direction == Direction::Up { wh } else { -wh };
		}
	}
	flows
}

/// Each element's loading: the flows `used` each way, and the cut: how far the net flow the
/// book `asked` of the element (under its rule without a grid; export positive) goes beyond
/// its room. Missing entries count as zero.
pub fn loading(grid: &Grid, used: &[(Wh, Wh)], asked: &[i128]) -> Vec<Loading> {
	let beyond =
		|value: i128, room: Wh| Wh::try_from((value - i128::from(room)).max(0)).unwrap_or(Wh::MAX);
	grid.elements
		.iter()
		.enumerate()
		.map(|(at, element)| {
			let (up, down) = used.get(at).copied().unwrap_or_default();
			let asked = asked.get(at).copied().unwrap_or(0);
			Loading {
				element: element.id,
				up_wh: up,
				down_wh: down,
				cut_up_wh: beyond(asked, element.up_wh),
				cut_down_wh: beyond(-asked, element.down_wh),
			}
		})
		.collect()
}

/// What the cleared trades put on one element in the slot.
#[derive(
	Clone,
	Copy,
	Debug,
	codec::Decode,
	codec::DecodeWithMemTracking,
	Default,
	codec::Encode,
	Eq,
	codec::MaxEncodedLen,
	PartialEq,
	scale_info::TypeInfo,
	serde::Serialize,
	serde::Deserialize,
)]
pub struct Loading {
	/// The element.
	pub element: ElementId,
	/// Energy cleared out of its subtree, Wh.
	pub up_wh: Wh,
	/// Energy cleared into its subtree, Wh.
	pub down_wh: Wh,
	/// How far the net export the book asked of it (its rule's clearing without a grid) went
	/// beyond its room, Wh: what the element cut.
	pub cut_up_wh: Wh,
	/// How far the net import asked of it went beyond its room, Wh.
	pub cut_down_wh: Wh,
}

impl Loading {
	/// Whether the element cut anything: it bound the clearing.
	pub fn binding(&self) -> bool {
		self.cut_up_wh > 0 || self.cut_down_wh > 0
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::test_orders::element;

	/// Root 0; transformers 1 and 2; feeder 3 under 1, feeder 4 under 2; points 5, 6 on feeder
	/// 3 and 7 on feeder 4.
	fn two_transformers() -> Grid {
		Grid::new(alloc::vec![
			element(0, None, 0, 0),
			element(1, Some(0), 1_000, 5),
			element(2, Some(0), 1_000, 5),
			element(3, Some(1), 800, 2),
			element(4, Some(2), 800, 2),
			element(5, Some(3), 500, 1),
			element(6, Some(3), 500, 1),
			element(7, Some(4), 500, 1),
		])
		.expect("a tree")
	}

	fn ids(grid: &Grid, indexes: &[usize]) -> Vec<ElementId> {
		indexes.iter().map(|&i| grid.elements()[i].id).collect()
	}

	#[test]
	fn a_path_climbs_to_the_common_ancestor_and_descends_without_crossing_it() {
		let grid = two_transformers();
		assert_eq!(grid.depth(), 3);
		let at = |id| grid.index_of(id).expect("known");
		let across = grid.path(at(5), at(7));
		assert_eq!(
			(ids(&grid, &across.up), ids(&grid, &across.down)),
			(vec![5, 3, 1], vec![7, 4, 2])
		);
		assert_eq!(grid.charge(&across), 16);
		let same_feeder = grid.path(at(5), at(6));
		assert_eq!(
			(ids(&grid, &same_feeder.up), ids(&grid, &same_feeder.down)),
			(vec![5], vec![6])
		);
		assert_eq!(grid.charge(&same_feeder), 2);
		assert_eq!(grid.path(at(6), at(6)), Path::default());
		// A point trading with an element above it crosses only the way down (or up).
		let down = grid.path(at(1), at(6));
		assert_eq!((ids(&grid, &down.up), ids(&grid, &down.down)), (vec![], vec![6, 3]));
	}

	#[test]
	fn the_ledger_trims_to_the_bottleneck_and_the_loading_cuts_what_was_asked_beyond_the_room() {
		let grid = two_transformers();
		let at = |id| grid.index_of(id).expect("known");
		let mut ledger = Ledger::new(&grid);
		let across = grid.path(at(5), at(7));
		assert_eq!(ledger.clear(&across, 300), 300);
		// Points 5 and 7 have 200 Wh of room left.
		assert_eq!(ledger.clear(&across, 450), 200);
		assert_eq!(ledger.bottleneck(&across).map(|b| b.2), Some(0));
		// Energy the other way uses the other direction's room and frees none: point 5 stays
		// full upwards after 100 Wh come down to it.
		assert_eq!(ledger.clear(&grid.path(at(7), at(5)), 100), 100);
		assert_eq!(ledger.room(at(5), Direction::Down), 400);
		assert_eq!(ledger.room(at(5), Direction::Up), 0);
		assert_eq!(ledger.clear(&across, 1), 0);
		// The book asked 750 Wh out of point 5's subtree (room 500) and into point 7's.
		let mut asked = alloc::vec![0; grid.elements().len()];
		asked[at(5)] = 750;
		asked[at(7)] = -750;
		let loading = loading(&grid, ledger.used(), &asked);
		assert_eq!((loading[at(5)].up_wh, loading[at(5)].down_wh), (500, 100));
		assert_eq!((loading[at(5)].cut_up_wh, loading[at(7)].cut_down_wh), (250, 250));
		assert!(loading[at(5)].binding() && !loading[at(1)].binding());
		assert_eq!((loading[at(1)].up_wh, loading[at(2)].down_wh), (500, 500));
	}

	#[test]
	fn malformed_trees_are_refused_by_name() {
		assert_eq!(Grid::new(vec![]), Err(GridError::Empty));
		let duplicate = vec![element(0, None, 0, 0), element(0, Some(0), 0, 0)];
		assert_eq!(Grid::new(duplicate), Err(GridError::DuplicateElement(0)));
		let two_roots = vec![element(0, None, 0, 0), element(1, None, 0, 0)];
		assert_eq!(Grid::new(two_roots), Err(GridError::SecondRoot(1)));
		let orphan = vec![element(0, None, 0, 0), element(1, Some(9), 0, 0)];
		assert_eq!(Grid::new(orphan), Err(GridError::UnknownParent(1)));
		let cycle =
			vec![element(0, None, 0, 0), element(1, Some(2), 0, 0), element(2, Some(1), 0, 0)];
		assert_eq!(Grid::new(cycle), Err(GridError::Cycle(1)));
		let no_root = vec![element(1, Some(2), 0, 0), element(2, Some(1), 0, 0)];
		assert_eq!(Grid::new(no_root), Err(GridError::Cycle(1)));
		// A chain one level too deep, and one element too many.
		let chain: Vec<Element> =
			(0..=MAX_DEPTH + 1).map(|i| element(i, i.checked_sub(1), 0, 0)).collect();
		assert_eq!(Grid::new(chain.clone()), Err(GridError::TooDeep(MAX_DEPTH + 1)));
		assert!(Grid::new(chain[..chain.len() - 1].to_vec()).is_ok());
		let wide: Vec<Element> =
			(0..=MAX_ELEMENTS as u32).map(|i| element(i, (i > 0).then_some(0), 0, 0)).collect();
		assert_eq!(Grid::new(wide.clone()), Err(GridError::TooManyElements));
		assert!(Grid::new(wide[..MAX_ELEMENTS].to_vec()).is_ok());
	}
}
