//! Helpers shared by the zombienet tests: where the `energy-node` binary and the main
//! workspace's client binaries are, how to load the network definitions in this folder, and small
//! JSON-RPC queries (peers, finalized height).

pub mod chain;
pub mod replay;

use std::{
	net::TcpListener,
	path::{Path, PathBuf},
	process::{Child, Command, Stdio},
	time::{Duration, Instant},
};

use anyhow::{anyhow, bail, Context, Result};
use serde_json::Value;
use zombienet_sdk::{
	subxt::{backend::rpc::RpcClient, ext::subxt_rpcs::client::RpcParams},
	LocalFileSystem, Network, NetworkConfig, NetworkConfigExt, NetworkNode,
};

/// The four validators of the `local_testnet` preset, in the order of the network definition.
pub const VALIDATORS: [&str; 4] = ["alice", "bob", "charlie", "dave"];

/// The folder with the node binary: `$ENERGY_NODE_DIR`, else `$CARGO_TARGET_DIR/release`, else
/// `../target/release` of the main workspace.
pub fn node_binary_dir() -> PathBuf {
	if let Ok(dir) = std::env::var("ENERGY_NODE_DIR") {
		return PathBuf::from(dir);
	}
	if let Ok(dir) = std::env::var("CARGO_TARGET_DIR") {
		return PathBuf::from(dir).join("release");
	}
	Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/release")
}

/// This workspace's target folder: `$CARGO_TARGET_DIR`, else `target/` here.
pub fn target_dir() -> PathBuf {
	std::env::var("CARGO_TARGET_DIR")
		.map(PathBuf::from)
		.unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
}

/// A client binary of the main workspace the network tests run as a process (`energy-gateway`,
/// `energy-demo`, …), next to the node: an error names the build command when it is missing.
pub fn client_binary(name: &str) -> Result<PathBuf> {
	let binary = node_binary_dir().join(name);
	if !binary.is_file() {
		bail!(
			"{} not found: build it in the main workspace with `cargo build --release -p {name}`",
			binary.display()
		);
	}
	Ok(binary)
}

/// Starts a client binary (or another program a test drives) with its output on the test's,
/// killed when the handle is dropped (a failing test leaves no process behind).
pub fn spawn_client(command: &mut tokio::process::Command) -> Result<tokio::process::Child> {
	command
		.stdout(Stdio::inherit())
		.stderr(Stdio::inherit())
		.kill_on_drop(true)
		.spawn()
		.with_context(|| format!("starting {:?}", command.as_std().get_program()))
}

/// Loads a network definition of this folder (e.g. `local-testnet.toml`) and spawns it with the
/// native provider, with the node binary's folder first on `PATH`.
pub async fn spawn_native(definition: &str) -> Result<Network<LocalFileSystem>> {
	let bin_dir = node_binary_dir();
	let node = bin_dir.join("energy-node");
	if !node.is_file() {
		bail!(
			"{} not found: build it with `cargo build --release -p energy-node` first",
			node.display()
		);
	}
	let path = std::env::var("PATH").unwrap_or_default();
	std::env::set_var("PATH", format!("{}:{path}", bin_dir.display()));

	let file = Path::new(env!("CARGO_MANIFEST_DIR")).join(definition);
	let config = NetworkConfig::load_from_toml(
		file.to_str().ok_or_else(|| anyhow!("non-UTF-8 path {}", file.display()))?,
	)
	.map_err(|e| anyhow!("loading {}: {e}", file.display()))?;
	config.spawn_native().await.context("spawning the network")
}

/// Something to send JSON-RPC requests to: a node of a zombienet network, or a node's
/// WebSocket URL (a node the test started itself). Each request opens its own connection, so a
/// node that restarts on the same port answers the next one. (Only this crate's tests await
/// these futures, never across threads: no `Send` bound is needed.)
#[allow(async_fn_in_trait)]
pub trait RpcTarget {
	/// A connected client.
	async fn client(&self) -> Result<RpcClient>;
	/// What to call the target in an error.
	fn label(&self) -> String;
}

impl RpcTarget for NetworkNode {
	async fn client(&self) -> Result<RpcClient> {
		self.rpc().await.with_context(|| format!("{}: connect", self.name()))
	}
	fn label(&self) -> String {
		self.name().to_string()
	}
}

impl<T: RpcTarget + ?Sized> RpcTarget for &T {
	async fn client(&self) -> Result<RpcClient> {
		(**self).client().await
	}
	fn label(&self) -> String {
		(**self).label()
	}
}

impl RpcTarget for str {
	async fn client(&self) -> Result<RpcClient> {
		RpcClient::from_url(self).await.with_context(|| format!("{self}: connect"))
	}
	fn label(&self) -> String {
		self.to_string()
	}
}

/// Calls a JSON-RPC method without parameters on the node.
pub async fn rpc_call(node: &(impl RpcTarget + ?Sized), method: &str) -> Result<Value> {
	rpc_call_with(node, method, RpcParams::new()).await
}

/// Calls a JSON-RPC method with the given parameters on the node.
pub async fn rpc_call_with(
	node: &(impl RpcTarget + ?Sized),
	method: &str,
	params: RpcParams,
) -> Result<Value> {
	node.client()
		.await?
		.request::<Value>(method, params)
		.await
		.with_context(|| format!("{}: {method}", node.label()))
}

/// The number of peers the node syncs with (`system_health`).
pub async fn peer_count(node: &(impl RpcTarget + ?Sized)) -> Result<u64> {
	let health = rpc_call(node, "system_health").await?;
	health["peers"].as_u64().ok_or_else(|| anyhow!("system_health without peers: {health}"))
}

/// The node's best block number (`chain_getHeader`).
pub async fn best_height(node: &(impl RpcTarget + ?Sized)) -> Result<u64> {
	let header = rpc_call(node, "chain_getHeader").await?;
	header_number(&header)
}

/// The node's finalized block number (`chain_getFinalizedHead` then `chain_getHeader`).
pub async fn finalized_height(node: &(impl RpcTarget + ?Sized)) -> Result<u64> {
	let hash = rpc_call(node, "chain_getFinalizedHead").await?;
	let mut params = RpcParams::new();
	params.push(hash).map_err(|e| anyhow!("encoding params: {e}"))?;
	let header = rpc_call_with(node, "chain_getHeader", params).await?;
	header_number(&header)
}

/// The block number of a JSON-RPC header (`"number": "0x…"`).
pub fn header_number(header: &Value) -> Result<u64> {
	let number = header["number"].as_str().ok_or_else(|| anyhow!("header without number"))?;
	u64::from_str_radix(number.trim_start_matches("0x"), 16)
		.with_context(|| format!("bad block number {number}"))
}

/// Polls `probe` every second until it returns `Ok(true)` or `timeout` passes; the error names
/// `what` and the last probe error.
pub async fn wait_until<F, Fut>(what: &str, timeout: Duration, mut probe: F) -> Result<()>
where
	F: FnMut() -> Fut,
	Fut: std::future::Future<Output = Result<bool>>,
{
	let start = Instant::now();
	let mut last_error = None;
	while start.elapsed() < timeout {
		match probe().await {
			Ok(true) => return Ok(()),
			Ok(false) => {},
			Err(e) => last_error = Some(e),
		}
		tokio::time::sleep(Duration::from_secs(1)).await;
	}
	match last_error {
		Some(e) => Err(e.context(format!("timed out after {timeout:?} waiting for {what}"))),
		None => Err(anyhow!("timed out after {timeout:?} waiting for {what}")),
	}
}

/// Kills the node's process with SIGKILL, as a crash or a pulled plug would: the process is
/// found by its unique base path among the running `energy-node` processes.
pub fn kill_node(node: &NetworkNode) -> Result<u32> {
	let base = node.base_dir().to_string_lossy().to_string();
	let mut killed = None;
	for entry in std::fs::read_dir("/proc")? {
		let entry = entry?;
		let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
		let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else { continue };
		let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
		if cmdline.contains("energy-node") && cmdline.contains(&base) {
			let status =
				std::process::Command::new("kill").arg("-9").arg(pid.to_string()).status()?;
			if !status.success() {
				bail!("kill -9 {pid} failed");
			}
			killed = Some(pid);
		}
	}
	killed.ok_or_else(|| anyhow!("no energy-node process found for {}", node.name()))
}

/// A single `energy-node --dev --tmp` process on free loopback ports, killed when dropped.
pub struct DevNode {
	child: Child,
	rpc_port: u16,
}

impl DevNode {
	/// Starts a dev node and waits until its RPC server answers.
	///
	/// The ports come from [`free_port`], which frees them before the node binds them: on a
	/// machine running several networks, another process can take one in between, and the node
	/// then exits at once. A node that exits before its RPC server answers is started again on
	/// new ports (three attempts); one that runs but does not answer within a minute is an error.
	pub async fn start() -> Result<Self> {
		let mut exits = Vec::new();
		for _ in 0..3 {
			let mut dev = Self::spawn()?;
			let url = dev.url();
			let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
			loop {
				if let Some(status) = dev.child.try_wait()? {
					exits.push(format!("port {}: {status}", dev.rpc_port));
					break;
				}
				if RpcClient::from_url(&url).await.is_ok() {
					return Ok(dev);
				}
				if tokio::time::Instant::now() >= deadline {
					bail!("timed out after 60s waiting for the dev node's RPC server at {url}");
				}
				tokio::time::sleep(Duration::from_millis(250)).await;
			}
		}
		bail!(
			"the dev node exited before its RPC server answered, three times: {}",
			exits.join("; ")
		)
	}

	/// Spawns `energy-node --dev --tmp` on ports free a moment ago.
	fn spawn() -> Result<Self> {
		let rpc_port = free_port()?;
		let node = node_binary_dir().join("energy-node");
		let child = Command::new(&node)
			.args(["--dev", "--tmp", "--no-prometheus", "--no-telemetry", "--port"])
			.arg(free_port()?.to_string())
			.arg("--rpc-port")
			.arg(rpc_port.to_string())
			.stdout(Stdio::null())
			.stderr(match std::env::var("ENERGY_NODE_LOG") {
				// `ENERGY_NODE_LOG=<file>` keeps the node's log for debugging a test.
				Ok(path) => std::fs::File::create(path)?.into(),
				Err(_) => Stdio::null(),
			})
			.spawn()
			.with_context(|| format!("starting {}", node.display()))?;
		Ok(DevNode { child, rpc_port })
	}

	/// The node's WebSocket RPC URL.
	pub fn url(&self) -> String {
		format!("ws://127.0.0.1:{}", self.rpc_port)
	}

	/// Waits (at most a minute) until the market has opened its first auctions.
	pub async fn wait_for_open_auctions(&self) -> Result<()> {
		let api =
			zombienet_sdk::subxt::OnlineClient::<zombienet_sdk::subxt::PolkadotConfig>::from_url(
				self.url(),
			)
			.await?;
		wait_until("the first auctions to open", Duration::from_secs(60), || async {
			Ok(chain::storage_u64(&api, "Market", "NextSlotToOpen", vec![]).await?.unwrap_or(0) > 0)
		})
		.await
	}
}

/// Runs the polkadot.js script `pjs-check/<script>` against a fresh dev node whose first
/// auctions are open (the node's URL first, then `args`), prints its output, and fails if it
/// does. Needs Node.js and `npm ci --prefix pjs-check` (done by `scripts/test.sh`).
pub async fn run_pjs_script(script: &str, args: &[std::ffi::OsString]) -> Result<()> {
	let node = DevNode::start().await?;
	node.wait_for_open_auctions().await?;
	run_pjs_script_at(&node.url(), script, args).await
}

/// Runs the polkadot.js script `pjs-check/<script>` against the node at `url` (passed first,
/// then `args`), prints its output, and fails if it does.
pub async fn run_pjs_script_at(url: &str, script: &str, args: &[std::ffi::OsString]) -> Result<()> {
	let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../pjs-check");
	anyhow::ensure!(
		dir.join("node_modules/@polkadot/api").is_dir(),
		"run `npm ci --prefix pjs-check` first"
	);
	let started = std::time::Instant::now();
	let output = tokio::process::Command::new("node")
		.arg(dir.join(script))
		.arg(url)
		.args(args)
		.output()
		.await
		.context("running node (Node.js)")?;
	println!("{}", String::from_utf8_lossy(&output.stdout));
	eprintln!("{}", String::from_utf8_lossy(&output.stderr));
	anyhow::ensure!(output.status.success(), "pjs-check/{script} failed: {}", output.status);
	println!("pjs-check/{script} passed in {} s", started.elapsed().as_secs());
	Ok(())
}

impl Drop for DevNode {
	fn drop(&mut self) {
		let _ = self.child.kill();
		let _ = self.child.wait();
	}
}

/// A TCP port on 127.0.0.1 that was free a moment ago.
pub fn free_port() -> Result<u16> {
	Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}
