// The grid view: the DSO's radial grid as a picture (`GridApi.slotElements` for a chosen slot,
// the capacities and bindings from `grid` storage): each element with its room in the slot
// against its capacity, its network charge and the meters and RES bound to it; elements whose
// headroom the DSO withheld for the slot are marked. The DSO (the grid's keeper) withholds an
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
}

const BOX_W = 172;
const BOX_H = 64;
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

function picture(elements: Element[], decimals: number, symbol: string): string {
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
      return `<g class="element${withheld ? ' withheld' : ''}" data-id="${e.id}" transform="translate(${p.x},${p.y})">
        <rect width="${BOX_W}" height="${BOX_H}" rx="6" />
        <text x="8" y="16" class="title">${e.parent === null ? 'substation' : 'element'} ${e.id}</text>
        <text x="8" y="32">↑ ${kw(e.upW)}/${kw(e.capUpW)} ↓ ${kw(e.downW)}/${kw(e.capDownW)} kW</text>
        <text x="8" y="47">${esc(price(e.charge, decimals, symbol))}</text>
        <text x="8" y="60" class="bound">${esc(bound)}</text></g>`;
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
        hang at the substation. The market does not clear on the grid yet. You act as the account
        chosen in the Member view.</p>
      <div id="grid-result" class="result" role="status"></div>
      <form class="card" id="grid-slot-form"><label>slot <input name="slot" type="number" min="0" /></label>
        <span id="grid-keeper" class="note"></span></form>
      <div id="grid-tree" class="grid-tree"></div>
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
    const [room, stored, meterPoints, resPoints, keeper, unbound] = await Promise.all([
      api.call.gridApi.slotElements(slot),
      api.query.grid.elements.entries(),
      api.query.grid.meterPoints.entries(),
      api.query.grid.resPoints.entries(),
      api.query.grid.keeper(),
      api.call.gridApi.unbound(),
    ]);
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
      };
    });
    const keeperId = keeper.toJSON() as string | null;
    const [loose, looseRes] = unbound.toJSON() as [number[], number[]];
    const atRoot = loose.length + looseRes.length
      ? ` · at the root until the DSO binds them: ${[...loose.map((m) => `meter ${m}`), ...looseRes.map((r) => `RES ${r}`)].slice(0, 20).join(', ')}${loose.length + looseRes.length > 20 ? ', …' : ''}`
      : ' · every meter and RES is bound';
    this.root.querySelector('#grid-keeper')!.textContent = (keeperId ? `kept by ${short(keeperId)}` : 'nobody keeps the grid') + atRoot;
    this.root.querySelector('#grid-tree')!.innerHTML = elements.length
      ? picture(elements, this.chain.decimals, this.chain.symbol)
      : '<p class="note" id="grid-none">No grid on this chain.</p>';
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
