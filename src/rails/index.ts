import type { Db } from '../store/db.js';
import type { Config } from '../config.js';
import { NoLiveRail, UnknownRail, type Rail, type Rails } from './rail.js';
import { SandboxBank } from './sandbox/bank.js';
import { ConnectorRail } from './connector/rail.js';

/**
 * Test keys run on the sandbox; live keys on the configured bank connector (BANK_CONNECTOR_URL).
 * Without one, live mode is refused rather than silently simulated.
 */
export class RailRegistry implements Rails {
  readonly sandbox: SandboxBank;
  readonly live: ConnectorRail | null = null;

  constructor(db: Db, cfg: Config) {
    this.sandbox = new SandboxBank(db, cfg.sandbox);
    if (cfg.live) this.live = new ConnectorRail(cfg.live, cfg.railTimeoutMs);
  }

  forMode(mode: 'test' | 'live'): Rail {
    if (mode === 'test') return this.sandbox;
    if (!this.live) throw new NoLiveRail();
    return this.live;
  }

  has(name: string): boolean {
    return name === this.sandbox.name || (this.live !== null && name === this.live.name);
  }

  names(): string[] {
    return this.live ? [this.sandbox.name, this.live.name] : [this.sandbox.name];
  }

  byName(name: string): Rail {
    if (name === this.sandbox.name) return this.sandbox;
    if (this.live && name === this.live.name) return this.live;
    throw new UnknownRail(name);
  }
}
