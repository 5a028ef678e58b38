//! The gateway's connection to the chain: finalized time and pages, and batches of signed
//! readings submitted with consecutive nonces and followed to finality.

use std::{collections::BTreeMap, sync::Arc, time::Duration};

use anyhow::{anyhow, Context, Result};
use energy_primitives::reading::SignedReading;
use subxt::{
	backend::LegacyBackend,
	client::OnlineClientAtBlockImpl,
	config::polkadot::PolkadotExtrinsicParamsBuilder,
	extrinsics::ExtrinsicEvents,
	rpcs::RpcClient,
	tx::{Payload, TransactionProgress, TransactionStatus},
	utils::{AccountId32, Static},
	OnlineClient, PolkadotConfig,
};
use subxt_signer::sr25519::Keypair;

use crate::{
	queue::{MeterState, Outcome},
	runtime::energy::{
		self,
		meters::events::{ReadingAccepted, ReadingDuplicate, ReadingRejected},
		runtime_types::{
			bounded_collections::bounded_vec::BoundedVec,
			pallet_meters::types::{Meter, RejectionReason},
		},
	},
};

/// The client type of the energy chain.
pub type Api = OnlineClient<PolkadotConfig>;

/// A client at one (finalized) block: storage, transactions, events there.
pub type AtBlock =
	subxt::client::ClientAtBlock<PolkadotConfig, OnlineClientAtBlockImpl<PolkadotConfig>>;

/// A submitted transaction followed by the gateway.
pub type Progress = TransactionProgress<PolkadotConfig, OnlineClientAtBlockImpl<PolkadotConfig>>;

/// Transaction parameters (nonce, mortality, tip).
pub type Params = PolkadotExtrinsicParamsBuilder<PolkadotConfig>;

/// Connects a client to the node at `url` (WebSocket RPC; `ws://` only to this machine, `wss://`
/// elsewhere).
///
/// The chain uses Polkadot's account, address and signature types, without the relay chain's
/// historic types. The client talks to the node with the legacy RPC methods
/// (`author_submitAndWatchExtrinsic`, `chain_*`, `state_*`), which every Substrate node serves
/// and which follow a transaction to finality without the new JSON-RPC API's time limit on a
/// watch.
async fn connect_api(url: &str) -> Result<Api> {
	let connect = async {
		let rpc = RpcClient::from_url(url).await?;
		let config = PolkadotConfig::builder().use_historic_types(false).build();
		let backend = LegacyBackend::builder().build(rpc);
		Ok::<_, anyhow::Error>(Api::from_backend_with_config(config, Arc::new(backend)).await?)
	};
	tokio::time::timeout(Duration::from_secs(20), connect)
		.await
		.map_err(|_| anyhow!("connecting to {url} timed out"))?
		.with_context(|| format!("connecting to {url}"))
}

/// A connection to a node of the energy chain.
pub struct Chain {
	/// The subxt client.
	pub api: Api,
	/// The chain's genesis hash (signed into every reading).
	pub genesis: [u8; 32],
	/// The market slot length, ms.
	pub slot_ms: u64,
}

/// What happened to a batch: each reading's key and final outcome.
pub type BatchOutcomes = Vec<((u32, u64), Outcome)>;

impl Chain {
	/// Connects to the node at `url` (WebSocket RPC) and reads the chain's constants.
	pub async fn connect(url: &str) -> Result<Self> {
		let api = connect_api(url).await?;
		let genesis = api.genesis_hash().0;
		let at = api.at_current_block().await?;
		let slot_ms =
			at.storage().fetch(energy::storage().market().slot_length(), ()).await?.decode()?;
		Ok(Chain { api, genesis, slot_ms })
	}

	/// The client at the last finalized block.
	pub async fn finalized(&self) -> Result<AtBlock> {
		Ok(self.api.at_current_block().await?)
	}

	/// The timestamp of the last finalized block, ms.
	pub async fn finalized_now_ms(&self) -> Result<u64> {
		let at = self.finalized().await?;
		Ok(at.storage().fetch(energy::storage().timestamp().now(), ()).await?.decode()?)
	}

	/// The last slot that had ended by the last finalized block (readings close ended slots);
	/// `None` while only the genesis block (without time) is finalized.
	pub async fn last_ended_slot(&self) -> Result<Option<u32>> {
		let now = self.finalized_now_ms().await?;
		Ok((now > 0).then(|| ((now / self.slot_ms) as u32).saturating_sub(1)))
	}

	/// The market slot the chain's first block was in: the installation slot of the meters
	/// registered at genesis (`None` until block 1 is finalized).
	pub async fn genesis_slot(&self) -> Result<Option<u32>> {
		let at = self.finalized().await?;
		let value = at.storage().try_fetch(energy::storage().meters().genesis_slot(), ()).await?;
		Ok(value.map(|value| value.decode()).transpose()?)
	}

	/// The meters `gateway` submits for, with their state at the last finalized block.
	pub async fn page(&self, gateway: &AccountId32) -> Result<Vec<Meter<AccountId32>>> {
		let at = self.finalized().await?;
		let page = at
			.storage()
			.try_fetch(energy::storage().meters().gateways(), (*gateway,))
			.await?
			.map(|value| value.decode())
			.transpose()?;
		Ok(page.map(|BoundedVec(meters)| meters).unwrap_or_default())
	}

	/// Meter `id` as its gateway's page holds it at the last finalized block (`None`: no such
	/// meter, or revoked).
	pub async fn meter(&self, id: u32) -> Result<Option<Meter<AccountId32>>> {
		let at = self.finalized().await?;
		let entry = at
			.storage()
			.try_fetch(energy::storage().meters().meter_directory(), (id,))
			.await?
			.map(|value| value.decode())
			.transpose()?;
		let Some(entry) = entry else { return Ok(None) };
		Ok(self.page(&entry.gateway).await?.into_iter().find(|meter| meter.id == id))
	}

	/// Submits `batches` as `signer` with consecutive nonces (all in the pool at once), then
	/// waits for each to be finalized and reads its readings' outcomes. A batch that is dropped
	/// or not finalized gives an error; its readings stay queued.
	pub async fn submit_batches(
		&self,
		signer: &Keypair,
		batches: Vec<Vec<SignedReading>>,
	) -> Result<Vec<Result<BatchOutcomes>>> {
		let account = signer.public_key().to_account_id();
		let mut tx = self.api.tx().await?;
		let mut nonce = tx.account_nonce(&account).await?;
		let mut watches = Vec::new();
		for batch in batches {
			let batch = batch.into_iter().map(Static).collect();
			let call = energy::tx().meters().submit_readings(BoundedVec(batch));
			let params = Params::new().nonce(nonce).build();
			let progress = tx.sign_and_submit_then_watch(&call, signer, params).await?;
			nonce += 1;
			watches.push(progress);
		}
		let mut tasks = tokio::task::JoinSet::new();
		for (index, progress) in watches.into_iter().enumerate() {
			tasks.spawn(async move { (index, finalized_outcomes(progress).await) });
		}
		let mut results: Vec<Option<Result<BatchOutcomes>>> =
			(0..tasks.len()).map(|_| None).collect();
		while let Some(joined) = tasks.join_next().await {
			let (index, result) = joined?;
			results[index] = Some(result);
		}
		Ok(results.into_iter().map(|r| r.unwrap_or_else(|| Err(anyhow!("lost task")))).collect())
	}
}

/// Signs and submits the calls of several signers (consecutive nonces per signer, all in the
/// pool at once), waits until all are finalized successfully and returns their events.
pub async fn submit_all<C: Payload>(
	api: &Api,
	calls: Vec<(&Keypair, C)>,
) -> Result<Vec<ExtrinsicEvents<PolkadotConfig>>> {
	let mut tx = api.tx().await?;
	let mut nonces: BTreeMap<[u8; 32], u64> = BTreeMap::new();
	let mut progress = Vec::new();
	for (signer, call) in calls {
		let id = signer.public_key().to_account_id();
		let nonce = match nonces.get(&id.0) {
			Some(n) => *n,
			None => tx.account_nonce(&id).await?,
		};
		nonces.insert(id.0, nonce + 1);
		let params = Params::new().nonce(nonce).build();
		progress.push(tx.sign_and_submit_then_watch(&call, signer, params).await?);
	}
	let mut events = Vec::new();
	for p in progress {
		events.push(p.wait_for_finalized_success().await.context("a call failed")?);
	}
	Ok(events)
}

/// Follows a submitted batch to finality and maps its events to outcomes.
async fn finalized_outcomes(mut progress: Progress) -> Result<BatchOutcomes> {
	let in_block = loop {
		match progress.next().await.ok_or_else(|| anyhow!("subscription ended"))?? {
			TransactionStatus::InFinalizedBlock(in_block) => break in_block,
			TransactionStatus::Error { message }
			| TransactionStatus::Invalid { message }
			| TransactionStatus::Dropped { message } => {
				return Err(anyhow!("batch not included: {message}"))
			},
			_ => continue,
		}
	};
	let events = in_block.fetch_events().await?;
	let mut outcomes = Vec::new();
	for event in events.find::<ReadingAccepted>() {
		let event = event?;
		outcomes.push(((event.meter, event.sequence), Outcome::Accepted));
	}
	for event in events.find::<ReadingDuplicate>() {
		let event = event?;
		outcomes.push(((event.meter, event.sequence), Outcome::AlreadyOnChain));
	}
	for event in events.find::<ReadingRejected>() {
		let event = event?;
		let outcome = match event.reason {
			// Each meter's readings are queued without gaps (numbered so by the gateway in
			// keystore mode, required of the meters in MQTT mode), so an older sequence of its
			// own was applied already (sent before a restart and finalized since).
			RejectionReason::StaleSequence => Outcome::AlreadyOnChain,
			reason => Outcome::Rejected(format!("{reason:?}")),
		};
		outcomes.push(((event.meter, event.sequence), outcome));
	}
	Ok(outcomes)
}

/// A meter's state on chain as the gateway's starting point (registers in mWh). A meter
/// registered at genesis that has not reported was installed in the chain's first slot
/// (`genesis_slot`): the gateway meters every slot from there on.
pub fn state_of(meter: &Meter<AccountId32>, genesis_slot: Option<u32>) -> MeterState {
	MeterState {
		sequence: meter.last_sequence,
		last_slot: meter.last_slot.or_else(|| genesis_slot.and_then(|slot| slot.checked_sub(1))),
		import_mwh: meter.registers.import_wh * 1000,
		export_mwh: meter.registers.export_wh * 1000,
	}
}
