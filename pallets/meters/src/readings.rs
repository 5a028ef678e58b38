//! Processing a gateway's batch of signed readings.
//!
//! The gateway's page (its active meters) is read once and written once per batch; each
//! reading is then checked in memory, in this order (cheapest first, so that resubmissions
//! and junk cost no signature check):
//!
//! 1. the meter is on this gateway's page (else unknown, another gateway's, or revoked);
//! 2. the sequence is above the last accepted one (an exact copy of the last accepted reading
//!    is a harmless `Duplicate`; anything else older is `StaleSequence`);
//! 3. the slot is after the last closed slot (for a meter's first reading: not before its
//!    installation slot), has ended, and ended at most `MaxReadingAgeMs` ago;
//! 4. the meter key's signature over the domain-separated payload verifies;
//! 5. no register went backwards;
//! 6. for a production meter, the export delta is at most what the nameplate can produce in
//!    the slots the reading covers.
//!
//! An accepted reading advances the meter's state, is indexed off-chain for the forecaster,
//! and emits `ReadingAccepted`. For a production meter of a RES that may produce, its export
//! is attributed pro rata to the slots it covers, and the shares of the newest
//! `MaxCertifiedSlotsPerReading` of them whose auctions have not begun settling are minted
//! into their certificates (each within the RES's capacity for one slot). Export in older
//! slots, in slots without an auction, or in slots already settling is metered but not
//! certified: it can no longer be delivered, and minting it would let a gateway that withheld
//! readings sell energy in a slot it was not produced in.

use crate::{
	BatchCost, BatchTally, Config, Event, Gateways, GenesisSlot, Meter, MeterDirectory, MeterKind,
	MeterStatus, Pallet, ReadingBatch, ReadingOutcome, Registers, RejectionReason, WeightInfo,
};
use codec::{Decode, Encode};
use energy_primitives::{
	export_limit_wh, provable_per_slot_wh, reading_window_slots, slot_capacity_wh,
	ConsumptionRecorder, CoveredSlots, EnergyMinter, ImportObserver, MarketClock, MarketSlot,
	MeterId, MeterPublicKey, ResId, ResProfile, ResRegistry, SignedReading, Wh,
};
use frame_support::{
	dispatch::{DispatchResultWithPostInfo, Pays, PostDispatchInfo},
	ensure,
	storage::with_storage_layer,
	traits::Get,
	weights::Weight,
};
use scale_info::TypeInfo;
use sp_core::H256;
use sp_runtime::traits::Zero;
use sp_runtime::DispatchError;

/// Prefix of the off-chain index keys of accepted readings.
pub const OFFCHAIN_READING_PREFIX: &[u8] = b"energy/meters/reading";

/// The off-chain index key of meter `meter`'s reading closing `slot`:
/// `OFFCHAIN_READING_PREFIX ++ meter (u32 LE) ++ slot (u32 LE)`.
pub fn offchain_reading_key(meter: MeterId, slot: MarketSlot) -> alloc::vec::Vec<u8> {
	(OFFCHAIN_READING_PREFIX, meter, slot).encode()
}

/// What is indexed off-chain for each accepted reading (SCALE-encoded), for the forecaster and
/// other history readers.
#[derive(Clone, Copy, Debug, Decode, Encode, Eq, PartialEq, TypeInfo)]
pub struct IndexedReading {
	/// The reading's sequence number.
	pub sequence: u64,
	/// The slots the interval covers: `slot - last closed slot` (≥ 1).
	pub elapsed_slots: u32,
	/// Imported energy in the interval, Wh.
	pub import_wh: Wh,
	/// Exported energy in the interval, Wh.
	pub export_wh: Wh,
	/// The cumulative registers at the end of the slot.
	pub registers: Registers,
}

/// The chain context every reading of a batch is checked against.
struct BatchContext {
	genesis_hash: H256,
	current_slot: MarketSlot,
	slot_length_ms: u64,
	/// The oldest slot a reading may close (`MaxReadingAgeMs` back from the current slot).
	oldest_slot: MarketSlot,
	/// The last slot closed before a genesis meter's installation.
	before_genesis_slot: Option<MarketSlot>,
	/// The meters whose import the `ImportObserver` watches, ascending (read once per batch).
	watched: alloc::vec::Vec<MeterId>,
}

impl BatchContext {
	fn new<T: Config>() -> Self {
		let current_slot = T::Clock::current_slot();
		let slot_length_ms = T::Clock::slot_length_ms().max(1);
		let window = reading_window_slots(T::MaxReadingAgeMs::get(), slot_length_ms);
		BatchContext {
			genesis_hash: frame_system::Pallet::<T>::block_hash(
				frame_system::pallet_prelude::BlockNumberFor::<T>::zero(),
			),
			current_slot,
			slot_length_ms,
			oldest_slot: current_slot.saturating_sub(window),
			// Before block 1 has recorded it, the installation slot is the current one.
			before_genesis_slot: GenesisSlot::<T>::get().unwrap_or(current_slot).checked_sub(1),
			watched: T::Imports::watched(),
		}
	}
}

/// What certifying one production reading did.
#[derive(Default)]
struct Certified {
	/// Wh minted into the reading's certificates.
	minted_wh: Wh,
	/// Slots open for delivery, minted into.
	open_slots: u32,
	/// Slots already settling: looked at, not minted into.
	closed_slots: u32,
}

impl<T: Config> Pallet<T> {
	/// Processes `readings` from `gateway`.
	pub fn do_submit_readings(
		gateway: T::AccountId,
		readings: ReadingBatch<T>,
	) -> DispatchResultWithPostInfo {
		ensure!(!readings.is_empty(), crate::Error::<T>::EmptyBatch);
		let mut page = Gateways::<T>::get(&gateway).ok_or(crate::Error::<T>::NotGateway)?;
		let context = BatchContext::new::<T>();

		let mut tally = BatchTally::default();
		let mut cost = BatchCost::default();
		for signed in readings.iter() {
			let reading = &signed.reading;
			let outcome = match page.binary_search_by_key(&reading.meter, |m| m.id) {
				Ok(index) => {
					Self::apply_reading(&mut page[index], signed, &context, &mut cost, &mut tally)
				},
				Err(_) => {
					cost.unchecked += 1;
					ReadingOutcome::Rejected(Self::why_not_listed(&gateway, reading.meter))
				},
			};
			match outcome {
				ReadingOutcome::Accepted => tally.accepted += 1,
				ReadingOutcome::Duplicate => {
					tally.duplicates += 1;
					Self::deposit_event(Event::ReadingDuplicate {
						meter: reading.meter,
						sequence: reading.sequence,
					});
				},
				ReadingOutcome::Rejected(reason) => {
					tally.rejected += 1;
					Self::deposit_event(Event::ReadingRejected {
						meter: reading.meter,
						sequence: reading.sequence,
						reason,
					});
				},
			}
		}
		if tally.accepted > 0 {
			Gateways::<T>::insert(&gateway, page);
		}
		let all_new = tally.accepted as usize == readings.len();
		Self::deposit_event(Event::BatchProcessed { gateway, tally });

		Ok(PostDispatchInfo {
			actual_weight: Some(Self::batch_weight(cost)),
			pays_fee: if all_new { Pays::No } else { Pays::Yes },
		})
	}

	/// Checks and, if valid, applies one reading to its meter's record.
	fn apply_reading(
		meter: &mut Meter<T::AccountId>,
		signed: &SignedReading,
		context: &BatchContext,
		cost: &mut BatchCost,
		tally: &mut BatchTally,
	) -> ReadingOutcome {
		use ReadingOutcome::Rejected;
		use RejectionReason::*;
		let reading = &signed.reading;
		let new_registers =
			Registers { import_wh: reading.import_wh, export_wh: reading.export_wh };

		if reading.sequence <= meter.last_sequence {
			cost.unchecked += 1;
			let exact_copy = reading.sequence == meter.last_sequence
				&& Some(reading.slot) == meter.last_slot
				&& new_registers == meter.registers;
			return if exact_copy { ReadingOutcome::Duplicate } else { Rejected(StaleSequence) };
		}
		// The last slot closed, or the one before the meter's installation.
		let closed = meter.last_slot.or(context.before_genesis_slot);
		if closed.is_some_and(|last| reading.slot <= last) {
			cost.unchecked += 1;
			return Rejected(if meter.last_sequence == 0 {
				BeforeInstallation
			} else {
				SlotNotAfterLast
			});
		}
		if reading.slot >= context.current_slot {
			cost.unchecked += 1;
			return Rejected(SlotNotEnded);
		}
		if reading.slot < context.oldest_slot {
			cost.unchecked += 1;
			return Rejected(SlotTooOld);
		}
		// From here on the signature is checked: count the reading in its scheme's class, or
		// in the production class once it is accepted as a production reading.
		let scheme_checked = |cost: &mut BatchCost| match meter.key {
			MeterPublicKey::Sr25519(_) => cost.sr25519_checked += 1,
			MeterPublicKey::Ed25519(_) => cost.ed25519_checked += 1,
		};
		if !signed.verify(&context.genesis_hash, &meter.key) {
			scheme_checked(cost);
			return Rejected(BadSignature);
		}
		let (Some(import_wh), Some(export_wh)) = (
			new_registers.import_wh.checked_sub(meter.registers.import_wh),
			new_registers.export_wh.checked_sub(meter.registers.export_wh),
		) else {
			scheme_checked(cost);
			return Rejected(RegisterWentBackwards);
		};
		// The closed slot is before the reading's (checked above), so `first <= slot`.
		let first = closed.map_or(0, |last| last.saturating_add(1));
		let Some(covered) = CoveredSlots::new(first, reading.slot) else {
			scheme_checked(cost);
			return Rejected(SlotNotAfterLast);
		};

		let mut minted_wh = 0;
		match meter.kind {
			MeterKind::Consumption => scheme_checked(cost),
			MeterKind::Production { res } => {
				// RES records are never removed; a missing one could produce nothing.
				let profile = T::Res::profile(res);
				let nameplate_w = profile.as_ref().map_or(0, |p| p.nameplate_w);
				let length = context.slot_length_ms;
				cost.production += 1;
				if export_wh > export_limit_wh(nameplate_w, length, covered.count()) {
					return Rejected(ExportAboveCapacity);
				}
				let proven = provable_per_slot_wh(export_wh, nameplate_w, length, covered.count());
				let capacity = slot_capacity_wh(nameplate_w, length);
				let certified = match profile.filter(|p| p.may_produce && proven > 0) {
					Some(profile) => {
						Self::certify(&profile, res, covered, export_wh, proven, capacity)
					},
					None => Ok(Certified::default()),
				};
				match certified {
					Ok(certified) => {
						cost.certified_slots += certified.open_slots;
						cost.closed_slots += certified.closed_slots;
						minted_wh = certified.minted_wh;
					},
					// Rolled back: charged as if every slot it may have looked at was minted.
					Err(_) => {
						cost.certified_slots += T::MaxCertifiedSlotsPerReading::get();
						return Rejected(MintOverflow);
					},
				}
				tally.minted_wh = tally.minted_wh.saturating_add(minted_wh);
			},
		}

		meter.last_sequence = reading.sequence;
		meter.last_slot = Some(reading.slot);
		meter.registers = new_registers;
		if context.watched.binary_search(&meter.id).is_ok() {
			cost.observed += 1;
			T::Imports::on_import(meter.id, covered.first, covered.last, import_wh);
		}
		// Hourly matching needs hourly metering: a reading over several slots says only what
		// was imported over all of them.
		if covered.count() == 1 && import_wh > 0 {
			cost.recorded += 1;
			if T::Consumption::record(&meter.owner, reading.slot, import_wh) {
				cost.queued += 1;
			}
		}
		sp_io::offchain_index::set(
			&offchain_reading_key(meter.id, reading.slot),
			&IndexedReading {
				sequence: reading.sequence,
				elapsed_slots: covered.count(),
				import_wh,
				export_wh,
				registers: new_registers,
			}
			.encode(),
		);
		Self::deposit_event(Event::ReadingAccepted {
			meter: meter.id,
			sequence: reading.sequence,
			slot: reading.slot,
			slots: covered.count(),
			import_wh,
			export_wh,
			minted_wh,
		});
		ReadingOutcome::Accepted
	}

	/// Mints into each of the newest `MaxCertifiedSlotsPerReading` covered slots that are still
	/// open for delivery what the reading proves of it (`proven`, never more than the slot's
	/// pro-rata share of `export_wh`), each into its certificate of RES `res` (within `capacity`
	/// Wh per slot), all or nothing. Returns the Wh minted and the slots minted into and looked
	/// at in vain (the reading's weight).
	fn certify(
		profile: &ResProfile<T::AccountId>,
		res: ResId,
		covered: CoveredSlots,
		export_wh: Wh,
		proven: Wh,
		capacity: Wh,
	) -> Result<Certified, DispatchError> {
		let newest = covered.count().min(T::MaxCertifiedSlotsPerReading::get());
		with_storage_layer(|| {
			let mut certified = Certified::default();
			for back in 0..newest {
				let slot = covered.last - back;
				if !T::Clock::delivery_open(slot) {
					certified.closed_slots += 1;
					continue;
				}
				let share = covered.share_of(export_wh, slot).min(proven);
				let into = T::Tokens::mint(&profile.owner, res, slot, share, capacity)?;
				certified.minted_wh = certified.minted_wh.saturating_add(into);
				certified.open_slots += 1;
			}
			Ok(certified)
		})
	}

	/// Why meter `meter` is not on `gateway`'s page.
	fn why_not_listed(gateway: &T::AccountId, meter: MeterId) -> RejectionReason {
		match MeterDirectory::<T>::get(meter) {
			None => RejectionReason::UnknownMeter,
			Some(entry) if entry.status == MeterStatus::Revoked => RejectionReason::MeterRevoked,
			Some(entry) if &entry.gateway != gateway => RejectionReason::NotGatewaysMeter,
			// Listed in the directory as this gateway's active meter but not on its page:
			// cannot happen while the invariants hold; treat it as unknown.
			Some(_) => RejectionReason::UnknownMeter,
		}
	}

	/// Whether `n` is the chain's first block, the one that records [`GenesisSlot`].
	pub(crate) fn is_first_block(n: frame_system::pallet_prelude::BlockNumberFor<T>) -> bool {
		n == 1u32.into()
	}

	/// The weight of a batch with the given cost classes: a batch's base (the largest of the
	/// five benchmarks' intercepts; the consumption ones run on a full page, whose read, decode
	/// and write every batch pays once), plus each reading's class.
	///
	/// A production reading costs what the `submit_readings_production_unminted` benchmark
	/// measures per reading (an sr25519 signature and the RES read; plus the difference if an
	/// ed25519 check costs more), each slot it certifies what `submit_readings_production` (one
	/// minted slot per reading) measures on top of that, and each settling slot it looks at one
	/// database read (its auction). Each reading that records consumption costs the record,
	/// and more if it queued claims (the token ledger's `record_consumption` benchmark, split
	/// by the queue's accesses); the reading benchmarks above were measured before readings
	/// recorded consumption, so it is charged once (a later run of them would count the
	/// record twice).
	pub fn batch_weight(cost: BatchCost) -> Weight {
		let fits: [&dyn Fn(u32) -> Weight; 5] = [
			&T::WeightInfo::submit_readings_sr25519,
			&T::WeightInfo::submit_readings_ed25519,
			&T::WeightInfo::submit_readings_production_unminted,
			&T::WeightInfo::submit_readings_production,
			&T::WeightInfo::submit_readings_unchecked,
		];
		let base = fits.iter().map(|f| f(0)).fold(Weight::zero(), |a, b| a.max(b));
		let [sr, ed, production, minting, unchecked] = fits.map(|f| f(1).saturating_sub(f(0)));
		let certified_slot = minting.saturating_sub(production);
		// The production benchmarks sign with sr25519.
		let production = production.saturating_add(ed.saturating_sub(sr));
		let closed_slot = T::DbWeight::get().reads(1);
		// The benchmarks read an empty watched set; its real size is charged here.
		let base = base.saturating_add(T::Imports::watched_weight());
		let observed = T::Imports::on_import_weight();
		let recorded = T::Consumption::record_weight();
		let queued = T::Consumption::queue_weight();
		base.saturating_add(sr.saturating_mul(cost.sr25519_checked as u64))
			.saturating_add(observed.saturating_mul(cost.observed as u64))
			.saturating_add(recorded.saturating_mul(cost.recorded as u64))
			.saturating_add(queued.saturating_mul(cost.queued as u64))
			.saturating_add(ed.saturating_mul(cost.ed25519_checked as u64))
			.saturating_add(production.saturating_mul(cost.production as u64))
			.saturating_add(certified_slot.saturating_mul(cost.certified_slots as u64))
			.saturating_add(closed_slot.saturating_mul(cost.closed_slots as u64))
			.saturating_add(unchecked.saturating_mul(cost.unchecked as u64))
	}

	/// The weight charged before dispatch for a batch of `n` readings: every reading in the
	/// costliest class (a production reading certifying the most slots, of a watched meter,
	/// recording consumption).
	pub fn max_batch_weight(n: u32) -> Weight {
		let worst = BatchCost {
			production: n,
			certified_slots: n.saturating_mul(T::MaxCertifiedSlotsPerReading::get()),
			observed: n,
			recorded: n,
			queued: n,
			..Default::default()
		};
		let all_sr = BatchCost {
			sr25519_checked: n,
			observed: n,
			recorded: n,
			queued: n,
			..Default::default()
		};
		let all_unchecked = BatchCost { unchecked: n, ..Default::default() };
		Self::batch_weight(worst)
			.max(Self::batch_weight(all_sr))
			.max(Self::batch_weight(all_unchecked))
	}
}
