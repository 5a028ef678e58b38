// The grid view: the DSO's radial grid as a picture (`GridApi.slotElements` for a chosen slot,
// the capacities and bindings from `grid` storage): each element with its room in the slot
// against its capacity, its network charge and the meters and RES bound to it; elements whose
// headroom the DSO withheld for the slot are marked. Once the slot's auction cleared on the grid
// (`market.slotLoading`), each element shows its loading: the cleared flow each way against its
// room in the slot, as a bar, and the elements that bound the clearing (cut something) in red
// with what they cut; a table lists the same. The DSO (the grid's keeper) withholds an
// element's headroom for coming slots; anyone else is refused by the chain with
// `grid.NotKeeper`. It acts as the account chosen in the member view.

import type { Account } from './accounts';
import { submit } from './actions';
import type { Chain } from './chain';
import { esc, num, price, short } from './format';

interface Element {
  id: number;
  parent: number | null;
  upW: number;
  downW: number;
  capUpW: number;
  capDownW: number;
  charge: number;
  meters: number[];
  res: number[];
  /// What the slot's clearing put on the element, once cleared on the grid.
  loading: Loading | null;
}

/// One element's entry of `market.slotLoading`, Wh.
interface Loading {
  upWh: number;
  downWh: number;
  cutUpWh: number;
  cutDownWh: number;
}

/// The Wh an element rated `w` carries in a slot of `slotMs`, rounded down as the chain does.
function slotWh(w: number, slotMs: number): number {
  return Math.floor((w * slotMs) / 3_600_000);
}

/// The share of its room the element's larger cleared flow takes, 0–1.
function share(e: Element, slotMs: number): number {
  if (!e.loading) return 0;
  const up = e.loading.upWh / Math.max(1, slotWh(e.upW, slotMs));
  const down = e.loading.downWh / Math.max(1, slotWh(e.downW, slotMs));
  return Math.min(1, Math.max(up, down));
}

function binding(e: Element): boolean {
  return !!e.loading && (e.loading.cutUpWh > 0 || e.loading.cutDownWh > 0);
}

const BOX_W = 172;
const BOX_H = 78;
const GAP_X = 16;
const GAP_Y = 44;

function kw(w: number): string {
  return (w / 1000).toLocaleString('en', { maximumFractionDigits: 1 });
}

/// Places each element: its depth gives the row, the order of the leaves under it the column.
function layout(elements: Element[]): Map<number, { x: number; y: number }> {
  const children = new Map<number | null, Element[]>();
  for (const e of elements) children.set(e.parent, [...(children.get(e.parent) ?? []), e]);
  const at = new Map<number, { x: number; y: number }>();
  let nextLeaf = 0;
  const place = (e: Element, depth: number): number => {
    const kids = (children.get(e.id) ?? []).sort((a, b) => a.id - b.id);
    const xs = kids.map((k) => place(k, depth + 1));
    const x = xs.length ? (Math.min(...xs) + Math.max(...xs)) / 2 : nextLeaf++ * (BOX_W + GAP_X);
    at.set(e.id, { x, y: depth * (BOX_H + GAP_Y) });
    return x;
  };
  for (const root of children.get(null) ?? []) place(root, 0);
  return at;
}

function picture(elements: Element[], decimals: number, symbol: string, slotMs: number): string {
  const at = layout(elements);
  const width = Math.max(...[...at.values()].map((p) => p.x)) + BOX_W + 2;
  const height = Math.max(...[...at.values()].map((p) => p.y)) + BOX_H + 2;
  const lines = elements
    .filter((e) => e.parent !== null && at.has(e.parent))
    .map((e) => {
      const from = at.get(e.parent!)!;
      const to = at.get(e.id)!;
      return `<line x1="${from.x + BOX_W / 2}" y1="${from.y + BOX_H}" x2="${to.x + BOX_W / 2}" y2="${to.y}" />`;
    })
    .join('');
  const boxes = elements
    .map((e) => {
      const p = at.get(e.id)!;
      const withheld = e.upW < e.capUpW || e.downW < e.capDownW;
      const bound = [...e.meters.map((m) => `m${m}`), ...e.res.map((r) => `RES ${r}`)].join(' ');
      const load = e.loading
        ? `<rect class="load" x="0" y="${BOX_H - 6}" width="${(BOX_W * share(e, slotMs)).toFixed(1)}" height="6" />
           <text x="${BOX_W - 8}" y="16" text-anchor="end" class="loading">${Math.round(100 * share(e, slotMs))}%</text>`
        : '';
      return `<g class="element${withheld ? ' withheld' : ''}${binding(e) ? ' binding' : ''}" data-id="${e.id}" transform="translate(${p.x},${p.y})">
        <rect width="${BOX_W}" height="${BOX_H}" rx="6" />${load}
        <text x="8" y="16" class="title">${e.parent === null ? 'substation' : 'element'} ${e.id}</text>
        <text x="8" y="32">↑ ${kw(e.upW)}/${kw(e.capUpW)} ↓ ${kw(e.downW)}/${kw(e.capDownW)} kW</text>
        <text x="8" y="47">${esc(price(e.charge, decimals, symbol))}</text>
        <text x="8" y="60" class="bound">${esc(bound)}</text>
        ${binding(e) ? `<text x="8" y="${BOX_H - 9}" class="cut">cut ↑${e.loading!.cutUpWh} ↓${e.loading!.cutDownWh} Wh</text>` : ''}</g>`;
    })
    .join('');
  return `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="the grid">
    <g class="links">${lines}</g>${boxes}</svg>`;
}

export class GridView {
  constructor(private readonly root: HTMLElement, private readonly chain: Chain, private readonly account: () => Account | null) {
    root.innerHTML = `
      <p class="note">The DSO's grid: each element's room in the chosen slot against its capacity
        (↑ out of its subtree, ↓ into it, kW), its network charge per kWh crossing it, and the meters
        (m) and RES bound to it; amber: headroom the DSO withheld for the slot. Records not bound
        hang at the substation. Once the slot's auction has cleared, the bar under each element is
        its cleared flow against its room in the slot, and red elements bound the clearing (the
        trades the book asked of them were cut to their room). You act as the account chosen in the
        Member view.</p>
      <div id="grid-result" class="result" role="status"></div>
      <form class="card" id="grid-slot-form"><label>slot <input name="slot" type="number" min="0" /></label>
        <span id="grid-keeper" class="note"></span></form>
      <div id="grid-tree" class="grid-tree"></div>
      <div id="grid-loading"></div>
      <form class="card" id="grid-withhold-form"><h3>Withhold headroom (the DSO)</h3>
        <label>element <input name="element" type="number" min="0" value="10" /></label>
        <label>first slot <input name="first" type="number" min="0" /></label>
        <label>slots <input name="slots" type="number" min="1" value="1" /></label>
        <label>up (W) <input name="up" type="number" min="0" value="6000" /></label>
        <label>down (W) <input name="down" type="number" min="0" value="12000" /></label>
        <button type="submit" id="grid-withhold">Withhold</button></form>`;
    root.querySelector('#grid-slot-form')!.addEventListener('change', () => void this.refresh());
    root.querySelector('#grid-slot-form')!.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.refresh();
    });
    root.querySelector('#grid-withhold-form')!.addEventListener('submit', (e) => this.onWithhold(e));
  }

  private input(form: string, name: string): HTMLInputElement {
    return this.root.querySelector<HTMLInputElement>(`${form} input[name="${name}"]`)!;
  }

  async refresh(): Promise<void> {
    const slotInput = this.input('#grid-slot-form', 'slot');
    if (!slotInput.value) slotInput.value = String(this.chain.currentSlot + 3);
    const first = this.input('#grid-withhold-form', 'first');
    if (!first.value) first.value = slotInput.value;
    const slot = Number(slotInput.value);
    const api = this.chain.api;
    const [room, stored, meterPoints, resPoints, keeper, unbound, cleared] = await Promise.all([
      api.call.gridApi.slotElements(slot),
      api.query.grid.elements.entries(),
      api.query.grid.meterPoints.entries(),
      api.query.grid.resPoints.entries(),
      api.query.grid.keeper(),
      api.call.gridApi.unbound(),
      api.query.market.slotLoading(slot),
    ]);
    const loadingOf = new Map<number, Loading>();
    for (const l of ((cleared.toJSON() ?? []) as Record<string, unknown>[])) {
      loadingOf.set(num(l.element), { upWh: num(l.upWh), downWh: num(l.downWh), cutUpWh: num(l.cutUpWh), cutDownWh: num(l.cutDownWh) });
    }
    const capacity = new Map<number, { up: number; down: number }>();
    for (const [key, value] of stored) {
      const info = value.toJSON() as Record<string, unknown> | null;
      if (info) capacity.set(num(key.args[0].toString()), { up: num(info.upW), down: num(info.downW) });
    }
    const boundTo = (entries: typeof meterPoints) => {
      const by = new Map<number, number[]>();
      for (const [key, value] of entries) {
        const point = num(value.toString());
        by.set(point, [...(by.get(point) ?? []), num(key.args[0].toString())].sort((a, b) => a - b));
      }
      return by;
    };
    const meters = boundTo(meterPoints);
    const res = boundTo(resPoints);
    const elements: Element[] = (room.toJSON() as Record<string, unknown>[]).map((e) => {
      const id = num(e.id);
      const cap = capacity.get(id) ?? { up: num(e.upW), down: num(e.downW) };
      return {
        id,
        parent: e.parent === null || e.parent === undefined ? null : num(e.parent),
        upW: num(e.upW),
        downW: num(e.downW),
        capUpW: cap.up,
        capDownW: cap.down,
        charge: num(e.chargePerKwh),
        meters: meters.get(id) ?? [],
        res: res.get(id) ?? [],
        loading: loadingOf.get(id) ?? null,
      };
    });
    const keeperId = keeper.toJSON() as string | null;
    const [loose, looseRes] = unbound.toJSON() as [number[], number[]];
    const atRoot = loose.length + looseRes.length
      ? ` · at the root until the DSO binds them: ${[...loose.map((m) => `meter ${m}`), ...looseRes.map((r) => `RES ${r}`)].slice(0, 20).join(', ')}${loose.length + looseRes.length > 20 ? ', …' : ''}`
      : ' · every meter and RES is bound';
    this.root.querySelector('#grid-keeper')!.textContent = (keeperId ? `kept by ${short(keeperId)}` : 'nobody keeps the grid') + atRoot;
    this.root.querySelector('#grid-tree')!.innerHTML = elements.length
      ? picture(elements, this.chain.decimals, this.chain.symbol, this.chain.slotMs)
      : '<p class="note" id="grid-none">No grid on this chain.</p>';
    const slotMs = this.chain.slotMs;
    this.root.querySelector('#grid-loading')!.innerHTML = loadingOf.size
      ? `<h3>Loading in slot ${slot}</h3><table class="grid" id="grid-loading-table"><thead><tr><th>element</th><th>↑ cleared / room (Wh)</th><th>↓ cleared / room (Wh)</th><th>cut (Wh)</th></tr></thead><tbody>${elements
          .filter((e) => e.loading)
          .map((e) => `<tr class="${binding(e) ? 'binding' : ''}"><td>${e.id}</td><td>${e.loading!.upWh} / ${slotWh(e.upW, slotMs)}</td><td>${e.loading!.downWh} / ${slotWh(e.downW, slotMs)}</td><td>${binding(e) ? `↑${e.loading!.cutUpWh} ↓${e.loading!.cutDownWh}` : '–'}</td></tr>`)
          .join('')}</tbody></table>`
      : `<p class="note" id="grid-loading-none">Slot ${slot} has not cleared on the grid (yet).</p>`;
  }

  private show(ok: boolean, message: string): void {
    const box = this.root.querySelector<HTMLElement>('#grid-result')!;
    box.className = `result ${ok ? 'ok' : 'error'}`;
    box.textContent = message;
  }

  private onWithhold(e: Event): void {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const account = this.account();
    if (!account) return this.show(false, 'Choose an account in the Member view first.');
    const element = Number(f.get('element'));
    const tx = this.chain.api.tx.grid.withhold(element, Number(f.get('first')), Number(f.get('slots')), Number(f.get('up')), Number(f.get('down')));
    this.show(true, `Withholding element ${element}: signing and sending…`);
    void submit(this.chain, account, tx)
      .then((outcome) => this.show(outcome.ok, outcome.ok ? `Withheld element ${element}'s headroom` : `Withholding failed: ${outcome.message}`))
      .catch((err) => this.show(false, `Withholding failed: ${(err as Error).message}`))
      .then(() => this.refresh());
  }
}
