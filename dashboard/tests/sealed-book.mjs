// The dashboard's order book of a sealed auction before gate closure, in headless Chromium:
//   node tests/sealed-book.mjs <ws-url> <slot> <bids> <offers> <screenshot-dir>
// Serves dist/ (build it first: `npm run build`), selects `slot` in the market view's order
// book and checks that it shows the commitment counts (`bids` and `offers` committed, not yet
// revealed) and none of the committed orders. Run by `pjs-check/sealed.mjs` while its
// commitments wait for the gate.
// Chromium is Debian's (`apt-get install chromium`), or the one at $CHROMIUM.

import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { preview } from 'vite';

const [wsUrl, slot, bids, offers, shots = 'screenshots'] = process.argv.slice(2);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
mkdirSync(shots, { recursive: true });

const server = await preview({ root, logLevel: 'warn', preview: { port: 0, host: '127.0.0.1', strictPort: false } });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-dev-shm-usage'],
});
let failed = false;
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(`${server.resolvedUrls.local[0]}?rpc=${encodeURIComponent(wsUrl)}`);
  await page.waitForSelector('#chain-status.ok', { timeout: 60_000 });
  await page.waitForSelector(`#book-slot option[value="${slot}"]`, { state: 'attached', timeout: 30_000 });
  await page.selectOption('#book-slot', slot);
  const plural = (n, noun) => `${n} ${noun}${Number(n) === 1 ? '' : 's'}`;
  const expected = `Sealed auction: ${plural(bids, 'bid')} and ${plural(offers, 'offer')} committed, not yet revealed`;
  await page.waitForFunction((text) => document.querySelector('#book-note')?.textContent?.startsWith(text), expected, {
    timeout: 30_000,
    polling: 500,
  });
  const note = await page.textContent('#book-note');
  const rows = await page.$$(`#book tbody tr[id^="order-${slot}-"]`);
  if (rows.length !== 0) throw new Error(`the sealed book shows ${rows.length} orders before the reveal`);
  await page.screenshot({ path: join(shots, 'sealed-book.png'), fullPage: true });
  console.log(`the dashboard shows slot ${slot}'s commitments, not its orders: "${note}"`);
} catch (error) {
  console.error(error.message ?? error);
  failed = true;
} finally {
  await browser.close();
  await server.close();
}
process.exit(failed ? 1 : 0);
