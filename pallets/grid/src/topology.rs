//! The keeper and the tree: naming the keeper, adding, changing and removing elements, each
//! change checked by the clearing's own [`Grid::new`], so that what the keeper stores is what
//! the market can clear on.

use crate::{
	Bindings, Config, ElementInfo, Elements, Error, Event, Keeper, Pallet, Withheld, WithheldSlots,
	MAX_CAPACITY_W, MAX_CHARGE_PER_KWH,
};
use alloc::vec::Vec;
use energy_clearing::grid::{Element, Grid, GridError};
use energy_primitives::{ElementId, MarketClock, ParticipantRegistry, Roles};
use frame_support::{ensure, pallet_prelude::*};

impl<T: Config> Pallet<T> {
	/// Names `keeper` (an active DSO), or nobody.
	pub(crate) fn do_set_keeper(keeper: Option<T::AccountId>) -> DispatchResult {
		if let Some(keeper) = &keeper {
			ensure!(
				T::Participants::has_active_roles(keeper, Roles::DSO),
				Error::<T>::KeeperNotDso
			);
		}
		match &keeper {
			Some(keeper) => Keeper::<T>::put(keeper),
			None => Keeper::<T>::kill(),
		}
		Self::deposit_event(Event::KeeperSet { keeper });
		Ok(())
	}

	/// Fails unless `who` is the keeper and still an active DSO.
	pub(crate) fn ensure_keeper(who: &T::AccountId) -> DispatchResult {
		ensure!(Keeper::<T>::get().as_ref() == Some(who), Error::<T>::NotKeeper);
		ensure!(T::Participants::has_active_roles(who, Roles::DSO), Error::<T>::KeeperNotDso);
		Ok(())
	}

	/// Fails while an auction whose gate has closed waits for its clearing: the grid and the
	/// bindings it clears on stay as they were at its gate closure.
	pub(crate) fn ensure_no_clearing_due() -> DispatchResult {
		ensure!(!T::Clock::clearing_due(), Error::<T>::ClearingDue);
		Ok(())
	}

	/// Adds or changes element `id`; returns how many elements the grid has now.
	pub(crate) fn do_set_element(
		keeper: T::AccountId,
		id: ElementId,
		info: ElementInfo,
	) -> Result<u32, DispatchError> {
		Self::ensure_keeper(&keeper)?;
		ensure!(
			info.up_w <= MAX_CAPACITY_W && info.down_w <= MAX_CAPACITY_W,
			Error::<T>::CapacityTooLarge
		);
		ensure!(info.charge_per_kwh <= MAX_CHARGE_PER_KWH, Error::<T>::ChargeTooLarge);
		Self::ensure_no_clearing_due()?;
		let mut elements: Vec<(ElementId, ElementInfo)> = Elements::<T>::iter().collect();
		if let Some(parent) = info.parent {
			ensure!(
				parent == id || elements.iter().any(|(existing, _)| *existing == parent),
				Error::<T>::UnknownParent
			);
		}
		match elements.iter_mut().find(|(existing, _)| *existing == id) {
			Some((_, stored)) => *stored = info,
			None => {
				ensure!(
					elements.len() < T::MaxElements::get() as usize,
					Error::<T>::TooManyElements
				);
				elements.push((id, info));
			},
		}
		Self::check_tree(&elements)?;
		Elements::<T>::insert(id, info);
		Self::deposit_event(Event::ElementSet {
			id,
			parent: info.parent,
			up_w: info.up_w,
			down_w: info.down_w,
			charge_per_kwh: info.charge_per_kwh,
		});
		Ok(elements.len() as u32)
	}

	/// Removes leaf element `id` with nothing bound to it, and its withheld headroom; returns
	/// how many elements the grid had and how many slots had headroom withheld.
	pub(crate) fn do_remove_element(
		keeper: T::AccountId,
		id: ElementId,
	) -> Result<(u32, u32), DispatchError> {
		Self::ensure_keeper(&keeper)?;
		Self::ensure_no_clearing_due()?;
		ensure!(Elements::<T>::contains_key(id), Error::<T>::UnknownElement);
		ensure!(!Bindings::<T>::contains_key(id), Error::<T>::PointInUse);
		let elements = Elements::<T>::count();
		ensure!(
			!Elements::<T>::iter_values().any(|info| info.parent == Some(id)),
			Error::<T>::HasChildren
		);
		Elements::<T>::remove(id);
		let withheld = WithheldSlots::<T>::get();
		let mut slots = withheld.clone();
		for slot in withheld.iter() {
			// Read every entry, write only those that held the element.
			let Some(mut entry) = Withheld::<T>::get(slot) else { continue };
			if entry.remove(&id).is_some() {
				Self::store_entry(*slot, entry, &mut slots)?;
			}
		}
		if slots.len() != withheld.len() {
			WithheldSlots::<T>::put(slots);
		}
		Self::deposit_event(Event::ElementRemoved { id });
		Ok((elements, withheld.len() as u32))
	}

	/// Checks that `elements` form one radial tree (or none at all) the clearing takes.
	pub(crate) fn check_tree(elements: &[(ElementId, ElementInfo)]) -> Result<(), Error<T>> {
		if elements.is_empty() {
			return Ok(());
		}
		let elements = elements
			.iter()
			.map(|(id, info)| Element {
				id: *id,
				parent: info.parent,
				up_wh: info.up_w,
				down_wh: info.down_w,
				charge: info.charge_per_kwh,
			})
			.collect();
		Grid::new(elements).map(drop).map_err(|error| match error {
			GridError::Empty => Error::<T>::UnknownElement,
			GridError::TooManyElements => Error::<T>::TooManyElements,
			GridError::TooDeep(_) => Error::<T>::TooDeep,
			// Ids are map keys: the list never holds one twice.
			GridError::DuplicateElement(_) => Error::<T>::Cycle,
			GridError::SecondRoot(_) => Error::<T>::SecondRoot,
			GridError::UnknownParent(_) => Error::<T>::UnknownParent,
			GridError::Cycle(_) => Error::<T>::Cycle,
		})
	}
}
