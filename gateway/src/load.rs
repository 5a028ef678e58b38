//! The load tool: on one dev node, in one run, how many attested readings per second the
//! chain finalizes (by batch size and signature scheme) next to plain balance transfers, and
//! the node's memory.
//!
//! Readings come from the dev chain's demo meters (`//Gateway`'s page): genesis meters that
//! have not reported may close any past slot, so each meter backfills consecutive past slots
//! and one meter can carry many readings per block. Every extrinsic is signed up front and
//! offline (immortal, consecutive nonces; subxt's online `create_signed` makes three RPC calls
//! per transaction, which made signing 20,000 transfers outlast the phases) and handed to the
//! pool with `author_submitExtrinsic` (no status subscription per transaction: a node caps those
//! per connection); the rate is counted from the finalized blocks' events over their timestamps.

use std::{collections::BTreeMap, time::Instant};

use anyhow::{anyhow, bail, Result};
use subxt::{
	backend::{legacy::LegacyRpcMethods, rpc::RpcClient},
	config::polkadot::PolkadotExtrinsicParamsBuilder,
	tx::SubmittableTransaction,
	utils::AccountId32,
	PolkadotConfig,
};
use subxt_signer::sr25519::Keypair;

use crate::{
	chain::{Api, Chain},
	community::dev_key,
	keystore::{Keystore, MeterKey},
	reading::Reading,
	runtime::energy::{self, runtime_types::bounded_collections::bounded_vec::BoundedVec},
};

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

/// A meter the tool backfills: its key and where its sequence and slots stand.
struct LoadMeter {
	id: u32,
	key: MeterKey,
	sequence: u64,
	next_slot: u32,
	registers: (u64, u64),
}

/// Runs the phases and prints a table; `node_pid` adds the node's memory.
pub async fn run(
	url: &str,
	readings: u64,
	transfers: u64,
	node_pid: Option<u32>,
) -> Result<Vec<PhaseResult>> {
	let chain = Chain::connect(url).await?;
	let rpc = RpcClient::from_insecure_url(url).await?;
	let keystore = Keystore::from_file_content(&crate::keystore::dev_keystore())?;
	let gateway = account(&keystore.gateway);
	let mut now_slot = None;
	for _ in 0..60 {
		now_slot = chain.last_ended_slot().await?;
		if now_slot.is_some() {
			break;
		}
		tokio::time::sleep(std::time::Duration::from_secs(1)).await;
	}
	let now_slot = now_slot.ok_or_else(|| anyhow!("no block finalized within a minute"))?;
	let mut meters = BTreeMap::new();
	for meter in chain.page(&gateway).await? {
		let Some(key) = keystore.meters.get(&meter.id) else { continue };
		// Backfill from far in the past (or just after the last slot the meter closed).
		let next_slot =
			meter.last_slot.map(|s| s + 1).unwrap_or(now_slot.saturating_sub(3_000_000));
		meters.insert(
			meter.id,
			LoadMeter {
				id: meter.id,
				key: key.clone(),
				sequence: meter.last_sequence,
				next_slot,
				registers: (meter.registers.import_wh, meter.registers.export_wh),
			},
		);
	}
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
	crate::community::submit_all(&chain.api, funding).await?;
	let mut results = Vec::new();
	let phases: [(&str, &[u32], usize); 4] = [
		("readings, sr25519 consumption meters, batches of 1,024", &[3, 4, 5], 1024),
		("readings, sr25519 consumption meters, batches of 128", &[3, 4, 5], 128),
		("readings, sr25519 production meter (mints tokens), batches of 1,024", &[1], 1024),
		("readings, ed25519 production meter (mints tokens), batches of 1,024", &[2], 1024),
	];
	for (label, ids, batch) in phases {
		let count = if ids.len() == 1 { readings / 3 } else { readings };
		println!("{label}: signing {count} readings");
		let mut txs = Vec::new();
		let mut nonce = chain.api.tx().account_nonce(&gateway).await?;
		let mut produced = 0;
		while produced < count {
			let mut signed = Vec::with_capacity(batch);
			while signed.len() < batch && produced < count {
				let id = ids[(produced % ids.len() as u64) as usize];
				let meter = meters
					.get_mut(&id)
					.ok_or_else(|| anyhow!("meter {id} is not on //Gateway's page"))?;
				meter.sequence += 1;
				meter.registers.0 += 3;
				if id <= 2 {
					// Production meters export a little (well under their nameplate).
					meter.registers.1 += meter.sequence % 2;
				}
				let reading = Reading {
					meter: meter.id,
					sequence: meter.sequence,
					slot: meter.next_slot,
					import_wh: meter.registers.0,
					export_wh: meter.registers.1,
				};
				meter.next_slot += 1;
				signed.push(reading.sign(&chain.genesis, &meter.key).to_chain());
				produced += 1;
			}
			let call = energy::tx().meters().submit_readings(BoundedVec(signed));
			let params = PolkadotExtrinsicParamsBuilder::new().immortal().nonce(nonce).build();
			txs.push(chain.api.tx().create_partial_offline(&call, params)?.sign(&keystore.gateway));
			nonce += 1;
		}
		let result = measure(&chain.api, &rpc, label, txs, Counted::Readings, 16).await?;
		print_result(&result);
		results.push(result);
	}

	// Plain balance transfers from the funded senders to Ferdie.
	let ferdie = account(&dev_key("//Ferdie"));
	let mut nonces = Vec::new();
	for sender in &senders {
		nonces.push(chain.api.tx().account_nonce(&account(sender)).await?);
	}
	let mut txs = Vec::new();
	for i in 0..transfers {
		let s = (i % senders.len() as u64) as usize;
		let call = energy::tx().balances().transfer_keep_alive(ferdie.clone().into(), 1_000_000);
		let params = PolkadotExtrinsicParamsBuilder::new().immortal().nonce(nonces[s]).build();
		nonces[s] += 1;
		txs.push(chain.api.tx().create_partial_offline(&call, params)?.sign(&senders[s]));
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

fn account(key: &Keypair) -> AccountId32 {
	key.public_key().to_account_id()
}

/// What a phase counts in the finalized blocks.
#[derive(Clone, Copy, PartialEq)]
enum Counted {
	Readings,
	Transfers,
}

/// Submits `txs` from `lanes` concurrent tasks (one RPC round trip per transaction would
/// otherwise bound the rate; transaction `i` goes to lane `i % lanes`, which submits in order)
/// and counts, block by block, the finalized items until all are in.
async fn measure(
	api: &Api,
	rpc: &RpcClient,
	label: &str,
	txs: Vec<SubmittableTransaction<PolkadotConfig, Api>>,
	counted: Counted,
	lanes: usize,
) -> Result<PhaseResult> {
	let total_txs = txs.len();
	let start = Instant::now();
	// Blocks finalized before the phase (the subscription starts with the current one) hold
	// nothing of it.
	let before = api.blocks().at_latest().await?.number();
	let mut blocks_sub = api.blocks().subscribe_finalized().await?;
	let mut lane_txs: Vec<Vec<_>> = (0..lanes).map(|_| Vec::new()).collect();
	for (i, tx) in txs.into_iter().enumerate() {
		lane_txs[i % lanes].push(tx);
	}
	let submitted = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
	let mut submitters = tokio::task::JoinSet::new();
	for lane in lane_txs {
		let (rpc, submitted) =
			(LegacyRpcMethods::<PolkadotConfig>::new(rpc.clone()), submitted.clone());
		submitters.spawn(async move {
			for tx in lane {
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
		let timestamp =
			block.storage().fetch_or_default(&energy::storage().timestamp().now()).await?;
		let events = block.events().await?;
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
			let pending: Vec<String> = rpc
				.request("author_pendingExtrinsics", subxt::ext::subxt_rpcs::rpc_params![])
				.await?;
			bail!(
				"15 finalized blocks without a transaction of the phase ({included_txs}/{total_txs} \
				 in, {} submitted, {} in the pool)",
				submitted.load(std::sync::atomic::Ordering::Relaxed),
				pending.len()
			);
		}
		included_txs += txs_in_block;
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
