//! Who is who on a simulated chain: each member's account, consumption meter, PV roof (RES)
//! and production meter, and the gateways the meters report through.

use energy_primitives::{AccountId, MeterId, ResId};

use crate::{chain::account, community::Community};

/// How many meters one gateway serves (the runtime's `MaxMetersPerGateway`).
pub const METERS_PER_GATEWAY: usize = 1_024;

/// A member on chain.
#[derive(Clone, Debug)]
pub struct MemberOnChain {
	/// The member's name in the community file.
	pub name: String,
	/// Its account.
	pub account: AccountId,
	/// Its consumption meter.
	pub consumption_meter: MeterId,
	/// Its roof's RES and production meter.
	pub res: Option<(ResId, MeterId)>,
}

/// A meter on chain.
#[derive(Clone, Debug)]
pub struct MeterOnChain {
	/// The member (index) it belongs to.
	pub member: usize,
	/// The RES it measures, for a production meter.
	pub res: Option<ResId>,
}

/// A PV roof on chain.
#[derive(Clone, Debug)]
pub struct Roof {
	/// The member (index) it belongs to.
	pub member: usize,
	/// Nameplate, W.
	pub watts: u64,
	/// Its grid connection point (free text on this chain).
	pub connection_point: String,
}

/// The chain's view of a community: ids are assigned in member order at genesis.
#[derive(Clone, Debug)]
pub struct Layout {
	/// Members, as in the community.
	pub members: Vec<MemberOnChain>,
	/// Meters by id.
	pub meters: Vec<MeterOnChain>,
	/// Roofs by RES id.
	pub roofs: Vec<Roof>,
	/// The utility's account.
	pub utility: AccountId,
	/// The DSO's account.
	pub dso: AccountId,
}

impl Layout {
	/// Assigns accounts and ids: member `i` gets a consumption meter, and if it has a roof,
	/// the next RES id and a production meter after it.
	pub fn new(community: &Community) -> Self {
		let (mut members, mut meters, mut roofs) = (Vec::new(), Vec::new(), Vec::new());
		for (index, member) in community.members.iter().enumerate() {
			let consumption_meter = meters.len() as MeterId;
			meters.push(MeterOnChain { member: index, res: None });
			let res = member.spec.is_prosumer().then(|| {
				let res = roofs.len() as ResId;
				roofs.push(Roof {
					member: index,
					// The nameplate rounded up: a roof's export never exceeds it.
					watts: (member.spec.pv_kwp * 1_000.0).ceil() as u64,
					connection_point: format!("SIM/LV-{:02}/{index:04}", index / 20),
				});
				let meter = meters.len() as MeterId;
				meters.push(MeterOnChain { member: index, res: Some(res) });
				(res, meter)
			});
			members.push(MemberOnChain {
				name: member.spec.name.clone(),
				account: account(&format!("member/{index}")),
				consumption_meter,
				res,
			});
		}
		Layout { members, meters, roofs, utility: account("utility"), dso: account("dso") }
	}

	/// How many gateways the meters need.
	pub fn gateways(&self) -> usize {
		self.meters.len().div_ceil(METERS_PER_GATEWAY).max(1)
	}

	/// The gateway (index) meter `meter` reports through.
	pub fn gateway_of(&self, meter: usize) -> usize {
		meter / METERS_PER_GATEWAY
	}
}
