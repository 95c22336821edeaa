// The console's HTML: a layout, escaping and small helpers. Server-rendered with no script at
// all, so its policy can forbid scripts entirely.
import { esc } from '../web/page.js';

export { esc };

/** A tagged template whose ${values} are escaped unless wrapped in raw(). */
export class Raw {
  constructor(readonly html: string) {}
  toString() {
    return this.html;
  }
}
export const raw = (s: string) => new Raw(s);

type Value = string | number | null | undefined | boolean | Raw | Value[];
const render = (v: Value): string =>
  v === null || v === undefined || v === false ? '' : v instanceof Raw ? v.html : Array.isArray(v) ? v.map(render).join('') : esc(String(v));

export function html(strings: TemplateStringsArray, ...values: Value[]): Raw {
  let out = strings[0];
  values.forEach((v, i) => (out += render(v) + strings[i + 1]));
  return new Raw(out);
}

export const CONSOLE_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const NAV = [
  ['/console', 'Overview'],
  ['/console/verifications', 'Verifications'],
  ['/console/merchants', 'Merchants'],
  ['/console/money', 'Money'],
  ['/console/webhooks', 'Webhooks'],
] as const;

export function layout(o: { title: string; active?: string; csrf?: string; body: Raw; flash?: { kind: 'ok' | 'error'; text: string } | null }): string {
  const nav = o.csrf
    ? html`<nav class="top" aria-label="Console"><span class="brand">pennygate</span><ul>${NAV.map(
        ([href, label]) => html`<li><a href="${href}"${raw(o.active === href ? ' aria-current="page"' : '')}>${label}</a></li>`,
      )}</ul><form method="post" action="/console/logout" class="logout">${csrfField(o.csrf)}<button type="submit">Sign out</button></form></nav>`
    : html``;
  // id="flash": the fields a refusal names point at it (aria-describedby).
  const flash = o.flash ? html`<p id="flash" class="flash ${o.flash.kind}" role="${o.flash.kind === 'error' ? 'alert' : 'status'}">${o.flash.text}</p>` : html``;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(o.title)} · pennygate console</title><link rel="icon" href="/assets/favicon.svg"><link rel="stylesheet" href="/console/assets/console.css"></head>
<body>${o.csrf ? raw('<a class="skip" href="#main">Skip to content</a><header>') : raw('')}${nav}${o.csrf ? raw('</header>') : raw('')}<main id="main" tabindex="-1"><h1>${esc(o.title)}</h1>${flash}${o.body}</main></body></html>`;
}

export const csrfField = (token: string) => html`<input type="hidden" name="_csrf" value="${token}">`;

export const when = (t: number | null | undefined) => (t ? new Date(Number(t)).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '');

export function table(head: string[], rows: Raw[][], caption?: string): Raw {
  if (!rows.length) return html`<p class="empty">${caption ? `${caption}: none.` : 'None.'}</p>`;
  return html`<div class="scroll"><table>${caption ? html`<caption>${caption}</caption>` : ''}<thead><tr>${head.map((h) => (h ? html`<th scope="col">${h}</th>` : html`<th scope="col"><span class="sr-only">Actions</span></th>`))}</tr></thead>
<tbody>${rows.map((r) => html`<tr>${r.map((c) => html`<td>${c}</td>`)}</tr>`)}</tbody></table></div>`;
}

export const badge = (word: string | null | undefined) => (word ? html`<span class="badge b-${word.toLowerCase().replace(/[^a-z_]/g, '')}">${word}</span>` : html``);

export const CONSOLE_STYLE = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f4f6fa;color:#14213d}
header{background:#14213d;color:#fff}
nav.top{display:flex;align-items:center;gap:16px;max-width:1200px;margin:0 auto;padding:8px 16px;flex-wrap:wrap}
nav.top .brand{font-weight:700;margin-right:8px}
nav.top ul{display:flex;gap:4px;list-style:none;margin:0;padding:0;flex-wrap:wrap}
nav.top a{color:#fff;text-decoration:none;padding:6px 10px;border-radius:6px;display:block}
nav.top a[aria-current]{background:#2f3e63;font-weight:600}
nav.top a:hover{background:#24345a}
.logout{margin-left:auto}
.logout button{background:transparent;color:#fff;border:1px solid #8391ad}
main{max-width:1200px;margin:0 auto;padding:16px}
h1{font-size:1.4rem;margin:8px 0 16px}
h2{font-size:1.1rem;margin:24px 0 8px}
a{color:#1d4ed8}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid #d9e1ec}
caption{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #e5eaf1;vertical-align:top}
th{background:#eef2f7;font-weight:600}
td code,td .mono{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.85rem;word-break:break-all}
form.inline{display:inline}
form.card,section.card,p.card{background:#fff;border:1px solid #d9e1ec;border-radius:8px;padding:12px 16px;margin:0 0 16px}
label{display:block;margin:6px 0 2px;font-weight:600}
input[type=text],input[type=password],input[type=url],input[type=number],input[type=search],select{font:inherit;padding:6px 8px;border:1px solid #8391ad;border-radius:6px;min-width:16rem;max-width:100%}
button{font:inherit;padding:6px 12px;border-radius:6px;border:1px solid #1d4ed8;background:#1d4ed8;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#1d4ed8}
a.button{display:inline-block;font:inherit;padding:6px 12px;border-radius:6px;border:1px solid #1d4ed8;background:#1d4ed8;color:#fff;text-decoration:none}
a.button.secondary{background:#fff;color:#1d4ed8}
a.button:hover,button:hover{filter:brightness(.92)}
button.danger{background:#b91c1c;border-color:#b91c1c}
.row{display:flex;gap:12px;flex-wrap:wrap;align-items:flex-end}
.flash{padding:8px 12px;border-radius:6px}
.flash.ok{background:#dcfce7;color:#14532d}
.flash.error{background:#fee2e2;color:#7f1d1d}
.empty{color:#4a5568}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:.8rem;font-weight:600;background:#e2e8f0;color:#1e293b}
.b-success,.b-delivered,.b-verified{background:#dcfce7;color:#14532d}
.b-failure,.b-failed,.b-dead,.b-needs_review,.b-job_dead{background:#fee2e2;color:#7f1d1d}
.b-expired,.b-pending,.b-initiated{background:#fef3c7;color:#78350f}
.b-created{background:#dbeafe;color:#1e3a8a}
ol.timeline{list-style:none;margin:0;padding:0;border-left:3px solid #c6d0de}
ol.timeline li{margin:0 0 10px;padding:4px 0 4px 14px;position:relative}
ol.timeline li::before{content:"";position:absolute;left:-8px;top:10px;width:13px;height:13px;border-radius:50%;background:#fff;border:3px solid #1d4ed8}
ol.timeline time{font-family:ui-monospace,monospace;font-size:.85rem;color:#4a5568;display:block}
.kv{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;background:#fff;border:1px solid #d9e1ec;padding:12px;border-radius:8px}
.kv dt{font-weight:600}.kv dd{margin:0;word-break:break-all}
.stats{display:flex;gap:16px;flex-wrap:wrap;margin:0 0 16px;padding:0;list-style:none}
.stats li{background:#fff;border:1px solid #d9e1ec;border-radius:8px;padding:10px 16px;min-width:10rem}
.stats strong{display:block;font-size:1.5rem}
figure{margin:0 0 16px;background:#fff;border:1px solid #d9e1ec;border-radius:8px;padding:12px}
figcaption{font-weight:600;margin-bottom:6px}
svg.chart{width:100%;height:auto;display:block}
.chart-sum{margin:8px 0 0;font-size:.9rem}
figure details{margin-top:4px;font-size:.9rem}
.legend{display:flex;gap:16px;flex-wrap:wrap;list-style:none;padding:0;margin:8px 0 0;font-size:.9rem}
.legend span{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:4px;vertical-align:-1px}
.k-success{background:#16a34a}.k-failure{background:#dc2626}.k-expired{background:#d97706}.k-created{background:#2563eb}
.login{max-width:420px;margin:40px auto}
pre{background:#0f172a;color:#e2e8f0;padding:10px;border-radius:6px;overflow-x:auto;font-size:.8rem;white-space:pre-wrap;word-break:break-all}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible{outline:3px solid #b45309;outline-offset:2px}
header a:focus-visible,header button:focus-visible{outline-color:#f59e0b}
.sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}
.skip{position:absolute;left:8px;top:-40px;background:#fff;color:#14213d;padding:6px 10px;z-index:10}
.skip:focus{top:8px}
`;
