//! Gateway and meter administration: the logic behind the registry's calls.

use crate::{
	Config, DirectoryEntry, Error, Event, GatewayPage, Gateways, Meter, MeterDirectory, MeterKind,
	MeterStatus, NextMeterId, Pallet, ProductionMeterOf, Registers,
};
use energy_primitives::{MarketClock, MeterId, MeterPublicKey, ParticipantRegistry, ResRegistry};
use frame_support::{ensure, pallet_prelude::DispatchResult, traits::EnsureOrigin};
use frame_system::pallet_prelude::OriginFor;
use sp_runtime::DispatchError;

impl<T: Config> Pallet<T> {
	/// Admits the community manager only. A DSO approves grid connections (`res-assets`);
	/// installing meter keys is not its duty, so that no single key can both approve a plant
	/// and install the key that mints for it.
	pub(crate) fn ensure_meter_admin(origin: OriginFor<T>) -> DispatchResult {
		match T::ManagerOrigin::try_origin(origin) {
			Ok(_) => Ok(()),
			Err(origin) => {
				frame_system::ensure_signed(origin)?;
				Err(Error::<T>::NotMeterAdmin.into())
			},
		}
	}

	/// Registers `gateway` with an empty page.
	pub fn do_register_gateway(gateway: T::AccountId) -> DispatchResult {
		ensure!(!Gateways::<T>::contains_key(&gateway), Error::<T>::GatewayExists);
		Gateways::<T>::insert(&gateway, GatewayPage::<T>::default());
		Self::deposit_event(Event::GatewayRegistered { gateway });
		Ok(())
	}

	/// Removes `gateway` if it has no active meters.
	pub fn do_remove_gateway(gateway: T::AccountId) -> DispatchResult {
		let page = Gateways::<T>::get(&gateway).ok_or(Error::<T>::NotGateway)?;
		ensure!(page.is_empty(), Error::<T>::GatewayHasMeters);
		Gateways::<T>::remove(&gateway);
		Self::deposit_event(Event::GatewayRemoved { gateway });
		Ok(())
	}

	/// Registers a meter; returns its id.
	pub fn do_register_meter(
		owner: T::AccountId,
		kind: MeterKind,
		key: MeterPublicKey,
		gateway: T::AccountId,
		installed_registers: Registers,
	) -> Result<MeterId, DispatchError> {
		ensure!(T::Participants::active_roles(&owner).is_some(), Error::<T>::NotParticipant);
		if let MeterKind::Production { res } = kind {
			let profile = T::Res::profile(res).ok_or(Error::<T>::UnknownRes)?;
			ensure!(profile.owner == owner, Error::<T>::NotResOwner);
			ensure!(!ProductionMeterOf::<T>::contains_key(res), Error::<T>::ResHasMeter);
		}
		let mut page = Gateways::<T>::get(&gateway).ok_or(Error::<T>::NotGateway)?;
		let id = NextMeterId::<T>::get();
		let next = id.checked_add(1).ok_or(Error::<T>::IdsExhausted)?;
		let meter = Meter {
			id,
			owner: owner.clone(),
			kind,
			key,
			last_sequence: 0,
			// The first reading covers the installation slot. At genesis the clock does not
			// run yet (slot 0): the installation slot is unknown.
			last_slot: T::Clock::current_slot().checked_sub(1),
			registers: installed_registers,
		};
		// Ids only grow, so pushing keeps the page sorted.
		page.try_push(meter).map_err(|_| Error::<T>::GatewayFull)?;

		Gateways::<T>::insert(&gateway, page);
		MeterDirectory::<T>::insert(
			id,
			DirectoryEntry { gateway: gateway.clone(), status: MeterStatus::Active },
		);
		if let MeterKind::Production { res } = kind {
			ProductionMeterOf::<T>::insert(res, id);
		}
		NextMeterId::<T>::put(next);
		Self::deposit_event(Event::MeterRegistered { meter: id, owner, kind, gateway });
		Ok(id)
	}

	/// Revokes `meter`: takes it off its gateway's page and frees its RES.
	pub fn do_revoke_meter(meter: MeterId) -> DispatchResult {
		let mut entry = MeterDirectory::<T>::get(meter).ok_or(Error::<T>::UnknownMeter)?;
		ensure!(entry.status == MeterStatus::Active, Error::<T>::MeterRevoked);
		let mut page = Gateways::<T>::get(&entry.gateway).ok_or(Error::<T>::UnknownMeter)?;
		let index =
			page.binary_search_by_key(&meter, |m| m.id).map_err(|_| Error::<T>::UnknownMeter)?;
		let removed = page.remove(index);
		if let MeterKind::Production { res } = removed.kind {
			ProductionMeterOf::<T>::remove(res);
		}
		Gateways::<T>::insert(&entry.gateway, page);
		entry.status = MeterStatus::Revoked;
		MeterDirectory::<T>::insert(meter, entry);
		Self::deposit_event(Event::MeterRevoked { meter });
		Ok(())
	}

	/// Replaces the key of active meter `meter`.
	pub fn do_rotate_meter_key(meter: MeterId, key: MeterPublicKey) -> DispatchResult {
		let entry = MeterDirectory::<T>::get(meter).ok_or(Error::<T>::UnknownMeter)?;
		ensure!(entry.status == MeterStatus::Active, Error::<T>::MeterRevoked);
		Gateways::<T>::try_mutate(&entry.gateway, |maybe| {
			let page = maybe.as_mut().ok_or(Error::<T>::UnknownMeter)?;
			let index = page
				.binary_search_by_key(&meter, |m| m.id)
				.map_err(|_| Error::<T>::UnknownMeter)?;
			let record = &mut page[index];
			ensure!(record.key != key, Error::<T>::SameKey);
			record.key = key;
			Ok::<_, Error<T>>(())
		})?;
		Self::deposit_event(Event::MeterKeyRotated { meter, key });
		Ok(())
	}

	/// The meter record of `meter`, wherever it is listed (`None` if unknown or revoked).
	pub fn meter(meter: MeterId) -> Option<Meter<T::AccountId>> {
		let entry = MeterDirectory::<T>::get(meter)?;
		let page = Gateways::<T>::get(&entry.gateway)?;
		let index = page.binary_search_by_key(&meter, |m| m.id).ok()?;
		page.get(index).cloned()
	}

	/// Checks the registry's invariants: pages are sorted and list only active meters of their
	/// own gateway; production meters map 1:1 to their RES; ids are below `NextMeterId`.
	/// (Also run by the tests, and by other pallets' tests that compose this one.)
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		let next = NextMeterId::<T>::get();
		let mut listed = 0usize;
		for (gateway, page) in Gateways::<T>::iter() {
			ensure!(page.windows(2).all(|w| w[0].id < w[1].id), "gateway page not sorted");
			for meter in page.iter() {
				listed += 1;
				ensure!(meter.id < next, "meter id at or above NextMeterId");
				let entry =
					MeterDirectory::<T>::get(meter.id).ok_or("listed meter not in directory")?;
				ensure!(entry.gateway == gateway, "meter listed on another gateway's page");
				ensure!(entry.status == MeterStatus::Active, "revoked meter still listed");
				if let MeterKind::Production { res } = meter.kind {
					ensure!(
						ProductionMeterOf::<T>::get(res) == Some(meter.id),
						"production meter not registered for its RES"
					);
				}
			}
		}
		let active =
			MeterDirectory::<T>::iter_values().filter(|e| e.status == MeterStatus::Active).count();
		ensure!(active == listed, "active meters and listed meters differ");
		for (res, meter) in ProductionMeterOf::<T>::iter() {
			let record = Self::meter(meter).ok_or("RES mapped to an inactive meter")?;
			ensure!(
				record.kind == MeterKind::Production { res },
				"RES mapped to a meter of another RES"
			);
		}
		Ok(())
	}
}
