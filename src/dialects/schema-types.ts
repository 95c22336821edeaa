// Schema shapes the response serializer writes directly. A union (anyOf) of literals or of a
// type and null makes fast-json-stringify run a validator for the field on every answer; a
// type list and an enum say the same in JSON Schema (and OpenAPI 3.1) and cost a typeof.
import { Type, type Static, type TSchema } from '@sinclair/typebox';

/** `t` or null. */
export function OrNull<T extends TSchema>(t: T) {
  const plain = Object.fromEntries(Object.entries(t)); // without TypeBox's symbol keys
  return Type.Unsafe<Static<T> | null>({ ...plain, type: [t.type as string, 'null'] });
}

/** One of a few strings. */
export function OneOf<const V extends readonly string[]>(values: V) {
  return Type.Unsafe<V[number]>({ type: 'string', enum: [...values] });
}

/**
 * Text the gateway made from characters JSON never escapes (base64, a link of percent-encoded
 * values): the serializer writes it as is. A plain string is searched for characters to escape on
 * every answer, and a create's QR code and links are most of its body. /openapi.json shows a
 * plain string (web/openapi.ts drops the format).
 */
export const VERBATIM = 'unsafe';
export function Verbatim(options: { description?: string } = {}) {
  return Type.String({ ...options, format: VERBATIM });
}
