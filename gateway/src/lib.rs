#![doc = include_str!("../README.md")]

pub mod chain;
pub mod gateway;
pub mod intake;
pub mod keystore;
pub mod message;
pub mod mqtt;
pub mod queue;
pub mod replay;
pub mod runtime;
pub mod signing;

/// Logs to stderr at the level `RUST_LOG` asks for (`info` by default), as every client binary
/// of the chain (`energy-gateway`, `energy-meter`, `energy-demo`, `energy-load`) does; stdout stays for results.
pub fn init_logging() {
	tracing_subscriber::fmt()
		.with_env_filter(
			tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
		)
		.with_writer(std::io::stderr)
		.init();
}
