//! The upgrade rehearsal: this runtime with its spec version one higher and one migration more,
//! built with the `upgrade-rehearsal` feature (`ENERGY_UPGRADE_REHEARSAL=1` when building the
//! node, as `scripts/test.sh` does). Operators (and the network test `dev_upgrade`) rehearse the
//! whole path of a runtime upgrade with it before a real one: the council's two-thirds motion
//! authorises its hash through the whitelist, anyone applies the code, and the first block of
//! the new runtime runs its migrations, then the market, the meters and the balances carry on.
//!
//! Its migration, [`RecordRehearsal`], records what it saw under [`REHEARSAL_KEY`]: the block,
//! the members and the total issuance, so that the rehearsal can show it ran once, in the
//! first block of the new runtime, on the state the old one left.

use codec::{Decode, Encode};
use frame_support::{storage::unhashed, traits::OnRuntimeUpgrade, weights::Weight};

use crate::{BlockNumber, Runtime};

/// The well-known storage key of the rehearsal's record.
pub const REHEARSAL_KEY: &[u8] = b":energy:upgrade_rehearsal";

/// What the rehearsal's migration saw when it ran.
#[derive(Encode, Decode, Clone, Debug, PartialEq, Eq)]
pub struct RehearsalRecord {
	/// The block whose initialisation ran the migration.
	pub block: BlockNumber,
	/// How many members were registered.
	pub members: u32,
	/// The total issuance, in the smallest unit.
	pub total_issuance: crate::Balance,
}

/// The state a rehearsal must leave as it found it: the members and the issuance.
fn observed() -> (u32, crate::Balance) {
	(
		pallet_participants::Participants::<Runtime>::iter_keys().count() as u32,
		pallet_balances::TotalIssuance::<Runtime>::get(),
	)
}

/// Records, once, what the upgrade found (see the module's documentation).
pub struct RecordRehearsal;

impl OnRuntimeUpgrade for RecordRehearsal {
	fn on_runtime_upgrade() -> Weight {
		let db = <Runtime as frame_system::Config>::DbWeight::get();
		if unhashed::exists(REHEARSAL_KEY) {
			return db.reads(1);
		}
		let (members, total_issuance) = observed();
		let record = RehearsalRecord {
			block: frame_system::Pallet::<Runtime>::block_number(),
			members,
			total_issuance,
		};
		unhashed::put(REHEARSAL_KEY, &record);
		db.reads_writes(u64::from(members) + 2, 1)
	}

	#[cfg(feature = "try-runtime")]
	fn pre_upgrade() -> Result<alloc::vec::Vec<u8>, sp_runtime::TryRuntimeError> {
		Ok(observed().encode())
	}

	#[cfg(feature = "try-runtime")]
	fn post_upgrade(before: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
		let before = <(u32, crate::Balance)>::decode(&mut &before[..])
			.map_err(|_| "the pre-upgrade state decodes")?;
		let record: RehearsalRecord =
			unhashed::get(REHEARSAL_KEY).ok_or("the rehearsal recorded the upgrade")?;
		frame_support::ensure!(
			(record.members, record.total_issuance) == before,
			"the rehearsal saw the state the upgrade started from"
		);
		frame_support::ensure!(observed() == before, "the rehearsal changed nothing else");
		Ok(())
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::genesis_config_presets::preset_state_with;

	/// The migration records once, on the first upgrade, what it found, and changes nothing
	/// else.
	#[test]
	fn the_rehearsal_records_once_and_changes_nothing_else() {
		let dev = sp_genesis_builder::DEV_RUNTIME_PRESET.into();
		preset_state_with(&dev, serde_json::Value::Null).execute_with(|| {
			frame_system::Pallet::<Runtime>::set_block_number(7);
			let before = observed();
			RecordRehearsal::on_runtime_upgrade();
			let record: RehearsalRecord = unhashed::get(REHEARSAL_KEY).expect("recorded");
			assert_eq!(record.block, 7);
			assert_eq!((record.members, record.total_issuance), before);
			assert_eq!(record.members, 8, "the demo community's members");
			assert_eq!(observed(), before);
			// A second upgrade leaves the first record.
			frame_system::Pallet::<Runtime>::set_block_number(8);
			RecordRehearsal::on_runtime_upgrade();
			assert_eq!(unhashed::get::<RehearsalRecord>(REHEARSAL_KEY), Some(record));
		});
	}
}
