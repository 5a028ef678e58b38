//! Two weeks of a small community on the runtime: the conservation identities hold under every
//! rule, trades really happen (the checks are not vacuous), a member's baseline is its metered
//! import × retail + export × feed-in slot by slot, a tampered record fails the checks, and the
//! command writes its report and exits non-zero only on a failed check.

use std::path::Path;

use energy_sim::{
	checks::conservation,
	community::{Community, CommunityFile, MemberSpec, Strategy, StrategyPrices, Tariff},
	prepare,
	profiles::Profiles,
	run::{run, RunSpec},
	simulate, ALL_RULES,
};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../data/simbench_2016_hourly.csv");
const DAYS: usize = 14;

fn member(
	name: &str,
	profile: &str,
	kwh: f64,
	pv: Option<(&str, f64)>,
	strategy: Strategy,
) -> MemberSpec {
	MemberSpec {
		name: name.into(),
		annual_kwh: kwh,
		profile: profile.into(),
		day_shift: 0,
		pv_kwp: pv.map_or(0.0, |(_, kwp)| kwp),
		pv_profile: pv.map(|(column, _)| column.into()),
		strategy,
		bid_margin: None,
		offer_margin: None,
		appliances: Vec::new(),
	}
}

/// Two prosumers with fixed offers (so trades start on day one, before the forecasters have
/// the history they need), one with standing orders on forecasts, consumers of each strategy.
fn community() -> Community {
	let file = CommunityFile {
		tariff: Tariff::default(),
		prices: StrategyPrices::default(),
		members: vec![
			member("roof-fixed", "H0-A", 3_500.0, Some(("PV1", 8.0)), Strategy::Fixed),
			member("roof-fixed-2", "H0-B", 2_800.0, Some(("PV3", 6.0)), Strategy::Fixed),
			member("roof-forecast", "H0-C", 4_500.0, Some(("PV2", 5.0)), Strategy::Forecast),
			member("shop", "G0-A", 15_000.0, None, Strategy::Fixed),
			member("house", "H0-A", 4_000.0, None, Strategy::Forecast),
			member("bystander", "H0-B", 3_000.0, None, Strategy::None),
		],
	};
	let profiles = Profiles::read(Path::new(DATA)).expect("the data file");
	Community::new(file, &profiles).expect("a valid community")
}

#[test]
fn two_weeks_conserve_money_energy_and_certificates_under_every_rule() {
	let prepared = prepare(community(), DAYS * 24, 24, || {}).expect("prepares");
	for rule in ALL_RULES {
		let result = simulate(&prepared, rule, |_| {}).expect("runs");
		for check in &result.checks {
			assert!(check.passed, "{rule:?}: {} failed: {}", check.name, check.detail);
		}
		let community = &result.summary.community;
		assert!(community.p2p_kwh > 10.0, "{rule:?}: trades happen ({} kWh)", community.p2p_kwh);
		assert!(result.ledger.standing_placed > 0);
		// Every member's baseline, from the profiles the meters were driven by.
		for (index, member) in prepared.community.members.iter().enumerate() {
			let mut baseline = 0.0;
			for slot in 0..DAYS * 24 {
				let hour = (energy_sim::DATA_START_MS / 3_600_000 + slot as u64) % 24;
				let (retail, feed_in) = prepared.community.file.tariff.of_hour(hour as usize);
				let export = member.pv_wh.get(slot).copied().unwrap_or(0);
				baseline += (member.load_wh[slot] as f64 * retail as f64
					- export as f64 * feed_in as f64)
					/ 1e9;
			}
			let summary = &result.summary.members[index];
			assert!(
				(summary.baseline - baseline).abs() < 1e-6,
				"{}: baseline {} vs {baseline}",
				member.spec.name,
				summary.baseline
			);
			// Net cost and baseline differ exactly by the member's market flows.
			let flows = summary.paid_p2p - summary.received_p2p - summary.fed_in_received
				+ summary.penalties_paid
				- summary.penalties_received;
			assert!((summary.net_cost - summary.utility_cost - flows).abs() < 1e-6);
		}
		let bystander = &result.summary.members[5];
		assert_eq!(bystander.bought_p2p_kwh, 0.0);
		assert!((bystander.net_cost - bystander.baseline).abs() < 1e-6, "no orders, no change");
	}
}

#[test]
fn a_tampered_record_fails_the_checks() {
	let prepared = prepare(community(), 3 * 24, 24, || {}).expect("prepares");
	let spec = || RunSpec {
		community: &prepared.community,
		layout: &prepared.layout,
		keys: &prepared.keys,
		plan: &prepared.plan,
		standing_orders: prepared.standing_orders.clone(),
		rule: ALL_RULES[0],
		slots: prepared.slots,
		start_ms: prepared.start_ms,
		requests: &[],
	};
	let mut honest = run(spec(), |_| {}).expect("runs");
	assert!(conservation(&prepared.community, &mut honest).iter().all(|c| c.passed));
	assert!(honest.ledger.members[0].received > 0, "the roof sold something");

	// A seller credited with 1 µCEUR more than it received.
	let mut output = run(spec(), |_| {}).expect("runs");
	output.ledger.members[0].received += 1;
	let failed: Vec<_> =
		conservation(&prepared.community, &mut output).into_iter().filter(|c| !c.passed).collect();
	let names: Vec<_> = failed.iter().map(|c| c.name).collect();
	assert!(names.contains(&"P2P money paid by buyers = received by sellers"), "{names:?}");
	assert!(names.contains(&"balances move by exactly the settlement events"), "{names:?}");

	// A meter said to have exported less than was delivered from its roof.
	let mut output = run(spec(), |_| {}).expect("runs");
	let slot = (0..output.ledger.slots.len())
		.find(|s| output.ledger.members[0].sold_wh[*s] > 0)
		.expect("a slot with a delivery");
	output.ledger.members[0].export_wh[slot] = 0;
	let failed: Vec<_> =
		conservation(&prepared.community, &mut output).into_iter().filter(|c| !c.passed).collect();
	let names: Vec<_> = failed.iter().map(|c| c.name).collect();
	assert!(names.contains(&"energy delivered ≤ metered export, slot by slot"), "{names:?}");
}

#[test]
fn the_command_writes_its_report() {
	let out = std::env::temp_dir().join(format!("energy-sim-test-{}", std::process::id()));
	let status = std::process::Command::new(env!("CARGO_BIN_EXE_energy-sim"))
		.args(["--members", "8", "--days", "2", "--rule", "all", "--data", DATA, "--out"])
		.arg(&out)
		.status()
		.expect("runs");
	assert!(status.success());
	for file in [
		"summary.json",
		"report.md",
		"community.toml",
		"slots-average-bid.csv",
		"slots-uniform.csv",
		"slots-pay-as-bid.csv",
		"member-savings.svg",
		"monthly-cost.svg",
		"price-duration.svg",
	] {
		assert!(out.join(file).exists(), "{file}");
	}
	let summary: serde_json::Value =
		serde_json::from_slice(&std::fs::read(out.join("summary.json")).expect("written"))
			.expect("json");
	assert_eq!(summary["rules"].as_array().map(Vec::len), Some(3));
	assert_eq!(summary["span"]["slots"], 48);
	// The community it wrote runs again.
	let again = std::process::Command::new(env!("CARGO_BIN_EXE_energy-sim"))
		.args(["--days", "1", "--rule", "uniform", "--data", DATA, "--community"])
		.arg(out.join("community.toml"))
		.arg("--out")
		.arg(out.join("again"))
		.status()
		.expect("runs");
	assert!(again.success());
	let _ = std::fs::remove_dir_all(&out);
}
