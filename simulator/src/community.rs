//! The community a simulation runs: its members (profiles, PV roofs, order strategies) and the
//! utility's tariff table, from a TOML or JSON file or generated from a seed.

use std::path::Path;

use anyhow::{bail, Context, Result};
use energy_ems::{Appliance, RunMode};
use rand::{seq::SliceRandom, Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::profiles::{load_wh, pv_wh, Profiles};

/// Prices in the community file are in CEUR per kWh; the chain counts µCEUR (6 decimals).
pub const MICRO: f64 = 1_000_000.0;

/// A community file.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CommunityFile {
	/// The utility's time-of-use tariffs.
	pub tariff: Tariff,
	/// The prices the standing orders of the `forecast` and `fixed` strategies use.
	#[serde(default)]
	pub prices: StrategyPrices,
	/// The members.
	pub members: Vec<MemberSpec>,
}

/// A time-of-use table: `retail` outside the peak, `peak_retail` from `peak_from` (inclusive)
/// to `peak_to` (exclusive), hours of day in UTC; one feed-in tariff. CEUR per kWh.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Tariff {
	/// Retail tariff outside the peak.
	pub retail: f64,
	/// Retail tariff in the peak.
	pub peak_retail: f64,
	/// First hour of the peak.
	pub peak_from: u8,
	/// First hour after the peak.
	pub peak_to: u8,
	/// Feed-in tariff (every hour).
	pub feed_in: f64,
}

impl Default for Tariff {
	/// The design source's tariffs (retail 0.095, feed-in 0.039) with a 13:00–23:00 peak at
	/// 0.13.
	fn default() -> Self {
		Tariff { retail: 0.095, peak_retail: 0.13, peak_from: 13, peak_to: 23, feed_in: 0.039 }
	}
}

impl Tariff {
	/// Retail and feed-in of hour of day `hour`, µCEUR per kWh.
	pub fn of_hour(&self, hour: usize) -> (u128, u128) {
		let peak = (self.peak_from as usize..self.peak_to as usize).contains(&hour);
		let retail = if peak { self.peak_retail } else { self.retail };
		(micro(retail), micro(self.feed_in))
	}

	/// The cheapest retail tariff of the day, µCEUR per kWh.
	pub fn lowest_retail(&self) -> u128 {
		(0..24).map(|hour| self.of_hour(hour).0).min().unwrap_or(0)
	}

	fn check(&self) -> Result<()> {
		if self.peak_from > 24 || self.peak_to > 24 || self.peak_from > self.peak_to {
			bail!("the peak must be hours {{from < to}} of 0–24");
		}
		if self.feed_in > self.retail.min(self.peak_retail) || self.feed_in < 0.0 {
			bail!("the feed-in tariff must be between 0 and the lowest retail tariff");
		}
		Ok(())
	}
}

/// CEUR per kWh → µCEUR per kWh.
pub fn micro(ceur: f64) -> u128 {
	(ceur * MICRO).round().max(0.0) as u128
}

/// Prices of the standing orders: bids at the lowest retail tariff minus `bid_margin` (a
/// standing order has one price for every slot, and a bid above a slot's retail tariff is
/// refused), offers at the feed-in tariff plus `offer_margin`. CEUR per kWh.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StrategyPrices {
	/// Below the lowest retail tariff.
	pub bid_margin: f64,
	/// Above the feed-in tariff.
	pub offer_margin: f64,
}

impl Default for StrategyPrices {
	fn default() -> Self {
		StrategyPrices { bid_margin: 0.01, offer_margin: 0.01 }
	}
}

/// How a member trades.
#[derive(Clone, Copy, Debug, Default, Deserialize, Eq, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Strategy {
	/// Standing orders sized by the chain's forecasts of the member's meters.
	#[default]
	Forecast,
	/// Standing orders of a fixed energy every slot: the member's mean hourly consumption,
	/// and its roof's mean hourly output over the hours it produces.
	Fixed,
	/// No orders: the member only meters (its cost is its baseline).
	None,
}

/// One member of a community file.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MemberSpec {
	/// A name for the report.
	pub name: String,
	/// Annual consumption, kWh.
	pub annual_kwh: f64,
	/// The load profile column of the data file.
	pub profile: String,
	/// Days the profile is shifted by.
	#[serde(default)]
	pub day_shift: u32,
	/// Rooftop PV, kWp (0: a consumer, else a prosumer).
	#[serde(default)]
	pub pv_kwp: f64,
	/// The PV profile column (prosumers).
	#[serde(default)]
	pub pv_profile: Option<String>,
	/// How the member trades.
	#[serde(default)]
	pub strategy: Strategy,
	/// Its own bid margin below the lowest retail tariff (default: the file's), CEUR/kWh.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub bid_margin: Option<f64>,
	/// Its own offer margin above the feed-in tariff (default: the file's), CEUR/kWh.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub offer_margin: Option<f64>,
	/// Its flexible appliances, run by the home's energy management planner (`energy-ems`) in
	/// a flexibility study (`--flexibility`); on top of the load profile.
	#[serde(default, skip_serializing_if = "Vec::is_empty")]
	pub appliances: Vec<Appliance>,
}

impl MemberSpec {
	/// Whether the member has a PV roof.
	pub fn is_prosumer(&self) -> bool {
		self.pv_kwp > 0.0
	}
}

impl CommunityFile {
	/// Reads a community from TOML (`.toml`) or JSON (anything else).
	pub fn read(path: &Path) -> Result<Self> {
		let text = std::fs::read_to_string(path)
			.with_context(|| format!("reading the community {}", path.display()))?;
		let file: CommunityFile = if path.extension().is_some_and(|e| e == "toml") {
			toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?
		} else {
			serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?
		};
		file.check()?;
		Ok(file)
	}

	/// Checks what the chain would refuse or the simulator cannot run.
	pub fn check(&self) -> Result<()> {
		self.tariff.check()?;
		if self.members.is_empty() {
			bail!("a community needs members");
		}
		if self.prices.bid_margin < 0.0 || self.prices.offer_margin < 0.0 {
			bail!("margins are not negative");
		}
		for member in &self.members {
			let bid_margin = member.bid_margin.unwrap_or(self.prices.bid_margin);
			let offer_margin = member.offer_margin.unwrap_or(self.prices.offer_margin);
			if bid_margin < 0.0 || offer_margin < 0.0 {
				bail!("member {}: margins are not negative", member.name);
			}
			if self.tariff.lowest_retail() <= micro(bid_margin) {
				bail!("member {}: the bid margin leaves no bid price", member.name);
			}
			if member.annual_kwh < 0.0 || member.pv_kwp < 0.0 || member.pv_kwp > 1_000.0 {
				bail!("member {}: consumption and kWp are between 0 and 1 MWp", member.name);
			}
			if member.is_prosumer() && member.pv_profile.is_none() {
				bail!("member {}: a PV roof needs a pv_profile", member.name);
			}
		}
		Ok(())
	}

	/// A generated community: `members` members, `prosumer_share` of them with PV, household
	/// profiles mostly, a few small businesses, heat pumps and EV chargers; consumption, roof
	/// size, day shift and each member's margins (bids 0–2 cents below the lowest retail
	/// tariff, offers 0–3 cents above feed-in: neighbours do not all ask the same) drawn from
	/// `seed`.
	pub fn generate(members: usize, prosumer_share: f64, strategy: Strategy, seed: u64) -> Self {
		let mut rng = ChaCha8Rng::seed_from_u64(seed);
		// (profile, typical annual kWh, weight)
		let kinds = [
			("H0-A", 3_500.0, 4),
			("H0-B", 2_800.0, 4),
			("H0-C", 4_500.0, 4),
			("G0-A", 15_000.0, 1),
			("G1-A", 9_000.0, 1),
			("Air_Parallel_1", 6_000.0, 1),
			("HLS_A_11.0", 2_500.0, 1),
		];
		let weighted: Vec<(&str, f64)> = kinds
			.iter()
			.flat_map(|(name, kwh, weight)| std::iter::repeat_n((*name, *kwh), *weight))
			.collect();
		let prosumers = (members as f64 * prosumer_share.clamp(0.0, 1.0)).round() as usize;
		let mut with_pv: Vec<bool> = (0..members).map(|i| i < prosumers).collect();
		with_pv.shuffle(&mut rng);
		let members = with_pv
			.into_iter()
			.enumerate()
			.map(|(i, pv)| {
				let (profile, typical) = weighted[rng.gen_range(0..weighted.len())];
				let annual_kwh = (typical * rng.gen_range(0.7..1.3)).round();
				let pv_kwp =
					if pv { (rng.gen_range(3.0..10.0f64) * 2.0).round() / 2.0 } else { 0.0 };
				MemberSpec {
					name: format!("member-{:03}", i + 1),
					annual_kwh,
					profile: profile.to_owned(),
					day_shift: rng.gen_range(0..7),
					pv_kwp,
					pv_profile: pv.then(|| format!("PV{}", rng.gen_range(1..=5))),
					strategy,
					bid_margin: Some(rng.gen_range(0..=20) as f64 / 1_000.0),
					offer_margin: pv.then(|| rng.gen_range(0..=30) as f64 / 1_000.0),
					appliances: Vec::new(),
				}
			})
			.collect();
		CommunityFile { tariff: Tariff::default(), prices: StrategyPrices::default(), members }
	}

	/// Gives every member without appliances the flexible ones of a typical home, drawn from
	/// `seed` (each member's own stream, so the draw does not depend on the others): an
	/// electric vehicle for 4 in 10 (3.7 kW, 2 h a day, plugged in 18:00–07:00), an electric
	/// water heater with a tank for half (2 kW, 2 h, 06:00–22:00), and a dishwasher for 7 in 10
	/// (1.2 kW, one uninterrupted 2 h run, 19:00–07:00). The first two may be split into
	/// several runs; unmanaged, each starts when its window opens.
	pub fn equip(&mut self, seed: u64) {
		for member in self.members.iter_mut().filter(|m| m.appliances.is_empty()) {
			let stream = sp_io::hashing::blake2_256(format!("{seed}/{}", member.name).as_bytes());
			let mut rng = ChaCha8Rng::from_seed(stream);
			let appliance = |name: &str, mode, start, end, minutes, power_w| Appliance {
				name: name.to_owned(),
				mode,
				window_start_hour: start,
				window_end_hour: end,
				working_minutes: minutes,
				power_w,
			};
			if rng.gen_bool(0.4) {
				let ev = appliance("Electric vehicle", RunMode::Split, 18, 7, 120, 3_700);
				member.appliances.push(ev);
			}
			if rng.gen_bool(0.5) {
				let heater = appliance("Water heater", RunMode::Split, 6, 22, 120, 2_000);
				member.appliances.push(heater);
			}
			if rng.gen_bool(0.7) {
				let dishwasher = appliance("Dishwasher", RunMode::Contiguous, 19, 7, 120, 1_200);
				member.appliances.push(dishwasher);
			}
		}
	}
}

/// A member with its hourly energy over the data's year.
#[derive(Clone, Debug)]
pub struct Member {
	/// What the community file says.
	pub spec: MemberSpec,
	/// Consumption per hour, Wh (the consumption meter's import).
	pub load_wh: Vec<u64>,
	/// PV output per hour, Wh (the production meter's export); empty for a consumer.
	pub pv_wh: Vec<u64>,
}

/// A community with its members' hourly energy.
#[derive(Clone, Debug)]
pub struct Community {
	/// The file it comes from.
	pub file: CommunityFile,
	/// The members, in file order.
	pub members: Vec<Member>,
}

impl Community {
	/// Resolves each member's profiles in `profiles`.
	pub fn new(file: CommunityFile, profiles: &Profiles) -> Result<Self> {
		file.check()?;
		let members = file
			.members
			.iter()
			.map(|spec| {
				let load = profiles.shifted(&spec.profile, spec.day_shift)?;
				let pv = match (&spec.pv_profile, spec.is_prosumer()) {
					(Some(column), true) => pv_wh(profiles.column(column)?, spec.pv_kwp),
					_ => Vec::new(),
				};
				Ok(Member {
					spec: spec.clone(),
					load_wh: load_wh(&load, spec.annual_kwh),
					pv_wh: pv,
				})
			})
			.collect::<Result<_>>()?;
		Ok(Community { file, members })
	}
}
