//! The energy runtime executed natively in test externalities, from the runtime's own genesis
//! builder, one block at a time through `Executive` as a block author builds them: Aura
//! pre-digest, timestamp inherent, `inherents_applied` (`on_poll`), the transactions the caller
//! applies, `finalize_block`. Every transaction is checked and dispatched by the runtime
//! exactly as on a node (signature, nonce, era, fee, weight and length).
//!
//! Shared by the community simulator (`energy-sim`) and the runtime fuzzer (`energy-fuzz`).

use codec::Encode;
use energy_primitives::AccountId;
use energy_runtime::{
	Executive, Header, Runtime, RuntimeCall, RuntimeGenesisConfig, SignedPayload, TxExtension,
	UncheckedExtrinsic, SLOT_DURATION,
};
use frame_system::offchain::CreateAuthorizedTransaction;
use sp_consensus_aura::{Slot, AURA_ENGINE_ID};
use sp_core::{sr25519, Pair, H256};
use sp_io::TestExternalities;
use sp_runtime::{
	generic::{Digest, DigestItem, Era},
	traits::Header as _,
	ApplyExtrinsicResult, MultiAddress, MultiSignature,
};

/// Why a chain could not be built or a block not be authored.
#[derive(Debug)]
pub struct HarnessError(pub String);

impl core::fmt::Display for HarnessError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		f.write_str(&self.0)
	}
}

impl std::error::Error for HarnessError {}

/// A running chain: its state and the head it builds on.
pub struct NativeChain {
	ext: TestExternalities,
	number: u32,
	parent: H256,
	genesis_hash: H256,
}

impl NativeChain {
	/// Builds the genesis state of `config` with the runtime's genesis builder (`build_state`
	/// of the config as JSON, as a node does from a chain spec: every pallet's genesis build
	/// with its checks).
	pub fn genesis(config: &RuntimeGenesisConfig) -> Result<Self, HarnessError> {
		let json = serde_json::to_vec(config)
			.map_err(|error| HarnessError(format!("encoding the genesis config: {error}")))?;
		let mut ext = TestExternalities::new_empty();
		ext.execute_with(|| {
			frame_support::genesis_builder_helper::build_state::<RuntimeGenesisConfig>(json)
		})
		.map_err(|error| HarnessError(format!("the runtime refused the genesis: {error}")))?;
		ext.commit_all()
			.map_err(|error| HarnessError(format!("committing the genesis: {error}")))?;
		let state_root = ext
			.execute_with(|| H256::from_slice(&sp_io::storage::root(sp_runtime::StateVersion::V1)));
		let genesis = Header::new(0, H256::zero(), state_root, H256::zero(), Digest::default());
		let genesis_hash = genesis.hash();
		Ok(NativeChain { ext, number: 0, parent: genesis_hash, genesis_hash })
	}

	/// The hash of the genesis block: what transactions, meters and forecasters sign for.
	pub fn genesis_hash(&self) -> H256 {
		self.genesis_hash
	}

	/// The number of the last block authored (0: the genesis).
	pub fn number(&self) -> u32 {
		self.number
	}

	/// Runs `f` on the chain's state (reads; anything written is kept).
	pub fn with_state<R>(&mut self, f: impl FnOnce() -> R) -> R {
		self.ext.execute_with(f)
	}

	/// Authors the next block at unix time `at_ms` (a multiple of the Aura slot, after the
	/// parent's): initialises it with the Aura pre-digest, applies the timestamp inherent,
	/// runs `on_poll`, then `transactions` (which applies what it likes with
	/// [`BlockBuilder::apply`] and returns its result), and finalises the block. The state is
	/// committed; the result of `transactions` is returned.
	pub fn block<R>(
		&mut self,
		at_ms: u64,
		transactions: impl FnOnce(&mut BlockBuilder) -> R,
	) -> Result<R, HarnessError> {
		if !at_ms.is_multiple_of(SLOT_DURATION) {
			return Err(HarnessError(format!("block time {at_ms} is not on an Aura slot")));
		}
		self.number += 1;
		let (number, parent, genesis_hash) = (self.number, self.parent, self.genesis_hash);
		let (hash, result) = self.ext.execute_with(|| -> Result<_, HarnessError> {
			let slot = Slot::from(at_ms / SLOT_DURATION);
			let digest =
				Digest { logs: vec![DigestItem::PreRuntime(AURA_ENGINE_ID, slot.encode())] };
			let header = Header::new(number, H256::zero(), H256::zero(), parent, digest);
			Executive::initialize_block(&header);
			let now = RuntimeCall::Timestamp(pallet_timestamp::Call::set { now: at_ms });
			match Executive::apply_extrinsic(UncheckedExtrinsic::new_bare(now)) {
				Ok(Ok(())) => {},
				other => {
					return Err(HarnessError(format!(
						"block {number}: timestamp inherent refused: {other:?}"
					)))
				},
			}
			Executive::inherents_applied();
			let result = transactions(&mut BlockBuilder { genesis_hash });
			let header = Executive::finalize_block();
			Ok((header.hash(), result))
		})?;
		self.parent = hash;
		self.ext
			.commit_all()
			.map_err(|error| HarnessError(format!("committing block {number}: {error}")))?;
		Ok(result)
	}

	/// Drops the trie nodes no state refers to any more. The test externalities' in-memory
	/// database keeps every node a block replaced (a node's database prunes them; this one
	/// only counts their references), so a long run would hold gigabytes: call this every few
	/// thousand blocks.
	pub fn compact(&mut self) {
		let ext = std::mem::replace(&mut self.ext, TestExternalities::new_empty());
		let (live, root) = ext.into_raw_snapshot();
		self.ext = TestExternalities::from_raw_snapshot(live, root, sp_runtime::StateVersion::V1);
	}
}

/// The block being built: applies transactions to it.
pub struct BlockBuilder {
	genesis_hash: H256,
}

impl BlockBuilder {
	/// Applies one extrinsic as a node's block builder does: in a storage transaction that is
	/// rolled back if the runtime refuses it as a transaction (`Err`: it is not in the block
	/// and leaves no trace, even of extensions that ran before the refusal), committed
	/// otherwise (`Ok(Err)`: included, its dispatch failed, the fee is paid and the call's
	/// changes undone).
	pub fn apply(&mut self, xt: UncheckedExtrinsic) -> ApplyExtrinsicResult {
		sp_io::storage::start_transaction();
		let result = Executive::apply_extrinsic(xt);
		if result.is_err() {
			sp_io::storage::rollback_transaction();
		} else {
			sp_io::storage::commit_transaction();
		}
		result
	}

	/// The genesis hash of the chain the block belongs to.
	pub fn genesis_hash(&self) -> H256 {
		self.genesis_hash
	}
}

/// The transaction extensions a wallet signs: immortal, tip 0, no metadata hash (what a client
/// built on subxt sends), with `nonce`.
pub fn extensions(nonce: u32) -> TxExtension {
	(
		frame_system::AuthorizeCall::<Runtime>::new(),
		frame_system::CheckNonZeroSender::<Runtime>::new(),
		frame_system::CheckSpecVersion::<Runtime>::new(),
		frame_system::CheckTxVersion::<Runtime>::new(),
		frame_system::CheckGenesis::<Runtime>::new(),
		frame_system::CheckEra::<Runtime>::from(Era::Immortal),
		frame_system::CheckNonce::<Runtime>::from(nonce),
		frame_system::CheckWeight::<Runtime>::new(),
		pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(0),
		frame_metadata_hash_extension::CheckMetadataHash::<Runtime>::new(false),
		frame_system::WeightReclaim::<Runtime>::new(),
	)
}

/// `call` signed by `key` with nonce `nonce` and [`extensions`]. The payload binds the genesis
/// hash and the runtime version read from the state, so this runs inside the chain's state
/// (in [`NativeChain::with_state`] or a [`NativeChain::block`]'s closure).
pub fn signed(
	call: RuntimeCall,
	key: &sr25519::Pair,
	nonce: u32,
) -> Result<UncheckedExtrinsic, HarnessError> {
	let extension = extensions(nonce);
	let payload = SignedPayload::new(call.clone(), extension.clone())
		.map_err(|error| HarnessError(format!("signing payload: {error:?}")))?;
	let signature = payload.using_encoded(|bytes| key.sign(bytes));
	Ok(UncheckedExtrinsic::new_signed(
		call,
		MultiAddress::Id(AccountId::new(key.public().0)),
		MultiSignature::Sr25519(signature),
		extension,
	))
}

/// A self-authorising transaction (a forecaster's signed batch): no signer, no nonce, no fee.
pub fn authorized(call: RuntimeCall) -> UncheckedExtrinsic {
	<Runtime as CreateAuthorizedTransaction<RuntimeCall>>::create_authorized_transaction(call)
}

/// Makes `author` the chain's one validator in `config`, as on a real chain: a member of the
/// validator membership (the account of its Aura key, as the session migration names a chain's
/// earlier authorities) whose session keys (Aura `author`, GRANDPA `grandpa`, the forecaster
/// key `forecaster`) make it Aura's and GRANDPA's authority.
pub fn single_validator(
	config: &mut energy_runtime::RuntimeGenesisConfig,
	author: &sr25519::Pair,
	grandpa: &sp_core::ed25519::Pair,
	forecaster: pallet_forecasts::crypto::ForecasterId,
) {
	let validator = AccountId::from(author.public());
	let keys = energy_runtime::SessionKeys {
		aura: author.public().into(),
		grandpa: grandpa.public().into(),
		forecaster,
	};
	config.session.keys = vec![(validator.clone(), validator.clone(), keys)];
	config.validator_membership.members =
		vec![validator].try_into().expect("one validator fits MaxValidators");
}
