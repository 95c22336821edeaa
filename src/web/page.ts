// The markup, style and script of the hosted page. No framework: it is one small page that
// must load fast on a phone over a poor connection.

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export interface PageModel {
  code: string;
  upiLink: string;
  payee: string;
  test: boolean;
  state: { status: string; seconds_left: number; valid_until: string | null; redirect_url: string | null; return_url: string | null };
}

/** Payers offered as "pay as" buttons in test mode. */
const SANDBOX_BUTTONS = [
  { vpa: 'success@upi', label: 'Pay as success@upi' },
  { vpa: 'failure@upi', label: 'Fail as failure@upi' },
];

const APPS = [
  { id: 'gpay', label: 'Google Pay', prefix: 'tez://upi/pay?' },
  { id: 'phonepe', label: 'PhonePe', prefix: 'phonepe://pay?' },
  { id: 'paytm', label: 'Paytm', prefix: 'paytmmp://pay?' },
  { id: 'bhim', label: 'BHIM', prefix: 'bhim://upi://pay?' },
  { id: 'upi', label: 'Other UPI app', prefix: 'upi://pay?' },
];

export function renderPage(m: PageModel | null): string {
  const head = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Verify your bank account</title><link rel="stylesheet" href="/assets/rpd.css"></head>`;
  if (!m) {
    return `${head}<body><main class="card"><h1>Link not found</h1>
<p>This verification link does not exist. Please go back and start again.</p></main></body></html>`;
  }
  const query = m.upiLink.slice(m.upiLink.indexOf('?') + 1);
  const apps = APPS.map(
    (a) => `<a class="app" data-app="${a.id}" href="${esc(a.prefix + query)}">${esc(a.label)}</a>`,
  ).join('');
  const sandbox = m.test
    ? `<section class="sandbox" aria-label="Sandbox"><h2>Test mode</h2>
<p>No real money moves. Simulate the customer's payment:</p>
${SANDBOX_BUTTONS.map((b) => `<button type="button" class="pay-as" data-vpa="${esc(b.vpa)}">${esc(b.label)}</button>`).join('')}
<p class="sandbox-result" role="status"></p></section>`
    : '';
  return `${head}<body>
<main class="card" id="rpd" data-code="${esc(m.code)}" data-upi-link="${esc(m.upiLink)}"
  data-status="${esc(m.state.status)}" data-seconds-left="${m.state.seconds_left}"
  data-redirect-url="${esc(m.state.redirect_url ?? '')}" data-return-url="${esc(m.state.return_url ?? '')}">
<h1>Verify your bank account</h1>
<p class="lede">Pay <strong>&#8377;1</strong> to <strong>${esc(m.payee)}</strong> from the bank account you want to verify.
The rupee comes back to you within 48 hours.</p>
<img class="qr" src="/rpd/${esc(m.code)}/qr.png" width="256" height="256" alt="UPI QR code: scan with any UPI app">
<p class="hint">Scan with any UPI app, or open an app on this phone:</p>
<nav class="apps">${apps}</nav>
<p class="timer">Link expires in <time id="countdown">--:--</time></p>
<p id="status" class="status" role="status" aria-live="polite">Waiting for your payment…</p>
<p class="back" hidden><a id="back" rel="noreferrer">Return to the merchant's site</a></p>
${sandbox}
</main>
<script src="/assets/rpd.js" defer></script>
</body></html>`;
}

export const PAGE_STYLE = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#eef2f7;color:#14213d}
.card{max-width:420px;margin:24px auto;background:#fff;border-radius:16px;padding:24px;box-shadow:0 6px 24px rgba(20,33,61,.12);text-align:center}
h1{font-size:1.35rem;margin:0 0 8px}
.lede{margin:0 0 16px;color:#33415c}
.qr{display:block;margin:0 auto 12px;width:256px;height:256px;image-rendering:pixelated;border:1px solid #d9e1ec;border-radius:8px}
.hint{margin:8px 0;color:#5c677d;font-size:.9rem}
.apps{display:grid;grid-template-columns:1fr 1fr;gap:8px;margin:8px 0 16px}
.app{display:block;padding:12px;border-radius:10px;background:#1d4ed8;color:#fff;text-decoration:none;font-weight:600}
.app[data-app=upi]{grid-column:1/-1;background:#0f766e}
.timer{margin:4px 0;color:#33415c}
.status{margin:8px 0 0;padding:10px;border-radius:10px;background:#f1f5f9;font-weight:600}
.status.success{background:#dcfce7;color:#166534}
.status.failure,.status.expired{background:#fee2e2;color:#991b1b}
.sandbox{margin-top:20px;padding-top:12px;border-top:1px dashed #c6d0de}
.sandbox h2{font-size:1rem;margin:0 0 4px;color:#9a3412}
.sandbox p{font-size:.9rem;color:#5c677d;margin:4px 0 8px}
.pay-as{margin:4px;padding:10px 14px;border-radius:10px;border:1px solid #9a3412;background:#fff7ed;color:#9a3412;font-weight:600;cursor:pointer}
.pay-as:disabled{opacity:.5;cursor:default}
.ended .qr,.ended .hint,.ended .apps,.ended .timer{display:none}
.back{margin:12px 0 0}
.back a{color:#1d4ed8;font-weight:600}
`;

export const PAGE_SCRIPT = `
(function () {
  var root = document.getElementById('rpd');
  if (!root) return;
  var code = root.dataset.code;
  var left = Number(root.dataset.secondsLeft) || 0;
  var deadline = Date.now() + left * 1000;
  var statusEl = document.getElementById('status');
  var countdown = document.getElementById('countdown');
  var done = false;
  var MESSAGES = {
    CREATED: 'Waiting for your payment…',
    SUCCESS: 'Bank account verified. Your ₹1 is on its way back.',
    FAILURE: 'The payment did not go through. Please start again.',
    EXPIRED: 'This link has expired. Please start again.'
  };

  function tick() {
    if (done) return;
    var s = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    countdown.textContent = String(Math.floor(s / 60)).padStart(2, '0') + ':' + String(s % 60).padStart(2, '0');
  }

  function show(state) {
    statusEl.textContent = MESSAGES[state.status] || state.status;
    statusEl.className = 'status ' + state.status.toLowerCase();
    root.dataset.status = state.status;
    if (state.status === 'CREATED') return;
    done = true;
    // The verification has ended: nothing is left to pay.
    root.classList.add('ended');
    var buttons = document.querySelectorAll('.pay-as');
    for (var i = 0; i < buttons.length; i++) buttons[i].disabled = true;
    if (state.redirect_url) {
      statusEl.textContent += ' Taking you back…';
      setTimeout(function () { window.location.assign(state.redirect_url); }, 1500);
    } else if (state.return_url) {
      // Long after the end: the outcome and a link, no automatic redirect.
      var back = document.getElementById('back');
      back.href = state.return_url;
      back.parentNode.hidden = false;
    }
  }

  function poll() {
    if (done) return;
    fetch('/rpd/' + code + '/status', { cache: 'no-store' })
      .then(function (r) { return r.json(); })
      .then(function (state) {
        if (typeof state.seconds_left === 'number') deadline = Date.now() + state.seconds_left * 1000;
        show(state);
      })
      .catch(function () {})
      .then(function () { if (!done) setTimeout(poll, 2000); });
  }

  var payButtons = document.querySelectorAll('.pay-as');
  for (var i = 0; i < payButtons.length; i++) {
    payButtons[i].addEventListener('click', function (e) {
      var vpa = e.currentTarget.dataset.vpa;
      var out = document.querySelector('.sandbox-result');
      fetch('/sandbox/upi/pay', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ upi_link: root.dataset.upiLink, payer_vpa: vpa })
      })
        .then(function (r) { return r.json(); })
        .then(function (res) { out.textContent = res.error ? res.error.message : (vpa + ': ' + res.message + ' (UTR ' + res.utr + ')'); poll(); })
        .catch(function () { out.textContent = 'The sandbox did not answer.'; });
    });
  }

  tick();
  setInterval(tick, 1000);
  show({ status: root.dataset.status, redirect_url: root.dataset.redirectUrl || null, return_url: root.dataset.returnUrl || null });
  poll();
})();
`;
