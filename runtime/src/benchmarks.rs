//! The pallets whose benchmarks `energy-node benchmark pallet` runs against this runtime.

frame_benchmarking::define_benchmarks!(
	[frame_system, frame_system_benchmarking::Pallet::<crate::Runtime>]
	[pallet_balances, crate::Balances]
	[pallet_timestamp, crate::Timestamp]
	[pallet_sudo, crate::Sudo]
	[pallet_participants, crate::Participants]
	[pallet_res_assets, crate::ResAssets]
	[pallet_meters, crate::Meters]
	[pallet_energy_tokens, crate::EnergyTokens]
	[pallet_market, crate::Market]
);
