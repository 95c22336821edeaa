// Address ranges (IPv4 and IPv6 CIDRs) for merchants' allowlists and TRUSTED_PROXIES, the
// caller's address as a proxy chain reports it, and which addresses are on the internet or inside
// a network (webhook receivers, logo hosts). node:net's BlockList does the matching.
import { BlockList, isIP } from 'node:net';

export interface Cidr {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** An IPv4-mapped IPv6 address (::ffff:1.2.3.4, as a dual-stack socket reports IPv4) read as IPv4. */
export function normalizeAddress(a: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  return m ? m[1] : a;
}

/** "203.0.113.7/32", "2001:db8::/32" or a bare address; null when it is neither. */
export function parseCidr(text: string): Cidr | null {
  if (typeof text !== 'string' || text.length > 64) return null;
  const [addr, bits, more] = text.trim().split('/');
  if (more !== undefined) return null;
  const address = normalizeAddress(addr);
  const v = isIP(address);
  if (!v) return null;
  const max = v === 4 ? 32 : 128;
  if (bits !== undefined && !/^\d{1,3}$/.test(bits)) return null;
  const prefix = bits === undefined ? max : Number(bits);
  if (prefix > max) return null;
  return { address, prefix, family: v === 4 ? 'ipv4' : 'ipv6' };
}

/** A matcher for a list of CIDRs (already checked with parseCidr). */
export function cidrMatcher(cidrs: string[]): (address: string) => boolean {
  const list = new BlockList();
  for (const c of cidrs) {
    const p = parseCidr(c);
    if (p) list.addSubnet(p.address, p.prefix, p.family);
  }
  return (address) => {
    const a = normalizeAddress(address);
    const v = isIP(a);
    return v !== 0 && list.check(a, v === 4 ? 'ipv4' : 'ipv6');
  };
}

/**
 * The caller's address. X-Forwarded-For counts only when the direct peer is a trusted proxy;
 * then the chain is read from the right, skipping trusted proxies, and the first other address
 * is the caller (entries further left were written by the caller itself and prove nothing).
 */
export function clientAddress(peer: string, forwardedFor: string | string[] | undefined, trusted: (a: string) => boolean): string {
  let addr = normalizeAddress(peer);
  if (!forwardedFor || !trusted(addr)) return addr;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor).split(',').map((h) => h.trim());
  for (let i = hops.length - 1; i >= 0 && i >= hops.length - 32; i--) {
    const hop = normalizeAddress(hops[i]);
    if (!isIP(hop)) return addr; // a malformed hop: trust nothing beyond the last good one
    addr = hop;
    if (!trusted(hop)) return hop;
  }
  return addr;
}

/** The key an address is counted under: IPv6 callers own a /64, so they are counted by it. */
export function addressBucket(address: string): string {
  if (isIP(address) !== 6) return address;
  // Expand to 8 groups and keep the first 4.
  const [head, tail = ''] = address.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return `${groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

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

/**
 * A host name for a machine of the operator's own network or of this machine: one label (a
 * compose service, `localhost`), or a suffix kept for local use (.local, .internal, .lan,
 * .home.arpa, .localhost). Whatever it resolves to.
 */
export function isLocalName(host: string): boolean {
  if (host === '' || isIP(host)) return false;
  // One label: looked up in the local search domains. Written absolute ("ai.") it is a
  // top-level name on the internet; localhost. and the local suffixes stay local.
  return !host.includes('.') || /(^|\.)(localhost|local|internal|lan|home\.arpa)\.?$/i.test(host);
}
