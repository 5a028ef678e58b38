//! The members' standing orders, from their strategies: the only orders of a simulation, placed
//! by the chain itself in every auction as it opens.

use energy_primitives::AccountId;
use pallet_market::{Side, StandingOrder, StandingQuantity};

use crate::{
	community::{micro, Community, Strategy},
	layout::Layout,
};

/// The standing orders of every member of `community`.
///
/// - `forecast`: a bid for the forecast import of the member's consumption meter at the lowest
///   retail tariff minus the bid margin (the member's own, else the file's), capped at its highest hourly consumption (what its
///   connection has to carry); a prosumer also offers its roof's forecast export at the
///   feed-in tariff plus the offer margin, capped at the nameplate's hour.
/// - `fixed`: the same prices for fixed energies: the member's mean hourly consumption, and the
///   roof's mean output over the hours it produces.
/// - `none`: no orders.
pub fn standing_orders(community: &Community, layout: &Layout) -> Vec<StandingOrder<AccountId>> {
	let prices = &community.file.prices;
	let tariff = &community.file.tariff;
	let mut orders = Vec::new();
	for (member, on_chain) in community.members.iter().zip(&layout.members) {
		let bid_margin = member.spec.bid_margin.unwrap_or(prices.bid_margin);
		let offer_margin = member.spec.offer_margin.unwrap_or(prices.offer_margin);
		let bid_price = tariff.lowest_retail().saturating_sub(micro(bid_margin));
		let offer_price = micro(tariff.feed_in + offer_margin);
		let owner = on_chain.account.clone();
		let peak = member.load_wh.iter().copied().max().unwrap_or(0).max(1);
		let bid = match member.spec.strategy {
			Strategy::None => continue,
			Strategy::Forecast => StandingQuantity::Forecast { meter: on_chain.consumption_meter },
			Strategy::Fixed => StandingQuantity::Fixed { wh: mean(&member.load_wh, false).max(1) },
		};
		orders.push(StandingOrder {
			owner: owner.clone(),
			side: Side::Bid { meter: on_chain.consumption_meter },
			price: bid_price,
			quantity: bid,
			cap_wh: peak,
			deposit: 0,
		});
		if let Some((res, meter)) = on_chain.res {
			let nameplate = layout.roofs[res as usize].watts;
			let offer = match member.spec.strategy {
				Strategy::Fixed => {
					StandingQuantity::Fixed { wh: mean(&member.pv_wh, true).clamp(1, nameplate) }
				},
				_ => StandingQuantity::Forecast { meter },
			};
			orders.push(StandingOrder {
				owner,
				side: Side::Offer { res },
				price: offer_price,
				quantity: offer,
				cap_wh: nameplate,
				deposit: 0,
			});
		}
	}
	orders
}

/// The mean of `values` (over the non-zero ones only if `nonzero`), rounded.
fn mean(values: &[u64], nonzero: bool) -> u64 {
	let counted: Vec<u64> = values.iter().copied().filter(|v| !nonzero || *v > 0).collect();
	if counted.is_empty() {
		return 0;
	}
	(counted.iter().sum::<u64>() as f64 / counted.len() as f64).round() as u64
}
