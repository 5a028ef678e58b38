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
