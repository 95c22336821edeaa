/**
 * The finished mask-0 QR symbol of a text in one byte-mode segment at error correction level M,
 * built directly: the same modules as `QRCode.create([{ data: text, mode: 'byte' }],
 * { errorCorrectionLevel: 'M', maskPattern: 0 })` (test/qr.test.ts checks it bit for bit over
 * every version), in about a tenth of the time.
 *
 * Why: the QR code is drawn on every create, and `qrcode`'s generic path (segment optimisation by
 * shortest path, polynomial objects for Reed-Solomon, a BitMatrix per call) was the largest
 * single cost of a create. A UPI link is one byte segment anyway (it is mostly lower case), so
 * the only work per call is the codewords and placing their bits; everything that depends on
 * the version alone (function patterns, format and version bits, the order of data modules) is
 * taken once from `qrcode` itself and kept.
 */
import { createRequire } from 'node:module';
import QRCode from 'qrcode';

const qrRequire = createRequire(import.meta.url);
const ECCode = qrRequire('qrcode/lib/core/error-correction-code.js') as {
  getBlocksCount(version: number, level: { bit: number }): number;
  getTotalCodewordsCount(version: number, level: { bit: number }): number;
};
const Utils = qrRequire('qrcode/lib/core/utils.js') as { getSymbolTotalCodewords(version: number): number };
// qrcode's tables compare the level object by identity.
const EC_LEVEL_M = (qrRequire('qrcode/lib/core/error-correction-level.js') as { M: { bit: number } }).M;

// GF(256) with the QR polynomial x^8 + x^4 + x^3 + x^2 + 1.
const EXP = new Uint8Array(512);
const LOG = new Uint8Array(256);
{
  let x = 1;
  for (let i = 0; i < 255; i++) {
    EXP[i] = x;
    LOG[x] = i;
    x <<= 1;
    if (x & 0x100) x ^= 0x11d;
  }
  for (let i = 255; i < 512; i++) EXP[i] = EXP[i - 255];
}

/** Generator polynomial of degree `ecCount` as logs of its coefficients (leading 1 dropped). */
const generators = new Map<number, Uint8Array>();
function generatorLogs(ecCount: number): Uint8Array {
  let g = generators.get(ecCount);
  if (g) return g;
  // prod (x - a^i), i = 0..ecCount-1, highest coefficient first.
  let poly = new Uint8Array([1]);
  for (let i = 0; i < ecCount; i++) {
    const next = new Uint8Array(poly.length + 1);
    for (let j = 0; j < poly.length; j++) {
      next[j] ^= poly[j];
      if (poly[j] !== 0) next[j + 1] ^= EXP[LOG[poly[j]] + i];
    }
    poly = next;
  }
  g = new Uint8Array(ecCount);
  for (let j = 0; j < ecCount; j++) g[j] = LOG[poly[j + 1]]; // coefficients are never 0
  generators.set(ecCount, g);
  return g;
}

/** Reed-Solomon remainder of `data[from, from + len)` into `out[at, at + ecCount)`. */
function reedSolomon(data: Uint8Array, from: number, len: number, g: Uint8Array, out: Uint8Array, at: number): void {
  const ec = g.length;
  out.fill(0, at, at + ec);
  for (let i = 0; i < len; i++) {
    const factor = data[from + i] ^ out[at];
    out.copyWithin(at, at + 1, at + ec);
    out[at + ec - 1] = 0;
    if (factor !== 0) {
      const lf = LOG[factor];
      for (let j = 0; j < ec; j++) out[at + j] ^= EXP[lf + g[j]];
    }
  }
}

interface Layout {
  version: number;
  size: number;
  dataCodewords: number;
  totalCodewords: number;
  blocks: number;
  group1: number;
  dataInGroup1: number;
  ecCount: number;
  /** Finished function patterns with format (M, mask 0) and version bits; 0 elsewhere. */
  template: Uint8Array;
  reserved: Uint8Array;
  /** Module index of each data bit, in placement order. */
  order: Uint16Array;
  /** Mask 0 at each position of `order`. */
  mask0: Uint8Array;
}

const layouts = new Map<number, Layout>();

function layout(version: number): Layout {
  let l = layouts.get(version);
  if (l) return l;
  // Any text that fits: the reserved modules are the same for every symbol of this version.
  const ref = QRCode.create([{ data: '', mode: 'byte' }] as never, { version, errorCorrectionLevel: 'M', maskPattern: 0 }).modules;
  const size = ref.size;
  const reserved = Uint8Array.from(ref.reservedBit);
  const template = new Uint8Array(size * size);
  for (let k = 0; k < template.length; k++) if (reserved[k]) template[k] = ref.data[k];
  // The standard's two-column zigzag from the bottom right, skipping the vertical timing pattern.
  const order: number[] = [];
  let inc = -1;
  let row = size - 1;
  for (let col = size - 1; col > 0; col -= 2) {
    if (col === 6) col--;
    for (;;) {
      for (let c = 0; c < 2; c++) if (!reserved[row * size + col - c]) order.push(row * size + col - c);
      row += inc;
      if (row < 0 || row >= size) {
        row -= inc;
        inc = -inc;
        break;
      }
    }
  }
  const totalCodewords = Utils.getSymbolTotalCodewords(version);
  const dataCodewords = totalCodewords - ECCode.getTotalCodewordsCount(version, EC_LEVEL_M);
  const blocks = ECCode.getBlocksCount(version, EC_LEVEL_M);
  const dataInGroup1 = Math.floor(dataCodewords / blocks);
  l = {
    version,
    size,
    dataCodewords,
    totalCodewords,
    blocks,
    group1: blocks - (totalCodewords % blocks),
    dataInGroup1,
    ecCount: Math.floor(totalCodewords / blocks) - dataInGroup1,
    template,
    reserved,
    order: Uint16Array.from(order),
    mask0: Uint8Array.from(order, (k) => ((Math.floor(k / size) + (k % size)) % 2 === 0 ? 1 : 0)),
  };
  layouts.set(version, l);
  return l;
}

/** Data codewords of each version at level M, for choosing the smallest that fits. */
const capacityBits: number[] = [0];
for (let v = 1; v <= 40; v++) {
  capacityBits.push((Utils.getSymbolTotalCodewords(v) - ECCode.getTotalCodewordsCount(v, EC_LEVEL_M)) * 8);
}

const encoder = new TextEncoder();

export interface QrSymbol {
  size: number;
  /** Row-major modules, 1 = dark, finished with mask 0 (a fresh array owned by the caller). */
  data: Uint8Array;
  /** 1 where a module belongs to a function pattern or format/version information. */
  reserved: Uint8Array;
}

export function byteModeSymbol(text: string): QrSymbol {
  const bytes = encoder.encode(text);
  let version = 1;
  // Mode (4 bits) + count (8 bits up to version 9, 16 after) + the bytes.
  while (version <= 40 && 4 + (version < 10 ? 8 : 16) + 8 * bytes.length > capacityBits[version]) version++;
  if (version > 40) throw new RangeError(`QR: ${bytes.length} bytes do not fit in a version 40 symbol at level M`);
  const l = layout(version);

  // The data codewords: mode 0100, count, bytes, terminator, zero bits to a byte, pad codewords.
  const codewords = new Uint8Array(l.dataCodewords);
  const countBits = version < 10 ? 8 : 16;
  let acc = (0b0100 << countBits) | bytes.length; // at most 20 bits
  let accBits = 4 + countBits;
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    acc = ((acc << 8) | bytes[i]) & 0xfffffff;
    accBits += 8;
    while (accBits >= 8) {
      accBits -= 8;
      codewords[n++] = (acc >>> accBits) & 0xff;
    }
  }
  const usedBits = n * 8 + accBits;
  const terminator = usedBits + 4 <= l.dataCodewords * 8 ? 4 : 0;
  acc <<= terminator;
  accBits += terminator;
  while (accBits >= 8) {
    accBits -= 8;
    codewords[n++] = (acc >>> accBits) & 0xff;
  }
  if (accBits > 0) codewords[n++] = (acc << (8 - accBits)) & 0xff;
  for (let pad = 0; n < l.dataCodewords; pad++) codewords[n++] = pad % 2 ? 0x11 : 0xec;

  // Blocks, their error correction, interleaved.
  const g = generatorLogs(l.ecCount);
  const ec = new Uint8Array(l.blocks * l.ecCount);
  const all = new Uint8Array(l.totalCodewords);
  let offset = 0;
  let k = 0;
  const maxData = l.dataInGroup1 + (l.group1 < l.blocks ? 1 : 0);
  const starts = new Int32Array(l.blocks);
  for (let b = 0; b < l.blocks; b++) {
    const len = b < l.group1 ? l.dataInGroup1 : l.dataInGroup1 + 1;
    starts[b] = offset;
    reedSolomon(codewords, offset, len, g, ec, b * l.ecCount);
    offset += len;
  }
  for (let i = 0; i < maxData; i++) {
    for (let b = 0; b < l.blocks; b++) {
      if (i < (b < l.group1 ? l.dataInGroup1 : l.dataInGroup1 + 1)) all[k++] = codewords[starts[b] + i];
    }
  }
  for (let i = 0; i < l.ecCount; i++) for (let b = 0; b < l.blocks; b++) all[k++] = ec[b * l.ecCount + i];

  // Place the bits (remainder bits are light), mask 0 applied.
  const data = l.template.slice();
  const { order, mask0 } = l;
  const bits = all.length * 8;
  for (let i = 0; i < order.length; i++) {
    const bit = i < bits ? (all[i >> 3] >> (7 - (i & 7))) & 1 : 0;
    data[order[i]] = bit ^ mask0[i];
  }
  return { size: l.size, data, reserved: l.reserved };
}
