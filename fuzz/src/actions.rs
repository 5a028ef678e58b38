//! One random transaction from the state of the chain: which actor sends which call with which
//! arguments, honest or hostile. Arguments are drawn mostly from what the state holds (open
//! auctions, orders, holdings, meters' last readings), so that most calls can succeed, and
//! sometimes from anywhere, so that every check is exercised.

use crate::actors::{Actors, Role};
use energy_primitives::{
	AccountId, EnergyForecast, MarketClock, MeterId, MeterPublicKey, MeterReading, MeterSignature,
	ResId, Roles, SignedReading, Wh,
};
use energy_runtime::{Runtime, RuntimeCall, EXISTENTIAL_DEPOSIT};
use pallet_market::{
	AuctionSchedule, AuctionStatus, ClearingRule, HourTariff, Side, StandingQuantity,
};
use pallet_meters::{MeterKind, Registers};
use pallet_res_assets::{ResStatus, Technology};
use rand::{seq::SliceRandom, Rng};
use rand_chacha::ChaCha8Rng;
use sp_core::{ed25519, Pair, H256};

type Market = pallet_market::Pallet<Runtime>;

/// How a reading in a gateway's batch was made: honest, or which attack it performs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ReadingKind {
	/// The meter's next reading, closing the last ended slot.
	Honest,
	/// Signed by another key.
	ForgedSignature,
	/// Signed for another chain.
	OtherChain,
	/// The last reading sent for the meter, again.
	Replayed,
	/// A new reading under the last accepted sequence.
	ReusedSequence,
	/// A register below its last value.
	RegisterBackwards,
	/// More export than the nameplate makes in the covered slots.
	AboveCapacity,
	/// Closing the slot in progress or a later one.
	FutureSlot,
	/// Closing a slot that ended more than two days ago.
	TooOld,
	/// Closing a slot before the meter's installation.
	BeforeInstallation,
	/// Sent by a gateway the meter is not on.
	ForeignGateway,
	/// For a meter id nobody registered.
	UnknownMeter,
	/// A meter whose last ended slot is already closed: its next reading can only close the
	/// slot in progress (a gateway reporting too early).
	TooEarly,
}

/// The transaction an action sends.
pub enum Tx {
	/// `call` signed by actor `signer`, with a nonce off by `nonce_offset` from the right one
	/// and, if `corrupt`, a signature over other bytes.
	Signed { signer: usize, call: RuntimeCall, nonce_offset: i64, corrupt: bool },
	/// A self-authorising call (a forecaster's batch).
	Authorized(RuntimeCall),
}

/// One action: the transaction and, for a batch of readings, how each reading was made.
pub struct Action {
	/// What is sent.
	pub tx: Tx,
	/// The readings of a batch, in order, with their kind.
	pub readings: Vec<(MeterId, u64, ReadingKind)>,
}

impl Action {
	fn signed(signer: usize, call: RuntimeCall) -> Self {
		Action {
			tx: Tx::Signed { signer, call, nonce_offset: 0, corrupt: false },
			readings: Vec::new(),
		}
	}
}

/// What the fuzzer remembers across blocks of an episode: the keys of meters it installed,
/// the last reading and forecast batch it sent (to replay them).
pub struct Memory {
	/// Each meter's current key, by id.
	pub meter_keys: std::collections::BTreeMap<MeterId, ed25519::Pair>,
	/// The last reading sent per meter.
	pub last_sent: std::collections::BTreeMap<MeterId, SignedReading>,
	/// The last forecast batch sent.
	pub last_forecast: Option<RuntimeCall>,
	/// The genesis hash the chain's signatures bind.
	pub genesis_hash: H256,
	/// The order, and salt, behind each commitment hash the fuzzer made: to reveal it.
	pub sealed: std::collections::BTreeMap<[u8; 32], (Side, Wh, u128, [u8; 32])>,
	/// Whether governance may seal auctions and members commit and reveal (off for histories
	/// that stand for chains of runtimes before sealed auctions).
	pub sealed_auctions: bool,
}

impl Memory {
	/// The memory at genesis.
	pub fn new(actors: &Actors, genesis_hash: H256) -> Self {
		Memory {
			meter_keys: actors
				.meter_keys
				.iter()
				.enumerate()
				.map(|(id, key)| (id as MeterId, *key))
				.collect(),
			last_sent: Default::default(),
			last_forecast: None,
			genesis_hash,
			sealed: Default::default(),
			sealed_auctions: true,
		}
	}
}

/// Draws one action from the chain's current state (runs inside it).
pub fn draw(rng: &mut ChaCha8Rng, actors: &Actors, memory: &mut Memory) -> Action {
	let mut action = match rng.gen_range(0..118u32) {
		0..=24 => readings(rng, actors, memory),
		25..=36 => place_bid(rng, actors),
		37..=48 => place_offer(rng, actors),
		49..=53 => cancel_order(rng, actors),
		54..=57 => set_standing_order(rng, actors),
		58..=60 => cancel_standing_order(rng, actors),
		61..=63 => retire(rng, actors),
		64..=66 => certificate_lifecycle(rng, actors),
		67..=72 => forecasts(rng, actors, memory),
		73..=76 => transfer(rng, actors),
		77..=80 => market_governance(rng, actors, memory.sealed_auctions),
		81..=86 => participants(rng, actors),
		87..=91 => res_assets(rng, actors),
		92..=96 => meter_admin(rng, actors),
		97..=99 => misc(rng, actors),
		100..=104 => flexibility(rng, actors),
		105..=109 => grid(rng, actors),
		110..=117 if !memory.sealed_auctions => place_bid(rng, actors),
		110..=113 => commit_order(rng, actors, memory),
		_ => reveal_order(rng, actors, memory),
	};
	// Now and then a transaction with a stale or future nonce, or a corrupted signature.
	if let Tx::Signed { nonce_offset, corrupt, .. } = &mut action.tx {
		match rng.gen_range(0..100u32) {
			0 => *nonce_offset = -1,
			1 => *nonce_offset = 1,
			2 => *corrupt = true,
			_ => {},
		}
	}
	action
}

/// An actor of `role` most of the time, anyone otherwise.
fn someone(rng: &mut ChaCha8Rng, actors: &Actors, roles: &[Role]) -> usize {
	let fitting: Vec<usize> = roles.iter().flat_map(|role| actors.with_role(*role)).collect();
	if fitting.is_empty() || rng.gen_bool(0.15) {
		rng.gen_range(0..actors.accounts.len())
	} else {
		fitting[rng.gen_range(0..fitting.len())]
	}
}

/// The manager's sudo of `call` most of the time; otherwise the call sent directly by a
/// random actor (a bad origin) or wrapped in sudo by someone who is not the sudo key.
fn governed(rng: &mut ChaCha8Rng, actors: &Actors, call: RuntimeCall) -> Action {
	let manager = actors.with_role(Role::Manager)[0];
	let sudo = |call| RuntimeCall::Sudo(pallet_sudo::Call::sudo { call: Box::new(call) });
	match rng.gen_range(0..100u32) {
		0..=79 => Action::signed(manager, sudo(call)),
		80..=91 => Action::signed(rng.gen_range(0..actors.accounts.len()), call),
		_ => Action::signed(rng.gen_range(0..actors.accounts.len()), sudo(call)),
	}
}

fn current_slot() -> u32 {
	Market::current_slot()
}

/// The slots whose auction is open, ascending.
fn open_auctions() -> Vec<(u32, pallet_market::Auction)> {
	let mut open: Vec<_> = pallet_market::Auctions::<Runtime>::iter()
		.filter(|(_, auction)| auction.status == AuctionStatus::Open)
		.collect();
	open.sort_by_key(|(slot, _)| *slot);
	open
}

/// A slot for an order: an open auction's mostly, any slot near now otherwise.
fn order_slot(rng: &mut ChaCha8Rng) -> (u32, u128, u128) {
	let open = open_auctions();
	if !open.is_empty() && rng.gen_bool(0.85) {
		let (slot, auction) = &open[rng.gen_range(0..open.len())];
		(*slot, auction.retail, auction.feed_in)
	} else {
		let now = current_slot();
		(now.saturating_sub(2) + rng.gen_range(0..10), 95_000, 39_000)
	}
}

/// An energy amount: small mostly, sometimes zero or huge.
fn amount_wh(rng: &mut ChaCha8Rng, typical: Wh) -> Wh {
	match rng.gen_range(0..100u32) {
		0..=1 => 0,
		2 => Wh::MAX,
		3..=5 => rng.gen_range(typical..typical * 100),
		_ => rng.gen_range(1..=typical),
	}
}

fn place_bid(rng: &mut ChaCha8Rng, actors: &Actors) -> Action {
	let who = someone(rng, actors, &[Role::Consumer, Role::Prosumer]);
	let (slot, retail, _) = order_slot(rng);
	let price = if rng.gen_bool(0.05) { u128::MAX } else { rng.gen_range(0..=retail * 13 / 10) };
	let meter = meter_of(rng, &actors.account(who));
	let call = pallet_market::Call::place_bid { slot, meter, wh: amount_wh(rng, 300), price };
	Action::signed(who, RuntimeCall::Market(call))
}

/// A consumption meter of `who` mostly; otherwise any meter id (its production meter, a
/// neighbour's, a revoked or an unknown one).
fn meter_of(rng: &mut ChaCha8Rng, who: &AccountId) -> MeterId {
	use energy_primitives::MeterRegistry;
	let next = pallet_meters::NextMeterId::<Runtime>::get();
	let own: Vec<MeterId> = (0..next)
		.filter(|&id| {
			<pallet_meters::Pallet<Runtime> as MeterRegistry<AccountId>>::meter(id)
				.is_some_and(|meter| &meter.owner == who && meter.res.is_none())
		})
		.collect();
	if !own.is_empty() && rng.gen_bool(0.85) {
		own[rng.gen_range(0..own.len())]
	} else {
		rng.gen_range(0..next + 2)
	}
}

/// The RES of `who`, or any RES id (existing or not).
fn res_of(rng: &mut ChaCha8Rng, who: &AccountId) -> ResId {
	let own: Vec<ResId> = pallet_res_assets::Assets::<Runtime>::iter()
		.filter(|(_, res)| &res.owner == who)
		.map(|(id, _)| id)
		.collect();
	if !own.is_empty() && rng.gen_bool(0.85) {
		own[rng.gen_range(0..own.len())]
	} else {
		rng.gen_range(0..pallet_res_assets::NextResId::<Runtime>::get() + 2)
	}
}

fn place_offer(rng: &mut ChaCha8Rng, actors: &Actors) -> Action {
	let who = someone(rng, actors, &[Role::Producer, Role::Prosumer]);
	let res = res_of(rng, &actors.account(who));
	let (slot, retail, feed_in) = order_slot(rng);
	let price = rng.gen_range(feed_in * 8 / 10..=retail * 11 / 10);
	let call = pallet_market::Call::place_offer { slot, res, wh: amount_wh(rng, 120), price };
	Action::signed(who, RuntimeCall::Market(call))
}

/// A sealed order's commitment: the hash of an order the fuzzer remembers (mostly a valid one,
/// stated with room to spare), or now and then a random hash; in an open auction it is refused.
fn commit_order(rng: &mut ChaCha8Rng, actors: &Actors, memory: &mut Memory) -> Action {
	use pallet_market::SealedSide;
	let bid = rng.gen_bool(0.5);
	let roles: &[Role] =
		if bid { &[Role::Consumer, Role::Prosumer] } else { &[Role::Producer, Role::Prosumer] };
	let who = someone(rng, actors, roles);
	let account = actors.account(who);
	let (slot, retail, feed_in) = order_slot(rng);
	let (side, price) = match bid {
		true => (Side::Bid { meter: meter_of(rng, &account) }, rng.gen_range(0..=retail * 11 / 10)),
		false => (
			Side::Offer { res: res_of(rng, &account) },
			rng.gen_range(feed_in * 8 / 10..=retail * 11 / 10),
		),
	};
	let wh = amount_wh(rng, 200);
	let salt: [u8; 32] = rng.gen();
	let hash = pallet_market::commitment_hash(&account, slot, &side, wh, price, &salt);
	memory.sealed.insert(hash, (side, wh, price, salt));
	let max_wh = if rng.gen_bool(0.9) {
		wh.saturating_add(rng.gen_range(0..50))
	} else {
		amount_wh(rng, 200)
	};
	let hash = if rng.gen_bool(0.05) { rng.gen() } else { hash };
	let side = if bid { SealedSide::Bid } else { SealedSide::Offer };
	let call = pallet_market::Call::commit_order { slot, side, max_wh, hash };
	Action::signed(who, RuntimeCall::Market(call))
}

/// A reveal of a commitment in a reveal window: its owner's, with the remembered order, mostly;
/// otherwise by another account, with another salt or energy, or of a random id.
fn reveal_order(rng: &mut ChaCha8Rng, actors: &Actors, memory: &Memory) -> Action {
	let revealing: Vec<_> = pallet_market::Commitments::<Runtime>::iter()
		.filter(|(slot, _, _)| {
			pallet_market::Auctions::<Runtime>::get(slot)
				.is_some_and(|auction| auction.status == AuctionStatus::Revealing)
		})
		.collect();
	let Some((slot, id, commitment)) = revealing.choose(rng).cloned() else {
		let who = rng.gen_range(0..actors.accounts.len());
		let call = pallet_market::Call::reveal_order {
			slot: current_slot(),
			id: rng.gen_range(0..4),
			side: Side::Bid { meter: 0 },
			wh: 1,
			price: 1,
			salt: rng.gen(),
		};
		return Action::signed(who, RuntimeCall::Market(call));
	};
	let (side, mut wh, price, mut salt) = memory
		.sealed
		.get(&commitment.digest)
		.copied()
		.unwrap_or((Side::Bid { meter: 0 }, 1, 1, [0; 32]));
	match rng.gen_range(0..20u32) {
		0 => salt[0] ^= 1,
		1 => wh = wh.saturating_add(1),
		_ => {},
	}
	let who = mostly(rng, actors, &commitment.owner);
	let call = pallet_market::Call::reveal_order { slot, id, side, wh, price, salt };
	Action::signed(who, RuntimeCall::Market(call))
}

fn cancel_order(rng: &mut ChaCha8Rng, actors: &Actors) -> Action {
	let orders: Vec<_> = open_auctions()
		.into_iter()
		.flat_map(|(slot, _)| {
			pallet_market::Orders::<Runtime>::iter_prefix(slot)
				.map(move |(id, order)| (slot, id, order.owner))
				.chain(
					pallet_market::Commitments::<Runtime>::iter_prefix(slot)
						.map(move |(id, commitment)| (slot, id, commitment.owner)),
				)
		})
		.collect();
	let Some((slot, id, owner)) = orders.choose(rng).cloned() else {
		let who = rng.gen_range(0..actors.accounts.len());
		let call = pallet_market::Call::cancel_order { slot: current_slot(), id: rng.gen() };
		return Action::signed(who, RuntimeCall::Market(call));
	};
	let who = mostly(rng, actors, &owner);
	Action::signed(who, RuntimeCall::Market(pallet_market::Call::cancel_order { slot, id }))
}

fn set_standing_order(rng: &mut ChaCha8Rng, actors: &Actors) -> Action {
	let bid = rng.gen_bool(0.5);
	let who = if bid {
		someone(rng, actors, &[Role::Consumer, Role::Prosumer])
	} else {
		someone(rng, actors, &[Role::Producer, Role::Prosumer])
	};
	let account = actors.account(who);
	let side = match rng.gen_range(0..20u32) {
		// The variant of bids stored before bids named their meter: refused.
		0 if bid => Side::UnsitedBid,
		_ if bid => Side::Bid { meter: meter_of(rng, &account) },
		_ => Side::Offer { res: res_of(rng, &account) },
	};
	let quantity = match (rng.gen_bool(0.5), side) {
		(true, _) => StandingQuantity::Fixed { wh: amount_wh(rng, 200) },
		// A bid sized by its own meter's forecast mostly.
		(false, Side::Bid { meter }) if rng.gen_bool(0.8) => StandingQuantity::Forecast { meter },
		(false, _) => StandingQuantity::Forecast {
			meter: rng.gen_range(0..pallet_meters::NextMeterId::<Runtime>::get() + 2),
		},
	};
	let call = pallet_market::Call::set_standing_order {
		side,
		price: rng.gen_range(0..120_000),
		quantity,
		cap_wh: amount_wh(rng, 400),
	};
	Action::signed(who, RuntimeCall::Market(call))
}

fn cancel_standing_order(rng: &mut ChaCha8Rng, actors: &Actors) -> Action {
	let orders: Vec<_> = pallet_market::StandingOrders::<Runtime>::iter()
		.map(|(id, order)| (id, order.owner))
		.collect();
	let (id, who) = match orders.choose(rng) {
		Some((id, owner)) => (*id, mostly(rng, actors, owner)),
		None => (rng.gen_range(0..4), rng.gen_range(0..actors.accounts.len())),
	};
	Action::signed(who, RuntimeCall::Market(pallet_market::Call::cancel_standing_order { id }))
}

fn retire(rng: &mut ChaCha8Rng, actors: &Actors) -> Action {
	// A holder of tokens mostly (they exist between minting and settlement), anyone otherwise.
	let holders: Vec<AccountId> =
		pallet_energy_tokens::Holdings::<Runtime>::iter_keys().map(|(who, _, _)| who).collect();
	let who = match holders.choose(rng) {
		Some(holder) if rng.gen_bool(0.85) => (0..actors.accounts.len())
			.find(|&i| &actors.account(i) == holder)
			.unwrap_or_else(|| someone(rng, actors, &[Role::Producer, Role::Prosumer])),
		_ => someone(rng, actors, &[Role::Producer, Role::Prosumer]),
	};
	let held: Vec<((u32, ResId), Wh)> =
		pallet_energy_tokens::Holdings::<Runtime>::iter_prefix((actors.account(who),)).collect();
	let mut certificates = Vec::new();
	for _ in 0..rng.gen_range(1..=2) {
		let amount = match held.choose(rng) {
			Some(((slot, res), wh)) if rng.gen_bool(0.85) => {
				let wh = match rng.gen_range(0..100u32) {
					0..=79 => rng.gen_range(1..=*wh),
					80..=94 => wh + rng.gen_range(1..100),
					_ => 0,
				};
				pallet_energy_tokens::CertificateAmount { slot: *slot, res: *res, wh }
			},
			_ => pallet_energy_tokens::CertificateAmount {
				slot: current_slot().saturating_sub(rng.gen_range(0..5)),
				res: rng.gen_range(0..6),
				wh: rng.gen_range(1..100),
			},
		};
		certificates.push(amount);
	}
	let call = pallet_energy_tokens::Call::retire {
		certificates: certificates.try_into().unwrap_or_default(),
		claim: b"fuzz: consumed on site".to_vec().try_into().unwrap_or_default(),
	};
	Action::signed(who, RuntimeCall::EnergyTokens(call))
}

/// Claims, expiry and withdrawal of certificates, and the expiry period: mostly of a holding
/// someone has, with amounts around it (sometimes beyond it, or of the metered consumption).
fn certificate_lifecycle(rng: &mut ChaCha8Rng, actors: &Actors) -> Action {
	let holdings: Vec<((AccountId, u32, ResId), Wh)> =
		pallet_energy_tokens::Holdings::<Runtime>::iter().collect();
	let (who, slot, res, held) = match holdings.choose(rng) {
		Some(((holder, slot, res), wh)) if rng.gen_bool(0.85) => {
			(mostly(rng, actors, holder), *slot, *res, *wh)
		},
		_ => (
			rng.gen_range(0..actors.accounts.len()),
			current_slot().saturating_sub(rng.gen_range(0..5)),
			rng.gen_range(0..6),
			rng.gen_range(1..100),
		),
	};
	let holder = actors.account(who);
	use pallet_energy_tokens::Call;
	match rng.gen_range(0..100u32) {
		0..=59 => {
			let metered = pallet_energy_tokens::Consumption::<Runtime>::get(&holder, slot)
				.map_or(0, |m| m.unmatched_wh());
			let wh = match rng.gen_range(0..10u32) {
				0..=5 => held.min(metered).max(1),
				6..=7 => held.max(metered) + rng.gen_range(1..100),
				8 => 0,
				_ => rng.gen_range(1..=held.max(1)),
			};
			Action::signed(who, RuntimeCall::EnergyTokens(Call::claim { slot, res, wh }))
		},
		60..=79 => Action::signed(
			rng.gen_range(0..actors.accounts.len()),
			RuntimeCall::EnergyTokens(Call::expire { holder, slot, res }),
		),
		80..=91 => {
			let reason = b"fuzz: faulty meter".to_vec().try_into().unwrap_or_default();
			governed(
				rng,
				actors,
				RuntimeCall::EnergyTokens(Call::withdraw { holder, slot, res, reason }),
			)
		},
		_ => {
			let slots = rng.gen_range(0..100);
			governed(rng, actors, RuntimeCall::EnergyTokens(Call::set_expiry_period { slots }))
		},
	}
}

/// The meter's record on its gateway's page, with the gateway.
pub fn meter_record(id: MeterId) -> Option<(AccountId, pallet_meters::Meter<AccountId>)> {
	let entry = pallet_meters::MeterDirectory::<Runtime>::get(id)?;
	let page = pallet_meters::Gateways::<Runtime>::get(&entry.gateway)?;
	let meter = page.into_iter().find(|meter| meter.id == id)?;
	Some((entry.gateway, meter))
}

/// The most a meter of `kind` may export over `slots` slots (the chain's own limit).
fn export_limit(kind: &MeterKind, slots: u32) -> Option<Wh> {
	match kind {
		MeterKind::Production { res } => {
			pallet_res_assets::Assets::<Runtime>::get(res).map(|asset| {
				energy_primitives::export_limit_wh(
					asset.nameplate_w,
					Market::slot_length_ms(),
					slots,
				)
			})
		},
		MeterKind::Consumption => None,
	}
}

/// One reading of meter `id` of kind `kind`, signed (or not) as that kind demands, and the
/// kind it really is (an attack that this meter's state cannot express becomes honest).
fn reading(
	rng: &mut ChaCha8Rng,
	memory: &Memory,
	id: MeterId,
	meter: &pallet_meters::Meter<AccountId>,
	mut kind: ReadingKind,
) -> (SignedReading, ReadingKind) {
	if kind == ReadingKind::Replayed {
		match memory.last_sent.get(&id) {
			Some(last) => return (*last, kind),
			None => kind = ReadingKind::Honest,
		}
	}
	let now = current_slot();
	let after = meter
		.last_slot
		.or_else(|| pallet_meters::GenesisSlot::<Runtime>::get().map(|s| s.saturating_sub(1)))
		.unwrap_or(now.saturating_sub(2));
	let mut slot = now.saturating_sub(1).max(after + 1);
	let covered = slot.saturating_sub(after).max(1);
	let limit = export_limit(&meter.kind, covered);
	let mut sequence = meter.last_sequence + 1;
	let mut import_wh = meter.registers.import_wh + rng.gen_range(0..=60 * u64::from(covered));
	let mut export_wh = meter.registers.export_wh + rng.gen_range(0..=limit.unwrap_or(0));
	let window = (48 * energy_primitives::HOUR_MS / Market::slot_length_ms()) as u32;
	match kind {
		ReadingKind::ReusedSequence if meter.last_sequence > 0 => sequence = meter.last_sequence,
		ReadingKind::RegisterBackwards if meter.registers.import_wh > 0 => {
			import_wh =
				meter.registers.import_wh - rng.gen_range(1..=meter.registers.import_wh.min(50))
		},
		ReadingKind::RegisterBackwards if meter.registers.export_wh > 0 => {
			export_wh =
				meter.registers.export_wh - rng.gen_range(1..=meter.registers.export_wh.min(50))
		},
		ReadingKind::AboveCapacity if limit.is_some() => {
			export_wh = meter.registers.export_wh + limit.unwrap_or(0) + rng.gen_range(1..500)
		},
		ReadingKind::FutureSlot => slot = now + rng.gen_range(0..3),
		// The oldest slot the meter may still close, one beyond the window if it can.
		ReadingKind::TooOld if after + 1 + window < now => {
			slot = now.saturating_sub(window + 1 + rng.gen_range(0..10)).max(after + 1)
		},
		ReadingKind::BeforeInstallation if meter.last_slot.is_none() => {
			slot = after.saturating_sub(rng.gen_range(0..3))
		},
		ReadingKind::ReusedSequence
		| ReadingKind::RegisterBackwards
		| ReadingKind::AboveCapacity
		| ReadingKind::TooOld
		| ReadingKind::BeforeInstallation => kind = ReadingKind::Honest,
		_ => {},
	}
	// Nothing has ended since the meter's installation (the slot in progress, or block 1,
	// before the genesis meters' installation slot is recorded): too early to report.
	let installed_now =
		meter.last_slot.is_none() && pallet_meters::GenesisSlot::<Runtime>::get().is_none();
	if kind == ReadingKind::Honest && (slot >= now || installed_now) {
		kind = ReadingKind::TooEarly;
	}
	let reading = MeterReading { meter: id, sequence, slot, import_wh, export_wh };
	let genesis = match kind {
		ReadingKind::OtherChain => H256::repeat_byte(7),
		_ => memory.genesis_hash,
	};
	let payload = reading.signing_payload(&genesis);
	let signature = match (kind, memory.meter_keys.get(&id)) {
		(ReadingKind::ForgedSignature, _) | (_, None) => {
			ed25519::Pair::from_seed(&[rng.gen(); 32]).sign(&payload)
		},
		(_, Some(key)) => key.sign(&payload),
	};
	(SignedReading { reading, signature: MeterSignature::Ed25519(signature) }, kind)
}

fn readings(rng: &mut ChaCha8Rng, actors: &Actors, memory: &mut Memory) -> Action {
	let gateways = actors.with_role(Role::Gateway);
	let gateway = gateways[rng.gen_range(0..gateways.len())];
	// The batch's sender: the gateway mostly, the rogue gateway or anyone sometimes.
	let signer = match rng.gen_range(0..100u32) {
		0..=91 => gateway,
		92..=97 => actors.with_role(Role::RogueGateway)[0],
		_ => rng.gen_range(0..actors.accounts.len()),
	};
	let page: Vec<_> = pallet_meters::Gateways::<Runtime>::get(actors.account(gateway))
		.map(|page| page.into_inner())
		.unwrap_or_default();
	let next_id = pallet_meters::NextMeterId::<Runtime>::get();
	// Meters with an ended slot to report first: an honest gateway sends nothing else.
	let now = current_slot();
	let due = |meter: &pallet_meters::Meter<AccountId>| meter.last_slot.is_none_or(|s| s + 1 < now);
	let mut ids: Vec<MeterId> = page.iter().filter(|m| due(m)).map(|meter| meter.id).collect();
	ids.shuffle(rng);
	// Now and then one that has nothing to report (its reading can only be refused), and an
	// empty batch now and then.
	let others: Vec<MeterId> = page.iter().filter(|m| !due(m)).map(|meter| meter.id).collect();
	let sometimes = if ids.is_empty() { 0.95 } else { 0.1 };
	if let Some(other) = others.choose(rng).filter(|_| rng.gen_bool(sometimes)) {
		ids.insert(0, *other);
	}
	let mut batch = Vec::new();
	let mut kinds = Vec::new();
	for id in ids.into_iter().take(rng.gen_range(1..=6)) {
		let kind = match rng.gen_range(0..100u32) {
			0..=54 => ReadingKind::Honest,
			55..=58 => ReadingKind::ForgedSignature,
			59..=61 => ReadingKind::OtherChain,
			62..=69 => ReadingKind::Replayed,
			70..=72 => ReadingKind::ReusedSequence,
			73..=76 => ReadingKind::RegisterBackwards,
			77..=80 => ReadingKind::AboveCapacity,
			81..=85 => ReadingKind::FutureSlot,
			86..=88 => ReadingKind::TooOld,
			89..=92 => ReadingKind::BeforeInstallation,
			93..=96 => ReadingKind::ForeignGateway,
			_ => ReadingKind::UnknownMeter,
		};
		let (id, record) = match kind {
			ReadingKind::ForeignGateway => {
				// A meter that is not on the sender's page.
				let sender = actors.account(signer);
				let foreign: Vec<MeterId> = (0..next_id)
					.filter(|m| meter_record(*m).is_some_and(|(g, _)| g != sender))
					.collect();
				match foreign.choose(rng).and_then(|m| meter_record(*m).map(|r| (*m, r.1))) {
					Some(found) => found,
					None => continue,
				}
			},
			ReadingKind::UnknownMeter => {
				let Some(template) = page.first() else { continue };
				(next_id + rng.gen_range(0..3), template.clone())
			},
			_ => match page.iter().find(|meter| meter.id == id) {
				Some(meter) => (id, meter.clone()),
				None => continue,
			},
		};
		let (signed, kind) = reading(rng, memory, id, &record, kind);
		kinds.push((id, signed.reading.sequence, kind));
		memory.last_sent.insert(id, signed);
		batch.push(signed);
	}
	let call =
		pallet_meters::Call::submit_readings { readings: batch.try_into().unwrap_or_default() };
	let mut action = Action::signed(signer, RuntimeCall::Meters(call));
	action.readings = kinds;
	action
}

fn forecasts(rng: &mut ChaCha8Rng, actors: &Actors, memory: &mut Memory) -> Action {
	if rng.gen_bool(0.05) {
		if let Some(call) = memory.last_forecast.clone() {
			return Action { tx: Tx::Authorized(call), readings: Vec::new() };
		}
	}
	let now = current_slot();
	let slot = match rng.gen_range(0..100u32) {
		0..=89 => now + rng.gen_range(1..=26),
		90..=94 => now.saturating_sub(rng.gen_range(0..3)),
		_ => now + rng.gen_range(27..60),
	};
	let next_id = pallet_meters::NextMeterId::<Runtime>::get();
	let mut meters: Vec<MeterId> =
		(0..next_id + 1).filter(|_| rng.gen_bool(0.6)).collect::<Vec<_>>();
	if meters.is_empty() {
		meters.push(0);
	}
	if rng.gen_bool(0.03) {
		meters.reverse();
		meters.push(meters[0]);
	}
	let entries: Vec<(MeterId, EnergyForecast)> = meters
		.into_iter()
		.map(|m| {
			(
				m,
				EnergyForecast {
					import_wh: rng.gen_range(0..200),
					export_wh: rng.gen_range(0..120),
				},
			)
		})
		.collect();
	let forecaster = if rng.gen_bool(0.92) { &actors.forecaster } else { &actors.rogue_forecaster };
	let batch = pallet_forecasts::ForecastBatch {
		forecaster: forecaster.public(),
		slot,
		forecasts: entries.try_into().unwrap_or_default(),
	};
	let mut payload = batch.signing_payload(&memory.genesis_hash);
	if rng.gen_bool(0.04) {
		payload.push(0);
	}
	let signature = forecaster.sign(&payload);
	let call =
		RuntimeCall::Forecasts(pallet_forecasts::Call::submit_forecasts { batch, signature });
	memory.last_forecast = Some(call.clone());
	Action { tx: Tx::Authorized(call), readings: Vec::new() }
}

fn transfer(rng: &mut ChaCha8Rng, actors: &Actors) -> Action {
	let from = rng.gen_range(0..actors.accounts.len());
	let dest = actors.account(rng.gen_range(0..actors.accounts.len())).into();
	let value = match rng.gen_range(0..100u32) {
		0..=39 => rng.gen_range(1..=EXISTENTIAL_DEPOSIT * 3),
		40..=89 => rng.gen_range(1..=crate::actors::FUNDS / 20),
		_ => crate::actors::FUNDS * 2,
	};
	let call = if rng.gen_bool(0.5) {
		pallet_balances::Call::transfer_allow_death { dest, value }
	} else {
		pallet_balances::Call::transfer_keep_alive { dest, value }
	};
	Action::signed(from, RuntimeCall::Balances(call))
}

fn market_governance(rng: &mut ChaCha8Rng, actors: &Actors, sealed_auctions: bool) -> Action {
	let call = match rng.gen_range(0..5u32) {
		4 if sealed_auctions => {
			// The development schedule fits windows of 18 to 24 s: draw around them.
			let mode = match rng.gen_bool(0.3) {
				true => pallet_market::AuctionMode::Open,
				false => {
					pallet_market::AuctionMode::Sealed { reveal_ms: rng.gen_range(12_000..=30_000) }
				},
			};
			pallet_market::Call::set_auction_mode { mode }
		},
		0 | 4 => {
			let rule =
				*[ClearingRule::AverageBid, ClearingRule::UniformPrice, ClearingRule::PayAsBid]
					.choose(rng)
					.unwrap_or(&ClearingRule::AverageBid);
			pallet_market::Call::set_clearing_rule { rule }
		},
		1 => pallet_market::Call::set_schedule {
			schedule: AuctionSchedule {
				open_slots_ahead: rng.gen_range(0..=5),
				gate_closure_ms: rng.gen_range(0..=70_000),
				settlement_delay_ms: rng.gen_range(0..=120_000),
			},
		},
		2 => {
			let table = core::array::from_fn(|_| {
				let retail = rng.gen_range(1_000..200_000u128);
				let feed_in =
					if rng.gen_bool(0.95) { rng.gen_range(0..=retail) } else { retail + 1 };
				HourTariff { retail, feed_in }
			});
			let call = pallet_market::Call::set_tariffs { tariffs: Box::new(table) };
			// The utility sets its own tariffs without governance.
			if rng.gen_bool(0.5) {
				return Action::signed(
					someone(rng, actors, &[Role::Utility]),
					RuntimeCall::Market(call),
				);
			}
			call
		},
		_ => pallet_market::Call::set_utility {
			utility: actors.account(someone(rng, actors, &[Role::Utility])),
		},
	};
	governed(rng, actors, RuntimeCall::Market(call))
}

fn random_roles(rng: &mut ChaCha8Rng) -> Roles {
	*[
		Roles::CONSUMER,
		Roles::PRODUCER,
		Roles::PROSUMER,
		Roles::DSO,
		Roles::UTILITY,
		Roles { consumer: false, producer: false, dso: false, utility: false },
	]
	.choose(rng)
	.unwrap_or(&Roles::CONSUMER)
}

fn participants(rng: &mut ChaCha8Rng, actors: &Actors) -> Action {
	let any = rng.gen_range(0..actors.accounts.len());
	let call = match rng.gen_range(0..100u32) {
		0..=19 => pallet_participants::Call::register {
			who: actors.account(someone(rng, actors, &[Role::Outsider, Role::Broke])),
			code: format!("FUZZ-{:03}", rng.gen_range(0..40))
				.into_bytes()
				.try_into()
				.unwrap_or_default(),
			roles: random_roles(rng),
			record_commitment: H256::repeat_byte(rng.gen()),
		},
		20..=34 => {
			let roles = match actors.accounts[any].role.genesis_roles() {
				Some(roles) if rng.gen_bool(0.6) => roles,
				_ => random_roles(rng),
			};
			pallet_participants::Call::set_roles { who: actors.account(any), roles }
		},
		35..=49 => pallet_participants::Call::suspend { who: actors.account(any) },
		50..=89 => {
			// A suspended member mostly.
			let suspended: Vec<AccountId> = pallet_participants::Participants::<Runtime>::iter()
				.filter(|(_, p)| p.status == pallet_participants::ParticipantStatus::Suspended)
				.map(|(who, _)| who)
				.collect();
			let who = match suspended.choose(rng) {
				Some(who) if rng.gen_bool(0.85) => who.clone(),
				_ => actors.account(any),
			};
			pallet_participants::Call::reactivate { who }
		},
		90..=97 => {
			let call = pallet_participants::Call::set_record_commitment {
				record_commitment: H256::repeat_byte(rng.gen()),
			};
			return Action::signed(any, RuntimeCall::Participants(call));
		},
		_ => {
			return Action::signed(
				any,
				RuntimeCall::Participants(pallet_participants::Call::leave {}),
			)
		},
	};
	governed(rng, actors, RuntimeCall::Participants(call))
}

fn res_assets(rng: &mut ChaCha8Rng, actors: &Actors) -> Action {
	let next = pallet_res_assets::NextResId::<Runtime>::get();
	let pending: Vec<ResId> = pallet_res_assets::Assets::<Runtime>::iter()
		.filter(|(_, res)| res.status == ResStatus::PendingApproval)
		.map(|(id, _)| id)
		.collect();
	let id = match pending.choose(rng) {
		Some(id) if rng.gen_bool(0.7) => *id,
		_ => rng.gen_range(0..next + 2),
	};
	match rng.gen_range(0..100u32) {
		0..=34 => {
			let who = someone(rng, actors, &[Role::Producer, Role::Prosumer]);
			let call = pallet_res_assets::Call::register {
				technology: Technology::Solar,
				nameplate_w: if rng.gen_bool(0.05) { 0 } else { rng.gen_range(500..20_000) },
				connection_point: b"FUZZ-FEEDER-2".to_vec().try_into().unwrap_or_default(),
			};
			Action::signed(who, RuntimeCall::ResAssets(call))
		},
		35..=64 => {
			let dso = someone(rng, actors, &[Role::Dso]);
			Action::signed(
				dso,
				RuntimeCall::ResAssets(pallet_res_assets::Call::approve_connection { id }),
			)
		},
		65..=84 => {
			let dso = someone(rng, actors, &[Role::Dso]);
			Action::signed(
				dso,
				RuntimeCall::ResAssets(pallet_res_assets::Call::reject_connection { id }),
			)
		},
		85..=92 => {
			let who = someone(rng, actors, &[Role::Producer, Role::Prosumer]);
			Action::signed(
				who,
				RuntimeCall::ResAssets(pallet_res_assets::Call::decommission { id }),
			)
		},
		_ => governed(
			rng,
			actors,
			RuntimeCall::ResAssets(pallet_res_assets::Call::decommission { id }),
		),
	}
}

fn meter_admin(rng: &mut ChaCha8Rng, actors: &Actors) -> Action {
	let next = pallet_meters::NextMeterId::<Runtime>::get();
	let spare = &actors.spare_meter_keys[rng.gen_range(0..actors.spare_meter_keys.len())];
	let gateway = actors.account(someone(rng, actors, &[Role::Gateway]));
	let call = match rng.gen_range(0..100u32) {
		0..=9 => pallet_meters::Call::register_gateway {
			gateway: actors.account(someone(rng, actors, &[Role::RogueGateway, Role::Gateway])),
		},
		10..=14 => pallet_meters::Call::remove_gateway {
			gateway: actors.account(someone(rng, actors, &[Role::RogueGateway, Role::Gateway])),
		},
		15..=54 => {
			let owner = actors.account(someone(
				rng,
				actors,
				&[Role::Consumer, Role::Producer, Role::Prosumer],
			));
			let kind = if rng.gen_bool(0.5) {
				MeterKind::Consumption
			} else {
				MeterKind::Production { res: res_of(rng, &owner) }
			};
			pallet_meters::Call::register_meter {
				owner,
				kind,
				key: MeterPublicKey::Ed25519(spare.public()),
				gateway,
				installed_registers: Registers {
					import_wh: rng.gen_range(0..1_000),
					export_wh: rng.gen_range(0..1_000),
				},
			}
		},
		55..=69 => pallet_meters::Call::revoke_meter { meter: rng.gen_range(0..next + 2) },
		_ => pallet_meters::Call::rotate_meter_key {
			meter: rng.gen_range(0..next + 2),
			key: MeterPublicKey::Ed25519(spare.public()),
		},
	};
	governed(rng, actors, RuntimeCall::Meters(call))
}

fn misc(rng: &mut ChaCha8Rng, actors: &Actors) -> Action {
	let forecasters = match rng.gen_range(0..10u32) {
		0 => vec![actors.rogue_forecaster.public()],
		1 => Vec::new(),
		_ => vec![actors.forecaster.public()],
	};
	governed(
		rng,
		actors,
		RuntimeCall::Forecasts(pallet_forecasts::Call::set_forecasters { forecasters }),
	)
}

/// The actor whose account is `who`, most of the time; anyone otherwise.
fn mostly(rng: &mut ChaCha8Rng, actors: &Actors, who: &AccountId) -> usize {
	match (0..actors.accounts.len()).find(|&i| &actors.account(i) == who) {
		Some(index) if rng.gen_bool(0.8) => index,
		_ => rng.gen_range(0..actors.accounts.len()),
	}
}

/// DSO flexibility requests: posted for the next slots over some meters (the forecasts the
/// fuzzer's forecaster submits are their baselines), accepted by the meters' owners, settled by
/// anyone, cancelled by their DSO; and each of them, sometimes, by the wrong people or with
/// the wrong numbers.
fn flexibility(rng: &mut ChaCha8Rng, actors: &Actors) -> Action {
	use pallet_flexibility::{Call, Requests};
	let now = current_slot();
	let open: Vec<_> = Requests::<Runtime>::iter().collect();
	let mut meters: Vec<MeterId> = pallet_meters::MeterDirectory::<Runtime>::iter_keys().collect();
	meters.sort();
	let call = match rng.gen_range(0..10u32) {
		0..=3 => {
			let who = someone(rng, actors, &[Role::Dso]);
			let first_slot = now + rng.gen_range(0..4);
			// Mostly meters forecast for the first slot (their baselines), any meter otherwise.
			let forecast: Vec<MeterId> =
				pallet_forecasts::Forecasts::<Runtime>::iter_prefix(first_slot)
					.map(|(meter, _)| meter)
					.collect();
			let pool = if !forecast.is_empty() && rng.gen_bool(0.8) { &forecast } else { &meters };
			let count = rng.gen_range(1..=3usize).min(pool.len().max(1));
			let mut named: Vec<MeterId> = pool.choose_multiple(rng, count).copied().collect();
			if rng.gen_bool(0.9) {
				named.sort();
			}
			let call = Call::post_request {
				first_slot,
				slots: if rng.gen_bool(0.7) { 1 } else { rng.gen_range(0..=4) },
				meters: named.try_into().unwrap_or_default(),
				reduction_wh: amount_wh(rng, 300),
				price_per_wh: rng.gen_range(0..200),
			};
			return Action::signed(who, RuntimeCall::Flexibility(call));
		},
		4..=6 => match open.choose(rng) {
			Some((id, request)) => {
				let meter = request.meters.choose(rng).copied().unwrap_or_default();
				let owner = meter_record(meter).map(|(_, record)| record.owner);
				let who = match owner {
					Some(owner) => mostly(rng, actors, &owner),
					None => rng.gen_range(0..actors.accounts.len()),
				};
				let wanted = request.reduction_wh.saturating_sub(request.committed_wh).max(1);
				let call = Call::accept {
					id: *id,
					meter,
					reduction_wh: rng.gen_range(1..=wanted.min(600)),
				};
				return Action::signed(who, RuntimeCall::Flexibility(call));
			},
			None => Call::accept { id: rng.gen_range(0..4), meter: 0, reduction_wh: 1 },
		},
		7..=8 => {
			Call::settle { id: open.choose(rng).map_or_else(|| rng.gen_range(0..4), |(id, _)| *id) }
		},
		_ => match open.choose(rng) {
			Some((id, request)) => {
				let who = mostly(rng, actors, &request.dso);
				return Action::signed(
					who,
					RuntimeCall::Flexibility(Call::cancel_request { id: *id }),
				);
			},
			None => Call::cancel_request { id: rng.gen_range(0..4) },
		},
	};
	Action::signed(rng.gen_range(0..actors.accounts.len()), RuntimeCall::Flexibility(call))
}

/// The DSO's grid: elements added, moved, resized and removed, headroom withheld for the next
/// slots, meters and RES bound to points, the keeper named by governance; mostly by the keeper
/// with numbers that fit, now and
/// then by anyone, with parents that make cycles or second roots, slots past their gate
/// closure and headroom above the capacity.
fn grid(rng: &mut ChaCha8Rng, actors: &Actors) -> Action {
	use pallet_grid::{Call, Elements, Keeper};
	let elements: Vec<(u32, pallet_grid::ElementInfo)> = Elements::<Runtime>::iter().collect();
	let ids: Vec<u32> = elements.iter().map(|(id, _)| *id).collect();
	let keeper = Keeper::<Runtime>::get();
	let who = match &keeper {
		Some(keeper) => mostly(rng, actors, keeper),
		None => someone(rng, actors, &[Role::Dso]),
	};
	let any_id = |rng: &mut ChaCha8Rng| match ids.choose(rng) {
		Some(id) if rng.gen_bool(0.9) => *id,
		_ => rng.gen_range(0..40),
	};
	let call = match rng.gen_range(0..12u32) {
		0..=3 => {
			// A new point or an existing element, under an element of the grid mostly.
			let id = if rng.gen_bool(0.6) { rng.gen_range(0..40) } else { any_id(rng) };
			let parent = match rng.gen_range(0..20u32) {
				0 => None,
				_ => Some(any_id(rng)),
			};
			Call::set_element {
				id,
				parent,
				up_w: rng.gen_range(0..50_000),
				down_w: rng.gen_range(0..50_000),
				charge_per_kwh: rng.gen_range(0..5_000),
			}
		},
		4..=5 => {
			// Leaves mostly.
			let leaves: Vec<u32> = ids
				.iter()
				.copied()
				.filter(|id| !elements.iter().any(|(_, info)| info.parent == Some(*id)))
				.collect();
			let id = match leaves.choose(rng) {
				Some(leaf) if rng.gen_bool(0.8) => *leaf,
				_ => any_id(rng),
			};
			Call::remove_element { id }
		},
		6..=8 => {
			let id = any_id(rng);
			let capacity = elements.iter().find(|(e, _)| *e == id).map(|(_, info)| *info);
			let (up, down) = capacity.map_or((1_000, 1_000), |info| (info.up_w, info.down_w));
			let below = |rng: &mut ChaCha8Rng, capacity: u64| match rng.gen_range(0..10u32) {
				0 => capacity.saturating_add(1),
				1 => capacity,
				_ => rng.gen_range(0..=capacity),
			};
			Call::withhold {
				id,
				first_slot: current_slot() + rng.gen_range(0..6),
				slots: if rng.gen_bool(0.9) { rng.gen_range(1..4) } else { rng.gen_range(0..200) },
				up_w: below(rng, up),
				down_w: below(rng, down),
			}
		},
		9 => {
			let meters: Vec<MeterId> =
				pallet_meters::MeterDirectory::<Runtime>::iter_keys().collect();
			let meter = match meters.choose(rng) {
				Some(meter) if rng.gen_bool(0.9) => *meter,
				_ => rng.gen_range(0..50),
			};
			Call::bind_meter { meter, point: rng.gen_bool(0.8).then(|| any_id(rng)) }
		},
		10 => {
			let assets: Vec<u32> = pallet_res_assets::Assets::<Runtime>::iter_keys().collect();
			let res = match assets.choose(rng) {
				Some(res) if rng.gen_bool(0.9) => *res,
				_ => rng.gen_range(0..50),
			};
			Call::bind_res { res, point: rng.gen_bool(0.8).then(|| any_id(rng)) }
		},
		_ => {
			let keeper = match rng.gen_range(0..10u32) {
				0 => None,
				1..=2 => Some(actors.account(rng.gen_range(0..actors.accounts.len()))),
				_ => Some(actors.account(someone(rng, actors, &[Role::Dso]))),
			};
			return governed(rng, actors, RuntimeCall::Grid(Call::set_keeper { keeper }));
		},
	};
	Action::signed(who, RuntimeCall::Grid(call))
}
