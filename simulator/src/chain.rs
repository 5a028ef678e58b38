//! The chain a simulation runs: the energy runtime executed natively by
//! `energy-runtime-harness`, from the runtime's own genesis builder, one block at a time
//! through `Executive` as a block author builds them (Aura pre-digest, timestamp inherent,
//! `on_poll`, transactions, finalisation). Meter readings come in gateway batches signed by the gateway, each reading
//! signed by its meter's own key; forecasts in batches signed by the forecaster key; every
//! transaction is checked and dispatched by the runtime exactly as on a node.

use std::collections::BTreeMap;

use anyhow::{anyhow, bail, Result};
use energy_primitives::{
	AccountId, EnergyForecast, MarketSlot, MeterId, MeterPublicKey, MeterReading, MeterSignature,
	Roles, SignedReading,
};
use energy_runtime::{
	Runtime, RuntimeCall, RuntimeEvent, RuntimeGenesisConfig, System, UncheckedExtrinsic,
};
use energy_runtime_harness::{authorized, signed, NativeChain};
use frame_support::traits::fungible::Inspect;
use pallet_forecasts::{crypto::ForecasterPair, ForecastBatch};
use pallet_market::{ClearingRule, HourTariff, StandingOrder, TariffTable};
use pallet_meters::MeterKind;
use pallet_res_assets::Technology;
use sp_core::{ed25519, sr25519, Pair, H256};
use sp_io::hashing::blake2_256;

use crate::layout::Layout;

/// The most forecasts one forecaster batch carries (the runtime's `MaxForecastsPerBatch`).
pub const FORECASTS_PER_BATCH: usize = 512;

/// A key pair from a name: the simulator's accounts and meters are its own, never a real
/// community's.
fn seed(name: &str) -> [u8; 32] {
	blake2_256(format!("energy-sim/{name}").as_bytes())
}

/// The key of the account `name`.
pub fn account_key(name: &str) -> sr25519::Pair {
	sr25519::Pair::from_seed(&seed(name))
}

/// The account of `name`. Members and the DSO sign only in a flexibility study (accepting
/// and posting requests); standing orders are in the genesis and settlement needs no
/// signature of theirs.
pub fn account(name: &str) -> AccountId {
	AccountId::new(account_key(name).public().0)
}

/// The keys that sign what the simulation submits.
pub struct Keys {
	/// Each gateway's account key, by gateway index.
	pub gateways: Vec<sr25519::Pair>,
	/// Each meter's key, by meter id: ed25519, as the documented meter test vector.
	pub meters: Vec<ed25519::Pair>,
	/// The forecaster's key.
	pub forecaster: ForecasterPair,
	/// The block author's Aura key.
	pub author: sr25519::Pair,
	/// Each member's account key, community order.
	pub members: Vec<sr25519::Pair>,
	/// The DSO's account key.
	pub dso: sr25519::Pair,
}

impl Keys {
	/// The keys for `layout`'s meters and gateways.
	pub fn new(layout: &Layout) -> Self {
		Keys {
			gateways: (0..layout.gateways())
				.map(|g| sr25519::Pair::from_seed(&seed(&format!("gateway/{g}"))))
				.collect(),
			meters: (0..layout.meters.len())
				.map(|m| ed25519::Pair::from_seed(&seed(&format!("meter/{m}"))))
				.collect(),
			forecaster: ForecasterPair::from_seed(&seed("forecaster")),
			author: sr25519::Pair::from_seed(&seed("author")),
			members: (0..layout.members.len())
				.map(|index| account_key(&format!("member/{index}")))
				.collect(),
			dso: account_key("dso"),
		}
	}
}

/// Funds of every member: 10,000 CEUR, far more than the holds of a day of orders.
pub const MEMBER_FUNDS: u128 = 10_000 * energy_runtime::UNIT;
/// Funds of the utility, which buys every unsold kWh at feed-in.
pub const UTILITY_FUNDS: u128 = 100_000_000 * energy_runtime::UNIT;
/// Funds of the DSO, which holds each flexibility request's full price.
pub const DSO_FUNDS: u128 = 1_000_000 * energy_runtime::UNIT;

/// What the genesis of a simulated chain holds.
pub struct GenesisSpec<'a> {
	/// Members, RES, meters and gateways.
	pub layout: &'a Layout,
	/// Their keys.
	pub keys: &'a Keys,
	/// The clearing rule.
	pub rule: ClearingRule,
	/// The utility's time-of-use table.
	pub tariffs: TariffTable,
	/// The members' standing orders.
	pub standing_orders: Vec<StandingOrder<AccountId>>,
}

/// The runtime's genesis config of a simulated community: hourly slots and the production
/// auction schedule (the runtime's defaults), the utility and the DSO, the members with their
/// roofs (approved) and meters, their standing orders, one forecaster and one block author.
fn genesis_config(spec: &GenesisSpec) -> RuntimeGenesisConfig {
	let layout = spec.layout;
	let mut config = RuntimeGenesisConfig::default();
	let commitment = |name: &str| H256(blake2_256(name.as_bytes()));
	let mut participants = vec![
		(layout.dso.clone(), b"SIM-DSO".to_vec(), Roles::DSO, commitment("dso")),
		(layout.utility.clone(), b"SIM-UTILITY".to_vec(), Roles::UTILITY, commitment("utility")),
	];
	let mut balances =
		vec![(layout.utility.clone(), UTILITY_FUNDS), (layout.dso.clone(), DSO_FUNDS)];
	for (index, member) in layout.members.iter().enumerate() {
		let roles = if member.res.is_some() { Roles::PROSUMER } else { Roles::CONSUMER };
		let code = format!("SIM-{index:05}").into_bytes();
		participants.push((member.account.clone(), code, roles, commitment(&member.name)));
		balances.push((member.account.clone(), MEMBER_FUNDS));
	}
	for key in &spec.keys.gateways {
		balances.push((AccountId::new(key.public().0), MEMBER_FUNDS));
	}
	config.balances.balances = balances;
	config.participants.participants = participants;
	config.res_assets.assets = layout
		.roofs
		.iter()
		.map(|roof| {
			let owner = layout.members[roof.member].account.clone();
			(owner, Technology::Solar, roof.watts, roof.connection_point.clone().into_bytes())
		})
		.collect();
	config.meters.gateways =
		spec.keys.gateways.iter().map(|key| AccountId::new(key.public().0)).collect();
	config.meters.meters = layout
		.meters
		.iter()
		.enumerate()
		.map(|(id, meter)| {
			let owner = layout.members[meter.member].account.clone();
			let kind = match meter.res {
				Some(res) => MeterKind::Production { res },
				None => MeterKind::Consumption,
			};
			let key = MeterPublicKey::Ed25519(spec.keys.meters[id].public());
			let gateway = AccountId::new(spec.keys.gateways[layout.gateway_of(id)].public().0);
			(owner, kind, key, gateway)
		})
		.collect();
	config.market.rule = spec.rule;
	config.market.tariffs = Some(spec.tariffs);
	config.market.utility = Some(layout.utility.clone());
	config.market.standing_orders = spec.standing_orders.clone();
	config.forecasts.forecasters = vec![spec.keys.forecaster.public()];
	energy_runtime_harness::single_validator(
		&mut config,
		&spec.keys.author,
		&sp_core::ed25519::Pair::from_seed(&seed("author/grandpa")),
		spec.keys.forecaster.public(),
	);
	config
}

/// A running simulated chain.
pub struct Chain {
	chain: NativeChain,
	gateway_nonces: Vec<u32>,
	nonces: BTreeMap<AccountId, u32>,
}

/// One transaction the simulation submits.
#[derive(Clone)]
pub enum Submission {
	/// Gateway `gateway`'s batch of signed readings (at most `MaxReadingsPerBatch`).
	Readings { gateway: usize, readings: Vec<SignedReading> },
	/// The forecaster's batch for `slot` (meters ascending, at most `MaxForecastsPerBatch`).
	Forecasts { slot: MarketSlot, forecasts: Vec<(MeterId, EnergyForecast)> },
	/// `call` signed by `signer` with its next nonce (a member's or the DSO's flexibility call).
	Signed { signer: Signer, call: Box<RuntimeCall> },
}

/// Who signs a [`Submission::Signed`].
#[derive(Clone, Copy, Debug)]
pub enum Signer {
	/// A member, by community index.
	Member(usize),
	/// The DSO.
	Dso,
}

impl Signer {
	fn key(self, keys: &Keys) -> &sr25519::Pair {
		match self {
			Signer::Member(index) => &keys.members[index],
			Signer::Dso => &keys.dso,
		}
	}
}

/// A block's events, and the submissions it had no room for (the block's weight or length
/// was exhausted: a block author leaves them in the pool for the next block).
pub struct Authored {
	/// The block's events.
	pub events: Vec<RuntimeEvent>,
	/// Submissions left for the next block.
	pub left_over: Vec<Submission>,
}

impl Chain {
	/// Builds the genesis state with the runtime's genesis builder (`build_state`, as a node
	/// does from a chain spec) and checks it with every pallet's genesis checks.
	pub fn genesis(spec: &GenesisSpec) -> Result<Self> {
		let chain = NativeChain::genesis(&genesis_config(spec))?;
		Ok(Chain {
			chain,
			gateway_nonces: vec![0; spec.keys.gateways.len()],
			nonces: BTreeMap::new(),
		})
	}

	/// The hash of the genesis block: what meters and forecasters sign for.
	pub fn genesis_hash(&self) -> H256 {
		self.chain.genesis_hash()
	}

	/// Runs `f` on the chain's state (reads; anything written is kept).
	pub fn with_state<R>(&mut self, f: impl FnOnce() -> R) -> R {
		self.chain.with_state(f)
	}

	/// Authors the next block at unix time `at_ms` (a multiple of the Aura slot) with as many of
	/// `submissions` as fit, in order. A transaction the runtime refuses for another reason is
	/// an error: the simulation only submits what an honest gateway and forecaster would.
	pub fn block(
		&mut self,
		at_ms: u64,
		submissions: Vec<Submission>,
		keys: &Keys,
	) -> Result<Authored> {
		let number = self.chain.number() + 1;
		let (gateway_nonces, nonces) = (&mut self.gateway_nonces, &mut self.nonces);
		self.chain.block(at_ms, |builder| -> Result<Authored> {
			let mut left_over = Vec::new();
			for (index, submission) in submissions.iter().enumerate() {
				let xt = match submission {
					Submission::Signed { signer, call } => {
						let key = signer.key(keys);
						let nonce = nonces.entry(AccountId::new(key.public().0)).or_default();
						signed((**call).clone(), key, *nonce)?
					},
					_ => extrinsic(submission, keys, gateway_nonces, builder.genesis_hash())?,
				};
				match refusal(builder.apply(xt)) {
					Ok(()) => match submission {
						Submission::Readings { gateway, .. } => gateway_nonces[*gateway] += 1,
						Submission::Signed { signer, .. } => {
							*nonces
								.entry(AccountId::new(signer.key(keys).public().0))
								.or_default() += 1
						},
						Submission::Forecasts { .. } => {},
					},
					Err(Refusal::Full) => {
						left_over = submissions[index..].to_vec();
						break;
					},
					Err(Refusal::Other(error)) => bail!("block {number}: {error}"),
				}
			}
			let events: Vec<RuntimeEvent> =
				System::read_events_no_consensus().map(|record| record.event).collect();
			Ok(Authored { events, left_over })
		})?
	}

	/// Drops the trie nodes no state refers to any more (see [`NativeChain::compact`]): a run
	/// calls this once a simulated week.
	pub fn compact(&mut self) {
		self.chain.compact()
	}

	/// The total balance (free and held) of `who`.
	pub fn total_balance(&mut self, who: &AccountId) -> u128 {
		self.with_state(|| pallet_balances::Pallet::<Runtime>::total_balance(who))
	}
}

/// Why an extrinsic was not applied.
#[derive(Debug)]
enum Refusal {
	/// The block has no room left for it.
	Full,
	/// Anything else.
	Other(String),
}

/// What the runtime's answer to one extrinsic means for the simulation.
fn refusal(result: sp_runtime::ApplyExtrinsicResult) -> Result<(), Refusal> {
	use sp_runtime::transaction_validity::{InvalidTransaction, TransactionValidityError};
	match result {
		Ok(Ok(())) => Ok(()),
		Ok(Err(error)) => Err(Refusal::Other(format!("dispatch failed: {error:?}"))),
		Err(TransactionValidityError::Invalid(InvalidTransaction::ExhaustsResources)) => {
			Err(Refusal::Full)
		},
		Err(error) => Err(Refusal::Other(format!("transaction refused: {error:?}"))),
	}
}

/// The transaction of one submission: a gateway's batch signed with its next nonce, or the
/// forecaster's self-authorising batch.
fn extrinsic(
	submission: &Submission,
	keys: &Keys,
	nonces: &[u32],
	genesis_hash: H256,
) -> Result<UncheckedExtrinsic> {
	match submission {
		Submission::Readings { gateway, readings } => {
			let batch = readings.clone().try_into().map_err(|_| anyhow!("batch too long"))?;
			let call =
				RuntimeCall::Meters(pallet_meters::Call::submit_readings { readings: batch });
			Ok(signed(call, &keys.gateways[*gateway], nonces[*gateway])?)
		},
		Submission::Forecasts { slot, forecasts } => {
			let batch = ForecastBatch {
				forecaster: keys.forecaster.public(),
				slot: *slot,
				forecasts: forecasts.clone().try_into().map_err(|_| anyhow!("batch too long"))?,
			};
			let signature = keys.forecaster.sign(&batch.signing_payload(&genesis_hash));
			let call = RuntimeCall::Forecasts(pallet_forecasts::Call::submit_forecasts {
				batch,
				signature,
			});
			Ok(authorized(call))
		},
		Submission::Signed { .. } => bail!("a signed submission is signed by its signer's nonce"),
	}
}

/// Meter `meter`'s reading `sequence` closing `slot` with cumulative registers, signed by its
/// key for the chain `genesis_hash`.
pub fn sign_reading(
	key: &ed25519::Pair,
	genesis_hash: &H256,
	reading: MeterReading,
) -> SignedReading {
	let signature = MeterSignature::Ed25519(key.sign(&reading.signing_payload(genesis_hash)));
	debug_assert!(signature
		.verify(&reading.signing_payload(genesis_hash), &MeterPublicKey::Ed25519(key.public())));
	SignedReading { reading, signature }
}

/// The runtime's tariff table from per-hour (retail, feed-in) prices.
pub fn tariff_table(of_hour: impl Fn(usize) -> (u128, u128)) -> TariffTable {
	core::array::from_fn(|hour| {
		let (retail, feed_in) = of_hour(hour);
		HourTariff { retail, feed_in }
	})
}
