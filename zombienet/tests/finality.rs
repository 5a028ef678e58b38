//! Four validators on loopback: they peer, produce blocks and finalize them; with one validator
//! killed the other three (more than 2/3) keep finalizing; restarted, it catches up.

use std::time::Duration;

use anyhow::Result;
use energy_zombienet::{
	best_height, finalized_height, kill_node, peer_count, spawn_native, wait_until, VALIDATORS,
};
use zombienet_sdk::{LocalFileSystem, Network};

#[tokio::test(flavor = "multi_thread")]
async fn four_validators_finalize_and_survive_one_crash() -> Result<()> {
	let _ = tracing_subscriber::fmt()
		.with_env_filter(
			tracing_subscriber::EnvFilter::try_from_default_env()
				.unwrap_or_else(|_| "info,zombienet_orchestrator=info".into()),
		)
		.try_init();

	let network = spawn_native("local-testnet.toml").await?;
	let result = scenario(&network).await;
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
