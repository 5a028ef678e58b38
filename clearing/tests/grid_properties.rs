//! Properties of merit-order matching on a grid, over random radial grids and books: no
//! element carries more than its room either way, no order trades more than it has, every
//! pair crosses with its path's charges, and with unlimited room and zero charges the matches
//! are the unconstrained ones exactly.

use energy_clearing::{
	grid::{Element, ElementId, Grid},
	grid_matching::{merit_order_matches, Sited},
	uniform_price, Bid, Offer, Price, Wh,
};
use proptest::prelude::*;
use std::collections::BTreeMap;

/// A random radial tree: element `i` hangs from an earlier one; ids are not indexes.
fn grid(limited: bool) -> impl Strategy<Value = Vec<Element>> {
	let room = if limited { (0u64..6_000).boxed() } else { Just(Wh::MAX).boxed() };
	let charge = if limited { (0u128..30).boxed() } else { Just(0u128).boxed() };
	prop::collection::vec((any::<prop::sample::Index>(), room.clone(), room, charge), 1..25)
		.prop_map(|shape| {
			shape
				.into_iter()
				.enumerate()
				.map(|(i, (parent, up_wh, down_wh, charge))| Element {
					id: 100 + 7 * i as ElementId,
					parent: (i > 0).then(|| 100 + 7 * parent.index(i) as ElementId),
					up_wh,
					down_wh,
					charge,
				})
				.collect()
		})
}

/// A book whose orders sit at random elements of a grid of `size` elements.
fn book(size: usize) -> impl Strategy<Value = (Vec<Sited<Bid>>, Vec<Sited<Offer>>)> {
	let order = (0u64..3_000, 0u128..=100, 0..size);
	(prop::collection::vec(order.clone(), 0..30), prop::collection::vec(order, 0..30)).prop_map(
		|(bids, offers)| {
			let point = |at: usize| 100 + 7 * at as ElementId;
			let bids = bids
				.into_iter()
				.enumerate()
				.map(|(i, (wh, price, at))| Sited {
					order: Bid { id: 2 * i as u32, wh, price },
					point: point(at),
				})
				.collect();
			let offers = offers
				.into_iter()
				.enumerate()
				.map(|(i, (wh, price, at))| Sited {
					order: Offer { id: 2 * i as u32 + 1, wh, price },
					point: point(at),
				})
				.collect();
			(bids, offers)
		},
	)
}

fn grid_and_book(
	limited: bool,
) -> impl Strategy<Value = (Vec<Element>, Vec<Sited<Bid>>, Vec<Sited<Offer>>)> {
	grid(limited).prop_flat_map(|elements| {
		let size = elements.len();
		(Just(elements), book(size)).prop_map(|(elements, (bids, offers))| (elements, bids, offers))
	})
}

/// The chain of ids from `id` up to the root, `id` first (written apart from `Grid::path`).
fn ancestors(elements: &[Element], id: ElementId) -> Vec<ElementId> {
	let parent: BTreeMap<ElementId, Option<ElementId>> =
		elements.iter().map(|e| (e.id, e.parent)).collect();
	let mut chain = vec![id];
	while let Some(Some(up)) = parent.get(chain.last().expect("never empty")) {
		chain.push(*up);
	}
	chain
}

/// The elements a trade from `from` to `to` crosses: (up, down), below the common ancestor.
fn crossed(
	elements: &[Element],
	from: ElementId,
	to: ElementId,
) -> (Vec<ElementId>, Vec<ElementId>) {
	let (seller, buyer) = (ancestors(elements, from), ancestors(elements, to));
	let common = *seller.iter().find(|id| buyer.contains(id)).expect("one tree");
	let below =
		|chain: &[ElementId]| chain.iter().take_while(|&&id| id != common).copied().collect();
	(below(&seller), below(&buyer))
}

proptest! {
	#[test]
	fn unlimited_room_and_no_charges_match_exactly_as_without_a_grid(
		(elements, bids, offers) in grid_and_book(false)
	) {
		let grid = Grid::new(elements).expect("a tree");
		let on_grid = merit_order_matches(&grid, &bids, &offers).expect("points known");
		let plain_bids: Vec<Bid> = bids.iter().map(|s| s.order).collect();
		let plain_offers: Vec<Offer> = offers.iter().map(|s| s.order).collect();
		let without: Vec<_> = uniform_price::merit_order_matches(&plain_bids, &plain_offers);
		let on_grid: Vec<_> = on_grid.matches.iter().map(|m| m.matched).collect();
		prop_assert_eq!(on_grid, without);
	}

	#[test]
	fn no_element_carries_more_than_its_room_and_no_order_trades_more_than_it_has(
		(elements, bids, offers) in grid_and_book(true)
	) {
		let grid = Grid::new(elements.clone()).expect("a tree");
		let matched = merit_order_matches(&grid, &bids, &offers).expect("points known");
		let bid_at: BTreeMap<u32, Sited<Bid>> = bids.iter().map(|s| (s.order.id, *s)).collect();
		let offer_at: BTreeMap<u32, Sited<Offer>> =
			offers.iter().map(|s| (s.order.id, *s)).collect();
		let by_id: BTreeMap<ElementId, Element> = elements.iter().map(|e| (e.id, *e)).collect();
		let mut flow: BTreeMap<ElementId, (Wh, Wh)> = BTreeMap::new();
		let mut bought: BTreeMap<u32, Wh> = BTreeMap::new();
		let mut sold: BTreeMap<u32, Wh> = BTreeMap::new();
		for m in &matched.matches {
			let (bid, offer) = (bid_at[&m.matched.bid.id], offer_at[&m.matched.offer.id]);
			prop_assert!(m.matched.wh > 0, "empty match");
			*bought.entry(bid.order.id).or_default() += m.matched.wh;
			*sold.entry(offer.order.id).or_default() += m.matched.wh;
			let (up, down) = crossed(&elements, offer.point, bid.point);
			let charge: Price = up.iter().chain(&down).map(|id| by_id[id].charge).sum();
			prop_assert_eq!(m.charge, charge, "the charge is the path's");
			prop_assert!(offer.order.price + charge <= bid.order.price, "the pair crosses");
			for id in up {
				flow.entry(id).or_default().0 += m.matched.wh;
			}
			for id in down {
				flow.entry(id).or_default().1 += m.matched.wh;
			}
		}
		for bid in &bids {
			prop_assert!(bought.get(&bid.order.id).copied().unwrap_or(0) <= bid.order.wh);
		}
		for offer in &offers {
			prop_assert!(sold.get(&offer.order.id).copied().unwrap_or(0) <= offer.order.wh);
		}
		for loading in &matched.loading {
			let element = by_id[&loading.element];
			let (up, down) = flow.get(&element.id).copied().unwrap_or_default();
			prop_assert!(up <= element.up_wh && down <= element.down_wh, "over the room");
			prop_assert_eq!((loading.up_wh, loading.down_wh), (up, down), "loading as traded");
		}
	}
}
