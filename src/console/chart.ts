// Verifications per minute by outcome, as an inline SVG of stacked bars (presentation
// attributes only: the console's policy allows no inline style).
import { html, raw, table, type Raw } from './html.js';

export const OUTCOMES = [
  { status: 'success', label: 'Verified', colour: '#16a34a' },
  { status: 'failure', label: 'Declined', colour: '#dc2626' },
  { status: 'expired', label: 'Expired', colour: '#d97706' },
  { status: 'created', label: 'Waiting', colour: '#2563eb' },
] as const;

export function perMinuteChart(o: {
  buckets: Map<number, Record<string, number>>;
  fromMinute: number;
  minutes: number;
  title: string;
  id: string;
}): Raw {
  const W = 960;
  const H = 200;
  const pad = { l: 36, r: 24, t: 8, b: 22 };
  const plotW = W - pad.l - pad.r;
  const plotH = H - pad.t - pad.b;
  let max = 1;
  for (let m = o.fromMinute; m < o.fromMinute + o.minutes; m++) {
    const b = o.buckets.get(m);
    if (b) max = Math.max(max, Object.values(b).reduce((x, y) => x + y, 0));
  }
  const step = plotW / o.minutes;
  const bars: string[] = [];
  for (let i = 0; i < o.minutes; i++) {
    const b = o.buckets.get(o.fromMinute + i);
    if (!b) continue;
    let y = pad.t + plotH;
    for (const oc of OUTCOMES) {
      const n = b[oc.status] ?? 0;
      if (!n) continue;
      const h = (n / max) * plotH;
      y -= h;
      bars.push(
        `<rect x="${(pad.l + i * step).toFixed(2)}" y="${y.toFixed(2)}" width="${Math.max(step * 0.85, 2).toFixed(2)}" height="${h.toFixed(2)}" fill="${oc.colour}"><title>${new Date((o.fromMinute + i) * 60_000).toISOString().slice(11, 16)} UTC: ${n} ${oc.label.toLowerCase()}</title></rect>`,
      );
    }
  }
  const ticks: string[] = [];
  const every = o.minutes <= 60 ? 10 : 180;
  for (let i = 0; i <= o.minutes; i += every) {
    const x = pad.l + i * step;
    const label = new Date((o.fromMinute + i) * 60_000).toISOString().slice(11, 16);
    ticks.push(`<line x1="${x.toFixed(1)}" x2="${x.toFixed(1)}" y1="${pad.t + plotH}" y2="${pad.t + plotH + 4}" stroke="#4a5568"/>`);
    ticks.push(`<text x="${x.toFixed(1)}" y="${H - 6}" font-size="11" text-anchor="middle" fill="#33415c">${label}</text>`);
  }
  const axis = `<line x1="${pad.l}" x2="${W - pad.r}" y1="${pad.t + plotH}" y2="${pad.t + plotH}" stroke="#4a5568"/>
<text x="${pad.l - 6}" y="${pad.t + 10}" font-size="11" text-anchor="end" fill="#33415c">${max}</text>
<text x="${pad.l - 6}" y="${pad.t + plotH}" font-size="11" text-anchor="end" fill="#33415c">0</text>`;
  return html`<figure><figcaption id="${o.id}">${o.title}</figcaption>
${raw(`<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${o.id}" aria-describedby="${o.id}-sum" xmlns="http://www.w3.org/2000/svg">${axis}${ticks.join('')}${bars.join('')}</svg>`)}
<ul class="legend">${OUTCOMES.map((oc) => html`<li><span class="k-${oc.status}"></span>${oc.label}</li>`)}</ul>
${figures(o)}</figure>`;
}

/**
 * The chart's figures as text: a sentence of totals and the busiest minute (the chart's
 * description), and a table by minute, or by hour past an hour, of the periods with any
 * verification, folded away. What a screen reader reads, and the exact numbers for anyone.
 */
function figures(o: { buckets: Map<number, Record<string, number>>; fromMinute: number; minutes: number; id: string }): Raw {
  const group = o.minutes <= 60 ? 1 : 60;
  const rows = new Map<number, Record<string, number>>();
  const totals: Record<string, number> = {};
  let busiest = { minute: -1, n: 0 };
  for (let m = o.fromMinute; m < o.fromMinute + o.minutes; m++) {
    const b = o.buckets.get(m);
    if (!b) continue;
    const n = Object.values(b).reduce((x, y) => x + y, 0);
    if (n > busiest.n) busiest = { minute: m, n };
    const start = o.fromMinute + Math.floor((m - o.fromMinute) / group) * group;
    const r = rows.get(start) ?? {};
    for (const [k, v] of Object.entries(b)) (r[k] = (r[k] ?? 0) + v), (totals[k] = (totals[k] ?? 0) + v);
    rows.set(start, r);
  }
  const hhmm = (m: number) => new Date(m * 60_000).toISOString().slice(11, 16);
  const all = Object.values(totals).reduce((x, y) => x + y, 0);
  const summary = all
    ? `${all} in all: ${OUTCOMES.map((oc) => `${totals[oc.status] ?? 0} ${oc.label.toLowerCase()}`).join(', ')}; the busiest minute ${hhmm(busiest.minute)} UTC with ${busiest.n}.`
    : 'No verifications in this period.';
  const period = (start: number) => (group === 1 ? hhmm(start) : `${hhmm(start)}-${hhmm(start + group)}`);
  return html`<p class="chart-sum" id="${o.id}-sum">${summary}</p>${
    rows.size
      ? html`<details><summary>The figures by ${group === 1 ? 'minute' : 'hour'}</summary>${table(
          [`${group === 1 ? 'Minute' : 'Hour'} (UTC)`, ...OUTCOMES.map((oc) => oc.label)],
          [...rows].map(([start, r]) => [html`${period(start)}`, ...OUTCOMES.map((oc) => html`${String(r[oc.status] ?? 0)}`)]),
        )}</details>`
      : ''
  }`;
}

/** The share verified as a bar: verified against everything that ended. */
export function shareBar(verified: number, ended: number): Raw {
  const share = ended ? verified / ended : 0;
  const w = Math.round(share * 300);
  return raw(
    `<svg viewBox="0 0 300 16" width="300" height="16" role="img" aria-label="${Math.round(share * 100)}% verified" xmlns="http://www.w3.org/2000/svg"><rect width="300" height="16" rx="4" fill="#fee2e2"/><rect width="${w}" height="16" rx="4" fill="#16a34a"/></svg>`,
  );
}
