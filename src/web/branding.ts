// How a merchant appears on the hosted page: a display name, an optional logo and an accent
// colour, set by the operator and kept in merchants.settings (JSON, no schema change). Every
// value reaches a customer's browser, so each is checked against a narrow shape here.
import type { Merchant, MerchantSettings } from '../engine/types.js';
import { BIDI_CONTROLS } from '../engine/merchants.js';
import { isIP } from 'node:net';
import { isLocalName, isPublicAddress } from '../engine/cidr.js';

export interface Branding {
  displayName?: string;
  /** An https URL, or a small data: image the gateway serves itself. */
  logoUrl?: string;
  /** #rrggbb, lower case. */
  accentColor?: string;
}

export type BrandedSettings = MerchantSettings & { branding?: Branding };

export const brandingOf = (m: Merchant): Branding => (m.settings as BrandedSettings).branding ?? {};

/**
 * The name the page shows: the display name if set, else the merchant's name, without the
 * bidirectional controls a name recorded before they were refused may hold.
 */
export const displayNameOf = (m: Merchant) => brandingOf(m).displayName ?? m.name.replace(BIDI_CONTROLS, '');

export const DISPLAY_NAME_MAX = 60;
export const LOGO_MAX_BYTES = 16 * 1024;
const LOGO_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'];

// Letters and marks of any script (Devanagari included), digits, spaces and the punctuation of
// business names. No bidi controls, no angle brackets, no quotes that could confuse a reader.
const NAME_SHAPE = /^[\p{L}\p{M}\p{N} &'.,()\-/+@!:]+$/u;

export function displayNameProblem(name: string): string | null {
  const t = name.trim();
  if (!t) return 'display_name must not be blank';
  if ([...t].length > DISPLAY_NAME_MAX) return `display_name must be at most ${DISPLAY_NAME_MAX} characters`;
  if (!NAME_SHAPE.test(t)) return "display_name may hold letters, digits, spaces and & ' . , ( ) - / + @ ! : only";
  if (/\s{2,}/.test(t)) return 'display_name must not hold runs of spaces';
  return null;
}

export function accentProblem(c: string): string | null {
  return /^#[0-9a-fA-F]{6}$/.test(c) ? null : 'accent_color must be a colour as #rrggbb';
}

/** A data: image split into its type and bytes, or null when it is not one we serve. */
export function parseDataImage(u: string): { type: string; bytes: Buffer } | null {
  const m = /^data:(image\/[a-z]+);base64,([A-Za-z0-9+/]+={0,2})$/.exec(u);
  if (!m || !LOGO_TYPES.includes(m[1])) return null;
  const bytes = Buffer.from(m[2], 'base64');
  return { type: m[1], bytes };
}

/** Whether the bytes start the way their declared image type does (a renamed file is refused). */
function magicMatches(type: string, b: Buffer): boolean {
  const starts = (...sig: number[]) => sig.every((x, i) => b[i] === x);
  switch (type) {
    case 'image/png':
      return starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
    case 'image/jpeg':
      return starts(0xff, 0xd8, 0xff);
    case 'image/gif':
      return starts(0x47, 0x49, 0x46, 0x38);
    case 'image/webp':
      return starts(0x52, 0x49, 0x46, 0x46) && b.subarray(8, 12).toString('latin1') === 'WEBP';
  }
  return false;
}

// A host source of a content security policy: letters, digits, hyphens and dots only. The URL
// parser lets through hosts such as "cdn.example;script-src", "a,b" or "*", which the page's
// policy would read as another directive, another policy or any host at all.
const HOST_SOURCE = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/;

/** The origin of an https logo, for the page's img-src; null when it cannot be written there as a host source. */
export function logoOrigin(u: string): string | null {
  let url: URL;
  try {
    url = new URL(u);
  } catch {
    return null;
  }
  return url.protocol === 'https:' && HOST_SOURCE.test(url.hostname) ? url.origin : null;
}

export function logoProblem(u: string): string | null {
  if (u.startsWith('data:')) {
    const img = parseDataImage(u);
    if (!img) return `logo_url as data: must be base64 ${LOGO_TYPES.join(', ')}`;
    if (img.bytes.length > LOGO_MAX_BYTES) return `logo_url as data: must be at most ${LOGO_MAX_BYTES / 1024} KB`;
    if (!magicMatches(img.type, img.bytes)) return `logo_url data is not a ${img.type} image`;
    return null;
  }
  if (u.length > 2048) return 'logo_url must be at most 2048 characters';
  let url: URL;
  try {
    url = new URL(u);
  } catch {
    return 'logo_url must be an https URL or a data: image';
  }
  if (url.protocol !== 'https:') return 'logo_url must be an https URL or a data: image';
  if (url.username || url.password) return 'logo_url must not carry credentials';
  if (!logoOrigin(url.href)) return 'logo_url must name its host by a domain name or an IPv4 address';
  // Every customer's browser fetches it: not from the customer's own machine or network.
  const host = url.hostname;
  // A name of one label, or of a suffix kept for local networks, names a host of the customer's own.
  if ((isIP(host) && !isPublicAddress(host)) || isLocalName(host)) {
    return 'logo_url must be on the internet, not a loopback, private or link-local address';
  }
  if (/["'\s<>\\]/.test(u)) return 'logo_url must not contain quotes, spaces or angle brackets';
  return null;
}

/** The colour text must have on the accent to be readable (WCAG contrast of white against it). */
export function textOn(hex: string): '#ffffff' | '#111111' {
  const ch = (i: number) => {
    const v = parseInt(hex.slice(i, i + 2), 16) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  const lum = 0.2126 * ch(1) + 0.7152 * ch(3) + 0.0722 * ch(5);
  return 1.05 / (lum + 0.05) >= 4.5 ? '#ffffff' : '#111111';
}

/** The accent as a link colour on white: the accent itself when readable, else a dark default. */
export function linkOn(hex: string): string {
  return textOn(hex) === '#ffffff' ? hex : '#1d4ed8';
}

export function brandingView(b: Branding) {
  return { display_name: b.displayName ?? null, logo_url: b.logoUrl ?? null, accent_color: b.accentColor ?? null };
}

export interface BrandingChange {
  display_name?: string | null;
  logo_url?: string | null;
  accent_color?: string | null;
}

/** Why a change cannot be made, or null. */
export function brandingChangeProblem(b: BrandingChange): string | null {
  return (
    (typeof b.display_name === 'string' ? displayNameProblem(b.display_name) : null) ??
    (typeof b.logo_url === 'string' ? logoProblem(b.logo_url) : null) ??
    (typeof b.accent_color === 'string' ? accentProblem(b.accent_color) : null)
  );
}

/** The settings with a (checked) change applied: null clears a field, an absent one is kept. */
export function applyBranding(st: MerchantSettings, b: BrandingChange): MerchantSettings {
  const next: Branding = { ...(st as BrandedSettings).branding };
  const set = <K extends keyof Branding>(k: K, v: string | null | undefined, norm: (x: string) => string) => {
    if (v === null) delete next[k];
    else if (v !== undefined) next[k] = norm(v);
  };
  set('displayName', b.display_name, (x) => x.trim());
  set('logoUrl', b.logo_url, (x) => x);
  set('accentColor', b.accent_color, (x) => x.toLowerCase());
  const { branding: _old, ...rest } = st as BrandedSettings;
  return Object.keys(next).length ? ({ ...rest, branding: next } as BrandedSettings) : rest;
}
