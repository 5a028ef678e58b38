// The flexibility view: the DSO's open requests for less import (`FlexibilityApi.openRequests`),
// each meter's baseline (its import forecast from before the request), the members'
// commitments and what the meters have measured so far; the DSO posts requests and a meter's
// owner commits to one. It acts as the account chosen in the member view.

import type { Account } from './accounts';
import { submit } from './actions';
import type { Chain } from './chain';
import { energy, esc, money, num, price, short } from './format';

/// What one slot's metering is: not in yet, the meter's import (Wh), or not measurable alone.
type Metering = { kind: 'pending' } | { kind: 'metered'; wh: number } | { kind: 'unmeasurable' };

interface MeterRow {
  meter: number;
  baselineWh: number[];
  commitment: { member: string; reductionWh: number; bond: number; metering: Metering[] } | null;
}

interface Request {
  id: number;
  dso: string;
  firstSlot: number;
  slots: number;
  reductionWh: number;
  pricePerWh: number;
  held: number;
  committedWh: number;
  meters: MeterRow[];
}

/// A `SlotMetering` as polkadot.js renders it: `"Pending"`, `{ metered: 12 }`, `{ unmeasurable: null }`.
function metering(value: unknown): Metering {
  if (typeof value === 'string') return value.toLowerCase() === 'unmeasurable' ? { kind: 'unmeasurable' } : { kind: 'pending' };
  const record = (value ?? {}) as Record<string, unknown>;
  if ('metered' in record) return { kind: 'metered', wh: num(record.metered) };
  if ('unmeasurable' in record) return { kind: 'unmeasurable' };
  return { kind: 'pending' };
}

/// The runtime API's answer, field by field (numbers may come as strings or hex).
function parseRequests(json: unknown): Request[] {
  return (Array.isArray(json) ? json : []).map((r: Record<string, unknown>) => ({
    id: num(r.id),
    dso: String(r.dso),
    firstSlot: num(r.firstSlot),
    slots: num(r.slots),
    reductionWh: num(r.reductionWh),
    pricePerWh: num(r.pricePerWh),
    held: num(r.held),
    committedWh: num(r.committedWh),
    meters: (Array.isArray(r.meters) ? r.meters : []).map((m: Record<string, unknown>) => {
      const c = m.commitment as Record<string, unknown> | null;
      return {
        meter: num(m.meter),
        baselineWh: (Array.isArray(m.baselineWh) ? m.baselineWh : []).map(num),
        commitment: c
          ? { member: String(c.member), reductionWh: num(c.reductionWh), bond: num(c.bond), metering: (Array.isArray(c.metering) ? c.metering : []).map(metering) }
          : null,
      };
    }),
  }));
}

function meteringText(m: Metering, baseline: number): string {
  if (m.kind === 'pending') return '<span class="note">pending</span>';
  if (m.kind === 'unmeasurable') return '<span class="note">not measurable</span>';
  return `${energy(m.wh)} (−${energy(Math.max(0, baseline - m.wh))})`;
}

export class FlexibilityView {
  constructor(private readonly root: HTMLElement, private readonly chain: Chain, private readonly account: () => Account | null) {
    root.innerHTML = `
      <p class="note">Demand response: the DSO asks the owners of some meters to import less in coming
        slots and pays per Wh measured below each meter's baseline, the import forecast the chain held
        before the request. A member commits a reduction with a bond; shortfall costs half the price.
        You act as the account chosen in the Member view.</p>
      <div id="flex-result" class="result" role="status"></div>
      <form class="card" id="flex-post-form"><h3>Post a request (DSO)</h3>
        <label>first slot <input name="first" type="number" min="0" /></label>
        <label>slots <input name="slots" type="number" min="1" max="4" value="1" /></label>
        <label>meters <input name="meters" value="3,4" /></label>
        <label>reduction per slot (Wh) <input name="wh" type="number" min="1" value="20" /></label>
        <label>price (${chain.symbol}/kWh) <input name="price" type="number" step="0.001" min="0" value="0.200" /></label>
        <button type="submit" id="flex-post">Post request</button></form>
      <h2>Open requests</h2><div id="flex-requests"></div>`;
    root.querySelector('#flex-post-form')!.addEventListener('submit', (e) => this.onPost(e));
    root.addEventListener('submit', (e) => {
      if ((e.target as HTMLElement).classList.contains('flex-commit')) this.onCommit(e);
    });
  }

  async refresh(): Promise<void> {
    const first = this.root.querySelector<HTMLInputElement>('#flex-post-form input[name="first"]')!;
    if (!first.value) first.value = String(this.chain.currentSlot + 3);
    const requests = parseRequests((await this.chain.api.call.flexibilityApi.openRequests()).toJSON());
    const container = this.root.querySelector('#flex-requests')!;
    if (requests.length === 0) {
      container.innerHTML = '<p class="note" id="flex-none">No open requests.</p>';
      return;
    }
    const { decimals, symbol } = this.chain;
    container.innerHTML = requests
      .map((r) => {
        const slots = Array.from({ length: r.slots }, (_, i) => r.firstSlot + i);
        const open = this.chain.currentSlot < r.firstSlot;
        const rows = r.meters
          .map((m) => {
            const c = m.commitment;
            const cells = slots.map((_, i) => `<td>${energy(m.baselineWh[i] ?? 0)}</td><td>${c ? meteringText(c.metering[i] ?? { kind: 'pending' }, m.baselineWh[i] ?? 0) : ''}</td>`).join('');
            const commit = !c && open
              ? `<form class="flex-commit" data-request="${r.id}" data-meter="${m.meter}"><input name="wh" type="number" min="1" value="${Math.max(1, r.reductionWh - r.committedWh)}" /> <button type="submit">Commit</button></form>`
              : '';
            const who = c ? `${energy(c.reductionWh)} by ${esc(short(c.member))}, bond ${money(c.bond, decimals, symbol)}` : commit;
            return `<tr class="flex-meter"><td>meter ${m.meter}</td>${cells}<td>${who}</td></tr>`;
          })
          .join('');
        return `<div class="card flex-request" id="flex-request-${r.id}"><h3>Request ${r.id} · slot${r.slots > 1 ? `s ${slots[0]}–${slots[slots.length - 1]}` : ` ${r.firstSlot}`} · DSO ${esc(short(r.dso))}</h3>
          <div class="note">wants ${energy(r.reductionWh)} less per slot, ${energy(r.committedWh)} committed · ${price(r.pricePerWh * 1000, decimals, symbol)} · ${money(r.held, decimals, symbol)} held · ${open ? 'open for commitments' : 'delivery and settlement'}</div>
          <table class="grid"><thead><tr><th></th>${slots.map((s) => `<th>baseline ${s}</th><th>metered ${s}</th>`).join('')}<th>commitment</th></tr></thead><tbody>${rows}</tbody></table></div>`;
      })
      .join('');
  }

  private show(ok: boolean, message: string): void {
    const box = this.root.querySelector<HTMLElement>('#flex-result')!;
    box.className = `result ${ok ? 'ok' : 'error'}`;
    box.textContent = message;
  }

  private async send(what: string, tx: Parameters<typeof submit>[2]): Promise<void> {
    const account = this.account();
    if (!account) return this.show(false, 'Choose an account in the Member view first.');
    this.show(true, `${what}: signing and sending…`);
    try {
      const outcome = await submit(this.chain, account, tx);
      this.show(outcome.ok, outcome.ok ? `${what}: done` : `${what} failed: ${outcome.message}`);
    } catch (e) {
      this.show(false, `${what} failed: ${(e as Error).message}`);
    }
    await this.refresh();
  }

  private onPost(e: Event): void {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const meters = String(f.get('meters'))
      .split(',')
      .map((m) => Number(m.trim()))
      .filter((m) => Number.isInteger(m) && m >= 0)
      .sort((a, b) => a - b);
    // The form's price is per kWh; the chain's is per Wh.
    const perWh = Math.round((Number(f.get('price')) * 10 ** this.chain.decimals) / 1000);
    const tx = this.chain.api.tx.flexibility.postRequest(Number(f.get('first')), Number(f.get('slots')), meters, Number(f.get('wh')), perWh);
    void this.send('Request', tx);
  }

  private onCommit(e: Event): void {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const wh = Number(new FormData(form).get('wh'));
    const tx = this.chain.api.tx.flexibility.accept(Number(form.dataset.request), Number(form.dataset.meter), wh);
    void this.send(`Commitment of meter ${form.dataset.meter}`, tx);
  }
}
