import type { BenchResults } from './results';

const modes = [
  { key: 'raw', label: 'raw TransactWriteItems', color: '#7f8c8d' },
  { key: 'lib', label: 'lib transfer()', color: '#2e86c1' },
  { key: 'api', label: 'api POST /v1/transfers', color: '#d35400' },
] as const;

const panelWidth = 420;
const panelHeight = 260;
const margin = { top: 40, right: 16, bottom: 44, left: 56 };
const legendHeight = 34;

interface Panel {
  title: string;
  unit: string;
  value: (row: BenchResults['transfer']['concurrency'][string], mode: (typeof modes)[number]['key']) => number;
}

const panels: Panel[] = [
  { title: 'Throughput (transfers/s, higher is better)', unit: '/s', value: (row, mode) => row[`${mode}Tps`] },
  { title: 'p99 latency (ms, lower is better)', unit: 'ms', value: (row, mode) => row[`${mode}P99Ms`] },
];

/** An SVG of throughput and p99 by requests in flight, raw vs lib vs api, as grouped bars. No dependencies. */
export function transferChart(results: BenchResults): string {
  const width = panelWidth * panels.length;
  const height = panelHeight + legendHeight;
  const body = panels.map((panel, index) => drawPanel(panel, results, index * panelWidth)).join('\n');
  const legend = modes.map((mode, index) => {
    const x = 70 + index * 250;
    return `<rect x="${x}" y="${panelHeight + 8}" width="14" height="14" fill="${mode.color}"/>` +
      `<text x="${x + 20}" y="${panelHeight + 20}">${mode.label}</text>`;
  }).join('');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
      `font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    body,
    legend,
    '</svg>',
    '',
  ].join('\n');
}

function drawPanel(panel: Panel, results: BenchResults, offsetX: number): string {
  const rows = Object.entries(results.transfer.concurrency);
  const plotWidth = panelWidth - margin.left - margin.right;
  const plotHeight = panelHeight - margin.top - margin.bottom;
  const values = rows.flatMap(([, row]) => modes.map((mode) => panel.value(row, mode.key))).filter(Number.isFinite);
  const top = niceCeiling(Math.max(1, ...values));
  const y = (value: number): number => margin.top + plotHeight - (value / top) * plotHeight;
  const groupWidth = plotWidth / rows.length;
  const barWidth = (groupWidth * 0.7) / modes.length;
  const parts: string[] = [`<g transform="translate(${offsetX},0)">`];
  parts.push(`<text x="${panelWidth / 2}" y="20" text-anchor="middle" font-weight="bold">${panel.title}</text>`);
  for (let tick = 0; tick <= 4; tick += 1) {
    const value = (top / 4) * tick;
    parts.push(`<line x1="${margin.left}" x2="${panelWidth - margin.right}" y1="${y(value)}" y2="${y(value)}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${margin.left - 6}" y="${y(value) + 4}" text-anchor="end" fill="#555">${formatTick(value)}</text>`);
  }
  rows.forEach(([concurrency, row], group) => {
    const groupX = margin.left + group * groupWidth + groupWidth * 0.15;
    modes.forEach((mode, index) => {
      const value = panel.value(row, mode.key);
      const height = Number.isFinite(value) ? Math.max(0, y(0) - y(value)) : 0;
      const x = groupX + index * barWidth;
      parts.push(`<rect x="${x.toFixed(1)}" y="${(y(0) - height).toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${height.toFixed(1)}" fill="${mode.color}"/>`);
      parts.push(`<text x="${(x + barWidth / 2 - 1).toFixed(1)}" y="${(y(0) - height - 4).toFixed(1)}" text-anchor="middle" font-size="10">${Number.isFinite(value) ? Math.round(value) : 'n/a'}</text>`);
    });
    parts.push(`<text x="${(groupX + groupWidth * 0.35).toFixed(1)}" y="${panelHeight - margin.bottom + 16}" text-anchor="middle">${concurrency} in flight</text>`);
  });
  parts.push(`<line x1="${margin.left}" x2="${panelWidth - margin.right}" y1="${y(0)}" y2="${y(0)}" stroke="#333"/>`);
  parts.push(`<text x="${margin.left}" y="${panelHeight - 8}" fill="#555">${panel.unit === 'ms' ? 'p99 ms' : 'transfers/s'} by requests in flight</text>`);
  parts.push('</g>');
  return parts.join('\n');
}

/** A round axis top at or above `value`: 1, 2, 2.5 or 5 times a power of ten. */
function niceCeiling(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 2.5, 5, 10].find((candidate) => candidate * power >= value) ?? 10;
  return step * power;
}

function formatTick(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}
