//! The figures of a run: each member's energy and money against its baseline, and the
//! community's totals.

use serde::Serialize;

use crate::{community::Community, ledger::Ledger, run::RunOutput};

/// µCEUR → CEUR.
fn ceur(micro: f64) -> f64 {
	micro / 1_000_000.0
}

/// Wh → kWh.
fn kwh(wh: u64) -> f64 {
	wh as f64 / 1_000.0
}

/// One member over the span. Energy in kWh, money in CEUR.
#[derive(Clone, Debug, Serialize)]
pub struct MemberSummary {
	/// Name in the community file.
	pub name: String,
	/// `consumer` or `prosumer`.
	pub role: &'static str,
	/// `forecast`, `fixed` or `none`.
	pub strategy: String,
	/// Metered import of its consumption meter.
	pub imported_kwh: f64,
	/// Metered export of its production meter.
	pub exported_kwh: f64,
	/// Delivered to it peer-to-peer.
	pub bought_p2p_kwh: f64,
	/// What it paid for that.
	pub paid_p2p: f64,
	/// Delivered to it beyond its consumption in the same slot (paid, not used).
	pub bought_beyond_consumption_kwh: f64,
	/// The rest of its import, bought from the utility at the retail tariff of its hour.
	pub from_utility_kwh: f64,
	/// What that cost.
	pub utility_cost: f64,
	/// Delivered by it peer-to-peer.
	pub sold_p2p_kwh: f64,
	/// What it received for that.
	pub received_p2p: f64,
	/// Bought from it by the utility at feed-in.
	pub fed_in_kwh: f64,
	/// What the utility paid.
	pub fed_in_received: f64,
	/// Paid from its offers' deposits for energy it sold but did not deliver.
	pub penalties_paid: f64,
	/// Received for energy it bought but was not delivered.
	pub penalties_received: f64,
	/// Paid by the DSO for the import reductions it delivered.
	pub flexibility_received: f64,
	/// Paid from its bonds for committed reductions it did not deliver.
	pub flexibility_penalties: f64,
	/// Transaction fees it paid (accepting flexibility requests).
	pub fees: f64,
	/// `utility_cost + paid_p2p − received_p2p − fed_in_received + penalties_paid −
	/// penalties_received − flexibility_received + flexibility_penalties + fees`.
	pub net_cost: f64,
	/// All import at the retail tariff of its hour, all export at the feed-in tariff.
	pub baseline: f64,
	/// `baseline − net_cost` (positive: better off).
	pub saving: f64,
	/// Why it is worse off than its baseline, if it is.
	pub worse_off_because: Option<String>,
}

/// The community over the span. Energy in kWh, money in CEUR, power in kW.
#[derive(Clone, Debug, Serialize)]
pub struct CommunitySummary {
	/// The clearing rule.
	pub rule: String,
	/// Members, and how many have a PV roof.
	pub members: usize,
	/// Members with a PV roof.
	pub prosumers: usize,
	/// Sum of the members' net costs.
	pub net_cost: f64,
	/// Sum of their baselines.
	pub baseline: f64,
	/// `baseline − net_cost`.
	pub saving: f64,
	/// `saving / |baseline|`, percent.
	pub saving_percent: f64,
	/// What the PV owners received (P2P, feed-in, less penalties paid).
	pub pv_owners_revenue: f64,
	/// What their export would have earned at feed-in alone.
	pub pv_owners_feed_in_only: f64,
	/// Metered consumption.
	pub consumption_kwh: f64,
	/// Metered PV export.
	pub pv_kwh: f64,
	/// Delivered peer-to-peer.
	pub p2p_kwh: f64,
	/// Of that, delivered within the buyer's consumption of the hour (`Σ min(bought, import)`):
	/// what replaced purchases from the utility.
	pub p2p_used_kwh: f64,
	/// Delivered where a member's own bid matched its own offer (it paid itself).
	pub self_traded_kwh: f64,
	/// Sum of the PV owners' savings (as sellers and as buyers).
	pub pv_owners_saving: f64,
	/// Traded at clearing but not delivered.
	pub shortfall_kwh: f64,
	/// Share of the consumption covered by peer-to-peer deliveries it used
	/// (`p2p_used_kwh / consumption_kwh`), percent.
	pub market_self_sufficiency_percent: f64,
	/// Share of the PV export sold peer-to-peer, percent.
	pub market_self_consumption_percent: f64,
	/// Share of the consumption the community's own PV covered physically in its hour
	/// (`Σ min(load, PV)`), percent: what trading can at most reach.
	pub physical_self_sufficiency_percent: f64,
	/// The highest hourly net import of the community from the grid (`load − PV`): the same
	/// with and without the market, which moves money, not electrons.
	pub peak_net_import_kw: f64,
	/// The highest hourly energy bought from the utility (import not covered by P2P).
	pub peak_utility_purchase_kw: f64,
	/// Mean market clearing price over the cleared slots with trades, CEUR/kWh.
	pub mean_clearing_price: Option<f64>,
	/// Slots with trades.
	pub slots_with_trades: usize,
	/// Members worse off than their baseline.
	pub worse_off: Vec<String>,
}

/// The figures of one run.
#[derive(Clone, Debug, Serialize)]
pub struct RunSummary {
	/// The community's totals.
	pub community: CommunitySummary,
	/// Each member's.
	pub members: Vec<MemberSummary>,
}

/// The tariff of slot index `index` (µCEUR/kWh): the community's table by hour of day.
pub fn tariff_of(community: &Community, ledger: &Ledger, index: usize) -> (f64, f64) {
	let hour = (ledger.first_slot as usize + index) % 24;
	let (retail, feed_in) = community.file.tariff.of_hour(hour);
	(retail as f64, feed_in as f64)
}

/// A member's baseline over the span from its metered energy, µCEUR.
pub fn baseline_micro(community: &Community, ledger: &Ledger, member: usize) -> f64 {
	(0..ledger.slots.len()).map(|slot| slot_baseline_micro(community, ledger, member, slot)).sum()
}

/// Member `member`'s baseline in slot index `slot`, µCEUR: its import at the slot's retail
/// tariff less its export at the feed-in tariff.
pub fn slot_baseline_micro(
	community: &Community,
	ledger: &Ledger,
	member: usize,
	slot: usize,
) -> f64 {
	let (retail, feed_in) = tariff_of(community, ledger, slot);
	let record = &ledger.members[member];
	(record.import_wh[slot] as f64 * retail - record.export_wh[slot] as f64 * feed_in) / 1_000.0
}

/// The figures of `run`.
pub fn summarise(community: &Community, run: &RunOutput) -> RunSummary {
	let ledger = &run.ledger;
	let slots = ledger.slots.len();
	let members: Vec<MemberSummary> = community
		.members
		.iter()
		.enumerate()
		.map(|(index, member)| member_summary(community, ledger, index, member))
		.collect();
	let sum = |f: fn(&MemberSummary) -> f64| members.iter().map(f).sum::<f64>();
	let (net_cost, baseline) = (sum(|m| m.net_cost), sum(|m| m.baseline));
	let prosumers: Vec<&MemberSummary> = members.iter().filter(|m| m.role == "prosumer").collect();
	let pv_owners_revenue = prosumers
		.iter()
		.map(|m| m.received_p2p + m.fed_in_received - m.penalties_paid)
		.sum::<f64>();
	let mut pv_owners_feed_in_only = 0.0;
	let (mut physical, mut peak_net, mut peak_purchase) = (0.0f64, 0.0f64, 0.0f64);
	for index in 0..slots {
		let (_, feed_in) = tariff_of(community, ledger, index);
		let load: u64 = ledger.members.iter().map(|m| m.import_wh[index]).sum();
		let pv: u64 = ledger.members.iter().map(|m| m.export_wh[index]).sum();
		let purchase: u64 = ledger
			.members
			.iter()
			.map(|m| m.import_wh[index].saturating_sub(m.bought_wh[index]))
			.sum();
		pv_owners_feed_in_only += ceur(pv as f64 * feed_in / 1_000.0);
		physical += load.min(pv) as f64;
		peak_net = peak_net.max(load as f64 - pv as f64);
		peak_purchase = peak_purchase.max(purchase as f64);
	}
	let consumption = sum(|m| m.imported_kwh);
	let pv = sum(|m| m.exported_kwh);
	let p2p = sum(|m| m.bought_p2p_kwh);
	let p2p_used = p2p - sum(|m| m.bought_beyond_consumption_kwh);
	let traded: Vec<f64> = ledger
		.slots
		.iter()
		.filter(|slot| slot.volume_wh > 0)
		.filter_map(|slot| slot.mcp.map(|p| p as f64 / 1_000_000.0))
		.collect();
	let percent = |part: f64, whole: f64| if whole > 0.0 { 100.0 * part / whole } else { 0.0 };
	let community_summary = CommunitySummary {
		rule: crate::rule_name(run.rule).to_owned(),
		members: members.len(),
		prosumers: prosumers.len(),
		net_cost,
		baseline,
		saving: baseline - net_cost,
		saving_percent: percent(baseline - net_cost, baseline.abs()),
		pv_owners_revenue,
		pv_owners_feed_in_only,
		consumption_kwh: consumption,
		pv_kwh: pv,
		p2p_kwh: p2p,
		p2p_used_kwh: p2p_used,
		self_traded_kwh: kwh(ledger.self_traded_wh),
		pv_owners_saving: prosumers.iter().map(|m| m.saving).sum(),
		shortfall_kwh: kwh(ledger.slots.iter().map(|s| s.flows.shortfall_wh).sum()),
		market_self_sufficiency_percent: percent(p2p_used, consumption),
		market_self_consumption_percent: percent(p2p, pv),
		physical_self_sufficiency_percent: percent(physical / 1_000.0, consumption),
		peak_net_import_kw: peak_net / 1_000.0,
		peak_utility_purchase_kw: peak_purchase / 1_000.0,
		mean_clearing_price: (!traded.is_empty())
			.then(|| traded.iter().sum::<f64>() / traded.len() as f64),
		slots_with_trades: ledger.slots.iter().filter(|s| s.trades > 0).count(),
		worse_off: members
			.iter()
			.filter(|m| m.worse_off_because.is_some())
			.map(|m| m.name.clone())
			.collect(),
	};
	RunSummary { community: community_summary, members }
}

fn member_summary(
	community: &Community,
	ledger: &Ledger,
	index: usize,
	member: &crate::community::Member,
) -> MemberSummary {
	let record = &ledger.members[index];
	let (mut utility_wh, mut utility_cost, mut beyond_wh, mut avoided, mut export_value) =
		(0u64, 0.0, 0u64, 0.0, 0.0);
	for slot in 0..ledger.slots.len() {
		let (retail, feed_in) = tariff_of(community, ledger, slot);
		let (import, bought) = (record.import_wh[slot], record.bought_wh[slot]);
		let from_utility = import.saturating_sub(bought);
		utility_wh += from_utility;
		utility_cost += from_utility as f64 * retail / 1_000.0;
		beyond_wh += bought.saturating_sub(import);
		avoided += bought.min(import) as f64 * retail / 1_000.0;
		export_value += record.export_wh[slot] as f64 * feed_in / 1_000.0;
	}
	// What the member paid for energy bought: the sellers' price and the network charges.
	let paid = (record.paid + record.charges_paid) as f64;
	let received = record.received as f64;
	let fed_in = record.fed_in_received as f64;
	let (penalties_paid, penalties_received) =
		(record.penalties_paid as f64, record.penalties_received as f64);
	let flexibility = record.flexibility_received as f64 - record.flexibility_penalties as f64;
	let fees = record.fees as f64;
	let flexibility_penalties_and_fees = fees - flexibility;
	let net =
		utility_cost + paid - received - fed_in + penalties_paid - penalties_received - flexibility
			+ fees;
	let baseline = baseline_micro(community, ledger, index);
	// net − baseline = (paid − retail avoided) − (sales − export at feed-in) + net penalties
	// + flexibility bonds and fees − what the DSO paid.
	let causes = [
		(
			paid - avoided,
			format!(
				"paid {:.2} more for its P2P purchases than the retail price of the part it used \
				 ({:.1} kWh were delivered beyond its consumption in their hours)",
				ceur(paid - avoided),
				kwh(beyond_wh)
			),
		),
		(
			export_value - received - fed_in,
			format!(
				"received {:.2} less for its export than feed-in alone would have paid",
				ceur(export_value - received - fed_in)
			),
		),
		(
			flexibility_penalties_and_fees,
			format!(
				"paid {:.2} in flexibility bonds and fees beyond what the DSO paid it",
				ceur(flexibility_penalties_and_fees)
			),
		),
		(
			penalties_paid - penalties_received,
			format!(
				"paid {:.2} net in penalties for offered energy its roof did not produce",
				ceur(penalties_paid - penalties_received)
			),
		),
	];
	// Half a cent of rounding is not "worse off".
	let worse_off = net - baseline > 5_000.0;
	let because = worse_off.then(|| {
		let mut causes: Vec<&(f64, String)> = causes.iter().filter(|(c, _)| *c > 0.0).collect();
		causes.sort_by(|a, b| b.0.total_cmp(&a.0));
		causes.iter().map(|(_, why)| why.as_str()).collect::<Vec<_>>().join("; ")
	});
	let sum = |v: &Vec<u64>| kwh(v.iter().sum());
	MemberSummary {
		name: member.spec.name.clone(),
		role: if member.spec.is_prosumer() { "prosumer" } else { "consumer" },
		strategy: format!("{:?}", member.spec.strategy).to_lowercase(),
		imported_kwh: sum(&record.import_wh),
		exported_kwh: sum(&record.export_wh),
		bought_p2p_kwh: sum(&record.bought_wh),
		paid_p2p: ceur(paid),
		bought_beyond_consumption_kwh: kwh(beyond_wh),
		from_utility_kwh: kwh(utility_wh),
		utility_cost: ceur(utility_cost),
		sold_p2p_kwh: sum(&record.sold_wh),
		received_p2p: ceur(received),
		fed_in_kwh: sum(&record.fed_in_wh),
		fed_in_received: ceur(fed_in),
		penalties_paid: ceur(penalties_paid),
		penalties_received: ceur(penalties_received),
		flexibility_received: ceur(record.flexibility_received as f64),
		flexibility_penalties: ceur(record.flexibility_penalties as f64),
		fees: ceur(fees),
		net_cost: ceur(net),
		baseline: ceur(baseline),
		saving: ceur(baseline - net),
		worse_off_because: because,
	}
}
