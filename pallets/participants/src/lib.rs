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
	use energy_primitives::Roles;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;
	use sp_core::H256;

	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The overarching event type.
		#[allow(deprecated)]
		type RuntimeEvent: From<Event<Self>> + IsType<<Self as frame_system::Config>::RuntimeEvent>;

		/// The community manager: registers, suspends and reactivates members. Root (sudo) on
		/// dev chains; a collective or a multisig of the community in production.
		type ManagerOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Weight information for the extrinsics of this pallet.
		type WeightInfo: WeightInfo;
	}

	/// Registered participants by account.
	#[pallet::storage]
	pub type Participants<T: Config> =
		CountedStorageMap<_, Blake2_128Concat, T::AccountId, Participant<BlockNumberFor<T>>>;

	/// The account of each IDgrid code (the reverse of [`Participants`]): codes are unique.
	#[pallet::storage]
	pub type AccountOfCode<T: Config> = StorageMap<_, Blake2_128Concat, IdGridCode, T::AccountId>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A member was registered.
		Registered { who: T::AccountId, code: IdGridCode, roles: Roles },
		/// A member's roles were changed by the community manager.
		RolesChanged { who: T::AccountId, roles: Roles },
		/// A member's commitment to its off-chain record changed.
		RecordCommitmentChanged { who: T::AccountId, record_commitment: H256 },
		/// A member was suspended.
		Suspended { who: T::AccountId },
		/// A suspended member was reactivated.
		Reactivated { who: T::AccountId },
		/// A member left the community.
		Left { who: T::AccountId },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The account is already registered (in any status).
		AlreadyRegistered,
		/// The IDgrid code is used by another account.
		CodeTaken,
		/// The IDgrid code is not 3 to 32 characters of `A-Z`, `0-9` and inner `-`.
		InvalidCode,
		/// A participant must hold at least one role.
		NoRoles,
		/// The account is not a registered participant.
		NotRegistered,
		/// The participant is not active (suspended or left).
		NotActive,
		/// The participant is not suspended.
		NotSuspended,
		/// The participant has left; it cannot be changed any more.
		HasLeft,
	}

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Members at genesis: account, IDgrid code, roles, record commitment.
		pub participants: Vec<(T::AccountId, Vec<u8>, Roles, H256)>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			// Genesis is checked by whoever writes the chain spec: a malformed or duplicate
			// member must stop the chain from starting, so the panics here are intended.
			for (who, code, roles, commitment) in &self.participants {
				let code: IdGridCode =
					code.clone().try_into().expect("genesis IDgrid codes fit the bound; qed");
				Pallet::<T>::do_register(who.clone(), code, *roles, *commitment)
					.expect("genesis participants are valid and unique; qed");
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
		/// Registers `who` as a member with a unique IDgrid `code`, its `roles` and a
		/// commitment to its off-chain personal record.
		///
		/// Origin: the community manager.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register())]
		pub fn register(
			origin: OriginFor<T>,
			who: T::AccountId,
			code: IdGridCode,
			roles: Roles,
			record_commitment: H256,
		) -> DispatchResult {
			T::ManagerOrigin::ensure_origin(origin)?;
			Self::do_register(who, code, roles, record_commitment)
		}

		/// Replaces the roles of member `who`.
		///
		/// Origin: the community manager.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::set_roles())]
		pub fn set_roles(origin: OriginFor<T>, who: T::AccountId, roles: Roles) -> DispatchResult {
			T::ManagerOrigin::ensure_origin(origin)?;
			Self::do_set_roles(who, roles)
		}

		/// Replaces the caller's commitment to its off-chain record (after the record changed).
		///
		/// Origin: a registered member that has not left.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::set_record_commitment())]
		pub fn set_record_commitment(
			origin: OriginFor<T>,
			record_commitment: H256,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_record_commitment(who, record_commitment)
		}

		/// Suspends member `who`: it can no longer trade or register assets and meters.
		///
		/// Origin: the community manager.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::suspend())]
		pub fn suspend(origin: OriginFor<T>, who: T::AccountId) -> DispatchResult {
			T::ManagerOrigin::ensure_origin(origin)?;
			Self::do_suspend(who)
		}

		/// Reactivates suspended member `who`.
		///
		/// Origin: the community manager.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::reactivate())]
		pub fn reactivate(origin: OriginFor<T>, who: T::AccountId) -> DispatchResult {
			T::ManagerOrigin::ensure_origin(origin)?;
			Self::do_reactivate(who)
		}

		/// The caller leaves the community for good; its IDgrid code stays reserved.
		///
		/// Origin: a registered member that has not left.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::leave())]
		pub fn leave(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_leave(who)
		}
	}
}
