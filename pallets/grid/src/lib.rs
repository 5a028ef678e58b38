#![cfg_attr(not(feature = "std"), no_std)]
#![doc = include_str!("../README.md")]

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod bindings;
mod invariants;
#[cfg(test)]
mod mock;
mod points;
#[cfg(test)]
mod tests;
mod topology;
mod types;
pub mod weights;
mod withholding;

pub use types::*;
pub use weights::WeightInfo;

extern crate alloc;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use energy_primitives::{
		ElementId, MarketClock, MarketSlot, MeterId, MeterRegistry, ParticipantRegistry, ResId,
		ResRegistry, Watts,
	};
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;

	/// The pallet is at its first storage layout (version 0): a chain that upgrades to a
	/// runtime with it starts with an empty grid, every meter and RES unbound.
	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The overarching event type.
		#[allow(deprecated)]
		type RuntimeEvent: From<Event<Self>> + IsType<<Self as frame_system::Config>::RuntimeEvent>;

		/// Who names the topology's keeper (governance: root on the dev chains).
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Who is an active participant with the DSO role: only such a keeper edits.
		type Participants: ParticipantRegistry<Self::AccountId>;

		/// The market clock: the current slot, and whether a slot's gate has closed.
		type Clock: MarketClock;

		/// The meters the keeper binds to connection points.
		type Meters: MeterRegistry<Self::AccountId>;

		/// The RES the keeper binds to connection points.
		type Res: ResRegistry<Self::AccountId>;

		/// The most elements the grid may have; at most the clearing's
		/// [`energy_clearing::grid::MAX_ELEMENTS`] (checked by the integrity test).
		#[pallet::constant]
		type MaxElements: Get<u32>;

		/// How far ahead of the current slot headroom may be withheld, in slots.
		#[pallet::constant]
		type MaxSlotsAhead: Get<u32>;

		/// The most slots with withheld headroom at once (one call withholds at most this
		/// many): what bounds [`Withheld`].
		#[pallet::constant]
		type MaxWithheldSlots: Get<u32>;

		/// Weight information for the extrinsics and hooks of this pallet.
		type WeightInfo: WeightInfo;
	}

	/// The account that keeps the topology: the only one that edits it while it is an active
	/// DSO, and the one network charges are paid to.
	#[pallet::storage]
	pub type Keeper<T: Config> = StorageValue<_, T::AccountId>;

	/// The grid: a radial tree of at most `MaxElements` elements, at most
	/// [`energy_clearing::grid::MAX_DEPTH`] levels deep.
	#[pallet::storage]
	pub type Elements<T: Config> = CountedStorageMap<_, Twox64Concat, ElementId, ElementInfo>;

	/// How many meters and RES are bound to each element (absent: none). An element with
	/// something bound to it cannot be removed.
	#[pallet::storage]
	pub type Bindings<T: Config> = StorageMap<_, Twox64Concat, ElementId, u32>;

	/// The connection point each bound meter is at. An unbound meter hangs at the root.
	#[pallet::storage]
	pub type MeterPoints<T: Config> = StorageMap<_, Twox64Concat, MeterId, ElementId>;

	/// The connection point each bound RES is at. An unbound RES hangs at the root.
	#[pallet::storage]
	pub type ResPoints<T: Config> = StorageMap<_, Twox64Concat, ResId, ElementId>;

	/// Headroom the keeper withheld for a slot, per element, until the slot's gate closure;
	/// pruned once the slot's settlement has begun.
	#[pallet::storage]
	pub type Withheld<T: Config> = StorageMap<
		_,
		Twox64Concat,
		MarketSlot,
		BoundedBTreeMap<ElementId, Headroom, T::MaxElements>,
	>;

	/// The slots with an entry in [`Withheld`], ascending.
	#[pallet::storage]
	pub type WithheldSlots<T: Config> =
		StorageValue<_, BoundedVec<MarketSlot, T::MaxWithheldSlots>, ValueQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The topology's keeper, if any.
		pub keeper: Option<T::AccountId>,
		/// The elements, in any order; they must form one radial tree.
		pub elements: Vec<(ElementId, ElementInfo)>,
		/// Meters bound to elements (the meters must be registered).
		pub meters: Vec<(MeterId, ElementId)>,
		/// RES bound to elements (the RES must be registered).
		pub res: Vec<(ResId, ElementId)>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if let Some(keeper) = &self.keeper {
				Keeper::<T>::put(keeper);
			}
			assert!(
				self.elements.len() <= T::MaxElements::get() as usize,
				"the genesis grid has more than MaxElements elements"
			);
			if let Err(error) = Pallet::<T>::check_tree(&self.elements) {
				panic!("the genesis grid is not a radial tree: {error:?}");
			}
			for (id, info) in &self.elements {
				Elements::<T>::insert(id, info);
			}
			// A genesis config that breaks a rule the calls enforce (an unknown meter or RES, a
			// point outside the grid) must not build a chain: these panics stop the chain spec
			// from being built, never a running chain (genesis is built once, off chain).
			for (meter, point) in &self.meters {
				let info = T::Meters::meter(*meter).expect("a genesis binding of a known meter");
				assert!(info.res.is_none(), "a production meter is where its RES is");
				Pallet::<T>::move_binding::<MeterPoints<T>>(*meter, Some(*point))
					.expect("a genesis binding to an element of the grid");
			}
			for (res, point) in &self.res {
				assert!(T::Res::profile(*res).is_some(), "a genesis binding of an unknown RES");
				Pallet::<T>::move_binding::<ResPoints<T>>(*res, Some(*point))
					.expect("a genesis binding to an element of the grid");
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// The topology's keeper changed (`None`: nobody edits it).
		KeeperSet { keeper: Option<T::AccountId> },
		/// An element was added or changed.
		ElementSet {
			id: ElementId,
			parent: Option<ElementId>,
			up_w: Watts,
			down_w: Watts,
			charge_per_kwh: ChargePerKwh,
		},
		/// A leaf element with nothing bound to it was removed, with its withheld headroom.
		ElementRemoved { id: ElementId },
		/// A meter was bound to a connection point (`None`: unbound, at the root).
		MeterBound { meter: MeterId, point: Option<ElementId> },
		/// A RES was bound to a connection point (`None`: unbound, at the root).
		ResBound { res: ResId, point: Option<ElementId> },
		/// The element's headroom in the slots `first_slot..first_slot + slots` is `up_w` /
		/// `down_w` (its capacity again, where these equal it).
		HeadroomWithheld {
			id: ElementId,
			first_slot: MarketSlot,
			slots: u32,
			up_w: Watts,
			down_w: Watts,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// Only the topology's keeper edits it.
		NotKeeper,
		/// The keeper must be an active participant with the DSO role.
		KeeperNotDso,
		/// The grid would have more than `MaxElements` elements.
		TooManyElements,
		/// An element would be more than `MAX_DEPTH` levels below the root.
		TooDeep,
		/// The grid has a root already: every other element hangs from a parent.
		SecondRoot,
		/// The parent is not an element of the grid.
		UnknownParent,
		/// The element would be its own ancestor.
		Cycle,
		/// No element has this id.
		UnknownElement,
		/// Only a leaf is removed: other elements hang from this one.
		HasChildren,
		/// Meters or RES are bound to the element.
		PointInUse,
		/// Headroom is withheld for at least one slot.
		NoSlots,
		/// The slots reach beyond `MaxSlotsAhead` slots from now.
		TooFarAhead,
		/// A slot's gate has closed: what it clears on is fixed.
		GateClosed,
		/// Withheld headroom is at most the element's capacity.
		AboveCapacity,
		/// `MaxWithheldSlots` slots have withheld headroom already.
		TooManyWithheldSlots,
		/// The meter is not registered or was revoked (a revoked meter can only be unbound).
		UnknownMeter,
		/// The RES is not registered.
		UnknownRes,
		/// An auction's gate has closed and it waits for its clearing: the grid and the
		/// bindings it clears on do not change until it has cleared.
		ClearingDue,
		/// The keeper does not place its own meters or RES.
		OwnRecord,
		/// A production meter is where its RES is: bind the RES.
		ProductionMeter,
		/// A capacity above `MAX_CAPACITY_W` (10 GW).
		CapacityTooLarge,
		/// A charge above `MAX_CHARGE_PER_KWH`.
		ChargeTooLarge,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Looks at the oldest past slots with withheld headroom, at most
		/// [`MAX_PRUNED_PER_BLOCK`], and prunes those whose settlement has begun.
		fn on_initialize(_: BlockNumberFor<T>) -> Weight {
			let examined = Self::prune_withheld(MAX_PRUNED_PER_BLOCK);
			T::WeightInfo::on_initialize(examined)
		}

		fn integrity_test() {
			assert!(T::MaxElements::get() > 0, "a grid has at least its root");
			assert!(
				T::MaxElements::get() as usize <= energy_clearing::grid::MAX_ELEMENTS,
				"the clearing takes at most MAX_ELEMENTS elements"
			);
			assert!(T::MaxWithheldSlots::get() > 0, "headroom can be withheld for a slot");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	/// The most past slots [`Hooks::on_initialize`] looks at (and prunes) in one block.
	pub const MAX_PRUNED_PER_BLOCK: u32 = 4;

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Names the account that keeps the topology (`None`: nobody).
		///
		/// Origin: `AdminOrigin`. The keeper must be an active participant with the DSO role.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::set_keeper())]
		pub fn set_keeper(origin: OriginFor<T>, keeper: Option<T::AccountId>) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_set_keeper(keeper)
		}

		/// Adds element `id` or changes it: its parent (`None` for the root), its capacity
		/// each way and its network charge per kWh. The whole tree is checked. Not while an
		/// auction whose gate has closed waits for its clearing: a change applies to the
		/// slots whose gate is still open.
		///
		/// Origin: the keeper, an active DSO.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::set_element(T::MaxElements::get()))]
		pub fn set_element(
			origin: OriginFor<T>,
			id: ElementId,
			parent: Option<ElementId>,
			up_w: Watts,
			down_w: Watts,
			charge_per_kwh: ChargePerKwh,
		) -> DispatchResultWithPostInfo {
			let keeper = ensure_signed(origin)?;
			let info = ElementInfo { parent, up_w, down_w, charge_per_kwh };
			let elements = Self::do_set_element(keeper, id, info)?;
			Ok(Some(T::WeightInfo::set_element(elements)).into())
		}

		/// Removes element `id`: a leaf with nothing bound to it. Its withheld headroom goes
		/// with it. Not while an auction whose gate has closed waits for its clearing.
		///
		/// Origin: the keeper, an active DSO.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::remove_element(
			T::MaxElements::get(),
			T::MaxWithheldSlots::get(),
		))]
		pub fn remove_element(origin: OriginFor<T>, id: ElementId) -> DispatchResultWithPostInfo {
			let keeper = ensure_signed(origin)?;
			let (elements, slots) = Self::do_remove_element(keeper, id)?;
			Ok(Some(T::WeightInfo::remove_element(elements, slots)).into())
		}

		/// Lowers element `id`'s headroom to `up_w` / `down_w` in each of the `slots` slots
		/// from `first_slot` (setting it to the capacity restores it). Until each slot's gate
		/// closure, and at most `MaxSlotsAhead` slots ahead.
		///
		/// Origin: the keeper, an active DSO.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::withhold(*slots.min(&T::MaxWithheldSlots::get())))]
		pub fn withhold(
			origin: OriginFor<T>,
			id: ElementId,
			first_slot: MarketSlot,
			slots: u32,
			up_w: Watts,
			down_w: Watts,
		) -> DispatchResult {
			let keeper = ensure_signed(origin)?;
			Self::do_withhold(keeper, id, first_slot, slots, Headroom { up_w, down_w })
		}

		/// Binds consumption meter `meter` to connection point `point` (moving it from
		/// another), or unbinds it (`None`: it hangs at the root). Binding needs an active
		/// meter; a revoked one can still be unbound, freeing its point. A production meter is
		/// where its RES is. Not the keeper's own meters; not while an auction whose gate has
		/// closed waits for its clearing.
		///
		/// Origin: the keeper, an active DSO.
		#[pallet::call_index(4)]
		// The benchmark registers its meter on a page of its own: the lookup's worst case (a
		// full gateway page decoded) is added.
		#[pallet::weight(T::WeightInfo::bind_meter().saturating_add(T::Meters::meter_weight()))]
		pub fn bind_meter(
			origin: OriginFor<T>,
			meter: MeterId,
			point: Option<ElementId>,
		) -> DispatchResult {
			let keeper = ensure_signed(origin)?;
			Self::do_bind_meter(keeper, meter, point)
		}

		/// Binds RES `res` (and so its production meter) to connection point `point` (moving
		/// it from another), or unbinds it (`None`). Not the keeper's own RES; not while an
		/// auction whose gate has closed waits for its clearing.
		///
		/// Origin: the keeper, an active DSO.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::bind_res())]
		pub fn bind_res(
			origin: OriginFor<T>,
			res: ResId,
			point: Option<ElementId>,
		) -> DispatchResult {
			let keeper = ensure_signed(origin)?;
			Self::do_bind_res(keeper, res, point)
		}
	}
}
