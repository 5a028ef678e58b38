// A home's plan in the member view: the member loads the JSON that `energy-ems plan --json`
// wrote, sees each appliance across the day, the home's net import and the saving, and places
// the plan's bids in the open auctions, plan slot i in the auction of the chosen first slot + i.

import type { Account } from './accounts';
import { submit } from './actions';
import type { Chain } from './chain';
import { energy, esc, price } from './format';

/// The plan file: `{start_hour, appliances, plan}` as `energy-ems plan --json` prints it.
interface PlanFile {
  start_hour: number;
  appliances: Array<{ name: string; mode: 'split' | 'contiguous'; window_start_hour: number; window_end_hour: number; power_w: number }>;
  plan: {
    schedules: Array<{ planned: number[] } | { infeasible: unknown }>;
    net_wh: number[];
    cost: number;
    unmanaged_cost: number;
    proven_optimal: boolean;
    orders: Array<{ slot: number; side: 'bid' | 'offer'; wh: number; price: number }>;
  };
}

/// Whether hour `h` is inside the window `start → end` (wrapping over midnight).
function inWindow(h: number, start: number, end: number): boolean {
  return start < end ? start <= h && h < end : h >= start || h < end;
}

/// Whether every element of `values` is a finite number.
function numbers(values: unknown): values is number[] {
  return Array.isArray(values) && values.every((v) => typeof v === 'number' && Number.isFinite(v));
}

/// Reads and checks a plan file; throws with what is wrong. Every field drawn or sent is
/// checked for its type here, so a hand-edited file can neither inject markup into the page
/// nor send anything but whole numbers to the chain.
export function parsePlan(text: string): PlanFile {
  const file = JSON.parse(text) as PlanFile;
  const plan = file?.plan;
  if (!plan || !Array.isArray(plan.schedules) || !numbers(plan.net_wh) || !Array.isArray(plan.orders) || !Array.isArray(file.appliances)) {
    throw new Error('not a plan: expected {start_hour, appliances, plan} from `energy-ems plan --json`');
  }
  const n = plan.net_wh.length;
  if (!Number.isInteger(file.start_hour) || file.start_hour < 0 || file.start_hour > 23) throw new Error('start_hour is not an hour of day');
  if (plan.schedules.length !== file.appliances.length) throw new Error('the plan has a schedule per appliance; this one does not');
  if (!numbers([plan.cost, plan.unmanaged_cost])) throw new Error('the costs are not numbers');
  for (const a of file.appliances) {
    if (typeof a?.name !== 'string' || !numbers([a.window_start_hour, a.window_end_hour, a.power_w])) throw new Error('an appliance lacks its name, window or power');
  }
  for (const s of plan.schedules) {
    if ('planned' in s && !(numbers(s.planned) && s.planned.length === n)) throw new Error('a schedule is not one number per slot');
  }
  for (const o of plan.orders) {
    const whole = numbers([o?.slot, o?.wh, o?.price]) && [o.slot, o.wh, o.price].every((v) => Number.isInteger(v) && v >= 0);
    if (!whole || o.slot >= n || (o.side !== 'bid' && o.side !== 'offer')) throw new Error('an order is not a slot of the plan, a side and whole Wh and price');
  }
  return file;
}

/// The home plan card and its actions.
export class PlanView {
  private file: PlanFile | null = null;

  constructor(
    private readonly root: HTMLElement,
    private readonly chain: Chain,
    private readonly openSlots: () => number[],
    private readonly account: () => Account | null,
    private readonly meter: () => number | null,
    private readonly showResult: (ok: boolean, message: string) => void,
    private readonly changed: () => Promise<void>,
  ) {
    root.innerHTML = `
      <h2>Home plan</h2>
      <p class="note">Load the JSON of <code>energy-ems plan --home my-home.toml --json</code>: the day's schedule of every appliance, and its bids for the auctions.</p>
      <div class="toolbar"><label>Plan file <input type="file" id="plan-file" accept=".json,application/json" /></label></div>
      <div id="plan-view"></div>`;
    root.querySelector('#plan-file')!.addEventListener('change', (e) => void this.load((e.target as HTMLInputElement).files?.[0]));
    root.addEventListener('click', (e) => {
      if ((e.target as HTMLElement).closest('#place-plan-bids')) void this.placeBids();
    });
  }

  private async load(file: File | undefined): Promise<void> {
    if (!file) return;
    try {
      this.file = parsePlan(await file.text());
      this.render();
    } catch (e) {
      this.file = null;
      this.root.querySelector('#plan-view')!.innerHTML = '';
      this.showResult(false, `The plan file cannot be read: ${(e as Error).message}`);
    }
  }

  /// Keeps the first-slot choice to the auctions open now.
  refresh(): void {
    const select = this.root.querySelector<HTMLSelectElement>('#plan-first-slot');
    if (!select) return;
    const chosen = select.value;
    select.innerHTML = this.openSlots().map((s) => `<option value="${s}"${String(s) === chosen ? ' selected' : ''}>${s}</option>`).join('');
  }

  private render(): void {
    const { start_hour: start, appliances, plan } = this.file!;
    const { decimals: d, symbol: sym } = this.chain;
    const n = plan.net_wh.length;
    const hours = Array.from({ length: n }, (_, t) => (start + t) % 24);
    const money = (milli: number) => `${(milli / 1000 / 10 ** d).toFixed(4)} ${sym}`;
    const saving = plan.unmanaged_cost - plan.cost;
    const rows = appliances
      .map((a, i) => {
        const schedule = plan.schedules[i];
        const cells =
          'planned' in schedule
            ? schedule.planned
                .map((wh, t) => {
                  const inside = inWindow(hours[t], a.window_start_hour, a.window_end_hour);
                  const kind = wh >= a.power_w ? 'full' : wh > 0 ? 'part' : inside ? 'idle' : 'out';
                  return `<td class="plan-${kind}" title="${esc(a.name)} ${hours[t]}:00 · ${wh} Wh"></td>`;
                })
                .join('')
            : `<td colspan="${n}" class="plan-infeasible">not planned: ${esc(JSON.stringify(schedule.infeasible))}</td>`;
        return `<tr class="plan-row"><th>${esc(a.name)}</th><td>${a.mode === 'split' ? 'split' : 'one run'}</td>${cells}</tr>`;
      })
      .join('');
    const peak = Math.max(1, ...plan.net_wh.map(Math.abs));
    const bars = plan.net_wh
      .map((wh) => `<td class="plan-net" title="${wh} Wh"><div class="${wh >= 0 ? 'import' : 'export'}" style="height:${Math.round((Math.abs(wh) / peak) * 40)}px"></div></td>`)
      .join('');
    const bids = plan.orders.filter((o) => o.side === 'bid');
    this.root.querySelector('#plan-view')!.innerHTML = `
      <p id="plan-summary">Cost <b>${money(plan.cost)}</b> against ${money(plan.unmanaged_cost)} unmanaged: saving <b>${money(saving)}</b>${plan.proven_optimal ? ' (optimal)' : ''}.</p>
      <table class="grid plan"><thead><tr><th>appliance</th><th>runs</th>${hours.map((h) => `<th>${String(h).padStart(2, '0')}</th>`).join('')}</tr></thead>
        <tbody>${rows}<tr><th>net import</th><td></td>${bars}</tr></tbody></table>
      <p class="note">Dark green: full power for the hour; light green: part of it; grey: idle inside its window. Net import in blue, export in yellow.</p>
      <div class="toolbar">
        <label>plan slot 0 is auction <select id="plan-first-slot"></select></label>
        <button id="place-plan-bids">Place the plan's ${bids.length} bids</button>
      </div>
      <table class="grid"><thead><tr><th>plan slot</th><th>side</th><th>energy</th><th>limit price</th></tr></thead><tbody>
        ${plan.orders.map((o) => `<tr><td>${o.slot} (${String(hours[o.slot]).padStart(2, '0')}:00)</td><td class="${o.side}">${o.side}</td><td>${energy(o.wh)}</td><td>${price(o.price, d, sym)}</td></tr>`).join('')}</tbody></table>`;
    this.refresh();
  }

  /// Places every bid of the plan whose auction is open, all signed at once with consecutive
  /// nonces, and reports how many went in and which were skipped.
  private async placeBids(): Promise<void> {
    const account = this.account();
    if (!this.file || !account) return this.showResult(false, 'Choose an account and load a plan first.');
    const meter = this.meter();
    if (meter === null) return this.showResult(false, 'The account has no consumption meter to bid for.');
    const first = Number(this.root.querySelector<HTMLSelectElement>('#plan-first-slot')?.value);
    const open = new Set(this.openSlots());
    const bids = this.file.plan.orders.filter((o) => o.side === 'bid');
    const placeable = bids.filter((o) => open.has(first + o.slot));
    if (placeable.length === 0) return this.showResult(false, `None of the plan's ${bids.length} bids falls in an open auction from slot ${first}.`);
    this.showResult(true, `Placing ${placeable.length} bids: signing and sending…`);
    const api = this.chain.api;
    const nonce = (await api.rpc.system.accountNextIndex(account.address)).toNumber();
    const outcomes = await Promise.allSettled(
      placeable.map((o, i) => submit(this.chain, account, api.tx.market.placeBid(first + o.slot, meter, o.wh, o.price), nonce + i)),
    );
    const placed = outcomes.filter((o) => o.status === 'fulfilled' && o.value.ok).length;
    const failures = outcomes
      .map((o) => (o.status === 'rejected' ? (o.reason as Error).message : o.value.ok ? null : o.value.message))
      .filter((m): m is string => m !== null);
    const skipped = bids.length - placeable.length;
    const message = `Placed ${placed} of the plan's ${bids.length} bids in slots from ${first}` + (skipped ? `; ${skipped} skipped (auction not open)` : '') + (failures.length ? `; refused: ${[...new Set(failures)].join('; ')}` : '');
    this.showResult(failures.length === 0, message);
    await this.changed();
  }
}
