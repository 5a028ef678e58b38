//! `energy-certificates`: reports a member's (or the community's) hourly matching and exports
//! certificates in EnergyTag's Registry API shape, from a node's `certificates_*` JSON-RPC.
//!
//! ```sh
//! energy-certificates matching --who 5Grw… --from-slot 490000 --to-slot 490023 --format csv
//! energy-certificates export --from-slot 490000 --to-slot 490023 --out export.json
//! energy-certificates validate export.json
//! ```
//! Without `--from-slot`/`--to-slot` a report covers the last 24 slots up to the current one.

mod report;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use jsonrpsee::{core::client::ClientT, rpc_params, ws_client::WsClientBuilder};
use pallet_energy_tokens_rpc::{validate::export_errors, MatchingReport};
use std::path::PathBuf;

#[derive(Parser)]
#[command(version, about)]
struct Cli {
	/// The node's JSON-RPC endpoint.
	#[arg(long, global = true, default_value = "ws://127.0.0.1:9944")]
	url: String,
	#[command(subcommand)]
	command: Command,
}

/// The slots a report covers: `from..=to`; both default to the last 24 slots.
#[derive(clap::Args)]
struct Span {
	/// A member's SS58 address; the whole community if left out.
	#[arg(long)]
	who: Option<String>,
	/// The first slot.
	#[arg(long)]
	from_slot: Option<u32>,
	/// The last slot (included).
	#[arg(long)]
	to_slot: Option<u32>,
	/// Where to write; standard output if left out.
	#[arg(long)]
	out: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
	Csv,
	Json,
}

#[derive(Subcommand)]
enum Command {
	/// The 24/7 matching report: per slot consumption, matched Wh and CFE score, then per UTC
	/// day, month, year and the whole span.
	Matching {
		#[command(flatten)]
		span: Span,
		/// CSV (one row per slot and period) or the RPC's JSON.
		#[arg(long, value_enum, default_value = "csv")]
		format: Format,
	},
	/// The certificates of the span as EnergyTag GC bundles (JSON), checked against the shipped
	/// schema before it is written.
	Export {
		#[command(flatten)]
		span: Span,
	},
	/// Checks an export file against the shipped schema and the bundles' arithmetic.
	Validate {
		/// The export (JSON).
		file: PathBuf,
	},
}

/// `from..=to` of `span`, asking the node for the current slot where it must.
async fn slots(client: &impl ClientT, span: &Span) -> Result<(u32, u32)> {
	let to = match span.to_slot {
		Some(to) => to,
		None => client
			.request::<u32, _>("market_currentSlot", rpc_params![])
			.await
			.context("market_currentSlot")?,
	};
	Ok((span.from_slot.unwrap_or(to.saturating_sub(23)), to))
}

/// A WebSocket client of the node at `url`.
async fn connect(url: &str) -> Result<jsonrpsee::ws_client::WsClient> {
	WsClientBuilder::default()
		// A month's export of a busy community runs to megabytes; the node caps what it sends
		// (`--rpc-max-response-size`, 10 MiB by default).
		.max_response_size(MAX_RESPONSE_BYTES)
		.build(url)
		.await
		.with_context(|| format!("connecting to {url}"))
}

/// The largest response the CLI accepts.
const MAX_RESPONSE_BYTES: u32 = 256 << 20;

/// The node's refusal in words: a community report on a node that denies unsafe methods comes
/// back as "method not found".
fn explain(error: jsonrpsee::core::ClientError, span: &Span) -> anyhow::Error {
	match &error {
		jsonrpsee::core::ClientError::Call(call) if call.code() == -32601 && span.who.is_none() => {
			anyhow::anyhow!(
				"{error}: the node serves the community's report only where unsafe RPC methods \
				 are allowed (the community's own node); pass --who for one member's"
			)
		},
		_ => error.into(),
	}
}

fn write(out: &Option<PathBuf>, text: &str) -> Result<()> {
	match out {
		Some(path) => {
			std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
		},
		None => {
			print!("{text}");
			Ok(())
		},
	}
}

fn validated(export: &serde_json::Value) -> Result<()> {
	let errors = export_errors(export);
	if !errors.is_empty() {
		bail!("the export does not validate against the schema:\n{}", errors.join("\n"));
	}
	Ok(())
}

#[tokio::main]
async fn main() -> Result<()> {
	let cli = Cli::parse();
	match cli.command {
		Command::Matching { span, format } => {
			let client = connect(&cli.url).await?;
			let (from, to) = slots(&client, &span).await?;
			let report: MatchingReport<String> = client
				.request("certificates_matching", rpc_params![&span.who, from, to])
				.await
				.map_err(|error| explain(error, &span))
				.context("certificates_matching")?;
			let text = match format {
				Format::Json => serde_json::to_string_pretty(&report)? + "\n",
				Format::Csv => report::csv(&report)?,
			};
			write(&span.out, &text)?;
			eprintln!("{}", report::summary(&report));
		},
		Command::Export { span } => {
			let client = connect(&cli.url).await?;
			let (from, to) = slots(&client, &span).await?;
			let export: serde_json::Value = client
				.request("certificates_export", rpc_params![&span.who, from, to])
				.await
				.map_err(|error| explain(error, &span))
				.context("certificates_export")?;
			validated(&export)?;
			write(&span.out, &(serde_json::to_string_pretty(&export)? + "\n"))?;
			let bundles = export["granular_certificate_bundles"].as_array().map_or(0, Vec::len);
			eprintln!("{bundles} GC bundles of slots {from}..={to}: valid against the schema");
		},
		Command::Validate { file } => {
			let text = std::fs::read_to_string(&file)
				.with_context(|| format!("reading {}", file.display()))?;
			validated(&serde_json::from_str(&text).context("the export is not JSON")?)?;
			eprintln!("{}: valid", file.display());
		},
	}
	Ok(())
}
