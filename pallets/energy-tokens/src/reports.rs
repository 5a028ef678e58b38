//! Read-only reports for clients, served by the runtime API (`CertificatesApi`) and never called
//! on chain: a member's or the community's hourly matching, and the certificates and their
//! holders' pieces over a span of slots (what the EnergyTag export is built from).
//!
//! A matching report covers at most [`MAX_REPORT_SLOTS`] slots, an export [`MAX_EXPORT_SLOTS`]. A member's report reads its own
//! entries slot by slot; the community's scans every entry of the storage it reports on
//! (`Consumption`, `HolderPieces`), which grows with the chain's history: it is meant for a node
//! the community runs for itself, through its JSON-RPC.

use crate::{
	CertificateRecord, Certificates, Config, Consumption, HolderPieces, HourlyMatching, Pallet,
	ReportError, WithdrawalReasons,
};
use alloc::{collections::BTreeMap, vec::Vec};
use energy_primitives::{MarketSlot, ResId};

/// Most slots one matching report covers: a leap year of hourly slots.
pub const MAX_REPORT_SLOTS: u32 = 8_784;

/// Most slots one certificate export covers: a month of hourly slots. An export lists every
/// piece of every certificate (a RES owner keeps pieces of each of its certificates), so its
/// size grows with the RES and trades of each slot; a year is exported month by month.
pub const MAX_EXPORT_SLOTS: u32 = 744;

/// The slots `from..=to`, if they form a span of at most `longest` slots.
fn span(
	from: MarketSlot,
	to: MarketSlot,
	longest: u32,
) -> Result<core::ops::RangeInclusive<MarketSlot>, ReportError> {
	if to < from {
		return Err(ReportError::EmptyRange);
	}
	if to - from >= longest {
		return Err(ReportError::RangeTooLong);
	}
	Ok(from..=to)
}

impl<T: Config> Pallet<T> {
	/// For each slot of `from..=to` with metered consumption, in order: the consumption of
	/// `who` (or of every member together, for `None`) and how much of it certificates of the
	/// slot were claimed against.
	pub fn hourly_matching(
		who: Option<&T::AccountId>,
		from: MarketSlot,
		to: MarketSlot,
	) -> Result<Vec<HourlyMatching>, ReportError> {
		let slots = span(from, to, MAX_REPORT_SLOTS)?;
		let rows = match who {
			Some(who) => slots
				.filter_map(|slot| {
					Consumption::<T>::get(who, slot).map(|metered| HourlyMatching {
						slot,
						consumed_wh: metered.consumed_wh,
						claimed_wh: metered.claimed_wh,
					})
				})
				.collect(),
			None => {
				let mut by_slot = BTreeMap::<MarketSlot, HourlyMatching>::new();
				for (_, slot, metered) in Consumption::<T>::iter() {
					if !slots.contains(&slot) {
						continue;
					}
					let row = by_slot.entry(slot).or_insert(HourlyMatching {
						slot,
						consumed_wh: 0,
						claimed_wh: 0,
					});
					row.consumed_wh = row.consumed_wh.saturating_add(metered.consumed_wh);
					row.claimed_wh = row.claimed_wh.saturating_add(metered.claimed_wh);
				}
				by_slot.into_values().collect()
			},
		};
		Ok(rows)
	}

	/// The certificates of the slots `from..=to`, by slot and RES, each with its holders'
	/// pieces: only `who`'s pieces (and only certificates it holds pieces of) for `Some`, every
	/// holder's for `None`. At most [`MAX_EXPORT_SLOTS`] slots.
	pub fn certificate_records(
		who: Option<&T::AccountId>,
		from: MarketSlot,
		to: MarketSlot,
	) -> Result<Vec<CertificateRecord<T::AccountId>>, ReportError> {
		let slots = span(from, to, MAX_EXPORT_SLOTS)?;
		let mut holders = BTreeMap::<(MarketSlot, ResId), Vec<_>>::new();
		match who {
			Some(who) => {
				for slot in slots.clone() {
					for (res, pieces) in HolderPieces::<T>::iter_prefix((who, slot)) {
						holders.entry((slot, res)).or_default().push((who.clone(), pieces));
					}
				}
			},
			None => {
				for ((holder, slot, res), pieces) in HolderPieces::<T>::iter() {
					if slots.contains(&slot) {
						holders.entry((slot, res)).or_default().push((holder, pieces));
					}
				}
			},
		}
		Ok(holders
			.into_iter()
			.filter_map(|((slot, res), mut holders)| {
				let certificate = Certificates::<T>::get(slot, res)?;
				// The owner first, then the other holders in a fixed order.
				holders.sort_by_key(|(holder, pieces)| {
					(*holder != certificate.owner, pieces.first().map(|piece| piece.range.start))
				});
				Some(CertificateRecord {
					slot,
					res,
					withdrawal_reason: WithdrawalReasons::<T>::get(slot, res),
					certificate,
					holders,
				})
			})
			.collect())
	}
}
