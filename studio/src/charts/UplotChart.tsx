import { useEffect, useRef } from 'react';
import uPlot, { type AlignedData, type Options } from 'uplot';
import 'uplot/dist/uPlot.min.css';

/**
 * One uPlot chart that follows its data: the chart is made once per set of
 * options and fed new data in place, so a live curve does not flicker.
 */
export function UplotChart({
  options,
  data,
  label,
  testId,
}: {
  options: Omit<Options, 'width' | 'height'> & { height?: number };
  data: AlignedData;
  label: string;
  testId?: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const width = Math.max(200, element.clientWidth);
    chart.current = new uPlot({ ...options, width, height: options.height ?? 180 }, data, element);
    const resize = new ResizeObserver(() =>
      chart.current?.setSize({ width: Math.max(200, element.clientWidth), height: options.height ?? 180 }),
    );
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.current?.destroy();
      chart.current = null;
    };
    // Data changes are fed below, without remaking the chart.
  }, [options]);

  useEffect(() => {
    chart.current?.setData(data);
  }, [data]);

  return (
    <figure className="pw-chart" aria-label={label} data-testid={testId} data-points={data[0]?.length ?? 0}>
      <figcaption>{label}</figcaption>
      <div ref={host} className="pw-chart__plot" />
    </figure>
  );
}
