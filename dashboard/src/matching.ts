// A member's 24/7 matching: for each of the last slots, the consumption its meters metered and
// the Wh of certificates of that slot claimed against it, with the carbon-free-energy score
// (matched ÷ consumed) per slot, per day and over the span, from `certificates_matching`.

import type { Chain } from './chain';
import { slotChart } from './charts';
import { energy, esc } from './format';

/// How many slots back the chart reaches.
const SPAN = 48;

/// `certificates_matching`'s report (`pallet-energy-tokens-rpc`'s `MatchingReport`, JSON).
export interface MatchingReport {
  who: string | null;
  from_slot: number;
  to_slot: number;
  hours: Array<{ slot: number; start: string; consumed_wh: number; matched_wh: number; cfe_score: number | null }>;
  days: Array<{ period: string; consumed_wh: number; matched_wh: number; cfe_score: number | null }>;
  total: { consumed_wh: number; matched_wh: number; cfe_score: number | null };
}

function percent(score: number | null): string {
  return score == null ? '–' : `${(score * 100).toFixed(1)} %`;
}

export class MatchingView {
  private lastKey = '';
  /// The latest request: an older response arriving after it is dropped.
  private request = 0;

  constructor(private readonly root: HTMLElement, private readonly chain: Chain) {
    root.innerHTML = `<h2>Hourly matching (24/7)</h2>
      <p class="note">Each slot's metered consumption and the certificates of the same slot claimed against it. The carbon-free-energy score is matched ÷ consumed.</p>
      <div id="matching-summary">…</div>
      <div class="chart" id="matching-chart"></div>
      <div id="matching-days"></div>`;
  }

  /// Re-reads the report of `who` over the last slots, once per block and account.
  async refresh(who: string): Promise<void> {
    const to = this.chain.currentSlot;
    // Readings of past slots arrive in any block: re-read on every block.
    const key = `${who}:${this.chain.best}`;
    if (key === this.lastKey || to === 0) return;
    this.lastKey = key;
    const from = Math.max(0, to - SPAN + 1);
    const summary = this.root.querySelector<HTMLElement>('#matching-summary')!;
    const request = ++this.request;
    let report: MatchingReport;
    try {
      report = await this.chain.rpc<MatchingReport>('certificates_matching', [who, from, to]);
      if (request !== this.request) return;
    } catch (e) {
      summary.innerHTML = `<p class="result error">certificates_matching failed: ${esc((e as Error).message)}</p>`;
      return;
    }
    const { total } = report;
    summary.innerHTML = `<div>slots ${report.from_slot}–${report.to_slot}: <b id="matching-consumed">${energy(total.consumed_wh)}</b> consumed in
      <b id="matching-hours">${report.hours.length}</b> metered slots, <b id="matching-matched">${energy(total.matched_wh)}</b> matched by certificates:
      CFE score <b id="matching-score">${percent(total.cfe_score)}</b></div>`;
    const chart = this.root.querySelector<HTMLElement>('#matching-chart')!;
    if (report.hours.length === 0) {
      chart.innerHTML = '<p class="note">No metered consumption in these slots.</p>';
    } else {
      const byslot = new Map(report.hours.map((h) => [h.slot, h]));
      const xs = Array.from({ length: to - from + 1 }, (_, i) => from + i);
      const value = (slot: number, pick: (h: MatchingReport['hours'][number]) => number | null) => {
        const hour = byslot.get(slot);
        return hour ? pick(hour) : null;
      };
      slotChart(
        chart,
        xs,
        [
          { label: 'consumed (Wh)', stroke: '#9aa5b1', scale: 'wh', bars: true, values: xs.map((s) => value(s, (h) => h.consumed_wh)) },
          { label: 'matched (Wh)', stroke: '#2f9e44', scale: 'wh', bars: true, values: xs.map((s) => value(s, (h) => h.matched_wh)) },
          { label: 'CFE score (%)', stroke: '#1c7ed6', scale: '%', values: xs.map((s) => value(s, (h) => (h.cfe_score == null ? null : h.cfe_score * 100))) },
        ],
        { wh: 'Wh', '%': 'CFE score %' },
      );
    }
    this.root.querySelector('#matching-days')!.innerHTML = report.days.length
      ? `<table class="grid"><thead><tr><th>day (UTC)</th><th>consumed</th><th>matched</th><th>CFE score</th></tr></thead><tbody>
        ${report.days.map((d) => `<tr><td>${esc(d.period)}</td><td>${energy(d.consumed_wh)}</td><td>${energy(d.matched_wh)}</td><td>${percent(d.cfe_score)}</td></tr>`).join('')}</tbody></table>`
      : '';
  }
}
