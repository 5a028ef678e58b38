//! The gateway's calls, storage items and events are generated from `metadata/energy.scale`:
//! the file must be exactly the runtime's own metadata, or the gateway would build calls the
//! chain rejects as incompatible.

use energy_gateway::runtime::stale_metadata;

const FILE: &[u8] = include_bytes!("../metadata/energy.scale");

fn runtime_metadata() -> Vec<u8> {
	let metadata =
		energy_runtime::Runtime::metadata_at_version(15).expect("the runtime serves V15 metadata");
	metadata.to_vec()
}

#[test]
fn the_metadata_file_is_the_runtimes_own() {
	if let Some(reason) = stale_metadata(FILE, &runtime_metadata()) {
		panic!("{reason}");
	}
}

#[test]
fn a_stale_metadata_file_is_detected() {
	let runtime = runtime_metadata();
	// A file from before a runtime change: one byte of a type or a doc differs.
	let mut changed = runtime.clone();
	let middle = changed.len() / 2;
	changed[middle] ^= 0x01;
	let reason = stale_metadata(&changed, &runtime).expect("a changed file is stale");
	assert!(reason.contains("./scripts/update-metadata.sh"), "{reason}");
	assert!(reason.contains(&format!("from byte {middle}")), "{reason}");
	// A file cut short (an older runtime with fewer items).
	assert!(stale_metadata(&runtime[..runtime.len() - 1], &runtime).is_some());
	assert!(stale_metadata(&runtime, &runtime).is_none());
}
