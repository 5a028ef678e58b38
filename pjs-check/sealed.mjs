// A sealed auction on a dev node, end to end, through polkadot.js: the commitment computed
// here, independently of the runtime, from the documented format (and checked against the
// README's test vector); governance seals the auctions; Eve commits a bid and Bob an offer;
// the book shows only the commitment counts until gate closure; both reveal in the window;
// the revealed book clears with their trade; settlement settles the slot and releases what
// they held.
//
//   node sealed.mjs [ws://127.0.0.1:9944] [dashboard-dir screenshot-dir]
//
// With the dashboard's directory (built: `npm run build --prefix dashboard`), it also checks in
// headless Chromium that the dashboard's order book shows the commitment counts and none of
// the orders before gate closure (`dashboard/tests/sealed-book.mjs`).
//
// Exits non-zero (with the reason) if any step fails.

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ApiPromise, Keyring, WsProvider } from '@polkadot/api';
import { check, included } from './chain.mjs';
import { bnToU8a, stringToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { blake2AsU8a, decodeAddress, randomAsU8a } from '@polkadot/util-crypto';

const url = process.argv[2] ?? process.env.ENERGY_NODE_URL ?? 'ws://127.0.0.1:9944';
const [dashboard, screenshots] = process.argv.slice(3);
const REVEAL_MS = 18_000;

// The commitment format (README, "Sealed auctions"): BLAKE2b-256 of the 16 bytes
// "energy/sealed/v1", the 32-byte account, the slot (u32 LE), the side (0x02 + meter u32 LE for
// a bid, 0x01 + RES u32 LE for an offer), the energy (u64 LE), the price (u128 LE) and the
// 32-byte salt.
export function commitment(account, slot, side, wh, price, salt) {
  const le = (value, bitLength) => bnToU8a(value, { bitLength, isLe: true });
  const sideBytes = 'meter' in side ? u8aConcat([2], le(side.meter, 32)) : u8aConcat([1], le(side.res, 32));
  const preimage = u8aConcat(
    stringToU8a('energy/sealed/v1'),
    decodeAddress(account),
    le(slot, 32),
    sideBytes,
    le(wh, 64),
    le(price, 128),
    salt,
  );
  check(preimage.length === 113, `a commitment's preimage is 113 bytes: ${preimage.length}`);
  return blake2AsU8a(preimage, 256);
}

async function main() {
  // The documented test vector.
  const keyring = new Keyring({ type: 'sr25519' });
  const alice = keyring.addFromUri('//Alice');
  const vector = u8aToHex(commitment(alice.address, 29_452_800, { meter: 3 }, 7, 80_000, new Uint8Array(32).fill(0x2a)));
  check(vector === '0xc0165a4fcf75a938fdea9c642fcd45c63f00f0662dc3441bf0153561a741b0db', `the test vector: ${vector}`);
  console.log(`test vector ${vector}`);

  const provider = new WsProvider(url);
  const api = await ApiPromise.create({ provider, noInitWarn: true });
  const bob = keyring.addFromUri('//Bob');
  const eve = keyring.addFromUri('//Eve');
  const ferdie = keyring.addFromUri('//Ferdie');
  const one = keyring.addFromUri('//One');

  // Bob withdraws his standing offer, so that his sealed offer has his RES's whole capacity in
  // the sealed slot.
  const standing = await api.query.market.standingOrders.entries();
  for (const [key, order] of standing) {
    if (order.unwrap().owner.toString() === bob.address) {
      await included(api, api.tx.market.cancelStandingOrder(key.args[0]), bob);
    }
  }

  // Governance (the dev sudo key) seals the auctions opened from now on.
  const sealed = await included(api, api.tx.sudo.sudo(api.tx.market.setAuctionMode({ Sealed: { revealMs: REVEAL_MS } })), alice);
  check(sealed.find(({ event }) => api.events.market.AuctionModeSet.is(event)), 'an AuctionModeSet event');

  // The first sealed auction, once it opens, with time to commit before its gate.
  let slot;
  for (let tries = 0; tries < 40 && slot === undefined; tries++) {
    const now = (await api.call.marketApi.currentSlot()).toNumber();
    for (let s = now + 1; s <= now + 4; s++) {
      const [book, auction] = await Promise.all([api.query.market.sealedBooks(s), api.query.market.auctions(s)]);
      const timestamp = (await api.query.timestamp.now()).toNumber();
      // Time to commit (a block) and to look at the book in the dashboard before the gate.
      if (book.isSome && auction.isSome && auction.unwrap().gateClosureAt.toNumber() > timestamp + 90_000) {
        slot = s;
        break;
      }
    }
    if (slot === undefined) await new Promise((resolve) => setTimeout(resolve, 6_000));
  }
  check(slot !== undefined, 'a sealed auction opened');
  const auction = (await api.query.market.auctions(slot)).unwrap();
  const retail = auction.retail.toBigInt();
  console.log(`slot ${slot} is sealed: gate closure at ${auction.gateClosureAt}, retail ${retail}`);

  // Eve (a consumer, meter 3) bids near the retail cap and Bob (RES 0) offers low; Ferdie
  // (meter 4) bids low, which brings AverageBid's price down to where Eve's bid also pays her
  // path's network charges; One (meter 5) commits and never reveals.
  const orders = [
    { who: eve, side: { meter: 3 }, sealedSide: 'Bid', wh: 10, price: retail - 1_000n, maxWh: 12 },
    { who: bob, side: { res: 0 }, sealedSide: 'Offer', wh: 10, price: 30_000n, maxWh: 10 },
    { who: ferdie, side: { meter: 4 }, sealedSide: 'Bid', wh: 10, price: 60_000n, maxWh: 10 },
    { who: one, side: { meter: 5 }, sealedSide: 'Bid', wh: 5, price: 90_000n, maxWh: 5 },
  ];
  const commits = await Promise.all(
    orders.map((order) => {
      order.salt = randomAsU8a(32);
      order.hash = commitment(order.who.address, slot, order.side, order.wh, order.price, order.salt);
      return included(api, api.tx.market.commitOrder(slot, order.sealedSide, order.maxWh, order.hash), order.who);
    }),
  );
  for (const [n, order] of orders.entries()) {
    const events = commits[n];
    const committed = events.find(({ event }) => api.events.market.OrderCommitted.is(event));
    check(committed, 'an OrderCommitted event');
    order.id = committed.event.data.id.toNumber();
    order.bond = committed.event.data.bond.toBigInt();
    console.log(`${order.sealedSide} committed as order ${order.id}: ${JSON.stringify(committed.event.data.toHuman())}`);
    // The chain stored exactly the hash computed here.
    const stored = await api.query.market.commitments(slot, order.id);
    const storedHash = stored.isSome ? stored.unwrap().digest.toHex() : null;
    check(storedHash === u8aToHex(order.hash), `the stored commitment ${storedHash} is the hash computed by polkadot.js ${u8aToHex(order.hash)}`);
  }
  // Until the reveal, the chain shows the commitments' count, not the orders.
  const book = (await api.query.market.sealedBooks(slot)).unwrap();
  check(book.unrevealedBids.toNumber() === 3 && book.unrevealedOffers.toNumber() === 1, `three bids and one offer committed: ${book}`);
  for (const order of orders) {
    check((await api.query.market.orders(slot, order.id)).isNone, `order ${order.id} is not in the book before its reveal`);
  }
  if (dashboard) {
    const { stdout } = await promisify(execFile)('node', [join(dashboard, 'tests/sealed-book.mjs'), url, String(slot), '3', '1', screenshots ?? 'screenshots'], { cwd: dashboard });
    console.log(stdout.trim());
  }
  // A reveal before gate closure is refused with the pallet's named error.
  const [eveOrder, bobOrder, ferdieOrder, oneOrder] = orders;
  const oneBefore = (await api.query.system.account(one.address)).data;
  const oneCommitted = oneOrder;
  const early = await included(api, reveal(api, slot, eveOrder), eve).catch((e) => e.message);
  check(typeof early === 'string' && early.startsWith('market.NotRevealing'), `an early reveal refused: ${early}`);

  // Gate closure opens the reveal window.
  const started = await waitForEvent(api, (event) => api.events.market.RevealStarted.is(event) && event.data.slot.toNumber() === slot, 300);
  console.log(`RevealStarted: ${JSON.stringify(started.data.toHuman())}`);
  check(started.data.commitments.toNumber() === 4, 'four commitments to reveal');
  // The window is three blocks: Eve reveals in the first; Bob reveals, and Eve's reveal is
  // replayed, in the second.
  const revealedIn = (events) => {
    const revealed = events.find(({ event }) => api.events.market.OrderRevealed.is(event));
    check(revealed, 'an OrderRevealed event');
    console.log(`revealed order ${revealed.event.data.id}: ${JSON.stringify(revealed.event.data.toHuman())}`);
  };
  revealedIn(await included(api, reveal(api, slot, eveOrder), eve));
  const [bobEvents, ferdieEvents, again] = await Promise.all([
    included(api, reveal(api, slot, bobOrder), bob),
    included(api, reveal(api, slot, ferdieOrder), ferdie),
    included(api, reveal(api, slot, eveOrder), eve).catch((e) => e.message),
  ]);
  revealedIn(bobEvents);
  revealedIn(ferdieEvents);
  check(typeof again === 'string' && again.startsWith('market.AlreadyRevealed'), `a repeated reveal refused: ${again}`);
  check((await api.query.market.orders(slot, eveOrder.id)).unwrap().price.toBigInt() === eveOrder.price, "Eve's bid is in the book at her price");

  // The window's end: the revealed book clears, with Eve's bid against Bob's offer.
  const cleared = await waitForEvent(api, (event) => api.events.market.Cleared.is(event) && event.data.slot.toNumber() === slot, 60);
  console.log(`Cleared: ${JSON.stringify(cleared.data.toHuman())}`);
  const pages = await api.query.market.tradePages.entries(slot);
  const trades = pages.flatMap(([, page]) => [...page.unwrap()]);
  const trade = trades.find((t) => t.bid.toNumber() === eveOrder.id && t.offer.toNumber() === bobOrder.id);
  check(trade, `Eve's bid traded with Bob's offer: ${JSON.stringify(trades.map((t) => t.toHuman()))}`);
  console.log(`trade ${JSON.stringify(trade.toHuman())}`);

  // Settlement after the slot: the trade settles (Bob's meter sent no reading here: his deposit
  // pays Eve for the shortfall) and the slot's holds are released.
  const tradeSettled = waitForEvent(api, (event) => api.events.market.TradeSettled.is(event) && event.data.slot.toNumber() === slot && event.data.bid.toNumber() === eveOrder.id, 200);
  const settled = await waitForEvent(api, (event) => api.events.market.Settled.is(event) && event.data.slot.toNumber() === slot, 200);
  console.log(`TradeSettled: ${JSON.stringify((await tradeSettled).data.toHuman())}`);
  console.log(`Settled: ${JSON.stringify(settled.data.toHuman())}`);
  const summary = (await api.query.market.sealedBooks(slot)).unwrap();
  check(summary.revealed.toNumber() === 3 && summary.voided.toNumber() === 1, `three revealed, one void: ${summary}`);
  // One's unrevealed commitment is void: its hold came back, its bond was burned.
  const oneAfter = (await api.query.system.account(one.address)).data;
  const lost = oneBefore.free.toBigInt() + oneBefore.reserved.toBigInt() - oneAfter.free.toBigInt() - oneAfter.reserved.toBigInt();
  check(summary.forfeited.toBigInt() === oneCommitted.bond && lost === oneCommitted.bond, `One lost exactly its bond ${oneCommitted.bond}: ${lost}, forfeited ${summary.forfeited}`);
  check(oneAfter.reserved.toBigInt() === 0n, `nothing of One's stays on hold: ${oneAfter.reserved}`);
  console.log(`One's unrevealed commitment: void, bond ${oneCommitted.bond} burned`);
  // The others' reveal bonds went back at the reveal.
  for (const who of [eve, bob, ferdie]) {
    const holds = await api.query.balances.holds(who.address);
    const bonds = holds.filter((hold) => hold.id.isMarket && hold.id.asMarket.isRevealBond);
    check(bonds.every((hold) => hold.amount.isZero()), `no reveal bond left on hold: ${holds.toHuman ? JSON.stringify(holds.toHuman()) : holds}`);
  }

  await api.disconnect();
  console.log('sealed auction check passed');
}

function reveal(api, slot, order) {
  const side = 'meter' in order.side ? { Bid: { meter: order.side.meter } } : { Offer: { res: order.side.res } };
  return api.tx.market.revealOrder(slot, order.id, side, order.wh, order.price, order.salt);
}

// Resolves with the first event matching `matches` in a new block, within `seconds`.
function waitForEvent(api, matches, seconds) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no matching event within ${seconds} s`)), seconds * 1000);
    api.query.system.events((records) => {
      const found = records.find(({ event }) => matches(event));
      if (found) {
        clearTimeout(timer);
        resolve(found.event);
      }
    }).catch(reject);
  });
}

main().catch((error) => {
  console.error(error.message ?? error);
  process.exit(1);
});
