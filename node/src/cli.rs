//! The command line of `energy-node`: the standard Substrate subcommands, plus `benchmark` in a
//! node built with `--features runtime-benchmarks`.

/// Sub-commands supported by the node.
#[derive(Debug, clap::Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum Subcommand {
	/// Key management cli utilities
	#[command(subcommand)]
	Key(sc_cli::KeySubcommand),

	/// Build a chain specification (raw or not), e.g. to hand to other validators.
	BuildSpec(sc_cli::BuildSpecCmd),

	/// Export the chain specification.
	ExportChainSpec(sc_cli::ExportChainSpecCmd),

	/// Validate blocks.
	CheckBlock(sc_cli::CheckBlockCmd),

	/// Export blocks.
	ExportBlocks(sc_cli::ExportBlocksCmd),

	/// Export the state of a given block into a chain spec.
	ExportState(sc_cli::ExportStateCmd),

	/// Import blocks.
	ImportBlocks(sc_cli::ImportBlocksCmd),

	/// Remove the whole chain.
	PurgeChain(sc_cli::PurgeChainCmd),

	/// Revert the chain to a previous state.
	Revert(sc_cli::RevertCmd),

	/// Sub-commands concerned with benchmarking: pallet, overhead, extrinsic, storage, machine,
	/// block. Only in a node built with `--features runtime-benchmarks`.
	#[cfg(feature = "runtime-benchmarks")]
	#[command(subcommand)]
	Benchmark(frame_benchmarking_cli::BenchmarkCmd),

	/// Db meta columns information.
	ChainInfo(sc_cli::ChainInfoCmd),
}

/// The node's command line: a subcommand, or the options of a running node.
#[derive(Debug, clap::Parser)]
pub struct Cli {
	/// The subcommand to run; none runs the node.
	#[command(subcommand)]
	pub subcommand: Option<Subcommand>,

	/// The options of a running node (`--dev`, `--chain`, `--validator`, ports, ...).
	#[clap(flatten)]
	pub run: sc_cli::RunCmd,
}
