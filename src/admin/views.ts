import type { Merchant } from '../engine/types.js';

/** A merchant as the operator sees it (never with secrets). */
export function merchantView(m: Merchant) {
  return {
    id: m.id,
    name: m.name,
    account_number: m.accountNumber,
    created_at: new Date(m.createdAt).toISOString(),
    webhook: m.settings.webhook ? { url: m.settings.webhook.url, dialect: m.settings.webhook.dialect } : null,
    name_match_bands: m.settings.nameMatchBands ?? null,
    rate_limit_per_minute: m.settings.rateLimitPerMinute ?? null,
  };
}
