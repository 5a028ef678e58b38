//! Benchmarks of the token ledger (frame-benchmarking v2). The claim, expiry and withdrawal
//! benchmarks run on a holder with many pieces of the certificate (the cost of splitting and
//! merging them), a queued claim on a member with `MAX_AWAITING_CLAIM` delivered certificates
//! waiting for its consumption.

use super::*;
use crate::Pallet as EnergyTokens;
use energy_primitives::{EnergyLedger, EnergyMinter, MarketClock, MarketSlot, Wh};
use frame_benchmarking::v2::*;
use frame_support::traits::{EnsureOrigin, Get};
use frame_system::RawOrigin;

/// The slot the benchmarks' certificates are of.
const SLOT: MarketSlot = 1_000;

/// Pieces the benchmarks' holder receives of one certificate: one range per delivery,
/// interleaved with another buyer's (so that none merge).
const RECEIVED: u32 = MAX_PIECES / 2 - 1;

/// Mints a certificate of RES `res` in [`SLOT`] to `owner` and delivers [`RECEIVED`] ranges
/// of 10 Wh of it to `holder`, each followed by one to `other`.
fn holder_with_pieces<T: Config>(
	owner: &T::AccountId,
	holder: &T::AccountId,
	other: &T::AccountId,
	res: u32,
) -> Result<(), BenchmarkError> {
	EnergyTokens::<T>::mint(owner, res, SLOT, 10_000, Wh::MAX)
		.map_err(|_| BenchmarkError::Weightless)?;
	for _ in 0..RECEIVED {
		EnergyTokens::<T>::transfer(owner, holder, SLOT, res, 10)
			.map_err(|_| BenchmarkError::Weightless)?;
		EnergyTokens::<T>::transfer(owner, other, SLOT, res, 10)
			.map_err(|_| BenchmarkError::Weightless)?;
	}
	Ok(())
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// Retiring from `n` certificates, each with tokens left over (a holding written back).
	#[benchmark]
	fn retire(n: Linear<1, MAX_RETIRED_CERTIFICATES>) -> Result<(), BenchmarkError> {
		T::Clock::set_current_slot(0);
		let who: T::AccountId = whitelisted_caller();
		let mut list = alloc::vec::Vec::new();
		for slot in 0..n {
			EnergyTokens::<T>::mint(&who, 0, slot, 2_000, Wh::MAX)
				.map_err(|_| BenchmarkError::Weightless)?;
			list.push(CertificateAmount { slot, res: 0, wh: 1_000 });
		}
		let certificates: RetiredCertificates = list.try_into().expect("n within the bound; qed");
		let note: RetirementClaim =
			alloc::vec![b'c'; MAX_CLAIM_LEN as usize].try_into().expect("exact bound; qed");

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), certificates, note);

		assert_eq!(EnergyTokens::<T>::holding(&who, 0, 0), 1_000);
		Ok(())
	}

	/// A claim that splits the first of a holder's many pieces.
	#[benchmark]
	fn claim() -> Result<(), BenchmarkError> {
		T::Clock::set_current_slot(SLOT + 1);
		let (owner, other): (T::AccountId, T::AccountId) =
			(account("owner", 0, 0), account("other", 0, 0));
		let who: T::AccountId = whitelisted_caller();
		holder_with_pieces::<T>(&owner, &who, &other, 0)?;
		EnergyTokens::<T>::do_record_consumption(&who, SLOT, 10_000);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), SLOT, 0, 5);

		assert_eq!(Consumption::<T>::get(&who, SLOT).map(|m| m.claimed_wh), Some(5));
		Ok(())
	}

	/// Expiring a holder's many active pieces.
	#[benchmark]
	fn expire() -> Result<(), BenchmarkError> {
		let (owner, other): (T::AccountId, T::AccountId) =
			(account("owner", 0, 0), account("other", 0, 0));
		let holder: T::AccountId = account("holder", 0, 0);
		holder_with_pieces::<T>(&owner, &holder, &other, 0)?;
		T::Clock::set_current_slot(SLOT + ExpirySlots::<T>::get() + 1);
		let caller: T::AccountId = whitelisted_caller();

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), holder.clone(), SLOT, 0);

		assert_eq!(EnergyTokens::<T>::holding(&holder, SLOT, 0), 0);
		Ok(())
	}

	/// Withdrawing a holder's many active pieces with the longest reason.
	#[benchmark]
	fn withdraw() -> Result<(), BenchmarkError> {
		T::Clock::set_current_slot(SLOT + 1);
		let (owner, other): (T::AccountId, T::AccountId) =
			(account("owner", 0, 0), account("other", 0, 0));
		let holder: T::AccountId = account("holder", 0, 0);
		holder_with_pieces::<T>(&owner, &holder, &other, 0)?;
		let reason: BoundedText =
			alloc::vec![b'r'; MAX_NAME_LEN as usize].try_into().expect("exact bound; qed");
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, holder.clone(), SLOT, 0, reason);

		assert_eq!(EnergyTokens::<T>::holding(&holder, SLOT, 0), 0);
		Ok(())
	}

	#[benchmark]
	fn set_issuer() -> Result<(), BenchmarkError> {
		let name: BoundedText =
			alloc::vec![b'n'; MAX_NAME_LEN as usize].try_into().expect("exact bound; qed");
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, name, *b"DE");

		assert_eq!(IssuingBody::<T>::get().country, *b"DE");
		Ok(())
	}

	#[benchmark]
	fn set_expiry_period() -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, 24 * 365);

		assert_eq!(ExpirySlots::<T>::get(), 24 * 365);
		Ok(())
	}

	/// A member's consumption of a slot recorded while a delivered certificate of the slot
	/// waits for it: the record and the claim queued.
	#[benchmark]
	fn record_consumption() -> Result<(), BenchmarkError> {
		T::Clock::set_current_slot(SLOT + 1);
		let owner: T::AccountId = account("owner", 0, 0);
		let who: T::AccountId = account("member", 0, 0);
		EnergyTokens::<T>::mint(&owner, 0, SLOT, 10, Wh::MAX)
			.map_err(|_| BenchmarkError::Weightless)?;
		<EnergyTokens<T> as EnergyLedger<T::AccountId>>::deliver(&owner, &who, SLOT, 0, 10)
			.map_err(|_| BenchmarkError::Weightless)?;
		EnergyTokens::<T>::do_record_consumption(&who, SLOT, 1);

		#[block]
		{
			EnergyTokens::<T>::do_record_consumption(&who, SLOT, 1_000);
		}

		assert_eq!(ClaimQueueBounds::<T>::get(), (0, 2));
		Ok(())
	}

	/// One entry of the claim queue: `MAX_AWAITING_CLAIM` delivered certificates of the slot
	/// claimed, each splitting one of the member's many pieces of it.
	#[benchmark]
	fn claim_queued() -> Result<(), BenchmarkError> {
		T::Clock::set_current_slot(SLOT + 1);
		let (owner, other): (T::AccountId, T::AccountId) =
			(account("owner", 0, 0), account("other", 0, 0));
		let who: T::AccountId = account("member", 0, 0);
		for res in 0..MAX_AWAITING_CLAIM {
			holder_with_pieces::<T>(&owner, &who, &other, res)?;
			<EnergyTokens<T> as EnergyLedger<T::AccountId>>::deliver(&owner, &who, SLOT, res, 10)
				.map_err(|_| BenchmarkError::Weightless)?;
		}
		assert_eq!(AwaitingClaim::<T>::get(&who, SLOT).len() as u32, MAX_AWAITING_CLAIM);
		// Enough to claim all but part of the last certificate's last piece.
		let wh = MAX_AWAITING_CLAIM as Wh * (RECEIVED as Wh + 1) * 10 - 5;
		EnergyTokens::<T>::do_record_consumption(&who, SLOT, wh);
		let limit =
			T::WeightInfo::claim_queued().saturating_add(T::DbWeight::get().reads_writes(1, 1));

		#[block]
		{
			EnergyTokens::<T>::process_claim_queue(limit);
		}

		assert_eq!(Consumption::<T>::get(&who, SLOT).map(|m| m.claimed_wh), Some(wh));
		assert_eq!(ClaimQueueBounds::<T>::get(), (1, 1));
		Ok(())
	}

	impl_benchmark_test_suite!(EnergyTokens, crate::mock::new_test_ext(), crate::mock::Test);
}
