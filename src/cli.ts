#!/usr/bin/env node
// The operator's command line: the admin API's operations, straight on the store. Tables for
// people, --json for scripts, --export for shell lines that set what the next step uses.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline/promises';
import { checkAdminToken, dataDirOf, existingSecretKey, loadConfig, type Config } from './config.js';
import { createLogger } from './log.js';
import { openServices } from './gateway.js';
import { merchantView } from './admin/views.js';
import { WebhookAddressError } from './jobs/webhook-address.js';
import { importIfsc } from './store/ifsc-import.js';
import { countIfsc, lookupIfsc } from './store/ifsc.js';
import { events } from './store/repository.js';
import { WEBHOOK_DIALECTS, WEBHOOK_FORMATS } from './dialects/webhooks.js';
import { UnsignableEvent, WEBHOOK_SECRET } from './jobs/webhooks.js';
import { TEST_EVENTS, TestEventError, sendTestEvent } from './jobs/test-events.js';
import type { Services } from './services.js';
import { merchantNameProblem } from './engine/merchants.js';
import { backupSqlite, restoreSqlite, type BackupSummary } from './store/backup.js';
import { SQLITE_FILE } from './store/sqlite.js';
import { FileRefused } from './store/files.js';
import { isStoreUnavailable } from './store/db.js';
import { retryDead } from './jobs/queue.js';
import { BadCursor, deliveryPage } from './admin/pages.js';
import { deadJobPage, jobView } from './admin/operations.js';
import { appliedMigrations, LATEST_VERSION } from './store/migrate.js';
import { accessOps } from './admin/access.js';
import { AdminError } from './admin/errors.js';
import { MAX_ACTIVE_KEYS } from './engine/merchants.js';
import { PRICED_OPERATIONS } from './engine/billing.js';
import { owedRefunds, period, refundsInReview, refundView, resolveSetAside, setAsidePage, setAsideView, unsettledPayouts } from './admin/live.js';
import { BankSimulator, SIMULATOR_PAYEE_VPA } from './rails/connector/simulator/bank.js';
import { isVpa } from './engine/intent.js';
import { apiStatus, refIdOf, searchVerifications, verificationStory, verificationSummary } from './admin/lookup.js';
import { verifications } from './store/repository.js';

interface Command {
  usage: string;
  summary: string;
  /** More lines for `--help`. */
  help?: string;
  /** Runs without opening the store. */
  bare?: boolean;
  /** Options it takes that its usage line does not show (kept out of sight on purpose). */
  unlisted?: string[];
  run: (a: Args, s: Services) => Promise<void>;
}

interface Args {
  positionals: string[];
  values: Record<string, string | boolean | undefined>;
  cfg: Config;
}

const COMMON = `Options for every command:
  --json        print JSON (for scripts) instead of a table
  -y, --yes     do not ask before a change that cannot be taken back (asked only
                at a terminal: keys revoke, public-key delete, webhook remove,
                allowlist set clearing the list)
  -h, --help    this help
  -V, --version this build's version and its store schema version
Environment: DATA_DIR or DATABASE_URL select the store, as for the server.`;

/** Refunds as the operator reads them: one line each. */
function refundTable(items: ReturnType<typeof refundView>[]): string {
  return table(
    ['CREDIT', 'BANK TXN', 'AMOUNT', 'STATUS', 'ATTEMPTS', 'RECEIVED', 'LAST ERROR'],
    items.map((c) => [c.credit_id, c.bank_txn_id, c.amount, c.refund_status, String(c.refund_attempts), c.received_at, c.refund_error ?? '-']),
  );
}

const PAGE_HELP = '  --limit N         rows a page (1-999)\n  --after CURSOR    the page after the one that printed this cursor';

const COMMANDS: Record<string, Command> = {
  'merchants create': {
    usage: 'merchants create --name NAME [--export]',
    summary: 'create a merchant with a test key pair (the secret is shown once)',
    help: `  --export      print shell lines instead: export MERCHANT=... ID=... SECRET=... ACCOUNT_NUMBER=...
                (eval "$(pennygate merchants create --name Acme --export)"), and LIVE_ID=...
                LIVE_SECRET=... when live mode is on (the gateway's live settings are set)`,
    async run({ values }, s) {
      const problem = values.name === undefined ? 'a --name is required' : merchantNameProblem(String(values.name));
      if (problem) throw new UsageError(`merchants create: ${problem}`);
      const { merchant, testKey, liveKey } = await s.merchants.create(String(values.name).trim());
      const view = { ...merchantView(merchant), test_key: testKey, ...(liveKey ? { live_key: liveKey } : {}) };
      // The live key's secret is shown once too: every form of the output carries it.
      const live: Record<string, string> = liveKey ? { LIVE_ID: liveKey.client_id, LIVE_SECRET: liveKey.client_secret } : {};
      if (values.export) {
        return exportLines({ MERCHANT: view.id, ID: testKey.client_id, SECRET: testKey.client_secret, ACCOUNT_NUMBER: view.account_number, ...live });
      }
      print(view, () =>
        fields([
          ['id', view.id],
          ['name', view.name],
          ['account number', view.account_number],
          ['client id', testKey.client_id],
          ['client secret', `${testKey.client_secret}   (shown once: keep it now)`],
          ...(liveKey
            ? ([
                ['live client id', liveKey.client_id],
                ['live client secret', `${liveKey.client_secret}   (shown once: keep it now)`],
              ] as [string, string][])
            : []),
        ]),
      );
    },
  },
  'merchants list': {
    usage: 'merchants list',
    summary: 'list merchants',
    async run(_a, s) {
      const items = (await s.merchants.list()).map(merchantView);
      print({ items }, () =>
        table(
          ['ID', 'NAME', 'ACCOUNT NUMBER', 'WEBHOOK', 'CREATED'],
          items.map((m) => [m.id, m.name, m.account_number, m.webhook ? `${m.webhook.dialect} ${m.webhook.url}` : '-', m.created_at]),
        ),
      );
    },
  },
  'merchants show': {
    usage: 'merchants show MERCHANT',
    summary: 'show one merchant',
    async run({ positionals: [id] }, s) {
      const m = id ? await s.merchants.get(id) : null;
      if (!m) throw new UsageError(id ? `no merchant ${id}` : 'merchants show needs a merchant id');
      const v = merchantView(m);
      print(v, () => fields(Object.entries(v).map(([k, x]) => [k, x === null ? '-' : typeof x === 'object' ? JSON.stringify(x) : String(x)])));
    },
  },
  'verifications find': {
    usage: 'verifications find QUERY',
    summary: "verifications matching a ref_id, a fav_ id, a verification_id (any merchant's), a UTR, or the last 4+ digits of the payer's account number",
    async run({ positionals }, s) {
      const q = (positionals[0] ?? '').trim();
      if (!q) throw new UsageError('verifications find needs what to look for: a ref_id, fav_ id, verification_id, UTR or account digits');
      if (q.length > 128) throw new UsageError('verifications find: what to look for is at most 128 characters');
      const found = await searchVerifications(s.db, q);
      const items = found.items.map(verificationSummary);
      print({ count: items.length, truncated: found.truncated, items }, () =>
        (found.truncated ? `more match: the newest ${items.length} shown\n` : '') +
        table(
          ['REF ID', 'MERCHANT', 'KIND', 'MODE', 'VERIFICATION ID', 'STATUS', 'ANSWERED', 'UTR', 'REFUND', 'CREATED'],
          items.map((v) => [String(v.ref_id), v.merchant_id, v.kind, v.mode, v.verification_id ?? '-', v.status, v.api_status, v.utr ?? '-', v.refund ?? '-', v.created_at]),
        ),
      );
    },
  },
  'verifications show': {
    usage: 'verifications show REF_ID',
    summary: 'one verification: its status, the payer, every credit with its refund, and what happened when',
    async run({ positionals: [ref] }, s) {
      if (!ref) throw new UsageError('verifications show needs a ref_id (verifications find gives it)');
      const refId = refIdOf(ref);
      const v = refId === null ? null : await verifications.byRef(s.db, refId);
      if (!v) throw new UsageError(`no verification with ref_id ${ref}`);
      const story = await verificationStory(s.db, v);
      const entries = story.timeline;
      const m = await s.merchants.get(v.merchantId);
      const p = v.payer;
      print(story, () =>
        [
          fields([
            ['ref_id', String(v.refId)],
            ['merchant', `${v.merchantId}${m ? ` (${m.name})` : ''}`],
            ['kind', `${v.kind}, ${v.mode} mode, ${v.dialect} dialect`],
            ['verification_id', v.verificationId ?? '-'],
            ['status', `${v.status.toUpperCase()}${v.statusReason ? ` (${v.statusReason})` : ''}`],
            ['answered', apiStatus(v)],
            ['payer', p ? [p.name, p.account, p.ifsc, p.vpa].map((x) => x ?? '-').join(' / ') : '-'],
            ['utr', v.utr ?? '-'],
            ['name match', v.nameMatch ? `${v.nameMatch.result} (${v.nameMatch.score})` : '-'],
            ['refund', v.reversal ?? '-'],
            ['created', new Date(v.createdAt).toISOString()],
            ...(v.purgedAt ? [['erased', `${new Date(v.purgedAt).toISOString()} (retention)`] as [string, string]] : []),
          ]),
          '',
          refundTable(story.credits),
          '',
          table(['AT', 'WHAT', 'DETAIL'], entries.map((e) => [e.at, e.title, e.detail])),
        ].join('\n'),
      );
    },
  },
  'webhook set': {
    usage: 'webhook set MERCHANT --url URL --dialect cashfree|razorpayx [--rotate-secret | --secret SECRET]',
    summary: "set where a merchant's events go (prints the signing secret)",
    help: `  A receiver on this machine or a private network needs the gateway to run with
  WEBHOOK_ALLOW_PRIVATE=true (and this command too, with the same environment). A URL on the
  internet must be https, unless both run with WEBHOOK_ALLOW_HTTP=true. --secret sets the
  signing secret the receiver already checks (8-256 printable characters, no spaces).`,
    async run({ positionals: [id], values }, s) {
      if (!id || !values.url || !values.dialect) throw new UsageError('webhook set needs MERCHANT, --url and --dialect');
      const own = values.secret === undefined ? undefined : String(values.secret);
      if (own !== undefined && values['rotate-secret']) throw new UsageError('give --secret or --rotate-secret, not both');
      const { minLength, maxLength, pattern } = WEBHOOK_SECRET;
      if (own !== undefined && (own.length < minLength || own.length > maxLength || !new RegExp(pattern).test(own))) {
        throw new UsageError(`--secret must be ${minLength}-${maxLength} printable characters, no spaces`);
      }
      const w = await s.webhooks
        .configure(id, String(values.url), String(values.dialect), own ?? Boolean(values['rotate-secret']))
        .catch((err) => {
          // This command checks the URL itself, with its own environment: a gateway started with
          // the setting does not lift the refusal here, so say where it is missing.
          const setting = err instanceof WebhookAddressError ? /(WEBHOOK_ALLOW_(?:PRIVATE|HTTP))=true/.exec(err.message)?.[1] : undefined;
          if (setting) {
            throw new WebhookAddressError(
              `${err.message.replace(/[:;] (?:plain http is )?refused unless.*$/, '')}: refused unless ${setting}=true is set for this command too (and for the gateway, which delivers)`,
            );
          }
          throw err;
        });
      if (!w) throw new UsageError(`no merchant ${id}`);
      print(w, () => fields([['url', w.url], ['dialect', w.dialect], ['secret', w.secret]]));
    },
  },
  'webhook show': {
    usage: 'webhook show MERCHANT',
    summary: "show a merchant's webhook",
    async run({ positionals: [id] }, s) {
      const w = id ? await s.webhooks.current(id) : null;
      if (!w) throw new UsageError(id ? `no webhook set for ${id}` : 'webhook show needs a merchant id');
      print(w, () => fields([['url', w.url], ['dialect', w.dialect], ['secret', w.secret]]));
    },
  },
  'webhook remove': {
    usage: 'webhook remove MERCHANT',
    summary: "stop sending a merchant's events (deliveries already made stay listed)",
    async run({ positionals: [id], values }, s) {
      if (!id) throw new UsageError('webhook remove needs a merchant id');
      // The settings, not webhooks.current: that opens the signing secret, which a changed
      // SECRET_KEY cannot, and removing needs none.
      const m = await s.merchants.get(id);
      if (!m) throw new UsageError(`no merchant ${id}`);
      if (!m.settings.webhook) throw new UsageError(`no webhook set for ${id}`);
      // The host only: the URL may carry a token.
      await confirmed(values, `Stop sending ${id}'s events to ${new URL(m.settings.webhook.url).host}?`);
      await s.webhooks.remove(id);
      print({ merchant_id: id, webhook: null }, () => `${id}: events are no longer sent`);
    },
  },
  'webhook deliveries': {
    usage: 'webhook deliveries MERCHANT [--limit N] [--after CURSOR]',
    summary: 'list recent deliveries with their status, newest first',
    help: PAGE_HELP,
    async run({ positionals: [id], values }, s) {
      if (!id) throw new UsageError('webhook deliveries needs a merchant id');
      if (!(await s.merchants.get(id))) throw new UsageError(`no merchant ${id}`); // not "(none)", as the API answers 404
      const page = await paged('webhook deliveries', values, 50, (limit, after) => deliveryPage(s, id, limit, after));
      print(page, () =>
        table(
          ['ID', 'EVENT', 'STATUS', 'ATTEMPTS', 'NEXT ATTEMPT', 'CREATED'],
          page.items.map((d) => [d.id, d.event_type, d.status, String(d.attempts), d.next_attempt_at ?? '-', d.created_at]),
        ) + nextPage(`webhook deliveries ${id}`, page.next, values),
      );
    },
  },
  'webhook delivery': {
    usage: 'webhook delivery DELIVERY',
    summary: 'one delivery with every attempt',
    async run({ positionals: [id] }, s) {
      const d = id ? await s.webhooks.get(id) : null;
      if (!d) throw new UsageError(id ? `no delivery ${id}` : 'webhook delivery needs a delivery id');
      print(d, () =>
        [
          fields([['id', d.id], ['event', d.event_type], ['url', d.url], ['status', d.status], ['next attempt', d.next_attempt_at ?? '-']]),
          '',
          table(
            ['#', 'AT', 'STATUS CODE', 'LATENCY', 'ERROR'],
            d.attempt_log.map((a) => [String(a.attempt), a.at, String(a.status_code ?? '-'), `${a.latency_ms} ms`, a.error ?? '']),
          ),
        ].join('\n'),
      );
    },
  },
  'webhook replay': {
    usage: 'webhook replay DELIVERY',
    summary: 'send a delivery again now',
    async run({ positionals: [id] }, s) {
      const d = id ? await s.webhooks.replay(id) : null;
      if (!d) throw new UsageError(id ? `no delivery ${id}` : 'webhook replay needs a delivery id');
      print(d, () => `${d.id} will be sent again now (${d.url})`);
    },
  },
  trigger: {
    usage: `trigger EVENT --merchant MERCHANT`,
    summary: "send a signed test event to the merchant's webhook (and to pennygate listen)",
    help: `  EVENT is one of ${Object.keys(TEST_EVENTS).join(', ')}. The event describes a made-up
  verification (verification_id test_...); it is worded and signed in the webhook's dialect.`,
    async run({ positionals: [event], values }, s) {
      if (!event || !values.merchant) throw new UsageError('trigger needs an EVENT and --merchant');
      const id = String(values.merchant);
      if (!(await s.merchants.get(id))) throw new UsageError(`no merchant ${id}`);
      const r = await sendTestEvent(s.db, s.webhooks, id, event);
      print(r, () =>
        r.delivery
          ? `${r.event_id}: ${r.delivery.event_type} queued for ${r.delivery.url} (the running gateway sends it)`
          : `${r.event_id} recorded; the merchant has no webhook, so only pennygate listen shows it`,
      );
    },
  },
  listen: {
    usage: 'listen --merchant MERCHANT --forward-to URL [--dialect cashfree|razorpayx]',
    summary: "forward a merchant's events, signed, to a local URL as they happen (Ctrl-C stops)",
    help: `  Like a webhook on a laptop: each new event of the merchant is worded and
  signed as its webhook would be (--dialect, else the merchant's webhook
  dialect as it is at each event, else cashfree) and POSTed to --forward-to
  with the same headers. No public URL or WEBHOOK_ALLOW_PRIVATE is needed.`,
    async run({ values }, s) {
      if (!values.merchant || !values['forward-to']) throw new UsageError('listen needs --merchant and --forward-to');
      const id = String(values.merchant);
      // Checked before listening, not at the first event, which may come hours later.
      const target = URL.canParse(String(values['forward-to'])) ? new URL(String(values['forward-to'])) : null;
      if (!target || !['http:', 'https:'].includes(target.protocol)) throw new UsageError('--forward-to must be an http(s) URL');
      if (values.dialect !== undefined && !WEBHOOK_DIALECTS().includes(String(values.dialect))) {
        throw new UsageError(`--dialect must be one of ${WEBHOOK_DIALECTS().join(', ')}`);
      }
      if (!(await s.merchants.get(id))) throw new UsageError(`no merchant ${id}`);
      const hook = await s.webhooks.current(id);
      const dialect = String(values.dialect ?? hook?.dialect ?? 'cashfree');
      if (!WEBHOOK_FORMATS[dialect]) throw new UsageError(`the webhook's dialect ${dialect} is not one this build speaks: give --dialect`);
      if (WEBHOOK_FORMATS[dialect].signedWith === 'webhook_secret' && !hook) {
        throw new UsageError(`${dialect} events are signed with the webhook secret: set the merchant's webhook first (pennygate webhook set)`);
      }
      process.stderr.write(`pennygate: forwarding ${id}'s events (${dialect}) to ${target}; Ctrl-C stops\n`);
      // Without --dialect, the webhook's as it is when each event is read: one switched while
      // listening is followed, as its deliveries are.
      const follow = values.dialect === undefined;
      await listen(s, id, async () => (follow ? ((await s.merchants.get(id))?.settings.webhook?.dialect ?? 'cashfree') : dialect), target);
    },
  },
  'keys create': {
    usage: 'keys create MERCHANT --mode test|live',
    summary: `issue another key pair (at most ${MAX_ACTIVE_KEYS} active per mode, for rotation); the secret is shown once`,
    help: '  A live key needs a live bank connector. Revoke the old key once the new one is deployed.',
    async run({ positionals: [id], values }, s) {
      const mode = String(values.mode ?? '');
      if (!id || (mode !== 'test' && mode !== 'live')) throw new UsageError('keys create needs MERCHANT and --mode test or live');
      const k = await admin(accessOps(s).issueKey(id, mode));
      print(k, () => fields([['client id', k.client_id], ['client secret', `${k.client_secret}   (shown once: keep it now)`], ['mode', k.mode]]));
    },
  },
  'keys list': {
    usage: 'keys list MERCHANT',
    summary: "a merchant's key pairs, active and revoked (never their secrets)",
    async run({ positionals: [id] }, s) {
      if (!id) throw new UsageError('keys list needs a merchant id');
      const r = await admin(accessOps(s).keys(id));
      print(r, () => table(['CLIENT ID', 'MODE', 'STATUS', 'CREATED', 'REVOKED'], r.items.map((k) => [k.client_id, k.mode, k.status, k.created_at, k.revoked_at ?? '-'])));
    },
  },
  'keys revoke': {
    usage: 'keys revoke MERCHANT CLIENT_ID',
    summary: 'revoke a key pair at once, on every instance',
    async run({ positionals: [id, clientId], values }, s) {
      if (!id || !clientId) throw new UsageError('keys revoke needs MERCHANT and CLIENT_ID');
      const { items } = await admin(accessOps(s).keys(id));
      const key = items.find((k) => k.client_id === clientId && !k.revoked_at);
      if (!key) throw new UsageError('the merchant has no active key with that client_id');
      // Cashfree-format events are signed with an active key's secret of their mode: said when
      // this is the last one, as those deliveries fail until another key is issued.
      const last = !items.some((k) => k.mode === key.mode && !k.revoked_at && k.client_id !== clientId);
      const hook = (await s.merchants.get(id))?.settings.webhook;
      const unsigned =
        last && hook && WEBHOOK_FORMATS[hook.dialect]?.signedWith === 'client_secret'
          ? ` It is the last active ${key.mode} key: the webhook's ${hook.dialect} events of ${key.mode} mode cannot be signed, and are not delivered, until another is issued.`
          : '';
      await confirmed(values, `Revoke ${clientId} (${key.mode}) of ${id}? Calls made with it are refused at once, on every instance.${unsigned}`);
      await admin(accessOps(s).revokeKey(id, clientId));
      print({ client_id: clientId, status: 'revoked' }, () => `${clientId} revoked`);
    },
  },
  'allowlist set': {
    usage: 'allowlist set MERCHANT [CIDR...]',
    summary: 'the addresses (IPv4/IPv6 CIDRs) a merchant may call from; no CIDR: any address',
    async run({ positionals: [id, ...cidrs], values }, s) {
      if (!id) throw new UsageError('allowlist set needs a merchant id');
      if (cidrs.length === 0 && (await admin(accessOps(s).allowlist(id))).cidrs.length > 0) {
        // What clearing it does depends on the 2FA key (dialects/access.ts): said as it will be.
        const signed = (await s.merchants.get(id))?.settings.signatureRequired === true;
        await confirmed(
          values,
          signed
            ? `Clear the allowlist of ${id}? With its 2FA key, every call must then carry x-cf-signature, from any address.`
            : `Clear the allowlist of ${id}? Its keys are then taken from any address.`,
        );
      }
      const r = await admin(accessOps(s).setAllowlist(id, cidrs));
      print(r, () => (r.cidrs.length ? r.cidrs.join('\n') : '(any address)'));
    },
  },
  'allowlist show': {
    usage: 'allowlist show MERCHANT',
    summary: "a merchant's IP allowlist",
    async run({ positionals: [id] }, s) {
      if (!id) throw new UsageError('allowlist show needs a merchant id');
      const r = await admin(accessOps(s).allowlist(id));
      print(r, () => (r.cidrs.length ? r.cidrs.join('\n') : '(any address)'));
    },
  },
  'public-key create': {
    usage: 'public-key create MERCHANT [--replace]',
    summary: 'generate the 2FA key pair: callers off the allowlist must then send x-cf-signature',
    help: [
      '  Prints the public key (PEM) to give the merchant; the private key stays sealed in the store.',
      '  --replace     replace the key pair the merchant has (asked first: calls signed with the old',
      '                key are refused from then on)',
    ].join('\n'),
    async run({ positionals: [id], values }, s) {
      if (!id) throw new UsageError('public-key create needs a merchant id');
      if (!(await s.merchants.get(id))) throw new UsageError(`no merchant ${id}`);
      const ops = accessOps(s);
      if (await s.merchants.signingPublicKey(id)) {
        if (!values.replace) throw new UsageError(`${id} has a 2FA key pair: --replace replaces it (calls signed with the old key are then refused)`);
        await confirmed(values, `Replace ${id}'s 2FA key pair? Calls signed with the old key are refused at once, on every instance.`);
      }
      const r = await admin(ops.createPublicKey(id, values.replace === true));
      print(r, () => r.public_key.trimEnd());
    },
  },
  'public-key show': {
    usage: 'public-key show MERCHANT',
    summary: "a merchant's 2FA public key",
    async run({ positionals: [id] }, s) {
      if (!id) throw new UsageError('public-key show needs a merchant id');
      const r = await admin(accessOps(s).publicKey(id));
      print(r, () => r.public_key.trimEnd());
    },
  },
  'public-key delete': {
    usage: 'public-key delete MERCHANT',
    summary: 'turn 2FA signatures off for a merchant',
    async run({ positionals: [id], values }, s) {
      if (!id) throw new UsageError('public-key delete needs a merchant id');
      await admin(accessOps(s).publicKey(id));
      const allowed = (await admin(accessOps(s).allowlist(id))).cidrs.length;
      await confirmed(
        values,
        allowed
          ? `Turn 2FA signatures off for ${id}? Calls from off its allowlist are then refused, signed or not.`
          : `Turn 2FA signatures off for ${id}? Its keys are then taken from any address, unsigned.`,
      );
      await admin(accessOps(s).removePublicKey(id));
      print({ merchant: id, signature_required: false }, () => '2FA signatures off');
    },
  },
  'pricing set': {
    usage: 'pricing set MERCHANT [--reverse-penny-drop PAISE] [--mobile-penny-drop PAISE] [--upi-mobile PAISE] [--name-match PAISE]',
    summary: 'prices per operation in paise, charged from the prepaid balance (unset: unchanged; 0: free)',
    async run({ positionals: [id], values }, s) {
      if (!id) throw new UsageError('pricing set needs a merchant id');
      const prices: Record<string, number> = {};
      for (const op of PRICED_OPERATIONS) {
        const v = values[op.replace(/_/g, '-')];
        if (v === undefined) continue;
        if (!/^\d{1,12}$/.test(String(v))) throw new UsageError(`--${op.replace(/_/g, '-')} must be a whole number of paise`);
        prices[op] = Number(v);
      }
      const r = await admin(accessOps(s).setPricing(id, prices));
      print(r, () => fields(Object.entries(r).map(([k, v]) => [k, `${v} paise`])));
    },
  },
  'pricing show': {
    usage: 'pricing show MERCHANT',
    summary: "a merchant's prices in paise",
    async run({ positionals: [id] }, s) {
      if (!id) throw new UsageError('pricing show needs a merchant id');
      const r = await admin(accessOps(s).pricing(id));
      print(r, () => fields(Object.entries(r).map(([k, v]) => [k, `${v} paise`])));
    },
  },
  'balance show': {
    usage: 'balance show MERCHANT',
    summary: 'the prepaid balance and its latest ledger entries',
    async run({ positionals: [id] }, s) {
      if (!id) throw new UsageError('balance show needs a merchant id');
      const r = await admin(accessOps(s).balance(id));
      print(r, () =>
        [
          `balance  ${r.balance_paise} paise (${r.entry_count} entries)`,
          '',
          table(['AT', 'KIND', 'PAISE', 'OPERATION', 'REF ID', 'REFERENCE'], r.entries.map((e) => [e.created_at, e.kind, String(e.amount_paise), e.operation ?? '-', e.ref_id === null ? '-' : String(e.ref_id), e.reference ?? '-'])),
        ].join('\n'),
      );
    },
  },
  'balance top-up': {
    usage: 'balance top-up MERCHANT --amount PAISE --reference REF',
    summary: 'add to the prepaid balance; a reference already applied changes nothing',
    async run({ positionals: [id], values }, s) {
      if (!id || !values.amount || !values.reference) throw new UsageError('balance top-up needs MERCHANT, --amount and --reference');
      if (!/^\d{1,12}$/.test(String(values.amount))) throw new UsageError('--amount must be a whole number of paise');
      const r = await admin(accessOps(s).topUp(id, Number(values.amount), String(values.reference)));
      print(r, () => `${r.applied ? 'applied' : 'already applied (nothing changed)'}: balance ${r.balance_paise} paise`);
    },
  },
  'limits set': {
    usage: 'limits set MERCHANT --daily-payouts N|none',
    summary: 'cap the mobile penny drops (Rs 1 payouts) a merchant may start per day (India time)',
    async run({ positionals: [id], values }, s) {
      const v = values['daily-payouts'];
      if (!id || v === undefined) throw new UsageError('limits set needs MERCHANT and --daily-payouts');
      if (v !== 'none' && !/^\d{1,9}$/.test(String(v))) throw new UsageError('--daily-payouts must be a whole number or none');
      const r = await admin(accessOps(s).setLimits(id, v === 'none' ? null : Number(v)));
      print(r, () => fields([['daily payouts', r.daily_payouts === null ? 'no cap' : String(r.daily_payouts)], ['payouts today', String(r.payouts_today)], ['test payouts today', String(r.test_payouts_today)]]));
    },
  },
  'limits show': {
    usage: 'limits show MERCHANT',
    summary: "a merchant's daily payout cap and today's count",
    async run({ positionals: [id] }, s) {
      if (!id) throw new UsageError('limits show needs a merchant id');
      const r = await admin(accessOps(s).limits(id));
      print(r, () => fields([['daily payouts', r.daily_payouts === null ? 'no cap' : String(r.daily_payouts)], ['payouts today', String(r.payouts_today)], ['test payouts today', String(r.test_payouts_today)]]));
    },
  },
  'ifsc import': {
    usage: 'ifsc import PATH',
    summary: "import IFSC branch data (Razorpay's format): a folder of per-bank JSON files, one such file, or IFSC.csv",
    help: '  Re-importing a newer release updates the directory in place. Progress goes to stderr.',
    async run({ positionals: [path] }, s) {
      if (!path) throw new UsageError('ifsc import needs a PATH');
      const tty = process.stderr.isTTY;
      let last = 0;
      const summary = await importIfsc(s.db, path, (p) => {
        const now = Date.now();
        if (p.filesDone < p.files && now - last < 1000) return;
        last = now;
        const line = `importing: ${p.records.toLocaleString('en-IN')} records, ${p.filesDone}/${p.files} files`;
        process.stderr.write(tty ? `\r${line}` : `${line}\n`);
      });
      if (tty) process.stderr.write('\n');
      const r = { ...summary, directory_size: await countIfsc(s.db) };
      print(r, () =>
        `imported ${r.records} records from ${r.files} files in ${r.ms} ms (skipped ${r.skipped}); the directory holds ${r.directory_size} branches`,
      );
    },
  },
  'ifsc show': {
    usage: 'ifsc show IFSC',
    summary: 'show one branch',
    async run({ positionals: [code] }, s) {
      const b = code ? await lookupIfsc(s.db, code) : null;
      if (!b) throw new UsageError(code ? `no branch ${code} in the IFSC directory` : 'ifsc show needs an IFSC');
      print(b, () => fields(Object.entries(b).map(([k, v]) => [k, v === null ? '-' : String(v)])));
    },
  },
  'jobs dead': {
    usage: 'jobs dead [--limit N] [--after CURSOR]',
    summary: 'jobs that kept failing and stopped (dead letters), newest first',
    help: PAGE_HELP,
    async run({ values }, s) {
      const d = await paged('jobs dead', values, 100, (limit, after) => deadJobPage(s, limit, after));
      const items = d.items;
      print(d, () =>
        `${d.count} in all\n` +
        table(['ID', 'KIND', 'SUBJECT', 'FAILURES', 'DEAD AT', 'LAST ERROR'], items.map((j) => [String(j.id), j.kind, j.subject, String(j.failures), j.dead_at ?? '-', j.last_error ?? '-'])) +
        nextPage('jobs dead', d.next, values),
      );
    },
  },
  'jobs retry': {
    usage: 'jobs retry ID',
    summary: 'run a dead job again now (once its cause is fixed)',
    async run({ positionals: [id] }, s) {
      const j = id && /^[1-9][0-9]{0,15}$/.test(id) ? await retryDead(s.db, Number(id)) : null;
      if (!j) throw new UsageError(id ? `no dead job ${id}` : 'jobs retry needs a job id');
      const v = jobView(j);
      print(v, () => `job ${v.id} (${v.kind} ${v.subject}) is due again now`);
    },
  },
  'set-aside list': {
    usage: 'set-aside list [--state open|resolved|all] [--limit N] [--after CURSOR]',
    summary: "entries of the bank's credit listing the gateway could not read (open ones hold back the expiry of the links they may pay), oldest first",
    help: `  --state           open (the default): not resolved yet; resolved; all\n${PAGE_HELP}`,
    async run({ values }, s) {
      const state = values.state === undefined ? 'open' : String(values.state);
      if (state !== 'open' && state !== 'resolved' && state !== 'all') throw new UsageError('set-aside list: --state is open, resolved or all');
      const r = await paged('set-aside list', values, 100, (limit, after) => setAsidePage(s, state, limit, after));
      print(r, () =>
        `${r.count} in all\n` +
        table(
          ['ID', 'RAIL', 'SEEN AT', 'BANK TXN', 'HOLDS', 'PROBLEM', 'RESOLVED'],
          r.items.map((e) => [e.id, e.rail, e.seen_at, e.bank_txn_id ?? '-', e.holds === 'intent' ? `tr ${e.tr}` : e.holds, e.problem, e.resolution ?? '-']),
        ) +
        nextPage(`set-aside list${values.state === undefined ? '' : ` --state ${state}`}`, r.next, values),
      );
    },
  },
  'set-aside resolve': {
    usage: 'set-aside resolve ID --note TEXT',
    summary: 'record what became of an entry set aside; the links it held may then expire',
    help: '  --note        what became of it (up to 500 characters): sent again by the connector, not a payment, returned at the bank...',
    async run({ positionals: [id], values }, s) {
      if (!id) throw new UsageError('set-aside resolve needs the id of an entry (set-aside list shows them)');
      const note = requiredNote(values, 'set-aside resolve');
      const e = id.length <= 64 ? await resolveSetAside(s, id, note) : null;
      if (!e) throw new UsageError(`no open entry set aside with id ${id}`);
      const v = await setAsideView(s, e);
      print(v, () => `${v.id} resolved: ${v.resolution}`);
    },
  },
  'refunds owed': {
    usage: 'refunds owed [--limit N] [--after CURSOR]',
    summary: 'credits whose rupee has not gone back yet (pending, in flight, failed and awaiting retry, or in review), oldest first',
    help: PAGE_HELP,
    async run({ values }, s) {
      const o = await paged('refunds owed', values, 100, (limit, after) => owedRefunds(s, limit, after));
      print(o, () =>
        `${o.count} owed, Rs ${o.amount} (overdue after ${o.overdue_after_hours} h${process.env.REFUND_ALERT_HOURS ? '' : ": the default; set REFUND_ALERT_HOURS here as the gateway's"})\n` + refundTable(
            o.items.map((c) => {
              const notes = [c.overdue ? 'overdue' : '', c.job === 'dead' ? `job dead: jobs retry ${c.dead_job_id}` : ''].filter(Boolean);
              return { ...c, refund_status: notes.length ? `${c.refund_status} (${notes.join('; ')})` : c.refund_status };
            }),
          ) + nextPage('refunds owed', o.next, values),
      );
    },
  },
  'refunds review': {
    usage: 'refunds review [--limit N] [--after CURSOR]',
    summary: 'refunds set aside for the operator (needs_review): unsettled too long, or refused by a bank whose books disagree; no new attempt is sent; oldest first',
    help: PAGE_HELP,
    async run({ values }, s) {
      const r = await paged('refunds review', values, 100, (limit, after) => refundsInReview(s, limit, after));
      print(r, () => `${r.count} in review\n` + refundTable(r.items) + nextPage('refunds review', r.next, values));
    },
  },
  'refunds settle': {
    usage: 'refunds settle CREDIT_ID --note TEXT',
    summary: 'record a refund in review as returned, once the bank confirmed the rupee reached the payer',
    help: '  --note        what the bank confirmed (up to 500 characters): its reference, a statement line...',
    async run({ positionals: [id], values }, s) {
      if (!id) throw new UsageError('refunds settle needs the credit id of a refund in review (refunds review shows them)');
      const note = requiredNote(values, 'refunds settle');
      const c = id.length <= 64 ? await s.engine.settleOwed(id, note) : null;
      if (!c) throw new UsageError(`no refund in review (or with its job dead) with credit id ${id}`);
      const v = refundView(c);
      print(v, () => `${v.credit_id} (${v.bank_txn_id}) recorded as returned: ${v.refund_error}`);
    },
  },
  'payouts unsettled': {
    usage: 'payouts unsettled [--limit N] [--after CURSOR]',
    summary: 'mobile penny drops whose payout the bank has left unsettled past REFUND_REVIEW_HOURS, oldest first: still asked about, never closed unsent; check each at the bank by its payout key',
    help: PAGE_HELP,
    async run({ values }, s) {
      const u = await paged('payouts unsettled', values, 100, (limit, after) => unsettledPayouts(s, limit, after));
      print(u, () =>
        `${u.count} unsettled past ${u.review_after_hours} h${process.env.REFUND_REVIEW_HOURS ? '' : ": the default; set REFUND_REVIEW_HOURS here as the gateway's"}\n` +
        table(
          ['REF ID', 'MERCHANT', 'PAYOUT KEY', 'STATE', 'SENT AT', 'ASKS', 'LAST ANSWER'],
          u.items.map((p) => [String(p.ref_id), p.merchant_id, p.payout_key, String(p.payout_state), p.sent_at ?? '-', String(p.asks ?? '-'), p.last_answer ?? '-']),
        ) +
        nextPage('payouts unsettled', u.next, values),
      );
    },
  },
  'retention show': {
    usage: 'retention show',
    summary: 'the retention policy and what its last purge removed',
    async run({ cfg }, s) {
      const r = { retention_days: cfg.retentionMs / 86_400_000, last_run: await s.retention.lastRun() };
      print(r, () =>
        fields([
          // This shell's setting: the gateway's may differ (GET /admin/retention reads its own).
          [process.env.DATA_RETENTION_DAYS ? 'retention days' : 'retention days (default; the gateway may be set otherwise)', String(r.retention_days)],
          ['last purge', r.last_run ? `${r.last_run.started_at} (data before ${r.last_run.cutoff})` : 'never'],
          ...Object.entries(r.last_run?.removed ?? {}).map(([k, n]): [string, string] => [`  ${k}`, String(n)]),
        ]),
      );
    },
  },
  'retention run': {
    usage: 'retention run',
    summary: 'erase and delete what is older than DATA_RETENTION_DAYS now',
    help: `  Needs DATA_RETENTION_DAYS set where the command runs, as the gateway has it: the command
  reads its own settings, not the running gateway's, and what it erases is gone for good
  (POST /admin/retention/run runs the gateway's own policy).`,
    async run(_a, s) {
      // A shell without the gateway's setting would purge by the 90-day default, even the store
      // of a gateway set to keep everything (0).
      if (!process.env.DATA_RETENTION_DAYS) {
        throw new UsageError(
          "retention run: set DATA_RETENTION_DAYS as the gateway has it (this command does not read the gateway's settings, and what it erases is gone for good)",
        );
      }
      const r = await s.retention.run();
      print(r, () => fields(Object.entries(r.removed).map(([k, n]) => [k, String(n)])));
    },
  },
  schema: {
    usage: 'schema',
    summary: 'the schema version and the migrations applied (the store is migrated first)',
    async run(_a, s) {
      const applied = await appliedMigrations(s.db);
      const r = { version: applied.at(-1)?.version ?? 0, latest: LATEST_VERSION, migrations: applied };
      print(r, () => table(['VERSION', 'NAME', 'APPLIED'], applied.map((m) => [String(m.version), m.name, new Date(Number(m.applied_at)).toISOString()])));
    },
  },
  backup: {
    usage: 'backup FILE',
    summary: 'copy the SQLite store to FILE (new, 0600) while the gateway runs, and check the copy',
    help: '  One consistent snapshot (SQLite backup API). For PostgreSQL use pg_dump; keep SECRET_KEY with either.',
    bare: true,
    async run({ positionals: [file] }) {
      if (process.env.DATABASE_URL) throw new UsageError('backup is for the SQLite store; back up PostgreSQL with pg_dump (see README)');
      if (!file) throw new UsageError('backup needs a FILE');
      const r = await backupSqlite(dataDirOf(), file);
      print(r, () => backupLine(r));
    },
  },
  restore: {
    usage: 'restore FILE',
    summary: 'put a backup in place of the SQLite store (the gateway stopped)',
    help: `  The store it replaces is kept beside it as pennygate.db.before-restore-<time>. The backup's
  secrets are sealed with its gateway's key: DATA_DIR/secret-key (or SECRET_KEY) must be that
  key, or the restore is refused.`,
    bare: true,
    async run({ positionals: [file] }) {
      // Not loadConfig: on a fresh machine it would make a secret-key, one that opens nothing in
      // the backup. The key must come with the backup (checked before anything is moved).
      if (process.env.DATABASE_URL) throw new UsageError('restore is for the SQLite store; restore PostgreSQL with pg_restore (see README)');
      if (!file) throw new UsageError('restore needs a FILE');
      const dataDir = dataDirOf();
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      const r = restoreSqlite(dataDir, file, existingSecretKey());
      print(r, () => `${backupLine(r)}${r.previous ? `\nthe previous store is kept as ${r.previous}` : ''}`);
    },
  },
  reconcile: {
    usage: 'reconcile --from DATE --to DATE',
    summary: "compare the bank's statement with the gateway's records (live mode) and list every difference",
    help: `  DATE is an ISO 8601 date, a day in India from midnight IST as the bank's statement counts it
  (a --to date covers that whole day), or an ISO 8601 time. Needs the live-mode
  settings (BANK_CONNECTOR_URL, ...). Exits 3 when there are differences.`,
    async run({ values }, s) {
      if (!s.reconciliation) throw new UsageError('reconcile needs live mode: set BANK_CONNECTOR_URL and the settings it needs (README)');
      if (typeof values.from !== 'string' || typeof values.to !== 'string') throw new UsageError('reconcile needs --from and --to');
      const p = period(values.from, values.to);
      if (typeof p === 'string') throw new UsageError(`reconcile: ${p}`);
      const r = await s.reconciliation.run(p.from, p.to);
      print(r, () =>
        [
          `${r.from} .. ${r.to}: bank ${r.bank.credits} credits, ${r.bank.refunds} refunds, ${r.bank.payouts} payouts; gateway ${r.gateway.credits} credits, ${r.gateway.payouts} payouts`,
          r.clean
            ? 'clean: no differences'
            : table(
                ['kind', 'bank_txn_id / reference', 'detail'],
                r.differences.map((d) => [d.kind, d.bank_txn_id ?? d.reference ?? '', d.detail]),
              ),
        ].join('\n'),
      );
      if (!r.clean) process.exitCode = 3;
    },
  },
  'bank-simulator': {
    usage: 'bank-simulator --port P --gateway URL [--payee-vpa VPA]',
    unlisted: ['secret'],
    summary: 'run a simulated bank behind the connector contract (docs/bank-connector.md), for tests and demos',
    help: `  --gateway     the gateway's base URL (notifications go to <URL>/bank/notifications)
  --payee-vpa   the collection VPA it credits, the only payee it pays (default: the gateway's
                LIVE_PAYEE_VPA from the environment, else ${SIMULATOR_PAYEE_VPA})
  The shared secret is the gateway's BANK_CONNECTOR_SECRET, read from the environment (a
  --secret S given instead shows it to anyone who can list the machine's processes).
  Serves /v1/... (the contract) and /simulator/pay, /simulator/ledger, /simulator/faults.
  Its ledger lives in memory: a restart starts an empty bank.`,
    bare: true,
    async run({ values }) {
      const port = Number(values.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('bank-simulator needs --port 0..65535');
      if (typeof values.gateway !== 'string' || !/^https?:\/\//.test(values.gateway)) throw new UsageError('bank-simulator needs --gateway http(s)://...');
      const secret = typeof values.secret === 'string' ? values.secret : process.env.BANK_CONNECTOR_SECRET;
      if (typeof secret !== 'string' || secret.length < 16) {
        throw new UsageError('bank-simulator needs BANK_CONNECTOR_SECRET in its environment (or --secret), at least 16 characters');
      }
      const host = process.env.HOST || '127.0.0.1';
      // "5s" read as a number is NaN: every refund would stay pending for ever, without a word.
      const settle = process.env.SIMULATOR_REFUND_SETTLE_MS || '300';
      if (!/^\d{1,9}$/.test(settle)) throw new UsageError(`SIMULATOR_REFUND_SETTLE_MS must be a whole number of milliseconds, got ${JSON.stringify(settle)}`);
      // The gateway's own setting, so that a shell that runs both (as the README's does) agrees.
      const payeeVpa = typeof values['payee-vpa'] === 'string' ? values['payee-vpa'] : process.env.LIVE_PAYEE_VPA || SIMULATOR_PAYEE_VPA;
      if (!isVpa(payeeVpa)) {
        const from = typeof values['payee-vpa'] === 'string' ? '--payee-vpa' : 'LIVE_PAYEE_VPA';
        throw new UsageError(`bank-simulator: ${from} is not a VPA: ${JSON.stringify(payeeVpa)}`);
      }
      const sim = new BankSimulator({
        port,
        host,
        gateway: values.gateway,
        secret,
        refundSettleMs: Number(settle),
        payeeVpa,
      });
      const bound = await sim.listen().catch((err: NodeJS.ErrnoException) => {
        const where = `bank-simulator: --port ${port} on ${host}`;
        if (err.code === 'EADDRINUSE') throw new UsageError(`${where} is in use by another process: choose another --port`);
        if (err.code === 'EACCES') throw new UsageError(`${where} needs privileges: choose a --port above 1023`);
        if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') throw new UsageError(`bank-simulator: HOST=${host} is not an address of this machine`);
        throw err;
      });
      process.stdout.write(`bank simulator listening on http://${host}:${bound}, collecting for ${payeeVpa}, notifying ${values.gateway}\n`);
      const stop = () => void sim.close().then(() => process.exit(0));
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    },
  },
  'admin-token': {
    usage: 'admin-token [--export]',
    summary: 'print the admin API token the server uses',
    help: `  With ADMIN_TOKEN set, that is the token. With DATABASE_URL and no ADMIN_TOKEN there is none to
  print: each instance would make its own, so set one ADMIN_TOKEN for every instance.
  --export      print  export ADMIN=...`,
    bare: true,
    async run({ values }) {
      const token = adminToken();
      if (values.export) return exportLines({ ADMIN: token });
      print({ admin_token: token }, () => token);
    },
  },
};

class UsageError extends Error {}

/**
 * A change that cannot be taken back is asked about first when a person is at the terminal;
 * scripts (no terminal) and --yes go on as asked. Anything but y or yes: nothing changes.
 */
async function confirmed(values: Args['values'], question: string) {
  if (values.yes || !process.stdin.isTTY || !process.stderr.isTTY) return;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  // Ctrl-C or Ctrl-D leave a question unanswered for ever (the process would then end quietly,
  // exit 0): both are a no.
  const gone = new AbortController();
  rl.on('SIGINT', () => gone.abort());
  rl.on('close', () => gone.abort());
  let answer = '';
  try {
    answer = await rl.question(`${question} [y/N] `, { signal: gone.signal });
  } catch (err) {
    if ((err as Error).name !== 'AbortError') throw err;
  } finally {
    rl.close();
  }
  if (!/^\s*y(es)?\s*$/i.test(answer)) throw new UsageError('not confirmed: nothing changed');
}

/** The admin operations' refusals (unknown merchant, bad input, conflicts) as usage errors. */
async function admin<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof AdminError) throw new UsageError(err.message);
    throw err;
  }
}

/** The operator's --note on a settlement: 1 to 500 characters, kept with the record. */
function requiredNote(values: { note?: unknown }, command: string): string {
  const note = typeof values.note === 'string' ? values.note.trim() : '';
  if (!note || note.length > 500) throw new UsageError(`${command}: a --note of 1 to 500 characters is required`);
  return note;
}

const backupLine = (r: BackupSummary) => `${r.file}: ${r.bytes} bytes, schema version ${r.schema_version}, ${r.verifications} verifications, checked`;

/** The token the servers check, or a UsageError saying why there is none to tell. */
function adminToken(env = process.env): string {
  if (env.ADMIN_TOKEN) return checkAdminToken(env.ADMIN_TOKEN);
  if (env.DATABASE_URL) {
    throw new UsageError(
      'with DATABASE_URL the instances sharing the database need one ADMIN_TOKEN: set ADMIN_TOKEN (for example `openssl rand -base64 24`) ' +
        'for every instance and this command. Without it each instance generates its own in its DATA_DIR.',
    );
  }
  // SQLite: the server writes DATA_DIR/admin-token on its first start. One made here, before the
  // gateway's or in the wrong folder, would be a token no gateway checks.
  const dir = dataDirOf(env);
  const file = join(dir, 'admin-token');
  if (!existsSync(file)) {
    throw new UsageError(`no admin token in ${dir}${env.DATA_DIR ? '' : ' (DATA_DIR is not set: ./data is the default)'}: run this with the gateway's DATA_DIR; the gateway writes it when it first starts (unless ADMIN_TOKEN is set: then that is the token)`);
  }
  return checkAdminToken(readFileSync(file, 'utf8').trim(), file);
}

/** Commands that may make the SQLite store when DATA_DIR names a folder without one yet. */
const MAKES_STORE = new Set(['merchants create', 'ifsc import', 'schema']);

/**
 * Why a command must not open the store: run where the store is not (no DATA_DIR, or a wrong
 * one), it would make an empty one and answer from it ("0 owed", "(none)") as if all were well.
 */
function missingStore(command: string, env = process.env): string | null {
  if (env.DATABASE_URL) return null;
  const dir = dataDirOf(env);
  if (existsSync(join(dir, SQLITE_FILE))) return null;
  if (env.DATA_DIR && MAKES_STORE.has(command)) return null;
  return (
    `no store in ${dir}${env.DATA_DIR ? '' : ' (DATA_DIR is not set: ./data is the default)'}: ` +
    "run this with the gateway's DATA_DIR or DATABASE_URL (the gateway makes its store when it first starts)"
  );
}

let json = false;
function print(o: unknown, human: () => string) {
  process.stdout.write((json ? JSON.stringify(o, null, 2) : human()) + '\n');
}
function exportLines(vars: Record<string, string>) {
  const q = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
  process.stdout.write(Object.entries(vars).map(([k, v]) => `export ${k}=${q(v)}`).join('\n') + '\n');
}
/** A list command's page: --limit and --after read, a cursor that is none refused as a usage error. */
async function paged<T>(name: string, values: Record<string, unknown>, byDefault: number, read: (limit: number, after?: string) => Promise<T>): Promise<T> {
  const limit = values.limit === undefined ? byDefault : String(values.limit);
  if (typeof limit === 'string' && !/^[1-9][0-9]{0,2}$/.test(limit)) throw new UsageError(`${name}: --limit is a number from 1 to 999`);
  const after = values.after === undefined ? undefined : String(values.after);
  if (after !== undefined && !/^[A-Za-z0-9_-]{1,200}$/.test(after)) throw new UsageError(`${name}: --after is the cursor a page before printed`);
  try {
    return await read(Number(limit), after);
  } catch (err) {
    if (err instanceof BadCursor) throw new UsageError(`${name}: --after is the cursor a page before printed`);
    throw err;
  }
}
/** The command for the page after this one, with the same --limit. */
const nextPage = (command: string, next: string | null, values: Record<string, unknown>) =>
  next ? `\nmore: pennygate ${command}${values.limit === undefined ? '' : ` --limit ${values.limit}`} --after ${next}` : '';

function fields(rows: [string, string][]) {
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n');
}
function table(head: string[], rows: string[][]) {
  if (rows.length === 0) return '(none)';
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [head, ...rows].map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(w[i]))).join('  ')).join('\n');
}

async function listen(s: Services, merchantId: string, dialectNow: () => Promise<string>, target: URL) {
  // Events are followed in the order they became visible, not by their timestamps: an event
  // stamped by a clock that is behind, or whose transaction committed long after its stamp, is
  // forwarded all the same. Below `from`, every event has been read; above it, `seen` holds the
  // ones read (forwarded, or there when listen started), so that each is forwarded once.
  let from = await events.horizon(s.db);
  const seen = new Map<string, number>();
  for (const e of await events.since(s.db, merchantId, from)) seen.set(e.id, e.order);
  let stopping = false;
  process.once('SIGINT', () => (stopping = true));
  process.once('SIGTERM', () => (stopping = true));
  let dialect = await dialectNow();
  // The store down (a restart, a failover) pauses the forwarding, said once, and it goes on from
  // where it was when the store answers again: an event is marked read only once it was handled,
  // and `from` moves only after a whole pass.
  let outage = 0;
  while (!stopping) {
    try {
      dialect = await forwardFresh(s, merchantId, dialectNow, target, dialect, from, seen, (horizon) => {
        from = Math.max(from, horizon);
        for (const [id, order] of seen) if (order < from) seen.delete(id);
      });
      if (outage) process.stderr.write('pennygate: the store answers again: forwarding\n');
      outage = 0;
    } catch (err) {
      if (!isStoreUnavailable(err)) throw err;
      if (!outage) process.stderr.write(`pennygate: the store is unavailable (${(err as Error).message}): waiting, no event is skipped\n`);
      outage++;
    }
    await new Promise((r) => setTimeout(r, outage ? Math.min(5000, 300 * 2 ** Math.min(outage, 5)) : 300));
  }
}

/** One pass of listen: the events not read yet, each forwarded (or said unsignable) and marked read. */
async function forwardFresh(
  s: Services,
  merchantId: string,
  dialectNow: () => Promise<string>,
  target: URL,
  dialect: string,
  from: number,
  seen: Map<string, number>,
  passed: (horizon: number) => void,
): Promise<string> {
  // Read before the events: whatever is below it is in what the next query reads.
  const horizon = await events.horizon(s.db);
  const fresh = (await events.since(s.db, merchantId, from)).filter((e) => !seen.has(e.id));
  if (fresh.length) {
    const now = await dialectNow();
    if (now !== dialect) process.stderr.write(`pennygate: the webhook's dialect is ${now} now: forwarding in it\n`);
    dialect = now;
  }
  for (const e of fresh) {
    let signed;
    try {
      signed = await s.webhooks.signed(e.id, dialect);
    } catch (err) {
      // One event the merchant cannot sign (a revoked key's mode, a dialect a newer build set)
      // stops nothing else.
      if (!(err instanceof UnsignableEvent) && !(err instanceof WebhookAddressError)) throw err;
      seen.set(e.id, e.order);
      const line = { at: new Date().toISOString(), event_id: e.id, forwarded_to: null, result: `not forwarded: ${err.message}` };
      process.stdout.write((json ? JSON.stringify(line) : `${line.at}  ${line.event_id}  -> ${line.result}`) + '\n');
      continue;
    }
    seen.set(e.id, e.order);
    if (!signed) continue; // the dialect has no such event
    let outcome: string;
    try {
      const r = await fetch(target, { method: 'POST', headers: signed.headers, body: signed.body, redirect: 'manual', signal: AbortSignal.timeout(10_000) });
      outcome = `${r.status}`;
    } catch (err) {
      outcome = `not delivered: ${(err as Error).message}`;
    }
    const line = { at: new Date().toISOString(), event_id: e.id, event_type: signed.eventType, forwarded_to: target.toString(), result: outcome };
    process.stdout.write((json ? JSON.stringify(line) : `${line.at}  ${line.event_type}  ${line.event_id}  -> ${outcome}`) + '\n');
  }
  passed(horizon);
  return dialect;
}

/** Help is read in an 80-column terminal. */
const WIDTH = 80;

/**
 * Each line of `text` longer than the width broken at spaces, the rest of it indented `more`
 * beyond the line's own indentation.
 */
function fit(text: string, more = 4): string {
  return text
    .split('\n')
    .map((line) => {
      if (line.length <= WIDTH) return line;
      const indent = ' '.repeat(line.length - line.trimStart().length);
      const out: string[] = [];
      let cur = '';
      for (const word of line.trimStart().split(' ')) {
        const lead = out.length === 0 ? indent : indent + ' '.repeat(more);
        if (cur && lead.length + cur.length + 1 + word.length > WIDTH) {
          out.push(lead + cur);
          cur = word;
        } else cur = cur ? `${cur} ${word}` : word;
      }
      out.push((out.length === 0 ? indent : indent + ' '.repeat(more)) + cur);
      return out.join('\n');
    })
    .join('\n');
}

/**
 * The commands named by `keys` (all of them by default): each usage on a line of its own (the
 * rest of a long one indented 4), its summary under it, indented 6.
 */
function commandTable(keys = Object.keys(COMMANDS)): string {
  return keys.map((k) => `${fit(`  ${COMMANDS[k].usage}`, 2)}\n${fit(`      ${COMMANDS[k].summary}`, 0)}`).join('\n');
}

function usage(): string {
  return `usage: pennygate <command> [options]\n\n${commandTable()}\n\n${COMMON}\n\`pennygate <command> --help\` shows a command's options.`;
}

/** This build's version (package.json) and the schema version it migrates its store to. */
function version(): string {
  // dist/src/cli.js when built, src/cli.ts when run from the sources.
  for (const up of ['../../package.json', '../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8'));
      if (pkg.name === 'pennygate') return `pennygate ${pkg.version} (store schema version ${LATEST_VERSION})`;
    } catch {
      // not this one
    }
  }
  return `pennygate (store schema version ${LATEST_VERSION})`;
}

/** Options every command takes. */
const GLOBAL_OPTIONS = new Set(['json', 'help', 'version', 'yes']);

/**
 * What a command takes, read off its usage line (and help): its options, and how many operands
 * (null: any number, `CIDR...`). An option's value in the usage (`--url URL`) is no operand.
 */
function commandShape(name: string, cmd: Pick<Command, 'usage' | 'help' | 'unlisted'>) {
  const rest = cmd.usage.slice(name.length);
  const options = new Set([...[...`${rest} ${cmd.help ?? ''}`.matchAll(/--([a-z][a-z-]*)/g)].map((m) => m[1]), ...(cmd.unlisted ?? [])]);
  const words = rest
    .replace(/--[a-z][a-z-]*(?: (?![-[|])[^\s\]]+)?/g, ' ')
    .split(/[\s[\]|]+/)
    .filter((w) => /^[A-Z][A-Z_]*(\.\.\.)?$/.test(w));
  return { options, operands: words.some((w) => w.endsWith('...')) ? null : words.length };
}

/**
 * An option the command does not take, or a word more than it takes, is refused rather than
 * ignored: `merchants create --name Acme Lending` would otherwise make a merchant "Acme".
 */
function checkShape(name: string, cmd: Command, operands: string[], values: Record<string, unknown>) {
  const shape = commandShape(name, cmd);
  const stray = Object.keys(values).find((k) => values[k] !== undefined && !GLOBAL_OPTIONS.has(k) && !shape.options.has(k));
  if (stray) throw new UsageError(`${name} takes no --${stray} (usage: pennygate ${cmd.usage})`);
  if (shape.operands !== null && operands.length > shape.operands) {
    throw new UsageError(
      `${name} takes ${shape.operands === 0 ? 'no word' : shape.operands === 1 ? 'one word' : `${shape.operands} words`} besides its options, not "${operands.slice(shape.operands).join(' ')}" ` +
        `(usage: pennygate ${cmd.usage}${/--[a-z-]+ [A-Z]/.test(cmd.usage) ? '; quote a value with spaces, as --name "Acme Lending"' : ''})`,
    );
  }
}

async function main(argv: string[]) {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      url: { type: 'string' },
      dialect: { type: 'string' },
      merchant: { type: 'string' },
      'forward-to': { type: 'string' },
      port: { type: 'string' },
      gateway: { type: 'string' },
      secret: { type: 'string' },
      'payee-vpa': { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      'rotate-secret': { type: 'boolean' },
      replace: { type: 'boolean' },
      mode: { type: 'string' },
      amount: { type: 'string' },
      reference: { type: 'string' },
      'daily-payouts': { type: 'string' },
      'reverse-penny-drop': { type: 'string' },
      'mobile-penny-drop': { type: 'string' },
      'upi-mobile': { type: 'string' },
      'name-match': { type: 'string' },
      state: { type: 'string' },
      note: { type: 'string' },
      limit: { type: 'string' },
      after: { type: 'string' },
      export: { type: 'boolean' },
      json: { type: 'boolean' },
      yes: { type: 'boolean', short: 'y' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'V' },
    },
  });
  json = Boolean(values.json);
  if (values.version) {
    process.stdout.write(version() + '\n');
    return;
  }
  if (positionals.length === 0) {
    process.stdout.write(usage() + '\n');
    if (!values.help) process.exitCode = 2;
    return;
  }
  const two = positionals.slice(0, 2).join(' ');
  const [name, rest] = COMMANDS[two] ? [two, positionals.slice(2)] : [positionals[0], positionals.slice(1)];
  const cmd = COMMANDS[name];
  if (!cmd) {
    const group = Object.keys(COMMANDS).filter((k) => k.startsWith(positionals[0] + ' '));
    // `pennygate merchants --help`: the group's commands, as the full list shows them.
    if (values.help && group.length && positionals.length === 1) {
      process.stdout.write(`usage: pennygate ${positionals[0]} <command> [options]\n\n${commandTable(group)}\n\n\`pennygate <command> --help\` shows a command's options.\n`);
      return;
    }
    const hint = group.length ? `; ${positionals[0]} takes: ${group.map((k) => k.split(' ')[1]).join(', ')}` : '';
    throw new UsageError(`unknown command "${positionals.join(' ')}"${hint} (pennygate --help lists them)`);
  }
  if (values.help) {
    process.stdout.write(`${fit(`usage: pennygate ${cmd.usage}`)}\n\n${fit(`  ${cmd.summary}`, 0)}\n${cmd.help ? fit(cmd.help) + '\n' : ''}\n${COMMON}\n`);
    return;
  }
  checkShape(name, cmd, rest, values);
  const args = { positionals: rest, values, cfg: undefined as unknown as Config };
  if (cmd.bare) return cmd.run(args, undefined as unknown as Services);
  const missing = missingStore(name);
  if (missing) throw new UsageError(`${name}: ${missing}`);
  args.cfg = loadConfig();
  const made = !process.env.DATABASE_URL && !existsSync(join(dataDirOf(), SQLITE_FILE));
  const s = await openServices(args.cfg, createLogger('warn', args.cfg.logFormat));
  try {
    await cmd.run(args, s);
  } finally {
    // Said, as a mistyped DATA_DIR would otherwise pass unseen (the command may have failed, and
    // the store stays): a gateway on another folder knows nothing of what this command wrote.
    if (made) process.stderr.write(`pennygate: no store was in ${dataDirOf()}: made a new one there (a gateway started with this DATA_DIR uses it)\n`);
    await s.db.close();
  }
}

// Output piped to a reader that has had enough (`| head`): stop quietly, as other tools do.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

main(process.argv.slice(2)).catch((err) => {
  // A path given on the command line that is not there is the caller's slip, said in words
  // rather than as the system call that met it ("ENOENT: no such file or directory, stat ...").
  const missing = err?.code === 'ENOENT' && typeof err.path === 'string' ? err.path : null;
  const known =
    missing !== null || err instanceof UsageError || err instanceof FileRefused || err instanceof WebhookAddressError || err instanceof TestEventError || (err as any)?.code?.startsWith?.('ERR_PARSE_ARGS');
  const message = missing !== null ? `no such file or folder: ${missing}` : String(err?.message ?? err);
  process.exitCode = known ? 2 : 1;
  // A script that asked for JSON reads its errors as JSON too (on stderr, as the exit code says).
  const asJson = process.argv.slice(2).includes('--json');
  process.stderr.write(asJson ? JSON.stringify({ error: message, usage: known }) + '\n' : `pennygate: ${message}\n`);
});
