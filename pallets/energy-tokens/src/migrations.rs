//! Storage migrations of the token ledger.

use crate::{
	Certificate, Certificates, Config, Holdings, Pallet, TotalFedIn, TotalMinted, TotalRetired,
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
		let mut certificates: BTreeMap<(MarketSlot, ResId), Certificate<T::AccountId>> =
			BTreeMap::new();
		let mut by_owner: BTreeMap<T::AccountId, Vec<(MarketSlot, ResId)>> = BTreeMap::new();
		for (slot, res, old) in v1::Certificates::<T>::drain() {
			reads += 1;
			by_owner.entry(old.owner.clone()).or_default().push((slot, res));
			let mut certificate = Certificate::new(old.owner);
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
			Certificates::<T>::insert(slot, res, certificate);
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

	/// Nothing minted is lost, no owner holds more than its version-1 balance, and the ledger's
	/// invariants hold.
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
		Pallet::<T>::do_try_state()
	}
}
