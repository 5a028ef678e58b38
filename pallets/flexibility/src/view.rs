//! What the runtime API serves: the open requests with their baselines and commitments.

use crate::{
	Baselines, CommitmentView, Commitments, Config, MeterView, Pallet, RequestId, RequestView,
	Requests,
};
use alloc::vec::Vec;

impl<T: Config> Pallet<T> {
	/// Request `id` with each meter's baseline and commitment, if it is open.
	pub fn request_view(id: RequestId) -> Option<RequestView<T::AccountId>> {
		let request = Requests::<T>::get(id)?;
		let meters = request
			.meters
			.iter()
			.map(|&meter| MeterView {
				meter,
				baseline_wh: Baselines::<T>::get(id, meter)
					.map(|b| b.into_inner())
					.unwrap_or_default(),
				commitment: Commitments::<T>::get(id, meter).map(|c| CommitmentView {
					member: c.member,
					reduction_wh: c.reduction_wh,
					bond: c.bond,
					metering: c.metering.into_inner(),
				}),
			})
			.collect();
		Some(RequestView {
			id,
			dso: request.dso,
			first_slot: request.first_slot,
			slots: request.slots,
			reduction_wh: request.reduction_wh,
			price_per_wh: request.price_per_wh,
			held: request.held,
			committed_wh: request.committed_wh,
			meters,
		})
	}

	/// Every open request (at most `MaxOpenRequests`), by id.
	pub fn open_requests() -> Vec<RequestView<T::AccountId>> {
		let mut ids: Vec<RequestId> = Requests::<T>::iter_keys().collect();
		ids.sort();
		ids.into_iter().filter_map(Self::request_view).collect()
	}
}
