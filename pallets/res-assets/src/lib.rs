#![cfg_attr(not(feature = "std"), no_std)]
#![doc = include_str!("../README.md")]

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod dispatchable_impls;
#[cfg(test)]
mod mock;
mod registry_impl;
#[cfg(test)]
mod tests;
mod types;
pub mod weights;

pub use types::*;
pub use weights::WeightInfo;

extern crate alloc;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use energy_primitives::{ParticipantRegistry, ResId, Watts};
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;

	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	/// A RES asset of this runtime.
	pub type ResAssetOf<T> = ResAsset<<T as frame_system::Config>::AccountId, BlockNumberFor<T>>;

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The overarching event type.
		#[allow(deprecated)]
		type RuntimeEvent: From<Event<Self>> + IsType<<Self as frame_system::Config>::RuntimeEvent>;

		/// Who is an active producer or DSO.
		type Participants: ParticipantRegistry<Self::AccountId>;

		/// The community manager, who may decommission any RES.
		type ManagerOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Weight information for the extrinsics of this pallet.
		type WeightInfo: WeightInfo;
	}

	/// RES assets by id.
	#[pallet::storage]
	pub type Assets<T: Config> = CountedStorageMap<_, Twox64Concat, ResId, ResAssetOf<T>>;

	/// The id the next registered RES gets.
	#[pallet::storage]
	pub type NextResId<T: Config> = StorageValue<_, ResId, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A producer registered a RES; it waits for the DSO's approval.
		Registered { id: ResId, owner: T::AccountId, technology: Technology, nameplate_w: Watts },
		/// The DSO approved the grid connection: the RES may produce tokens and sell.
		ConnectionApproved { id: ResId, dso: T::AccountId },
		/// The DSO rejected the grid connection.
		ConnectionRejected { id: ResId, dso: T::AccountId },
		/// The RES was taken out of service.
		Decommissioned { id: ResId },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The caller is not an active producer.
		NotProducer,
		/// The caller is not an active DSO.
		NotDso,
		/// A DSO may not decide on the grid connection of its own RES.
		OwnRes,
		/// Nameplate capacity must be above zero.
		ZeroCapacity,
		/// Nameplate capacity is above 100 MW.
		CapacityTooLarge,
		/// The grid connection point is empty.
		EmptyConnectionPoint,
		/// No RES has this id.
		UnknownAsset,
		/// The RES is not waiting for approval.
		NotPending,
		/// Only the RES owner or the community manager may do this.
		NotOwner,
		/// The RES is already decommissioned.
		AlreadyDecommissioned,
		/// Every RES id has been used.
		IdsExhausted,
	}

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// RES at genesis, approved: owner, technology, nameplate W, connection point. They get
		/// ids 0, 1, 2, ... in this order.
		pub assets: Vec<(T::AccountId, Technology, Watts, Vec<u8>)>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			// Genesis is checked by whoever writes the chain spec: a malformed entry must stop
			// the chain from starting, so the panics here are intended.
			for (owner, technology, nameplate_w, point) in &self.assets {
				let point: ConnectionPoint =
					point.clone().try_into().expect("genesis connection points fit the bound");
				Pallet::<T>::insert_asset(
					owner.clone(),
					*technology,
					*nameplate_w,
					point,
					ResStatus::Approved,
				)
				.expect("genesis RES are valid");
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Registers a renewable energy system owned by the caller. It may not produce tokens
		/// nor sell until the DSO approves its grid connection.
		///
		/// Origin: an active producer.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register())]
		pub fn register(
			origin: OriginFor<T>,
			technology: Technology,
			nameplate_w: Watts,
			connection_point: ConnectionPoint,
		) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			Self::do_register(owner, technology, nameplate_w, connection_point)
		}

		/// Approves the grid connection of RES `id`.
		///
		/// Origin: an active DSO that does not own the RES.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::approve_connection())]
		pub fn approve_connection(origin: OriginFor<T>, id: ResId) -> DispatchResult {
			let dso = ensure_signed(origin)?;
			Self::do_decide_connection(dso, id, true)
		}

		/// Rejects the grid connection of RES `id`.
		///
		/// Origin: an active DSO that does not own the RES.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::reject_connection())]
		pub fn reject_connection(origin: OriginFor<T>, id: ResId) -> DispatchResult {
			let dso = ensure_signed(origin)?;
			Self::do_decide_connection(dso, id, false)
		}

		/// Takes RES `id` out of service for good: its export no longer mints tokens.
		///
		/// Origin: the RES owner, or the community manager.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::decommission())]
		pub fn decommission(origin: OriginFor<T>, id: ResId) -> DispatchResult {
			let caller = match T::ManagerOrigin::try_origin(origin) {
				Ok(_) => None,
				Err(origin) => Some(ensure_signed(origin)?),
			};
			Self::do_decommission(caller, id)
		}
	}
}
