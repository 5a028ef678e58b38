// A dApp developer's first contact with the energy chain through polkadot.js: connect, decode
// the metadata, read a participant and a meter from storage, the market through the runtime
// API and the `market_*` RPC, and place a bid signed by a dev account; read the DSO's grid and
// withhold a transformer's headroom for a coming slot as the DSO.
//
//   node check.mjs [ws://127.0.0.1:9944]
//
// Exits non-zero (with the reason) if any step fails.

import { ApiPromise, Keyring, WsProvider } from '@polkadot/api';
import { check, included } from './chain.mjs';

const url = process.argv[2] ?? process.env.ENERGY_NODE_URL ?? 'ws://127.0.0.1:9944';

async function main() {
  const provider = new WsProvider(url);
  const api = await ApiPromise.create({ provider, noInitWarn: true });
  const keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 });
  const bob = keyring.addFromUri('//Bob');
  const eve = keyring.addFromUri('//Eve');
  const dso = keyring.addFromUri('//Dso');

  // Metadata: the energy pallets, their calls and the runtime APIs are decoded.
  const pallets = api.runtimeMetadata.asLatest.pallets.map((p) => p.name.toString());
  console.log(`metadata v${api.runtimeMetadata.version}: ${pallets.length} pallets (${pallets.join(', ')})`);
  for (const name of ['Participants', 'ResAssets', 'Meters', 'EnergyTokens', 'Market', 'Forecasts', 'Flexibility', 'Grid']) {
    check(pallets.includes(name), `pallet ${name} in the metadata`);
  }
  check(typeof api.tx.market.placeBid === 'function', 'market.placeBid is decorated');
  check(typeof api.call.marketApi?.currentSlot === 'function', 'MarketApi is decorated');
  // The clearing on the grid: each slot's loading per element, each trade's two prices.
  check(typeof api.query.market.slotLoading === 'function', 'market.slotLoading is decorated');
  // A trade page is a bounded sequence of trades: unwrap it down to the trade's own fields.
  let trade = api.registry.lookup.getSiType(api.query.market.tradePages.creator.meta.type.asMap.value);
  for (let depth = 0; depth < 4 && !(trade.def.isComposite && trade.def.asComposite.fields.length > 1); depth++) {
    const inner = trade.def.isSequence ? trade.def.asSequence.type : trade.def.asComposite.fields[0].type;
    trade = api.registry.lookup.getSiType(inner);
  }
  const tradeFields = trade.def.isComposite ? trade.def.asComposite.fields.map((f) => f.name.unwrapOr('').toString()) : [];
  check(tradeFields.includes('buyer_price') && tradeFields.includes('seller_price'), `a stored trade carries a buyer and a seller price: ${tradeFields.join(', ')}`);

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

  // A bid signed by Eve (a consumer) for her household meter (3 in the dev presets), followed
  // to inclusion; its event and the book agree.
  const wh = 7;
  const price = 80_000;
  const eveMeter = 3;
  const events = await included(api, api.tx.market.placeBid(target, eveMeter, wh, price), eve);
  const placed = events.find(({ event }) => api.events.market.BidPlaced.is(event));
  check(placed, 'a BidPlaced event');
  check(placed.event.data.meter.toNumber() === eveMeter, 'the bid is delivered at her meter');
  // A bid at a meter that is not hers (Ferdie's, 4) is refused with the pallet's named error.
  const foreign = await included(api, api.tx.market.placeBid(target, 4, wh, price), eve).catch((e) => e.message);
  check(typeof foreign === 'string' && foreign.startsWith('market.NotMeterOwner'), `a bid at Ferdie's meter refused: ${foreign}`);
  console.log(`BidPlaced: ${JSON.stringify(placed.event.data.toHuman())}`);
  const after = await provider.send('market_slotReport', [target]);
  check(after.bids === report.bids + 1, `the book of slot ${target} has one more bid`);
  console.log(`market_slotReport(${target}).bids: ${report.bids} -> ${after.bids}`);

  // The DSO's grid: its keeper, where Eve's meter is, each element's room in a slot through
  // the runtime API; then the DSO withholds half of transformer T1 (element 10) for a coming
  // slot and the runtime API shows it.
  const keeper = await api.query.grid.keeper();
  check(keeper.isSome && keeper.unwrap().toString() === dso.address, 'the DSO keeps the grid');
  const evePoint = await api.query.grid.meterPoints(3);
  check(evePoint.isSome && evePoint.unwrap().toNumber() === 104, "Eve's meter is at point 104");
  const [unboundMeters, unboundRes] = await api.call.gridApi.unbound();
  check(unboundMeters.length === 0 && unboundRes.length === 0, `every demo record is bound: ${unboundMeters}, ${unboundRes}`);
  const later = slot + 5;
  const room = async (id) => {
    const elements = await api.call.gridApi.slotElements(later);
    const element = elements.find((e) => e.id.toNumber() === id);
    return element && [element.upW.toNumber(), element.downW.toNumber()];
  };
  const elements = await api.call.gridApi.slotElements(later);
  check(elements.length === 9, `the demo grid has 9 elements: ${elements.length}`);
  console.log(`GridApi.slot_elements(${later}): ${elements.map((e) => `${e.id}↑${e.upW}↓${e.downW}`).join(' ')}`);
  check(JSON.stringify(await room(10)) === '[12000,12000]', 'T1 has its capacity');
  const withheld = await included(api, api.tx.grid.withhold(10, later, 1, 6_000, 12_000), dso);
  check(withheld.find(({ event }) => api.events.grid.HeadroomWithheld.is(event)), 'a HeadroomWithheld event');
  check(JSON.stringify(await room(10)) === '[6000,12000]', `T1's room in slot ${later} is withheld: ${await room(10)}`);
  console.log(`grid.withhold(10, ${later}): T1 room ${await room(10)} W (up, down)`);
  // Eve is not the keeper: refused with the pallet's named error.
  const refused = await included(api, api.tx.grid.withhold(10, later, 1, 0, 0), eve).catch((e) => e.message);
  check(typeof refused === 'string' && refused.startsWith('grid.NotKeeper'), `Eve's withhold refused: ${refused}`);
  console.log(`Eve's grid.withhold: ${refused.split(':')[0]}`);

  await api.disconnect();
  console.log('polkadot.js check passed');
}

main().catch((error) => {
  console.error(error.message ?? error);
  process.exit(1);
});
