// A dApp developer's first contact with the energy chain through polkadot.js: connect, decode
// the metadata, read a participant and a meter from storage, the market through the runtime
// API and the `market_*` RPC, and place a bid signed by a dev account.
//
//   node check.mjs [ws://127.0.0.1:9944]
//
// Exits non-zero (with the reason) if any step fails.

import { ApiPromise, Keyring, WsProvider } from '@polkadot/api';

const url = process.argv[2] ?? process.env.ENERGY_NODE_URL ?? 'ws://127.0.0.1:9944';

function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}

async function main() {
  const provider = new WsProvider(url);
  const api = await ApiPromise.create({ provider, noInitWarn: true });
  const keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 });
  const bob = keyring.addFromUri('//Bob');
  const eve = keyring.addFromUri('//Eve');

  // Metadata: the energy pallets, their calls and the runtime APIs are decoded.
  const pallets = api.runtimeMetadata.asLatest.pallets.map((p) => p.name.toString());
  console.log(`metadata v${api.runtimeMetadata.version}: ${pallets.length} pallets (${pallets.join(', ')})`);
  for (const name of ['Participants', 'ResAssets', 'Meters', 'EnergyTokens', 'Market', 'Forecasts']) {
    check(pallets.includes(name), `pallet ${name} in the metadata`);
  }
  check(typeof api.tx.market.placeBid === 'function', 'market.placeBid is decorated');
  check(typeof api.call.marketApi?.currentSlot === 'function', 'MarketApi is decorated');

  // A participant (IDgrid registry) and a meter, from storage.
  const participant = await api.query.participants.participants(bob.address);
  check(participant.isSome, 'Bob is a participant');
  console.log(`participant ${bob.address}: ${JSON.stringify(participant.unwrap().toHuman())}`);
  const meter = await api.query.meters.meterDirectory(0);
  check(meter.isSome, 'meter 0 is registered');
  console.log(`meter 0: ${JSON.stringify(meter.unwrap().toHuman())}`);

  // The market, through the runtime API and the RPC.
  const slot = (await api.call.marketApi.currentSlot()).toNumber();
  const tariffs = await api.call.marketApi.tariffs();
  console.log(`MarketApi.current_slot = ${slot}; tariff now ${JSON.stringify(tariffs[0].toHuman())}`);
  const target = slot + 2;
  const report = await provider.send('market_slotReport', [target]);
  check(report && report.status === 'Open', `the auction of slot ${target} is open: ${JSON.stringify(report)}`);
  console.log(`market_slotReport(${target}) = ${JSON.stringify(report)}`);

  // A bid signed by Eve (a consumer), followed to inclusion; its event and the book agree.
  const wh = 7;
  const price = 80_000;
  const events = await new Promise((resolve, reject) => {
    api.tx.market
      .placeBid(target, wh, price)
      .signAndSend(eve, ({ status, events, dispatchError }) => {
        if (dispatchError) {
          const error = dispatchError.isModule ? api.registry.findMetaError(dispatchError.asModule) : null;
          reject(new Error(error ? `${error.section}.${error.name}: ${error.docs.join(' ')}` : dispatchError.toString()));
        } else if (status.isInBlock) {
          resolve(events);
        }
      })
      .catch(reject);
  });
  const placed = events.find(({ event }) => api.events.market.BidPlaced.is(event));
  check(placed, 'a BidPlaced event');
  console.log(`BidPlaced: ${JSON.stringify(placed.event.data.toHuman())}`);
  const after = await provider.send('market_slotReport', [target]);
  check(after.bids === report.bids + 1, `the book of slot ${target} has one more bid`);
  console.log(`market_slotReport(${target}).bids: ${report.bids} -> ${after.bids}`);

  await api.disconnect();
  console.log('polkadot.js check passed');
}

main().catch((error) => {
  console.error(error.message ?? error);
  process.exit(1);
});
