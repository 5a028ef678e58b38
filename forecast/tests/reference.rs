//! The lag-only OLS reference of `../shared/data/README.md`, reproduced on the `H0-A` column of
//! the project's copy of the SimBench 2016 hourly data: intercept and lags t−1, t−2, t−24,
//! t−168, fitted on 2016-01-08..2016-09-30.

use energy_forecast::{fit, Calendar, Spec};

/// 2016-01-01 00:00 UTC in hours since the epoch.
const FIRST_HOUR_2016: u64 = 403_224;
/// 2016-01-08 00:00 and 2016-10-01 00:00 as rows of the hourly file.
const TRAIN: std::ops::Range<usize> = 168..6_576;

fn column(name: &str) -> Vec<f64> {
	let text = std::fs::read_to_string(concat!(
		env!("CARGO_MANIFEST_DIR"),
		"/../data/simbench_2016_hourly.csv"
	))
	.expect("data/simbench_2016_hourly.csv is in the repository");
	let mut lines = text.lines();
	let header: Vec<&str> = lines.next().expect("a header").split(',').collect();
	let index = header.iter().position(|h| *h == name).expect("the column exists");
	lines
		.map(|line| line.split(',').nth(index).expect("a value").parse().expect("a number"))
		.collect()
}

#[test]
fn ols_on_h0_a_reproduces_the_reference_coefficients() {
	let series = column("H0-A");
	assert_eq!(series.len(), 8_784);
	let model = fit(&Spec::lags_only(), &series, Calendar { first_hour: FIRST_HOUR_2016 }, TRAIN)
		.expect("a year of history is enough");
	let reference = [0.003736, 0.507768, 0.004102, 0.260563, 0.186280];
	for (ours, theirs) in model.coefficients.iter().zip(reference) {
		assert!((ours - theirs).abs() <= 1e-6, "{ours} vs {theirs}");
	}
}
