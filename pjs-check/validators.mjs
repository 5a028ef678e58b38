// Validator-set changes on the four-validator local testnet, as its operators make them
// (`docs/operators.md`, "Adding or removing a validator"):
//
//   node validators.mjs WS_URL add NEW_NODE_WS_URL
//     sessions of ten blocks (sudo sets `SessionPeriodSetting`); the new node's peer id
//     authorised (permissioned peering); a council motion of two of three (two thirds) adds
//     `//Eve//stash` to the validator membership; the new node makes its keys
//     (`author_rotateKeysWithOwner`) and Eve registers them (`session.setKeys`); then waits until
//     Eve is a session validator, Aura and GRANDPA have her keys, and a block is hers.
//   node validators.mjs WS_URL remove NAME
//     a council motion removes `//NAME//stash` (e.g. Dave); waits until its keys have left Aura
//     and GRANDPA, then checks that none of the next 10 blocks is its.
//
// WS_URL is a validator's RPC. Exits non-zero (with the reason) if a step fails or times out.

import { ApiPromise, Keyring, WsProvider } from '@polkadot/api';
import { base58Decode, xxhashAsHex } from '@polkadot/util-crypto';
import { u8aToHex } from '@polkadot/util';
import { check, included, motion } from './chain.mjs';

const [url, command, arg] = process.argv.slice(2);
const BLOCK_MS = 6000;

/// Waits for `probe` to return something truthy, polling every block, for at most `blocks`.
async function waitFor(what, blocks, probe) {
  for (let i = 0; i < blocks; i += 1) {
    const value = await probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, BLOCK_MS));
  }
  throw new Error(`timed out after ${blocks} blocks waiting for ${what}`);
}

/// The session's validators, Aura's authorities and GRANDPA's (at the best block), as strings.
async function sets(api) {
  const validators = (await api.query.session.validators()).map((v) => v.toString());
  const aura = (await api.query.aura.authorities()).map((k) => k.toHex());
  const grandpa = (await api.call.grandpaApi.grandpaAuthorities()).map(([k]) => k.toHex());
  return { validators, aura, grandpa, setId: (await api.query.grandpa.currentSetId()).toNumber() };
}

/// The authors of the next blocks (from the session's validators and the block's Aura slot),
/// `count` of them, or fewer if `who` authors one first.
async function nextAuthors(api, count, who) {
  // Only blocks built on a state that already has the change: the subscription's first header
  // is the current best block, which the old set may have authored.
  const after = (await api.rpc.chain.getHeader()).number.toNumber();
  const authors = [];
  let unsubscribe = null;
  await new Promise((resolve, reject) => {
    api.derive.chain.subscribeNewHeads((header) => {
      if (header.number.toNumber() <= after) return;
      const author = header.author ? header.author.toString() : 'unknown';
      authors.push(author);
      if (authors.length >= count || author === who) resolve();
    }).then((u) => { unsubscribe = u; }).catch(reject);
  });
  if (unsubscribe) unsubscribe();
  return authors;
}

async function add(api, keyring, council, newNodeUrl) {
  const alice = council[0];
  const eve = keyring.addFromUri('//Eve//stash');

  // Ten-block sessions: a change takes effect within twenty blocks.
  const period = api.createType('u32', 10).toU8a();
  await included(api, api.tx.sudo.sudo(api.tx.system.setStorage([[xxhashAsHex(':SessionPeriodSetting:', 128), u8aToHex(period)]])), alice);
  const before = await sets(api);
  console.log(`sessions of 10 blocks; validators ${before.validators.length}, GRANDPA set ${before.setId}`);

  // The new node: authorised to peer, then synced.
  const provider = new WsProvider(newNodeUrl);
  const node = await ApiPromise.create({ provider, noInitWarn: true });
  const peerId = (await node.rpc.system.localPeerId()).toString();
  await included(api, api.tx.sudo.sudo(api.tx.nodeAuthorization.addWellKnownNode(u8aToHex(base58Decode(peerId)), eve.address)), alice);
  console.log(`node ${peerId} authorised`);
  await waitFor('the new node to sync', 40, async () => {
    const [theirs, ours] = await Promise.all([node.rpc.chain.getHeader(), api.rpc.chain.getHeader()]);
    return theirs.number.toNumber() + 2 >= ours.number.toNumber() && theirs.number.toNumber() > 0;
  });
  console.log(`the new node synced to #${(await node.rpc.chain.getHeader()).number}`);

  // Two of the three councillors (two thirds) add Eve.
  const result = await motion(api, council, api.tx.validatorMembership.addMember(eve.address), 2);
  check(result.isOk, `the motion added Eve: ${result}`);
  console.log('a council motion of 2/3 added //Eve//stash to the validators');

  // The node makes its keys, with a proof that Eve's account owns them; Eve registers them.
  const generated = await provider.send('author_rotateKeysWithOwner', [u8aToHex(eve.publicKey)]);
  check(generated.proof, 'the node proved the keys are Eve\'s');
  check((await node.rpc.author.hasSessionKeys(generated.keys)).isTrue, 'the node holds the keys');
  // The keys are the 32-byte Aura, GRANDPA and forecaster keys, one after the other.
  check(generated.keys.length === 2 + 3 * 64, `three 32-byte keys: ${generated.keys}`);
  await included(api, api.tx.session.setKeys(generated.keys, generated.proof), eve);
  const aura = `0x${generated.keys.slice(2, 66)}`;
  const grandpa = `0x${generated.keys.slice(66, 130)}`;
  console.log(`Eve registered her keys: aura ${aura}, grandpa ${grandpa}`);

  const after = await waitFor('Eve in Aura and GRANDPA', 50, async () => {
    const now = await sets(api);
    return now.validators.includes(eve.address) && now.aura.includes(aura) && now.grandpa.includes(grandpa) ? now : null;
  });
  check(after.validators.length === before.validators.length + 1, `five validators: ${after.validators}`);
  check(after.setId === before.setId + 1, `a new GRANDPA set: ${before.setId} -> ${after.setId}`);
  console.log(`Eve validates (session ${await api.query.session.currentIndex()}, GRANDPA set ${after.setId})`);

  const authors = await nextAuthors(api, 15, eve.address);
  check(authors.includes(eve.address), `Eve authored one of the next 15 blocks: ${authors}`);
  console.log(`Eve authored block ${authors.length} after she became a validator`);
  await node.disconnect();
}

async function remove(api, keyring, council, name) {
  const leaving = keyring.addFromUri(`//${name}//stash`);
  const before = await sets(api);
  check(before.validators.includes(leaving.address), `${name} validates`);
  const keys = await api.query.session.nextKeys(leaving.address);
  const aura = keys.unwrap().aura.toHex();
  const grandpa = keys.unwrap().grandpa.toHex();

  const result = await motion(api, council, api.tx.validatorMembership.removeMember(leaving.address), 2);
  check(result.isOk, `the motion removed ${name}: ${result}`);
  console.log(`a council motion of 2/3 removed //${name}//stash`);

  const after = await waitFor(`${name} to leave Aura and GRANDPA`, 50, async () => {
    const now = await sets(api);
    return !now.validators.includes(leaving.address) && !now.aura.includes(aura) && !now.grandpa.includes(grandpa) ? now : null;
  });
  check(after.setId === before.setId + 1, `a new GRANDPA set: ${before.setId} -> ${after.setId}`);
  console.log(`${name} left (session ${await api.query.session.currentIndex()}, GRANDPA set ${after.setId}, ${after.validators.length} validators)`);
  // Four validators: in ten blocks each has two or three slots.
  const authors = await nextAuthors(api, 10, leaving.address);
  check(!authors.includes(leaving.address), `${name} authored none of the next 10 blocks: ${authors}`);
  console.log(`${name} authored none of the next 10 blocks (${new Set(authors).size} validators did)`);
}

async function main() {
  check(url && arg && (command === 'add' || command === 'remove'), 'usage: node validators.mjs WS_URL add NEW_NODE_WS_URL | WS_URL remove NAME');
  const api = await ApiPromise.create({ provider: new WsProvider(url), noInitWarn: true });
  const keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 });
  // The local testnet's council (and Alice its sudo key).
  const council = ['//Alice', '//Bob', '//Charlie'].map((s) => keyring.addFromUri(s));
  if (command === 'add') await add(api, keyring, council, arg);
  else await remove(api, keyring, council, arg);
  await api.disconnect();
}

main().then(() => process.exit(0)).catch((error) => {
  console.error(error.message);
  process.exit(1);
});
