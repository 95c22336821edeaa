import type { Config } from './config.js';
import type { Engine } from './engine/verifications.js';
import type { Merchants } from './engine/merchants.js';
import type { RailRegistry } from './rails/index.js';
import type { Principal } from './engine/types.js';
import type { Db } from './store/db.js';
import type { Webhooks } from './jobs/webhooks.js';
import type { Limiter } from './engine/rate-limit.js';
import type { Billing } from './engine/billing.js';
import type { MobileVerifications } from './engine/mobile.js';
import type { Retention } from './jobs/retention.js';
import type { BankIntake } from './rails/connector/intake.js';
import type { Reconciliation } from './engine/reconciliation.js';
import type { QrRenderer } from './engine/qr-pool.js';

/** What the HTTP layers (dialects, web, admin, sandbox) are given. */
export interface Services {
  cfg: Config;
  db: Db;
  engine: Engine;
  merchants: Merchants;
  rails: RailRegistry;
  webhooks: Webhooks;
  limiter: Limiter;
  billing: Billing;
  mobile: MobileVerifications;
  retention: Retention;
  /** The QR codes of intents, as base64 PNGs (on worker threads in the server). */
  qr: QrRenderer;
  /** Live mode only: the bank connector's notifications and pull, and reconciliation against it. */
  bank: BankIntake | null;
  reconciliation: Reconciliation | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    /** Set when `principal` came from a cached key not yet checked against the store (accessGate). */
    accessCheck?: { version: number; id: string; secret: string };
  }
  interface FastifyContextConfig {
    /** The handler reads through accessGate's `confirmed`, checking a cached key in its own read. */
    confirmsAccess?: boolean;
  }
}
