//! The pallets whose benchmarks `energy-node benchmark pallet` runs against this runtime.

pub mod node_authorization;
pub mod session_rotation;

frame_benchmarking::define_benchmarks!(
	[frame_system, frame_system_benchmarking::Pallet::<super::Runtime>]
	[pallet_balances, super::Balances]
	[pallet_timestamp, super::Timestamp]
	[pallet_sudo, super::Sudo]
	[pallet_collective, super::Council]
	[pallet_membership, super::CouncilMembership]
	[pallet_utility, super::Utility]
	[pallet_preimage, super::Preimage]
	[pallet_whitelist, super::Whitelist]
	[pallet_node_authorization, super::benchmarks::node_authorization::Pallet::<super::Runtime>]
	[pallet_session_rotation, super::benchmarks::session_rotation::Pallet::<super::Runtime>]
	[pallet_participants, super::Participants]
	[pallet_res_assets, super::ResAssets]
	[pallet_meters, super::Meters]
	[pallet_energy_tokens, super::EnergyTokens]
	[pallet_market, super::Market]
	[pallet_forecasts, super::Forecasts]
	[pallet_flexibility, super::Flexibility]
	[pallet_grid, super::Grid]
);
