// Signing and submitting a member's transactions, with every failure shown as a readable
// message: the pallet error's name and documentation, a refused transaction's reason.

import type { SubmittableExtrinsic } from '@polkadot/api/types';
import type { DispatchError, EventRecord } from '@polkadot/types/interfaces';
import type { Account } from './accounts';
import type { Chain } from './chain';

/// What happened to a transaction once it is in a block.
export interface Outcome {
  ok: boolean;
  message: string;
  events: EventRecord[];
}

/// `market.PriceAboveRetail: A bid's price is above the slot's retail tariff.`
export function describeError(chain: Chain, error: DispatchError): string {
  if (error.isModule) {
    const meta = chain.api.registry.findMetaError(error.asModule);
    return `${meta.section}.${meta.name}: ${meta.docs.join(' ').trim() || 'no documentation'}`;
  }
  if (error.isToken) return `token error: ${error.asToken.type}`;
  if (error.isArithmetic) return `arithmetic error: ${error.asArithmetic.type}`;
  return error.type;
}

/// Signs `tx` with `account` and resolves when it is in a block, with its events and either
/// success or the decoded error. Refusals before a block (bad nonce, no funds for the fee)
/// reject with the node's message. `nonce` is for several transactions signed at once.
export function submit(chain: Chain, account: Account, tx: SubmittableExtrinsic<'promise'>, nonce?: number): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const options = { ...(account.signer ? { signer: account.signer } : {}), ...(nonce === undefined ? {} : { nonce }) };
    const signer = account.pair ?? account.address;
    let unsubscribe: (() => void) | undefined;
    tx.signAndSend(signer, options, (result) => {
      if (result.isError) {
        unsubscribe?.();
        reject(new Error(`transaction ${result.status.type.toLowerCase()}`));
        return;
      }
      if (!result.status.isInBlock && !result.status.isFinalized) return;
      unsubscribe?.();
      const failed = result.events.find(({ event }) => chain.api.events.system.ExtrinsicFailed.is(event));
      if (result.dispatchError || failed) {
        const error = result.dispatchError ?? (failed!.event.data[0] as DispatchError);
        resolve({ ok: false, message: describeError(chain, error), events: result.events });
      } else {
        resolve({ ok: true, message: 'in block', events: result.events });
      }
    })
      .then((u) => (unsubscribe = u))
      .catch((e: Error) => reject(new Error(`the node refused the transaction: ${e.message}`)));
  });
}
