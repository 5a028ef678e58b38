//! The grid as other pallets see it ([`GridTopology`]): the points meters and RES are bound
//! to, the keeper charges are paid to, and each slot's elements for the clearing.

use crate::{Config, Elements, Keeper, MeterPoints, Pallet, ResPoints, Withheld};
use alloc::{collections::BTreeMap, vec::Vec};
use energy_primitives::{
	ElementId, GridTopology, MarketSlot, MeterId, MeterRegistry, ParticipantRegistry, ResId,
	ResRegistry, Roles, SlotElement,
};

impl<T: Config> GridTopology<T::AccountId> for Pallet<T> {
	fn contains(point: ElementId) -> bool {
		Elements::<T>::contains_key(point)
	}

	/// A production meter is where its RES is; a consumption meter where it is bound.
	fn meter_point(meter: MeterId) -> Option<ElementId> {
		match T::Meters::meter(meter).and_then(|info| info.res) {
			Some(res) => ResPoints::<T>::get(res),
			None => MeterPoints::<T>::get(meter),
		}
	}

	fn consumption_point(meter: MeterId) -> Option<ElementId> {
		MeterPoints::<T>::get(meter)
	}

	fn res_point(res: ResId) -> Option<ElementId> {
		ResPoints::<T>::get(res)
	}

	/// The keeper while it is an active DSO; `None` otherwise (suspended, left, role taken).
	fn keeper() -> Option<T::AccountId> {
		Keeper::<T>::get().filter(|keeper| T::Participants::has_active_roles(keeper, Roles::DSO))
	}

	fn elements(slot: MarketSlot) -> Vec<SlotElement> {
		Self::slot_elements(slot)
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn set_grid_for_benchmark(keeper: &T::AccountId, elements: &[SlotElement]) {
		let _ = Elements::<T>::clear(u32::MAX, None);
		let _ = crate::Bindings::<T>::clear(u32::MAX, None);
		let _ = MeterPoints::<T>::clear(u32::MAX, None);
		let _ = ResPoints::<T>::clear(u32::MAX, None);
		T::Participants::ensure_participant(keeper, Roles::DSO);
		Keeper::<T>::put(keeper);
		for element in elements {
			let info = crate::ElementInfo {
				parent: element.parent,
				up_w: element.up_w,
				down_w: element.down_w,
				charge_per_kwh: element.charge_per_kwh,
			};
			Elements::<T>::insert(element.id, info);
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn bind_meter_for_benchmark(meter: MeterId, point: ElementId) {
		let _ = Self::move_binding::<MeterPoints<T>>(meter, Some(point));
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn bind_res_for_benchmark(res: ResId, point: ElementId) {
		let _ = Self::move_binding::<ResPoints<T>>(res, Some(point));
	}
}

impl<T: Config> Pallet<T> {
	/// The records that hang at the root because the keeper has not bound them: active
	/// consumption meters and RES (in any status) without a point, each ascending. A production
	/// meter is where its RES is, so it is listed through its RES. Reads every meter and RES:
	/// for the runtime API.
	pub fn unbound() -> (Vec<MeterId>, Vec<ResId>) {
		let meters = T::Meters::active_meters()
			.into_iter()
			.filter(|meter| !MeterPoints::<T>::contains_key(meter))
			.filter(|meter| T::Meters::meter(*meter).is_some_and(|info| info.res.is_none()))
			.collect();
		let res = <T::Res as ResRegistry<T::AccountId>>::all()
			.into_iter()
			.filter(|res| !ResPoints::<T>::contains_key(res))
			.collect();
		(meters, res)
	}

	/// Every element as `slot` clears on it, parents before children (by depth, then id).
	pub fn slot_elements(slot: MarketSlot) -> Vec<SlotElement> {
		let elements: BTreeMap<ElementId, crate::ElementInfo> = Elements::<T>::iter().collect();
		let withheld = Withheld::<T>::get(slot).unwrap_or_default();
		let depth = |mut id: ElementId| {
			let mut depth = 0u32;
			// A stored tree has no cycle and is at most `MAX_DEPTH` deep; the bound only
			// keeps a broken one from looping.
			while let Some(parent) = elements.get(&id).and_then(|info| info.parent) {
				depth += 1;
				id = parent;
				if depth as usize > elements.len() {
					break;
				}
			}
			depth
		};
		let mut ordered: Vec<(u32, SlotElement)> = elements
			.iter()
			.map(|(id, info)| {
				let room = withheld.get(id);
				let element = SlotElement {
					id: *id,
					parent: info.parent,
					up_w: room.map_or(info.up_w, |room| room.up_w.min(info.up_w)),
					down_w: room.map_or(info.down_w, |room| room.down_w.min(info.down_w)),
					charge_per_kwh: info.charge_per_kwh,
				};
				(depth(*id), element)
			})
			.collect();
		ordered.sort_by_key(|(depth, element)| (*depth, element.id));
		ordered.into_iter().map(|(_, element)| element).collect()
	}
}
