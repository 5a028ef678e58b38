// Charts drawn with uPlot: one series of x values (market slots) and a few y series.

import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/// One y series: its label, colour, scale and whether it is drawn as bars.
export interface Series {
  label: string;
  stroke: string;
  scale: string;
  bars?: boolean;
  values: Array<number | null>;
}

const charts = new WeakMap<HTMLElement, uPlot>();

/// Draws (or redraws with new data) a chart of `series` over slots `xs` into `target`.
export function slotChart(target: HTMLElement, xs: number[], series: Series[], scales: Record<string, string>): void {
  const data = [xs, ...series.map((s) => s.values)] as uPlot.AlignedData;
  const existing = charts.get(target);
  if (existing && existing.series.length === series.length + 1) {
    existing.setData(data);
    return;
  }
  existing?.destroy();
  target.innerHTML = '';
  const scaleNames = Object.keys(scales);
  const bars = uPlot.paths.bars ? uPlot.paths.bars({ size: [0.6, 40] }) : undefined;
  const chart = new uPlot(
    {
      width: Math.max(320, target.clientWidth || 640),
      height: 220,
      // Slots are whole numbers; energy and prices are drawn from zero.
      scales: {
        x: { time: false },
        ...Object.fromEntries(scaleNames.map((name) => [name, { range: (_u: uPlot, _min: number, max: number): uPlot.Range.MinMax => [0, max > 0 ? max * 1.1 : 1] }])),
      },
      series: [
        { label: 'slot' },
        ...series.map((s) => ({
          label: s.label,
          stroke: s.stroke,
          fill: s.bars ? `${s.stroke}55` : undefined,
          scale: s.scale,
          paths: s.bars ? bars : undefined,
          points: { show: !s.bars },
          spanGaps: false,
        })),
      ],
      axes: [
        { label: 'slot (last digits)', incrs: [1, 2, 5, 10, 20, 50, 100], values: (_u: uPlot, ticks: number[]) => ticks.map((t) => String(t % 10_000)) },
        ...scaleNames.map((scale, i) => ({ scale, label: scales[scale], side: i === 0 ? 3 : 1, grid: { show: i === 0 } })),
      ],
    },
    data,
    target,
  );
  charts.set(target, chart);
}
