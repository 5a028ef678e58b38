//! A production network's start: `scripts/production-spec.sh` builds a spec from
//! `--chain production` with freshly generated keys; none of the demo community's keys (the
//! dev accounts, `//meter//N`, `//Gateway`, `//Dso`, `//Utility`, in either scheme) is in its
//! genesis; a validator started on it with its generated keys produces and finalizes blocks;
//! its council, not a sudo key, runs it (`pjs-check/council.mjs`); and only the nodes the
//! community authorised peer with it: a node with its own key gets no block until a council
//! motion makes it a well-known node, and then syncs. The operators' tools work on it: its
//! Prometheus endpoint, its telemetry connection, and a database backup (refused while the node
//! runs) restored after `purge-chain`, from which the validator goes on.

use std::{
	io::Read,
	net::TcpListener,
	path::Path,
	process::{Child, Command, Stdio},
	sync::mpsc,
	time::Duration,
};

use anyhow::{anyhow, ensure, Context, Result};
use energy_zombienet::{
	best_height, finalized_height, free_port, node_binary_dir, peer_count, rpc_call,
	run_pjs_script_at, wait_until,
};
use serde_json::Value;

/// The seeds of every key the dev presets use, on the public dev phrase.
fn demo_seeds() -> Vec<String> {
	let mut seeds: Vec<String> = [
		"Alice", "Bob", "Charlie", "Dave", "Eve", "Ferdie", "One", "Two", "Gateway", "Dso",
		"Utility",
	]
	.iter()
	.map(|name| format!("//{name}"))
	.collect();
	for name in ["Alice", "Bob", "Charlie", "Dave", "Eve", "Ferdie"] {
		seeds.push(format!("//{name}//stash"));
	}
	seeds.extend((0..16).map(|id| format!("//meter//{id}")));
	seeds
}

/// `energy-node key inspect` of `seed` in `scheme`: (public key hex without 0x, SS58).
fn inspect(node: &Path, scheme: &str, seed: &str) -> Result<(String, String)> {
	let output = Command::new(node)
		.args(["key", "inspect", "--output-type", "json", "--scheme", scheme, seed])
		.output()?;
	ensure!(output.status.success(), "key inspect {seed} failed");
	let key: Value = serde_json::from_slice(&output.stdout)?;
	let public = key["publicKey"].as_str().ok_or_else(|| anyhow!("no publicKey"))?;
	let ss58 = key["ss58Address"].as_str().ok_or_else(|| anyhow!("no ss58Address"))?;
	Ok((public.trim_start_matches("0x").to_lowercase(), ss58.to_string()))
}

/// The spec's genesis without the runtime code (whose data holds the dev presets' constants),
/// as lower-case text.
fn genesis_text(spec: &Path) -> Result<String> {
	let mut spec: Value = serde_json::from_slice(&std::fs::read(spec)?)?;
	let genesis = spec.get_mut("genesis").ok_or_else(|| anyhow!("spec without genesis"))?;
	if let Some(top) = genesis.pointer_mut("/raw/top").and_then(Value::as_object_mut) {
		top.remove("0x3a636f6465"); // `:code`
	}
	if let Some(runtime) = genesis.get_mut("runtimeGenesis").and_then(Value::as_object_mut) {
		runtime.remove("code");
	}
	Ok(genesis.to_string().to_lowercase())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_production_spec_with_fresh_keys_has_no_demo_key_finalizes_and_is_run_by_its_council(
) -> Result<()> {
	let node = node_binary_dir().join("energy-node");
	let out = std::env::temp_dir().join(format!("energy-production-{}", std::process::id()));
	let _ = std::fs::remove_dir_all(&out);
	let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/production-spec.sh");
	let status = Command::new("bash")
		.arg(&script)
		.arg(&out)
		.arg("1")
		.env("ENERGY_NODE", &node)
		.status()
		.context("running scripts/production-spec.sh")?;
	ensure!(status.success(), "production-spec.sh failed: {status}");

	// No demo key in the genesis: neither as raw bytes (raw spec) nor as an address (plain).
	let raw = genesis_text(&out.join("production-raw.json"))?;
	let plain = genesis_text(&out.join("production-plain.json"))?;
	let mut checked = 0;
	for seed in demo_seeds() {
		for scheme in ["sr25519", "ed25519"] {
			let (public, ss58) = inspect(&node, scheme, &seed)?;
			ensure!(!raw.contains(&public), "{seed} ({scheme}) is in the raw genesis");
			ensure!(
				!plain.contains(&ss58.to_lowercase()),
				"{seed} ({scheme}) is in the plain spec"
			);
			checked += 1;
		}
	}
	println!("{checked} demo keys checked: none is in the production genesis");
	// The generated keys are there: the check above would see a key that is.
	for j in 0..5 {
		let councillor: Value =
			serde_json::from_slice(&std::fs::read(out.join(format!("secrets/council-{j}.json")))?)?;
		let public = councillor["publicKey"].as_str().unwrap_or_default().trim_start_matches("0x");
		ensure!(raw.contains(&public.to_lowercase()), "councillor {j}'s key is not in the genesis");
	}

	// The validator with its generated keys authors and finalizes on its own, and reports to
	// Prometheus and to the community's telemetry server.
	let ports = Ports { rpc: free_port()?, p2p: free_port()?, prometheus: free_port()? };
	let telemetry = Telemetry::listen()?;
	let mut validator = start_validator(&node, &out, &ports, telemetry.port)?;
	let url = format!("ws://127.0.0.1:{}", ports.rpc);
	let result = async {
		wait_until("two finalized blocks", Duration::from_secs(120), || async {
			Ok(finalized_height(url.as_str()).await? >= 2)
		})
		.await?;
		println!("the production validator produced and finalized blocks");
		monitoring(&ports, &telemetry).await?;
		// The council runs the chain: no sudo key; a motion registers a member; two thirds reach
		// root and authorise an upgrade; a majority authorises a node.
		peering_and_council(&node, &out, &url, ports.p2p).await?;
		backup_and_restore(&node, &out, &mut validator, &ports, telemetry.port).await
	}
	.await;
	let _ = validator.kill();
	let _ = validator.wait();
	result?;
	let _ = std::fs::remove_dir_all(&out);
	Ok(())
}

/// The validator's ports.
struct Ports {
	rpc: u16,
	p2p: u16,
	prometheus: u16,
}

/// Starts validator 0 of the spec in `out` with its generated keys, exposing Prometheus metrics
/// and sending telemetry to `ws://127.0.0.1:<telemetry>/submit` (the flags of
/// `docs/operators.md`).
fn start_validator(node: &Path, out: &Path, ports: &Ports, telemetry: u16) -> Result<Child> {
	Ok(Command::new(node)
		.arg("--chain")
		.arg(out.join("production-raw.json"))
		.arg("--base-path")
		.arg(out.join("validator-0"))
		.args(["--validator", "--force-authoring", "--no-mdns"])
		.args(["--port", &ports.p2p.to_string(), "--rpc-port", &ports.rpc.to_string()])
		.args(["--prometheus-port", &ports.prometheus.to_string()])
		.arg("--telemetry-url")
		.arg(format!("ws://127.0.0.1:{telemetry}/submit 0"))
		.stdout(Stdio::null())
		.stderr(Stdio::null())
		.spawn()?)
}

/// Stops a node as its service manager would (SIGTERM) and waits for it to exit.
fn stop(child: &mut Child) -> Result<()> {
	let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status()?;
	ensure!(status.success(), "kill -TERM failed");
	let status = child.wait()?;
	println!("the validator stopped ({status})");
	Ok(())
}

/// A telemetry server stand-in: a TCP listener that records the first request a node sends.
struct Telemetry {
	port: u16,
	requests: mpsc::Receiver<String>,
}

impl Telemetry {
	fn listen() -> Result<Self> {
		let listener = TcpListener::bind("127.0.0.1:0")?;
		let port = listener.local_addr()?.port();
		let (sender, requests) = mpsc::channel();
		std::thread::spawn(move || {
			for mut stream in listener.incoming().flatten() {
				let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
				let mut head = [0u8; 2048];
				let read = stream.read(&mut head).unwrap_or(0);
				if sender.send(String::from_utf8_lossy(&head[..read]).into_owned()).is_err() {
					return;
				}
			}
		});
		Ok(Self { port, requests })
	}
}

/// The finalized block height and the number of samples the node's Prometheus endpoint reports,
/// read with the `curl` command of `docs/operators.md`.
fn prometheus_finalized(port: u16) -> Result<(u64, usize)> {
	let output = Command::new("curl")
		.args(["-s", &format!("http://127.0.0.1:{port}/metrics")])
		.output()
		.context("curl")?;
	let metrics = String::from_utf8_lossy(&output.stdout);
	let finalized = metrics
		.lines()
		.find(|line| line.starts_with("substrate_block_height{status=\"finalized\""))
		.and_then(|line| line.rsplit(' ').next())
		.and_then(|value| value.parse::<u64>().ok())
		.ok_or_else(|| anyhow!("no finalized block height in the metrics"))?;
	Ok((finalized, metrics.lines().filter(|line| !line.starts_with('#')).count()))
}

/// The validator's Prometheus endpoint reports its finalized height, and it opened a WebSocket
/// to the telemetry URL it was given.
async fn monitoring(ports: &Ports, telemetry: &Telemetry) -> Result<()> {
	wait_until("Prometheus to report finalized block #2", Duration::from_secs(60), || async {
		Ok(prometheus_finalized(ports.prometheus)?.0 >= 2)
	})
	.await?;
	let (finalized, samples) = prometheus_finalized(ports.prometheus)?;
	let request = telemetry
		.requests
		.recv_timeout(Duration::from_secs(30))
		.context("the validator never connected to its telemetry URL")?;
	let head = request.to_lowercase();
	ensure!(
		head.starts_with("get /submit") && head.contains("upgrade: websocket"),
		"not a WebSocket upgrade to /submit: {request}"
	);
	println!(
		"Prometheus on :{} reports finalized block #{finalized} ({samples} samples); the \
		 validator opened a WebSocket to its telemetry URL",
		ports.prometheus
	);
	Ok(())
}

/// Backs up the validator's database with `scripts/node-backup.sh` (refused while it runs),
/// wipes it with `purge-chain`, restores it and restarts the validator, which goes on from the
/// block it stopped at.
async fn backup_and_restore(
	node: &Path,
	out: &Path,
	validator: &mut Child,
	ports: &Ports,
	telemetry: u16,
) -> Result<()> {
	let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/node-backup.sh");
	let base = out.join("validator-0");
	let archive = out.join("validator-0.tar.gz");
	let backup = |action: &str| {
		Command::new("bash").arg(&script).arg(action).arg(&base).arg(&archive).status()
	};
	let status = backup("backup")?;
	ensure!(status.code() == Some(2), "a backup of the running node was not refused: {status}");
	ensure!(!archive.exists(), "the refused backup left an archive");
	println!("a backup of the running validator was refused (exit 2)");

	let url = format!("ws://127.0.0.1:{}", ports.rpc);
	let stopped_at = finalized_height(url.as_str()).await?;
	stop(validator)?;
	ensure!(backup("backup")?.success(), "the backup failed");
	let purged = Command::new(node)
		.args(["purge-chain", "-y", "--chain"])
		.arg(out.join("production-raw.json"))
		.arg("--base-path")
		.arg(&base)
		.stderr(Stdio::null())
		.status()?;
	ensure!(purged.success(), "purge-chain failed");
	let db = std::fs::read_dir(base.join("chains"))?
		.flatten()
		.map(|chain| chain.path().join("paritydb/full"))
		.find(|db| db.exists());
	ensure!(db.is_none(), "purge-chain left the database");
	ensure!(backup("restore")?.success(), "the restore failed");

	*validator = start_validator(node, out, ports, telemetry)?;
	let restarted = std::time::Instant::now();
	wait_until("the restored validator's RPC", Duration::from_secs(60), || async {
		Ok(finalized_height(url.as_str()).await.is_ok())
	})
	.await?;
	let first = finalized_height(url.as_str()).await?;
	ensure!(first >= stopped_at, "restored at #{first}, below #{stopped_at}");
	wait_until("the restored validator to finalize", Duration::from_secs(120), || async {
		Ok(finalized_height(url.as_str()).await? >= stopped_at + 2)
	})
	.await?;
	println!(
		"backed up at finalized #{stopped_at}, purged, restored: the validator restarted at \
		 finalized #{first} and finalized #{} within {:.1} s",
		finalized_height(url.as_str()).await?,
		restarted.elapsed().as_secs_f64()
	);
	Ok(())
}

/// Permissioned peering, then the council: a full node with its own network key, pointed at the
/// validator as its bootnode, gets no block and no peer while nobody has authorised it; the
/// council's script authorises it by a majority motion (among its other motions); the node then
/// syncs to the validator's finalized block.
async fn peering_and_council(node: &Path, out: &Path, url: &str, p2p_port: u16) -> Result<()> {
	let validator_id = rpc_call(url, "system_localPeerId").await?;
	let validator_id = validator_id.as_str().ok_or_else(|| anyhow!("no peer id"))?.to_string();
	let outsider_rpc = free_port()?;
	let _outsider = tokio::process::Command::new(node)
		.arg("--chain")
		.arg(out.join("production-raw.json"))
		.arg("--base-path")
		.arg(out.join("outsider"))
		.args(["--no-prometheus", "--no-telemetry", "--no-mdns"])
		.args(["--port", &free_port()?.to_string(), "--rpc-port", &outsider_rpc.to_string()])
		.arg("--bootnodes")
		.arg(format!("/ip4/127.0.0.1/tcp/{p2p_port}/p2p/{validator_id}"))
		.stdout(Stdio::null())
		.stderr(Stdio::null())
		.kill_on_drop(true)
		.spawn()
		.context("starting the outsider node")?;
	let outsider = format!("ws://127.0.0.1:{outsider_rpc}");
	wait_until("the outsider's RPC", Duration::from_secs(60), || async {
		Ok(best_height(outsider.as_str()).await.is_ok())
	})
	.await?;
	let outsider_id = rpc_call(outsider.as_str(), "system_localPeerId").await?;
	let outsider_id = outsider_id.as_str().ok_or_else(|| anyhow!("no peer id"))?.to_string();

	let from = best_height(url).await?;
	tokio::time::sleep(Duration::from_secs(30)).await;
	let to = best_height(url).await?;
	ensure!(to >= from + 3, "the validator stalled: #{from} to #{to} in 30 s");
	let (outsider_best, outsider_peers, validator_peers) = (
		best_height(outsider.as_str()).await?,
		peer_count(outsider.as_str()).await?,
		peer_count(url).await?,
	);
	ensure!(
		outsider_best == 0 && outsider_peers == 0 && validator_peers == 0,
		"an unauthorised node peered: it is at #{outsider_best} with {outsider_peers} peer(s), \
		 the validator has {validator_peers}"
	);
	println!(
		"an unauthorised node ({outsider_id}) stayed at #0 with no peer for 30 s while the \
		 validator went from #{from} to #{to} with no peer"
	);

	run_pjs_script_at(
		url,
		"council.mjs",
		&[out.join("secrets").into_os_string(), outsider_id.into()],
	)
	.await?;
	let target = finalized_height(url).await?;
	let authorised = std::time::Instant::now();
	wait_until("the authorised node to sync", Duration::from_secs(120), || async {
		Ok(best_height(outsider.as_str()).await? >= target)
	})
	.await?;
	println!(
		"authorised by the council, the node synced to #{} (the validator's finalized block was \
		 #{target}) in {:.1} s; the validator now has {} peer(s)",
		best_height(outsider.as_str()).await?,
		authorised.elapsed().as_secs_f64(),
		peer_count(url).await?
	);
	Ok(())
}
