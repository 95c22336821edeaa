// The operator's console at /console: server-rendered pages over the same services the admin
// API uses. Sign-in takes the admin token and sets an HttpOnly, SameSite=Strict session cookie
// (signing out ends that session in the store, for every instance);
// every form that changes something carries a CSRF token derived from the session, and a POST
// from another site is refused before that. No page is in the OpenAPI document.
import { noteUnavailable } from '../web/errors.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../services.js';
import type { Merchant, Verification } from '../engine/types.js';
import { verifications, credits } from '../store/repository.js';
import { refundJobKeys } from '../engine/verifications.js';
import { setAside } from '../store/set-aside.js';
import { resolveSetAside } from '../admin/live.js';
import { BadCursor, pageOf, positionOf } from '../admin/pages.js';
import { mobileVerifications } from '../store/mobile.js';
import { deadJobs, jobStates, retryDead } from '../jobs/queue.js';
import { merchantNameProblem } from '../engine/merchants.js';
import { DEFAULT_BANDS, validateBands } from '../engine/namematch/index.js';
import { WEBHOOK_DIALECTS } from '../dialects/webhooks.js';
import { TEST_EVENTS, sendTestEvent } from '../jobs/test-events.js';
import { DELIVERY_STATUSES } from '../jobs/webhooks.js';
import { WebhookAddressError } from '../jobs/webhook-address.js';
import { applyBranding, brandingChangeProblem, brandingOf } from '../web/branding.js';
import { cookieValue } from '../web/i18n.js';
import { ConsoleSessions, SESSION_COOKIE, SESSION_TTL_MS, equal, type Session } from './session.js';
import { CONSOLE_CSP, CONSOLE_STYLE, badge, csrfField, html, layout, raw, table, when, type Raw } from './html.js';
import { accessOps } from '../admin/access.js';
import { AdminError } from '../admin/errors.js';
import { tokenGuesses } from '../admin/guesses.js';
import { allKeys, deliveriesLog, perMinute, recentVerifications } from './queries.js';
import { apiStatus, refIdOf, searchVerifications, timeline } from '../admin/lookup.js';
import { OUTCOMES, perMinuteChart, shareBar } from './chart.js';

type Form = Record<string, string>;
/**
 * What a page says above its content. A refused form names the fields at fault (marked
 * aria-invalid, described by the message) and carries what was typed, shown again in its fields.
 */
type Flash = { kind: 'ok' | 'error'; text: string; fields?: string[]; draft?: Form } | null;
/** Reads a refused form's draft and marks its fields at fault. */
function formState(flash: Flash) {
  const refused = flash?.kind === 'error' ? flash : null;
  return {
    value: (name: string, current: string) => (refused?.draft && Object.hasOwn(refused.draft, name) ? String(refused.draft[name]) : current),
    invalid: (name: string) => raw(refused?.fields?.includes(name) ? ' aria-invalid="true" aria-describedby="flash"' : ''),
  };
}

class ConsoleRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Words a redirect may put in the flash line: fixed texts, so a link cannot make the console say anything else. */
const DONE: Record<string, string> = {
  retried: 'The job was queued to run again.',
  replayed: 'The event is being sent again (same id and body).',
  webhook: 'Webhook saved.',
  webhook_removed: 'Webhook removed.',
  bands: 'Name-match bands saved.',
  bands_reset: 'Name-match bands back to the defaults.',
  rate: 'Rate limit saved.',
  branding: 'Branding saved.',
  key_revoked: 'The key was revoked: it stopped working on every instance at once.',
  set_aside_resolved: 'The entry was resolved: the links it held may expire now.',
  refund_settled: 'The refund was recorded as returned.',
  signed_out: 'Signed out.',
};

const hostOf = (origin: string) => {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
};

const rupees = (paise: number) => `₹${(paise / 100).toFixed(2)}`;

export async function consoleApp(app: FastifyInstance, s: Services) {
  const sessions = new ConsoleSessions(s.cfg.secretKey, s.cfg.adminToken);
  const secure = s.cfg.publicUrl.startsWith('https:');

  // Forms post url-encoded bodies, whose fields are all text; this parser exists only inside the
  // console. Any other body (JSON, whose fields may be numbers, arrays or objects) is refused
  // before a handler reads it.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) => {
    const form: Form = {};
    for (const [k, v] of new URLSearchParams(body as string)) if (!(k in form)) form[k] = v;
    done(null, form);
  });

  const send = (reply: FastifyReply, page: string, status = 200) =>
    reply
      .code(status)
      .type('text/html; charset=utf-8')
      .header('content-security-policy', CONSOLE_CSP)
      .header('cache-control', 'no-store')
      // Forms then carry this site's Origin (with no-referrer, browsers send "null").
      .header('referrer-policy', 'same-origin')
      .send(page);

  app.setErrorHandler((err: any, req, reply) => {
    const session = req.consoleSession;
    const clientSide = err instanceof ConsoleRefusal || (err.statusCode && err.statusCode < 500);
    const status = err instanceof ConsoleRefusal ? err.status : clientSide ? 400 : noteUnavailable(err, req, reply) ? 503 : 500;
    if (status === 500) req.log.error({ err }, 'console error');
    const text =
      status === 503
        ? 'The store is unavailable right now. Try again shortly.'
        : status >= 500
          ? 'Something went wrong; the log has the details.'
          : err instanceof ConsoleRefusal
            ? err.message
            : 'That request could not be read.';
    return send(reply, layout({ title: status === 404 ? 'Not found' : 'Refused', csrf: session ? sessions.csrf(session) : undefined, flash: { kind: 'error', text }, body: html`` }), status);
  });
  app.setNotFoundHandler((req, reply) =>
    send(reply, layout({ title: 'Not found', csrf: req.consoleSession ? sessions.csrf(req.consoleSession) : undefined, body: html`<p>No such console page.</p>` }), 404),
  );

  // A session signed out of is over on every instance, though its cookie (a copy of it kept by
  // the browser, a proxy's log, another machine) still carries a valid signature: its id is kept
  // in the store until the cookie would have expired anyway. Values are zero-padded expiries, so
  // that they compare as text on both stores; the prefix holds no LIKE wildcard.
  const SIGNED_OUT = 'console-signed-out:';
  const padded = (ms: number) => String(Math.max(0, Math.floor(ms))).padStart(16, '0');
  const signedOut = async (session: Session) =>
    (await s.db.query('SELECT 1 AS found FROM gateway_meta WHERE key = ?', [SIGNED_OUT + session.id])).length > 0;
  const signOut = async (session: Session) => {
    await s.db.query('INSERT INTO gateway_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING', [SIGNED_OUT + session.id, padded(session.exp)]);
    // The ids of sessions that have expired since are of no use any more.
    await s.db.query('DELETE FROM gateway_meta WHERE key LIKE ? AND value < ?', [`${SIGNED_OUT}%`, padded(Date.now())]);
  };

  // Every request: who is signed in. Pages need a session; a POST also needs this site as its
  // origin (the browser says so) and the form's CSRF token.
  app.addHook('onRequest', async (req, reply) => {
    const path = req.url.split('?')[0];
    const open = path === '/console/login' || path === '/console/assets/console.css';
    const opened = sessions.open(cookieValue(req.headers.cookie, SESSION_COOKIE));
    // The style sheet is the same for everyone: it asks nothing of the store.
    req.consoleSession = opened && path !== '/console/assets/console.css' && !(await signedOut(opened)) ? opened : undefined;
    if (req.method === 'POST') {
      const site = req.headers['sec-fetch-site'];
      const origin = req.headers.origin;
      // Fetch metadata when the browser sends it (all current ones do), else the Origin header.
      const foreign = site ? site !== 'same-origin' : origin !== undefined && (origin === 'null' || hostOf(origin) !== req.headers.host);
      if (foreign) {
        throw new ConsoleRefusal(403, 'Refused: the form was not sent from this console.');
      }
    }
    if (!open && !req.consoleSession) {
      if (req.method === 'GET') return reply.redirect('/console/login', 303);
      throw new ConsoleRefusal(401, 'Sign in first.');
    }
  });
  app.addHook('preHandler', async (req) => {
    if (req.method !== 'POST' || req.url.split('?')[0] === '/console/login') return;
    const form = (req.body ?? {}) as Form;
    if (!req.consoleSession || !sessions.csrfOk(req.consoleSession, form._csrf)) {
      throw new ConsoleRefusal(403, 'Refused: the form has expired or did not come from this console. Reload the page and try again.');
    }
  });

  const hide = { schema: { hide: true } };
  const flashOf = (req: FastifyRequest): Flash => {
    const done = (req.query as Record<string, unknown>)?.done;
    // Own keys only: "constructor" and the like are found on every object.
    return typeof done === 'string' && Object.hasOwn(DONE, done) ? { kind: 'ok', text: DONE[done] } : null;
  };
  const page = (req: FastifyRequest, title: string, active: string, body: Raw, flash: Flash = flashOf(req)) =>
    layout({ title, active, csrf: sessions.csrf(req.consoleSession!), body, flash });
  const csrf = (req: FastifyRequest) => csrfField(sessions.csrf(req.consoleSession!));
  const form = (req: FastifyRequest) => (req.body ?? {}) as Form;

  app.get('/assets/console.css', hide, async (_req, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=300').send(CONSOLE_STYLE),
  );

  // ---------------------------------------------------------------- sign-in

  const loginPage = (error?: string) =>
    layout({
      title: 'Sign in',
      flash: error ? { kind: 'error', text: error } : null,
      body: html`<form method="post" action="/console/login" class="card login">
<p>Sign in with the gateway's admin token (ADMIN_TOKEN, or <code>npx pennygate admin-token</code>).</p>
<label for="token">Admin token</label><input id="token" name="token" type="password" autocomplete="current-password" required>
<p><button type="submit">Sign in</button></p></form>`,
    });

  app.get('/login', hide, async (req, reply) => (req.consoleSession ? reply.redirect('/console', 303) : send(reply, loginPage())));

  // Guessing the token from one address is slowed to a few tries per quarter hour (per instance),
  // counted with the admin API's and the sandbox's wrong tokens. The address is read through
  // TRUSTED_PROXIES as theirs is: by the proxy's own, a stranger's ten guesses locked every
  // operator behind that proxy out of the console.
  const guesses = tokenGuesses(s.cfg);
  app.post('/login', hide, async (req, reply) => {
    const address = guesses.addressOf(req);
    if (guesses.wait(address)) {
      return send(reply, loginPage('Too many wrong tokens from this address: wait a quarter of an hour.'), 429);
    }
    const token = form(req).token;
    if (typeof token !== 'string' || !token || !equal(token, s.cfg.adminToken)) {
      req.log.warn({ ip: address }, 'console sign-in refused');
      guesses.failed(address);
      return send(reply, loginPage('That is not the admin token.'), 401);
    }
    guesses.succeeded(address);
    const { value } = sessions.issue();
    reply.header(
      'set-cookie',
      `${SESSION_COOKIE}=${value}; Path=/console; Max-Age=${SESSION_TTL_MS / 1000}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`,
    );
    return reply.redirect('/console', 303);
  });

  app.post('/logout', hide, async (req, reply) => {
    if (req.consoleSession) await signOut(req.consoleSession);
    reply.header('set-cookie', `${SESSION_COOKIE}=; Path=/console; Max-Age=0; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`);
    return reply.redirect('/console/login', 303);
  });

  // ---------------------------------------------------------------- overview

  app.get('/', hide, async (req, reply) => {
    const now = Date.now();
    const nowMinute = Math.floor(now / 60_000);
    const day = await perMinute(s.db, (nowMinute - 1439) * 60_000);
    const ended = day.totals.success + day.totals.failure + day.totals.expired;
    const share = ended ? Math.round((day.totals.success / ended) * 1000) / 10 : 0;
    const owed = await credits.outstanding(s.db, 1);
    const dead = await deadJobs(s.db, 1);
    const body = html`<ul class="stats">
<li>Share verified, last 24 h<strong>${share}%</strong>${shareBar(day.totals.success, ended)}<br>${day.totals.success} of ${ended} that ended</li>
${OUTCOMES.map((o) => html`<li>${o.label}, last 24 h<strong>${day.totals[o.status] ?? 0}</strong></li>`)}
<li>Refunds owed<strong><a href="/console/money">${owed.total}</a></strong>${rupees(owed.totalPaise)}</li>
<li>Dead jobs<strong><a href="/console/money">${dead.total}</a></strong></li></ul>
${perMinuteChart({ buckets: day.buckets, fromMinute: nowMinute - 59, minutes: 60, title: 'Verifications per minute by outcome, last hour (UTC)', id: 'chart-hour' })}
${perMinuteChart({ buckets: day.buckets, fromMinute: nowMinute - 1439, minutes: 1440, title: 'Verifications per minute by outcome, last 24 hours (UTC)', id: 'chart-day' })}`;
    return send(reply, page(req, 'Overview', '/console', body));
  });

  // ---------------------------------------------------------------- verifications

  const merchantNames = async () => new Map((await s.merchants.list()).map((m) => [m.id, m.name]));
  const verificationRows = (vs: Verification[], names: Map<string, string>) =>
    vs.map((v) => [
      html`<a href="/console/verifications/${String(v.refId)}">${String(v.refId)}</a>`,
      html`${v.verificationId ?? ''}`,
      html`<span class="mono">${v.publicId}</span>`,
      html`${names.get(v.merchantId) ?? v.merchantId}`,
      html`${v.kind} · ${v.mode}`,
      badge(v.status.toUpperCase()),
      html`${v.nameMatch ? `${v.nameMatch.result} (${v.nameMatch.score})` : ''}`,
      html`${v.reversal ?? ''}`,
      html`${when(v.createdAt)}`,
    ]);
  const VHEAD = ['ref_id', 'verification_id', 'fav id', 'merchant', 'kind', 'status', 'name match', 'refund', 'created'];

  app.get('/verifications', hide, async (req, reply) => {
    const q = String((req.query as Record<string, unknown>)?.q ?? '').slice(0, 128);
    const found = q ? await searchVerifications(s.db, q) : { items: await recentVerifications(s.db), truncated: false };
    const body = html`<form method="get" action="/console/verifications" class="card row" role="search">
<div><label for="q">verification_id, ref_id, fav id, UTR, or the account number's last digits</label>
<input id="q" name="q" type="search" value="${q}" autocomplete="off"></div><button type="submit">Search</button></form>
<h2>${q ? `Matches for “${q}”` : 'The latest verifications'}</h2>
${found.truncated ? html`<p class="empty">More match: the newest ${String(found.items.length)} are shown.</p>` : ''}
${table(VHEAD, verificationRows(found.items, await merchantNames()), q ? 'Matches' : 'Verifications')}`;
    return send(reply, page(req, 'Verifications', '/console/verifications', body));
  });

  app.get<{ Params: { ref: string } }>('/verifications/:ref', hide, async (req, reply) => {
    const ref = refIdOf(req.params.ref);
    const v = ref === null ? null : await verifications.byRef(s.db, ref);
    if (!v) throw new ConsoleRefusal(404, 'No such verification.');
    const t = await timeline(s.db, v);
    const m = await s.merchants.get(v.merchantId);
    const body = html`<dl class="kv">
<dt>status</dt><dd>${badge(v.status.toUpperCase())} ${v.statusReason ?? ''}</dd>
<dt>answered</dt><dd>${apiStatus(v)}</dd>
<dt>merchant</dt><dd><a href="/console/merchants/${v.merchantId}">${m?.name ?? v.merchantId}</a></dd>
<dt>verification_id</dt><dd>${v.verificationId ?? ''}</dd><dt>ref_id</dt><dd>${String(v.refId)}</dd><dt>fav id</dt><dd>${v.publicId}</dd>
<dt>name given</dt><dd>${v.name ?? ''}</dd><dt>payer</dt><dd>${v.payer ? `${v.payer.name ?? ''} · ${v.payer.account ?? ''} · ${v.payer.ifsc ?? ''} · ${v.payer.vpa ?? ''}` : ''}</dd>
<dt>UTR</dt><dd>${v.utr ?? ''}</dd><dt>refund</dt><dd>${v.reversal ?? ''}</dd>
${v.purgedAt ? html`<dt>erased</dt><dd>${when(v.purgedAt)} (retention)</dd>` : ''}</dl>
<h2>Timeline</h2>
<ol class="timeline">${t.entries.map((e) => html`<li class="t-${e.kind}"><time>${when(e.at)}</time><strong>${e.title}</strong><br>${e.detail}</li>`)}</ol>
<h2>Webhook deliveries</h2>
${table(
  ['event', 'status', 'attempts', 'created', ''],
  t.deliveries.map((d) => [
    html`<a href="/console/webhooks/${d.id}">${d.event_type}</a>`,
    badge(d.status),
    html`${String(d.attempts)}`,
    html`${when(d.created_at)}`,
    replayForm(req, d.id),
  ]),
  'Webhook deliveries',
)}`;
    return send(reply, page(req, `Verification ${v.verificationId ?? v.refId}`, '/console/verifications', body));
  });

  // ---------------------------------------------------------------- merchants

  const merchantsPage = async (req: FastifyRequest, flash: Flash, created?: Raw) => {
    const fs = formState(flash);
    const list = await s.merchants.list();
    const rows = [];
    for (const m of list) {
      rows.push([
        html`<a href="/console/merchants/${m.id}">${m.name}</a>`,
        html`<span class="mono">${m.id}</span>`,
        html`${String(await verifications.count(s.db, m.id))}`,
        html`${m.settings.webhook ? `${m.settings.webhook.dialect}: ${m.settings.webhook.url}` : 'none'}`,
        html`${when(m.createdAt)}`,
      ]);
    }
    return page(
      req,
      'Merchants',
      '/console/merchants',
      html`${created ?? ''}<form method="post" action="/console/merchants" class="card row">${csrf(req)}
<div><label for="name">New merchant's name</label><input id="name" name="name" type="text" maxlength="100" value="${fs.value('name', '')}"${fs.invalid('name')} required></div><button type="submit">Create with a test key pair</button></form>
${table(['name', 'id', 'verifications', 'webhook', 'created'], rows, 'Merchants')}`,
      flash,
    );
  };

  app.get('/merchants', hide, async (req, reply) => send(reply, await merchantsPage(req, flashOf(req))));

  app.post('/merchants', hide, async (req, reply) => {
    const name = form(req).name ?? '';
    const problem = merchantNameProblem(name);
    if (problem) return send(reply, await merchantsPage(req, { kind: 'error', text: problem, fields: ['name'], draft: { name } }), 400);
    const { merchant, testKey, liveKey } = await s.merchants.create(name.trim());
    // With a live bank connector a merchant gets a live pair too: its secret is shown here or never.
    const live = liveKey
      ? html`<h3>Live key pair</h3><dl class="kv"><dt>client_id</dt><dd class="mono" id="new-live-client-id">${liveKey.client_id}</dd>
<dt>client_secret</dt><dd class="mono" id="new-live-client-secret">${liveKey.client_secret}</dd></dl>`
      : html``;
    const shown = html`<section class="card" aria-labelledby="new-key"><h2 id="new-key">${liveKey ? 'Key pairs' : 'Test key pair'} of ${merchant.name}</h2>
<p>The ${liveKey ? 'secrets are' : 'secret is'} shown once: copy ${liveKey ? 'them' : 'it'} now.</p>${liveKey ? html`<h3>Test key pair</h3>` : html``}<dl class="kv"><dt>client_id</dt><dd class="mono" id="new-client-id">${testKey.client_id}</dd>
<dt>client_secret</dt><dd class="mono" id="new-client-secret">${testKey.client_secret}</dd><dt>account_number</dt><dd class="mono">${merchant.accountNumber}</dd></dl>
${live}<p><a href="/console/merchants/${merchant.id}">Open ${merchant.name}</a></p></section>`;
    return send(reply, await merchantsPage(req, { kind: 'ok', text: `Merchant ${merchant.name} created.` }, shown), 201);
  });

  const merchantPage = async (req: FastifyRequest, id: string, flash: Flash, extra?: Raw) => {
    const m = await s.merchants.get(id);
    if (!m) throw new ConsoleRefusal(404, 'No such merchant.');
    const keys = await allKeys(s.db, m.id);
    const bands = m.settings.nameMatchBands ?? DEFAULT_BANDS;
    const brand = brandingOf(m);
    const base = `/console/merchants/${m.id}`;
    const fs = formState(flash);
    const num = (name: string, label: string, value: number) =>
      html`<div><label for="${name}">${label}</label><input id="${name}" name="${name}" type="number" min="0" max="100" step="1" value="${fs.value(name, String(value))}"${fs.invalid(name)} required></div>`;
    const dialect = fs.value('dialect', m.settings.webhook?.dialect ?? '');
    const body = html`<dl class="kv"><dt>id</dt><dd class="mono">${m.id}</dd><dt>account_number</dt><dd class="mono">${m.accountNumber}</dd>
<dt>created</dt><dd>${when(m.createdAt)}</dd><dt>verifications</dt><dd>${String(await verifications.count(s.db, m.id))}</dd></dl>
<h2>Keys</h2>
${table(
  ['client_id', 'mode', 'created', 'revoked', ''],
  keys.map((k) => [
    html`<span class="mono">${k.client_id}</span>`,
    html`${k.mode}`,
    html`${when(k.created_at)}`,
    html`${k.revoked_at ? when(k.revoked_at) : 'active'}`,
    k.revoked_at
      ? html``
      : html`<a class="button secondary" href="${base}/keys/${k.client_id}/revoke" aria-label="Revoke ${k.client_id}">Revoke</a>`,
  ]),
  'Keys',
)}
<form method="post" action="${base}/keys" class="card row">${csrf(req)}
<div><label for="mode">Mode</label><select id="mode" name="mode"><option>test</option><option>live</option></select></div>
<button type="submit">Issue a key pair</button></form>
<p class="empty">At most two active keys per mode, for rotation: issue the new one, move the integration to it, revoke the old one. Secrets are shown once.</p>
${extra ?? ''}
<h2>Webhook</h2>
<form method="post" action="${base}/webhook" class="card">${csrf(req)}
<div class="row"><div><label for="url">URL</label><input id="url" name="url" type="url" maxlength="2048" value="${fs.value('url', m.settings.webhook?.url ?? '')}"${fs.invalid('url')} required></div>
<div><label for="dialect">Dialect</label><select id="dialect" name="dialect"${fs.invalid('dialect')}>${WEBHOOK_DIALECTS().map(
      (d) => html`<option value="${d}"${raw(dialect === d ? ' selected' : '')}>${d}</option>`,
    )}</select></div>
<div><label><input type="checkbox" name="rotate_secret" value="true"${raw(fs.value('rotate_secret', '') === 'true' ? ' checked' : '')}> New signing secret</label></div>
<button type="submit">Save webhook</button></div></form>
${m.settings.webhook
  ? html`<form method="post" action="${base}/webhook/test" class="card row">${csrf(req)}
<div><label for="event">Test event</label><select id="event" name="event"${fs.invalid('event')}>${Object.keys(TEST_EVENTS).map((e) => html`<option>${e}</option>`)}</select></div>
<button type="submit">Send test event</button> <a href="/console/webhooks?merchant=${m.id}">Delivery log</a></form>
<p class="card"><a class="button secondary" href="${base}/webhook/delete">Remove webhook</a></p>`
  : ''}
<h2>Name-match bands</h2>
<form method="post" action="${base}/bands" class="card">${csrf(req)}<div class="row">
${num('direct', 'DIRECT_MATCH from', bands.direct)}${num('good', 'GOOD_PARTIAL_MATCH from', bands.good)}${num('moderate', 'MODERATE_PARTIAL_MATCH from', bands.moderate)}${num('poor', 'POOR_PARTIAL_MATCH from', bands.poor)}
<button type="submit">Save bands</button></div></form>
<form method="post" action="${base}/bands/reset" class="card">${csrf(req)}<button type="submit" class="secondary">Back to the defaults (${DEFAULT_BANDS.direct}, ${DEFAULT_BANDS.good}, ${DEFAULT_BANDS.moderate}, ${DEFAULT_BANDS.poor})</button></form>
<h2>Rate limit</h2>
<form method="post" action="${base}/rate-limit" class="card row">${csrf(req)}
<div><label for="per_minute">Requests per operation per minute (0: none; empty: the instance's, ${String(s.cfg.rateLimitPerMinute)})</label>
<input id="per_minute" name="per_minute" type="number" min="0" max="1000000" value="${fs.value('per_minute', m.settings.rateLimitPerMinute === undefined ? '' : String(m.settings.rateLimitPerMinute))}"${fs.invalid('per_minute')}></div>
<button type="submit">Save rate limit</button></form>
<h2>Hosted page branding</h2>
<form method="post" action="${base}/branding" class="card">${csrf(req)}<div class="row">
<div><label for="display_name">Display name (empty: ${m.name})</label><input id="display_name" name="display_name" type="text" maxlength="60" value="${fs.value('display_name', brand.displayName ?? '')}"${fs.invalid('display_name')}></div>
<div><label for="accent_color">Accent colour (#rrggbb)</label><input id="accent_color" name="accent_color" type="text" maxlength="7" pattern="#[0-9a-fA-F]{6}" value="${fs.value('accent_color', brand.accentColor ?? '')}"${fs.invalid('accent_color')}></div>
<div><label for="logo_url">Logo (https URL or data: image up to 16 KB)</label><input id="logo_url" name="logo_url" type="text" maxlength="24000" value="${fs.value('logo_url', brand.logoUrl ?? '')}"${fs.invalid('logo_url')}></div>
<button type="submit">Save branding</button></div></form>`;
    return page(req, m.name, '/console/merchants', body, flash);
  };

  app.get<{ Params: { id: string } }>('/merchants/:id', hide, async (req, reply) => send(reply, await merchantPage(req, req.params.id, flashOf(req))));

  /** A merchant action's refusal: why, and the fields at fault. */
  type Refused = { error: string; fields?: string[] };
  /**
   * Runs a merchant action; a refusal re-renders the merchant's page with the reason, the fields
   * at fault marked and what was typed kept in them, and changes nothing.
   */
  const merchantAction =
    (run: (req: FastifyRequest<{ Params: { id: string } }>, f: Form) => Promise<string | Refused | { saved: string; shown: Raw }>) =>
    async (req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) => {
      if (!(await s.merchants.get(req.params.id))) throw new ConsoleRefusal(404, 'No such merchant.');
      let outcome: string | Refused | { saved: string; shown: Raw };
      const f = form(req);
      try {
        outcome = await run(req, f);
      } catch (err) {
        if (!(err instanceof WebhookAddressError)) throw err;
        outcome = { error: err.message, fields: ['url'] };
      }
      // Something shown once (a new secret): answered as the page itself, not a redirect.
      if (typeof outcome === 'object' && 'shown' in outcome) return send(reply, await merchantPage(req, req.params.id, { kind: 'ok', text: outcome.saved }, outcome.shown));
      if (typeof outcome === 'object') {
        const { _csrf, ...draft } = f;
        return send(reply, await merchantPage(req, req.params.id, { kind: 'error', text: outcome.error, fields: outcome.fields, draft }), 400);
      }
      if (outcome.startsWith('/')) return reply.redirect(outcome, 303);
      return reply.redirect(`/console/merchants/${encodeURIComponent(req.params.id)}?done=${outcome}`, 303);
    };

  app.post<{ Params: { id: string } }>(
    '/merchants/:id/webhook',
    hide,
    merchantAction(async (req, f) => {
      if (!WEBHOOK_DIALECTS().includes(f.dialect)) return { error: `dialect must be one of ${WEBHOOK_DIALECTS().join(', ')}`, fields: ['dialect'] };
      if (!f.url) return { error: 'url is required', fields: ['url'] };
      const rotate = f.rotate_secret === 'true';
      const had = Boolean((await s.merchants.get(req.params.id))?.settings.webhook);
      const w = await s.webhooks.configure(req.params.id, f.url, f.dialect, rotate);
      // A new signing secret (the first, or rotated) is shown once, as the admin API answers it:
      // the receiver needs it to check signatures.
      if (w && (!had || rotate)) {
        return {
          saved: 'Webhook saved.',
          shown: html`<section class="card" aria-labelledby="new-webhook-secret"><h2 id="new-webhook-secret">Webhook signing secret</h2>
<p>The secret is shown once: copy it to the receiver now (RazorpayX events are signed with it; Cashfree events with the client secret).</p><dl class="kv"><dt>secret</dt><dd class="mono" id="webhook-secret">${w.secret}</dd></dl></section>`,
        };
      }
      return 'webhook';
    }),
  );
  const access = accessOps(s);
  app.post<{ Params: { id: string } }>('/merchants/:id/keys', hide, async (req, reply) => {
    const mode = form(req).mode;
    if (mode !== 'test' && mode !== 'live') throw new ConsoleRefusal(400, 'mode must be test or live');
    try {
      const k = await access.issueKey(req.params.id, mode);
      const shown = html`<section class="card" aria-labelledby="issued-key"><h2 id="issued-key">New ${mode} key pair</h2>
<p>The secret is shown once: copy it now.</p><dl class="kv"><dt>client_id</dt><dd class="mono" id="issued-client-id">${k.client_id}</dd>
<dt>client_secret</dt><dd class="mono" id="issued-client-secret">${k.client_secret}</dd></dl></section>`;
      return send(reply, await merchantPage(req, req.params.id, { kind: 'ok', text: `A ${mode} key pair was issued.` }, shown), 201);
    } catch (err) {
      if (!(err instanceof AdminError)) throw err;
      if (err.status === 404) throw new ConsoleRefusal(404, 'No such merchant.');
      return send(reply, await merchantPage(req, req.params.id, { kind: 'error', text: err.message }), 400); // like every refused console form
    }
  });
  /**
   * A change that cannot be taken back is asked about on a page of its own (the console runs no
   * script): the merchant's page links to it, and only its form (`path` under the merchant's
   * page, with the CSRF token) changes anything; Cancel goes back.
   */
  const confirmPage = (req: FastifyRequest, reply: FastifyReply, m: Merchant, o: { title: string; question: string; path: string; label: string }) => {
    const base = `/console/merchants/${m.id}`;
    return send(
      reply,
      page(
        req,
        o.title,
        '/console/merchants',
        html`<form method="post" action="${base}${o.path}" class="card">${csrf(req)}<p id="question">${o.question}</p>
<div class="row"><button type="submit" class="danger" aria-describedby="question">${o.label}</button> <a href="${base}">Cancel</a></div></form>`,
      ),
    );
  };
  app.get<{ Params: { id: string; client_id: string } }>('/merchants/:id/keys/:client_id/revoke', hide, async (req, reply) => {
    const m = await s.merchants.get(req.params.id);
    if (!m) throw new ConsoleRefusal(404, 'No such merchant.');
    const key = (await allKeys(s.db, m.id)).find((k) => k.client_id === req.params.client_id && !k.revoked_at);
    if (!key) throw new ConsoleRefusal(404, 'The merchant has no active key with that client_id.');
    return confirmPage(req, reply, m, {
      title: 'Revoke a key pair',
      question: `Revoke ${key.client_id} (${key.mode}) of ${m.name}? Calls made with it are refused at once, on every instance; this cannot be undone.`,
      path: `/keys/${key.client_id}/revoke`,
      label: 'Revoke the key pair',
    });
  });
  app.get<{ Params: { id: string } }>('/merchants/:id/webhook/delete', hide, async (req, reply) => {
    const m = await s.merchants.get(req.params.id);
    if (!m) throw new ConsoleRefusal(404, 'No such merchant.');
    if (!m.settings.webhook) throw new ConsoleRefusal(404, 'The merchant has no webhook.');
    return confirmPage(req, reply, m, {
      title: 'Remove the webhook',
      question: `Stop sending ${m.name}'s events to ${new URL(m.settings.webhook.url).host}? Setting a webhook again makes a new signing secret.`,
      path: '/webhook/delete',
      label: 'Remove the webhook',
    });
  });
  app.post<{ Params: { id: string; client_id: string } }>(
    '/merchants/:id/keys/:client_id/revoke',
    hide,
    merchantAction(async (req) => {
      try {
        await access.revokeKey(req.params.id, (req.params as unknown as { client_id: string }).client_id);
      } catch (err) {
        if (err instanceof AdminError) return { error: err.message };
        throw err;
      }
      return 'key_revoked';
    }),
  );
  app.post<{ Params: { id: string } }>(
    '/merchants/:id/webhook/delete',
    hide,
    merchantAction(async (req) => (await s.webhooks.remove(req.params.id), 'webhook_removed')),
  );
  app.post<{ Params: { id: string } }>(
    '/merchants/:id/webhook/test',
    hide,
    merchantAction(async (req, f) => {
      if (!Object.hasOwn(TEST_EVENTS, f.event ?? '')) return { error: `event must be one of ${Object.keys(TEST_EVENTS).join(', ')}`, fields: ['event'] };
      const sent = await sendTestEvent(s.db, s.webhooks, req.params.id, f.event);
      return sent.delivery ? `/console/webhooks/${encodeURIComponent(sent.delivery.id)}` : { error: 'The merchant has no webhook.' };
    }),
  );
  app.post<{ Params: { id: string } }>(
    '/merchants/:id/bands',
    hide,
    merchantAction(async (req, f) => {
      const asInt = (x: string | undefined) => (x !== undefined && /^-?\d{1,4}$/.test(x) ? Number(x) : x);
      const bands = validateBands({ direct: asInt(f.direct), good: asInt(f.good), moderate: asInt(f.moderate), poor: asInt(f.poor) });
      // The rule broken may involve several bands (their order): all four are marked.
      if (typeof bands === 'string') return { error: bands, fields: ['direct', 'good', 'moderate', 'poor'] };
      await s.merchants.updateSettings(req.params.id, (st) => ({ ...st, nameMatchBands: bands }));
      return 'bands';
    }),
  );
  app.post<{ Params: { id: string } }>(
    '/merchants/:id/bands/reset',
    hide,
    merchantAction(async (req) => {
      await s.merchants.updateSettings(req.params.id, ({ nameMatchBands: _drop, ...rest }) => rest);
      return 'bands_reset';
    }),
  );
  app.post<{ Params: { id: string } }>(
    '/merchants/:id/rate-limit',
    hide,
    merchantAction(async (req, f) => {
      // Empty: back to the instance's RATE_LIMIT_PER_MINUTE (the API's null).
      const given = (f.per_minute ?? '').trim();
      if (given !== '' && (!/^\d{1,7}$/.test(given) || Number(given) > 1_000_000)) {
        return { error: 'per_minute must be a whole number from 0 to 1000000, or empty for the instance default', fields: ['per_minute'] };
      }
      await s.merchants.updateSettings(req.params.id, ({ rateLimitPerMinute: _, ...st }) => (given === '' ? st : { ...st, rateLimitPerMinute: Number(given) }));
      return 'rate';
    }),
  );
  app.post<{ Params: { id: string } }>(
    '/merchants/:id/branding',
    hide,
    merchantAction(async (req, f) => {
      // An empty field clears it (back to the merchant's name, no logo, the default colour).
      const field = (x: string | undefined) => (x === undefined ? undefined : x.trim() === '' ? null : x.trim());
      const change = { display_name: field(f.display_name), logo_url: field(f.logo_url), accent_color: field(f.accent_color) };
      const problem = brandingChangeProblem(change);
      if (problem) {
        const fields = (['display_name', 'logo_url', 'accent_color'] as const).filter((k) => brandingChangeProblem({ [k]: change[k] }) !== null);
        return { error: problem, fields };
      }
      await s.merchants.updateSettings(req.params.id, (st) => applyBranding(st, change));
      return 'branding';
    }),
  );

  // ---------------------------------------------------------------- money

  // Each list a page of MONEY_PAGE at a time: ?owed=, ?dead=, ?unread= or ?unsettled= carries the
  // cursor of the page before (admin/pages.ts), so that an operator sees past the first page of
  // an incident's backlog; the other lists show their first page meanwhile.
  const MONEY_PAGE = 200;
  app.get('/money', hide, async (req, reply) => {
    const q = (req.query ?? {}) as Record<string, unknown>;
    const after = (name: string, numeric = false) => {
      const v = q[name];
      if (v === undefined) return null;
      try {
        if (typeof v !== 'string') throw new BadCursor();
        const at = positionOf(v, numeric);
        return at && { at: at.at, id: numeric ? Number(at.id) : at.id };
      } catch (err) {
        if (err instanceof BadCursor) throw new ConsoleRefusal(400, 'That page of the list is not one this console gave: start again from the Money page.');
        throw err;
      }
    };
    const owedAll = await credits.outstanding(s.db, MONEY_PAGE + 1, after('owed'));
    const deadAll = await deadJobs(s.db, MONEY_PAGE + 1, after('dead', true));
    const unreadAll = await setAside.list(s.db, 'open', MONEY_PAGE + 1, after('unread'));
    const unsettledAll = await mobileVerifications.unsettled(s.db, Date.now() - s.cfg.refundReviewAfterMs, MONEY_PAGE + 1, after('unsettled', true));
    const owed = { ...owedAll, ...pageOf(owedAll.items, MONEY_PAGE, (c) => ({ at: c.receivedAt, id: c.id })) };
    const dead = { ...deadAll, ...pageOf(deadAll.items, MONEY_PAGE, (j) => ({ at: j.deadAt!, id: String(j.id) })) };
    const unread = { ...unreadAll, ...pageOf(unreadAll.items, MONEY_PAGE, (e) => ({ at: e.seenAt, id: e.id })) };
    const unsettled = { ...unsettledAll, ...pageOf(unsettledAll.items, MONEY_PAGE, (p) => ({ at: p.sentAt, id: String(p.refId) })) };
    /** Under a list: where its page stands, and the links to the next page and back to the first. */
    const pager = (name: string, list: { total: number; items: unknown[]; next: string | null }, what: string) => {
      const later = q[name] !== undefined;
      if (!later && !list.next) return html``;
      const shown = later ? `${list.items.length} shown, after those of the page before.` : `The first ${list.items.length} of ${list.total} shown.`;
      return html`<p class="pager">${shown}${list.next ? html` <a href="/console/money?${name}=${list.next}#${name}">Next ${String(MONEY_PAGE)} ${what}</a>` : ''}${
        later ? html` <a href="/console/money#${name}">Back to the first</a>` : ''
      }</p>`;
    };
    const overdueBefore = Date.now() - s.cfg.refundAlertMs;
    // Asked of the owed credits themselves: the dead letters listed below are only the newest.
    const refundJobs = await jobStates(s.db, owed.items.map((c) => c.id), refundJobKeys);
    const deadRefunds = new Set(owed.items.filter((c) => refundJobs.get(c.id)?.live === false).map((c) => c.id));
    // Only where there is a bank to read (or something left from one): a sandbox-only gateway has none.
    const unreadSection =
      s.rails.live || unread.total
        ? html`<h2 id="unread">Bank entries set aside: ${String(unread.total)}</h2>
<p>Entries of the bank's credit listing the gateway could not read. Each may be a payment: find it at the bank, then record what became of it. Until then the links it may pay stay open.</p>
${table(
  ['seen', 'problem', 'bank_txn_id', 'tr', 'holds', 'as the bank listed it', ''],
  unread.items.map((e) => [
    html`${when(e.seenAt)}`,
    html`${e.problem}`,
    html`<span class="mono">${e.bankTxnId ?? ''}</span>`,
    e.tr && /^[1-9]\d{0,15}$/.test(e.tr) ? html`<a href="/console/verifications/${e.tr}">${e.tr}</a>` : html`<span class="mono">${e.tr ?? ''}</span>`,
    html`${e.holds === 'intent' ? 'its link' : e.holds === 'none' ? 'nothing' : 'links open when seen'}`,
    html`<span class="mono">${e.raw.length > 600 ? `${e.raw.slice(0, 600)}…` : e.raw}</span>`,
    html`<form method="post" action="/console/bank/set-aside/${e.id}/resolve" class="inline">${csrf(req)}<label for="note-${e.id}">What became of it</label><input id="note-${e.id}" name="note" type="text" maxlength="500" required><button type="submit">Resolve</button></form>`,
  ]),
  'Bank entries set aside',
)}${pager('unread', unread, 'entries')}`
        : html``;
    const unsettledSection =
      s.rails.live || unsettled.total
        ? html`<h2 id="unsettled">Payouts unsettled: ${String(unsettled.total)}</h2>
<p>Mobile penny drops whose payout the bank has not settled ${String(s.cfg.refundReviewAfterMs / 3_600_000)} hours after it was sent. The gateway keeps asking and never closes them as unsent, as the rupee may have gone: check each at the bank by its payout key. The merchant's next penny drop to that number waits until it settles.</p>
${table(
  ['sent', 'verification', 'payout key', 'state', 'asks', 'last answer'],
  unsettled.items.map((p) => [
    html`${when(p.sentAt)}`,
    html`<a href="/console/verifications/${String(p.refId)}">${String(p.refId)}</a>`,
    html`<span class="mono">${p.payoutKey}</span>`,
    html`${p.payoutState ?? ''}`,
    html`${p.asks === null ? '' : String(p.asks)}${p.deadAt !== null ? html` ${badge('dead')}` : ''}`,
    html`${p.lastAnswer ?? ''}`,
  ]),
  'Payouts unsettled',
)}${pager('unsettled', unsettled, 'payouts')}`
        : html``;
    const body = html`${unreadSection}${unsettledSection}<h2 id="owed">Refunds still owed: ${String(owed.total)} (${rupees(owed.totalPaise)})</h2>
${table(
  ['received', 'UTR', 'verification', 'disposition', 'amount', 'refund', 'attempts', 'last error', ''],
  owed.items.map((c) => [
    html`${when(c.receivedAt)}${c.receivedAt < overdueBefore ? html` ${badge('overdue')}` : ''}`,
    html`<span class="mono">${c.utr}</span>`,
    c.refId ? html`<a href="/console/verifications/${String(c.refId)}">${String(c.refId)}</a>` : html`unmatched`,
    html`${c.disposition}`,
    html`${rupees(c.amountPaise)}`,
    badge(c.refundReviewAt !== null ? 'needs_review' : deadRefunds.has(c.id) ? 'job_dead' : c.refundStatus),
    html`${String(c.refundAttempts)}`,
    html`${c.refundError ?? ''}`,
    // In review (or with its job dead) no attempt goes: the operator checks with the bank and
    // records the rupee returned, or retries the job below.
    c.refundReviewAt !== null || deadRefunds.has(c.id)
      ? html`<form method="post" action="/console/refunds/${c.id}/settle" class="inline">${csrf(req)}<label for="settle-${c.id}">What the bank confirmed</label><input id="settle-${c.id}" name="note" type="text" maxlength="500" required><button type="submit">Settle</button></form>`
      : html``,
  ]),
  'Refunds still owed',
)}${pager('owed', owed, 'refunds')}
<h2 id="dead">Dead jobs: ${String(dead.total)}</h2>
${table(
  ['id', 'kind', 'subject', 'failures', 'last error', 'dead since', ''],
  dead.items.map((j) => [
    html`${String(j.id)}`,
    html`${j.kind}`,
    html`<span class="mono">${j.subject}</span>`,
    html`${String(j.failures)}`,
    html`${j.lastError ?? ''}`,
    html`${when(j.deadAt)}`,
    html`<form method="post" action="/console/jobs/${String(j.id)}/retry" class="inline">${csrf(req)}<button type="submit" aria-label="Retry job ${String(j.id)}">Retry</button></form>`,
  ]),
  'Dead jobs',
)}${pager('dead', dead, 'jobs')}`;
    return send(reply, page(req, 'Money', '/console/money', body));
  });

  app.post<{ Params: { id: string } }>('/bank/set-aside/:id/resolve', hide, async (req, reply) => {
    const note = form(req).note;
    if (typeof note !== 'string' || !note.trim() || note.length > 500) throw new ConsoleRefusal(400, 'Say what became of the entry (up to 500 characters).');
    const e = req.params.id.length <= 64 ? await resolveSetAside(s, req.params.id, note.trim()) : null;
    if (!e) throw new ConsoleRefusal(404, 'No open entry set aside with that id.');
    return reply.redirect('/console/money?done=set_aside_resolved', 303);
  });

  app.post<{ Params: { id: string } }>('/refunds/:id/settle', hide, async (req, reply) => {
    const note = form(req).note;
    if (typeof note !== 'string' || !note.trim() || note.length > 500) throw new ConsoleRefusal(400, 'Say what the bank confirmed (up to 500 characters).');
    const c = req.params.id.length <= 64 ? await s.engine.settleOwed(req.params.id, note.trim()) : null;
    if (!c) throw new ConsoleRefusal(404, 'No refund in review (or with its job dead) with that credit id.');
    return reply.redirect('/console/money?done=refund_settled', 303);
  });

  app.post<{ Params: { id: string } }>('/jobs/:id/retry', hide, async (req, reply) => {
    const id = /^[1-9]\d{0,15}$/.test(req.params.id) ? Number(req.params.id) : NaN;
    const j = Number.isSafeInteger(id) ? await retryDead(s.db, id) : null;
    if (!j) throw new ConsoleRefusal(404, 'No dead job with that id.');
    return reply.redirect('/console/money?done=retried', 303);
  });

  // ---------------------------------------------------------------- webhooks

  function replayForm(req: FastifyRequest, id: string) {
    return html`<form method="post" action="/console/webhooks/${id}/replay" class="inline">${csrf(req)}<button type="submit" class="secondary" aria-label="Replay delivery ${id}">Replay</button></form>`;
  }

  app.get('/webhooks', hide, async (req, reply) => {
    const qs = (req.query ?? {}) as Record<string, unknown>;
    const merchantId = typeof qs.merchant === 'string' && qs.merchant.length <= 64 ? qs.merchant : '';
    const status = typeof qs.status === 'string' && (DELIVERY_STATUSES as readonly string[]).includes(qs.status) ? qs.status : '';
    const log = await deliveriesLog(s.db, { merchantId: merchantId || undefined, status: status || undefined });
    const names = await merchantNames();
    const body = html`<form method="get" action="/console/webhooks" class="card row">
<div><label for="merchant">Merchant</label><select id="merchant" name="merchant"><option value="">all</option>${[...names].map(
      ([id, name]) => html`<option value="${id}"${raw(id === merchantId ? ' selected' : '')}>${name}</option>`,
    )}</select></div>
<div><label for="status">Status</label><select id="status" name="status"><option value="">any</option>${DELIVERY_STATUSES.map(
      (st) => html`<option${raw(st === status ? ' selected' : '')}>${st}</option>`,
    )}</select></div><button type="submit">Show</button></form>
${table(
  ['created', 'event', 'merchant', 'verification', 'status', 'attempts', ''],
  log.map((d) => [
    html`${when(d.created_at)}`,
    html`<a href="/console/webhooks/${d.id}">${d.event_type}</a><br><span class="mono">${d.id}</span>`,
    html`${names.get(d.merchant_id) ?? d.merchant_id}`,
    d.ref_id ? html`<a href="/console/verifications/${String(d.ref_id)}">${String(d.ref_id)}</a>` : html``,
    badge(d.status),
    html`<ol>${d.attempt_log.map((a) => html`<li>${when(a.started_at)}: ${a.status_code === null ? 'no answer' : `HTTP ${a.status_code}`} in ${String(a.latency_ms)} ms${a.error ? `, ${a.error}` : ''}</li>`)}</ol>`,
    replayForm(req, d.id),
  ]),
  'Webhook deliveries, newest first',
)}`;
    return send(reply, page(req, 'Webhooks', '/console/webhooks', body));
  });

  app.get<{ Params: { id: string } }>('/webhooks/:id', hide, async (req, reply) => {
    const d = req.params.id.length <= 64 ? await s.webhooks.get(req.params.id) : null;
    if (!d) throw new ConsoleRefusal(404, 'No such delivery.');
    const body = html`<dl class="kv"><dt>event</dt><dd>${d.event_type}</dd><dt>id</dt><dd class="mono">${d.id}</dd>
<dt>merchant</dt><dd><a href="/console/merchants/${d.merchant_id}">${d.merchant_id}</a></dd><dt>dialect</dt><dd>${d.dialect}</dd><dt>url</dt><dd>${d.url}</dd>
<dt>status</dt><dd>${badge(d.status)}</dd><dt>next attempt</dt><dd>${d.next_attempt_at ?? ''}</dd><dt>gives up</dt><dd>${d.give_up_at}</dd>
${d.ref_id ? html`<dt>verification</dt><dd><a href="/console/verifications/${String(d.ref_id)}">${String(d.ref_id)}</a></dd>` : ''}</dl>
<p>${replayForm(req, d.id)}</p>
<h2>Attempts</h2>
${table(
  ['#', 'at', 'answer', 'latency', 'error', 'next attempt'],
  d.attempt_log.map((a) => [
    html`${String(a.attempt)}`,
    html`${a.at}`,
    html`${a.status_code === null ? 'no answer' : `HTTP ${a.status_code}`}`,
    html`${String(a.latency_ms)} ms`,
    html`${a.error ?? ''}`,
    html`${a.next_attempt_at ?? ''}`,
  ]),
  'Attempts',
)}
<h2>Body</h2><pre>${d.body ?? '(rendered at the first attempt)'}</pre>`;
    return send(reply, page(req, 'Webhook delivery', '/console/webhooks', body));
  });

  app.post<{ Params: { id: string } }>('/webhooks/:id/replay', hide, async (req, reply) => {
    const d = req.params.id.length <= 64 ? await s.webhooks.replay(req.params.id) : null;
    if (!d) throw new ConsoleRefusal(404, 'No such delivery.');
    return reply.redirect(`/console/webhooks/${encodeURIComponent(d.id)}?done=replayed`, 303);
  });

}

declare module 'fastify' {
  interface FastifyRequest {
    consoleSession?: Session;
  }
}
