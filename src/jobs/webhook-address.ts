// Webhook URLs are merchant input: refuse ones that would make the gateway call into its own
// network (loopback, private, link-local, metadata services), checked when the URL is set and
// again at every connection, after DNS resolution, so a rebinding name cannot slip through.
import { BlockList, isIP } from 'node:net';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';

const blocked = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15],
  ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) blocked.addSubnet(net, bits, 'ipv4');
// IPv6, including the forms that carry an IPv4 address (IPv4-compatible ::a.b.c.d, SIIT
// ::ffff:0:a.b.c.d, NAT64, 6to4, Teredo), which could reach an internal IPv4 host.
for (const [net, bits] of [
  ['::', 96], ['::ffff:0:0:0', 96], ['64:ff9b::', 96], ['64:ff9b:1::', 48], ['100::', 64], ['2001::', 32],
  ['2001:db8::', 32], ['2002::', 16], ['3fff::', 20], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
] as const) blocked.addSubnet(net, bits, 'ipv6');
// Only global unicast is routable on the internet: the rest of ::/8 and every other unassigned
// range stay refused whatever the list above leaves out (::ffff:0:0:7f00:1 is in none of it).
const globalUnicast = new BlockList();
globalUnicast.addSubnet('2000::', 3, 'ipv6');

/** True for an address a webhook may be sent to: globally routable unicast. */
export function isPublicAddress(ip: string): boolean {
  const family = isIP(ip);
  if (family === 4) return !blocked.check(ip, 'ipv4');
  if (family !== 6) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return isPublicAddress(mapped[1]);
  return globalUnicast.check(ip, 'ipv6') && !blocked.check(ip, 'ipv6');
}

// Addresses inside the operator's own network (or machine): the only ones plain http may go to
// without WEBHOOK_ALLOW_HTTP. Listed, not "whatever is not public": a form that carries a public
// IPv4 address (NAT64, 6to4, a mapped address written in hex) is neither, and must not pass.
const inside = new BlockList();
for (const [net, bits] of [['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.168.0.0', 16]] as const) {
  inside.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [['::1', 128], ['fc00::', 7], ['fe80::', 10]] as const) inside.addSubnet(net, bits, 'ipv6');

/** True for a loopback, private (RFC 1918, unique local), shared (CGNAT) or link-local address. */
export function isInsideNetwork(ip: string): boolean {
  const family = isIP(ip);
  if (family === 4) return inside.check(ip, 'ipv4');
  if (family !== 6) return false;
  // ::ffff:a.b.c.d, in either spelling (Node writes ::ffff:7f00:1 for ::ffff:127.0.0.1).
  const mapped = /^::ffff:(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/i.exec(ip);
  if (mapped) {
    const v4 = mapped[1] ?? [parseInt(mapped[2], 16) >> 8, parseInt(mapped[2], 16) & 255, parseInt(mapped[3], 16) >> 8, parseInt(mapped[3], 16) & 255].join('.');
    return inside.check(v4, 'ipv4');
  }
  return inside.check(ip, 'ipv6');
}

export class WebhookAddressError extends Error {}

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
  if (clear && open) throw new WebhookAddressError(
      `url must be https: events carry payers' account numbers and names, and ${host} is on the internet (${open}); plain http is refused unless the gateway runs with WEBHOOK_ALLOW_HTTP=true`,
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
