// Protections that apply to every route, installed on the root instance before any API.
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { limitConnections } from './limits.js';
import { securityHeaders } from './security.js';

export { serverOptions } from './limits.js';

export function harden(app: FastifyInstance, cfg: Config) {
  limitConnections(app, cfg.http);
  securityHeaders(app, { https: cfg.publicUrl.startsWith('https://') });
}
