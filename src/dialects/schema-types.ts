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
