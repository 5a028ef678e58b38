// The member view: choose an account; see its balances and held funds, energy tokens and
// retired certificates, open orders, trades and their settlement, standing orders; place and
// cancel bids and offers and set standing orders.

import type { Account } from './accounts';
import { devAccounts, extensionAccounts } from './accounts';
import { submit } from './actions';
import type { Chain } from './chain';
import { statusWord } from './chain';
import { energy, esc, money, num, price } from './format';
import type { BookOrder } from './market';
import { readBook } from './market';
import { MatchingView } from './matching';
import { PlanView } from './plan';

/// Standing orders are found by reading the map in pages of this size, at most this many pages.
const STANDING_PAGE = 200;
const MAX_STANDING_PAGES = 5;

/// The member view. `openSlots` gives the slots whose auctions take orders now.
export class MemberView {
  private accounts: Account[] = [];
  private account: Account | null = null;
  /// The account's consumption meters: where its bids are delivered.
  private meters: number[] = [];
  private lastKey = '';
  private readonly plan: PlanView;
  private readonly matching: MatchingView;

  constructor(private readonly root: HTMLElement, private readonly chain: Chain, private readonly openSlots: () => number[]) {
    root.innerHTML = `
      <div class="toolbar">
        <label>Account <select id="account"></select></label>
        <button id="use-extension">Use a browser extension</button>
      </div>
      <div id="action-result" class="result" role="status"></div>
      <div class="cards">
        <div class="card"><h2>Balances</h2><div id="balances">…</div></div>
        <div class="card"><h2>Energy tokens</h2><div id="tokens">…</div></div>
      </div>
      <div class="cards">
        <form class="card" id="bid-form"><h3>Place a bid</h3>
          <label>slot <select name="slot" class="open-slots"></select></label>
          <label>delivered at meter <select name="meter" class="my-meters"></select></label>
          <label>energy (Wh) <input name="wh" type="number" min="1" value="10" /></label>
          <label>price (${chain.symbol}/kWh) <input name="price" type="number" step="0.0001" min="0" value="0.0800" /></label>
          <button type="submit" id="place-bid">Place bid</button></form>
        <form class="card" id="offer-form"><h3>Place an offer</h3>
          <label>slot <select name="slot" class="open-slots"></select></label>
          <label>RES <input name="res" type="number" min="0" value="0" /></label>
          <label>energy (Wh) <input name="wh" type="number" min="1" value="10" /></label>
          <label>reserve price (${chain.symbol}/kWh) <input name="price" type="number" step="0.0001" min="0" value="0.0500" /></label>
          <button type="submit" id="place-offer">Place offer</button></form>
        <form class="card" id="standing-form"><h3>Set a standing order</h3>
          <label>side <select name="side"><option value="bid">bid</option><option value="offer">offer from RES…</option></select></label>
          <label>RES (offers) <input name="res" type="number" min="0" value="0" /></label>
          <label>meter (bids) <select name="meter" class="my-meters"></select></label>
          <label>price (${chain.symbol}/kWh) <input name="price" type="number" step="0.0001" min="0" value="0.0850" /></label>
          <label>quantity <select name="quantity"><option value="fixed">fixed Wh per slot</option><option value="forecast">forecast of meter…</option></select></label>
          <label>Wh, or the offer's meter id <input name="amount" type="number" min="0" value="10" /></label>
          <label>cap (Wh per slot) <input name="cap" type="number" min="1" value="100" /></label>
          <button type="submit" id="set-standing">Set standing order</button></form>
      </div>
      <h2>Open orders</h2><div id="open-orders"></div>
      <h2>Trades and settlement</h2><div id="trades"></div>
      <h2>Standing orders</h2><div id="standing-orders"></div>
      <h2>Certificates bought, claimed and retired</h2><div id="retired"></div>
      <section id="matching"></section>
      <section id="home-plan"></section>`;
    this.matching = new MatchingView(root.querySelector('#matching')!, chain);
    this.plan = new PlanView(root.querySelector('#home-plan')!, chain, openSlots, () => this.account, () => this.meters[0] ?? null, (ok, m) => this.showResult(ok, m), () => this.refresh(true));
    root.querySelector('#account')!.addEventListener('change', (e) => {
      this.account = this.accounts.find((a) => a.address === (e.target as HTMLSelectElement).value) ?? null;
      void this.refresh(true);
    });
    root.querySelector('#use-extension')!.addEventListener('click', () => void this.useExtension());
    root.querySelector('#bid-form')!.addEventListener('submit', (e) => this.onBid(e));
    root.querySelector('#offer-form')!.addEventListener('submit', (e) => this.onOffer(e));
    root.querySelector('#standing-form')!.addEventListener('submit', (e) => this.onStanding(e));
    root.addEventListener('click', (e) => this.onCancel(e));
  }

  /// The account the member acts as (other views act as it too).
  current(): Account | null {
    return this.account;
  }

  /// Offers the dev accounts on development chains.
  async init(): Promise<void> {
    if (this.chain.isDev) this.setAccounts(await devAccounts(this.chain.api.registry.chainSS58 ?? 42));
    else this.showResult(true, 'Not a development chain: use a browser extension account.');
  }

  private setAccounts(accounts: Account[]): void {
    this.accounts = accounts;
    this.account = accounts[0] ?? null;
    this.root.querySelector('#account')!.innerHTML = accounts.map((a) => `<option value="${esc(a.address)}">${esc(a.name)} · ${esc(a.address)}</option>`).join('');
    void this.refresh(true);
  }

  private async useExtension(): Promise<void> {
    try {
      this.setAccounts(await extensionAccounts(this.chain.api.registry.chainSS58 ?? 42));
    } catch (e) {
      this.showResult(false, (e as Error).message);
    }
  }

  private showResult(ok: boolean, message: string): void {
    const box = this.root.querySelector<HTMLElement>('#action-result')!;
    box.className = `result ${ok ? 'ok' : 'error'}`;
    box.textContent = message;
  }

  private units(value: FormDataEntryValue | null): number {
    return Math.round(Number(value) * 10 ** this.chain.decimals);
  }

  private async send(what: string, tx: Parameters<typeof submit>[2], describe: (o: Awaited<ReturnType<typeof submit>>) => string): Promise<void> {
    if (!this.account) return this.showResult(false, 'Choose an account first.');
    this.showResult(true, `${what}: signing and sending…`);
    try {
      const outcome = await submit(this.chain, this.account, tx);
      this.showResult(outcome.ok, outcome.ok ? describe(outcome) : `${what} failed: ${outcome.message}`);
    } catch (e) {
      this.showResult(false, `${what} failed: ${(e as Error).message}`);
    }
    await this.refresh(true);
  }

  private eventData(outcome: Awaited<ReturnType<typeof submit>>, method: string): Record<string, unknown> | null {
    const record = outcome.events.find(({ event }) => event.section === 'market' && event.method === method);
    return record ? (record.event.toHuman() as { data: Record<string, unknown> }).data : null;
  }

  private onBid(e: Event): void {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const slot = Number(f.get('slot'));
    if (f.get('meter') === '') return this.showResult(false, 'This account has no consumption meter to bid for.');
    const tx = this.chain.api.tx.market.placeBid(slot, Number(f.get('meter')), Number(f.get('wh')), this.units(f.get('price')));
    void this.send('Bid', tx, (o) => {
      const d = this.eventData(o, 'BidPlaced');
      return d ? `Bid placed: order #${String(d.id).replace(/,/g, '')} in slot ${slot}, ${d.held} held` : 'Bid placed';
    });
  }

  private onOffer(e: Event): void {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const slot = Number(f.get('slot'));
    const tx = this.chain.api.tx.market.placeOffer(slot, Number(f.get('res')), Number(f.get('wh')), this.units(f.get('price')));
    void this.send('Offer', tx, (o) => {
      const d = this.eventData(o, 'OfferPlaced');
      return d ? `Offer placed: order #${String(d.id).replace(/,/g, '')} in slot ${slot}, deposit ${d.deposit}` : 'Offer placed';
    });
  }

  private onStanding(e: Event): void {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const offer = f.get('side') === 'offer';
    if (!offer && f.get('meter') === '') return this.showResult(false, 'This account has no consumption meter to bid for.');
    const meter = Number(f.get('meter'));
    const side = offer ? { Offer: { res: Number(f.get('res')) } } : { Bid: { meter } };
    const amount = Number(f.get('amount'));
    // A bid sized by a forecast takes the forecast of the meter it bids for.
    const quantity = f.get('quantity') === 'forecast' ? { Forecast: { meter: offer ? amount : meter } } : { Fixed: { wh: amount } };
    const tx = this.chain.api.tx.market.setStandingOrder(side, this.units(f.get('price')), quantity, Number(f.get('cap')));
    void this.send('Standing order', tx, (o) => {
      const d = this.eventData(o, 'StandingOrderSet');
      return d ? `Standing order #${d.id} set` : 'Standing order set';
    });
  }

  private onCancel(e: Event): void {
    const button = (e.target as HTMLElement).closest('button[data-cancel]') as HTMLButtonElement | null;
    if (!button) return;
    const [kind, a, b] = button.dataset.cancel!.split(':');
    const tx = kind === 'order' ? this.chain.api.tx.market.cancelOrder(Number(a), Number(b)) : this.chain.api.tx.market.cancelStandingOrder(Number(a));
    void this.send(kind === 'order' ? `Cancel order #${b}` : `Cancel standing order #${a}`, tx, () => 'Cancelled');
  }

  /// Re-reads the member's state on every block (a few keyed queries) and the lists when
  /// the market moved.
  async refresh(force = false): Promise<void> {
    const open = this.openSlots();
    this.plan.refresh();
    this.root.querySelectorAll<HTMLSelectElement>('.open-slots').forEach((select) => {
      const chosen = select.value;
      select.innerHTML = open.map((s) => `<option value="${s}"${String(s) === chosen ? ' selected' : ''}>${s}</option>`).join('');
    });
    const account = this.account;
    if (!account) return;
    const { api, decimals: d, symbol: sym } = this.chain;
    const who = account.address;
    if (force) await this.refreshMeters(who);
    const [info, holds, tokens, pending] = await Promise.all([
      api.query.system.account(who),
      api.query.balances.holds(who),
      api.query.energyTokens.holdings.entries(who),
      api.query.market.pending(),
    ]);
    const data = (info as unknown as { data: { free: unknown; reserved: unknown; frozen: unknown } }).data;
    // A hold's reason is `{ pallet: reason }`: shown as `market: BidMaxCost`.
    const holdRows = (holds as unknown as Array<{ id: { toJSON(): unknown }; amount: unknown }>)
      .map((h) => {
        const reason = Object.entries((h.id.toJSON() ?? {}) as Record<string, unknown>).map(([pallet, why]) => `${pallet}: ${why}`).join(', ');
        return `<tr><td>${esc(reason)}</td><td>${money(String(h.amount), d, sym)}</td></tr>`;
      })
      .join('');
    this.root.querySelector('#balances')!.innerHTML = `
      <div>free <b id="free">${money(String(data.free), d, sym)}</b></div>
      <div>held <b id="held">${money(String(data.reserved), d, sym)}</b></div>
      ${holdRows ? `<table class="grid"><thead><tr><th>held for</th><th>amount</th></tr></thead><tbody>${holdRows}</tbody></table>` : ''}`;
    // Tokens are held per certificate: (slot, RES) → Wh, newest slot first.
    const certificates = (tokens as unknown as Array<[{ args: unknown[] }, { toString(): string }]>)
      .map(([key, wh]) => ({ slot: num(String(key.args[1])), res: num(String(key.args[2])), wh: num(wh.toString()) }))
      .sort((a, b) => b.slot - a.slot || a.res - b.res);
    const held = certificates.reduce((sum, c) => sum + c.wh, 0);
    const certificateRows = certificates
      .map((c) => `<tr><td>${c.slot}</td><td>RES ${c.res}</td><td>${energy(c.wh)}</td></tr>`)
      .join('');
    this.root.querySelector('#tokens')!.innerHTML = `<div><b id="token-balance">${energy(held)}</b> of renewable energy (1 token = 1 Wh), held per certificate of origin</div>
      ${certificateRows ? `<table class="grid"><thead><tr><th>slot</th><th>produced by</th><th>held</th></tr></thead><tbody>${certificateRows}</tbody></table>` : ''}`;

    const slots = (pending.toJSON() as Array<{ slot: number }>).map((p) => num(p.slot));
    const key = `${who}:${this.chain.best}`;
    if (!force && key === this.lastKey) return;
    this.lastKey = key;
    const counts = await api.query.market.ordersOfMember.multi(slots.map((s) => [s, who]));
    const mine: Array<{ slot: number; status: string; order: BookOrder }> = [];
    for (let i = 0; i < slots.length; i++) {
      if (num(counts[i].toString()) === 0) continue;
      const report = await this.chain.slotReport(slots[i]);
      const { orders } = await readBook(this.chain, slots[i]);
      for (const order of orders.filter((o) => o.owner === who)) mine.push({ slot: slots[i], status: statusWord(report?.status), order });
    }
    this.root.querySelector('#open-orders')!.innerHTML = mine.length === 0 ? '<p class="note">No orders in the pending auctions.</p>' : `<table class="grid"><thead><tr><th>slot</th><th>auction</th><th>order</th><th>side</th><th>Wh</th><th>price</th><th>held</th><th></th></tr></thead><tbody>
      ${mine.map(({ slot, status, order: o }) => `<tr id="my-order-${slot}-${o.id}"><td>${slot}</td><td>${status}</td><td>#${o.id}</td><td class="${o.side}">${o.side}${o.res != null ? ` (RES ${o.res})` : o.meter != null ? ` (meter ${o.meter})` : ''}</td><td>${energy(o.wh)}</td><td>${price(o.price, d, sym)}</td><td>${money(String(o.held), d, sym)}</td>
        <td>${status === 'open' ? `<button data-cancel="order:${slot}:${o.id}">cancel</button>` : ''}</td></tr>`).join('')}</tbody></table>`;

    await Promise.all([this.refreshTrades(mine), this.refreshStanding(), this.refreshRetired(), this.matching.refresh(who)]);
  }

  private async refreshTrades(mine: Array<{ slot: number; status: string; order: BookOrder }>): Promise<void> {
    const { api, decimals: d, symbol: sym } = this.chain;
    const who = this.account!.address;
    const cleared = [...new Set(mine.filter((m) => m.status !== 'open').map((m) => m.slot))];
    const rows: string[] = [];
    for (const slot of cleared) {
      const ids = new Set(mine.filter((m) => m.slot === slot).map((m) => m.order.id));
      const pages = await api.query.market.tradePages.entries(slot);
      for (const [, page] of pages) {
        for (const t of ((page as unknown as { unwrap(): { toJSON(): unknown } }).unwrap().toJSON() as Array<Record<string, unknown>>)) {
          const bid = num(t.bid);
          const offer = num(t.offer);
          if (!ids.has(bid) && !ids.has(offer)) continue;
          rows.push(`<tr><td>${slot}</td><td>${ids.has(bid) ? 'bought' : 'sold'}</td><td>#${bid} / #${offer}</td><td>${energy(t.wh)}</td><td>${price(ids.has(bid) ? t.buyerPrice : t.sellerPrice, d, sym)}</td><td colspan="3">awaiting settlement</td></tr>`);
        }
      }
    }
    for (const e of this.chain.eventsOf('market.TradeSettled')) {
      const buyer = e.data.buyer === who;
      if (!buyer && e.data.seller !== who) continue;
      rows.push(`<tr class="settled"><td>${num(e.data.slot)}</td><td>${buyer ? 'bought' : 'sold'}</td><td>#${num(e.data.bid)} / #${num(e.data.offer)}</td><td>${energy(e.data.wh)}</td><td>${money(String(num(e.data.paid) + (buyer ? num(e.data.charges) : 0)), d, sym)} ${buyer && num(e.data.charges) > 0 ? `paid (${money(String(num(e.data.charges)), d, sym)} network charges)` : 'paid'}</td>
        <td>delivered ${energy(e.data.delivered_wh)}</td><td>penalty ${money(String(num(e.data.penalty)), d, sym)}</td><td>block #${e.block}</td></tr>`);
    }
    this.root.querySelector('#trades')!.innerHTML = rows.length === 0 ? '<p class="note">No trades in the pending auctions or the last hour of blocks.</p>' : `<table class="grid"><thead><tr><th>slot</th><th></th><th>bid / offer</th><th>Wh</th><th>price / paid</th><th colspan="3">settlement</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
  }

  /// Reads the consumption meters of `who` from the gateways' pages (a community has few
  /// gateways, and each page is bounded on chain) and offers them in the bid forms.
  private async refreshMeters(who: string): Promise<void> {
    const pages = await this.chain.api.query.meters.gateways.entries();
    const ids: number[] = [];
    for (const [, page] of pages) {
      for (const m of ((page as unknown as { toJSON(): unknown }).toJSON() ?? []) as Array<Record<string, unknown>>) {
        const kind = m.kind as string | Record<string, unknown>;
        const consumption = typeof kind === 'string' ? kind.toLowerCase() === 'consumption' : 'consumption' in kind;
        if (m.owner === who && consumption) ids.push(num(m.id));
      }
    }
    this.meters = ids.sort((a, b) => a - b);
    const options = this.meters.length ? this.meters.map((id) => `<option value="${id}">meter ${id}</option>`).join('') : '<option value="">no consumption meter</option>';
    this.root.querySelectorAll<HTMLSelectElement>('.my-meters').forEach((select) => (select.innerHTML = options));
  }

  private async refreshStanding(): Promise<void> {
    const { api, decimals: d, symbol: sym } = this.chain;
    const who = this.account!.address;
    const count = num((await api.query.market.standingOrdersOf(who)).toString());
    const found: string[] = [];
    let startKey: string | undefined;
    let complete = count === 0;
    for (let page = 0; page < MAX_STANDING_PAGES && !complete && found.length < count; page++) {
      const entries = await api.query.market.standingOrders.entriesPaged({ args: [], pageSize: STANDING_PAGE, startKey });
      for (const [key, value] of entries) {
        const o = (value as unknown as { unwrap(): { toJSON(): Record<string, unknown> } }).unwrap().toJSON();
        if (o.owner !== who) continue;
        const id = num(String(key.args[0]));
        const sited = o.side as { offer?: { res: number }; bid?: { meter: number } };
        const side = sited.offer ? `offer (RES ${sited.offer.res})` : sited.bid ? `bid (meter ${sited.bid.meter})` : 'bid (unsited)';
        const q = o.quantity as Record<string, Record<string, number>>;
        const quantity = 'forecast' in q ? `forecast of meter ${q.forecast.meter}` : `${energy(q.fixed.wh)} per slot`;
        found.push(`<tr id="standing-${id}"><td>#${id}</td><td>${side}</td><td>${price(o.price, d, sym)}</td><td>${quantity}</td><td>${energy(o.capWh)}</td><td><button data-cancel="standing:${id}">cancel</button></td></tr>`);
      }
      complete = entries.length < STANDING_PAGE;
      startKey = entries.length ? entries[entries.length - 1][0].toHex() : undefined;
    }
    this.root.querySelector('#standing-orders')!.innerHTML = count === 0 ? '<p class="note">None.</p>' : `<table class="grid"><thead><tr><th>id</th><th>side</th><th>price</th><th>quantity</th><th>cap</th><th></th></tr></thead><tbody>${found.join('')}</tbody></table>${found.length < count ? `<p class="note">${count - found.length} more beyond the first ${MAX_STANDING_PAGES * STANDING_PAGE} standing orders read.</p>` : ''}`;
  }

  private refreshRetired(): Promise<void> {
    const HOW: Record<string, string> = {
      Delivered: 'bought in the market (active until claimed)',
      Claimed: 'claimed against metered consumption of the hour',
      Retired: 'retired by the holder',
    };
    const who = this.account!.address;
    const rows = this.chain
      .eventsOf('energyTokens.Delivered', 'energyTokens.Claimed', 'energyTokens.Retired')
      .filter((e) => (e.method === 'Delivered' ? e.data.buyer : e.data.who) === who)
      .map((e) => `<tr><td>#${e.block}</td><td>${HOW[e.method] ?? e.method}</td><td>slot ${num(e.data.slot)}, RES ${num(e.data.res)}</td><td>${energy(e.data.wh)}</td></tr>`);
    this.root.querySelector('#retired')!.innerHTML = rows.length === 0 ? '<p class="note">None in the last hour of blocks.</p>' : `<table class="grid"><thead><tr><th>block</th><th>how</th><th>certificate</th><th>energy</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
    return Promise.resolve();
  }
}
