//! The home file: appliances as a household writes them (the thesis's Table 10 columns) and the
//! day's forecasts, in TOML or JSON, converted to the planner's exact units.

use anyhow::{bail, ensure, Context, Result};
use energy_ems::{Appliance, Day, RunMode};
use std::path::Path;

/// A home file.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HomeFile {
	/// The day's forecasts and prices: `[day]`, one entry per hourly slot in every list
	/// (Wh, and balance units per kWh).
	pub day: Day,
	/// The appliances, in the order the plan reports them.
	#[serde(rename = "appliance")]
	pub appliances: Vec<ApplianceRow>,
}

/// One `[[appliance]]` row, in the table's columns.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplianceRow {
	/// Appliance.
	pub name: String,
	/// Flexible: the planner may split its run (see `split`).
	pub flexible: bool,
	/// Window start, "HH:00".
	pub start: String,
	/// Window end, "HH:00" ("24:00" for midnight).
	pub end: String,
	/// Working time in hours (0.5 for half an hour).
	pub working_hours: f64,
	/// Power rating in kW.
	pub power_kw: f64,
	/// Overrides `flexible` for how it runs: true = may be split into several runs.
	#[serde(default)]
	pub split: Option<bool>,
}

impl HomeFile {
	/// Reads a home from a `.toml` or `.json` file.
	pub fn read(path: &Path) -> Result<Self> {
		let text = std::fs::read_to_string(path).with_context(|| format!("reading {path:?}"))?;
		if path.extension().is_some_and(|e| e == "json") {
			serde_json::from_str(&text).with_context(|| format!("parsing {path:?} as JSON"))
		} else {
			toml::from_str(&text).with_context(|| format!("parsing {path:?} as TOML"))
		}
	}

	/// The planner's day.
	pub fn day(&self) -> Day {
		self.day.clone()
	}

	/// The planner's appliances, or the first row that is not in whole minutes, whole watts
	/// and whole hours of day.
	pub fn appliances(&self) -> Result<Vec<Appliance>> {
		self.appliances.iter().map(ApplianceRow::appliance).collect()
	}
}

impl ApplianceRow {
	fn appliance(&self) -> Result<Appliance> {
		let name = &self.name;
		let minutes = self.working_hours * 60.0;
		ensure!(
			minutes >= 0.0 && (minutes - minutes.round()).abs() < 1e-6,
			"{name}: working time {} h is not a whole number of minutes",
			self.working_hours
		);
		let watts = self.power_kw * 1000.0;
		ensure!(
			watts >= 0.0 && (watts - watts.round()).abs() < 1e-6,
			"{name}: power {} kW is not a whole number of watts",
			self.power_kw
		);
		let split = self.split.unwrap_or(self.flexible);
		Ok(Appliance {
			name: name.clone(),
			mode: if split { RunMode::Split } else { RunMode::Contiguous },
			window_start_hour: hour(&self.start).with_context(|| format!("{name}: start"))?,
			window_end_hour: hour(&self.end).with_context(|| format!("{name}: end"))?,
			working_minutes: minutes.round() as u32,
			power_w: watts.round() as u32,
		})
	}
}

/// "19:00" → 19. Slots are hourly, so a window starts and ends on the hour.
fn hour(text: &str) -> Result<u8> {
	let Some((h, m)) = text.split_once(':') else { bail!("{text:?} is not HH:MM") };
	let (h, m): (u8, u8) = (h.trim().parse()?, m.trim().parse()?);
	ensure!(m == 0, "{text:?}: windows start and end on the hour (slots are hourly)");
	ensure!(h <= 24, "{text:?} is not an hour of day");
	Ok(h)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn hours_are_whole_and_of_the_day() {
		assert_eq!(hour("19:00").unwrap(), 19);
		assert_eq!(hour("24:00").unwrap(), 24);
		assert!(hour("6:30").is_err());
		assert!(hour("25:00").is_err());
		assert!(hour("noon").is_err());
	}

	#[test]
	fn the_shipped_homes_parse_and_the_verbatim_table_reports_its_two_impossible_rows() {
		let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ems/examples");
		let table = HomeFile::read(&dir.join("thesis-table-10.toml")).unwrap();
		let plan = energy_ems::plan(&table.appliances().unwrap(), &table.day()).unwrap();
		let infeasible: Vec<&str> = table
			.appliances
			.iter()
			.zip(&plan.schedules)
			.filter(|(_, s)| matches!(s, energy_ems::Schedule::Infeasible(_)))
			.map(|(a, _)| a.name.as_str())
			.collect();
		assert_eq!(infeasible, ["Air Conditioner", "Dish Washer"]);
		let home = HomeFile::read(&dir.join("home.toml")).unwrap();
		let plan = energy_ems::plan(&home.appliances().unwrap(), &home.day()).unwrap();
		assert!(plan.schedules.iter().all(|s| matches!(s, energy_ems::Schedule::Planned(_))));
		assert!(plan.proven_optimal && plan.cost < plan.unmanaged_cost);
	}
}
