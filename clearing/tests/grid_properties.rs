//! Properties of merit-order matching on a grid, over random radial grids and books: no
//! element carries more than its room either way, no order trades more than it has, every
//! pair crosses with its path's charges, and with unlimited room and zero charges the matches
//! are the unconstrained ones exactly.

use energy_clearing::{
	clear, clear_on_grid,
	grid::{Element, ElementId, Grid, MAX_DEPTH},
	grid_matching::{merit_order_matches, Sited},
	grid_uniform, uniform_price, Bid, ClearingRule, Offer, Price, Trade, Wh,
};
use proptest::prelude::*;
use std::collections::BTreeMap;

/// A random radial tree: element `i` hangs from an earlier one; ids are not indexes.
fn grid(limited: bool) -> impl Strategy<Value = Vec<Element>> {
	let room = if limited { (0u64..6_000).boxed() } else { Just(Wh::MAX).boxed() };
	let charge = if limited { (0u128..30).boxed() } else { Just(0u128).boxed() };
	prop::collection::vec((any::<prop::sample::Index>(), room.clone(), room, charge), 1..25)
		.prop_map(|shape| {
			// Each element hangs from an earlier one that is not at the deepest level.
			let mut depth: Vec<u32> = Vec::new();
			let mut elements = Vec::new();
			for (i, (parent, up_wh, down_wh, charge)) in shape.into_iter().enumerate() {
				let open: Vec<usize> = (0..i).filter(|&j| depth[j] < MAX_DEPTH).collect();
				let parent = (i > 0).then(|| open[parent.index(open.len())]);
				depth.push(parent.map_or(0, |p| depth[p] + 1));
				elements.push(Element {
					id: 100 + 7 * i as ElementId,
					parent: parent.map(|p| 100 + 7 * p as ElementId),
					up_wh,
					down_wh,
					charge,
				});
			}
			elements
		})
}

/// Sited orders from (Wh, price, point) triples, ids handed out across both sides in placement
/// order, as the pallet does.
fn sited<P>(
	bids: Vec<(Wh, Price, P)>,
	offers: Vec<(Wh, Price, P)>,
	point: impl Fn(P) -> ElementId,
) -> (Vec<Sited<Bid>>, Vec<Sited<Offer>>) {
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
}

/// A book whose orders sit at random elements of a grid of `size` elements.
fn book(size: usize) -> impl Strategy<Value = (Vec<Sited<Bid>>, Vec<Sited<Offer>>)> {
	let order = (0u64..3_000, 0u128..=100, 0..size);
	(prop::collection::vec(order.clone(), 0..30), prop::collection::vec(order, 0..30))
		.prop_map(|(bids, offers)| sited(bids, offers, |at| 100 + 7 * at as ElementId))
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
		for (element, used) in elements.iter().zip(&matched.used) {
			let (up, down) = flow.get(&element.id).copied().unwrap_or_default();
			prop_assert!(up <= element.up_wh && down <= element.down_wh, "over the room");
			prop_assert_eq!(*used, (up, down), "use as traded");
		}
	}
}

proptest! {
	#[test]
	fn uniform_price_on_an_unlimited_free_grid_is_the_unconstrained_rule_exactly(
		(elements, bids, offers) in grid_and_book(false)
	) {
		let grid = Grid::new(elements).expect("a tree");
		let plain_bids: Vec<Bid> = bids.iter().map(|s| s.order).collect();
		let plain_offers: Vec<Offer> = offers.iter().map(|s| s.order).collect();
		let without = uniform_price::clear(&plain_bids, &plain_offers);
		let on_grid = grid_uniform::clear(&grid, &bids, &offers).expect("points known");
		let Some(on_grid) = on_grid else {
			prop_assert!(without.trades.is_empty() && without.mcp.is_none());
			return Ok(());
		};
		prop_assert!(on_grid.prices.iter().all(|p| *p == without.mcp));
		let trades: Vec<Trade> = on_grid
			.trades
			.iter()
			.map(|t| {
				assert_eq!(t.buyer_price, t.seller_price);
				Trade { bid: t.bid, offer: t.offer, wh: t.wh, price: t.buyer_price }
			})
			.collect();
		prop_assert_eq!(trades, without.trades);
	}

	#[test]
	fn uniform_price_on_a_grid_keeps_every_net_flow_within_the_room(
		(elements, bids, offers) in grid_and_book(true)
	) {
		let grid = Grid::new(elements.clone()).expect("a tree");
		if let Some(cleared) = grid_uniform::clear(&grid, &bids, &offers).expect("points known") {
			for (element, flow) in elements.iter().zip(&cleared.flows) {
				prop_assert!(*flow <= element.up_wh as i128 && -*flow <= element.down_wh as i128);
			}
		}
	}

	#[test]
	fn nodal_prices_clear_within_the_room_and_pay_the_grid_what_the_paths_cost(
		(elements, bids, offers) in grid_and_book(true)
	) {
		let grid = Grid::new(elements.clone()).expect("a tree");
		let Some(cleared) = grid_uniform::nodal(&grid, &bids, &offers).expect("points known")
		else {
			// Nothing trades: then no bid is above any offer it could reach for free at its
			// own point.
			for bid in &bids {
				for offer in offers.iter().filter(|o| o.point == bid.point && o.order.wh > 0) {
					prop_assert!(bid.order.wh == 0 || bid.order.price < offer.order.price);
				}
			}
			return Ok(());
		};
		let by_id: BTreeMap<ElementId, (usize, Element)> =
			elements.iter().enumerate().map(|(i, e)| (e.id, (i, *e))).collect();
		let bid_at: BTreeMap<u32, Sited<Bid>> = bids.iter().map(|s| (s.order.id, *s)).collect();
		let offer_at: BTreeMap<u32, Sited<Offer>> =
			offers.iter().map(|s| (s.order.id, *s)).collect();
		let price = |id: ElementId| cleared.prices[by_id[&id].0];
		let mut crossing: BTreeMap<ElementId, (Wh, Wh)> = BTreeMap::new();
		let mut bought: BTreeMap<u32, Wh> = BTreeMap::new();
		let mut sold: BTreeMap<u32, Wh> = BTreeMap::new();
		for trade in &cleared.trades {
			let (bid, offer) = (bid_at[&trade.bid], offer_at[&trade.offer]);
			prop_assert!(trade.wh > 0);
			*bought.entry(trade.bid).or_default() += trade.wh;
			*sold.entry(trade.offer).or_default() += trade.wh;
			prop_assert_eq!(Some(trade.buyer_price), price(bid.point));
			prop_assert_eq!(Some(trade.seller_price), price(offer.point));
			prop_assert!(trade.buyer_price <= bid.order.price, "a buyer pays at most its bid");
			prop_assert!(trade.seller_price >= offer.order.price, "a seller gets its reserve");
			let (up, down) = crossed(&elements, offer.point, bid.point);
			let charge: Price = up.iter().chain(&down).map(|id| by_id[id].1.charge).sum();
			prop_assert!(
				trade.buyer_price >= trade.seller_price + charge,
				"the grid is paid the path's charges"
			);
			for id in up {
				crossing.entry(id).or_default().0 += trade.wh;
			}
			for id in down {
				crossing.entry(id).or_default().1 += trade.wh;
			}
		}
		for (i, element) in elements.iter().enumerate() {
			let flow = cleared.flows[i];
			prop_assert!(flow <= element.up_wh as i128 && -flow <= element.down_wh as i128);
			// Energy flows the way the prices say, and a price gap beyond the charge only
			// where the element is full.
			if let (Some(parent), Some(here)) = (element.parent, cleared.prices[i]) {
				if let Some(there) = price(parent) {
					let (here, there, charge) = (here as i128, there as i128, element.charge as i128);
					let (full_up, full_down) =
						(flow == element.up_wh as i128, -flow == element.down_wh as i128);
					if flow > 0 {
						prop_assert!(there - here >= charge && (full_up || there - here == charge));
					} else if flow < 0 {
						prop_assert!(here - there >= charge && (full_down || here - there == charge));
					} else {
						prop_assert!(there - here <= charge || full_up, "export would pay");
						prop_assert!(here - there <= charge || full_down, "import would pay");
					}
				}
			}
			// The trades cross each element exactly by its net flow, one way.
			let (up, down) = crossing.get(&element.id).copied().unwrap_or_default();
			prop_assert_eq!((up as i128, down as i128), (flow.max(0), (-flow).max(0)));
		}
		// Served and unserved orders agree with their points' prices.
		for bid in &bids {
			let served = bought.get(&bid.order.id).copied().unwrap_or(0);
			prop_assert!(served <= bid.order.wh);
			if let Some(p) = price(bid.point) {
				if bid.order.price > p {
					prop_assert_eq!(served, bid.order.wh, "a bid above its price is served");
				}
				if bid.order.price < p {
					prop_assert_eq!(served, 0, "a bid below its price is not");
				}
			}
		}
		for offer in &offers {
			let used = sold.get(&offer.order.id).copied().unwrap_or(0);
			prop_assert!(used <= offer.order.wh);
			match price(offer.point) {
				Some(p) if offer.order.price < p => {
					prop_assert_eq!(used, offer.order.wh, "an offer below its price is used")
				},
				Some(p) if offer.order.price > p => prop_assert_eq!(used, 0),
				None => prop_assert_eq!(used, 0),
				_ => {},
			}
		}
	}
}

fn rule() -> impl Strategy<Value = ClearingRule> {
	prop_oneof![
		Just(ClearingRule::AverageBid),
		Just(ClearingRule::UniformPrice),
		Just(ClearingRule::PayAsBid)
	]
}

proptest! {
	#[test]
	fn every_rule_on_an_unlimited_free_grid_is_the_rule_without_a_grid(
		(elements, bids, offers) in grid_and_book(false),
		rule in rule(),
	) {
		let grid = Grid::new(elements).expect("a tree");
		let plain_bids: Vec<Bid> = bids.iter().map(|s| s.order).collect();
		let plain_offers: Vec<Offer> = offers.iter().map(|s| s.order).collect();
		let without = clear(rule, &plain_bids, &plain_offers);
		let on_grid = clear_on_grid(rule, &grid, &bids, &offers).expect("points known");
		prop_assert_eq!(on_grid.rule, rule);
		prop_assert_eq!(on_grid.mcp, without.mcp);
		let trades: Vec<Trade> = on_grid
			.trades
			.iter()
			.map(|t| {
				assert_eq!(t.buyer_price, t.seller_price, "no charge, no congestion");
				Trade { bid: t.bid, offer: t.offer, wh: t.wh, price: t.buyer_price }
			})
			.collect();
		prop_assert_eq!(trades, without.trades);
		prop_assert_eq!(on_grid.to_grid(), 0);
	}

	#[test]
	fn every_rule_on_a_grid_stays_within_the_room_the_bids_and_the_reserves(
		(elements, bids, offers) in grid_and_book(true),
		rule in rule(),
	) {
		let grid = Grid::new(elements.clone()).expect("a tree");
		let cleared = clear_on_grid(rule, &grid, &bids, &offers).expect("points known");
		let by_id: BTreeMap<ElementId, Element> = elements.iter().map(|e| (e.id, *e)).collect();
		let bid_at: BTreeMap<u32, Sited<Bid>> = bids.iter().map(|s| (s.order.id, *s)).collect();
		let offer_at: BTreeMap<u32, Sited<Offer>> =
			offers.iter().map(|s| (s.order.id, *s)).collect();
		let mut net: BTreeMap<ElementId, i128> = BTreeMap::new();
		for trade in &cleared.trades {
			let (bid, offer) = (bid_at[&trade.bid], offer_at[&trade.offer]);
			let (up, down) = crossed(&elements, offer.point, bid.point);
			let charge: Price = up.iter().chain(&down).map(|id| by_id[id].charge).sum();
			prop_assert!(trade.buyer_price <= bid.order.price, "within the bid");
			prop_assert!(trade.seller_price >= offer.order.price, "at least the reserve");
			prop_assert!(trade.buyer_price >= trade.seller_price + charge, "the path is paid");
			for id in up {
				*net.entry(id).or_default() += trade.wh as i128;
			}
			for id in down {
				*net.entry(id).or_default() -= trade.wh as i128;
			}
		}
		for element in &elements {
			let flow = net.get(&element.id).copied().unwrap_or(0);
			prop_assert!(flow <= element.up_wh as i128 && -flow <= element.down_wh as i128);
		}
		for loading in &cleared.loading {
			let element = by_id[&loading.element];
			prop_assert!(loading.up_wh <= element.up_wh && loading.down_wh <= element.down_wh);
		}
		prop_assert_eq!(cleared.paid(), cleared.received() + cleared.to_grid());
	}
}

/// A grid and book at the limits of the types: any room, charge, price and quantity.
fn extreme() -> impl Strategy<Value = (Vec<Element>, Vec<Sited<Bid>>, Vec<Sited<Offer>>)> {
	let room = prop_oneof![Just(0u64), Just(u64::MAX), any::<u64>()];
	let price = prop_oneof![Just(0u128), Just(u128::MAX), any::<u128>(), 0u128..100];
	let elements = prop::collection::vec(
		(any::<prop::sample::Index>(), room.clone(), room, price.clone()),
		1..8,
	)
	.prop_map(|shape| {
		shape
			.into_iter()
			.enumerate()
			.map(|(i, (parent, up_wh, down_wh, charge))| Element {
				id: i as ElementId,
				parent: (i > 0).then(|| parent.index(i) as ElementId),
				up_wh,
				down_wh,
				charge,
			})
			.collect::<Vec<_>>()
	});
	let order = (prop_oneof![Just(u64::MAX), any::<u64>()], price, any::<prop::sample::Index>());
	(elements, prop::collection::vec(order.clone(), 0..8), prop::collection::vec(order, 0..8))
		.prop_map(|(elements, bids, offers)| {
			let size = elements.len();
			let (bids, offers) =
				sited(bids, offers, |at: prop::sample::Index| at.index(size) as ElementId);
			(elements, bids, offers)
		})
}

proptest! {
	#[test]
	fn extreme_rooms_charges_prices_and_quantities_neither_panic_nor_break_a_limit(
		(elements, bids, offers) in extreme(),
		rule in rule(),
	) {
		let grid = Grid::new(elements).expect("a tree");
		let cleared = clear_on_grid(rule, &grid, &bids, &offers).expect("points known");
		let bid_at: BTreeMap<u32, Bid> = bids.iter().map(|s| (s.order.id, s.order)).collect();
		let offer_at: BTreeMap<u32, Offer> = offers.iter().map(|s| (s.order.id, s.order)).collect();
		for trade in &cleared.trades {
			prop_assert!(trade.buyer_price <= bid_at[&trade.bid].price);
			prop_assert!(trade.seller_price >= offer_at[&trade.offer].price);
			prop_assert!(trade.buyer_price >= trade.seller_price);
		}
		for (element, loading) in grid.elements().iter().zip(&cleared.loading) {
			prop_assert!(loading.up_wh <= element.up_wh && loading.down_wh <= element.down_wh);
		}
	}
}
