//! Where meters and RES are on the grid: the keeper binds each to a connection point (or
//! leaves it at the root). The DSO is the authority on where a connection is: an owner never
//! names its own point, so nobody places itself where trading is cheaper or less congested.

use crate::{Bindings, Config, Elements, Error, Event, MeterPoints, Pallet, ResPoints};
use energy_primitives::{ElementId, MeterId, MeterRegistry, ResId, ResRegistry};
use frame_support::{ensure, pallet_prelude::*};

impl<T: Config> Pallet<T> {
	/// Binds `meter` to `point`, or unbinds it.
	pub(crate) fn do_bind_meter(
		keeper: T::AccountId,
		meter: MeterId,
		point: Option<ElementId>,
	) -> DispatchResult {
		Self::ensure_keeper(&keeper)?;
		Self::ensure_no_clearing_due()?;
		match T::Meters::meter(meter) {
			Some(info) => {
				ensure!(info.res.is_none(), Error::<T>::ProductionMeter);
				ensure!(info.owner != keeper, Error::<T>::OwnRecord);
			},
			// A revoked meter trades no more: it can only be unbound.
			None => ensure!(point.is_none(), Error::<T>::UnknownMeter),
		}
		Self::move_binding::<MeterPoints<T>>(meter, point)?;
		Self::deposit_event(Event::MeterBound { meter, point });
		Ok(())
	}

	/// Binds `res` to `point`, or unbinds it.
	pub(crate) fn do_bind_res(
		keeper: T::AccountId,
		res: ResId,
		point: Option<ElementId>,
	) -> DispatchResult {
		Self::ensure_keeper(&keeper)?;
		Self::ensure_no_clearing_due()?;
		let profile = T::Res::profile(res).ok_or(Error::<T>::UnknownRes)?;
		ensure!(profile.owner != keeper, Error::<T>::OwnRecord);
		Self::move_binding::<ResPoints<T>>(res, point)?;
		Self::deposit_event(Event::ResBound { res, point });
		Ok(())
	}

	/// Moves the record `key` of `Points` (meter or RES) to `point`, keeping [`Bindings`]
	/// counted: one implementation for both kinds of record.
	pub(crate) fn move_binding<Points>(key: u32, point: Option<ElementId>) -> DispatchResult
	where
		Points: frame_support::storage::StorageMap<u32, ElementId, Query = Option<ElementId>>,
	{
		if let Some(point) = point {
			ensure!(Elements::<T>::contains_key(point), Error::<T>::UnknownElement);
		}
		let previous = Points::get(key);
		if previous == point {
			return Ok(());
		}
		if let Some(previous) = previous {
			Bindings::<T>::mutate_exists(previous, |bound| {
				*bound = bound.and_then(|n| n.checked_sub(1)).filter(|n| *n > 0);
			});
		}
		match point {
			Some(point) => {
				Bindings::<T>::mutate(point, |bound| {
					*bound = Some(bound.unwrap_or(0).saturating_add(1))
				});
				Points::insert(key, point);
			},
			None => Points::remove(key),
		}
		Ok(())
	}
}
