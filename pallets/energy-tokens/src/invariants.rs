//! The ledger's invariants, checked by `try_state` and by the tests of every pallet that
//! composes this one.

use crate::{
	pieces, CertificateStatus, Certificates, Config, Consumption, HolderPieces, Holdings,
	NextCertificateId, Pallet, TotalFedIn, TotalMinted, TotalRetired, WhRange,
};
use alloc::{collections::btree_map::BTreeMap, collections::btree_set::BTreeSet, vec::Vec};
use energy_primitives::{MarketSlot, ResId, Wh};
use frame_support::ensure;

/// What the pieces of all holders of one certificate add up to.
#[derive(Default)]
struct Tally {
	ranges: Vec<WhRange>,
	by_status: [Wh; 6],
	held: u128,
}

fn status_index(status: CertificateStatus) -> usize {
	status as usize
}

impl<T: Config> Pallet<T> {
	/// Checks, for every certificate, `minted = active + claimed + cancelled + expired +
	/// withdrawn + fed in` (active: the sum of its holdings) and that its holders' pieces number
	/// each of its Wh exactly once, with each status's Wh equal to the certificate's counter;
	/// that each holding is its holder's active pieces and never zero; that ids are unique and
	/// below the next one; that no consumption is claimed beyond what was metered, and each
	/// member's claimed Wh of a slot are exactly what its consumption of the slot matched; and
	/// that the totals are the certificates' sums.
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		let mut tallies: BTreeMap<(MarketSlot, ResId), Tally> = BTreeMap::new();
		// Each holder's claimed Wh per slot, over every RES: what its consumption matched.
		let mut claimed: BTreeMap<(T::AccountId, MarketSlot), u128> = BTreeMap::new();
		for ((holder, slot, res), held) in HolderPieces::<T>::iter() {
			let active = pieces::active_wh(&held);
			ensure!(
				Holdings::<T>::get((&holder, slot, res)).unwrap_or(0) == active,
				"a holding differs from its holder's active pieces"
			);
			let tally = tallies.entry((slot, res)).or_default();
			for piece in held.iter() {
				ensure!(!piece.range.is_empty(), "an empty piece stored");
				tally.ranges.push(piece.range);
				let sum = &mut tally.by_status[status_index(piece.status)];
				*sum = sum.saturating_add(piece.range.len());
				if piece.status == CertificateStatus::Claimed {
					*claimed.entry((holder.clone(), slot)).or_default() +=
						piece.range.len() as u128;
				}
			}
			tally.held += active as u128;
		}
		for ((holder, slot, res), wh) in Holdings::<T>::iter() {
			ensure!(wh > 0, "zero holding stored");
			ensure!(
				HolderPieces::<T>::contains_key((&holder, slot, res)),
				"a holding without pieces"
			);
		}
		let (mut minted, mut retired, mut fed_in) = (0u128, 0u128, 0u128);
		let mut ids = BTreeSet::new();
		let next_id = NextCertificateId::<T>::get();
		for (slot, res, certificate) in Certificates::<T>::iter() {
			ensure!(ids.insert(certificate.id), "two certificates with one id");
			ensure!(certificate.id < next_id, "a certificate id at or above the next one");
			ensure!(
				certificate.interval_end_ms.saturating_sub(certificate.interval_start_ms)
					<= 3_600_000,
				"a production interval longer than an hour"
			);
			let mut tally = tallies.remove(&(slot, res)).unwrap_or_default();
			ensure!(
				certificate.minted_wh as u128 == tally.held + certificate.terminal_wh() as u128,
				"a certificate's minted Wh differ from active + claimed + cancelled + expired + withdrawn + fed in"
			);
			let counters = [
				certificate.active_wh(),
				certificate.claimed_wh,
				certificate.cancelled_wh,
				certificate.expired_wh,
				certificate.withdrawn_wh,
				certificate.fed_in_wh,
			];
			ensure!(tally.by_status == counters, "a certificate's pieces differ from its counters");
			tally.ranges.sort_by_key(|range| range.start);
			let mut next = 0;
			for range in &tally.ranges {
				ensure!(range.start == next, "a certificate's Wh numbered twice or not at all");
				next = range.end;
			}
			ensure!(next == certificate.minted_wh, "a certificate's pieces do not cover its Wh");
			minted += certificate.minted_wh as u128;
			retired += (certificate.terminal_wh() - certificate.fed_in_wh) as u128;
			fed_in += certificate.fed_in_wh as u128;
		}
		ensure!(tallies.is_empty(), "pieces of a certificate that does not exist");
		for (who, slot, metered) in Consumption::<T>::iter() {
			ensure!(metered.claimed_wh <= metered.consumed_wh, "claims beyond metered consumption");
			ensure!(
				claimed.remove(&(who, slot)).unwrap_or(0) == metered.claimed_wh as u128,
				"a member's claimed Wh of a slot differ from what its consumption matched"
			);
		}
		ensure!(claimed.is_empty(), "Wh claimed without metered consumption");
		ensure!(minted == TotalMinted::<T>::get(), "certificates do not add up to TotalMinted");
		ensure!(retired == TotalRetired::<T>::get(), "certificates do not add up to TotalRetired");
		ensure!(fed_in == TotalFedIn::<T>::get(), "certificates do not add up to TotalFedIn");
		Ok(())
	}
}
