//! The meter registry as other pallets see it ([`MeterRegistry`]).

use crate::{Config, MeterDirectory, MeterKind, MeterStatus, Pallet};
use alloc::vec::Vec;
use energy_primitives::{MeterId, MeterInfo, MeterRegistry};

impl<T: Config> MeterRegistry<T::AccountId> for Pallet<T> {
	fn meter(id: MeterId) -> Option<MeterInfo<T::AccountId>> {
		Pallet::<T>::meter(id).map(|meter| MeterInfo {
			owner: meter.owner,
			res: match meter.kind {
				MeterKind::Production { res } => Some(res),
				MeterKind::Consumption => None,
			},
		})
	}

	fn is_active(id: MeterId) -> bool {
		MeterDirectory::<T>::get(id).is_some_and(|entry| entry.status == MeterStatus::Active)
	}

	/// `rotate_meter_key` at a full gateway page, as measured by its benchmark: it reads what a
	/// lookup reads (the directory entry and the meter's gateway page, decoded whole), and also
	/// writes the page back, so it bounds a lookup from above.
	fn meter_weight() -> frame_support::weights::Weight {
		use crate::weights::WeightInfo;
		use frame_support::traits::Get;
		T::WeightInfo::rotate_meter_key(T::MaxMetersPerGateway::get())
	}

	fn active_meters() -> Vec<MeterId> {
		let mut ids: Vec<MeterId> = MeterDirectory::<T>::iter()
			.filter(|(_, entry)| entry.status == MeterStatus::Active)
			.map(|(id, _)| id)
			.collect();
		ids.sort_unstable();
		ids
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn register_for_benchmark(
		owner: &T::AccountId,
		res: Option<energy_primitives::ResId>,
	) -> MeterId {
		use energy_primitives::{MeterPublicKey, ParticipantRegistry, Roles};
		T::Participants::ensure_participant(owner, Roles::PROSUMER);
		// A gateway of its own per meter, so that any number of meters fits.
		let gateway: T::AccountId =
			frame_benchmarking::account("meter-gateway", crate::NextMeterId::<T>::get(), 0);
		if crate::Gateways::<T>::get(&gateway).is_none() {
			crate::Gateways::<T>::insert(&gateway, crate::GatewayPage::<T>::default());
		}
		let kind = res.map_or(MeterKind::Consumption, |res| MeterKind::Production { res });
		let key = MeterPublicKey::Sr25519(sp_core::sr25519::Public::from_raw([7; 32]));
		// Cannot fail: the gateway is named after the next meter id, so its page is new and
		// empty (room for `MaxMetersPerGateway` ≥ 1), the owner was just made a prosumer, and
		// the id counter only grows. Benchmarks only: never in a runtime that validates.
		Pallet::<T>::do_register_meter(owner.clone(), kind, key, gateway, Default::default())
			.expect("a fresh gateway page has room for a benchmark meter; qed")
	}
}
