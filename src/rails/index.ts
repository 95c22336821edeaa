import type { Db } from '../store/db.js';
import type { Config } from '../config.js';
import type { Rail, Rails } from './rail.js';
import { SandboxBank } from './sandbox/bank.js';

/**
 * Test keys run on the sandbox; live keys on the configured bank connector. No connector ships
 * yet, so live mode is refused rather than silently simulated.
 */
export class RailRegistry implements Rails {
  readonly sandbox: SandboxBank;
  private live: Rail | null = null;

  constructor(db: Db, cfg: Config) {
    this.sandbox = new SandboxBank(db, cfg.sandbox);
  }

  forMode(mode: 'test' | 'live'): Rail {
    if (mode === 'test') return this.sandbox;
    if (!this.live) throw new Error('no live bank connector is configured');
    return this.live;
  }

  byName(name: string): Rail {
    if (name === this.sandbox.name) return this.sandbox;
    if (this.live && name === this.live.name) return this.live;
    throw new Error(`unknown rail ${name}`);
  }
}
