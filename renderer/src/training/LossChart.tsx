import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Curve, ProgressSeries } from './progressSeries.ts';

export interface ChartLine {
  curve: Curve;
  label: string;
  color: string;
  /** uPlot scale key: lines on different scales get their own axis. */
  scale: string;
}

const AXIS = { stroke: '#8b95a3', grid: { stroke: '#2b313b', width: 1 }, ticks: { stroke: '#2b313b', width: 1 }, font: '10px system-ui, sans-serif' };

/**
 * A live line chart of some curves of a run against the step, drawn by uPlot on a canvas. The
 * plot is made once per set of lines and fed new data with `setData`, which redraws without
 * rebuilding (cheap enough for a report every iteration).
 */
export function LossChart({ title, series, lines, testId }: { title: string; series: ProgressSeries; lines: ChartLine[]; testId: string }) {
  const hostRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  const dataRef = useRef<uPlot.AlignedData>([[]]);
  dataRef.current = [series.step, ...lines.map((l) => series.values[l.curve])];
  const linesKey = JSON.stringify(lines);

  useEffect(() => {
    const host = hostRef.current!;
    const spec = JSON.parse(linesKey) as ChartLine[];
    const scales = [...new Set(spec.map((l) => l.scale))];
    const plot = new uPlot(
      {
        width: Math.max(120, host.clientWidth),
        height: 130,
        legend: { show: true, live: false },
        cursor: { show: false },
        scales: { x: { time: false } },
        series: [
          { label: 'step' },
          ...spec.map((l) => ({ label: l.label, stroke: l.color, width: 1.5, scale: l.scale, spanGaps: true, points: { show: false } })),
        ],
        axes: [{ ...AXIS }, ...scales.map((scale, n) => ({ ...AXIS, scale, side: n === 0 ? 3 : 1, size: 36 }))],
      },
      dataRef.current,
      host,
    );
    plotRef.current = plot;
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(120, host.clientWidth), height: 130 }));
    resize.observe(host);
    return () => {
      resize.disconnect();
      plot.destroy();
      plotRef.current = null;
    };
  }, [linesKey]);

  useEffect(() => {
    plotRef.current?.setData(dataRef.current);
  }, [series]);

  return (
    <figure className="train-chart" data-testid={testId} data-points={series.step.length} data-last-step={series.step.at(-1) ?? 0}>
      <figcaption className="train-chart__title">{title}</figcaption>
      <div ref={hostRef} className="train-chart__plot" />
    </figure>
  );
}
