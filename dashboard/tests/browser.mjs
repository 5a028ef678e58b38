// The dashboard in headless Chromium against a running dev node:
//   node tests/browser.mjs <ws-url> <screenshot-dir>
// Serves dist/ (build it first: `npm run build`), puts an offer and a bid in an auction so that
// it clears, waits until the dashboard shows that slot cleared, checks the clearing price shown
// equals `market_slotReport`'s, places a bid through the member view and finds it in the order
// book, cancels it and a standing order set through the form, checks that a refused bid shows
// the pallet error's name and doc, that Eve's hourly matching shown is `certificates_matching`'s,
// loads a home's plan and places its bids, checks that the
// flexibility view refuses a member's request and an unforecast slot by name, that the grid
// view draws the DSO's grid, refuses a member's withholding by name and shows the DSO's and the
// cleared slot's loading, element by element, and saves screenshots.
// Chromium is Debian's (`apt-get install chromium`), or the one at $CHROMIUM.

import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiPromise, Keyring, WsProvider } from '@polkadot/api';
import { chromium } from 'playwright-core';
import { preview } from 'vite';

const [wsUrl = 'ws://127.0.0.1:9944', shots = 'screenshots'] = process.argv.slice(2);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
mkdirSync(shots, { recursive: true });

function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
  console.log(`ok: ${message}`);
}

/// Signs and sends `tx`, resolving with its events once in a block (rejecting on a failure).
function send(api, tx, signer, options = {}) {
  return new Promise((resolve, reject) => {
    tx.signAndSend(signer, options, ({ status, dispatchError, events }) => {
      if (dispatchError) {
        const m = dispatchError.isModule ? api.registry.findMetaError(dispatchError.asModule) : null;
        reject(new Error(m ? `${m.section}.${m.name}` : dispatchError.toString()));
      } else if (status.isInBlock) resolve(events);
    }).catch(reject);
  });
}

const provider = new WsProvider(wsUrl);
const api = await ApiPromise.create({ provider, noInitWarn: true });
const keyring = new Keyring({ type: 'sr25519' });
const dave = keyring.addFromUri('//Dave'); // prosumer, RES 2
const ferdie = keyring.addFromUri('//Ferdie'); // consumer
const one = keyring.addFromUri('//One'); // consumer

// The auction to clear: the nearest open one whose gate closes in more than 20 s.
const now = Date.now();
const current = (await api.call.marketApi.currentSlot()).toNumber();
let slot = null;
for (let s = current; s <= current + 5 && slot === null; s++) {
  const report = await provider.send('market_slotReport', [s]);
  if (report?.status === 'Open' && report.gate_closure_at > now + 20_000) slot = s;
}
check(slot !== null, `an open auction to trade in (slot ${slot})`);
const nonce = async (pair) => (await api.rpc.system.accountNextIndex(pair.address)).toNumber();
// On the demo grid Dave's RES (point 203) and Ferdie's meter (205) share transformer T2: the
// energy crosses their two lines, 1,000 per kWh of charges on top of AverageBid's price (the
// mean bid), so One's low bid brings the mean below Ferdie's.
await Promise.all([
  send(api, api.tx.market.placeOffer(slot, 2, 50, 40_000), dave, { nonce: await nonce(dave) }),
  send(api, api.tx.market.placeBid(slot, 4, 50, 90_000), ferdie, { nonce: await nonce(ferdie) }),
  send(api, api.tx.market.placeBid(slot, 5, 10, 60_000), one, { nonce: await nonce(one) }),
]);
console.log(`Dave offered 50 Wh, Ferdie bid 50 and One 10 in slot ${slot}`);

const server = await preview({ root, logLevel: 'warn', preview: { port: 0, host: '127.0.0.1', strictPort: false } });
const pageUrl = `${server.resolvedUrls.local[0]}?rpc=${encodeURIComponent(wsUrl)}`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-dev-shm-usage'],
});
let failed = false;
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
try {
  await page.goto(pageUrl);
  await page.waitForSelector('#chain-status.ok', { timeout: 60_000 });
  check(true, `the dashboard connected (${await page.textContent('#chain-status')})`);

  // The market view: wait for the slot to clear, compare the price with the RPC's.
  const row = `#slots-table tr[data-slot="${slot}"]`;
  await page.waitForFunction(
    (sel) => {
      const status = document.querySelector(`${sel} td.status`)?.textContent;
      return status && status !== 'open' && status !== 'none';
    },
    row,
    { timeout: 240_000, polling: 1000 },
  );
  const shownMcp = await page.getAttribute(`${row} td.mcp`, 'data-mcp');
  const shownText = await page.textContent(`${row} td.mcp`);
  const report = await provider.send('market_slotReport', [slot]);
  check(report.mcp !== null && report.trades > 0, `slot ${slot} cleared on chain: mcp ${report.mcp}, ${report.trades} trades`);
  check(Number(shownMcp) === report.mcp, `the clearing price shown (${shownText}) is the RPC's (${report.mcp})`);
  check(shownText.startsWith((report.mcp / 1e6).toFixed(4)), 'the price text is in CEUR/kWh');
  await page.screenshot({ path: join(shots, 'market.png'), fullPage: true });

  // The member view: Eve places a bid through the form.
  await page.click('nav button[data-view="member"]');
  const eve = keyring.addFromUri('//Eve').address;
  await page.selectOption('#account', eve);
  await page.waitForFunction(() => document.querySelectorAll('#bid-form select[name="slot"] option').length > 0);
  // The bid is delivered at Eve's household meter (3 in the dev presets), the only one offered.
  await page.waitForSelector('#bid-form select[name="meter"] option[value="3"]', { state: 'attached', timeout: 30_000 });
  const offered = await page.$$eval('#bid-form select[name="meter"] option', (os) => os.map((o) => o.value));
  check(offered.join() === '3', `the bid form offers Eve's consumption meters: ${offered.join()}`);
  const slots = await page.$$eval('#bid-form select[name="slot"] option', (os) => os.map((o) => Number(o.value)));
  const bidSlot = Math.max(...slots);
  await page.selectOption('#bid-form select[name="slot"]', String(bidSlot));
  await page.fill('#bid-form input[name="wh"]', '7');
  await page.fill('#bid-form input[name="price"]', '0.0811');
  await page.click('#place-bid');
  await page.waitForSelector('#action-result.ok:has-text("Bid placed")', { timeout: 60_000 });
  const placed = await page.textContent('#action-result');
  const match = placed.match(/order #(\d+) in slot (\d+)/);
  check(match && Number(match[2]) === bidSlot, `the bid was placed: "${placed}"`);
  const orderId = Number(match[1]);
  await page.waitForSelector(`#my-order-${bidSlot}-${orderId}`, { timeout: 30_000 });
  check(true, `the bid is among Eve's open orders`);

  // A bid above the retail tariff is refused with the pallet error's name and doc.
  await page.fill('#bid-form input[name="price"]', '1.5');
  await page.click('#place-bid');
  await page.waitForSelector('#action-result.error', { timeout: 60_000 });
  const refused = await page.textContent('#action-result');
  check(/market\.PriceAboveRetail: \S/.test(refused), `a refused bid reads "${refused}"`);
  await page.screenshot({ path: join(shots, 'member.png'), fullPage: true });

  // Eve's hourly matching: the member view shows `certificates_matching`'s totals for the slots
  // it charts (the demo gateway reports her meter, so she has metered consumption). The view
  // re-reads the report every block: compare until a block passes with no new reading.
  await page.waitForSelector('#matching-score', { timeout: 60_000 });
  let agreed = '';
  for (let attempt = 0; attempt < 20 && !agreed; attempt++) {
    const shown = await page.textContent('#matching-summary');
    const span = shown.match(/slots (\d+)–(\d+)/);
    if (!span) {
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      continue;
    }
    const matching = await provider.send('certificates_matching', [eve, Number(span[1]), Number(span[2])]);
    const hours = Number(await page.textContent('#matching-hours'));
    const score = await page.textContent('#matching-score');
    const expected = matching.total.cfe_score == null ? '–' : `${(matching.total.cfe_score * 100).toFixed(1)} %`;
    if (hours > 0 && hours === matching.hours.length && score === expected) agreed = `${hours} metered slots, CFE score ${score}`;
    else await new Promise((resolve) => setTimeout(resolve, 3_000));
  }
  check(agreed, `Eve's matching shown equals certificates_matching's: ${agreed}`);
  await page.locator('#matching').screenshot({ path: join(shots, 'matching.png') });

  // A standing order set through the form is listed; cancelling it through the UI removes it.
  await page.fill('#standing-form input[name="amount"]', '12');
  await page.click('#set-standing');
  await page.waitForSelector('#action-result.ok:has-text("Standing order #")', { timeout: 60_000 });
  const standing = (await page.textContent('#action-result')).match(/#(\d+)/)[1];
  await page.waitForSelector(`#standing-${standing}`, { timeout: 30_000 });
  check(true, `standing order #${standing} (12 Wh per slot) is listed`);
  await page.click(`#standing-${standing} button[data-cancel]`);
  await page.waitForSelector(`#standing-${standing}`, { state: 'detached', timeout: 60_000 });
  check(true, `standing order #${standing} cancelled through the UI`);

  // The order book of that slot shows the bid.
  await page.click('nav button[data-view="market"]');
  await page.selectOption('#book-slot', String(bidSlot));
  const orderRow = `#order-${bidSlot}-${orderId}`;
  await page.waitForSelector(orderRow, { timeout: 30_000 });
  const cells = await page.$$eval(`${orderRow} td`, (tds) => tds.map((td) => td.textContent));
  check(cells[1] === 'bid' && cells[4] === '7 Wh' && cells[5].startsWith('0.0811'), `the order book shows it: ${cells.join(' | ')}`);
  await page.screenshot({ path: join(shots, 'order-book.png'), fullPage: true });

  // Cancelling the bid from the member view releases it from the book.
  await page.click('nav button[data-view="member"]');
  await page.click(`#my-order-${bidSlot}-${orderId} button[data-cancel]`);
  await page.waitForSelector(`#my-order-${bidSlot}-${orderId}`, { state: 'detached', timeout: 60_000 });
  const left = await api.query.market.orders(bidSlot, orderId);
  check(left.isNone, `order #${orderId} cancelled through the UI and gone from the chain`);

  // A home's plan (`energy-ems plan --home ems/examples/home.toml --json`) loaded into the
  // member view: every appliance drawn across the day; its bids placed in the open auctions.
  // A hand-edited plan with markup where a number belongs is refused, and nothing is drawn.
  const tampered = { start_hour: 0, appliances: [], plan: { schedules: [], net_wh: ['<img src=x onerror=alert(1)>'], cost: 0, unmanaged_cost: 0, proven_optimal: true, orders: [] } };
  await page.setInputFiles('#plan-file', { name: 'tampered.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(tampered)) });
  await page.waitForSelector('#action-result.error:has-text("cannot be read")', { timeout: 10_000 });
  check((await page.$('#plan-summary')) === null && (await page.$('#home-plan img')) === null, `a tampered plan is refused: "${await page.textContent('#action-result')}"`);
  await page.setInputFiles('#plan-file', join(root, 'tests', 'home-plan.json'));
  await page.waitForSelector('#plan-summary', { timeout: 10_000 });
  const rows = await page.$$eval('#home-plan tr.plan-row', (rs) => rs.length);
  const full = await page.$$eval('#home-plan td.plan-full', (cs) => cs.length);
  check(rows === 14 && full > 0, `the plan shows its 14 appliances (${full} hours at full power): ${await page.textContent('#plan-summary')}`);
  const firstSlots = await page.$$eval('#plan-first-slot option', (os) => os.map((o) => Number(o.value)));
  const first = Math.min(...firstSlots);
  await page.selectOption('#plan-first-slot', String(first));
  await page.click('#place-plan-bids');
  await page.waitForSelector('#action-result:has-text("Placed ")', { timeout: 90_000 });
  const planned = await page.textContent('#action-result');
  const placedBids = Number((planned.match(/Placed (\d+) of/) ?? [])[1]);
  const onChain = (await api.query.market.ordersOfMember(first, eve)).toNumber();
  check(placedBids >= 1 && !/refused/.test(planned) && onChain === 1, `the plan's bids went in: "${planned}"; slot ${first} holds Eve's bid for plan slot 0`);
  await page.screenshot({ path: join(shots, 'home-plan.png'), fullPage: true });

  // The flexibility view: Eve (a member) cannot post a request, nor can the DSO post one for a
  // slot no forecast reaches; each is refused by name and no request appears.
  await page.click('nav button[data-view="member"]');
  await page.selectOption('#account', eve);
  await page.click('nav button[data-view="flexibility"]');
  await page.waitForSelector('#flex-none', { timeout: 30_000 });
  const far = (await api.call.marketApi.currentSlot()).toNumber() + 500;
  await page.fill('#flex-post-form input[name="first"]', String(far));
  await page.click('#flex-post');
  await page.waitForFunction(() => /failed/.test(document.querySelector('#flex-result')?.textContent ?? ''), null, { timeout: 60_000 });
  const notDso = await page.textContent('#flex-result');
  check(/flexibility\.NotDso/.test(notDso), `a member's request is refused: "${notDso}"`);
  await page.click('nav button[data-view="member"]');
  await page.selectOption('#account', keyring.addFromUri('//Dso').address);
  await page.click('nav button[data-view="flexibility"]');
  await page.fill('#flex-post-form input[name="first"]', String(far));
  await page.click('#flex-post');
  await page.waitForFunction(() => /NoPriorForecast/.test(document.querySelector('#flex-result')?.textContent ?? ''), null, { timeout: 60_000 });
  const open = (await api.call.flexibilityApi.openRequests()).length;
  check(open === 0 && (await page.$('#flex-none')) !== null, `the DSO's request for an unforecast slot is refused: "${await page.textContent('#flex-result')}"; ${open} open requests`);
  await page.screenshot({ path: join(shots, 'flexibility.png'), fullPage: true });

  // The grid view: the demo grid drawn, element by element; Eve (a member) cannot withhold
  // headroom (refused by name); the DSO withholds half of transformer T1 (element 10) for the
  // slot shown, and the chain and the picture agree.
  await page.click('nav button[data-view="member"]');
  await page.selectOption('#account', eve);
  await page.click('nav button[data-view="grid"]');
  await page.waitForSelector('#grid-tree g.element', { timeout: 30_000 });
  const drawn = await page.$$eval('#grid-tree g.element', (gs) => gs.length);
  const elements = (await api.call.gridApi.slotElements(0)).length;
  check(drawn === elements && drawn === 9, `the grid view draws the ${elements} elements of the demo grid (${drawn})`);
  await page.click('#grid-withhold');
  await page.waitForFunction(() => /failed/.test(document.querySelector('#grid-result')?.textContent ?? ''), null, { timeout: 60_000 });
  const notKeeper = await page.textContent('#grid-result');
  check(/grid\.NotKeeper/.test(notKeeper), `a member's withholding is refused: "${notKeeper}"`);
  await page.click('nav button[data-view="member"]');
  await page.selectOption('#account', keyring.addFromUri('//Dso').address);
  await page.click('nav button[data-view="grid"]');
  await page.click('#grid-withhold');
  await page.waitForSelector('#grid-tree g.element.withheld[data-id="10"]', { timeout: 60_000 });
  const shown = Number(await page.inputValue('#grid-slot-form input[name="slot"]'));
  const t1 = (await api.call.gridApi.slotElements(shown)).find((e) => e.id.toNumber() === 10);
  check(t1.upW.toNumber() === 6_000 && t1.downW.toNumber() === 12_000, `the DSO withheld T1's headroom in slot ${shown}: ${t1.upW} W up, ${t1.downW} W down`);
  // The slot traded above cleared on the grid: its loading, element by element, as the chain
  // recorded it; Dave's 50 Wh left point 203 and entered Ferdie's 205, T2 carried nothing.
  await page.fill('#grid-slot-form input[name="slot"]', String(slot));
  await page.dispatchEvent('#grid-slot-form', 'change');
  await page.waitForSelector('#grid-loading-table', { timeout: 30_000 });
  const loading = (await api.query.market.slotLoading(slot)).unwrap();
  const loadRows = await page.$$eval('#grid-loading-table tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
  check(loadRows.length === loading.length && loadRows.length === 9, `the grid view shows the loading of the ${loading.length} elements in slot ${slot}`);
  const at = (id) => loading.find((l) => l.element.toNumber() === id);
  const row203 = loadRows.find((r) => r[0] === '203');
  check(at(203).upWh.toNumber() === 50 && row203[1].startsWith('50 /') && at(20).upWh.toNumber() === 0, `point 203 exported 50 Wh (${row203.join(' | ')}), T2 carried nothing`);
  await page.screenshot({ path: join(shots, 'grid.png'), fullPage: true });

  await page.click('nav button[data-view="community"]');
  await page.waitForSelector('#members tr.member', { timeout: 30_000 });
  const members = await page.$$eval('#members tr.member', (rows) => rows.length);
  check(members >= 8, `the community view lists the members (${members})`);
  await page.waitForSelector('#meters .meter', { timeout: 30_000 });
  await page.screenshot({ path: join(shots, 'community.png'), fullPage: true });
} catch (e) {
  failed = true;
  console.error(e.message);
  await page.screenshot({ path: join(shots, 'failure.png'), fullPage: true }).catch(() => {});
} finally {
  await browser.close();
  await new Promise((resolve) => server.httpServer.close(resolve));
  await api.disconnect();
}
process.exit(failed ? 1 : 0);
