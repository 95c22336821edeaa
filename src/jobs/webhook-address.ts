// Webhook URLs are merchant input: refuse ones that would make the gateway call into its own
// network (loopback, private, link-local, metadata services), checked when the URL is set and
// again at every connection, after DNS resolution, so a rebinding name cannot slip through.
import { isIP } from 'node:net';
import { isInsideNetwork, isPublicAddress } from '../engine/cidr.js';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';

export class WebhookAddressError extends Error {}
/** The https rule's refusal: plain http to a host on the internet. */
export class PlainHttpRefused extends WebhookAddressError {
  constructor(message: string, readonly host: string) {
    super(message);
  }
}

/**
 * Checks a webhook URL's form and where its host resolves. Events carry payers' account numbers
 * and names, so they go over https; plain http only to a receiver inside the operator's own
 * network (allowed private addresses, every one the host resolves to), or anywhere with `allowHttp`.
 */
export async function checkWebhookUrl(raw: string, allowPrivate: boolean, allowHttp = false): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebhookAddressError('url is not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new WebhookAddressError('url must be http or https');
  if (url.username || url.password) throw new WebhookAddressError('url must not carry credentials');
  const clear = url.protocol === 'http:' && !allowHttp;
  if (allowPrivate && !clear) return url;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = isIP(host)
      ? [host]
      : await new Promise<string[]>((resolve, reject) =>
          dnsLookup(host, { all: true }, (err, list) =>
            err ? reject(new WebhookAddressError(`url host ${host} does not resolve`)) : resolve(list.map((a) => a.address)),
          ),
        );
  } catch (err) {
    // A receiver's name that only the gateway's own network resolves (a compose service, set from
    // the host's CLI): taken, as before the https rule; every connection is held to it anyway.
    if (allowPrivate) return url;
    throw err;
  }
  const bad = addresses.find((a) => !isPublicAddress(a));
  if (bad && !allowPrivate) throw new WebhookAddressError(
      `url resolves to ${bad}, a loopback, private or link-local address: refused unless the gateway runs with WEBHOOK_ALLOW_PRIVATE=true (for a receiver on this machine or network)`,
    );
  const open = addresses.find((a) => !isInsideNetwork(a));
  if (clear && open) throw new PlainHttpRefused(
      `url must be https: events carry payers' account numbers and names, and ${host} is on the internet (${open}); plain http is refused unless the gateway runs with WEBHOOK_ALLOW_HTTP=true`,
      url.host,
    );
  return url;
}

/** Whether a delivery may connect to `ip`: the rules of checkWebhookUrl, at connection time. */
export function deliverableTo(ip: string, o: { allowPrivate: boolean; clear: boolean }): string | null {
  if (!o.allowPrivate && !isPublicAddress(ip)) return 'a non-public address (allowed with WEBHOOK_ALLOW_PRIVATE=true)';
  if (o.clear && !isInsideNetwork(ip)) return 'an address outside the network, over plain http (https, or WEBHOOK_ALLOW_HTTP=true)';
  return null;
}

/**
 * A `lookup` for http.request that refuses, at connection time, what checkWebhookUrl refuses:
 * non-public addresses, and for plain http (`clear`) any address outside the network, so a name
 * that resolves elsewhere after the URL was set (rebinding, split DNS) gains nothing.
 */
export function guardedLookup(allowPrivate: boolean, clear = false) {
  return (hostname: string, options: any, callback: (err: Error | null, address: string | LookupAddress[], family?: number) => void) => {
    dnsLookup(hostname, { ...options, all: true }, (err, list: LookupAddress[]) => {
      if (err) return callback(err, '');
      const ok = list.filter((a) => deliverableTo(a.address, { allowPrivate, clear }) === null);
      if (ok.length === 0) {
        const why = deliverableTo(list[0]?.address ?? '', { allowPrivate, clear });
        return callback(new WebhookAddressError(`${hostname} resolves only to ${why ?? 'no address'}`), '');
      }
      if (options?.all) return callback(null, ok);
      callback(null, ok[0].address, ok[0].family);
    });
  };
}
