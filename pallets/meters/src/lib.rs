#![cfg_attr(not(feature = "std"), no_std)]
#![doc = include_str!("../README.md")]

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod dispatchable_impls;
pub mod migrations;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod proptests;
mod readings;
mod registry_impl;
#[cfg(test)]
mod tests;
mod types;
pub mod weights;

pub use readings::{offchain_reading_key, IndexedReading, OFFCHAIN_READING_PREFIX};
pub use types::*;
pub use weights::WeightInfo;

extern crate alloc;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use energy_primitives::{
		EnergyMinter, MarketClock, MarketSlot, MeterId, MeterPublicKey, ParticipantRegistry,
		ResRegistry, SignedReading, Wh,
	};
	use frame_support::{dispatch::DispatchResultWithPostInfo, pallet_prelude::*};
	use frame_system::pallet_prelude::*;

	/// 2: `GenesisSlot` is set (the installation slot of the meters registered at genesis).
	pub const STORAGE_VERSION: StorageVersion = StorageVersion::new(2);

	/// The meters a gateway submits for, sorted by id.
	pub type GatewayPage<T> = BoundedVec<
		Meter<<T as frame_system::Config>::AccountId>,
		<T as Config>::MaxMetersPerGateway,
	>;

	/// A batch of signed readings.
	pub type ReadingBatch<T> = BoundedVec<SignedReading, <T as Config>::MaxReadingsPerBatch>;

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<Hash = sp_core::H256> {
		/// The overarching event type.
		#[allow(deprecated)]
		type RuntimeEvent: From<Event<Self>> + IsType<<Self as frame_system::Config>::RuntimeEvent>;

		/// Who is an active participant (meter owners).
		type Participants: ParticipantRegistry<Self::AccountId>;

		/// The RES a production meter measures: owner, nameplate, approval.
		type Res: ResRegistry<Self::AccountId>;

		/// Mints tokens for accepted production export.
		type Tokens: EnergyMinter<Self::AccountId>;

		/// The market clock: the current slot and the slot length.
		type Clock: MarketClock;

		/// Told of the import of every accepted reading of the meters it watches (the
		/// flexibility pallet, measuring committed reductions); `()` when nobody watches.
		type Imports: energy_primitives::ImportObserver;

		/// Told of every member's consumption metered in one slot (the import of each accepted
		/// reading that covers exactly one slot): the token ledger, for hourly claims; `()`
		/// when nothing matches certificates against consumption.
		type Consumption: energy_primitives::ConsumptionRecorder<Self::AccountId>;

		/// The community manager, who administers gateways and meters (and no one else: the
		/// DSO approves grid connections, never meter keys).
		type ManagerOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Most meters one gateway submits for.
		#[pallet::constant]
		type MaxMetersPerGateway: Get<u32>;

		/// Most readings in one `submit_readings` call.
		#[pallet::constant]
		type MaxReadingsPerBatch: Get<u32>;

		/// How long after a slot ended (ms) a reading may still close it: older readings are
		/// rejected (`SlotTooOld`). Converted to whole slots of the chain's slot length (at
		/// least one).
		#[pallet::constant]
		type MaxReadingAgeMs: Get<u64>;

		/// Of the slots one reading covers, at most this many (the newest that are still open
		/// for delivery) are certified; the shares of the others are metered but mint
		/// nothing. Bounds the mints, and so the weight, of one reading.
		#[pallet::constant]
		type MaxCertifiedSlotsPerReading: Get<u32>;

		/// Weight information for the extrinsics of this pallet.
		type WeightInfo: WeightInfo;
	}

	/// Registered gateways and the active meters each submits for (its "page"), sorted by id.
	/// A gateway's batch is checked against its page, read and written once per batch.
	#[pallet::storage]
	pub type Gateways<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, GatewayPage<T>>;

	/// Every meter ever registered: its gateway and status.
	#[pallet::storage]
	pub type MeterDirectory<T: Config> =
		StorageMap<_, Twox64Concat, MeterId, DirectoryEntry<T::AccountId>>;

	/// The active production meter of each RES (at most one, so export is never minted twice).
	#[pallet::storage]
	pub type ProductionMeterOf<T: Config> =
		StorageMap<_, Twox64Concat, energy_primitives::ResId, MeterId>;

	/// The id the next registered meter gets.
	#[pallet::storage]
	pub type NextMeterId<T: Config> = StorageValue<_, MeterId, ValueQuery>;

	/// The market slot of the chain's first block: the installation slot of every meter
	/// registered at genesis (when no clock runs yet), whose first reading may close no slot
	/// before it. Set at the end of block 1 (or by the migration that introduced it).
	#[pallet::storage]
	pub type GenesisSlot<T: Config> = StorageValue<_, MarketSlot, OptionQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A gateway was registered.
		GatewayRegistered { gateway: T::AccountId },
		/// A gateway without meters was removed.
		GatewayRemoved { gateway: T::AccountId },
		/// A meter was registered.
		MeterRegistered {
			meter: MeterId,
			owner: T::AccountId,
			kind: MeterKind,
			gateway: T::AccountId,
		},
		/// A meter was revoked: its readings are rejected from now on.
		MeterRevoked { meter: MeterId },
		/// A meter's key was replaced.
		MeterKeyRotated { meter: MeterId, key: MeterPublicKey },
		/// A reading was applied. It closes `slot` and covers the `slots` slots up to it (more
		/// than one after a gap); `import_wh` and `export_wh` are the interval energy (register
		/// deltas since the last accepted reading), attributed pro rata to the covered slots
		/// (`energy_primitives::CoveredSlots`); `minted_wh` the tokens minted from the export's
		/// shares in slots still open for delivery.
		ReadingAccepted {
			meter: MeterId,
			sequence: u64,
			slot: MarketSlot,
			slots: u32,
			import_wh: Wh,
			export_wh: Wh,
			minted_wh: Wh,
		},
		/// A reading was an exact copy of the last accepted one: nothing happened.
		ReadingDuplicate { meter: MeterId, sequence: u64 },
		/// A reading was rejected; the rest of its batch went on.
		ReadingRejected { meter: MeterId, sequence: u64, reason: RejectionReason },
		/// A gateway's batch was processed.
		BatchProcessed { gateway: T::AccountId, tally: BatchTally },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The caller is not the community manager.
		NotMeterAdmin,
		/// The meter owner is not an active participant.
		NotParticipant,
		/// The account is not a registered gateway.
		NotGateway,
		/// The gateway is already registered.
		GatewayExists,
		/// The gateway still submits for meters.
		GatewayHasMeters,
		/// The gateway already submits for the most meters it may.
		GatewayFull,
		/// No RES has this id.
		UnknownRes,
		/// A production meter must belong to the owner of its RES.
		NotResOwner,
		/// The RES already has an active production meter.
		ResHasMeter,
		/// No meter has this id.
		UnknownMeter,
		/// The meter is revoked.
		MeterRevoked,
		/// The new key is the meter's current key.
		SameKey,
		/// A batch must hold at least one reading.
		EmptyBatch,
		/// Every meter id has been used.
		IdsExhausted,
	}

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Gateways registered at genesis.
		pub gateways: alloc::vec::Vec<T::AccountId>,
		/// Meters registered at genesis, in id order 0, 1, 2, ...: owner, kind, key, gateway.
		/// Their registers start at zero.
		pub meters: alloc::vec::Vec<(T::AccountId, MeterKind, MeterPublicKey, T::AccountId)>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			// A chain spec that registers invalid meters is a mistake: refuse to start.
			for gateway in &self.gateways {
				Pallet::<T>::do_register_gateway(gateway.clone())
					.expect("genesis gateways are unique");
			}
			for (owner, kind, key, gateway) in &self.meters {
				Pallet::<T>::do_register_meter(
					owner.clone(),
					*kind,
					*key,
					gateway.clone(),
					Registers::default(),
				)
				.expect("genesis meters are valid");
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Block 1 records the genesis meters' installation slot in `on_finalize`, once its
		/// timestamp is set; no other block does any work here.
		fn on_initialize(n: BlockNumberFor<T>) -> Weight {
			if Self::is_first_block(n) {
				// GenesisSlot, and the clock's timestamp and slot length; GenesisSlot written.
				T::DbWeight::get().reads_writes(3, 1)
			} else {
				Weight::zero()
			}
		}

		fn on_finalize(n: BlockNumberFor<T>) {
			if Self::is_first_block(n) && GenesisSlot::<T>::get().is_none() {
				GenesisSlot::<T>::put(T::Clock::current_slot());
			}
		}

		fn integrity_test() {
			assert!(T::MaxReadingAgeMs::get() > 0, "readings must be accepted for some time");
			assert!(
				T::MaxCertifiedSlotsPerReading::get() > 0,
				"a reading must certify at least the slot it closes"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Registers `gateway` as an account that may submit readings.
		///
		/// Origin: the community manager.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_gateway())]
		pub fn register_gateway(origin: OriginFor<T>, gateway: T::AccountId) -> DispatchResult {
			Self::ensure_meter_admin(origin)?;
			Self::do_register_gateway(gateway)
		}

		/// Removes `gateway`, which must have no active meters left.
		///
		/// Origin: the community manager.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::remove_gateway())]
		pub fn remove_gateway(origin: OriginFor<T>, gateway: T::AccountId) -> DispatchResult {
			Self::ensure_meter_admin(origin)?;
			Self::do_remove_gateway(gateway)
		}

		/// Registers a meter of participant `owner` with its public `key`, its `kind` (for a
		/// production meter, the RES it measures, owned by `owner`), the `gateway` that
		/// submits its readings and its registers at installation.
		///
		/// Origin: the community manager.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::register_meter(T::MaxMetersPerGateway::get()))]
		pub fn register_meter(
			origin: OriginFor<T>,
			owner: T::AccountId,
			kind: MeterKind,
			key: MeterPublicKey,
			gateway: T::AccountId,
			installed_registers: Registers,
		) -> DispatchResult {
			Self::ensure_meter_admin(origin)?;
			Self::do_register_meter(owner, kind, key, gateway, installed_registers).map(|_| ())
		}

		/// Revokes meter `meter`: its readings are rejected from now on.
		///
		/// Origin: the community manager.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::revoke_meter(T::MaxMetersPerGateway::get()))]
		pub fn revoke_meter(origin: OriginFor<T>, meter: MeterId) -> DispatchResult {
			Self::ensure_meter_admin(origin)?;
			Self::do_revoke_meter(meter)
		}

		/// Replaces the key of meter `meter` (e.g. after a firmware reset): later readings
		/// must be signed with `key`.
		///
		/// Origin: the community manager.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::rotate_meter_key(T::MaxMetersPerGateway::get()))]
		pub fn rotate_meter_key(
			origin: OriginFor<T>,
			meter: MeterId,
			key: MeterPublicKey,
		) -> DispatchResult {
			Self::ensure_meter_admin(origin)?;
			Self::do_rotate_meter_key(meter, key)
		}

		/// Submits a batch of signed readings. Each reading gets its own outcome event
		/// (accepted, duplicate, or rejected with a reason); one bad reading never fails the
		/// batch. Accepted production readings mint tokens to the RES owner.
		///
		/// The fee is waived when every reading of the batch is newly accepted: honest gateways
		/// submit for free, while resubmissions and rejected readings pay.
		///
		/// Origin: a registered gateway.
		#[pallet::call_index(5)]
		#[pallet::weight(Pallet::<T>::max_batch_weight(readings.len() as u32))]
		pub fn submit_readings(
			origin: OriginFor<T>,
			readings: ReadingBatch<T>,
		) -> DispatchResultWithPostInfo {
			let gateway = ensure_signed(origin)?;
			Self::do_submit_readings(gateway, readings)
		}
	}
}
