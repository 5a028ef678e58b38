// The community view: members by role, RES assets, and meters with their last reading and
// their forecasts next to the attested energy. Every list is read a page at a time.

import type { Chain } from './chain';
import { slotChart } from './charts';
import { energy, esc, num, short } from './format';

/// Rows per page of each list; meters carry a chart each, so fewer of them.
const PAGE = 20;
const METER_PAGE = 6;
/// Slots in each meter's chart.
const METER_CHART_SLOTS = 24;

/// A storage map read page by page (polkadot.js `entriesPaged`), with the start keys of the
/// pages seen so that "previous" needs no new query of what came before.
class Pager {
  private starts: Array<string | undefined> = [undefined];
  page = 0;
  last = false;

  constructor(private readonly size: number) {}

  /// The entries of the current page.
  async read<T>(query: (opts: { args: unknown[]; pageSize: number; startKey?: string }) => Promise<Array<[{ toHex(): string; args: unknown[] }, T]>>) {
    // One entry more than shown tells whether a next page exists.
    const entries = await query({ args: [], pageSize: this.size + 1, startKey: this.starts[this.page] });
    this.last = entries.length <= this.size;
    const shown = entries.slice(0, this.size);
    if (!this.last) this.starts[this.page + 1] = shown[shown.length - 1][0].toHex();
    return shown;
  }

  next(): void {
    if (!this.last) this.page++;
  }

  previous(): void {
    if (this.page > 0) this.page--;
  }
}

function pagerControls(id: string, pager: Pager): string {
  return `<div class="pager" id="${id}-pager"><button data-dir="prev" ${pager.page === 0 ? 'disabled' : ''}>‹ previous</button>
    page ${pager.page + 1}<button data-dir="next" ${pager.last ? 'disabled' : ''}>next ›</button></div>`;
}

function roleNames(roles: Record<string, boolean>): string[] {
  return Object.entries(roles).filter(([, on]) => on).map(([role]) => role);
}

/// The community view.
export class CommunityView {
  private members = new Pager(PAGE);
  private assets = new Pager(PAGE);
  private meters = new Pager(METER_PAGE);
  /// Members' codes by account, for the other lists.
  private codes = new Map<string, string>();
  private lastSlot = -1;

  constructor(private readonly root: HTMLElement, private readonly chain: Chain) {
    root.innerHTML = `
      <h2>Members</h2><div id="role-counts" class="note"></div><div id="members"></div>
      <h2>Renewable energy systems</h2><div id="assets"></div>
      <h2>Meters</h2><p class="note">Attested energy per slot from the accepted readings of the last
      hour of blocks; forecasts from the forecasts pallet.</p><div id="meters"></div>`;
    root.addEventListener('click', (e) => {
      const button = (e.target as HTMLElement).closest('button[data-dir]') as HTMLButtonElement | null;
      if (!button) return;
      const pager = { 'members-pager': this.members, 'assets-pager': this.assets, 'meters-pager': this.meters }[button.parentElement!.id];
      if (!pager) return;
      if (button.dataset.dir === 'next') pager.next();
      else pager.previous();
      this.lastSlot = -1;
      void this.refresh(true);
    });
  }

  /// Re-reads the shown pages: on a new slot, when readings arrived, or when asked.
  async refresh(force = false): Promise<void> {
    const readings = this.chain.eventsOf('meters.ReadingAccepted').length;
    const key = this.chain.currentSlot * 1_000_000 + readings;
    if (!force && key === this.lastSlot) return;
    this.lastSlot = key;
    await this.refreshMembers();
    await Promise.all([this.refreshAssets(), this.refreshMeters()]);
  }

  private async refreshMembers(): Promise<void> {
    const entries = await this.members.read((o) => this.chain.api.query.participants.participants.entriesPaged(o) as never);
    const rows = entries.map(([key, value]) => {
      const who = String(key.args[0]);
      const p = (value as unknown as { unwrap(): { toJSON(): Record<string, unknown>; code: { toUtf8(): string } } }).unwrap();
      const json = p.toJSON();
      const code = p.code.toUtf8();
      this.codes.set(who, code);
      return { who, code, roles: roleNames(json.roles as Record<string, boolean>), status: String(json.status).toLowerCase() };
    });
    const order = ['dso', 'utility', 'producer', 'consumer'];
    const rank = (roles: string[]) => Math.min(...roles.map((r) => order.indexOf(r)).filter((i) => i >= 0), 9);
    rows.sort((a, b) => rank(a.roles) - rank(b.roles) || a.code.localeCompare(b.code));
    const counts = new Map<string, number>();
    rows.forEach((r) => r.roles.forEach((role) => counts.set(role, (counts.get(role) ?? 0) + 1)));
    this.root.querySelector('#role-counts')!.textContent = `On this page: ${[...counts].map(([r, n]) => `${n} ${r}`).join(', ')}`;
    this.root.querySelector('#members')!.innerHTML = `<table class="grid"><thead><tr><th>IDgrid code</th><th>roles</th><th>status</th><th>account</th></tr></thead><tbody>
      ${rows.map((r) => `<tr class="member" data-account="${esc(r.who)}"><td>${esc(r.code)}</td><td>${r.roles.map((x) => `<span class="role ${x}">${x}</span>`).join(' ')}</td><td>${esc(r.status)}</td><td title="${esc(r.who)}">${short(r.who)}</td></tr>`).join('')}
      </tbody></table>${pagerControls('members', this.members)}`;
  }

  private async refreshAssets(): Promise<void> {
    const entries = await this.assets.read((o) => this.chain.api.query.resAssets.assets.entriesPaged(o) as never);
    this.root.querySelector('#assets')!.innerHTML = `<table class="grid"><thead><tr><th>RES</th><th>owner</th><th>technology</th><th>capacity</th><th>connection point</th><th>DSO status</th></tr></thead><tbody>
      ${entries
        .map(([key, value]) => {
          const a = (value as unknown as { unwrap(): { toJSON(): Record<string, unknown>; connectionPoint: { toUtf8(): string } } }).unwrap();
          const json = a.toJSON();
          const owner = String(json.owner);
          return `<tr><td>${esc(String(key.args[0]))}</td><td>${esc(this.codes.get(owner) ?? short(owner))}</td><td>${esc(json.technology)}</td>
            <td>${(num(json.nameplateW) / 1000).toFixed(1)} kW</td><td>${esc(a.connectionPoint.toUtf8())}</td><td class="res-status">${esc(String(json.status))}</td></tr>`;
        })
        .join('')}</tbody></table>${pagerControls('assets', this.assets)}`;
  }

  private async refreshMeters(): Promise<void> {
    const chain = this.chain;
    const entries = await this.meters.read((o) => chain.api.query.meters.meterDirectory.entriesPaged(o) as never);
    // The directory says which gateway's page holds a meter; the page holds its state.
    const directory = entries.map(([key, value]) => ({
      id: num(String(key.args[0])),
      entry: (value as unknown as { unwrap(): { toJSON(): Record<string, unknown> } }).unwrap().toJSON(),
    }));
    const gateways = [...new Set(directory.map((d) => String(d.entry.gateway)))];
    const pages = gateways.length ? await chain.api.query.meters.gateways.multi(gateways) : [];
    const byId = new Map<number, Record<string, unknown>>();
    for (const page of pages) {
      for (const meter of ((page as unknown as { toJSON(): unknown }).toJSON() ?? []) as Array<Record<string, unknown>>) byId.set(num(meter.id), meter);
    }
    const meters = directory
      .filter((d) => byId.has(d.id))
      .sort((a, b) => a.id - b.id)
      .map((d) => ({ id: d.id, status: String(d.entry.status), json: byId.get(d.id)! }));
    const current = chain.currentSlot;
    const xs = Array.from({ length: METER_CHART_SLOTS }, (_, i) => current - METER_CHART_SLOTS + 4 + i);
    const keys = meters.flatMap((m) => xs.map((slot) => [slot, m.id]));
    const [forecasts, latest] = await Promise.all([
      keys.length ? chain.api.query.forecasts.forecasts.multi(keys) : Promise.resolve([]),
      meters.length ? chain.api.query.forecasts.latestForecast.multi(meters.map((m) => m.id)) : Promise.resolve([]),
    ]);
    const attested = new Map<string, { import_wh: number; export_wh: number }>();
    for (const e of chain.eventsOf('meters.ReadingAccepted')) {
      attested.set(`${num(e.data.meter)}:${num(e.data.slot)}`, { import_wh: num(e.data.import_wh), export_wh: num(e.data.export_wh) });
    }
    const container = this.root.querySelector('#meters')!;
    container.innerHTML = '<div class="meters-grid">' + meters
      .map((m, i) => {
        const kind = m.json.kind as Record<string, unknown> | string;
        const production = typeof kind === 'object' && kind !== null && 'production' in kind;
        const registers = m.json.registers as Record<string, unknown>;
        const owner = String(m.json.owner);
        const next = (latest[i] as unknown as { toJSON(): Record<string, unknown> | null }).toJSON();
        const nextForecast = next ? (next.forecast as Record<string, unknown>) : null;
        return `<div class="meter card" id="meter-${m.id}"><h3>Meter ${m.id} · ${production ? `production (RES ${(kind as { production: { res: number } }).production.res})` : 'consumption'} · ${esc(this.codes.get(owner) ?? short(owner))}</h3>
          <div class="note">status ${esc(m.status)} · last reading: ${m.json.lastSlot == null ? 'none yet' : `slot ${m.json.lastSlot}, sequence ${m.json.lastSequence}`};
          registers import ${energy(registers.importWh)}, export ${energy(registers.exportWh)};
          latest forecast: ${nextForecast ? `slot ${next!.slot}: import ${energy(nextForecast.importWh)}, export ${energy(nextForecast.exportWh)}` : 'none yet'}</div>
          <div class="chart" id="meter-chart-${m.id}"></div></div>`;
      })
      .join('') + '</div>' + pagerControls('meters', this.meters);
    meters.forEach((m, i) => {
      const kind = m.json.kind as Record<string, unknown> | string;
      const field = typeof kind === 'object' && kind !== null && 'production' in kind ? 'export' : 'import';
      const forecast = xs.map((_, j) => {
        const f = (forecasts[i * xs.length + j] as unknown as { toJSON(): Record<string, unknown> | null }).toJSON();
        return f ? num(f[`${field}Wh`]) : null;
      });
      const actual = xs.map((slot) => attested.get(`${m.id}:${slot}`)?.[`${field}_wh`] ?? null);
      slotChart(
        container.querySelector(`#meter-chart-${m.id}`)!,
        xs,
        [
          { label: `attested ${field} (Wh)`, stroke: '#2b8a3e', scale: 'wh', bars: true, values: actual },
          { label: `forecast ${field} (Wh)`, stroke: '#7048e8', scale: 'wh', values: forecast },
        ],
        { wh: 'Wh' },
      );
    });
  }
}
