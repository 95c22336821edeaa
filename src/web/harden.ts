// Protections that apply to every route, installed on the root instance before any API.
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { limitConnections } from './limits.js';
import { securityHeaders } from './security.js';

export { serverOptions } from './limits.js';

export function harden(app: FastifyInstance, cfg: Config) {
  limitConnections(app, cfg.http);
  // Not for a gateway on this machine (https://localhost): a year's pin would hold every port of it.
  const publicUrl = new URL(cfg.publicUrl);
  const local = publicUrl.hostname === 'localhost' || publicUrl.hostname === '[::1]' || publicUrl.hostname.startsWith('127.');
  securityHeaders(app, { https: publicUrl.protocol === 'https:' && !local });
}
