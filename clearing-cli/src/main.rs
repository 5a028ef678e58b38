//! `energy-clear`: clears an order book read from a JSON file and prints the result as JSON.
//!
//! ```text
//! energy-clear --rule uniform book.json
//! energy-clear --rule average-bid - < book.json
//! energy-clear --rule uniform --grid grid.json grid-book.json
//! ```
//! The input and output formats are in this crate's README.

mod book;
mod grid;

use anyhow::Context;
use clap::Parser;
use std::io::Read;

/// Clears an energy-market order book under one of the chain's rules and prints the market
/// clearing price and the trades as JSON.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Cli {
	/// The clearing rule.
	#[arg(long, value_enum)]
	rule: book::RuleArg,
	/// The book as JSON (`{"bids": [...], "offers": [...]}`); `-` reads standard input.
	book: String,
	/// A grid (JSON: its elements with parent, capacities in W each way and charge): every
	/// order then names its `point`, and the report adds each trade's buyer and seller prices
	/// and each element's loading.
	#[arg(long)]
	grid: Option<String>,
	/// Print the JSON on one line instead of indented.
	#[arg(long)]
	compact: bool,
}

fn main() -> anyhow::Result<()> {
	let cli = Cli::parse();
	let text = if cli.book == "-" {
		let mut text = String::new();
		std::io::stdin().read_to_string(&mut text).context("reading the book from stdin")?;
		text
	} else {
		std::fs::read_to_string(&cli.book).with_context(|| format!("reading {}", cli.book))?
	};
	let input: book::BookFile = serde_json::from_str(&text).context("parsing the book")?;
	let json = match &cli.grid {
		None => to_json(&book::clear_book(cli.rule.into(), &input)?, cli.compact)?,
		Some(path) => {
			let file = grid::read(path)?;
			to_json(&grid::clear_book_on_grid(cli.rule.into(), &input, &file)?, cli.compact)?
		},
	};
	println!("{json}");
	Ok(())
}

fn to_json(report: &impl serde::Serialize, compact: bool) -> serde_json::Result<String> {
	if compact {
		serde_json::to_string(report)
	} else {
		serde_json::to_string_pretty(report)
	}
}
