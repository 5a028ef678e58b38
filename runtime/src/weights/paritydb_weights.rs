// SPDX-License-Identifier: Apache-2.0
// This file is part of the community energy chain.

//! The database weights measured for the runtime's `DbWeight` (not charged yet: see
//! `runtime/src/configs/mod.rs`) on the project's reference
//! machine by `energy-node benchmark storage` (ParityDB) on the genesis state of a generated
//! community: 10,000 members and 20,000 meters (4,000 of them production meters, each on a PV
//! RES) on top of the load-test preset (6,150 meters), and a week of hourly certificates of
//! every RES (422,268 certificates and holdings; 900,870 keys, 101 MiB), built by
//! `energy-load chain-spec` with the runtime's genesis builder and the token pallet's minting.
//! Regenerate with `./scripts/storage-weights.sh`; never edit by hand.
//!

//! THIS FILE WAS AUTO-GENERATED USING THE SUBSTRATE BENCHMARK CLI VERSION 64.0.0
//! DATE: 2026-12-03 (Y/M/D)
//! HOSTNAME: `vm`, CPU: `Intel(R) Xeon(R) Processor`
//!
//! DATABASE: `ParityDb`, RUNTIME: `Energy Community Load Test (generated)`
//! BLOCK-NUM: `Number(0)`
//! SKIP-WRITE: `false`, SKIP-READ: `false`, WARMUPS: `1`
//! STATE-VERSION: `V1`, STATE-CACHE-SIZE: ``
//! WEIGHT-PATH: `runtime/src/weights/`
//! METRIC: `Average`, WEIGHT-MUL: `1.0`, WEIGHT-ADD: `0`

// Executed Command:
//   /root/.cache/energy-target/benchmark/energy-node
//   benchmark
//   storage
//   --chain
//   /tmp/community.json
//   --base-path
//   /tmp/sbdb
//   --database
//   paritydb
//   --state-version
//   1
//   --warmups
//   1
//   --batch-size
//   10000
//   --header
//   scripts/storage-weights-header.txt
//   --template-path
//   scripts/storage-weights.hbs
//   --weight-path
//   runtime/src/weights/

/// Storage DB weights for the `Energy Community Load Test (generated)` runtime and `ParityDb`.
pub mod constants {
	use frame_support::{
		parameter_types,
		weights::{constants, RuntimeDbWeight},
	};

	parameter_types! {
		/// The database weights the runtime charges (`frame_system::Config::DbWeight`).
		pub const ParityDbWeight: RuntimeDbWeight = RuntimeDbWeight {
			// Time to read one storage item.
			// Calculated by multiplying the *Average* of all values with `1.0` and adding `0`.
			//
			// Stats nanoseconds:
			//   Min, Max: 2_873, 2_375_894
			//   Average:  14_164
			//   Median:   12_913
			//   Std-Dev:  32903.32
			//
			// Percentiles nanoseconds:
			//   99th: 27_206
			//   95th: 16_879
			//   75th: 14_161
			read: 14_164 * constants::WEIGHT_REF_TIME_PER_NANOS,

			// Time to write one storage item.
			// Calculated by multiplying the *Average* of all values with `1.0` and adding `0`.
			//
			// Stats nanoseconds:
			//   Min, Max: 28_283, 58_352
			//   Average:  45_305
			//   Median:   46_183
			//   Std-Dev:  7383.05
			//
			// Percentiles nanoseconds:
			//   99th: 58_352
			//   95th: 55_231
			//   75th: 51_434
			write: 45_305 * constants::WEIGHT_REF_TIME_PER_NANOS,
		};
	}

	#[cfg(test)]
	mod test_db_weights {
		use super::ParityDbWeight as W;
		use frame_support::weights::constants;

		/// Checks that all weights exist and have sane values.
		// NOTE: If this test fails but you are sure that the generated values are fine,
		// you can delete it.
		#[test]
		fn bound() {
			// At least 1 µs.
			assert!(
				W::get().reads(1).ref_time() >= constants::WEIGHT_REF_TIME_PER_MICROS,
				"Read weight should be at least 1 µs."
			);
			assert!(
				W::get().writes(1).ref_time() >= constants::WEIGHT_REF_TIME_PER_MICROS,
				"Write weight should be at least 1 µs."
			);
			// At most 1 ms.
			assert!(
				W::get().reads(1).ref_time() <= constants::WEIGHT_REF_TIME_PER_MILLIS,
				"Read weight should be at most 1 ms."
			);
			assert!(
				W::get().writes(1).ref_time() <= constants::WEIGHT_REF_TIME_PER_MILLIS,
				"Write weight should be at most 1 ms."
			);
		}
	}
}
