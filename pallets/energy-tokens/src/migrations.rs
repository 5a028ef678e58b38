//! Storage migrations of the token ledger.

use crate::{
	Certificate, CertificateStatus, Certificates, Config, ExpirySlots, HolderPieces, Holdings,
	NextCertificateId, Pallet, Piece, TotalFedIn, TotalMinted, TotalRetired, WhRange,
};
use alloc::{collections::btree_map::BTreeMap, vec::Vec};
use energy_primitives::{MarketSlot, ResId, Wh};
use frame_support::{
	migrations::VersionedMigration,
	traits::{Get, GetDefault, UncheckedOnRuntimeUpgrade},
	weights::Weight,
};

/// The storage of version 1.
pub mod v1 {
	use crate::{Config, Pallet};
	use codec::{Decode, Encode};
	use energy_primitives::{MarketSlot, ResId, Wh};
	use frame_support::{storage_alias, Blake2_128Concat, Twox64Concat};

	/// A version-1 certificate: its owner and the Wh minted.
	#[derive(Decode, Encode)]
	pub struct Certificate<AccountId> {
		/// The RES owner.
		pub owner: AccountId,
		/// Tokens minted.
		pub minted_wh: Wh,
	}

	/// Version 1's certificates.
	#[storage_alias]
	pub type Certificates<T: Config> = StorageDoubleMap<
		Pallet<T>,
		Twox64Concat,
		MarketSlot,
		Twox64Concat,
		ResId,
		Certificate<<T as frame_system::Config>::AccountId>,
	>;

	/// Version 1's fungible token balance per account.
	#[storage_alias]
	pub type Balances<T: Config> =
		StorageMap<Pallet<T>, Blake2_128Concat, <T as frame_system::Config>::AccountId, Wh>;
}

/// The storage of version 2.
pub mod v2 {
	use crate::{Config, Pallet};
	use codec::{Decode, Encode};
	use energy_primitives::{MarketSlot, ResId, Wh};
	use frame_support::{storage_alias, Twox64Concat};

	/// A version-2 certificate: its owner and where its tokens went.
	#[derive(Clone, Debug, Decode, Default, Encode, Eq, PartialEq)]
	pub struct Certificate<AccountId> {
		/// The RES owner.
		pub owner: AccountId,
		/// Tokens minted.
		pub minted_wh: Wh,
		/// Tokens delivered to buyers by settlement and retired in their names.
		pub delivered_wh: Wh,
		/// Tokens retired by their holders with a claim.
		pub retired_wh: Wh,
		/// Tokens sold to the utility at the feed-in tariff.
		pub fed_in_wh: Wh,
	}

	impl<AccountId> Certificate<AccountId> {
		/// A certificate of `owner` with nothing minted yet.
		pub fn new(owner: AccountId) -> Self {
			Certificate { owner, minted_wh: 0, delivered_wh: 0, retired_wh: 0, fed_in_wh: 0 }
		}
	}

	/// Version 2's certificates.
	#[storage_alias]
	pub type Certificates<T: Config> = StorageDoubleMap<
		Pallet<T>,
		Twox64Concat,
		MarketSlot,
		Twox64Concat,
		ResId,
		Certificate<<T as frame_system::Config>::AccountId>,
	>;
}

/// Version 1 → 2: tokens held per certificate. Version 1 kept one fungible balance per account
/// and certificates with only their minted amount, so it cannot tell which certificate's tokens
/// an account still holds. The migration gives each RES owner holdings of its own certificates
/// up to its balance: first those of slots in the middle of settlement, exactly what the market
/// says each still has to deliver (`Settling`: `(slot, res, Wh)`, from the market's version-3
/// `Deliverable`), then the others newest slot first (the newest tokens are those its open
/// auctions may still deliver). What the owner no longer holds of a certificate left circulation
/// before the upgrade (delivered, retired or fed in: version 1 cannot tell which) and is recorded
/// as retired.
/// Balances of accounts that own no certificate (the utility's fed-in tokens) are dropped: they
/// were fed in, a terminal state from version 2 on, and are among the tokens recorded as retired.
/// A utility that owns a RES too had its own tokens and those it bought at feed-in in one
/// balance: its own certificates get holdings up to that balance, so it may come out holding
/// more of them than it did (never more than they minted). Version 1 cannot tell the two
/// apart; the upgrade tests check the bounds (at least what it held, at most its balance).
/// The totals become the certificates' sums (`TotalFedIn` 0).
///
/// It reads every certificate and balance in one block: fine for the development and test
/// networks this chain has run on so far; a chain with years of certificates would need a
/// multi-block migration.
pub type MigrateV1ToV2<T, Settling = GetDefault> = VersionedMigration<
	1,
	2,
	HoldPerCertificate<T, Settling>,
	Pallet<T>,
	<T as frame_system::Config>::DbWeight,
>;

/// The unversioned step of [`MigrateV1ToV2`].
pub struct HoldPerCertificate<T, Settling>(core::marker::PhantomData<(T, Settling)>);

impl<T: Config, Settling: Get<Vec<(MarketSlot, ResId, Wh)>>> UncheckedOnRuntimeUpgrade
	for HoldPerCertificate<T, Settling>
{
	fn on_runtime_upgrade() -> Weight {
		let settling: BTreeMap<(MarketSlot, ResId), Wh> =
			Settling::get().into_iter().map(|(slot, res, wh)| ((slot, res), wh)).collect();
		let mut reads = 0u64;
		let mut writes = 0u64;
		// Every certificate, and each owner's certificates newest slot first.
		let mut certificates: BTreeMap<(MarketSlot, ResId), v2::Certificate<T::AccountId>> =
			BTreeMap::new();
		let mut by_owner: BTreeMap<T::AccountId, Vec<(MarketSlot, ResId)>> = BTreeMap::new();
		for (slot, res, old) in v1::Certificates::<T>::drain() {
			reads += 1;
			by_owner.entry(old.owner.clone()).or_default().push((slot, res));
			let mut certificate = v2::Certificate::new(old.owner);
			certificate.minted_wh = old.minted_wh;
			// Until a holding is found: all of it left circulation before the upgrade.
			certificate.retired_wh = old.minted_wh;
			certificates.insert((slot, res), certificate);
		}
		for (who, mut balance) in v1::Balances::<T>::drain() {
			reads += 1;
			writes += 1;
			let Some(owned) = by_owner.get_mut(&who) else { continue };
			// Settling certificates first, then newest first.
			owned.sort_by_key(|key| (!settling.contains_key(key), core::cmp::Reverse(*key)));
			for key in owned.iter() {
				let Some(certificate) = certificates.get_mut(key) else { continue };
				let undelivered = settling.get(key).copied().unwrap_or(certificate.minted_wh);
				let held = balance.min(certificate.minted_wh).min(undelivered);
				if balance == 0 {
					break;
				}
				if held == 0 {
					continue;
				}
				balance -= held;
				certificate.retired_wh -= held;
				Holdings::<T>::insert((&who, key.0, key.1), held);
				writes += 1;
			}
		}
		let (mut minted, mut retired) = (0u128, 0u128);
		for ((slot, res), certificate) in certificates {
			minted += certificate.minted_wh as u128;
			retired += certificate.retired_wh as u128;
			v2::Certificates::<T>::insert(slot, res, certificate);
			// Drained (a write) and written again.
			writes += 2;
		}
		TotalMinted::<T>::put(minted);
		TotalRetired::<T>::put(retired);
		TotalFedIn::<T>::put(0);
		T::DbWeight::get().reads_writes(reads, writes + 3)
	}

	/// The version-1 balances together are backed by the certificates (tokens cannot exist
	/// without them); records the minted total and the balances of certificate owners.
	///
	/// Per account, a balance may exceed what its own certificates minted: the utility held
	/// the tokens it bought at feed-in in its balance, and the utility may own a RES too.
	#[cfg(feature = "try-runtime")]
	fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
		use codec::Encode;
		let mut owners = alloc::collections::BTreeSet::new();
		let mut minted = 0u128;
		for (_, _, certificate) in v1::Certificates::<T>::iter() {
			minted += certificate.minted_wh as u128;
			owners.insert(certificate.owner);
		}
		let mut balances = Vec::new();
		let mut total = 0u128;
		for (who, balance) in v1::Balances::<T>::iter() {
			total += balance as u128;
			if owners.contains(&who) {
				balances.push((who, balance));
			}
		}
		frame_support::ensure!(
			total <= minted,
			"the version-1 balances are more than the certificates can back"
		);
		Ok((minted, balances).encode())
	}

	/// Nothing minted is lost, no owner holds more than its version-1 balance, and every
	/// certificate's minted Wh are held, delivered, retired or fed in.
	#[cfg(feature = "try-runtime")]
	fn post_upgrade(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
		use codec::Decode;
		let (minted, balances): (u128, Vec<(T::AccountId, Wh)>) =
			Decode::decode(&mut &state[..]).map_err(|_| "pre-upgrade state does not decode")?;
		frame_support::ensure!(TotalMinted::<T>::get() == minted, "minted tokens changed");
		for (who, balance) in balances {
			let held: u128 = Holdings::<T>::iter_prefix((&who,)).map(|(_, wh)| wh as u128).sum();
			frame_support::ensure!(held <= balance as u128, "an owner holds more than before");
		}
		for (slot, res, certificate) in v2::Certificates::<T>::iter() {
			let held = Holdings::<T>::get((&certificate.owner, slot, res)).unwrap_or(0);
			frame_support::ensure!(
				certificate.minted_wh
					== held
						+ certificate.delivered_wh
						+ certificate.retired_wh
						+ certificate.fed_in_wh,
				"a certificate's tokens do not add up"
			);
		}
		Ok(())
	}
}

/// Version 2 → 3: granular certificates. Each certificate gets the next id, its production
/// interval (its slot, at the slot length of the upgrade), an issuance time (the end of that
/// interval: version 2 did not record it), and an expiry after the current expiry period. Ids
/// follow storage (hash) order, not issuance order: version 2 did not record it either. Its
/// Wh are numbered into its owner's pieces: fed in first, then delivered and retired (both
/// became cancelled: version 2 retired delivered tokens in the buyer's name at once, and it
/// recorded the buyers only in its `Delivered` events), then what the owner still holds,
/// active, then what any other holder holds. Holdings and totals are unchanged (version 2's
/// totals already count delivered and retired tokens as retired).
///
/// Like [`MigrateV1ToV2`], it reads every certificate in one block.
pub type MigrateV2ToV3<T> = VersionedMigration<
	2,
	3,
	NumberCertificates<T>,
	Pallet<T>,
	<T as frame_system::Config>::DbWeight,
>;

/// The holders of one certificate and the Wh each holds.
type HoldersOf<T> = Vec<(<T as frame_system::Config>::AccountId, Wh)>;

/// The unversioned step of [`MigrateV2ToV3`].
pub struct NumberCertificates<T>(core::marker::PhantomData<T>);

impl<T: Config> UncheckedOnRuntimeUpgrade for NumberCertificates<T> {
	fn on_runtime_upgrade() -> Weight {
		use energy_primitives::MarketClock;
		let length = T::Clock::slot_length_ms();
		let expiry = ExpirySlots::<T>::get();
		let mut id = NextCertificateId::<T>::get();
		let old: Vec<_> = v2::Certificates::<T>::drain().collect();
		let count = old.len() as u64;
		// Every holding, by certificate: in version 2 only owners held (no call moved tokens to
		// anyone else), but any other holder's Wh are numbered too, after the owner's.
		let mut holders: BTreeMap<(MarketSlot, ResId), HoldersOf<T>> = BTreeMap::new();
		let mut holdings = 0u64;
		for ((holder, slot, res), wh) in Holdings::<T>::iter() {
			holdings += 1;
			holders.entry((slot, res)).or_default().push((holder, wh));
		}
		for (slot, res, old) in old {
			let cancelled = old.delivered_wh.saturating_add(old.retired_wh);
			let mut next = old.fed_in_wh.saturating_add(cancelled);
			let mut owner_pieces = Vec::new();
			for (range, status) in [
				(WhRange { start: 0, end: old.fed_in_wh }, CertificateStatus::FedIn),
				(WhRange { start: old.fed_in_wh, end: next }, CertificateStatus::Cancelled),
			] {
				if !range.is_empty() {
					owner_pieces.push(Piece { range, status });
				}
			}
			let mut held = holders.remove(&(slot, res)).unwrap_or_default();
			// The owner first.
			held.sort_by_key(|(holder, _)| *holder != old.owner);
			if held.first().map(|(holder, _)| holder) != Some(&old.owner) {
				held.insert(0, (old.owner.clone(), 0));
			}
			for (holder, wh) in held {
				let end = next.saturating_add(wh);
				let mut pieces = if holder == old.owner {
					core::mem::take(&mut owner_pieces)
				} else {
					Vec::new()
				};
				if end > next {
					pieces.push(Piece {
						range: WhRange { start: next, end },
						status: CertificateStatus::Active,
					});
				}
				next = end;
				// At most three pieces: within the bound.
				if let Ok(pieces) = crate::Pieces::try_from(pieces) {
					if !pieces.is_empty() {
						HolderPieces::<T>::insert((&holder, slot, res), pieces);
					}
				}
			}
			let start = (slot as u64).saturating_mul(length);
			let end = start.saturating_add(length);
			Certificates::<T>::insert(
				slot,
				res,
				Certificate {
					issued_at_ms: end,
					interval_start_ms: start,
					interval_end_ms: end,
					expires_after: slot.saturating_add(expiry),
					minted_wh: old.minted_wh,
					cancelled_wh: cancelled,
					fed_in_wh: old.fed_in_wh,
					..Certificate::new(id, old.owner)
				},
			);
			id = id.saturating_add(1);
		}
		NextCertificateId::<T>::put(id);
		// Every certificate and holding read; per certificate the certificate and (about) one
		// holder's pieces written (the old one drained into the same key).
		T::DbWeight::get().reads_writes(count + holdings + 3, 2 * count + holdings + 1)
	}

	/// Records the minted, retired and fed-in totals and the number of certificates.
	#[cfg(feature = "try-runtime")]
	fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
		use codec::Encode;
		let count = v2::Certificates::<T>::iter().count() as u64;
		Ok((TotalMinted::<T>::get(), TotalRetired::<T>::get(), TotalFedIn::<T>::get(), count)
			.encode())
	}

	/// The totals and the number of certificates are unchanged, and the ledger's invariants
	/// hold (every Wh numbered once, in the status its counter says).
	#[cfg(feature = "try-runtime")]
	fn post_upgrade(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
		use codec::Decode;
		let before: (u128, u128, u128, u64) =
			Decode::decode(&mut &state[..]).map_err(|_| "pre-upgrade state does not decode")?;
		let after = (
			TotalMinted::<T>::get(),
			TotalRetired::<T>::get(),
			TotalFedIn::<T>::get(),
			Certificates::<T>::iter().count() as u64,
		);
		frame_support::ensure!(before == after, "totals or certificates changed");
		Pallet::<T>::do_try_state()
	}
}
