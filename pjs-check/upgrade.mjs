// A runtime upgrade of a running dev chain through its council, as a production chain would do
// it (`docs/operators.md`, "Governance"): a two-thirds motion of the dev council (Alice and Bob
// of Alice, Bob and Charlie) authorises the upgrade rehearsal's runtime through the whitelist;
// Charlie applies the code; the first block of the new runtime runs its migration (which records
// what it found); then the balances, the members, the meters and the market carry on: an idle
// account's balance is unchanged, a transfer works, a new auction opens and Eve's bid is
// placed in it.
//
//   node upgrade.mjs ws://127.0.0.1:9944 REHEARSAL_WASM
//
// REHEARSAL_WASM: `energy_runtime_upgrade_rehearsal.compact.compressed.wasm` (built beside the
// node's runtime when `ENERGY_UPGRADE_REHEARSAL` is set). Exits non-zero if any step fails.

import { readFileSync } from 'node:fs';
import { ApiPromise, Keyring, WsProvider } from '@polkadot/api';
import { stringToHex, u8aToHex } from '@polkadot/util';
import { blake2AsHex } from '@polkadot/util-crypto';
import { asRoot, check, included, motion } from './chain.mjs';

const [url, wasm] = process.argv.slice(2);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/// Polls `probe` every 2 s until it returns a truthy value, for at most `seconds`.
async function until(what, seconds, probe) {
  for (let waited = 0; waited < seconds; waited += 2) {
    const value = await probe();
    if (value) return value;
    await sleep(2_000);
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function main() {
  check(url && wasm, 'usage: node upgrade.mjs WS_URL REHEARSAL_WASM');
  const provider = new WsProvider(url);
  const api = await ApiPromise.create({ provider, noInitWarn: true });
  const keyring = new Keyring({ type: 'sr25519' });
  const [alice, bob, charlie, eve, two] = ['//Alice', '//Bob', '//Charlie', '//Eve', '//Two'].map((s) => keyring.addFromUri(s));

  const spec = api.runtimeVersion.specVersion.toNumber();
  const members = (await api.query.participants.participants.keys()).length;
  const meters = JSON.stringify((await api.query.meters.meterDirectory.entries()).map(([k, v]) => [k.toHex(), v.toHex()]).sort());
  const idle = (await api.query.system.account(two.address)).data.toJSON();
  console.log(`before: spec ${spec}, ${members} members, Two's account ${JSON.stringify(idle)}`);

  // The council's motion: two thirds reach root through the whitelist and authorise the code.
  const code = readFileSync(wasm);
  const codeHash = blake2AsHex(code, 256);
  const upgrade = api.tx.system.authorizeUpgrade(codeHash);
  const result = await motion(api, [alice, bob, charlie], asRoot(api, upgrade), 2);
  check(result.isOk, `the motion authorised the upgrade: ${result}`);
  const authorized = await api.query.system.authorizedUpgrade();
  check(authorized.isSome && authorized.unwrap().codeHash.toHex() === codeHash, `upgrade ${codeHash} authorised`);
  console.log(`the council (2 of 3) authorised ${codeHash} (${code.length} bytes)`);

  // Anyone applies the authorised code; the next block runs the new runtime.
  // Not `included`: polkadot.js may fail to decode the events of the block that changed the
  // code (it decodes them with the new runtime's types) and skip to `Finalized`; the new
  // version, below, is the proof.
  await new Promise((resolve, reject) => {
    api.tx.system
      .applyAuthorizedUpgrade(u8aToHex(code))
      .signAndSend(charlie, ({ status, dispatchError }) => {
        if (dispatchError) reject(new Error(`applyAuthorizedUpgrade: ${dispatchError}`));
        else if (status.isInBlock || status.isFinalized) resolve();
        else if (status.isInvalid || status.isDropped || status.isUsurped) reject(new Error(`applyAuthorizedUpgrade: ${status.type}`));
      })
      .catch(reject);
  });
  const version = await until('the new runtime', 60, async () => {
    const v = await api.rpc.state.getRuntimeVersion();
    return v.specVersion.toNumber() === spec + 1 && v;
  });
  console.log(`the chain runs spec ${version.specVersion} (${version.specName})`);

  // Its migration ran once, in the first block of the new runtime (the block after the one that
  // stored the code), on the state it found.
  const raw = await until('the migration', 30, async () => {
    const stored = await api.rpc.state.getStorage(stringToHex(':energy:upgrade_rehearsal'));
    return stored.isSome && stored;
  });
  const [block, seen, issuance] = api.createType('(u32, u32, u128)', raw.unwrap()).map((x) => x.toBigInt());
  const parent = await api.rpc.chain.getBlockHash(Number(block) - 1);
  const migrated = await api.rpc.chain.getBlockHash(Number(block));
  const [versionBefore, versionAt] = await Promise.all([api.rpc.state.getRuntimeVersion(parent), api.rpc.state.getRuntimeVersion(migrated)]);
  check(
    versionBefore.specVersion.toNumber() === spec && versionAt.specVersion.toNumber() === spec + 1,
    `the migration ran in the first block of spec ${spec + 1}: versions ${versionBefore.specVersion} then ${versionAt.specVersion}`,
  );
  // Read raw: polkadot.js may decode a block before an upgrade with the new runtime's types.
  const issuanceRaw = await api.rpc.state.getStorage(api.query.balances.totalIssuance.key(), parent);
  const issuanceBefore = api.createType('u128', issuanceRaw.unwrap()).toBigInt();
  check(seen === BigInt(members) && issuance === issuanceBefore, `the migration saw the members and the issuance: ${seen}, ${issuance} vs ${issuanceBefore}`);
  console.log(`the migration ran in block ${block} (the first of spec ${spec + 1}): ${seen} members, issuance ${issuance}`);

  // Balances, members and meters carry on.
  check(JSON.stringify((await api.query.system.account(two.address)).data.toJSON()) === JSON.stringify(idle), "Two's account unchanged");
  check((await api.query.participants.participants.keys()).length === members, 'the members unchanged');
  check(
    JSON.stringify((await api.query.meters.meterDirectory.entries()).map(([k, v]) => [k.toHex(), v.toHex()]).sort()) === meters,
    'the meter directory unchanged',
  );
  const transfer = await included(api, api.tx.balances.transferKeepAlive(two.address, 1_000_000), charlie);
  check(transfer.some(({ event }) => api.events.balances.Transfer.is(event)), 'a transfer after the upgrade');

  // The market carries on: a new auction opens under the new runtime, and Eve bids in it.
  const next = (await api.query.market.nextSlotToOpen()).toNumber();
  await until('an auction opened by the new runtime', 90, async () => (await api.query.market.nextSlotToOpen()).toNumber() > next);
  // The market's RPC: polkadot.js does not decorate runtime APIs again after an upgrade.
  const slot = (await provider.send('market_currentSlot', [])) + 2;
  const bid = await included(api, api.tx.market.placeBid(slot, 3, 7, 80_000), eve);
  check(bid.some(({ event }) => api.events.market.BidPlaced.is(event)), `Eve's bid in slot ${slot}`);
  console.log(`after the upgrade: Two's balance unchanged, a transfer, the auction of slot ${next} opened, Eve's bid in slot ${slot}`);
  await api.disconnect();
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error.message);
    process.exit(1);
  },
);
