//! The logic behind each call of the RES asset registry.

use crate::{
	Assets, Config, ConnectionPoint, Error, Event, NextResId, Pallet, ResAsset, ResStatus,
	Technology, MAX_NAMEPLATE_W,
};
use energy_primitives::{ParticipantRegistry, ResId, Roles, Watts};
use frame_support::{ensure, pallet_prelude::DispatchResult};
use sp_runtime::DispatchError;

impl<T: Config> Pallet<T> {
	/// Registers a RES of `owner`, pending the DSO's approval.
	pub fn do_register(
		owner: T::AccountId,
		technology: Technology,
		nameplate_w: Watts,
		connection_point: ConnectionPoint,
	) -> DispatchResult {
		ensure!(
			T::Participants::has_active_roles(&owner, Roles::PRODUCER),
			Error::<T>::NotProducer
		);
		let id = Self::insert_asset(
			owner.clone(),
			technology,
			nameplate_w,
			connection_point,
			ResStatus::PendingApproval,
		)?;
		Self::deposit_event(Event::Registered { id, owner, technology, nameplate_w });
		Ok(())
	}

	/// Checks and stores a new RES with the next id; returns the id.
	pub(crate) fn insert_asset(
		owner: T::AccountId,
		technology: Technology,
		nameplate_w: Watts,
		connection_point: ConnectionPoint,
		status: ResStatus,
	) -> Result<ResId, DispatchError> {
		ensure!(nameplate_w > 0, Error::<T>::ZeroCapacity);
		ensure!(nameplate_w <= MAX_NAMEPLATE_W, Error::<T>::CapacityTooLarge);
		ensure!(!connection_point.is_empty(), Error::<T>::EmptyConnectionPoint);
		let id = NextResId::<T>::get();
		let next = id.checked_add(1).ok_or(Error::<T>::IdsExhausted)?;
		Assets::<T>::insert(
			id,
			ResAsset {
				owner,
				technology,
				nameplate_w,
				connection_point,
				status,
				registered_at: frame_system::Pallet::<T>::block_number(),
			},
		);
		NextResId::<T>::put(next);
		Ok(id)
	}

	/// Records the DSO's decision on RES `id`'s grid connection (never on a RES of its own).
	pub fn do_decide_connection(dso: T::AccountId, id: ResId, approve: bool) -> DispatchResult {
		ensure!(T::Participants::has_active_roles(&dso, Roles::DSO), Error::<T>::NotDso);
		Assets::<T>::try_mutate(id, |maybe| {
			let asset = maybe.as_mut().ok_or(Error::<T>::UnknownAsset)?;
			ensure!(asset.status == ResStatus::PendingApproval, Error::<T>::NotPending);
			// Separation of duties: a DSO that also produces never decides on its own plant.
			ensure!(asset.owner != dso, Error::<T>::OwnRes);
			asset.status = if approve { ResStatus::Approved } else { ResStatus::Rejected };
			Ok::<_, Error<T>>(())
		})?;
		Self::deposit_event(if approve {
			Event::ConnectionApproved { id, dso }
		} else {
			Event::ConnectionRejected { id, dso }
		});
		Ok(())
	}

	/// Decommissions RES `id`; `caller` is `None` for the community manager.
	pub fn do_decommission(caller: Option<T::AccountId>, id: ResId) -> DispatchResult {
		Assets::<T>::try_mutate(id, |maybe| {
			let asset = maybe.as_mut().ok_or(Error::<T>::UnknownAsset)?;
			if let Some(caller) = &caller {
				ensure!(&asset.owner == caller, Error::<T>::NotOwner);
			}
			ensure!(asset.status != ResStatus::Decommissioned, Error::<T>::AlreadyDecommissioned);
			asset.status = ResStatus::Decommissioned;
			Ok::<_, Error<T>>(())
		})?;
		Self::deposit_event(Event::Decommissioned { id });
		Ok(())
	}

	/// Checks the registry's invariants: ids are below `NextResId`, capacities and connection
	/// points are valid, and the counter matches.
	/// (Also run by the tests, and by other pallets' tests that compose this one.)
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		let next = NextResId::<T>::get();
		let mut count = 0u32;
		for (id, asset) in Assets::<T>::iter() {
			count += 1;
			ensure!(id < next, "RES id at or above NextResId");
			ensure!(
				asset.nameplate_w > 0 && asset.nameplate_w <= MAX_NAMEPLATE_W,
				"RES with an invalid capacity"
			);
			ensure!(!asset.connection_point.is_empty(), "RES without connection point");
		}
		ensure!(count == Assets::<T>::count(), "RES counter is off");
		Ok(())
	}
}
