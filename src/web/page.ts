// The markup, style and script of the hosted page. No framework: it is one small page that
// must load fast on a phone over a poor connection, and work without JavaScript (the QR code and
// the app links are plain HTML; the script only keeps the status and countdown live).
import { MESSAGES, LANGS, LANG_NAMES, type Lang, type Messages } from './i18n.js';

export const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export type Device = 'phone' | 'desktop';

export interface PageModel {
  code: string;
  /** The path PUBLIC_URL puts before the gateway's own ('' at the root): every link carries it. */
  base: string;
  upiLink: string;
  /** Who the UPI app will name as the payee (the collecting account). */
  payee: string;
  /** Who asks: the merchant's display name. */
  merchant: string;
  /** A logo the browser may load (this gateway's own path, or the merchant's https URL). */
  logo: string | null;
  /** Whether a per-merchant stylesheet (the accent colour) is to be linked. */
  themed: boolean;
  test: boolean;
  lang: Lang;
  device: Device;
  state: PageState;
}

export interface PageState {
  /** CREATED, SUCCESS, FAILURE, EXPIRED, or CHECKING (time up, a payment may still be reported). */
  status: string;
  /** False while the verification is open, whatever the page shows (a held decline, CHECKING). */
  final: boolean;
  seconds_left: number;
  valid_until: string | null;
  redirect_url: string | null;
  return_url: string | null;
  returned_payments: number;
}

/** Payers offered as "pay as" buttons in test mode, each labelled by its message. */
const SANDBOX_BUTTONS = [
  { vpa: 'success@upi', label: 'payAs', amount: '' },
  { vpa: 'failure@upi', label: 'failAs', amount: '' },
  { vpa: 'success@upi', label: 'payWrong', amount: '2.00' },
] as const;

const APPS = [
  { id: 'gpay', label: 'Google Pay', prefix: 'tez://upi/pay?' },
  { id: 'phonepe', label: 'PhonePe', prefix: 'phonepe://pay?' },
  { id: 'paytm', label: 'Paytm', prefix: 'paytmmp://pay?' },
  { id: 'bhim', label: 'BHIM', prefix: 'bhim://upi://pay?' },
  { id: 'upi', label: '', prefix: 'upi://pay?' },
];

const fill = (s: string, v: Record<string, string>) => s.replace(/\{(\w+)\}/g, (_, k) => v[k] ?? '');
/** A message with the merchant's (escaped) name in it. */
const say = (t: Messages, key: keyof Messages, merchant: string) => esc(fill(t[key], { merchant }));

const mmss = (s: number) => `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;

function head(lang: Lang, title: string, themeHref: string | null, base: string, extra = '') {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light"><link rel="icon" href="${esc(base)}/assets/favicon.svg">
<title>${esc(title)}</title><link rel="stylesheet" href="${esc(base)}/assets/rpd.css">${themeHref ? `<link rel="stylesheet" href="${esc(themeHref)}">` : ''}${extra}</head>`;
}

export function renderNotFound(lang: Lang = 'en', base = ''): string {
  const t = MESSAGES[lang];
  return `${head(lang, t.notFound, null, base)}<body><main class="card"><h1>${esc(t.notFound)}</h1>
<p>${esc(t.notFoundText)}</p></main></body></html>`;
}

/**
 * The page when it cannot be served: in the customer's language, and, for an outage (`retryIn`
 * seconds), loaded again by itself, so that a customer back from the UPI app sees the link's
 * state once the store answers without knowing to reload.
 */
export function renderTrouble(lang: Lang, base: string, retryIn: number | null): string {
  const t = MESSAGES[lang];
  const refresh = retryIn === null ? '' : `<meta http-equiv="refresh" content="${retryIn}">`;
  return `${head(lang, t.trouble, null, base, refresh)}<body><main class="card"><h1>${esc(t.trouble)}</h1>
<p>${esc(t.troubleText)}${retryIn === null ? '' : ` ${esc(t.troubleRetry)}`}</p></main></body></html>`;
}

export function renderPage(m: PageModel): string {
  const t = MESSAGES[m.lang];
  const st = m.state;
  const ended = st.status !== 'CREATED';
  const query = m.upiLink.slice(m.upiLink.indexOf('?') + 1);
  const apps = APPS.map(
    (a) => `<a class="app" data-app="${a.id}" href="${esc(a.prefix + query)}">${esc(a.label || t.otherApp)}</a>`,
  ).join('');
  const appsBlock = `<div class="block apps-block"><p class="hint">${esc(t.openApp)}</p><nav class="apps" aria-label="${esc(t.apps)}">${apps}</nav></div>`;
  const qrHint = m.device === 'phone' ? t.orScan : t.scanPhone;
  const qrBlock = `<div class="block qr-block"><p class="hint qr-hint">${esc(qrHint)}</p>
<img class="qr" src="${esc(m.base)}/rpd/${esc(m.code)}/qr.png" width="256" height="256" alt="${esc(t.qrAlt)}"></div>`;
  // The device decides the order the page is read in; the style sheet corrects a wrong guess.
  const payBlocks = m.device === 'phone' ? appsBlock + qrBlock : qrBlock + appsBlock;
  const urgent = !ended && st.seconds_left < 60;
  const langNav = LANGS.map((l) =>
    l === m.lang
      ? `<a href="?lang=${l}" lang="${l}" aria-current="true">${esc(LANG_NAMES[l])}</a>`
      : `<a href="?lang=${l}" lang="${l}" hreflang="${l}">${esc(LANG_NAMES[l])}</a>`,
  ).join('');
  const sandbox = m.test
    ? `<section class="sandbox" aria-labelledby="sandbox-h"><h2 id="sandbox-h">${esc(t.testMode)}</h2>
<p>${esc(t.testText)}</p>
${SANDBOX_BUTTONS.map((b) => `<button type="button" class="pay-as" data-vpa="${esc(b.vpa)}" data-amount="${b.amount}"${ended ? ' disabled' : ''}>${esc(t[b.label].replace('{vpa}', b.vpa))}</button>`).join('')}
<p class="sandbox-result" role="status"></p></section>`
    : '';
  // Only what the script shows later: the messages of every status, in this page's language.
  const script = Object.fromEntries(
    (['CREATED', 'CHECKING', 'SUCCESS', 'FAILURE', 'EXPIRED', 'nextSUCCESS', 'nextFAILURE', 'nextEXPIRED', 'backSUCCESS', 'backFAILURE', 'backEXPIRED', 'takingBack', 'urgent', 'noAnswer'] as const).map(
      (k) => [k, fill(t[k], { merchant: m.merchant })],
    ),
  );
  const statusKey = (['CREATED', 'CHECKING', 'SUCCESS', 'FAILURE', 'EXPIRED'].includes(st.status) ? st.status : 'CREATED') as 'CREATED' | 'CHECKING';
  // What comes next and the way back, once there is an outcome to tell (not while checking).
  const told = ended && statusKey !== 'CHECKING';
  const backKey = `back${statusKey}` as keyof Messages;
  const nextKey = `next${statusKey}` as keyof Messages;
  return `${head(m.lang, t.title, m.themed ? `${m.base}/rpd/${m.code}/theme.css` : null, m.base)}<body>
<main class="card ${m.device}${ended ? ' ended' : ''}" id="rpd" data-code="${esc(m.code)}" data-base="${esc(m.base)}" data-upi-link="${esc(m.upiLink)}"
  data-status="${esc(st.status)}" data-final="${st.final ? '1' : ''}" data-seconds-left="${st.seconds_left}"
  data-redirect-url="${esc(st.redirect_url ?? '')}" data-return-url="${esc(st.return_url ?? '')}">
<nav class="lang" aria-label="${esc(t.language)}">${langNav}</nav>
<header class="merchant">${m.logo ? `<img class="logo" src="${esc(m.logo)}" alt="" width="48" height="48">` : ''}<p class="merchant-name">${esc(m.merchant)}</p></header>
<h1>${esc(t.title)}</h1>
<p class="lede">${say(t, 'asks', m.merchant)} ${esc(t.why)}</p>
<div class="pay">${payBlocks}
<p class="payee">${esc(fill(t.payee, { payee: m.payee }))}</p>
<p class="timer${urgent ? ' urgent' : ''}">${esc(t.timeLeft)}: <time id="countdown">${mmss(st.seconds_left)}</time> <span class="urgent-text" id="urgent-text">${urgent ? esc(t.urgent) : ''}</span></p>
<p class="retry-hint">${esc(t.retryHint)}</p>
<p id="notice" class="notice" role="alert"${st.returned_payments > 0 && !ended ? '' : ' hidden'}>${esc(t.returned)}</p>
</div>
<p id="status" class="status ${st.status.toLowerCase()}" role="status" aria-live="polite">${esc(t[statusKey])}</p>
<p id="next" class="next"${told ? '' : ' hidden'}>${told ? say(t, nextKey, m.merchant) : ''}</p>
<p class="back"${told && st.return_url ? '' : ' hidden'}><a id="back" class="button" rel="noreferrer"${st.return_url ? ` href="${esc(st.return_url)}"` : ''}>${told ? say(t, backKey, m.merchant) : ''}</a></p>
${sandbox}
<p class="fine">${esc(t.pin)}</p>
</main>
<script type="application/json" id="messages">${JSON.stringify(script).replace(/</g, '\\u003c')}</script>
<script src="${esc(m.base)}/assets/rpd.js" defer></script>
</body></html>`;
}

export const PAGE_STYLE = `
*{box-sizing:border-box}
:root{--accent:#1d4ed8;--on-accent:#fff;--link:#1d4ed8}
body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans Devanagari",sans-serif;background:#eef2f7;color:#14213d}
.card{max-width:440px;margin:16px auto;background:#fff;border-radius:16px;padding:20px 22px;box-shadow:0 6px 24px rgba(20,33,61,.12);text-align:center}
.lang{display:flex;justify-content:flex-end;gap:12px;font-size:.9rem}
.lang a{color:var(--link);padding:8px 4px}
.lang a[aria-current]{color:#14213d;font-weight:700;text-decoration:none}
.merchant{display:flex;align-items:center;justify-content:center;gap:10px;margin:4px 0 8px}
.logo{width:48px;height:48px;object-fit:contain;border-radius:8px}
.merchant-name{margin:0;font-size:1.1rem;font-weight:700;min-width:0;overflow-wrap:anywhere}
h1{font-size:1.3rem;margin:0 0 8px}
.lede{margin:0 0 12px;color:#33415c;overflow-wrap:anywhere}
.qr{display:block;margin:0 auto 8px;width:256px;height:256px;image-rendering:pixelated;border:1px solid #d9e1ec;border-radius:8px}
.hint{margin:8px 0;color:#4a5568;font-size:.95rem}
.apps{display:grid;grid-template-columns:1fr 1fr;gap:8px;margin:8px 0 12px}
.app{display:block;padding:12px;border-radius:10px;background:var(--accent);color:var(--on-accent);text-decoration:none;font-weight:600}
.app[data-app=upi]{grid-column:1/-1;background:#0f5f58;color:#fff}
.pay{display:flex;flex-direction:column}.pay>p{order:3}
.payee{margin:4px 0;color:#4a5568;font-size:.9rem}
.timer{margin:4px 0;color:#33415c}
.timer.urgent{color:#991b1b;font-weight:700;background:#fee2e2;border-radius:8px;padding:6px}
.retry-hint{margin:4px 0;color:#4a5568;font-size:.85rem}
.notice{margin:8px 0;padding:10px;border-radius:10px;background:#fef3c7;color:#78350f}
.status{margin:8px 0 0;padding:10px;border-radius:10px;background:#f1f5f9;font-weight:600}
.status.success{background:#dcfce7;color:#166534}
.status.failure,.status.expired{background:#fee2e2;color:#991b1b}
.status.checking{background:#fef3c7;color:#78350f}
.next{margin:8px 0 0;color:#33415c}
.back{margin:12px 0 0}
.button{display:inline-block;padding:12px 16px;border-radius:10px;background:var(--accent);color:var(--on-accent);font-weight:600;text-decoration:none}
.sandbox{margin-top:20px;padding-top:12px;border-top:1px dashed #c6d0de}
.sandbox h2{font-size:1rem;margin:0 0 4px;color:#9a3412}
.sandbox p{font-size:.9rem;color:#4a5568;margin:4px 0 8px}
.pay-as{margin:4px;padding:10px 14px;border-radius:10px;border:1px solid #9a3412;background:#fff7ed;color:#9a3412;font-weight:600;cursor:pointer;font:inherit}
.pay-as:disabled{opacity:.6;cursor:default}
.fine{margin:16px 0 0;font-size:.8rem;color:#4a5568}
.ended .pay{display:none}
/* The server guessed the device from its User-Agent; pointer and width refine the guess. */
.desktop .apps-block{display:none}
.phone .apps-block{order:1}.phone .qr-block{order:2}
@media (hover:none) and (pointer:coarse){.desktop .apps-block{display:block;order:1}.desktop .qr-block{order:2}}
@media (hover:hover) and (pointer:fine) and (min-width:700px){.phone .apps-block{display:none}.phone .qr-block{order:1}}
@media (min-width:700px){.card{margin-top:48px}}
a:focus-visible,button:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
`;

export const PAGE_SCRIPT = `
(function () {
  var root = document.getElementById('rpd');
  if (!root) return;
  var T = JSON.parse(document.getElementById('messages').textContent);
  var code = root.dataset.code;
  var base = root.dataset.base || '';
  var left = Number(root.dataset.secondsLeft) || 0;
  var deadline = Date.now() + left * 1000;
  var statusEl = document.getElementById('status');
  var countdown = document.getElementById('countdown');
  var timer = countdown.parentNode;
  var urgentText = document.getElementById('urgent-text');
  var done = false;

  function tick() {
    if (done) return;
    var s = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    countdown.textContent = String(Math.floor(s / 60)).padStart(2, '0') + ':' + String(s % 60).padStart(2, '0');
    if (s < 60 && !timer.classList.contains('urgent')) {
      timer.classList.add('urgent');
      urgentText.textContent = T.urgent;
    }
    // Time is up: nothing is offered to pay (a payment now would only go back), and the page
    // asks until a payment made in time is reported or the link expires.
    if (s === 0 && root.dataset.status === 'CREATED') {
      show({ status: 'CHECKING', final: false });
      poll();
    }
  }

  function show(state) {
    // An ended verification stays ended: a second answer (a click's read beside the regular one)
    // must not schedule a second trip to redirect_url, which would cancel the first on its way.
    if (done) return;
    statusEl.textContent = T[state.status] || state.status;
    statusEl.className = 'status ' + state.status.toLowerCase();
    root.dataset.status = state.status;
    var buttons = document.querySelectorAll('.pay-as');
    var next = document.getElementById('next');
    var back = document.getElementById('back');
    var open = state.status === 'CREATED';
    root.classList.toggle('ended', !open);
    for (var i = 0; i < buttons.length; i++) buttons[i].disabled = !open;
    document.getElementById('notice').hidden = !(open && state.returned_payments > 0);
    if (open || state.status === 'CHECKING') {
      next.hidden = true;
      back.parentNode.hidden = true;
      return;
    }
    // An outcome: say what happens next. Only a final one stops the reads (a decline held on the
    // open link may still turn into a success).
    if (state.final) done = true;
    next.textContent = T['next' + state.status] || '';
    next.hidden = false;
    if (state.return_url) {
      back.href = state.return_url;
      back.textContent = T['back' + state.status] || '';
      back.parentNode.hidden = false;
    }
    // Only a success sends the customer back by itself; after a failure they read why first.
    // Replacing this page in the history: Back from the merchant's site does not return here
    // only to be sent forward again.
    if (state.final && state.redirect_url && state.status === 'SUCCESS') {
      statusEl.textContent += ' ' + T.takingBack;
      setTimeout(function () { window.location.replace(state.redirect_url); }, 3000);
    }
  }

  // One status read at a time: a read asked for while one is on its way (a pay button's) follows
  // it at once, instead of starting a second round of reads beside the first. A read that gets no
  // answer is given up after READ_TIMEOUT (a phone coming back from its UPI app may hold a dead
  // connection, and a read that never ends would stop the page asking); failed reads come slower
  // and slower, and a hidden page (the customer is in the UPI app) asks seldom, then at once when
  // shown again.
  var READ_TIMEOUT = 8000;
  var reading = false;
  var again = false;
  var pollTimer = 0;
  var failures = 0;
  function nextDelay() {
    if (document.hidden) return 15000;
    return failures === 0 ? 2000 : Math.min(15000, 2000 * Math.pow(2, failures));
  }
  function poll() {
    if (done) return;
    if (reading) { again = true; return; }
    clearTimeout(pollTimer);
    reading = true;
    var ctl = typeof AbortController === 'function' ? new AbortController() : null;
    var giveUp = ctl ? setTimeout(function () { ctl.abort(); }, READ_TIMEOUT) : 0;
    fetch(base + '/rpd/' + code + '/status', { cache: 'no-store', signal: ctl ? ctl.signal : undefined })
      .then(function (r) { if (!r.ok) throw new Error('status ' + r.status); return r.json(); })
      .then(function (state) {
        failures = 0;
        if (typeof state.seconds_left === 'number') deadline = Date.now() + state.seconds_left * 1000;
        show(state);
      })
      .catch(function () { failures++; })
      .then(function () {
        clearTimeout(giveUp);
        reading = false;
        if (done) return;
        if (again) { again = false; poll(); } else pollTimer = setTimeout(poll, nextDelay());
      });
  }
  document.addEventListener('visibilitychange', function () {
    if (!document.hidden) poll();
  });

  var payButtons = document.querySelectorAll('.pay-as');
  for (var i = 0; i < payButtons.length; i++) {
    payButtons[i].addEventListener('click', function (e) {
      var b = e.currentTarget;
      var out = document.querySelector('.sandbox-result');
      var body = { upi_link: root.dataset.upiLink, payer_vpa: b.dataset.vpa };
      if (b.dataset.amount) body.amount = b.dataset.amount;
      fetch(base + '/sandbox/upi/pay', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
        .then(function (r) { return r.json(); })
        .then(function (res) { out.textContent = res.error ? res.error.message : (b.dataset.vpa + ': ' + res.message + ' (UTR ' + res.utr + ')'); poll(); })
        .catch(function () { out.textContent = T.noAnswer; });
    });
  }

  tick();
  setInterval(tick, 1000);
  if (root.dataset.status !== 'CREATED') {
    show({ status: root.dataset.status, final: root.dataset.final === '1', redirect_url: root.dataset.redirectUrl || null, return_url: root.dataset.returnUrl || null });
  }
  poll();
})();
`;
