//! Conservation checks of a run: the runtime's events, its balances and its certificate
//! ledger must tell the same story. A failed check fails the simulation.

use std::collections::BTreeMap;

use energy_primitives::{MarketSlot, ResId};
use energy_runtime::Runtime;
use serde::Serialize;

use crate::{community::Community, run::RunOutput};

/// One check and its outcome.
#[derive(Clone, Debug, Serialize)]
pub struct Check {
	/// What is checked.
	pub name: &'static str,
	/// Whether it held.
	pub passed: bool,
	/// The figures compared, or the first violation.
	pub detail: String,
}

fn check(name: &'static str, passed: bool, detail: String) -> Check {
	Check { name, passed, detail }
}

/// Runs every check on `run`.
pub fn conservation(community: &Community, run: &mut RunOutput) -> Vec<Check> {
	let ledger = &run.ledger;
	let mut checks = Vec::new();

	// P2P money: what buyers paid is what sellers received, penalties likewise: the members'
	// balances together changed by exactly what the utility paid them at feed-in, and the
	// per-member sums agree with the trade events.
	let paid: u128 = ledger.members.iter().map(|m| m.paid).sum();
	let received: u128 = ledger.members.iter().map(|m| m.received).sum();
	let flows: u128 = ledger.slots.iter().map(|s| s.flows.paid).sum();
	// Network charges leave the members for the DSO.
	let charges: u128 = ledger.members.iter().map(|m| m.charges_paid).sum();
	let fed_in: i128 = ledger.members.iter().map(|m| m.fed_in_received as i128).sum();
	let flexibility: i128 = ledger
		.members
		.iter()
		.map(|m| m.flexibility_received as i128 - m.flexibility_penalties as i128 - m.fees as i128)
		.sum();
	let before: i128 = run.balances_before.iter().map(|b| *b as i128).sum();
	let accounts = run.accounts.clone();
	let after: i128 = accounts.iter().map(|a| run.chain.total_balance(a) as i128).sum();
	checks.push(check(
		"P2P money paid by buyers = received by sellers",
		after - before == fed_in + flexibility - charges as i128 && paid == received && paid == flows,
		format!(
			"paid {paid} µCEUR, received {received}, trade events {flows}; members' balances together {:+} µCEUR = feed-in {fed_in} + flexibility less fees {flexibility} − network charges {charges}",
			after - before
		),
	));

	// Each slot's `Settled` totals are the sums of its trade and feed-in events, and every
	// auctioned slot of the span settled.
	let mut mismatch = None;
	let mut unsettled = 0;
	for (index, slot) in ledger.slots.iter().enumerate() {
		match slot.settled {
			Some(settled) if settled != slot.flows => {
				mismatch.get_or_insert(format!(
					"slot {index}: Settled {settled:?} vs events {:?}",
					slot.flows
				));
			},
			None if slot.retail > 0 => unsettled += 1,
			_ => {},
		}
	}
	let totals = |f: fn(&crate::ledger::SettlementTotals) -> u128| -> u128 {
		ledger.slots.iter().map(|s| f(&s.flows)).sum()
	};
	checks.push(check(
		"P2P, feed-in and penalty totals = the runtime's Settled events",
		mismatch.is_none() && unsettled == 0,
		mismatch.unwrap_or_else(|| {
			format!(
				"{} slots; paid {} µCEUR, feed-in {} µCEUR, penalties {} µCEUR; {unsettled} auctioned slots unsettled",
				ledger.slots.len(),
				totals(|t| t.paid),
				totals(|t| t.feed_in_paid),
				totals(|t| t.penalties),
			)
		}),
	));

	// Balances move by exactly the settlement events (members pay no fees: their orders are
	// standing orders the chain places; holds stay in the total balance).
	let mut wrong = Vec::new();
	for (index, member) in run.accounts.clone().iter().enumerate() {
		let record = &ledger.members[index];
		let expected = run.balances_before[index] as i128
			+ record.received as i128
			+ record.fed_in_received as i128
			+ record.penalties_received as i128
			- record.paid as i128
			- record.charges_paid as i128
			- record.penalties_paid as i128
			+ record.flexibility_received as i128
			- record.flexibility_penalties as i128
			- record.fees as i128;
		let actual = run.chain.total_balance(member) as i128;
		if actual != expected {
			wrong.push(format!("{}: {actual} ≠ {expected}", community.members[index].spec.name));
		}
	}
	let utility = run.utility.clone();
	let fed_in_paid: u128 = ledger.members.iter().map(|m| m.fed_in_received).sum();
	let utility_now = run.chain.total_balance(&utility);
	if utility_now + fed_in_paid != run.utility_before {
		wrong.push(format!("utility: {utility_now} + {fed_in_paid} ≠ {}", run.utility_before));
	}
	let flexibility = &ledger.flexibility;
	let dso_now = run.chain.total_balance(&run.dso) as i128;
	let dso_expected = run.dso_before as i128 - flexibility.paid as i128
		+ flexibility.penalties as i128
		- flexibility.dso_fees as i128
		+ charges as i128;
	if dso_now != dso_expected {
		wrong.push(format!("DSO: {dso_now} ≠ {dso_expected}"));
	}
	checks.push(check(
		"balances move by exactly the settlement events",
		wrong.is_empty(),
		if wrong.is_empty() {
			format!("{} members, the utility and the DSO", ledger.members.len())
		} else {
			wrong.join("; ")
		},
	));

	// Flexibility: every request posted was settled; what the requests' settlements say the DSO
	// paid and received is what the commitments' settlements say the members received and
	// paid; the DSO's holds were paid out or released to the last µCEUR; no flexibility hold is
	// left on anyone; no commitment was paid for more than was committed.
	let (paid, penalties, released) = flexibility.settled_totals;
	let received: u128 = ledger.members.iter().map(|m| m.flexibility_received).sum();
	let bonds: u128 = ledger.members.iter().map(|m| m.flexibility_penalties).sum();
	let left_on_hold: u128 = run.chain.with_state(|| {
		use frame_support::traits::fungible::InspectHold;
		let on_hold = |reason: pallet_flexibility::HoldReason,
		               who: &energy_primitives::AccountId| {
			pallet_balances::Pallet::<Runtime>::balance_on_hold(&reason.into(), who)
		};
		let members: u128 = accounts
			.iter()
			.map(|who| on_hold(pallet_flexibility::HoldReason::CommitmentBond, who))
			.sum();
		members + on_hold(pallet_flexibility::HoldReason::RequestFunds, &run.dso)
	});
	checks.push(check(
		"flexibility: every request settled, paid out or released, no hold left",
		flexibility.settled == flexibility.requests
			&& paid == received
			&& penalties == bonds
			&& paid + released == flexibility.held
			&& left_on_hold == 0
			&& flexibility.delivered_wh <= flexibility.committed_wh,
		format!(
			"{} requests posted, {} settled; held {} µCEUR = paid {paid} + released {released}; members received {received} (requests' events {paid}), paid penalties {bonds} ({penalties}); {} commitments, {} of {} Wh delivered; {left_on_hold} µCEUR left on hold",
			flexibility.requests,
			flexibility.settled,
			flexibility.held,
			flexibility.commitments,
			flexibility.delivered_wh,
			flexibility.committed_wh,
		),
	));

	// Energy delivered and fed in never exceeds the metered export of its slot.
	let mut over = None;
	for (index, record) in ledger.members.iter().enumerate() {
		for slot in 0..ledger.slots.len() {
			let out = record.sold_wh[slot] + record.fed_in_wh[slot];
			if out > record.export_wh[slot] {
				over.get_or_insert(format!(
					"{} slot {slot}: {out} Wh out of {} Wh metered",
					community.members[index].spec.name, record.export_wh[slot]
				));
			}
		}
	}
	let delivered: u64 = ledger.members.iter().flat_map(|m| m.sold_wh.iter()).sum();
	let exported: u64 = ledger.members.iter().flat_map(|m| m.export_wh.iter()).sum();
	checks.push(check(
		"energy delivered ≤ metered export, slot by slot",
		over.is_none(),
		over.unwrap_or_else(|| format!("delivered {delivered} Wh of {exported} Wh exported")),
	));

	// Per certificate: minted = active + claimed + cancelled + expired + withdrawn + fed in,
	// and the runtime's own invariants of the token ledger and the market.
	checks.push(certificates(run));

	// Baselines: metered import × retail + export × feed-in equals the same from the profiles
	// the meters were driven by, slot by slot.
	let mut differs = None;
	for (index, member) in community.members.iter().enumerate() {
		let record = &run.ledger.members[index];
		for slot in 0..run.ledger.slots.len() {
			let export = member.pv_wh.get(slot).copied().unwrap_or(0);
			if record.import_wh[slot] != member.load_wh[slot] || record.export_wh[slot] != export {
				differs.get_or_insert(format!("{} slot {slot}", member.spec.name));
			}
		}
	}
	checks.push(check(
		"metered energy = the profiles, slot by slot",
		differs.is_none(),
		differs.unwrap_or_else(|| "every member, every slot".to_owned()),
	));

	let rejected: u32 = run.ledger.readings_rejected.values().sum();
	checks.push(check(
		"no reading rejected, no auction skipped, no trade failed, no feed-in unpaid",
		rejected == 0
			&& run.ledger.auctions_skipped == 0
			&& run.ledger.trades_failed == 0
			&& run.ledger.feed_in_unpaid_wh == 0,
		format!(
			"{rejected} readings rejected {:?}, {} auctions skipped, {} trades failed ({} of a member's bid with its own offer refused, as they must be), {} Wh unpaid",
			run.ledger.readings_rejected,
			run.ledger.auctions_skipped,
			run.ledger.trades_failed,
			run.ledger.self_trades_refused,
			run.ledger.feed_in_unpaid_wh
		),
	));
	checks
}

/// Per certificate `minted = active + claimed + cancelled + expired + withdrawn + fed in`
/// (active: the sum of its holdings), minting equals the readings'
/// `minted_wh`, and the token ledger's and market's `try_state` invariants hold.
fn certificates(run: &mut RunOutput) -> Check {
	let minted_by_readings = run.ledger.minted_wh as u128;
	run.chain.with_state(|| {
		let mut held: BTreeMap<(MarketSlot, ResId), u128> = BTreeMap::new();
		for ((_, slot, res), wh) in pallet_energy_tokens::Holdings::<Runtime>::iter() {
			*held.entry((slot, res)).or_default() += wh as u128;
		}
		let (mut count, mut minted, mut broken) = (0u64, 0u128, None);
		for (slot, res, certificate) in pallet_energy_tokens::Certificates::<Runtime>::iter() {
			count += 1;
			minted += certificate.minted_wh as u128;
			let accounted = held.get(&(slot, res)).copied().unwrap_or(0) +
				certificate.terminal_wh() as u128;
			if accounted != certificate.minted_wh as u128 {
				broken.get_or_insert(format!(
					"certificate (slot {slot}, RES {res}): minted {} ≠ {accounted}",
					certificate.minted_wh
				));
			}
		}
		let tokens = pallet_energy_tokens::Pallet::<Runtime>::do_try_state();
		let market = pallet_market::Pallet::<Runtime>::do_try_state();
		let passed = broken.is_none() &&
			minted == minted_by_readings &&
			tokens.is_ok() &&
			market.is_ok();
		let detail = broken.unwrap_or_else(|| {
			format!(
				"{count} certificates, {minted} Wh minted (readings: {minted_by_readings}); token ledger invariants {tokens:?}, market invariants {market:?}"
			)
		});
		check(
			"per certificate: minted = active + claimed + cancelled + expired + withdrawn + fed in",
			passed,
			detail,
		)
	})
}
