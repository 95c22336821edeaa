/**
 * QR code PNG rendering for UPI intent links.
 *
 * Why hand-written: the `qrcode` package needs ~6 ms per call to produce a PNG through its own
 * renderer, and ~0.6 ms for the module matrix alone (`QRCode.create`), most of it choosing the
 * mask and finding the best segmentation. Creating a verification draws one, so the symbol is
 * built here (qr-symbol.ts: one byte-mode segment, level M, mask 0), the standard best-mask
 * choice is redone on bit-packed rows (see `qrMatrix`) and the PNG is written directly
 * (bench/qr.ts). `qrcode` still supplies the tables and is the reference the tests compare with.
 *
 * The output matches the provider's reference sample: size x size (256x256 by
 * default), IHDR bit depth 1, colour type 3 (palette), PLTE [white, black].
 * At one bit per pixel a 256px image is only 256 * 33 = 8448 bytes of raw
 * scanlines, mostly zeros, so building and deflating it costs microseconds.
 */
import { createRequire } from 'node:module';
import * as zlib from 'node:zlib';
import { byteModeSymbol } from './qr-symbol.js';

export interface QrPngOptions {
  /** Width and height of the image in pixels. Default 256. */
  size?: number;
  /** Quiet zone around the symbol, in modules. Default 4 (the spec minimum). */
  margin?: number;
}

const DEFAULT_SIZE = 256;
const DEFAULT_MARGIN = 4;

// deflateSync settings, measured on the raw scanlines of a ~116-byte UPI link
// (8448 bytes; see bench/qr.ts): level 1 ~17 us -> 728 B, level 6 ~38 us ->
// 584 B, level 9 ~190 us -> 585 B. Saving ~144 bytes (~190 base64 chars) is not worth
// 2-10x the time, so the fastest level. zlib's default 32 KiB window and memLevel 8
// set up (and clear) far more memory per call than 8 KiB of scanlines need. A 4 KiB
// window still reaches far past the 132 bytes between two module rows' first lines at
// the default size, and with memLevel 7 gives the same size 10-15% faster (14.1 against
// 16.5 us, interleaved). A larger image only compresses less.
export const DEFLATE_OPTIONS: zlib.ZlibOptions = { level: 1, windowBits: 12, memLevel: 7 };
/** PNG scanline filter 2: each byte is the difference from the byte above it. */
const FILTER_UP = 2;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const TYPE_IHDR = Buffer.from('IHDR', 'latin1');
const TYPE_PLTE = Buffer.from('PLTE', 'latin1');
const TYPE_IDAT = Buffer.from('IDAT', 'latin1');
// IEND has no data, so the whole chunk (length 0, type, CRC) is a constant.
const IEND_CHUNK = Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);
// Palette index 0 = white (background, so a zero-filled buffer is blank), 1 = black.
const PALETTE = Buffer.from([0xff, 0xff, 0xff, 0x00, 0x00, 0x00]);

// ---------------------------------------------------------------------------
// CRC32 (PNG chunk checksum). zlib.crc32 only exists from Node 20.15 / 22.2;
// on older 20.x fall back to the classic table-driven implementation.
// ---------------------------------------------------------------------------

type Crc32 = (data: Uint8Array, value?: number) => number;

function makeTableCrc32(): Crc32 {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return (data, value = 0) => {
    let c = (value ^ 0xffffffff) >>> 0;
    for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
}

const nativeCrc32 = (zlib as { crc32?: Crc32 }).crc32;
const crc32: Crc32 = typeof nativeCrc32 === 'function' ? nativeCrc32 : makeTableCrc32();

/** Test hook: the fallback implementation, so it can be checked against zlib's. */
export const tableCrc32ForTests: Crc32 = makeTableCrc32();

function writeChunk(out: Buffer, offset: number, type: Buffer, data: Uint8Array): number {
  out.writeUInt32BE(data.length, offset);
  type.copy(out, offset + 4);
  out.set(data, offset + 8);
  const crc = crc32(data, crc32(type));
  out.writeUInt32BE(crc, offset + 8 + data.length);
  return offset + 12 + data.length;
}

// Signature + IHDR + PLTE depend only on the image size: build once per size.
const headerCache = new Map<number, Buffer>();

function pngHeader(size: number): Buffer {
  let header = headerCache.get(size);
  if (header) return header;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0); // width
  ihdr.writeUInt32BE(size, 4); // height
  ihdr[8] = 1; // bit depth
  ihdr[9] = 3; // colour type: palette
  ihdr[10] = 0; // compression: deflate
  ihdr[11] = 0; // filter method 0
  ihdr[12] = 0; // no interlace
  header = Buffer.alloc(8 + 12 + 13 + 12 + PALETTE.length);
  PNG_SIGNATURE.copy(header, 0);
  let off = writeChunk(header, 8, TYPE_IHDR, ihdr);
  off = writeChunk(header, off, TYPE_PLTE, PALETTE);
  headerCache.set(size, header);
  return header;
}

/** Set pixels [x0, x1) to 1 (black) in the packed scanline whose pixel bytes start at `base`. */
function setBits(raw: Buffer, base: number, x0: number, x1: number): void {
  const b0 = x0 >> 3;
  const b1 = (x1 - 1) >> 3;
  const leftMask = 0xff >> (x0 & 7);
  const rightMask = (0xff00 >> (((x1 - 1) & 7) + 1)) & 0xff;
  if (b0 === b1) {
    raw[base + b0] |= leftMask & rightMask;
    return;
  }
  raw[base + b0] |= leftMask;
  for (let b = b0 + 1; b < b1; b++) raw[base + b] = 0xff;
  raw[base + b1] |= rightMask;
}

// ---------------------------------------------------------------------------
// Module matrix with fast best-mask selection.
//
// QRCode.create() spends most of its time choosing the data mask: it applies
// each of the 8 masks and scores the symbol with generic per-module code.
// This render is on the request path of every verification create, so the
// symbol is built once with mask 0 and the mask is selected here: same 8
// candidates, same penalty rules N1-N4 (ISO/IEC 18004 section 7.8.3, scored
// exactly as qrcode scores them, including its readings of N3 and N4), same
// choice (lowest total, ties to the lower mask index). The result is
// bit-for-bit what qrcode returns for the same byte-mode segment;
// test/qr.test.ts checks that on hundreds of links, and each penalty term
// against qrcode's own getPenaltyN1..N4.
//
// Speed comes from scoring 32 modules per operation: rows and columns are
// packed into 32-bit words (bit b of word w = module 32w + b), and runs,
// finder-like windows and 2x2 blocks become shifts, ANDs and popcounts.
// ---------------------------------------------------------------------------

const qrRequire = createRequire(import.meta.url);
// Format information (15-bit BCH code of EC level + mask) from qrcode itself,
// so the bits written are exactly the ones it writes.
const FormatInfo = qrRequire('qrcode/lib/core/format-info.js') as {
  getEncodedBits(level: { bit: number }, mask: number): number;
};
const EC_LEVEL_M = { bit: 0 }; // as in qrcode/lib/core/error-correction-level.js

const MASK_COUNT = 8;

/** Data mask condition for row i, column j (the standard's formulas, as in qrcode). */
function maskAt(mask: number, i: number, j: number): boolean {
  switch (mask) {
    case 0: return (i + j) % 2 === 0;
    case 1: return i % 2 === 0;
    case 2: return j % 3 === 0;
    case 3: return (i + j) % 3 === 0;
    case 4: return (Math.floor(i / 2) + Math.floor(j / 3)) % 2 === 0;
    case 5: return ((i * j) % 2) + ((i * j) % 3) === 0;
    case 6: return (((i * j) % 2) + ((i * j) % 3)) % 2 === 0;
    default: return (((i * j) % 3) + ((i + j) % 2)) % 2 === 0;
  }
}

/**
 * Cell indices of format-information bits 0..14, placed as qrcode's
 * setupFormatInfo places them: one copy along column 8, one along row 8.
 */
function formatCells(n: number): Array<[vertical: number, horizontal: number]> {
  const cells: Array<[number, number]> = [];
  for (let i = 0; i < 15; i++) {
    const row = i < 6 ? i : i < 8 ? i + 1 : n - 15 + i;
    const col = i < 8 ? n - i - 1 : i < 9 ? 15 - i : 14 - i;
    cells.push([row * n + 8, 8 * n + col]);
  }
  return cells;
}

function popcnt(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Words of bits [0, count) set, for the `words` words of a line. */
function validStarts(words: number, count: number): Int32Array {
  const v = new Int32Array(words);
  for (let w = 0; w < words; w++) {
    const k = count - 32 * w;
    v[w] = k >= 32 ? -1 : k > 0 ? (1 << k) - 1 : 0;
  }
  return v;
}

/** Everything that depends only on the symbol size, built once per size. */
interface Workspace {
  n: number;
  /** Words per packed row/column. */
  words: number;
  /** Valid start positions of 2-, 5- and 11-module windows in a line. */
  valid2: Int32Array;
  valid5: Int32Array;
  valid11: Int32Array;
  /**
   * Per mask p: the XOR turning the finished mask-0 symbol into the finished
   * mask-p symbol (mask0 ^ maskP on data cells, format(M,0) ^ format(M,p) on
   * the format cells, 0 elsewhere), unpacked and packed by rows and columns.
   * Only valid for the reserved-cell layout of this size (one size per version).
   */
  delta: Uint8Array[];
  /** `delta` viewed as 32-bit words (its length is padded to a multiple of 4). */
  delta32: Uint32Array[];
  deltaRows: Int32Array[];
  deltaCols: Int32Array[];
  /** Scratch: packed mask-0 symbol and the current candidate. */
  rows: Int32Array;
  cols: Int32Array;
  candRows: Int32Array;
  candCols: Int32Array;
}

const workspaces = new Map<number, Workspace>();

function newWorkspace(n: number): Workspace {
  const words = (n + 31) >> 5;
  const len = n * words;
  return {
    n,
    words,
    valid2: validStarts(words, n - 1),
    valid5: validStarts(words, n - 4),
    valid11: validStarts(words, n - 10),
    delta: [],
    delta32: [],
    deltaRows: [],
    deltaCols: [],
    rows: new Int32Array(len),
    cols: new Int32Array(len),
    candRows: new Int32Array(len),
    candCols: new Int32Array(len),
  };
}

function workspaceFor(n: number, reserved: Uint8Array): Workspace {
  let ws = workspaces.get(n);
  if (ws) return ws;
  ws = newWorkspace(n);
  const format0 = FormatInfo.getEncodedBits(EC_LEVEL_M, 0);
  const cells = formatCells(n);
  for (let p = 0; p < MASK_COUNT; p++) {
    const d = new Uint8Array((n * n + 3) & ~3);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const k = i * n + j;
        if (!reserved[k] && maskAt(0, i, j) !== maskAt(p, i, j)) d[k] = 1;
      }
    }
    const diff = format0 ^ FormatInfo.getEncodedBits(EC_LEVEL_M, p);
    for (let bit = 0; bit < 15; bit++) {
      d[cells[bit][0]] = d[cells[bit][1]] = (diff >> bit) & 1;
    }
    const dRows = new Int32Array(n * ws.words);
    const dCols = new Int32Array(n * ws.words);
    pack(d, n, ws.words, dRows, dCols);
    ws.delta.push(d);
    ws.delta32.push(new Uint32Array(d.buffer));
    ws.deltaRows.push(dRows);
    ws.deltaCols.push(dCols);
  }
  workspaces.set(n, ws);
  return ws;
}

/** Pack an n x n 0/1 matrix into row words and column (transposed) words. */
function pack(m: Uint8Array, n: number, words: number, rows: Int32Array, cols: Int32Array): void {
  // Two sequential-accumulator passes (no read-modify-write of the arrays).
  for (let r = 0; r < n; r++) {
    const base = r * n;
    for (let w = 0; w < words; w++) {
      const start = w << 5;
      const end = Math.min(start + 32, n);
      let acc = 0;
      for (let c = start; c < end; c++) acc |= m[base + c] << (c - start);
      rows[r * words + w] = acc;
    }
  }
  for (let c = 0; c < n; c++) {
    for (let w = 0; w < words; w++) {
      const start = w << 5;
      const end = Math.min(start + 32, n);
      let acc = 0;
      for (let r = start; r < end; r++) acc |= m[r * n + c] << (r - start);
      cols[c * words + w] = acc;
    }
  }
}

/** Penalty terms of the last `packedPenalty` call: [N1, N2, N3, N4]. */
const terms = new Int32Array(4);

/**
 * N1 and N3 points of `n` packed lines (rows, or columns when transposed),
 * added to terms[0] and terms[2].
 *   N1: a run of L >= 5 same-colour modules scores 3 + (L - 5) = L - 2, that
 *       is one per 5-module all-equal window (L - 4 of them) plus 2 per run.
 *   N3: 40 per 11-module window 1011101 0000 or 0000 1011101 (qrcode matches
 *       these inside the symbol only, as 0x5D0 / 0x05D).
 */
function linePenalty(bits: Int32Array, ws: Workspace): void {
  const { n, words, valid5, valid11 } = ws;
  let n1 = 0;
  let n3 = 0;
  for (let line = 0; line < n; line++) {
    const base = line * words;
    let carry = 0; // top bit of the previous word's 5-window set
    for (let w = 0; w < words; w++) {
      const cur = bits[base + w];
      const nxt = w + 1 < words ? bits[base + w + 1] : 0;
      // xK: bit b = module 32w + b + K of this line (0 past the end).
      const x1 = (cur >>> 1) | (nxt << 31);
      const x2 = (cur >>> 2) | (nxt << 30);
      const x3 = (cur >>> 3) | (nxt << 29);
      const x4 = (cur >>> 4) | (nxt << 28);
      const same5 = ~(cur ^ x1) & ~(x1 ^ x2) & ~(x2 ^ x3) & ~(x3 ^ x4) & valid5[w];
      if (same5 !== 0) {
        const runStarts = same5 & ~((same5 << 1) | carry);
        n1 += popcnt(same5) + 2 * popcnt(runStarts);
      }
      carry = same5 >>> 31;
      const x5 = (cur >>> 5) | (nxt << 27);
      const x6 = (cur >>> 6) | (nxt << 26);
      const x7 = (cur >>> 7) | (nxt << 25);
      const x8 = (cur >>> 8) | (nxt << 24);
      const x9 = (cur >>> 9) | (nxt << 23);
      const x10 = (cur >>> 10) | (nxt << 22);
      const finder =
        ((cur & ~x1 & x2 & x3 & x4 & ~x5 & x6 & ~(x7 | x8 | x9 | x10)) |
          (~(cur | x1 | x2 | x3) & x4 & ~x5 & x6 & x7 & x8 & ~x9 & x10)) &
        valid11[w];
      if (finder !== 0) n3 += popcnt(finder);
    }
  }
  terms[0] += n1;
  terms[2] += n3 * 40;
}

/**
 * Total penalty N1 + N2 + N3 + N4 of a packed symbol, equal to qrcode's
 * getPenaltyN1 + N2 + N3 + N4 (weights 3, 3, 40, 10):
 *   N2: 3 per 2x2 block of one colour (overlapping blocks all count);
 *   N4: 10 * |ceil(dark% / 5) - 10|.
 */
function packedPenalty(rows: Int32Array, cols: Int32Array, ws: Workspace): number {
  const { n, words, valid2 } = ws;
  terms[0] = terms[2] = 0;
  linePenalty(rows, ws);
  linePenalty(cols, ws);

  let blocks = 0;
  let dark = 0;
  for (let r = 0; r < n; r++) {
    const top = r * words;
    const bottom = top + words;
    for (let w = 0; w < words; w++) {
      const a = rows[top + w];
      dark += popcnt(a);
      if (r === n - 1) continue;
      const b = rows[bottom + w];
      const last = w + 1 === words;
      const a1 = (a >>> 1) | (last ? 0 : rows[top + w + 1] << 31);
      const b1 = (b >>> 1) | (last ? 0 : rows[bottom + w + 1] << 31);
      // a[j] = b[j], a[j+1] = b[j+1] and a[j] = a[j+1]: all four equal.
      const block = ~(a ^ b) & ~(a1 ^ b1) & ~(a ^ a1) & valid2[w];
      if (block !== 0) blocks += popcnt(block);
    }
  }
  terms[1] = blocks * 3;
  // Same expression as qrcode, including its floating-point rounding.
  terms[3] = Math.abs(Math.ceil((dark * 100) / (n * n) / 5) - 10) * 10;
  return terms[0] + terms[1] + terms[2] + terms[3];
}

/** Test hook: penalty terms [N1, N2, N3, N4] of an n x n row-major 0/1 matrix. */
export function maskPenaltyTermsForTests(data: Uint8Array, size: number): number[] {
  const ws = newWorkspace(size);
  pack(data, size, ws.words, ws.rows, ws.cols);
  packedPenalty(ws.rows, ws.cols, ws);
  return [...terms];
}

/** XOR the mask-0 symbol into the mask-p one in place, 4 modules at a time. */
function applyDelta(data: Uint8Array, ws: Workspace, p: number): void {
  const cells = ws.n * ws.n;
  let k = 0;
  if ((data.byteOffset & 3) === 0) {
    const quads = cells >> 2;
    const d32 = ws.delta32[p];
    const m32 = new Uint32Array(data.buffer, data.byteOffset, quads);
    for (let q = 0; q < quads; q++) m32[q] ^= d32[q];
    k = quads << 2;
  }
  const d = ws.delta[p];
  for (; k < cells; k++) data[k] ^= d[k];
}

export interface QrMatrix {
  /** Modules per side. */
  size: number;
  /** Row-major modules, 1 = dark (a fresh array owned by the caller). */
  data: Uint8Array;
  /** Chosen mask pattern (0-7). */
  maskPattern: number;
}

/**
 * QR matrix of `text` in one byte-mode segment at error correction level M, identical to
 * `QRCode.create([{ data: text, mode: 'byte' }], { errorCorrectionLevel: 'M' })` (modules and mask).
 */
export function qrMatrix(text: string): QrMatrix {
  const symbol = byteModeSymbol(text);
  const n = symbol.size;
  const data = symbol.data; // finished symbol with mask 0
  const ws = workspaceFor(n, symbol.reserved);
  const { rows, cols, candRows, candCols } = ws;
  pack(data, n, ws.words, rows, cols);

  let bestMask = 0;
  let bestPenalty = packedPenalty(rows, cols, ws);
  for (let p = 1; p < MASK_COUNT; p++) {
    const dRows = ws.deltaRows[p];
    const dCols = ws.deltaCols[p];
    for (let k = 0; k < rows.length; k++) {
      candRows[k] = rows[k] ^ dRows[k];
      candCols[k] = cols[k] ^ dCols[k];
    }
    const penalty = packedPenalty(candRows, candCols, ws);
    if (penalty < bestPenalty) {
      bestPenalty = penalty;
      bestMask = p;
    }
  }
  if (bestMask !== 0) applyDelta(data, ws, bestMask);
  return { size: n, data, maskPattern: bestMask };
}

function checkInt(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`qrPng: ${name} must be an integer >= ${min}, got ${value}`);
  }
}

/**
 * Render `text` as a QR code (error correction level M) into a 1-bit palette
 * PNG of `size` x `size` pixels. Modules are drawn at an integer scale of
 * floor(size / (modules + 2 * margin)) and the symbol is centred on white.
 */
export function qrPng(text: string, opts: QrPngOptions = {}): Buffer {
  return matrixPng(qrMatrix(text), opts);
}

/** The PNG step of `qrPng` on its own, for an already computed matrix. */
export function matrixPng(matrix: Pick<QrMatrix, 'size' | 'data'>, opts: QrPngOptions = {}): Buffer {
  const size = opts.size ?? DEFAULT_SIZE;
  const margin = opts.margin ?? DEFAULT_MARGIN;
  checkInt('size', size, 1);
  checkInt('margin', margin, 0);

  const { size: n, data } = matrix;
  const scale = Math.floor(size / (n + 2 * margin));
  if (scale < 1) {
    throw new RangeError(
      `qrPng: ${n}+2*${margin} modules do not fit in ${size}px; use a larger size or shorter text`,
    );
  }
  // Centre the symbol itself; the leftover space (>= margin * scale per side,
  // by choice of scale) is the white quiet zone.
  const origin = (size - n * scale) >> 1;

  // Raw scanlines: 1 filter byte + ceil(size / 8) packed pixel bytes. Zero-filled
  // means filter 0 (None) everywhere and every pixel white (index 0), so only the
  // symbol's rows need writing.
  const stride = 1 + ((size + 7) >> 3);
  const raw = Buffer.alloc(stride * size);

  for (let r = 0; r < n; r++) {
    // Pack one module row into the first of its `scale` scanlines, one run of
    // consecutive dark modules at a time (whole bytes where possible)...
    const first = (origin + r * scale) * stride;
    const rowBase = r * n;
    let c = 0;
    while (c < n) {
      if (!data[rowBase + c]) {
        c++;
        continue;
      }
      const start = c;
      while (c < n && data[rowBase + c]) c++;
      setBits(raw, first + 1, origin + start * scale, origin + c * scale);
    }
    // ...and write the remaining scale - 1 pixel rows as filter 2 (Up) with no
    // difference: the decoder repeats the row above. Rows of zeros deflate faster
    // and smaller than copies of the row (the PNG step about 6% faster, the PNG 8%
    // smaller; bench/qr.ts prints both).
    for (let k = 1; k < scale; k++) raw[first + k * stride] = FILTER_UP;
  }

  const idat = zlib.deflateSync(raw, DEFLATE_OPTIONS);
  const header = pngHeader(size);
  const out = Buffer.allocUnsafe(header.length + 12 + idat.length + IEND_CHUNK.length);
  header.copy(out, 0);
  const off = writeChunk(out, header.length, TYPE_IDAT, idat);
  IEND_CHUNK.copy(out, off);
  return out;
}

/** The default 256x256 QR PNG as plain base64 (no `data:` URL prefix), for the API's `qr_code`. */
export function qrPngBase64(text: string): string {
  return qrPng(text).toString('base64');
}
