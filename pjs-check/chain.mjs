// What the polkadot.js checks share: a named check, and a transaction followed to its block.

/// Throws `check failed: <message>` unless `condition` holds.
export function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}

/// Signs and sends `tx` as `signer` and resolves with its events once it is in a block; rejects
/// with the pallet error's name and docs if it failed.
export function included(api, tx, signer) {
  return new Promise((resolve, reject) => {
    tx.signAndSend(signer, ({ status, events, dispatchError }) => {
      if (dispatchError) {
        const error = dispatchError.isModule ? api.registry.findMetaError(dispatchError.asModule) : null;
        reject(new Error(error ? `${error.section}.${error.name}: ${error.docs.join(' ')}` : dispatchError.toString()));
      } else if (status.isInBlock) {
        resolve(events);
      }
    }).catch(reject);
  });
}

/// A council motion: `councillors[0]` proposes `call` with a threshold of `ayes`, the first
/// `ayes` councillors vote aye, and `councillors[0]` closes it; resolves with the result the
/// call's dispatch gave (`council.Executed`'s `result`). A threshold of one executes at once, with
/// the proposer's aye alone.
export async function motion(api, councillors, call, ayes) {
  const length = call.method.encodedLength;
  const events = await included(api, api.tx.council.propose(ayes, call, length), councillors[0]);
  if (ayes < 2) return executedResult(api, events);
  const proposed = events.find(({ event }) => api.events.council.Proposed.is(event));
  check(proposed, 'the motion was proposed');
  const [, index, hash] = proposed.event.data;
  await Promise.all(councillors.slice(0, ayes).map((c) => included(api, api.tx.council.vote(hash, index, true), c)));
  // The whole transaction's weight bounds its call's.
  const { weight } = await call.paymentInfo(councillors[0].address);
  const closed = await included(api, api.tx.council.close(hash, index, weight, length), councillors[0]);
  return executedResult(api, closed);
}

/// The result of the `council.Executed` among `events`.
function executedResult(api, events) {
  const executed = events.find(({ event }) => api.events.council.Executed.is(event));
  check(executed, 'the motion was executed');
  return executed.event.data.result;
}

/// The council's path to root in one motion: whitelist `call`'s hash, then dispatch it as root
/// (`docs/operators.md`, "Governance").
export function asRoot(api, call) {
  return api.tx.utility.batchAll([
    api.tx.whitelist.whitelistCall(call.method.hash),
    api.tx.whitelist.dispatchWhitelistedCallWithPreimage(call.method),
  ]);
}
