//! Tests of the token ledger: issuance and minting, holders and settlement, hourly claims,
//! expiry, withdrawal and governance, the invariants and the migrations. Every error a caller
//! can cause is shown with the state unchanged.

use crate::{
	mock::*, CertificateAmount, CertificateStatus, HolderPieces, Piece, RetiredCertificates,
	RetirementClaim, WhRange,
};
use energy_primitives::{EnergyLedger, Wh};

mod claims;
mod holders;
mod invariants;
mod lifecycle;
mod migration;
mod minting;
mod reports;

/// What a 5 kW RES can produce in a one-hour slot.
const CAP: Wh = 5_000;

fn claim(s: &str) -> RetirementClaim {
	s.as_bytes().to_vec().try_into().expect("fits")
}

fn certificates(list: &[(u32, u32, Wh)]) -> RetiredCertificates {
	list.iter()
		.map(|&(slot, res, wh)| CertificateAmount { slot, res, wh })
		.collect::<Vec<_>>()
		.try_into()
		.expect("fits")
}

fn held(who: u64, slot: u32, res: u32) -> Wh {
	<EnergyTokens as EnergyLedger<u64>>::held(&who, slot, res)
}

fn deliver(seller: u64, buyer: u64, slot: u32, res: u32, wh: Wh) -> sp_runtime::DispatchResult {
	<EnergyTokens as EnergyLedger<u64>>::deliver(&seller, &buyer, slot, res, wh)
}

/// `who`'s pieces of certificate (`res`, `slot`) as `(start, end, status)`.
fn pieces_of(who: u64, slot: u32, res: u32) -> Vec<(Wh, Wh, CertificateStatus)> {
	HolderPieces::<Test>::get((who, slot, res))
		.iter()
		.map(|Piece { range: WhRange { start, end }, status }| (*start, *end, *status))
		.collect()
}

fn root() -> Vec<u8> {
	sp_io::storage::root(sp_runtime::StateVersion::V1)
}
