//! `energy-forecast-score`: scores the chain's forecaster on columns of an hourly CSV.
//!
//! ```text
//! energy-forecast-score data/simbench_2016_hourly.csv H0-A PV1 \
//!     --train 2016-01-08..2016-09-30 --test 2016-10-01..2016-12-31
//! ```
//! The CSV's first column is the timestamp of each hour (`YYYY-MM-DD HH:MM[:SS]`, a continuous
//! hourly grid), the others are series; the first row names them. Ranges are whole days, both
//! ends included. For each column it fits, on the training days, the full forecaster (the code
//! path of the chain's off-chain worker: `energy_forecast::fit_best`) and the lag-only OLS
//! reference, and prints next-hour RMSE and MAE on the test days for both and for persistence
//! (`y(t−1)`).

use anyhow::{anyhow, bail, ensure, Context, Result};
use chrono::{NaiveDate, NaiveDateTime};
use clap::Parser;
use energy_forecast::{errors, fit, fit_best, Calendar, Forecaster, Spec};
use std::ops::Range;

/// Scores the forecaster on columns of an hourly CSV.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Cli {
	/// The CSV file.
	csv: String,
	/// The columns to score (all of them when none is given).
	columns: Vec<String>,
	/// Training days, `FIRST..LAST` (dates, both included).
	#[arg(long)]
	train: String,
	/// Test days, `FIRST..LAST` (dates, both included).
	#[arg(long)]
	test: String,
}

struct Table {
	start: NaiveDateTime,
	names: Vec<String>,
	columns: Vec<Vec<f64>>,
}

fn read_table(path: &str) -> Result<Table> {
	let text = std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?;
	let mut lines = text.lines();
	let header = lines.next().ok_or_else(|| anyhow!("{path} is empty"))?;
	let names: Vec<String> = header.split(',').skip(1).map(|n| n.trim().to_string()).collect();
	let mut columns = vec![Vec::new(); names.len()];
	let mut start = None;
	for (row, line) in lines.enumerate() {
		let mut cells = line.split(',');
		let stamp = cells.next().unwrap_or_default().trim();
		if start.is_none() {
			start = Some(parse_stamp(stamp).with_context(|| format!("row 2: {stamp}"))?);
		}
		for (column, cell) in columns.iter_mut().zip(cells) {
			column.push(cell.trim().parse().with_context(|| format!("row {}: {cell}", row + 2))?);
		}
	}
	let start = start.ok_or_else(|| anyhow!("{path} has no data rows"))?;
	ensure!(columns.iter().all(|c| c.len() == columns[0].len()), "ragged rows in {path}");
	Ok(Table { start, names, columns })
}

fn parse_stamp(stamp: &str) -> Result<NaiveDateTime> {
	NaiveDateTime::parse_from_str(stamp, "%Y-%m-%d %H:%M:%S")
		.or_else(|_| NaiveDateTime::parse_from_str(stamp, "%Y-%m-%d %H:%M"))
		.map_err(|e| anyhow!("not a timestamp: {e}"))
}

/// Rows `[first day 00:00, day after last 00:00)` of a `FIRST..LAST` range of dates.
fn rows(range: &str, start: NaiveDateTime, len: usize) -> Result<Range<usize>> {
	let (first, last) =
		range.split_once("..").ok_or_else(|| anyhow!("{range}: not FIRST..LAST"))?;
	let hour = |date: &str, days_after: i64| -> Result<i64> {
		let date = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d")?;
		let at = date.and_hms_opt(0, 0, 0).ok_or_else(|| anyhow!("midnight"))?
			+ chrono::Duration::days(days_after);
		Ok((at - start).num_hours())
	};
	let (from, to) = (hour(first, 0)?, hour(last, 1)?);
	if from < 0 || to > len as i64 || from >= to {
		bail!("{range} is not inside the file's {len} hours");
	}
	Ok(from as usize..to as usize)
}

fn main() -> Result<()> {
	let cli = Cli::parse();
	let table = read_table(&cli.csv)?;
	let len = table.columns.first().map_or(0, Vec::len);
	let (train, test) = (rows(&cli.train, table.start, len)?, rows(&cli.test, table.start, len)?);
	let calendar = Calendar {
		first_hour: u64::try_from(table.start.and_utc().timestamp() / 3_600)
			.context("the file starts before 1970")?,
	};
	let wanted = if cli.columns.is_empty() { table.names.clone() } else { cli.columns.clone() };
	println!("| column | full RMSE | full MAE | OLS-lags RMSE | OLS-lags MAE | persistence RMSE | persistence MAE | full / OLS RMSE | full model |");
	println!("|---|---|---|---|---|---|---|---|---|");
	for name in wanted {
		let index = table
			.names
			.iter()
			.position(|n| *n == name)
			.ok_or_else(|| anyhow!("no column {name}"))?;
		let series = &table.columns[index];
		let full =
			fit_best(series, calendar, train.clone()).map_err(|e| anyhow!("{name}: {e:?}"))?;
		let reference = fit(&Spec::lags_only(), series, calendar, train.clone())
			.map_err(|e| anyhow!("{name}: {e:?}"))?;
		let (full_rmse, full_mae) =
			errors(test.clone(), series, |t| full.predict(series, calendar, t))
				.ok_or_else(|| anyhow!("{name}: nothing to test"))?;
		let (ref_rmse, ref_mae) =
			errors(test.clone(), series, |t| reference.predict(series, calendar, t))
				.ok_or_else(|| anyhow!("{name}: nothing to test"))?;
		let (per_rmse, per_mae) =
			errors(test.clone(), series, |t| t.checked_sub(1).map(|p| series[p]))
				.ok_or_else(|| anyhow!("{name}: nothing to test"))?;
		let kind = match full {
			Forecaster::Single(_) => "lag OLS (per-hour lost on validation)",
			Forecaster::PerHour(_) => "per-hour MLR",
		};
		println!(
			"| {name} | {full_rmse:.4} | {full_mae:.4} | {ref_rmse:.4} | {ref_mae:.4} | {per_rmse:.4} | {per_mae:.4} | {:.3} | {kind} |",
			full_rmse / ref_rmse
		);
	}
	Ok(())
}
