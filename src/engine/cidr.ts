// Address ranges (IPv4 and IPv6 CIDRs) for merchants' allowlists and TRUSTED_PROXIES, and the
// caller's address as a proxy chain reports it. node:net's BlockList does the matching.
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
