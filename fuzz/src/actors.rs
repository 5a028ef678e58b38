//! The actors of a fuzzing episode, honest and hostile, and the genesis they start from.

use energy_primitives::{AccountId, MeterPublicKey, Roles};
use energy_runtime::{RuntimeGenesisConfig, UNIT};
use pallet_forecasts::crypto::ForecasterPair;
use pallet_market::ClearingRule;
use pallet_meters::MeterKind;
use pallet_res_assets::Technology;
use sp_core::{ed25519, sr25519, Pair, H256};
use sp_io::hashing::blake2_256;

/// The market slot of a fuzzed chain: one minute, so that an episode of a few hundred blocks
/// sees many auctions from opening to settlement.
pub const SLOT_LENGTH_MS: u64 = 60_000;
/// The nameplate of every genesis RES, W.
pub const NAMEPLATE_W: u64 = 6_000;
/// What every funded actor starts with.
pub const FUNDS: u128 = 1_000 * UNIT;

/// A key pair from a name: the fuzzer's keys are its own, never a real community's.
fn seed(name: &str) -> [u8; 32] {
	blake2_256(format!("energy-fuzz/{name}").as_bytes())
}

fn sr(name: &str) -> sr25519::Pair {
	sr25519::Pair::from_seed(&seed(name))
}

/// The account of an sr25519 key.
pub fn account(key: &sr25519::Pair) -> AccountId {
	AccountId::new(key.public().0)
}

/// What an actor is, for choosing who sends what.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
	/// The sudo key: the community manager on dev chains.
	Manager,
	/// The DSO.
	Dso,
	/// The utility.
	Utility,
	/// A consumer member.
	Consumer,
	/// A producer member with a RES.
	Producer,
	/// A prosumer member with a RES.
	Prosumer,
	/// A funded account that is not a member.
	Outsider,
	/// An account with no funds at all.
	Broke,
	/// A registered meter gateway.
	Gateway,
	/// A funded account that is not a gateway.
	RogueGateway,
}

impl Role {
	/// The roles an actor of this kind has at genesis (`None`: not a member).
	pub fn genesis_roles(self) -> Option<Roles> {
		match self {
			Role::Dso => Some(Roles::DSO),
			Role::Utility => Some(Roles::UTILITY),
			Role::Consumer => Some(Roles::CONSUMER),
			Role::Producer => Some(Roles::PRODUCER),
			Role::Prosumer => Some(Roles::PROSUMER),
			_ => None,
		}
	}
}

/// An account that signs transactions.
pub struct Actor {
	/// What it is.
	pub role: Role,
	/// Its key.
	pub key: sr25519::Pair,
}

/// Every actor and key of an episode.
pub struct Actors {
	/// Signing accounts, by index.
	pub accounts: Vec<Actor>,
	/// The genesis meters' keys, by meter id.
	pub meter_keys: Vec<ed25519::Pair>,
	/// Keys that no meter has yet: `register_meter` and `rotate_meter_key` install them.
	pub spare_meter_keys: Vec<ed25519::Pair>,
	/// The authorised forecaster.
	pub forecaster: ForecasterPair,
	/// A forecaster key nobody authorised.
	pub rogue_forecaster: ForecasterPair,
	/// The block author's Aura key.
	author: sr25519::Pair,
}

impl Default for Actors {
	fn default() -> Self {
		Self::new()
	}
}

impl Actors {
	/// The pool: the manager, the DSO, the utility, three consumers, two producers, two
	/// prosumers, two outsiders, one broke account, two gateways and a rogue one; a meter per
	/// RES (production) and per consumer and prosumer (consumption), split over the gateways.
	pub fn new() -> Self {
		let mut accounts = Vec::new();
		let mut add = |role: Role, name: &str| accounts.push(Actor { role, key: sr(name) });
		add(Role::Manager, "manager");
		add(Role::Dso, "dso");
		add(Role::Utility, "utility");
		for i in 0..3 {
			add(Role::Consumer, &format!("consumer/{i}"));
		}
		for i in 0..2 {
			add(Role::Producer, &format!("producer/{i}"));
		}
		for i in 0..2 {
			add(Role::Prosumer, &format!("prosumer/{i}"));
		}
		for i in 0..2 {
			add(Role::Outsider, &format!("outsider/{i}"));
		}
		add(Role::Broke, "broke");
		for i in 0..2 {
			add(Role::Gateway, &format!("gateway/{i}"));
		}
		add(Role::RogueGateway, "rogue-gateway");
		let mut actors = Actors {
			accounts,
			meter_keys: Vec::new(),
			spare_meter_keys: (0..8)
				.map(|i| ed25519::Pair::from_seed(&seed(&format!("spare-meter/{i}"))))
				.collect(),
			forecaster: ForecasterPair::from_seed(&seed("forecaster")),
			rogue_forecaster: ForecasterPair::from_seed(&seed("rogue-forecaster")),
			author: sr("author"),
		};
		actors.meter_keys = (0..actors.genesis_meters().len())
			.map(|i| ed25519::Pair::from_seed(&seed(&format!("meter/{i}"))))
			.collect();
		actors
	}

	/// The indices of the actors with `role`.
	pub fn with_role(&self, role: Role) -> Vec<usize> {
		(0..self.accounts.len()).filter(|&i| self.accounts[i].role == role).collect()
	}

	/// The account of actor `index`.
	pub fn account(&self, index: usize) -> AccountId {
		account(&self.accounts[index].key)
	}

	/// The genesis RES: one per producer and prosumer, by RES id: (owner actor).
	pub fn genesis_res(&self) -> Vec<usize> {
		let mut owners = self.with_role(Role::Producer);
		owners.extend(self.with_role(Role::Prosumer));
		owners
	}

	/// The genesis meters, by meter id: (owner actor, kind, gateway actor).
	pub fn genesis_meters(&self) -> Vec<(usize, MeterKind, usize)> {
		let gateways = self.with_role(Role::Gateway);
		let mut meters = Vec::new();
		for (res, owner) in self.genesis_res().into_iter().enumerate() {
			meters.push((owner, MeterKind::Production { res: res as u32 }, 0));
		}
		let mut consumers = self.with_role(Role::Consumer);
		consumers.extend(self.with_role(Role::Prosumer));
		for owner in consumers {
			meters.push((owner, MeterKind::Consumption, 0));
		}
		for (id, meter) in meters.iter_mut().enumerate() {
			meter.2 = gateways[id % gateways.len()];
		}
		meters
	}

	/// The runtime's genesis config of an episode: the actors registered in their roles,
	/// RES approved with their meters, one-minute slots with the development auction
	/// schedule, `rule`, the utility named, one forecaster, the manager as sudo.
	pub fn genesis_config(&self, rule: ClearingRule) -> RuntimeGenesisConfig {
		let mut config = RuntimeGenesisConfig::default();
		let commitment = |i: usize| H256(blake2_256(&(i as u32).to_le_bytes()));
		config.participants.participants = (0..self.accounts.len())
			.filter_map(|i| {
				let roles = self.accounts[i].role.genesis_roles()?;
				Some((self.account(i), format!("FUZZ-{i:03}").into_bytes(), roles, commitment(i)))
			})
			.collect();
		config.balances.balances = (0..self.accounts.len())
			.filter(|&i| self.accounts[i].role != Role::Broke)
			.map(|i| (self.account(i), FUNDS))
			.collect();
		config.res_assets.assets = self
			.genesis_res()
			.into_iter()
			.map(|owner| {
				(self.account(owner), Technology::Solar, NAMEPLATE_W, b"FUZZ-FEEDER-1".to_vec())
			})
			.collect();
		config.meters.gateways =
			self.with_role(Role::Gateway).into_iter().map(|i| self.account(i)).collect();
		config.meters.meters = self
			.genesis_meters()
			.into_iter()
			.enumerate()
			.map(|(id, (owner, kind, gateway))| {
				let key = MeterPublicKey::Ed25519(self.meter_keys[id].public());
				(self.account(owner), kind, key, self.account(gateway))
			})
			.collect();
		config.market.slot_length_ms = Some(SLOT_LENGTH_MS);
		config.market.schedule = Some(energy_runtime::genesis_config_presets::DEV_AUCTION_SCHEDULE);
		config.market.rule = rule;
		config.market.utility = Some(self.account(self.with_role(Role::Utility)[0]));
		config.forecasts.forecasters = vec![self.forecaster.public()];
		config.grid.keeper = Some(self.account(self.with_role(Role::Dso)[0]));
		let element = |parent, watts| pallet_grid::ElementInfo {
			parent,
			up_w: watts,
			down_w: watts,
			charge_per_kwh: 1_000,
		};
		config.grid.elements = vec![
			(1, element(None, 100_000)),
			(10, element(Some(1), 20_000)),
			(20, element(Some(1), 20_000)),
			(11, element(Some(10), 5_000)),
			(21, element(Some(20), 5_000)),
		];
		energy_runtime_harness::single_validator(
			&mut config,
			&self.author,
			&ed25519::Pair::from_seed(&seed("author/grandpa")),
			self.forecaster.public(),
		);
		config.sudo.key = Some(self.account(self.with_role(Role::Manager)[0]));
		config
	}
}
