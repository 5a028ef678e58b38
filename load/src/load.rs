//! The load tool: on one node of the load-test chain (`energy-node --chain load`), in one run,
//! how many attested readings per second the chain finalizes (by batch size and signature
//! scheme) next to plain balance transfers, and the node's memory.
//!
//! A meter reports at most once per market slot and never before its installation, so the load
//! comes from the load-test chain's 6,144 genesis meters on six gateways (the dev phrase's stash
//! accounts) with six-second slots: each phase waits until its meters have enough ended slots,
//! then sends one reading per meter and slot, oldest first. The production meters' readings are
//! of slots already settled, so they are metered but not certified (nothing mints: each is
//! charged a production reading and its settled slot's auction read; the minting path's cost
//! is measured by the burst's "minting at the limit"). Every extrinsic is signed up
//! front and offline (immortal, consecutive nonces; subxt's online `create_signed` makes three
//! RPC calls per transaction) and handed to the pool with `author_submitExtrinsic` (no status
//! subscription per transaction: a node caps those per connection); the rate is counted from the
//! finalized blocks' events over their timestamps.

use std::time::Instant;

use anyhow::{anyhow, bail, Result};
use energy_gateway::{
	chain::{submit_all, Api, Chain, Params},
	keystore::{dev_key, MeterKey, Scheme},
	runtime::energy::{self, runtime_types::bounded_collections::bounded_vec::BoundedVec},
	signing,
};
use energy_primitives::reading::MeterReading;
use subxt::{
	client::OnlineClientAtBlockImpl,
	config::RpcConfigFor,
	rpcs::{rpc_params, LegacyRpcMethods, RpcClient},
	tx::SubmittableTransaction,
	utils::{AccountId32, Static},
	PolkadotConfig,
};
use subxt_signer::sr25519::Keypair;

/// A transaction signed up front, ready for the pool.
pub(crate) type Signed =
	SubmittableTransaction<PolkadotConfig, OnlineClientAtBlockImpl<PolkadotConfig>>;

/// One measured phase.
#[derive(Clone, Debug)]
pub struct PhaseResult {
	/// What was measured.
	pub label: String,
	/// Items (readings or transfers) finalized.
	pub items: u64,
	/// Blocks that carried them.
	pub blocks: u32,
	/// Most items in one block.
	pub max_per_block: u64,
	/// Items per second of chain time (block timestamps).
	pub per_second: f64,
	/// Wall time from the first submission to the last finalized block, s.
	pub wall_seconds: f64,
}

/// A load meter: its gateway (index into the phase's gateways), and where its sequence, slots
/// and registers stand.
struct LoadMeter {
	id: u32,
	gateway: usize,
	production: bool,
	sequence: u64,
	next_slot: u32,
	registers: (u64, u64),
}

/// A phase of readings: which load gateways' meters, with which key, in batches of how many.
struct ReadingPhase {
	label: &'static str,
	gateways: &'static [&'static str],
	key: (Scheme, &'static str),
	batch: usize,
	/// The share of `--readings` the phase sends (production and ed25519 send a third).
	divisor: u64,
}

/// The reading phases, on the load-test chain's gateways (`runtime::genesis_config_presets::
/// LOAD_GATEWAYS`) and keys.
const PHASES: [ReadingPhase; 4] = [
	ReadingPhase {
		label: "readings, sr25519 consumption meters, batches of 1,024",
		gateways: &["//Alice//stash", "//Bob//stash", "//Charlie//stash", "//Dave//stash"],
		key: (Scheme::Sr25519, "//load//meter"),
		batch: 1024,
		divisor: 1,
	},
	ReadingPhase {
		label: "readings, sr25519 consumption meters, batches of 128",
		gateways: &["//Alice//stash", "//Bob//stash", "//Charlie//stash", "//Dave//stash"],
		key: (Scheme::Sr25519, "//load//meter"),
		batch: 128,
		divisor: 1,
	},
	ReadingPhase {
		label: "readings, ed25519 consumption meters, batches of 1,024",
		gateways: &["//Eve//stash"],
		key: (Scheme::Ed25519, "//load//meter"),
		batch: 1024,
		divisor: 3,
	},
	ReadingPhase {
		label: "readings, sr25519 production meters (settled slots: metered, not certified), batches of 1,024",
		gateways: &["//Ferdie//stash"],
		key: (Scheme::Sr25519, "//load//pv"),
		batch: 1024,
		divisor: 3,
	},
];

/// Runs the phases and prints a table; `node_pid` adds the node's memory.
pub async fn run(
	url: &str,
	readings: u64,
	transfers: u64,
	node_pid: Option<u32>,
) -> Result<Vec<PhaseResult>> {
	let chain = Chain::connect(url).await?;
	let rpc = RpcClient::from_insecure_url(url).await?;
	if chain.slot_ms > 6_000 {
		bail!(
			"{} ms market slots: run the load tool on the load-test chain (`energy-node --chain load`)",
			chain.slot_ms
		);
	}
	let genesis_slot = genesis_slot(&chain).await?;
	// The transfer senders are funded first: 20 accounts, one nonce chain each.
	let senders: Vec<Keypair> = (0..20).map(|i| dev_key(&format!("//load//sender//{i}"))).collect();
	let alice = dev_key("//Alice");
	let funding = senders
		.iter()
		.map(|s| {
			(
				&alice,
				energy::tx().balances().transfer_keep_alive(account(s).into(), 10_000 * 1_000_000),
			)
		})
		.collect();
	submit_all(&chain.api, funding).await?;
	let mut results = Vec::new();
	for phase in &PHASES {
		let count = readings / phase.divisor;
		let key = MeterKey::from_secret(phase.key.0, phase.key.1)?;
		let gateways: Vec<Keypair> = phase.gateways.iter().map(|uri| dev_key(uri)).collect();
		let mut meters = Vec::new();
		for (index, gateway) in gateways.iter().enumerate() {
			for meter in chain.page(&account(gateway)).await? {
				meters.push(LoadMeter {
					id: meter.id,
					gateway: index,
					production: matches!(
						meter.kind,
						energy::runtime_types::pallet_meters::types::MeterKind::Production { .. }
					),
					sequence: meter.last_sequence,
					next_slot: meter.last_slot.map_or(genesis_slot, |s| s + 1),
					registers: (meter.registers.import_wh, meter.registers.export_wh),
				});
			}
		}
		if meters.is_empty() {
			bail!("no meters on {:?}: is this the load-test chain?", phase.gateways);
		}
		// One reading per meter and slot: wait until the last slot a meter reports has ended.
		let per_meter = count.div_ceil(meters.len() as u64) as u32;
		let needed = meters.iter().map(|m| m.next_slot + per_meter - 1).max().unwrap_or(0);
		println!(
			"{}: {count} readings of {} meters; waiting for slot {needed} to end",
			phase.label,
			meters.len()
		);
		loop {
			let ended = chain.last_ended_slot().await?.unwrap_or(0);
			if ended >= needed {
				break;
			}
			tokio::time::sleep(std::time::Duration::from_millis(500)).await;
		}
		let tx = chain.api.tx().await?;
		let mut nonces = Vec::new();
		for gateway in &gateways {
			nonces.push(tx.account_nonce(&account(gateway)).await?);
		}
		// Readings in slot order across meters, so that each batch is one gateway's.
		let mut per_gateway: Vec<Vec<_>> = gateways.iter().map(|_| Vec::new()).collect();
		let mut produced = 0;
		'slots: for _ in 0..per_meter {
			for meter in meters.iter_mut() {
				if produced == count {
					break 'slots;
				}
				meter.sequence += 1;
				meter.registers.0 += 3;
				if meter.production {
					// One Wh every other slot: well within a 5 kW RES's 8 Wh per six-second slot.
					meter.registers.1 += meter.sequence % 2;
				}
				let reading = MeterReading {
					meter: meter.id,
					sequence: meter.sequence,
					slot: meter.next_slot,
					import_wh: meter.registers.0,
					export_wh: meter.registers.1,
				};
				meter.next_slot += 1;
				per_gateway[meter.gateway].push(Static(signing::sign(
					reading,
					&chain.genesis,
					&key,
				)));
				produced += 1;
			}
		}
		let mut txs = Vec::new();
		for (index, signed) in per_gateway.into_iter().enumerate() {
			for batch in signed.chunks(phase.batch) {
				let call = energy::tx().meters().submit_readings(BoundedVec(batch.to_vec()));
				let params = Params::new().immortal().nonce(nonces[index]).build();
				nonces[index] += 1;
				txs.push(tx.create_signable_offline(&call, params)?.sign(&gateways[index])?);
			}
		}
		let result = measure(&chain.api, &rpc, phase.label, txs, Counted::Readings, 16).await?;
		print_result(&result);
		results.push(result);
	}

	// Plain balance transfers from the funded senders to Ferdie.
	let ferdie = account(&dev_key("//Ferdie"));
	let tx = chain.api.tx().await?;
	let mut nonces = Vec::new();
	for sender in &senders {
		nonces.push(tx.account_nonce(&account(sender)).await?);
	}
	let mut txs = Vec::new();
	for i in 0..transfers {
		let s = (i % senders.len() as u64) as usize;
		let call = energy::tx().balances().transfer_keep_alive(ferdie.into(), 1_000_000);
		let params = Params::new().immortal().nonce(nonces[s]).build();
		nonces[s] += 1;
		txs.push(tx.create_signable_offline(&call, params)?.sign(&senders[s])?);
	}
	// One lane per sender: each submits its nonces in order.
	let result = measure(
		&chain.api,
		&rpc,
		"balance transfers (transfer_keep_alive)",
		txs,
		Counted::Transfers,
		senders.len(),
	)
	.await?;
	print_result(&result);
	results.push(result);
	if let Some(pid) = node_pid {
		let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
		for line in status.lines().filter(|l| l.starts_with("VmRSS") || l.starts_with("VmHWM")) {
			println!("node memory: {}", line.split_whitespace().collect::<Vec<_>>().join(" "));
		}
	}
	Ok(results)
}

/// The chain's genesis slot (where its genesis meters were installed), once the first block that
/// records it is finalized: a fresh node has none for a few seconds.
pub(crate) async fn genesis_slot(chain: &Chain) -> Result<u32> {
	for _ in 0..60 {
		if let Some(slot) = chain.genesis_slot().await? {
			return Ok(slot);
		}
		tokio::time::sleep(std::time::Duration::from_secs(1)).await;
	}
	Err(anyhow!("no block finalized within a minute"))
}

pub(crate) fn account(key: &Keypair) -> AccountId32 {
	key.public_key().to_account_id()
}

/// What a phase counts in the finalized blocks.
#[derive(Clone, Copy, PartialEq)]
enum Counted {
	Readings,
	Transfers,
}

/// Transactions of a phase in the pool at once, at most: about three blocks of transfers.
/// Flooding the fork-aware pool with 20,000 transfers at once made it drop a third of them
/// (`txpool` debug log: `dropped_stats`), which no client should rely on; a real high-volume
/// sender keeps a window like this one. The node's future queue must hold the whole window
/// (`--pool-limit` at least ten times it, as `scripts/performance.sh` starts the node): a view
/// of a new block may see many of the window's transactions as future, and the pool drops
/// futures above its limit, which breaks their senders' nonce chains for good.
const IN_FLIGHT: usize = 8_192;

/// Submits `txs` from `lanes` concurrent tasks (one RPC round trip per transaction would
/// otherwise bound the rate; transaction `i` goes to lane `i % lanes`, which submits in order),
/// never more than [`IN_FLIGHT`] of them ahead of the finalized ones, and counts, block by
/// block, the finalized items until all are in.
async fn measure(
	api: &Api,
	rpc: &RpcClient,
	label: &str,
	txs: Vec<Signed>,
	counted: Counted,
	lanes: usize,
) -> Result<PhaseResult> {
	let total_txs = txs.len();
	let start = Instant::now();
	// Blocks finalized before the phase (the subscription starts with the current one) hold
	// nothing of it.
	let before = api.at_current_block().await?.block_number();
	let mut blocks_sub = api.stream_blocks().await?;
	let mut lane_txs: Vec<Vec<_>> = (0..lanes).map(|_| Vec::new()).collect();
	for (i, tx) in txs.into_iter().enumerate() {
		lane_txs[i % lanes].push(tx);
	}
	let submitted = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
	let finalized = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
	let mut submitters = tokio::task::JoinSet::new();
	for lane in lane_txs {
		let (rpc, submitted, finalized) = (
			LegacyRpcMethods::<RpcConfigFor<PolkadotConfig>>::new(rpc.clone()),
			submitted.clone(),
			finalized.clone(),
		);
		submitters.spawn(async move {
			use std::sync::atomic::Ordering::Relaxed;
			for tx in lane {
				while submitted.load(Relaxed) >= finalized.load(Relaxed) + IN_FLIGHT {
					tokio::time::sleep(std::time::Duration::from_millis(50)).await;
				}
				rpc.author_submit_extrinsic(tx.encoded())
					.await
					.map_err(|e| anyhow!("the pool refused a transaction: {e}"))?;
				submitted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
			}
			Ok::<_, anyhow::Error>(())
		});
	}
	let mut included_txs = 0usize;
	let mut items = 0u64;
	let mut per_block = Vec::new();
	let mut previous_timestamp: Option<u64> = None;
	let (mut first_ts, mut last_ts) = (None, 0u64);
	let mut idle_blocks = 0;
	while included_txs < total_txs {
		while let Some(done) = submitters.try_join_next() {
			done??;
		}
		let next = tokio::time::timeout(std::time::Duration::from_secs(90), blocks_sub.next())
			.await
			.map_err(|_| {
				anyhow!(
					"no finalized block for 90 s ({included_txs}/{total_txs} transactions in, {} \
					 submitted)",
					submitted.load(std::sync::atomic::Ordering::Relaxed)
				)
			})?;
		let block = next.ok_or_else(|| anyhow!("block subscription ended"))??;
		if block.number() <= before {
			continue;
		}
		let at = block.at().await?;
		let timestamp: u64 =
			at.storage().fetch(energy::storage().timestamp().now(), ()).await?.decode()?;
		let events = at.events().fetch().await?;
		let mut in_block = 0u64;
		let mut txs_in_block = 0usize;
		match counted {
			Counted::Readings => {
				for tally in events.find::<energy::meters::events::BatchProcessed>() {
					let tally = tally?.tally;
					in_block += tally.accepted as u64;
					txs_in_block += 1;
					if tally.rejected > 0 {
						bail!("{} readings rejected in a load batch", tally.rejected);
					}
				}
			},
			Counted::Transfers => {
				txs_in_block = events.find::<energy::balances::events::Transfer>().count();
				in_block = txs_in_block as u64;
			},
		}
		if in_block > 0 {
			if first_ts.is_none() {
				first_ts = Some(previous_timestamp.unwrap_or(timestamp.saturating_sub(6_000)));
			}
			last_ts = timestamp;
			per_block.push(in_block);
		}
		tracing::debug!(
			block = block.number(),
			timestamp,
			in_block,
			txs_in_block,
			submitted = submitted.load(std::sync::atomic::Ordering::Relaxed),
			"finalized"
		);
		previous_timestamp = Some(timestamp);
		idle_blocks = if txs_in_block == 0 { idle_blocks + 1 } else { 0 };
		if idle_blocks >= 15 {
			let pending: Vec<String> =
				rpc.request("author_pendingExtrinsics", rpc_params![]).await?;
			bail!(
				"15 finalized blocks without a transaction of the phase ({included_txs}/{total_txs} \
				 in, {} submitted, {} in the pool)",
				submitted.load(std::sync::atomic::Ordering::Relaxed),
				pending.len()
			);
		}
		included_txs += txs_in_block;
		finalized.store(included_txs, std::sync::atomic::Ordering::Relaxed);
		items += in_block;
	}
	let chain_seconds = (last_ts - first_ts.unwrap_or(last_ts)) as f64 / 1000.0;
	Ok(PhaseResult {
		label: label.to_string(),
		items,
		blocks: per_block.len() as u32,
		max_per_block: per_block.iter().copied().max().unwrap_or(0),
		per_second: if chain_seconds > 0.0 { items as f64 / chain_seconds } else { 0.0 },
		wall_seconds: start.elapsed().as_secs_f64(),
	})
}

fn print_result(r: &PhaseResult) {
	println!(
		"{:<72} {:>8} items in {:>3} blocks (max {:>6}/block): {:>7.0}/s finalized; wall {:.0} s",
		r.label, r.items, r.blocks, r.max_per_block, r.per_second, r.wall_seconds
	);
}
