//! The pallet's invariants, checked by `try_state` after every block of the runtime fuzzer.

use crate::{Bindings, Config, Elements, MeterPoints, Pallet, ResPoints, Withheld, WithheldSlots};
use alloc::{collections::BTreeMap, vec::Vec};
use frame_support::traits::Get;
use sp_runtime::TryRuntimeError;

impl<T: Config> Pallet<T> {
	/// The grid is one radial tree within `MaxElements`; its counter is right; every binding
	/// names an element and each element's count is its bindings; the withheld slots are
	/// ascending, each with a non-empty entry naming only elements.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let elements: Vec<_> = Elements::<T>::iter().collect();
		if elements.len() as u32 != Elements::<T>::count() {
			return Err("the element counter is off".into());
		}
		if elements.len() > T::MaxElements::get() as usize {
			return Err("more than MaxElements elements".into());
		}
		Self::check_tree(&elements).map_err(|_| "the grid is not a radial tree")?;
		let mut counted: BTreeMap<_, u32> = BTreeMap::new();
		for point in MeterPoints::<T>::iter_values().chain(ResPoints::<T>::iter_values()) {
			if !Elements::<T>::contains_key(point) {
				return Err("a binding to no element".into());
			}
			*counted.entry(point).or_default() += 1;
		}
		if Bindings::<T>::iter().collect::<BTreeMap<_, _>>() != counted {
			return Err("the binding counts differ from the bindings".into());
		}
		let slots = WithheldSlots::<T>::get();
		if !slots.windows(2).all(|pair| pair[0] < pair[1]) {
			return Err("withheld slots not ascending".into());
		}
		if Withheld::<T>::iter_keys().count() != slots.len() {
			return Err("withheld slots and entries differ".into());
		}
		for slot in slots.iter() {
			let entry = Withheld::<T>::get(slot).ok_or("a withheld slot without entry")?;
			if entry.is_empty() || entry.keys().any(|id| !Elements::<T>::contains_key(id)) {
				return Err("withheld headroom of no element".into());
			}
		}
		Ok(())
	}
}
