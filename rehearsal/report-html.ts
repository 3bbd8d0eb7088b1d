import { Color, COLORS } from '../lambda/shared/colors';
import { RehearsalReport } from './rehearse';

/**
 * A rehearsal as one self-contained HTML page (inline SVG, no scripts, no
 * network): weights per color, each color's error rate and p95, alarm states
 * as bands, and markers for fault onset and the rollback.
 */

const COLOR_HEX: Record<Color, string> = { blue: '#1f77b4', green: '#2ca02c' };
const STATE_HEX: Record<string, string> = { ALARM: '#d62728', OK: '#c7e9c0', INSUFFICIENT_DATA: '#dddddd' };
const W = 900;
const LEFT = 60;
const RIGHT = 20;

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

interface Axis {
  readonly x: (minute: number) => number;
  readonly from: number;
  readonly to: number;
}

function chart(title: string, axis: Axis, series: Array<{ color: string; label: string; points: Array<[number, number | null]> }>, unit: string, markers: string): string {
  const h = 160;
  const top = 24;
  const bottom = h - 24;
  const max = Math.max(1e-9, ...series.flatMap((s) => s.points.map(([, v]) => v ?? 0)));
  const y = (v: number) => bottom - ((bottom - top) * v) / max;
  const paths = series
    .map((s) => {
      let d = '';
      let pen = false;
      for (const [m, v] of s.points) {
        if (v === null) {
          pen = false;
          continue;
        }
        d += `${pen ? 'L' : 'M'}${axis.x(m).toFixed(1)},${y(v).toFixed(1)} `;
        pen = true;
      }
      return `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"><title>${esc(s.label)}</title></path>`;
    })
    .join('');
  const legend = series.map((s, i) => `<text x="${LEFT + 10 + i * 140}" y="14" fill="${s.color}" font-size="12">${esc(s.label)}</text>`).join('');
  return `<svg width="${W}" height="${h}" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${esc(title)}">
<text x="4" y="14" font-size="13" font-weight="bold">${esc(title)}</text>${legend}
<line x1="${LEFT}" y1="${bottom}" x2="${W - RIGHT}" y2="${bottom}" stroke="#999"/>
<text x="${LEFT - 4}" y="${top + 4}" font-size="11" text-anchor="end">${formatNumber(max)}${unit}</text>
<text x="${LEFT - 4}" y="${bottom}" font-size="11" text-anchor="end">0</text>
${markers}${paths}</svg>`;
}

const formatNumber = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(1) : v.toFixed(3));

/** The report as an HTML page. */
export function htmlReport(rep: RehearsalReport): string {
  const rows = rep.minutes;
  const from = Math.min(0, ...rows.map((r) => r.minute));
  const to = Math.max(from + 1, ...rows.map((r) => r.minute + 1));
  const axis: Axis = { from, to, x: (m) => LEFT + ((W - LEFT - RIGHT) * (m - from)) / (to - from) };
  const mark = (minute: number, label: string, color: string) =>
    `<line x1="${axis.x(minute)}" y1="20" x2="${axis.x(minute)}" y2="140" stroke="${color}" stroke-dasharray="4 3"/><text x="${axis.x(minute) + 3}" y="32" font-size="11" fill="${color}">${esc(label)}</text>`;
  let markers = '';
  if (rep.faultOnsetSeconds !== undefined) markers += mark(rep.faultOnsetSeconds / 60, 'fault', '#9467bd');
  if (rep.faultOnsetSeconds !== undefined && rep.detectionSeconds !== undefined) markers += mark((rep.faultOnsetSeconds + rep.detectionSeconds) / 60, 'rollback', '#d62728');

  const perColor = (f: (r: (typeof rows)[number], c: Color) => number | null, label: string) =>
    COLORS.map((c) => ({ color: COLOR_HEX[c], label: `${c} ${label}`, points: rows.map((r) => [r.minute + 0.5, f(r, c)] as [number, number | null]) }));

  const weights = chart('Weights read back (%)', axis, perColor((r, c) => r.weights[c], 'weight'), '%', markers);
  const errors = chart('Failed requests (% of the color\'s requests)', axis, perColor((r, c) => (r.requests[c] > 0 ? (100 * r.failedRequests[c]) / r.requests[c] : null), 'errors'), '%', markers);
  const latency = chart('p95 response time (s)', axis, perColor((r, c) => r.p95Seconds[c], 'p95'), ' s', markers);

  // One band per alarm that changed state, coloured by state over time.
  const changed = [...new Set(rep.alarmChanges.map((c) => c.alarm))];
  const bandH = 16;
  const bands = changed
    .map((alarm, i) => {
      const changes = rep.alarmChanges.filter((c) => c.alarm === alarm);
      const y = 8 + i * (bandH + 4);
      let state = changes[0]?.from ?? 'INSUFFICIENT_DATA';
      let at = from;
      let out = '';
      for (const c of [...changes, { atSeconds: to * 60, to: state, alarm, from: state, reason: '' }]) {
        const m = Math.max(from, Math.min(to, c.atSeconds / 60));
        if (m > at) out += `<rect x="${axis.x(at)}" y="${y}" width="${Math.max(1, axis.x(m) - axis.x(at))}" height="${bandH}" fill="${STATE_HEX[state] ?? '#eee'}"><title>${esc(`${alarm}: ${state}`)}</title></rect>`;
        at = m;
        state = c.to;
      }
      return `${out}<text x="${axis.x(from) + 4}" y="${y + 12}" font-size="11">${esc(alarm)}</text>`;
    })
    .join('');
  const alarmSvg = `<svg width="${W}" height="${16 + changed.length * (bandH + 4)}" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="alarm states">${bands}</svg>`;

  const summary: Array<[string, string]> = [
    ['outcome', `${rep.status}${rep.error ? ` (${rep.error})` : ''}: ${rep.matched ? 'matches the expectation' : `MISMATCH: ${rep.mismatches.join('; ')}`}`],
    ['colors', `old ${rep.colors.old}, new ${rep.colors.new}; the new color reached at most ${rep.maxNewWeight}%`],
    ['final weights', `blue ${rep.finalWeights.blue}, green ${rep.finalWeights.green}`],
    ['fault onset', rep.faultOnsetSeconds === undefined ? 'no fault' : `${rep.faultOnsetSeconds} s after the start`],
    ['detection', rep.detectionSeconds === undefined ? 'none' : `${rep.detectionSeconds} s after onset`],
    ['restored', rep.restoredSeconds === undefined ? 'not restored' : `${rep.restoredSeconds} s after onset`],
    ['requests', COLORS.map((c) => `${c} ${rep.requests[c]} (${rep.failedRequests[c]} failed)`).join(', ')],
    ['transitions', `${rep.transitions} ($${rep.costUsd.toFixed(5)})`],
  ];
  if (rep.cause) summary.push(['cause', rep.cause]);
  const changesTable = rep.alarmChanges.map((c) => `<tr><td>${c.atSeconds}</td><td>${esc(c.alarm)}</td><td>${c.from} → ${c.to}</td><td>${esc(c.reason)}</td></tr>`).join('');
  const timeline = rep.timeline.map((t) => `<tr><td>${t.virtualSeconds}</td><td>${esc(t.state)}</td><td>blue ${t.weights?.blue} / green ${t.weights?.green}</td></tr>`).join('');

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Rehearsal: ${esc(rep.scenario)}</title>
<style>body{font-family:system-ui,sans-serif;margin:24px;max-width:960px}table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}th{background:#f4f4f4}h2{margin-top:28px}</style></head>
<body>
<h1>${esc(rep.scenario)}</h1>
<p>${esc(rep.description)}</p>
<table>${summary.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>
<h2>Traffic (minutes since the start)</h2>
${weights}
${errors}
${latency}
<h2>Alarm states</h2>
<p>Red: ALARM, green: OK, grey: INSUFFICIENT_DATA.</p>
${alarmSvg}
<h2>Alarm changes</h2>
<table><tr><th>seconds</th><th>alarm</th><th>change</th><th>reason</th></tr>${changesTable}</table>
<h2>States</h2>
<table><tr><th>seconds</th><th>state</th><th>weights read back after it</th></tr>${timeline}</table>
</body></html>
`;
}
