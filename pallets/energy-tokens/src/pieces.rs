//! The pieces of a certificate one holder has: splitting the lowest active Wh off to move or to
//! change their status, and adding ranges received. Pure functions on [`Pieces`]; the ledger
//! stores the result only when every step of a move has succeeded.

use crate::{CertificateStatus, Piece, Pieces, WhRange};
use alloc::vec::Vec;
use energy_primitives::Wh;

/// Why pieces could not change.
#[derive(Debug, PartialEq, Eq)]
pub enum PiecesError {
	/// Fewer active Wh than asked for.
	Insufficient,
	/// The result would have more pieces than allowed.
	TooMany,
}

/// The active Wh of `pieces`.
pub fn active_wh(pieces: &[Piece]) -> Wh {
	pieces.iter().filter(|p| p.status == CertificateStatus::Active).map(|p| p.range.len()).sum()
}

/// Sorts `pieces` by their first Wh, drops empty ones and merges adjacent pieces of one status.
fn normalized(mut pieces: Vec<Piece>) -> Result<Pieces, PiecesError> {
	pieces.retain(|p| !p.range.is_empty());
	pieces.sort_by_key(|p| p.range.start);
	let mut merged: Vec<Piece> = Vec::with_capacity(pieces.len());
	for piece in pieces {
		match merged.last_mut() {
			Some(last) if last.status == piece.status && last.range.end == piece.range.start => {
				last.range.end = piece.range.end;
			},
			_ => merged.push(piece),
		}
	}
	merged.try_into().map_err(|_| PiecesError::TooMany)
}

/// Takes the lowest `wh` active Wh of `pieces`: they become status `to`, or leave the holding
/// when `to` is `None` (moved to another holder). Returns the new pieces and the ranges taken,
/// ascending; fails without a result if fewer than `wh` are active or the result would have
/// more than `bound` pieces (at most [`crate::MAX_PIECES`]).
pub fn take_active(
	pieces: &[Piece],
	wh: Wh,
	to: Option<CertificateStatus>,
	bound: u32,
) -> Result<(Pieces, Vec<WhRange>), PiecesError> {
	if active_wh(pieces) < wh {
		return Err(PiecesError::Insufficient);
	}
	let mut left = wh;
	let mut result = Vec::with_capacity(pieces.len() + 1);
	let mut taken = Vec::new();
	for piece in pieces {
		if piece.status != CertificateStatus::Active || left == 0 {
			result.push(*piece);
			continue;
		}
		let take = left.min(piece.range.len());
		left -= take;
		let split = piece.range.start + take;
		let range = WhRange { start: piece.range.start, end: split };
		taken.push(range);
		if let Some(status) = to {
			result.push(Piece { range, status });
		}
		result.push(Piece { range: WhRange { start: split, end: piece.range.end }, ..*piece });
	}
	let result = normalized(result)?;
	if result.len() as u32 > bound {
		return Err(PiecesError::TooMany);
	}
	Ok((result, taken))
}

/// Adds `ranges` in `status` to `pieces`. The ranges must be disjoint from the pieces (the
/// ledger moves each Wh out of one holding before it adds it to another).
pub fn add(
	pieces: &[Piece],
	ranges: &[WhRange],
	status: CertificateStatus,
) -> Result<Pieces, PiecesError> {
	let mut all: Vec<Piece> = pieces.to_vec();
	all.extend(ranges.iter().map(|&range| Piece { range, status }));
	normalized(all)
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::MAX_PIECES as MAX;
	use CertificateStatus::*;

	fn piece(start: Wh, end: Wh, status: CertificateStatus) -> Piece {
		Piece { range: WhRange { start, end }, status }
	}

	#[test]
	fn taking_splits_the_lowest_active_piece_and_merges_neighbours() {
		let pieces = [piece(0, 10, Claimed), piece(10, 30, Active), piece(40, 50, Active)];
		let (after, taken) =
			take_active(&pieces, 5, Some(Claimed), MAX).expect("20 Wh active, 4 pieces");
		assert_eq!(taken, vec![WhRange { start: 10, end: 15 }]);
		assert_eq!(
			after.to_vec(),
			vec![piece(0, 15, Claimed), piece(15, 30, Active), piece(40, 50, Active)]
		);
		// Across pieces, moved out.
		let (after, taken) = take_active(&after, 20, None, MAX).expect("20 Wh active, 3 pieces");
		assert_eq!(taken, vec![WhRange { start: 15, end: 30 }, WhRange { start: 40, end: 45 }]);
		assert_eq!(after.to_vec(), vec![piece(0, 15, Claimed), piece(45, 50, Active)]);
		assert_eq!(active_wh(&after), 5);
	}

	#[test]
	fn taking_more_than_is_active_fails() {
		let pieces = [piece(0, 10, Claimed), piece(10, 12, Active)];
		assert_eq!(take_active(&pieces, 3, Some(Expired), MAX), Err(PiecesError::Insufficient));
	}

	#[test]
	fn adding_merges_adjacent_ranges_of_one_status() {
		let pieces = [piece(10, 20, Active)];
		let after =
			add(&pieces, &[WhRange { start: 20, end: 25 }, WhRange { start: 0, end: 5 }], Active)
				.expect("disjoint ranges, 2 pieces");
		assert_eq!(after.to_vec(), vec![piece(0, 5, Active), piece(10, 25, Active)]);
	}

	#[test]
	fn more_pieces_than_the_bound_fail() {
		let pieces: Vec<Piece> =
			(0..crate::MAX_PIECES as Wh).map(|i| piece(i * 10, i * 10 + 5, Active)).collect();
		let far = WhRange { start: 10_000, end: 10_001 };
		assert_eq!(add(&pieces, &[far], Active), Err(PiecesError::TooMany));
		// Splitting one of them would need one more piece too.
		assert_eq!(take_active(&pieces, 1, Some(Claimed), MAX), Err(PiecesError::TooMany));
		// A tighter bound applies to what fits the wider one.
		let few = &pieces[..4];
		assert!(take_active(few, 1, Some(Claimed), 5).is_ok());
		assert_eq!(take_active(few, 1, Some(Claimed), 4), Err(PiecesError::TooMany));
	}
}
