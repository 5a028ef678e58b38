//! The gateway's connection to the chain: finalized time and pages, and batches of signed
//! readings submitted with consecutive nonces and followed to finality.

use std::time::Duration;

use anyhow::{anyhow, Context, Result};
use subxt::{
	config::polkadot::PolkadotExtrinsicParamsBuilder, tx::TxStatus, utils::AccountId32,
	OnlineClient, PolkadotConfig,
};
use subxt_signer::sr25519::Keypair;

use crate::{
	queue::{MeterState, Outcome},
	reading::StoredReading,
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
		let api = tokio::time::timeout(Duration::from_secs(20), Api::from_url(url))
			.await
			.map_err(|_| anyhow!("connecting to {url} timed out"))?
			.with_context(|| format!("connecting to {url}"))?;
		let genesis = api.genesis_hash().0;
		let slot_ms = api
			.storage()
			.at_latest()
			.await?
			.fetch_or_default(&energy::storage().market().slot_length())
			.await?;
		Ok(Chain { api, genesis, slot_ms })
	}

	/// The timestamp of the last finalized block, ms.
	pub async fn finalized_now_ms(&self) -> Result<u64> {
		Ok(self
			.api
			.storage()
			.at_latest()
			.await?
			.fetch_or_default(&energy::storage().timestamp().now())
			.await?)
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
		Ok(self
			.api
			.storage()
			.at_latest()
			.await?
			.fetch(&energy::storage().meters().genesis_slot())
			.await?)
	}

	/// The meters `gateway` submits for, with their state at the last finalized block.
	pub async fn page(&self, gateway: &AccountId32) -> Result<Vec<Meter<AccountId32>>> {
		let page = self
			.api
			.storage()
			.at_latest()
			.await?
			.fetch(&energy::storage().meters().gateways(gateway.clone()))
			.await?;
		Ok(page.map(|BoundedVec(meters)| meters).unwrap_or_default())
	}

	/// Submits `batches` as `signer` with consecutive nonces (all in the pool at once), then
	/// waits for each to be finalized and reads its readings' outcomes. A batch that is dropped
	/// or not finalized gives an error; its readings stay queued.
	pub async fn submit_batches(
		&self,
		signer: &Keypair,
		batches: Vec<Vec<StoredReading>>,
	) -> Result<Vec<Result<BatchOutcomes>>> {
		let account = signer.public_key().to_account_id();
		let mut nonce = self.api.tx().account_nonce(&account).await?;
		let mut watches = Vec::new();
		for batch in batches {
			let batch = batch.iter().map(StoredReading::to_chain).collect();
			let call = energy::tx().meters().submit_readings(BoundedVec(batch));
			let params = PolkadotExtrinsicParamsBuilder::new().nonce(nonce).build();
			let progress = self.api.tx().sign_and_submit_then_watch(&call, signer, params).await?;
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

/// Follows a submitted batch to finality and maps its events to outcomes.
async fn finalized_outcomes(
	mut progress: subxt::tx::TxProgress<PolkadotConfig, Api>,
) -> Result<BatchOutcomes> {
	let in_block = loop {
		match progress.next().await.ok_or_else(|| anyhow!("subscription ended"))?? {
			TxStatus::InFinalizedBlock(in_block) => break in_block,
			TxStatus::Error { message }
			| TxStatus::Invalid { message }
			| TxStatus::Dropped { message } => return Err(anyhow!("batch not included: {message}")),
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
			// The gateway numbers each meter's readings without gaps, so an older sequence of
			// its own was applied already (sent before a restart and finalized since).
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
