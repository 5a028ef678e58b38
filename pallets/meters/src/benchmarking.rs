//! Benchmarks of the meter registry and of reading submission (frame-benchmarking v2).
//!
//! `submit_readings_*` measure a batch on a gateway page of `m` meters: readings of one meter
//! over consecutive ended slots (`sr25519`, `ed25519`: the signature check dominates; the
//! reading window of the chain's slot length must hold `MaxReadingsPerBatch` slots, as the
//! development preset's one-minute slots do), readings of `n` production meters of `n` RES with
//! `n` owners, each closing a slot of its own open for delivery and minting into its RES's
//! certificate of it (`production`: adds the RES read, the delivery check — the slot's auction —
//! and the mint), the same readings exporting nothing (`production_unminted`: the RES read, no
//! slot certified; the difference of the two is a certified slot's cost), and readings of meters
//! listed on another gateway (`unchecked`: one directory read each, no signature check).

use super::*;
use crate::Pallet as Meters;
use alloc::vec::Vec;
use energy_primitives::{
	MarketClock, MarketSlot, MeterId, MeterPublicKey, MeterReading, MeterSignature,
	ParticipantRegistry, ResRegistry, Roles, SignedReading, Wh,
};
use frame_benchmarking::v2::*;
use frame_support::traits::{EnsureOrigin, Get};
use frame_system::RawOrigin;
use sp_core::crypto::KeyTypeId;
use sp_runtime::traits::Zero;

/// The keystore type the benchmark meters' keys are generated under.
const METER_KEY_TYPE: KeyTypeId = KeyTypeId(*b"metr");
/// The slot meters are installed in; readings close this slot and the ones after it.
const INSTALL_SLOT: MarketSlot = 1_000;

#[derive(Clone, Copy)]
enum Scheme {
	Sr25519,
	Ed25519,
}

fn new_key(scheme: Scheme) -> MeterPublicKey {
	match scheme {
		Scheme::Sr25519 => {
			MeterPublicKey::Sr25519(sp_io::crypto::sr25519_generate(METER_KEY_TYPE, None))
		},
		Scheme::Ed25519 => {
			MeterPublicKey::Ed25519(sp_io::crypto::ed25519_generate(METER_KEY_TYPE, None))
		},
	}
}

fn sign<T: Config>(key: &MeterPublicKey, reading: MeterReading) -> SignedReading {
	let genesis = frame_system::Pallet::<T>::block_hash(
		frame_system::pallet_prelude::BlockNumberFor::<T>::zero(),
	);
	let payload = reading.signing_payload(&genesis);
	let signature = match key {
		MeterPublicKey::Sr25519(public) => MeterSignature::Sr25519(
			sp_io::crypto::sr25519_sign(METER_KEY_TYPE, public, &payload)
				.expect("the key was generated in the keystore; qed"),
		),
		MeterPublicKey::Ed25519(public) => MeterSignature::Ed25519(
			sp_io::crypto::ed25519_sign(METER_KEY_TYPE, public, &payload)
				.expect("the key was generated in the keystore; qed"),
		),
	};
	SignedReading { reading, signature }
}

fn participant<T: Config>(name: &'static str, i: u32) -> T::AccountId {
	let who: T::AccountId = account(name, i, 0);
	T::Participants::ensure_participant(&who, Roles::PROSUMER);
	who
}

/// Registers `gateway` with a page of `m` consumption meters of one owner, written directly
/// (as `m` registrations would leave it); returns their ids and keys.
fn fill_page<T: Config>(
	gateway: &T::AccountId,
	m: u32,
	scheme: Scheme,
) -> Vec<(MeterId, MeterPublicKey)> {
	let owner = participant::<T>("owner", 0);
	let mut page = GatewayPage::<T>::default();
	let mut meters = Vec::new();
	for _ in 0..m {
		let id = NextMeterId::<T>::get();
		let key = new_key(scheme);
		page.try_push(Meter {
			id,
			owner: owner.clone(),
			kind: MeterKind::Consumption,
			key,
			last_sequence: 0,
			last_slot: Some(INSTALL_SLOT - 1),
			registers: Registers::default(),
		})
		.expect("m is at most MaxMetersPerGateway; qed");
		MeterDirectory::<T>::insert(
			id,
			DirectoryEntry { gateway: gateway.clone(), status: MeterStatus::Active },
		);
		NextMeterId::<T>::put(id + 1);
		meters.push((id, key));
	}
	Gateways::<T>::insert(gateway, page);
	meters
}

/// `n` readings of meter `(id, key)` closing the `n` slots from `INSTALL_SLOT` on.
fn consecutive_readings<T: Config>(id: MeterId, key: &MeterPublicKey, n: u32) -> ReadingBatch<T> {
	T::Clock::set_current_slot(INSTALL_SLOT + n);
	(0..n)
		.map(|i| {
			let reading = MeterReading {
				meter: id,
				sequence: i as u64 + 1,
				slot: INSTALL_SLOT + i,
				import_wh: (i as u64 + 1) * 500,
				export_wh: (i as u64 + 1) * 10,
			};
			sign::<T>(key, reading)
		})
		.collect::<Vec<_>>()
		.try_into()
		.expect("n is at most MaxReadingsPerBatch; qed")
}

/// A batch of one reading each from `n` production meters on `gateway`, each of its own RES and
/// owner, installed in a slot of its own whose auction is open for delivery (no storage item is
/// read twice: the worst case), each reading closing that slot with `export_wh`. The clock is
/// left after the last slot. Returns the batch and the last meter's id.
fn production_batch<T: Config>(
	gateway: &T::AccountId,
	n: u32,
	export_wh: Wh,
) -> (ReadingBatch<T>, MeterId) {
	fill_page::<T>(gateway, 0, Scheme::Sr25519);
	let mut readings = Vec::new();
	let mut last = 0;
	for i in 0..n {
		let slot = INSTALL_SLOT + i;
		T::Clock::set_current_slot(slot);
		T::Clock::open_delivery(slot);
		let owner = participant::<T>("producer", i);
		let res = T::Res::create_approved(&owner, 10_000);
		let key = new_key(Scheme::Sr25519);
		let id = Meters::<T>::do_register_meter(
			owner,
			MeterKind::Production { res },
			key,
			gateway.clone(),
			Registers::default(),
		)
		.expect("valid production meter; qed");
		let reading = MeterReading { meter: id, sequence: 1, slot, import_wh: 5, export_wh };
		readings.push(sign::<T>(&key, reading));
		last = id;
	}
	// Every slot has ended: their readings are in.
	T::Clock::set_current_slot(INSTALL_SLOT + n);
	(readings.try_into().expect("n is bounded; qed"), last)
}

fn gateway<T: Config>() -> T::AccountId {
	account("gateway", 0, 0)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_gateway() -> Result<(), BenchmarkError> {
		let origin =
			T::ManagerOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let gateway = gateway::<T>();

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, gateway.clone());

		assert!(Gateways::<T>::contains_key(&gateway));
		Ok(())
	}

	#[benchmark]
	fn remove_gateway() -> Result<(), BenchmarkError> {
		let origin =
			T::ManagerOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let gateway = gateway::<T>();
		fill_page::<T>(&gateway, 0, Scheme::Sr25519);

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, gateway.clone());

		assert!(!Gateways::<T>::contains_key(&gateway));
		Ok(())
	}

	#[benchmark]
	fn register_meter(
		m: Linear<1, { T::MaxMetersPerGateway::get() }>,
	) -> Result<(), BenchmarkError> {
		let origin =
			T::ManagerOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let gateway = gateway::<T>();
		fill_page::<T>(&gateway, m - 1, Scheme::Sr25519);
		let owner = participant::<T>("producer", 0);
		let res = T::Res::create_approved(&owner, 5_000);
		let key = new_key(Scheme::Sr25519);

		#[extrinsic_call]
		_(
			origin as T::RuntimeOrigin,
			owner,
			MeterKind::Production { res },
			key,
			gateway.clone(),
			Registers::default(),
		);

		assert_eq!(Gateways::<T>::get(&gateway).map(|p| p.len() as u32), Some(m));
		Ok(())
	}

	#[benchmark]
	fn revoke_meter(m: Linear<1, { T::MaxMetersPerGateway::get() }>) -> Result<(), BenchmarkError> {
		let origin =
			T::ManagerOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let gateway = gateway::<T>();
		let meters = fill_page::<T>(&gateway, m, Scheme::Sr25519);
		// The first meter: removing it shifts the whole page.
		let (id, _) = meters[0];

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, id);

		assert_eq!(MeterDirectory::<T>::get(id).map(|e| e.status), Some(MeterStatus::Revoked));
		Ok(())
	}

	#[benchmark]
	fn rotate_meter_key(
		m: Linear<1, { T::MaxMetersPerGateway::get() }>,
	) -> Result<(), BenchmarkError> {
		let origin =
			T::ManagerOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let gateway = gateway::<T>();
		let meters = fill_page::<T>(&gateway, m, Scheme::Sr25519);
		let (id, _) = meters[meters.len() - 1];
		let key = new_key(Scheme::Ed25519);

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, id, key);

		assert_eq!(Meters::<T>::meter(id).map(|meter| meter.key), Some(key));
		Ok(())
	}

	/// `n` readings on a full page: the page is read and written once a batch, so its size
	/// is part of the batch's base (a second component for it was swamped by the signatures'
	/// noise and left the fit's intercept at 11.6 ms, above the measured minimum of 0.63 ms).
	#[benchmark]
	fn submit_readings_sr25519(n: Linear<1, { T::MaxReadingsPerBatch::get() }>) {
		let gateway = gateway::<T>();
		let meters = fill_page::<T>(&gateway, T::MaxMetersPerGateway::get(), Scheme::Sr25519);
		let (id, key) = meters[0];
		let batch = consecutive_readings::<T>(id, &key, n);

		#[extrinsic_call]
		submit_readings(RawOrigin::Signed(gateway.clone()), batch);

		assert_eq!(Meters::<T>::meter(id).map(|meter| meter.last_sequence), Some(n as u64));
	}

	/// `n` readings on a full page, as `submit_readings_sr25519`.
	#[benchmark]
	fn submit_readings_ed25519(n: Linear<1, { T::MaxReadingsPerBatch::get() }>) {
		let gateway = gateway::<T>();
		let meters = fill_page::<T>(&gateway, T::MaxMetersPerGateway::get(), Scheme::Ed25519);
		let (id, key) = meters[0];
		let batch = consecutive_readings::<T>(id, &key, n);

		#[extrinsic_call]
		submit_readings(RawOrigin::Signed(gateway.clone()), batch);

		assert_eq!(Meters::<T>::meter(id).map(|meter| meter.last_sequence), Some(n as u64));
	}

	#[benchmark]
	fn submit_readings_production(
		n: Linear<1, { T::MaxReadingsPerBatch::get().min(T::MaxMetersPerGateway::get()) }>,
	) {
		let gateway = gateway::<T>();
		// What a 10 kW RES can export in one slot of this chain's clock.
		let export_wh = (10_000 * T::Clock::slot_length_ms() / 3_600_000).max(1);
		let (batch, last) = production_batch::<T>(&gateway, n, export_wh);

		#[extrinsic_call]
		submit_readings(RawOrigin::Signed(gateway.clone()), batch);

		assert_eq!(Meters::<T>::meter(last).map(|meter| meter.last_sequence), Some(1));
	}

	#[benchmark]
	fn submit_readings_production_unminted(
		n: Linear<1, { T::MaxReadingsPerBatch::get().min(T::MaxMetersPerGateway::get()) }>,
	) {
		let gateway = gateway::<T>();
		// A night hour: the RES and its owner are read, no slot is certified.
		let (batch, last) = production_batch::<T>(&gateway, n, 0);

		#[extrinsic_call]
		submit_readings(RawOrigin::Signed(gateway.clone()), batch);

		assert_eq!(Meters::<T>::meter(last).map(|meter| meter.last_sequence), Some(1));
	}

	#[benchmark]
	fn submit_readings_unchecked(
		n: Linear<1, { T::MaxReadingsPerBatch::get().min(T::MaxMetersPerGateway::get()) }>,
	) {
		let gateway = gateway::<T>();
		let own = fill_page::<T>(&gateway, 1, Scheme::Sr25519);
		let other: T::AccountId = account("gateway", 1, 0);
		let foreign = fill_page::<T>(&other, n, Scheme::Sr25519);
		T::Clock::set_current_slot(INSTALL_SLOT + 1);
		let batch: ReadingBatch<T> = foreign
			.iter()
			.map(|(id, key)| {
				let reading = MeterReading {
					meter: *id,
					sequence: 1,
					slot: INSTALL_SLOT,
					import_wh: 1,
					export_wh: 0,
				};
				sign::<T>(key, reading)
			})
			.collect::<Vec<_>>()
			.try_into()
			.expect("n is bounded; qed");
		let page_before = Gateways::<T>::get(&gateway);

		#[extrinsic_call]
		submit_readings(RawOrigin::Signed(gateway.clone()), batch);

		assert_eq!(Gateways::<T>::get(&gateway), page_before);
		assert_eq!(own.len(), 1);
	}

	impl_benchmark_test_suite!(Meters, crate::mock::new_test_ext(), crate::mock::Test);
}
