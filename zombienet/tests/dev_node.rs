//! `energy-node --dev` on its own: it produces and finalizes blocks and serves the JSON-RPC
//! methods that dApps start with (`chain_getFinalizedHead`, `state_getMetadata`, metadata v16).

use std::time::Duration;

use anyhow::{anyhow, Context, Result};
use energy_zombienet::{header_number, wait_until, DevNode};
use serde_json::Value;
use zombienet_sdk::subxt::{backend::rpc::RpcClient, ext::subxt_rpcs::client::RpcParams};

async fn call(client: &RpcClient, method: &str, params: Vec<Value>) -> Result<Value> {
	let mut rpc_params = RpcParams::new();
	for p in params {
		rpc_params.push(p).map_err(|e| anyhow!("params: {e}"))?;
	}
	client.request::<Value>(method, rpc_params).await.with_context(|| method.to_string())
}

#[tokio::test(flavor = "multi_thread")]
async fn dev_node_finalizes_and_serves_metadata() -> Result<()> {
	let node = DevNode::start().await?;
	let client = RpcClient::from_url(&node.url()).await?;

	// GRANDPA finalizes blocks that Aura produced.
	let finalized_height = || async {
		let head = call(&client, "chain_getFinalizedHead", vec![]).await?;
		header_number(&call(&client, "chain_getHeader", vec![head]).await?)
	};
	wait_until("finalized block #3", Duration::from_secs(90), || async {
		Ok(finalized_height().await? >= 3)
	})
	.await?;
	println!("dev node finalized #{}", finalized_height().await?);

	// Metadata: the default (v14) behind the magic "meta" prefix, and v16 available.
	let metadata = call(&client, "state_getMetadata", vec![]).await?;
	let metadata = metadata.as_str().ok_or_else(|| anyhow!("metadata is not a string"))?;
	assert!(metadata.starts_with("0x6d657461"), "metadata lacks the magic prefix");
	let versions = call(
		&client,
		"state_call",
		vec![Value::from("Metadata_metadata_versions"), Value::from("0x")],
	)
	.await?;
	// SCALE Vec<u32>: compact length 3 (0x0c), then 14, 15, 16 as little-endian u32.
	assert_eq!(versions, Value::from("0x0c0e0000000f00000010000000"));
	Ok(())
}
