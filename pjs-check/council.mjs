// A production network's governance, through polkadot.js, as its council of five runs it: the
// chain has no sudo key; a councillor alone can neither use sudo nor manage, signed or by a
// motion of one; a motion of three (more than half) registers a member but does not reach
// root; four (two thirds) reach root through the whitelist, here to authorise a runtime
// upgrade (`docs/operators.md`, "Governance"). Given a peer id, a motion of three then authorises
// that node: it becomes a well-known node, owned by the first councillor ("Permissioned peering").
//
//   node council.mjs ws://127.0.0.1:9944 SECRETS_DIR [PEER_ID]
//
// SECRETS_DIR is the `secrets/` directory `scripts/production-spec.sh` wrote: the councillors'
// phrases are in `council-<j>.suri`. Exits non-zero (with the reason) if any step fails.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiPromise, Keyring, WsProvider } from '@polkadot/api';
import { base58Decode, randomAsU8a } from '@polkadot/util-crypto';
import { u8aToHex } from '@polkadot/util';
import { asRoot, check, included, motion } from './chain.mjs';

const [url, secrets, peerId] = process.argv.slice(2);

/// Resolves with the error `promise` rejected with, and fails if it did not.
async function refused(promise, expected) {
  try {
    await promise;
  } catch (error) {
    check(error.message.startsWith(expected), `refused with ${expected}: ${error.message}`);
    return;
  }
  check(false, `refused with ${expected}, but it was accepted`);
}

async function main() {
  check(url && secrets, 'usage: node council.mjs WS_URL SECRETS_DIR');
  const api = await ApiPromise.create({ provider: new WsProvider(url), noInitWarn: true });
  const keyring = new Keyring({ type: 'sr25519' });
  const files = readdirSync(secrets).filter((f) => /^council-\d+\.suri$/.test(f)).sort();
  const council = files.map((f) => keyring.addFromUri(readFileSync(join(secrets, f), 'utf8')));
  check(council.length === 5, `five councillors: ${files}`);

  check((await api.query.sudo.key()).isNone, 'the production chain has no sudo key');
  const members = (await api.query.council.members()).map((m) => m.toString()).sort();
  check(
    JSON.stringify(members) === JSON.stringify(council.map((c) => keyring.encodeAddress(c.publicKey, api.registry.chainSS58)).sort()),
    `the council is the five generated councillors: ${members}`,
  );
  console.log(`council of ${members.length}, no sudo key`);

  const newcomer = keyring.addFromSeed(randomAsU8a(32));
  const register = api.tx.participants.register(
    newcomer.address,
    'NL-COUNCIL-0001',
    { consumer: true, producer: false, dso: false, utility: false },
    u8aToHex(randomAsU8a(32)),
  );

  // One councillor alone: no sudo, the manager's call refused, and a motion of one (which runs
  // at once, with one aye) refused too.
  await refused(included(api, api.tx.sudo.sudo(register), council[0]), 'sudo.RequireSudo');
  await refused(included(api, register, council[0]), 'BadOrigin');
  const aloneResult = await motion(api, council, register, 1);
  check(aloneResult?.isErr && aloneResult.asErr.isBadOrigin, `a motion of one: ${aloneResult}`);
  console.log('a councillor alone: sudo.RequireSudo, BadOrigin signed, BadOrigin by a motion of one');

  const registered = await motion(api, council, register, 3);
  check(registered.isOk, `the motion to register a member succeeded: ${registered}`);
  const participant = await api.query.participants.participants(newcomer.address);
  check(participant.isSome, 'the newcomer is a member');
  console.log(`a motion of 3 of 5 registered ${newcomer.address}: ${JSON.stringify(participant.unwrap().toHuman())}`);

  // Root, through the whitelist, in one motion: three of five do not reach it, four do.
  const codeHash = u8aToHex(randomAsU8a(32));
  const upgrade = api.tx.system.authorizeUpgrade(codeHash);
  const rootCall = asRoot(api, upgrade);
  const short = await motion(api, council, rootCall, 3);
  check(short.isErr && short.asErr.isBadOrigin, `three of five do not reach root: ${short}`);
  check((await api.query.system.authorizedUpgrade()).isNone, 'no upgrade authorised by three of five');
  const rooted = await motion(api, council, rootCall, 4);
  check(rooted.isOk, `the motion to authorise an upgrade succeeded: ${rooted}`);
  const authorized = await api.query.system.authorizedUpgrade();
  check(authorized.isSome && authorized.unwrap().codeHash.toHex() === codeHash, `upgrade ${codeHash} authorised: ${authorized}`);
  console.log(`three of five were refused root (BadOrigin); a motion of 4 of 5 reached it and authorised upgrade ${codeHash}`);

  if (peerId) {
    // Permissioned peering: a node nobody authorised is refused by the validators until a
    // majority makes it a well-known node.
    const node = u8aToHex(base58Decode(peerId));
    const authorise = api.tx.nodeAuthorization.addWellKnownNode(node, council[0].address);
    const loneResult = await motion(api, council, authorise, 1);
    check(loneResult?.isErr && loneResult.asErr.isBadOrigin, `one councillor cannot authorise a node: ${loneResult}`);
    const authorised = await motion(api, council, authorise, 3);
    check(authorised.isOk, `the motion to authorise ${peerId} succeeded: ${authorised}`);
    const nodes = [...(await api.query.nodeAuthorization.wellKnownNodes())].map((n) => n.toHex());
    check(nodes.includes(node), `${peerId} is a well-known node: ${nodes}`);
    console.log(`one councillor was refused (BadOrigin); a motion of 3 of 5 authorised node ${peerId} (${nodes.length} well-known nodes)`);
  }
  await api.disconnect();
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error.message);
    process.exit(1);
  },
);
