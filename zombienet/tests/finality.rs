//! Four validators on loopback: they peer, produce blocks and finalize them; with one validator
//! killed the other three (more than 2/3) keep finalizing; restarted, it catches up. Then the
//! validator set changes by governance (`pjs-check/validators.mjs`): a fifth node is authorised,
//! added by a council motion and registers its keys; it authors, and it votes (with dave killed,
//! four of five voters must finalize, so only with its votes); a council motion removes dave,
//! who stops authoring and may go. Finality never stalls for more than [`MAX_STALL`] meanwhile.

use std::{
	sync::{
		atomic::{AtomicBool, Ordering},
		Arc,
	},
	time::{Duration, Instant},
};

use anyhow::{ensure, Result};
use energy_zombienet::{
	best_height, finalized_height, kill_node, peer_count, run_pjs_script_at, spawn_native,
	wait_until, VALIDATORS,
};
use zombienet_sdk::{AddNodeOptions, LocalFileSystem, Network, NetworkNode};

/// The longest the finalized head may stand still while the validator set changes: six slots.
const MAX_STALL: Duration = Duration::from_secs(36);

#[tokio::test(flavor = "multi_thread")]
async fn validators_finalize_survive_a_crash_and_change_by_governance() -> Result<()> {
	let _ = tracing_subscriber::fmt()
		.with_env_filter(
			tracing_subscriber::EnvFilter::try_from_default_env()
				.unwrap_or_else(|_| "info,zombienet_orchestrator=info".into()),
		)
		.try_init();

	let mut network = spawn_native("local-testnet.toml").await?;
	let result = match scenario(&network).await {
		Ok(()) => validator_changes(&mut network).await,
		failed => failed,
	};
	// Tear the network down whatever happened, so no node outlives the test.
	network.destroy().await?;
	result
}

async fn scenario(network: &Network<LocalFileSystem>) -> Result<()> {
	let nodes: Vec<_> =
		VALIDATORS.iter().map(|name| network.get_node(*name)).collect::<Result<_, _>>()?;

	// 1. All four peer with each other.
	for node in &nodes {
		wait_until(
			&format!("{} to have 3 peers", node.name()),
			Duration::from_secs(120),
			|| async { Ok(peer_count(node).await? >= 3) },
		)
		.await?;
		println!("{}: 3 peers", node.name());
	}

	// 2. Blocks are produced and finality reaches at least 10 on every node.
	for node in &nodes {
		wait_until(
			&format!("{} to finalize #10", node.name()),
			Duration::from_secs(240),
			|| async { Ok(finalized_height(node).await? >= 10) },
		)
		.await?;
		println!(
			"{}: best #{}, finalized #{}",
			node.name(),
			best_height(node).await?,
			finalized_height(node).await?
		);
	}

	// 3. Kill dave: three of four voters remain, more than 2/3, so finality goes on.
	let dave = network.get_node("dave")?;
	let alice = network.get_node("alice")?;
	let pid = kill_node(dave)?;
	let finalized_at_kill = finalized_height(alice).await?;
	println!("dave (pid {pid}) killed at finalized #{finalized_at_kill}");
	wait_until("finality to advance by 5 without dave", Duration::from_secs(180), || async {
		Ok(finalized_height(alice).await? >= finalized_at_kill + 5)
	})
	.await?;
	let finalized_without_dave = finalized_height(alice).await?;
	println!("without dave: finalized #{finalized_without_dave}");

	// 4. Restart dave on its old database: it catches up to the finalized head.
	dave.restart(None).await?;
	wait_until("dave to catch up with the finalized head", Duration::from_secs(180), || async {
		let head = finalized_height(alice).await?;
		Ok(finalized_height(dave).await? >= head.max(finalized_without_dave))
	})
	.await?;
	println!(
		"dave restarted: finalized #{} (alice #{})",
		finalized_height(dave).await?,
		finalized_height(alice).await?
	);

	Ok(())
}

/// Governance changes the validator set while the network runs (see the module documentation).
async fn validator_changes(network: &mut Network<LocalFileSystem>) -> Result<()> {
	let alice_url = network.get_node("alice")?.ws_uri().to_string();
	let bootnode = network.get_node("alice")?.multiaddr().to_string();
	// Eve: a validator node (`--validator`) with no key and no authorisation yet.
	let options = AddNodeOptions {
		args: vec!["--validator".into(), ("--bootnodes", bootnode.as_str()).into()],
		..Default::default()
	};
	network.add_node("eve", options).await?;
	let eve_url = network.get_node("eve")?.ws_uri().to_string();

	let watchdog = Watchdog::start(alice_url.clone());
	let started = Instant::now();
	run_pjs_script_at(&alice_url, "validators.mjs", &["add".into(), eve_url.into()]).await?;
	println!("eve joined the validators in {} s", started.elapsed().as_secs());

	// Eve votes: with dave killed, four of the five voters remain, exactly the threshold.
	let dave = network.get_node("dave")?;
	let alice = network.get_node("alice")?;
	let (from, to) = finalizes_without(dave, alice, "with eve and without dave").await?;
	println!("without dave, finality went on with eve's votes: #{from} to #{to}");
	dave.restart(None).await?;
	wait_until("dave to catch up", Duration::from_secs(180), || async {
		Ok(finalized_height(dave).await? + 2 >= finalized_height(alice).await?)
	})
	.await?;

	let started = Instant::now();
	run_pjs_script_at(&alice_url, "validators.mjs", &["remove".into(), "Dave".into()]).await?;
	println!("dave left the validators in {} s", started.elapsed().as_secs());
	// Dave is no longer needed: the four others finalize on their own.
	let (from, to) = finalizes_without(dave, alice, "without the removed dave").await?;
	println!("without the removed dave: finalized #{from} to #{to}");
	let longest = watchdog.stop().await?;
	println!("the finalized head never stood still longer than {} s", longest.as_secs());
	ensure!(longest <= MAX_STALL, "finality stalled for {} s", longest.as_secs());
	Ok(())
}

/// Kills `gone` and waits (two minutes at most) until `node` has finalized five more blocks;
/// returns the finalized heights before and after.
async fn finalizes_without(
	gone: &NetworkNode,
	node: &NetworkNode,
	what: &str,
) -> Result<(u64, u64)> {
	kill_node(gone)?;
	let from = finalized_height(node).await?;
	wait_until(&format!("finality to advance by 5 {what}"), Duration::from_secs(120), || async {
		Ok(finalized_height(node).await? >= from + 5)
	})
	.await?;
	Ok((from, finalized_height(node).await?))
}

/// Watches a node's finalized head every second and keeps the longest time it stood still.
struct Watchdog {
	stop: Arc<AtomicBool>,
	task: tokio::task::JoinHandle<Result<Duration>>,
}

impl Watchdog {
	fn start(url: String) -> Self {
		let stop = Arc::new(AtomicBool::new(false));
		let stopped = stop.clone();
		let task = tokio::spawn(async move {
			let (mut head, mut since, mut longest) = (0, Instant::now(), Duration::ZERO);
			while !stopped.load(Ordering::Relaxed) {
				let now = finalized_height(url.as_str()).await?;
				if now > head {
					(head, since) = (now, Instant::now());
				}
				longest = longest.max(since.elapsed());
				tokio::time::sleep(Duration::from_secs(1)).await;
			}
			Ok(longest)
		});
		Self { stop, task }
	}

	async fn stop(self) -> Result<Duration> {
		self.stop.store(true, Ordering::Relaxed);
		self.task.await?
	}
}
