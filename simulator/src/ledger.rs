//! What a run records from the runtime's own events: per member and slot what was metered,
//! bought and sold, and per slot the book, the clearing and the settlement totals.

use std::collections::{BTreeMap, HashMap};

use energy_primitives::{AccountId, MarketSlot};
use energy_runtime::RuntimeEvent;
use pallet_flexibility::Event as FlexibilityEvent;
use pallet_market::{Event as MarketEvent, StandingOrderSkip};
use pallet_meters::Event as MetersEvent;

use crate::layout::Layout;

/// One slot of the span.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct SlotRecord {
	/// Retail tariff of the slot's auction, µCEUR/kWh (0: no auction).
	pub retail: u128,
	/// Feed-in tariff of the slot's auction.
	pub feed_in: u128,
	/// Bids and offers in the book at gate closure, and their Wh.
	pub bids: u32,
	/// Offers in the book.
	pub offers: u32,
	/// Wh bid for.
	pub bid_wh: u64,
	/// Wh offered.
	pub offer_wh: u64,
	/// The market clearing price, if the rule set one.
	pub mcp: Option<u128>,
	/// Wh traded at clearing.
	pub volume_wh: u64,
	/// Trades at clearing.
	pub trades: u32,
	/// Sums of the slot's `TradeSettled` and `FedIn` events.
	pub flows: SettlementTotals,
	/// The slot's `Settled` event, once settled.
	pub settled: Option<SettlementTotals>,
}

/// Totals of a slot's settlement.
#[derive(Clone, Copy, Debug, Default, Eq, PartialEq, serde::Serialize)]
pub struct SettlementTotals {
	/// Wh delivered to buyers.
	pub delivered_wh: u64,
	/// Wh traded but not delivered.
	pub shortfall_wh: u64,
	/// Paid by buyers to sellers, µCEUR.
	pub paid: u128,
	/// Paid by buyers to the grid's keeper on top of `paid`: network charges, µCEUR.
	pub charges: u128,
	/// Paid by sellers' deposits to buyers.
	pub penalties: u128,
	/// Wh bought by the utility at feed-in.
	pub feed_in_wh: u64,
	/// What the utility paid for them.
	pub feed_in_paid: u128,
}

/// One member's record of the span.
#[derive(Clone, Debug, Default)]
pub struct MemberRecord {
	/// Metered import per slot (consumption meter), Wh.
	pub import_wh: Vec<u64>,
	/// Metered export per slot (production meter), Wh.
	pub export_wh: Vec<u64>,
	/// Delivered to the member as buyer per slot, Wh.
	pub bought_wh: Vec<u64>,
	/// Delivered by the member as seller per slot, Wh.
	pub sold_wh: Vec<u64>,
	/// Bought by the utility from the member per slot, Wh.
	pub fed_in_wh: Vec<u64>,
	/// Paid for energy bought, µCEUR.
	pub paid: u128,
	/// Received for energy sold.
	pub received: u128,
	/// Network charges paid to the grid's keeper on energy bought.
	pub charges_paid: u128,
	/// Received from the utility at feed-in.
	pub fed_in_received: u128,
	/// Paid out of its offers' deposits for undelivered energy.
	pub penalties_paid: u128,
	/// Received for energy it bought but was not delivered.
	pub penalties_received: u128,
	/// Paid by the DSO for reductions it delivered (flexibility requests).
	pub flexibility_received: u128,
	/// Paid from its bonds for reductions it committed and did not deliver.
	pub flexibility_penalties: u128,
	/// Transaction fees it paid (accepting requests).
	pub fees: u128,
}

/// What the flexibility pallet's events said over a run.
#[derive(Clone, Debug, Default)]
pub struct FlexibilityRecord {
	/// Requests posted, by their slot, in posting order.
	pub posted: BTreeMap<MarketSlot, Vec<u32>>,
	/// Requests posted.
	pub requests: u32,
	/// Wh asked for, over every request and slot.
	pub requested_wh: u64,
	/// Commitments accepted.
	pub commitments: u32,
	/// Wh committed, over every commitment and slot.
	pub committed_wh: u64,
	/// Wh delivered and paid for.
	pub delivered_wh: u64,
	/// Requests settled.
	pub settled: u32,
	/// Paid by the DSO to the members.
	pub paid: u128,
	/// Paid by the members' bonds to the DSO.
	pub penalties: u128,
	/// The DSO's transaction fees.
	pub dso_fees: u128,
	/// Held of the DSO when its requests were posted (`RequestPosted.held`).
	pub held: u128,
	/// What the requests' `RequestSettled` events say the DSO paid, received in penalties and
	/// got back: (paid, penalties, released).
	pub settled_totals: (u128, u128, u128),
	/// Per slot index: Wh asked for, committed and delivered.
	pub by_slot: BTreeMap<usize, (u64, u64, u64)>,
}

/// What one run recorded.
#[derive(Clone, Debug)]
pub struct Ledger {
	/// The slot number of slot index 0.
	pub first_slot: MarketSlot,
	/// Per slot index.
	pub slots: Vec<SlotRecord>,
	/// Per member (community order).
	pub members: Vec<MemberRecord>,
	/// Tokens minted per `ReadingAccepted`, Wh.
	pub minted_wh: u64,
	/// Trades that failed to settle, but for those of a member's bid with its own offer.
	pub trades_failed: u32,
	/// Trades of a member's bid with its own offer: the clearing pairs them, and delivery
	/// refuses them (`SelfDelivery`): the Wh stay the member's, for feed-in or its own claim.
	pub self_trades_refused: u32,
	/// Unsold tokens the utility did not pay for.
	pub feed_in_unpaid_wh: u64,
	/// Auctions of the span's slots skipped (opened too late).
	pub auctions_skipped: u32,
	/// Delivered where the buyer was the seller (a member's bid matched its own offer), Wh.
	pub self_traded_wh: u64,
	/// Readings rejected, by reason.
	pub readings_rejected: BTreeMap<String, u32>,
	/// Standing orders placed.
	pub standing_placed: u32,
	/// Standing orders skipped, by reason.
	pub standing_skipped: BTreeMap<String, u32>,
	/// Flexibility requests.
	pub flexibility: FlexibilityRecord,
	member_of: HashMap<AccountId, usize>,
	dso: AccountId,
	request_slot: BTreeMap<u32, (MarketSlot, u32)>,
	meter_of: Vec<(usize, bool)>,
}

impl Ledger {
	/// An empty ledger of `slots` slots from `first_slot` for `layout`'s members.
	pub fn new(layout: &Layout, first_slot: MarketSlot, slots: usize) -> Self {
		let member = MemberRecord {
			import_wh: vec![0; slots],
			export_wh: vec![0; slots],
			bought_wh: vec![0; slots],
			sold_wh: vec![0; slots],
			fed_in_wh: vec![0; slots],
			..Default::default()
		};
		Ledger {
			first_slot,
			slots: vec![SlotRecord::default(); slots],
			members: vec![member; layout.members.len()],
			minted_wh: 0,
			trades_failed: 0,
			self_trades_refused: 0,
			feed_in_unpaid_wh: 0,
			auctions_skipped: 0,
			self_traded_wh: 0,
			readings_rejected: BTreeMap::new(),
			standing_placed: 0,
			standing_skipped: BTreeMap::new(),
			flexibility: FlexibilityRecord::default(),
			dso: layout.dso.clone(),
			request_slot: BTreeMap::new(),
			member_of: layout
				.members
				.iter()
				.enumerate()
				.map(|(index, member)| (member.account.clone(), index))
				.collect(),
			meter_of: layout
				.meters
				.iter()
				.map(|meter| (meter.member, meter.res.is_some()))
				.collect(),
		}
	}

	/// The index of `slot` in the span.
	fn index(&self, slot: MarketSlot) -> Option<usize> {
		let index = slot.checked_sub(self.first_slot)? as usize;
		(index < self.slots.len()).then_some(index)
	}

	/// The member (index) of `account`.
	fn member(&self, account: &AccountId) -> Option<usize> {
		self.member_of.get(account).copied()
	}

	/// Records one block's events.
	pub fn record(&mut self, events: &[RuntimeEvent]) {
		for event in events {
			match event {
				RuntimeEvent::Meters(event) => self.record_meters(event),
				RuntimeEvent::Market(event) => self.record_market(event),
				RuntimeEvent::Flexibility(event) => self.record_flexibility(event),
				RuntimeEvent::TransactionPayment(
					pallet_transaction_payment::Event::TransactionFeePaid {
						who, actual_fee, ..
					},
				) => {
					if let Some(member) = self.member(who) {
						self.members[member].fees += actual_fee;
					} else if *who == self.dso {
						self.flexibility.dso_fees += actual_fee;
					}
				},
				_ => {},
			}
		}
	}

	fn record_flexibility(&mut self, event: &FlexibilityEvent<energy_runtime::Runtime>) {
		match event {
			FlexibilityEvent::RequestPosted {
				id, first_slot, slots, reduction_wh, held, ..
			} => {
				self.flexibility.posted.entry(*first_slot).or_default().push(*id);
				self.flexibility.requests += 1;
				self.flexibility.requested_wh += reduction_wh * u64::from(*slots);
				self.flexibility.held += held;
				self.request_slot.insert(*id, (*first_slot, *slots));
				if let Some(index) = self.index(*first_slot) {
					self.flexibility.by_slot.entry(index).or_default().0 += reduction_wh;
				}
			},
			FlexibilityEvent::Accepted { id, reduction_wh, .. } => {
				let (slot, slots) = self.request_slot.get(id).copied().unzip();
				self.flexibility.commitments += 1;
				self.flexibility.committed_wh += reduction_wh * u64::from(slots.unwrap_or(1));
				if let Some(index) = slot.and_then(|slot| self.index(slot)) {
					self.flexibility.by_slot.entry(index).or_default().1 += reduction_wh;
				}
			},
			FlexibilityEvent::CommitmentSettled {
				id, member, delivered_wh, paid, penalty, ..
			} => {
				self.flexibility.delivered_wh += delivered_wh;
				self.flexibility.paid += paid;
				self.flexibility.penalties += penalty;
				if let Some(member) = self.member(member) {
					self.members[member].flexibility_received += paid;
					self.members[member].flexibility_penalties += penalty;
				}
				let slot = self.request_slot.get(id).map(|(slot, _)| *slot);
				if let Some(index) = slot.and_then(|slot| self.index(slot)) {
					self.flexibility.by_slot.entry(index).or_default().2 += delivered_wh;
				}
			},
			FlexibilityEvent::RequestSettled { paid, penalties, released, .. } => {
				self.flexibility.settled += 1;
				let totals = &mut self.flexibility.settled_totals;
				(totals.0, totals.1, totals.2) =
					(totals.0 + paid, totals.1 + penalties, totals.2 + released);
			},
			_ => {},
		}
	}

	fn record_meters(&mut self, event: &MetersEvent<energy_runtime::Runtime>) {
		match event {
			MetersEvent::ReadingAccepted {
				meter, slot, import_wh, export_wh, minted_wh, ..
			} => {
				self.minted_wh += minted_wh;
				let (Some(index), Some(&(member, production))) =
					(self.index(*slot), self.meter_of.get(*meter as usize))
				else {
					return;
				};
				let record = &mut self.members[member];
				if production {
					record.export_wh[index] += export_wh;
				} else {
					record.import_wh[index] += import_wh;
				}
			},
			MetersEvent::ReadingRejected { reason, .. } => {
				*self.readings_rejected.entry(format!("{reason:?}")).or_default() += 1;
			},
			_ => {},
		}
	}

	fn record_market(&mut self, event: &MarketEvent<energy_runtime::Runtime>) {
		match event {
			MarketEvent::AuthorizeOffers { slot, retail, feed_in, .. } => {
				if let Some(index) = self.index(*slot) {
					self.slots[index].retail = *retail;
					self.slots[index].feed_in = *feed_in;
				}
			},
			MarketEvent::BidsClosed { slot, bids, offers, bid_wh, offer_wh } => {
				if let Some(index) = self.index(*slot) {
					let record = &mut self.slots[index];
					(record.bids, record.offers) = (*bids, *offers);
					(record.bid_wh, record.offer_wh) = (*bid_wh, *offer_wh);
				}
			},
			MarketEvent::Cleared { slot, mcp, volume_wh, trades, .. } => {
				if let Some(index) = self.index(*slot) {
					let record = &mut self.slots[index];
					(record.mcp, record.volume_wh, record.trades) = (*mcp, *volume_wh, *trades);
				}
			},
			MarketEvent::TradeSettled {
				slot,
				buyer,
				seller,
				wh,
				delivered_wh,
				paid,
				charges,
				penalty,
				..
			} => {
				let Some(index) = self.index(*slot) else { return };
				if buyer == seller {
					self.self_traded_wh += delivered_wh;
				}
				let flows = &mut self.slots[index].flows;
				flows.delivered_wh += delivered_wh;
				flows.shortfall_wh += wh - delivered_wh;
				flows.paid += paid;
				flows.charges += charges;
				flows.penalties += penalty;
				if let Some(buyer) = self.member(buyer) {
					let record = &mut self.members[buyer];
					record.bought_wh[index] += delivered_wh;
					record.paid += paid;
					record.charges_paid += charges;
					record.penalties_received += penalty;
				}
				if let Some(seller) = self.member(seller) {
					let record = &mut self.members[seller];
					record.sold_wh[index] += delivered_wh;
					record.received += paid;
					record.penalties_paid += penalty;
				}
			},
			MarketEvent::TradeFailed { buyer, seller, .. } if buyer == seller => {
				self.self_trades_refused += 1
			},
			MarketEvent::TradeFailed { .. } => self.trades_failed += 1,
			MarketEvent::FedIn { slot, owner, wh, paid, .. } => {
				let Some(index) = self.index(*slot) else { return };
				let flows = &mut self.slots[index].flows;
				flows.feed_in_wh += wh;
				flows.feed_in_paid += paid;
				if let Some(owner) = self.member(owner) {
					let record = &mut self.members[owner];
					record.fed_in_wh[index] += wh;
					record.fed_in_received += paid;
				}
			},
			MarketEvent::FeedInUnpaid { wh, .. } => self.feed_in_unpaid_wh += wh,
			MarketEvent::Settled {
				slot,
				delivered_wh,
				shortfall_wh,
				paid,
				charges,
				penalties,
				feed_in_wh,
				feed_in_paid,
			} => {
				if let Some(index) = self.index(*slot) {
					self.slots[index].settled = Some(SettlementTotals {
						delivered_wh: *delivered_wh,
						shortfall_wh: *shortfall_wh,
						paid: *paid,
						charges: *charges,
						penalties: *penalties,
						feed_in_wh: *feed_in_wh,
						feed_in_paid: *feed_in_paid,
					});
				}
			},
			// Counted for the span's slots only (auctions open a day beyond it).
			MarketEvent::AuctionSkipped { slot } if self.index(*slot).is_some() => {
				self.auctions_skipped += 1
			},
			MarketEvent::StandingOrderPlaced { slot, .. } if self.index(*slot).is_some() => {
				self.standing_placed += 1
			},
			MarketEvent::StandingOrderSkipped { slot, reason, .. }
				if self.index(*slot).is_some() =>
			{
				let reason = match reason {
					StandingOrderSkip::Refused(error) => format!("Refused({error:?})"),
					other => format!("{other:?}"),
				};
				*self.standing_skipped.entry(reason).or_default() += 1;
			},
			_ => {},
		}
	}
}
