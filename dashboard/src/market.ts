// The market view: tariffs, the auctions of recent and upcoming slots, a chart of clearing
// prices and volumes, and the order book of an open slot.

import type { Chain, SlotReport } from './chain';
import { statusWord } from './chain';
import { slotChart } from './charts';
import { clock, energy, esc, num, price, short } from './format';

/// Slots shown before the current one, and after it (auctions open three slots ahead).
const PAST_SLOTS = 5;
const FUTURE_SLOTS = 4;
/// Slots in the price and volume chart (one query for all of them).
const CHART_SLOTS = 48;
/// The order book is read in pages of this many orders, at most `MAX_BOOK_PAGES` pages.
const BOOK_PAGE = 500;
const MAX_BOOK_PAGES = 20;
/// Rows of the order list and of each side of the depth table.
const BOOK_ROWS = 25;

/// An order of a slot's book, as read from `market.orders`.
export interface BookOrder {
  id: number;
  owner: string;
  side: 'bid' | 'offer';
  /// The offer's RES.
  res: number | null;
  /// The bid's consumption meter (`null` for an offer, or a bid stored before bids named
  /// their meter).
  meter: number | null;
  wh: number;
  price: number;
  held: number;
}

/// Reads the open orders of `slot` (bounded: at most `MAX_BOOK_PAGES` pages).
export async function readBook(chain: Chain, slot: number): Promise<{ orders: BookOrder[]; complete: boolean }> {
  const orders: BookOrder[] = [];
  let startKey: string | undefined;
  for (let page = 0; page < MAX_BOOK_PAGES; page++) {
    const entries = await chain.api.query.market.orders.entriesPaged({ args: [slot], pageSize: BOOK_PAGE, startKey });
    for (const [key, value] of entries) {
      const order = (value as unknown as { unwrap(): { toJSON(): Record<string, unknown> } }).unwrap().toJSON();
      const side = order.side as Record<string, unknown> | string;
      const isOffer = typeof side === 'object' && side !== null && 'offer' in side;
      const sitedBid = typeof side === 'object' && side !== null && 'bid' in side ? (side as { bid: { meter: number } }).bid : null;
      orders.push({
        id: num(key.args[1].toString()),
        owner: String(order.owner),
        side: isOffer ? 'offer' : 'bid',
        res: isOffer ? num((side as { offer: { res: number } }).offer.res) : null,
        meter: sitedBid ? num(sitedBid.meter) : null,
        wh: num(order.wh),
        price: num(order.price),
        held: num(order.held),
      });
    }
    if (entries.length < BOOK_PAGE) return { orders, complete: true };
    startKey = entries[entries.length - 1][0].toHex();
  }
  return { orders, complete: false };
}

/// The market view.
export class MarketView {
  private selected: number | null = null;
  private bookKey = '';
  private chartSlot = -1;
  private reports = new Map<number, SlotReport | null>();

  constructor(private readonly root: HTMLElement, private readonly chain: Chain) {
    root.innerHTML = `
      <div class="cards">
        <div class="card" id="tariff-card"><h2>Tariffs now</h2><div id="tariffs">…</div></div>
        <div class="card"><h2>Clock</h2><div id="market-clock">…</div></div>
      </div>
      <h2>Auctions</h2>
      <table class="grid" id="slots-table"><thead><tr>
        <th>slot</th><th>delivery (UTC)</th><th>status</th><th>bids</th><th>offers</th>
        <th>clearing price</th><th>traded</th><th>trades</th><th>delivered</th><th>fed in</th>
      </tr></thead><tbody></tbody></table>
      <h2>Clearing price and traded volume, last ${CHART_SLOTS} slots</h2>
      <div id="price-chart" class="chart"></div>
      <h2>Order book <select id="book-slot"></select></h2>
      <p id="book-note" class="note"></p>
      <div class="cards">
        <div class="card"><h3>Depth</h3><table class="grid" id="depth"><thead><tr>
          <th>bids: Wh (cum.)</th><th>bid price</th><th>offer price</th><th>offers: Wh (cum.)</th>
        </tr></thead><tbody></tbody></table></div>
        <div class="card"><h3>Orders (newest first)</h3><table class="grid" id="book"><thead><tr>
          <th>id</th><th>side</th><th>member</th><th>RES / meter</th><th>Wh</th><th>price</th>
        </tr></thead><tbody></tbody></table></div>
      </div>`;
    root.querySelector<HTMLSelectElement>('#book-slot')!.addEventListener('change', (e) => {
      this.selected = Number((e.target as HTMLSelectElement).value);
      this.bookKey = '';
      void this.refresh();
    });
  }

  /// The open slots among those shown (for the order forms).
  openSlots(): number[] {
    return [...this.reports.entries()].filter(([, r]) => statusWord(r?.status) === 'open').map(([s]) => s);
  }

  /// Re-reads what changed and redraws.
  async refresh(): Promise<void> {
    const chain = this.chain;
    const current = chain.currentSlot;
    const slots = Array.from({ length: PAST_SLOTS + FUTURE_SLOTS + 1 }, (_, i) => current - PAST_SLOTS + i);
    const [reports, tariffs] = await Promise.all([
      Promise.all(slots.map((s) => chain.slotReport(s))),
      chain.rpc<Array<{ retail: number; feed_in: number }>>('market_tariffs'),
    ]);
    this.reports = new Map(slots.map((s, i) => [s, reports[i]]));
    const hour = new Date().getUTCHours();
    const { decimals: d, symbol: sym } = chain;
    this.root.querySelector('#tariffs')!.innerHTML = `
      <div>retail <b id="tariff-retail">${price(tariffs[hour].retail, d, sym)}</b></div>
      <div>feed-in <b id="tariff-feed-in">${price(tariffs[hour].feed_in, d, sym)}</b></div>
      <div class="note">hour ${hour}:00–${hour + 1}:00 UTC</div>`;
    this.root.querySelector('#market-clock')!.innerHTML = `
      <div>block <b>#${chain.best}</b></div><div>slot <b id="current-slot">${current}</b> (${clock(chain.slotStart(current))}–${clock(chain.slotStart(current + 1))} UTC)</div>`;
    this.root.querySelector('#slots-table tbody')!.innerHTML = slots
      .map((slot, i) => {
        const r = reports[i];
        const status = statusWord(r?.status);
        const here = slot === current ? ' class="current"' : '';
        if (!r) return `<tr data-slot="${slot}"${here}><td>${slot}</td><td>${clock(chain.slotStart(slot))}</td><td class="status">none</td><td colspan="7"></td></tr>`;
        const mcp = r.mcp == null ? '—' : price(r.mcp, d, sym);
        return `<tr data-slot="${slot}"${here}>
          <td>${slot}</td><td>${clock(chain.slotStart(slot))}</td>
          <td class="status ${status}">${status}</td><td>${r.bids}</td><td>${r.offers}</td>
          <td class="mcp" data-mcp="${r.mcp ?? ''}">${mcp}</td><td>${energy(r.volume_wh)}</td><td>${r.trades}</td>
          <td>${status === 'settled' ? energy(r.delivered_wh) : '—'}</td><td>${status === 'settled' ? energy(r.feed_in_wh) : '—'}</td></tr>`;
      })
      .join('');
    await Promise.all([this.refreshChart(), this.refreshBook()]);
  }

  private async refreshChart(): Promise<void> {
    const current = this.chain.currentSlot;
    const cleared = this.chain.eventsOf('market.Cleared').length;
    const key = current * 1_000_000 + cleared;
    if (key === this.chartSlot) return;
    this.chartSlot = key;
    const xs = Array.from({ length: CHART_SLOTS }, (_, i) => current - CHART_SLOTS + 4 + i);
    const auctions = await this.chain.api.query.market.auctions.multi(xs);
    const d = this.chain.decimals;
    const mcp: Array<number | null> = [];
    const volume: Array<number | null> = [];
    auctions.forEach((a) => {
      const json = a.toJSON() as Record<string, unknown> | null;
      const status = statusWord(json?.status as string);
      const done = json && status !== 'open';
      mcp.push(done && json.mcp != null ? num(json.mcp) / 10 ** d : null);
      volume.push(done ? num(json.volumeWh) : null);
    });
    slotChart(
      this.root.querySelector('#price-chart')!,
      xs,
      [
        { label: `clearing price (${this.chain.symbol}/kWh)`, stroke: '#d9480f', scale: 'price', values: mcp },
        { label: 'traded (Wh)', stroke: '#1c7ed6', scale: 'wh', bars: true, values: volume },
      ],
      { price: `${this.chain.symbol}/kWh`, wh: 'Wh' },
    );
  }

  private async refreshBook(): Promise<void> {
    const open = this.openSlots();
    const select = this.root.querySelector<HTMLSelectElement>('#book-slot')!;
    if (this.selected === null || !this.reports.has(this.selected)) this.selected = open[0] ?? null;
    const options = [...new Set([...(this.selected === null ? [] : [this.selected]), ...open])].sort();
    select.innerHTML = options.map((s) => `<option value="${s}"${s === this.selected ? ' selected' : ''}>slot ${s}${open.includes(s) ? ' (open)' : ''}</option>`).join('');
    const slot = this.selected;
    if (slot === null) return;
    const report = this.reports.get(slot);
    const key = `${slot}:${report?.bids}:${report?.offers}:${report?.bid_wh}:${report?.offer_wh}:${statusWord(report?.status)}`;
    if (key === this.bookKey) return;
    this.bookKey = key;
    const [{ orders, complete }, sealedBook] = await Promise.all([
      readBook(this.chain, slot),
      this.chain.api.query.market.sealedBooks(slot),
    ]);
    const { decimals: d, symbol: sym } = this.chain;
    // A sealed auction shows how many orders are committed until they are revealed; the book
    // below holds the standing orders (placed in the clear) and the orders revealed so far.
    const sealed = sealedBook.toJSON() as { revealUntil: number; unrevealedBids: number; unrevealedOffers: number; revealed: number } | null;
    const status = statusWord(report?.status);
    const sealedNote = !sealed
      ? ''
      : status === 'open' || status === 'revealing'
        ? `Sealed auction: ${plural(sealed.unrevealedBids, 'bid')} and ${plural(sealed.unrevealedOffers, 'offer')} committed, not yet revealed${status === 'revealing' ? ` (reveals until ${clock(num(sealed.revealUntil))} UTC)` : ' (revealed after gate closure)'}. `
        : `Sealed auction: ${plural(sealed.revealed, 'order')} revealed. `;
    this.root.querySelector('#book-note')!.textContent =
      sealedNote + `${orders.length} open orders in slot ${slot}` + (complete ? '' : ` (the first ${orders.length} read; the book is larger)`);
    const levels = (side: 'bid' | 'offer') => {
      const byPrice = new Map<number, number>();
      for (const o of orders.filter((o) => o.side === side)) byPrice.set(o.price, (byPrice.get(o.price) ?? 0) + o.wh);
      const prices = [...byPrice.keys()].sort((a, b) => (side === 'bid' ? b - a : a - b));
      let cumulative = 0;
      return prices.slice(0, BOOK_ROWS).map((p) => ({ price: p, cumulative: (cumulative += byPrice.get(p)!) }));
    };
    const bids = levels('bid');
    const offers = levels('offer');
    const rows = Math.max(bids.length, offers.length);
    this.root.querySelector('#depth tbody')!.innerHTML = Array.from({ length: rows }, (_, i) => {
      const b = bids[i];
      const o = offers[i];
      return `<tr><td>${b ? energy(b.cumulative) : ''}</td><td class="bid">${b ? price(b.price, d, sym) : ''}</td>
        <td class="offer">${o ? price(o.price, d, sym) : ''}</td><td>${o ? energy(o.cumulative) : ''}</td></tr>`;
    }).join('');
    this.root.querySelector('#book tbody')!.innerHTML = orders
      .sort((a, b) => b.id - a.id)
      .slice(0, BOOK_ROWS)
      .map((o) => `<tr id="order-${slot}-${o.id}" data-owner="${esc(o.owner)}"><td>${o.id}</td><td class="${o.side}">${o.side}</td>
        <td title="${esc(o.owner)}">${short(o.owner)}</td><td>${o.res != null ? `RES ${o.res}` : o.meter != null ? `meter ${o.meter}` : ''}</td><td>${energy(o.wh)}</td><td>${price(o.price, d, sym)}</td></tr>`)
      .join('');
  }
}

/// `n` and `noun`, plural unless `n` is one.
function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
