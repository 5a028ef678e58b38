//! A flexibility study of a small community over four weeks on the runtime: the homes' planners
//! move the same appliance energy to cheaper hours, the DSO's requests are posted, accepted,
//! delivered and settled on chain, every conservation check holds in all three runs, and the
//! command writes its report.

use std::path::Path;

use energy_sim::{
	checks::conservation,
	community::{Community, CommunityFile},
	demand_response,
	homes::{self, Management},
	profiles::Profiles,
	run::run,
	study::{self, figures, StudySpec},
};
use pallet_market::ClearingRule;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../data/simbench_2016_hourly.csv");
const DAYS: usize = 28;

struct Quiet;

impl study::Progress for Quiet {
	fn day_planned(&self) {}
	fn meter_forecast(&self) {}
	fn slots_done(&self, _: usize, _: usize) {}
}

fn community() -> Community {
	let mut file = CommunityFile::generate(12, 0.4, energy_sim::community::Strategy::Forecast, 7);
	file.equip(7);
	let profiles = Profiles::read(Path::new(DATA)).expect("the data file");
	Community::new(file, &profiles).expect("a valid community")
}

fn spec() -> StudySpec {
	StudySpec {
		rule: ClearingRule::UniformPrice,
		slots: DAYS * 24,
		refit_every: 24,
		top_hours: 20,
		price_ceur_per_kwh: 0.3,
	}
}

#[test]
fn planned_homes_move_the_same_energy_to_cheaper_hours_inside_their_windows() {
	let base = community();
	let slots = DAYS * 24;
	let unmanaged = homes::appliance_loads(&base, slots, Management::Unmanaged, || {}).unwrap();
	let planned = homes::appliance_loads(&base, slots, Management::Planned, || {}).unwrap();
	let tariff = &base.file.tariff;
	let (mut cost_unmanaged, mut cost_planned) = (0u128, 0u128);
	for (member, spec) in base.members.iter().enumerate() {
		let windows = &spec.spec.appliances;
		for day in 0..DAYS {
			let hours = day * 24..day * 24 + 24;
			let energy = |loads: &[u64]| loads[hours.clone()].iter().sum::<u64>();
			let declared: u64 = windows.iter().map(|a| a.energy_wh()).sum();
			assert_eq!(energy(&unmanaged[member]), declared, "member {member} day {day}");
			assert_eq!(energy(&planned[member]), declared, "member {member} day {day}");
			for hour in hours {
				let inside = windows.iter().any(|a| {
					energy_ems::tasks::in_window(
						(hour % 24) as u8,
						a.window_start_hour,
						a.window_end_hour,
					)
				});
				assert!(inside || planned[member][hour] == 0, "outside every window");
				let retail = tariff.of_hour(hour % 24).0;
				cost_unmanaged += unmanaged[member][hour] as u128 * retail;
				cost_planned += planned[member][hour] as u128 * retail;
			}
		}
	}
	assert!(cost_planned < cost_unmanaged, "{cost_planned} < {cost_unmanaged}");
}

#[test]
fn a_study_settles_the_dsos_requests_on_chain_and_every_check_holds() {
	let base = community();
	let study = study::run(&base, spec(), &Quiet).expect("runs");
	for scenario in &study.scenarios {
		for check in &scenario.result.checks {
			assert!(check.passed, "{}: {} failed: {}", scenario.name, check.name, check.detail);
		}
	}
	let [unmanaged, ems, dr] = &study.scenarios[..] else { panic!("three runs") };
	// No requests outside the third run; there, every one posted, settled, and paid for what
	// the meters measured.
	assert_eq!(unmanaged.result.ledger.flexibility.requests, 0);
	assert_eq!(ems.result.ledger.flexibility.requests, 0);
	let flexibility = &dr.result.ledger.flexibility;
	assert_eq!(flexibility.requests as usize, dr.prepared.requests.len());
	assert!(flexibility.requests > 0 && flexibility.commitments > 0, "{flexibility:?}");
	assert_eq!(flexibility.settled, flexibility.requests);
	assert!(flexibility.delivered_wh > 0 && flexibility.paid > 0);
	// The planned homes pay less than unmanaged ones for the same energy.
	let figures = figures(&study);
	assert!(figures[1].net_cost < figures[0].net_cost, "{figures:?}");
	// With the requests, the community imports less in the event hours than without.
	assert!(figures[2].requested_hours_kwh < figures[1].requested_hours_kwh, "{figures:?}");
	// Every commitment the members' planners decided was accepted on chain.
	let planned: usize = dr.prepared.requests.iter().map(|r| r.commitments.len()).sum();
	assert_eq!(flexibility.commitments as usize, planned);

	// The same run with one member's flexibility payment misrecorded fails the checks, and so
	// does the DSO's hold released by a µCEUR more than the events say.
	let prepared = &dr.prepared;
	let mut output = run(prepared.spec(ClearingRule::UniformPrice), |_| {}).expect("runs");
	let paid = output.ledger.members.iter().position(|m| m.flexibility_received > 0).unwrap();
	output.ledger.members[paid].flexibility_received += 1;
	let failed: Vec<&str> = conservation(&prepared.community, &mut output)
		.into_iter()
		.filter(|check| !check.passed)
		.map(|check| check.name)
		.collect();
	assert_eq!(
		failed,
		[
			"P2P money paid by buyers = received by sellers",
			"balances move by exactly the settlement events",
			"flexibility: every request settled, paid out or released, no hold left"
		]
	);
	output.ledger.members[paid].flexibility_received -= 1;
	output.ledger.flexibility.settled_totals.2 += 1;
	let failed: Vec<&str> = conservation(&prepared.community, &mut output)
		.into_iter()
		.filter(|check| !check.passed)
		.map(|check| check.name)
		.collect();
	assert_eq!(failed, ["flexibility: every request settled, paid out or released, no hold left"]);
}

#[test]
fn planners_and_members_judge_by_hours_already_metered_at_22_55() {
	let day = 24 * 5;
	// 21:00 of the next day: the same hour of today is metered by 22:00.
	assert_eq!(homes::persistence_hour(day + 24 + 21), day + 21);
	// 22:00 and 23:00: today's are not metered yet, the day before's are.
	assert_eq!(homes::persistence_hour(day + 24 + 22), day - 24 + 22);
	assert_eq!(homes::persistence_hour(day + 24 + 23), day - 24 + 23);
	assert!((0..24 * 30).all(|slot| {
		let from = homes::persistence_hour(slot);
		from < slot.max(24) && from % 24 == slot % 24
	}));
	assert_eq!(demand_response::POST_HOUR, 22);
}

#[test]
fn the_command_writes_the_study_and_its_charts() {
	let out = std::env::temp_dir().join(format!("energy-sim-flexibility-{}", std::process::id()));
	let status = std::process::Command::new(env!("CARGO_BIN_EXE_energy-sim"))
		.args(["--flexibility", "--members", "8", "--days", "14", "--dso-top-hours", "5", "--data"])
		.arg(DATA)
		.arg("--out")
		.arg(&out)
		.output()
		.expect("runs");
	assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
	let md = std::fs::read_to_string(out.join("flexibility.md")).unwrap();
	assert!(md.contains("| ems-dr |"), "{md}");
	let json: serde_json::Value =
		serde_json::from_str(&std::fs::read_to_string(out.join("flexibility.json")).unwrap())
			.unwrap();
	assert!(json["event_hours"].as_u64().unwrap() > 0, "{json}");
	let rows = std::fs::read_to_string(out.join("requests.csv")).unwrap().lines().count();
	assert_eq!(rows as u64, 1 + json["event_hours"].as_u64().unwrap());
	for file in ["peak-duration.svg", "member-costs.svg", "event-hours.svg", "ems/report.md"] {
		assert!(out.join(file).exists(), "{file}");
	}
	std::fs::remove_dir_all(out).unwrap();
}
