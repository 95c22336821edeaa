import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as zlib from 'node:zlib';
import { PNG } from 'pngjs';
import jsQRModule from 'jsqr';
import QRCode from 'qrcode';
import {
  maskPenaltyTermsForTests,
  matrixPng,
  qrMatrix,
  qrPng,
  qrPngBase64,
  tableCrc32ForTests,
  type QrPngOptions,
} from '../src/engine/qr.js';
import { QrRenderer } from '../src/engine/qr-pool.js';

// jsqr is a CommonJS bundle whose typings declare an ES default export; at
// runtime the default import is the function itself (which also carries
// `.default`), so accept either shape.
type JsQR = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
const jsQR: JsQR =
  typeof jsQRModule === 'function'
    ? (jsQRModule as unknown as JsQR)
    : (jsQRModule as unknown as { default: JsQR }).default;

/** qrcode's symbol for `text` as one byte-mode segment at level M: what qrMatrix must equal. */
const byteMode = (text: string, mask?: number) =>
  QRCode.create([{ data: text, mode: 'byte' }] as never, { errorCorrectionLevel: 'M', ...(mask === undefined ? {} : { maskPattern: mask as 0 }) });

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const LINKS = [
  // Reference shape from the provider.
  'upi://pay?pa=pennygate@sandbox&pn=pennygate&tn=BAV&am=1.00&cu=INR&tr=100173',
  // %20 escapes in payee name and note.
  'upi://pay?pa=pennygate.verify@icici&pn=Pennygate%20Verification&tn=Bank%20account%20check&am=1.00&cu=INR&tr=PG100173',
  // Typical production-length link with merchant code and a UUID-ish reference.
  'upi://pay?pa=acme.payouts@hdfcbank&pn=Acme%20Payments%20Pvt%20Ltd&mc=6012&tid=PGT8f3c2a91b7d4&tr=9f1c2e7a-4b3d-4e8f-a1b2-c3d4e5f60718&tn=Verify%20bank%20account&am=1.00&cu=INR',
  // ~200 characters: long note, URL field, many escapes.
  'upi://pay?pa=verification.gateway.collect@axisbank&pn=Pennygate%20Reverse%20Penny%20Drop&mc=6012&tr=PGRPD20240611T101530Z7f3a&tn=Reverse%20penny%20drop%20for%20account%20verification&am=1.00&cu=INR&mode=02',
];

interface Chunk {
  type: string;
  data: Buffer;
  crc: number;
  crcInput: Buffer;
}

function chunks(png: Buffer): Chunk[] {
  assert.deepEqual(png.subarray(0, 8), PNG_SIGNATURE, 'PNG signature');
  const out: Chunk[] = [];
  let off = 8;
  while (off < png.length) {
    const len = png.readUInt32BE(off);
    const type = png.toString('latin1', off + 4, off + 8);
    const data = png.subarray(off + 8, off + 8 + len);
    const crc = png.readUInt32BE(off + 8 + len);
    out.push({ type, data, crc, crcInput: png.subarray(off + 4, off + 8 + len) });
    off += 12 + len;
  }
  assert.equal(off, png.length, 'chunks exactly cover the file');
  return out;
}

function decodeRgba(png: Buffer): { width: number; height: number; data: Buffer } {
  const img = PNG.sync.read(png);
  return { width: img.width, height: img.height, data: img.data };
}

function decodeQr(png: Buffer): string | undefined {
  const img = decodeRgba(png);
  const pixels = new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.length);
  return jsQR(pixels, img.width, img.height)?.data;
}

test('link fixtures are realistic lengths', () => {
  assert.ok(LINKS[0].length >= 70 && LINKS[0].length <= 90);
  assert.ok(LINKS[LINKS.length - 1].length >= 190 && LINKS[LINKS.length - 1].length <= 230);
});

test('PNG decodes back (pngjs + jsqr) to the exact input text', () => {
  for (const link of LINKS) {
    assert.equal(decodeQr(qrPng(link)), link, `round trip of ${link.length}-char link`);
  }
});

test('base64 output decodes back to the same text', () => {
  for (const link of LINKS) {
    assert.equal(decodeQr(Buffer.from(qrPngBase64(link), 'base64')), link);
  }
});

test('IHDR: 256x256, bit depth 1, colour type 3, no interlace; PLTE white then black', () => {
  const png = qrPng(LINKS[0]);
  const list = chunks(png);
  assert.deepEqual(
    list.map((c) => c.type),
    ['IHDR', 'PLTE', 'IDAT', 'IEND'],
  );
  const ihdr = list[0].data;
  assert.equal(ihdr.length, 13);
  assert.equal(ihdr.readUInt32BE(0), 256, 'width');
  assert.equal(ihdr.readUInt32BE(4), 256, 'height');
  assert.equal(ihdr[8], 1, 'bit depth');
  assert.equal(ihdr[9], 3, 'colour type (palette)');
  assert.equal(ihdr[10], 0, 'compression method');
  assert.equal(ihdr[11], 0, 'filter method');
  assert.equal(ihdr[12], 0, 'interlace');
  assert.deepEqual([...list[1].data], [255, 255, 255, 0, 0, 0], 'PLTE = [white, black]');
  assert.equal(list[3].data.length, 0, 'IEND is empty');
});

test('every chunk CRC is correct', () => {
  for (const link of LINKS) {
    for (const c of chunks(qrPng(link))) {
      assert.equal(c.crc, tableCrc32ForTests(c.crcInput), `${c.type} CRC`);
    }
  }
});

test('fallback CRC32 table matches the standard check value and zlib', () => {
  assert.equal(tableCrc32ForTests(Buffer.from('123456789')), 0xcbf43926);
  const z = (zlib as { crc32?: (d: Uint8Array, v?: number) => number }).crc32;
  if (typeof z === 'function') {
    const buf = qrPng(LINKS[1]);
    assert.equal(tableCrc32ForTests(buf), z(buf));
    assert.equal(tableCrc32ForTests(buf.subarray(40), tableCrc32ForTests(buf.subarray(0, 40))), z(buf));
  }
});

test('IDAT holds 256 scanlines of 32 packed bytes: a row that repeats the one above as Up with no difference', () => {
  const idat = chunks(qrPng(LINKS[2])).find((c) => c.type === 'IDAT')!.data;
  const raw = zlib.inflateSync(idat);
  assert.equal(raw.length, 256 * 33);
  const { data } = decodeRgba(qrPng(LINKS[2]));
  let up = 0;
  for (let y = 0; y < 256; y++) {
    const filter = raw[y * 33];
    assert.ok(filter === 0 || filter === 2, `filter byte of row ${y}: ${filter}`);
    if (filter !== 2) continue;
    up++;
    assert.ok(y > 0 && raw.subarray(y * 33 + 1, y * 33 + 33).every((b) => b === 0), `row ${y} is Up with a difference`);
    // The decoded row is the row above, pixel for pixel.
    assert.ok(data.subarray(y * 256 * 4, (y + 1) * 256 * 4).equals(data.subarray((y - 1) * 256 * 4, y * 256 * 4)), `row ${y}`);
  }
  assert.ok(up > 100, `only ${up} rows written as Up`);
});

test('image is not blank: both palette colours are present', () => {
  for (const link of LINKS) {
    const { data } = decodeRgba(qrPng(link));
    let white = 0;
    let black = 0;
    for (let i = 0; i < data.length; i += 4) {
      const rgb = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
      if (rgb === 0xffffff) white++;
      else if (rgb === 0) black++;
      else assert.fail(`unexpected colour #${rgb.toString(16)}`);
    }
    assert.ok(black > 256 * 256 * 0.1, `enough black pixels (${black})`);
    assert.ok(white > 256 * 256 * 0.3, `enough white pixels (${white})`);
    assert.equal(black + white, 256 * 256);
  }
});

test('pixels match the QR matrix at the chosen integer scale, centred with a quiet zone', () => {
  for (const link of LINKS) {
    const modules = byteMode(link).modules;
    const n = modules.size;
    const scale = Math.floor(256 / (n + 8));
    const { data } = decodeRgba(qrPng(link));
    const isBlack = (x: number, y: number) => data[(y * 256 + x) * 4] === 0;

    // Bounding box of black pixels = the symbol (finder patterns touch its corners).
    let minX = 256, minY = 256, maxX = -1, maxY = -1;
    for (let y = 0; y < 256; y++) {
      for (let x = 0; x < 256; x++) {
        if (!isBlack(x, y)) continue;
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      }
    }
    assert.equal(maxX - minX + 1, n * scale, 'symbol width = modules * scale');
    assert.equal(maxY - minY + 1, n * scale, 'symbol height = modules * scale');
    assert.equal(minX, minY, 'same offset on both axes');
    const right = 255 - maxX;
    assert.ok(Math.abs(right - minX) <= 1, `centred (left ${minX}, right ${right})`);
    assert.ok(minX >= 4 * scale && right >= 4 * scale, 'quiet zone of at least 4 modules');

    // Every pixel of every module has the module's colour.
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        const want = Boolean(modules.get(r, c));
        for (let dy = 0; dy < scale; dy++) {
          for (let dx = 0; dx < scale; dx++) {
            const got = isBlack(minX + c * scale + dx, minY + r * scale + dy);
            if (got !== want) assert.fail(`module (${r},${c}) pixel (${dx},${dy}) is ${got ? 'black' : 'white'}`);
          }
        }
      }
    }
  }
});

test('base64 output: valid, no data: prefix, a PNG of sensible size', () => {
  for (const link of LINKS) {
    const b64 = qrPngBase64(link);
    assert.ok(!b64.startsWith('data:'), 'no data: URL prefix');
    assert.match(b64, /^[A-Za-z0-9+/]+={0,2}$/);
    assert.equal(b64.length % 4, 0);
    const bytes = Buffer.from(b64, 'base64');
    assert.equal(bytes.toString('base64'), b64, 'canonical base64');
    assert.deepEqual(bytes.subarray(0, 8), PNG_SIGNATURE);
    assert.deepEqual(bytes, qrPng(link), 'same bytes as qrPng (deterministic)');
    assert.ok(bytes.length > 300 && bytes.length < 2000, `size ${bytes.length}`);
  }
});

test('size and margin options', () => {
  const link = LINKS[1];
  const big = qrPng(link, { size: 512 });
  assert.equal(chunks(big)[0].data.readUInt32BE(0), 512);
  assert.equal(decodeQr(big), link);

  // Odd size (row bytes not a multiple of 8 pixels) and a small margin.
  const odd = qrPng(link, { size: 203, margin: 2 });
  const ihdr = chunks(odd)[0].data;
  assert.equal(ihdr.readUInt32BE(0), 203);
  assert.equal(ihdr.readUInt32BE(4), 203);
  assert.equal(decodeQr(odd), link);

  assert.throws(() => qrPng(link, { size: 40 }), RangeError, 'too small for the symbol');
  assert.throws(() => qrPng(link, { size: 256.5 }), RangeError);
  assert.throws(() => qrPng(link, { margin: -1 }), RangeError);
});

// ---------------------------------------------------------------------------
// Mask selection: our packed penalty and best-mask choice must reproduce
// qrcode's exactly.
// ---------------------------------------------------------------------------

const qrRequire = createRequire(import.meta.url);
interface QrBitMatrix {
  size: number;
  data: Uint8Array;
  get(row: number, col: number): number;
}
const BitMatrix = qrRequire('qrcode/lib/core/bit-matrix.js') as new (size: number) => QrBitMatrix;
const MaskPattern = qrRequire('qrcode/lib/core/mask-pattern.js') as Record<
  'getPenaltyN1' | 'getPenaltyN2' | 'getPenaltyN3' | 'getPenaltyN4',
  (m: QrBitMatrix) => number
>;

/** Small deterministic PRNG (mulberry32) so failures are reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function qrcodeTerms(data: Uint8Array, size: number): number[] {
  const m = new BitMatrix(size);
  m.data.set(data);
  return [
    MaskPattern.getPenaltyN1(m),
    MaskPattern.getPenaltyN2(m),
    MaskPattern.getPenaltyN3(m),
    MaskPattern.getPenaltyN4(m),
  ];
}

/** Random test matrices that stress each rule, including across 32-bit word edges. */
function penaltyInputs(): Array<{ name: string; size: number; data: Uint8Array }> {
  const rand = rng(0x5eed);
  const out: Array<{ name: string; size: number; data: Uint8Array }> = [];
  const sizes = [1, 4, 5, 10, 11, 12, 21, 31, 32, 33, 37, 45, 57, 63, 64, 65, 96, 97, 101, 177];
  for (const size of sizes) {
    const cells = size * size;
    // Uniform noise at several densities (N4 buckets on both sides of 50%).
    for (const density of [0, 0.1, 0.45, 0.5, 0.52, 0.55, 0.9, 1]) {
      const d = new Uint8Array(cells);
      for (let k = 0; k < cells; k++) d[k] = rand() < density ? 1 : 0;
      out.push({ name: `noise ${density}`, size, data: d });
    }
    // Long random runs (N1, N2) in row-major order, so also across rows.
    const runs = new Uint8Array(cells);
    for (let k = 0, v = 0; k < cells; v ^= 1) {
      const len = 1 + Math.floor(rand() * 12);
      for (let i = 0; i < len && k < cells; i++) runs[k++] = v;
    }
    out.push({ name: 'runs', size, data: runs });
    // Finder-like 1011101 with light margins planted in rows and columns at
    // random offsets (N3), over sparse noise.
    const planted = new Uint8Array(cells);
    for (let k = 0; k < cells; k++) planted[k] = rand() < 0.2 ? 1 : 0;
    const finder = [1, 0, 1, 1, 1, 0, 1];
    for (let t = 0; t < size; t++) {
      const line = Math.floor(rand() * size);
      const at = Math.floor(rand() * size);
      const vertical = rand() < 0.5;
      for (let i = 0; i < finder.length + 4 && at + i < size; i++) {
        const v = i >= 2 && i < 2 + finder.length ? finder[i - 2] : 0;
        planted[vertical ? (at + i) * size + line : line * size + at + i] = v;
      }
    }
    out.push({ name: 'planted finders', size, data: planted });
  }
  // Real symbols with every mask.
  for (const link of LINKS) {
    for (let mask = 0; mask < 8; mask++) {
      const m = byteMode(link, mask).modules;
      out.push({ name: `${link.length}-char link, mask ${mask}`, size: m.size, data: m.data });
    }
  }
  return out;
}

test('penalty N1-N4 equal qrcode getPenaltyN1..N4 term by term', () => {
  let nonZeroN3 = 0;
  for (const { name, size, data } of penaltyInputs()) {
    const want = qrcodeTerms(data, size);
    assert.deepEqual(maskPenaltyTermsForTests(data, size), want, `${size}x${size} ${name}`);
    if (want[2] > 0) nonZeroN3++;
  }
  assert.ok(nonZeroN3 > 20, `N3 exercised (${nonZeroN3} inputs with finder-like windows)`);
});

/** Realistic UPI intent links of varied length and field mix. */
function randomUpiLinks(count: number, seed: number): string[] {
  const rand = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const word = (min: number, max: number, alphabet: string): string => {
    let s = '';
    const len = min + Math.floor(rand() * (max - min + 1));
    for (let i = 0; i < len; i++) s += alphabet[Math.floor(rand() * alphabet.length)];
    return s;
  };
  const lower = 'abcdefghijklmnopqrstuvwxyz';
  const alnum = lower + '0123456789';
  const upperAlnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const banks = ['sandbox', 'icici', 'hdfcbank', 'axisbank', 'okaxis', 'ybl', 'paytm', 'sbi', 'kotak'];
  const words = ['Pennygate', 'Verification', 'Acme', 'Payments', 'Pvt', 'Ltd', 'Bank', 'account', 'check'];
  const links: string[] = [];
  for (let i = 0; i < count; i++) {
    const fields = [
      `pa=${word(3, 24, alnum + '.')}@${pick(banks)}`,
      `pn=${Array.from({ length: 1 + Math.floor(rand() * 5) }, () => pick(words)).join('%20')}`,
    ];
    if (rand() < 0.5) fields.push(`mc=${word(4, 4, '0123456789')}`);
    if (rand() < 0.4) fields.push(`tid=${word(8, 20, upperAlnum)}`);
    fields.push(
      `tr=${rand() < 0.5 ? word(6, 12, '0123456789') : word(8, 36, upperAlnum + lower + '-')}`,
      `tn=${Array.from({ length: 1 + Math.floor(rand() * 6) }, () => pick(words)).join('%20')}`,
      `am=${(1 + Math.floor(rand() * 3)).toFixed(2)}`,
      'cu=INR',
    );
    if (rand() < 0.3) fields.push('mode=02');
    links.push(`upi://pay?${fields.join('&')}`);
  }
  return links;
}

test('qrMatrix is bit-for-bit qrcode\'s byte-mode symbol with its own best-mask choice (random UPI links)', () => {
  const links = randomUpiLinks(300, 20240611);
  const lengths = links.map((l) => l.length);
  const [shortest, longest] = [Math.min(...lengths), Math.max(...lengths)];
  assert.ok(shortest <= 90 && longest >= 200, `lengths ${shortest}-${longest}`);
  const masks = new Set<number>();
  const sizes = new Set<number>();
  for (const link of [...LINKS, ...links]) {
    const want = byteMode(link);
    const got = qrMatrix(link);
    assert.equal(got.size, want.modules.size, `size for ${link}`);
    assert.equal(got.maskPattern, want.maskPattern, `mask for ${link}`);
    assert.ok(Buffer.from(got.data).equals(Buffer.from(want.modules.data)), `modules for ${link}`);
    masks.add(got.maskPattern);
    sizes.add(got.size);
  }
  // Mask 0 never wins on these links (the tie test and the version sweep choose it); the rest do.
  assert.ok(masks.size >= 7, `most masks chosen at least once (${[...masks].sort()})`);
  assert.ok(sizes.size >= 4, `several symbol versions (${[...sizes].sort((a, b) => a - b)})`);
});

/**
 * The image of a PNG as written: the IDAT stream inflated with zlib and its scanlines
 * unfiltered (any of the five filters), one byte per pixel (1 = palette index 1, black).
 */
function pngPixels(png: Buffer): { size: number; pixels: Uint8Array } {
  const list = chunks(png);
  const size = list[0].data.readUInt32BE(0);
  const raw = zlib.inflateSync(Buffer.concat(list.filter((c) => c.type === 'IDAT').map((c) => c.data)));
  const stride = 1 + ((size + 7) >> 3);
  assert.equal(raw.length, stride * size, 'one filter byte and the packed pixels per scanline');
  const line = new Uint8Array(stride - 1);
  const prev = new Uint8Array(stride - 1);
  const pixels = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) {
    const filter = raw[y * stride];
    for (let i = 0; i < stride - 1; i++) {
      const x = raw[y * stride + 1 + i];
      const a = i > 0 ? line[i - 1] : 0; // 1 bit per pixel: the byte to the left
      const b = prev[i];
      const c = i > 0 ? prev[i - 1] : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter];
      assert.ok(predictor !== undefined, `filter ${filter} of row ${y}`);
      line[i] = (x + predictor) & 0xff;
    }
    for (let x = 0; x < size; x++) pixels[y * size + x] = (line[x >> 3] >> (7 - (x & 7))) & 1;
    prev.set(line);
  }
  return { size, pixels };
}

test('the PNG of 500 random UPI links, inflated, is qrcode\'s symbol pixel for pixel, and scans', () => {
  const links = randomUpiLinks(500, 0x9e37);
  const options: QrPngOptions[] = [{}, {}, {}, { size: 203, margin: 2 }, { size: 512 }, { size: 300, margin: 0 }];
  links.forEach((link, k) => {
    const opts = options[k % options.length];
    const png = qrPng(link, opts);
    const { size, pixels } = pngPixels(png);
    assert.equal(size, opts.size ?? 256);
    const modules = byteMode(link).modules;
    const n = modules.size;
    const scale = Math.floor(size / (n + 2 * (opts.margin ?? 4)));
    const origin = (size - n * scale) >> 1;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const r = Math.floor((y - origin) / scale);
        const c = Math.floor((x - origin) / scale);
        const want = y >= origin && x >= origin && r < n && c < n ? modules.get(r, c) : 0;
        if (pixels[y * size + x] !== want) assert.fail(`${link} (${JSON.stringify(opts)}): pixel (${x}, ${y}) is ${pixels[y * size + x]}`);
      }
    }
    // A real decoder and a QR reader agree (on every tenth: jsqr takes milliseconds).
    if (k % 10 === 0) assert.equal(decodeQr(png), link);
  });
});

test('qrMatrix matches qrcode for other texts and versions, and returns fresh arrays', () => {
  const rand = rng(7);
  const texts = [
    '0123456789'.repeat(5), // numeric
    'HTTPS://EXAMPLE.COM/PAY/ABC123', // alphanumeric
    'upi://pay?pa=r\u00e9sum\u00e9@icici&pn=\u0928\u092e\u0938\u094d\u0924\u0947', // multi-byte UTF-8
    'a', // version 1
  ];
  for (const len of [300, 600, 1200, 2000]) {
    let s = 'upi://pay?tn=';
    while (s.length < len) s += String.fromCharCode(33 + Math.floor(rand() * 94));
    texts.push(s); // versions well above 7 (version information blocks)
  }
  const first = qrMatrix(texts[0]).data;
  const snapshot = Buffer.from(first);
  for (const text of texts) {
    const want = byteMode(text);
    const got = qrMatrix(text);
    assert.equal(got.maskPattern, want.maskPattern, `mask for ${text.length}-char text`);
    const same = Buffer.from(got.data).equals(Buffer.from(want.modules.data));
    assert.ok(same, `modules for ${text.length}-char text`);
  }
  assert.ok(Buffer.from(first).equals(snapshot), 'earlier result not overwritten by later calls');
});

test('qrPng is matrixPng of qrMatrix', () => {
  for (const link of LINKS) {
    assert.deepEqual(matrixPng(qrMatrix(link)), qrPng(link));
    assert.deepEqual(matrixPng(qrMatrix(link), { size: 300, margin: 2 }), qrPng(link, { size: 300, margin: 2 }));
  }
});

test('penalty ties go to the lowest mask index, as in qrcode', () => {
  // Inputs where two masks share the lowest total penalty (found by search).
  const tied = [
    'upi://pay?pa=pennygate@sandbox&pn=pennygate&tn=BAV&am=1.00&cu=INR&tr=100008',
    'upi://pay?pa=pennygate@sandbox&pn=pennygate&tn=BAV&am=1.00&cu=INR&tr=100015',
    'aaaa14',
    'aaaaaaaaaa27',
  ];
  for (const text of tied) {
    const totals: number[] = [];
    for (let mask = 0; mask < 8; mask++) {
      const m = byteMode(text, mask).modules;
      totals.push(qrcodeTerms(m.data, m.size).reduce((a, b) => a + b, 0));
    }
    const min = Math.min(...totals);
    const winners = totals.flatMap((t, mask) => (t === min ? [mask] : []));
    assert.ok(winners.length >= 2, `${text}: a tie (${totals})`);
    const got = qrMatrix(text);
    assert.equal(got.maskPattern, winners[0], `${text}: lowest tied mask`);
    const want = byteMode(text).modules.data;
    assert.ok(Buffer.from(got.data).equals(Buffer.from(want)), `${text}: modules`);
  }
});

test('the symbol is qrcode\'s at every version from 1 to 40, text of every length in between', () => {
  const rand = rng(11);
  const seen = new Set<number>();
  // Byte capacities at level M end at 14, 26, 42, ... 2331; step through them with texts of
  // random printable and multi-byte characters.
  for (let len = 1; len <= 2331; len += len < 100 ? 5 : len < 600 ? 19 : 41) {
    let s = '';
    while (Buffer.byteLength(s) < len) s += rand() < 0.05 ? '\u00e9' : String.fromCharCode(33 + Math.floor(rand() * 94));
    const want = byteMode(s);
    const got = qrMatrix(s);
    seen.add(want.version);
    assert.equal(got.size, want.modules.size, `size for ${len} bytes`);
    assert.equal(got.maskPattern, want.maskPattern, `mask for ${len} bytes`);
    assert.ok(Buffer.from(got.data).equals(Buffer.from(want.modules.data)), `modules for ${len} bytes`);
  }
  assert.ok(seen.size >= 35, `versions covered: ${seen.size}`);
  assert.throws(() => qrMatrix('x'.repeat(2332)), RangeError);
});

// The renderer the server uses: worker threads, the event loop as the fallback.
const quiet = { info() {}, warn() {}, error() {} };
const linkOf = (i: number) => `upi://pay?pa=pennygate@sandbox&pn=pennygate&tn=BAV&am=1.00&cu=INR&tr=${1_000_000_000_000 + i * 7919}`;

test('the worker renderer gives each code qrPngBase64 gives, many at once and in order', { timeout: 30_000 }, async () => {
  for (const threads of [1, 2, 0]) {
    const errors: string[] = [];
    const r = new QrRenderer(threads, { ...quiet, error: (o: object, msg: string) => errors.push(`${msg} ${String((o as { err?: unknown }).err)}`) });
    try {
      const links = Array.from({ length: 150 }, (_, i) => linkOf(i));
      const codes = await Promise.all(links.map((l) => r.base64(l)));
      codes.forEach((c, i) => assert.equal(c, qrPngBase64(links[i]), `${threads} threads, code ${i}`));
      // A text too long for any QR symbol fails alone, with the renderer's error.
      const [bad, good] = await Promise.allSettled([r.base64('x'.repeat(2332)), r.base64(links[0])]);
      assert.equal(bad.status, 'rejected');
      assert.match(String((bad as PromiseRejectedResult).reason), /2332|too long|fit/i);
      assert.equal((good as PromiseFulfilledResult<string>).value, codes[0]);
      assert.deepEqual(errors, [], 'rendered by the worker threads, none lost');
    } finally {
      await r.close();
    }
  }
});

test('codes waiting on a worker that dies are rendered on the event loop, and the lane recovers', { timeout: 30_000 }, async () => {
  const errors: string[] = [];
  const r = new QrRenderer(1, { ...quiet, error: (o: object, msg: string) => errors.push(msg + ' ' + String((o as { err?: unknown }).err)) });
  try {
    await r.base64(linkOf(0)); // the worker is up
    // Long texts (large symbols, about 1 ms each), so that the first batch is still being drawn
    // when the second is sent and the worker is ended.
    const links = Array.from({ length: 40 }, (_, i) => `${linkOf(i + 1)}&tn=${'x'.repeat(1200)}`);
    // In two turns of the event loop: two batches out at once, the second queued behind the first.
    const pending = links.slice(0, 20).map((l) => r.base64(l));
    await new Promise((resolve) => setImmediate(resolve));
    pending.push(...links.slice(20).map((l) => r.base64(l)));
    await new Promise((resolve) => setImmediate(resolve));
    const internals = r as unknown as { lanes: { worker: { terminate(): Promise<number> }; inFlight: unknown[] }[] };
    assert.equal(internals.lanes[0].inFlight.length, 2, 'two batches out');
    // Fault injection: end the lane's thread while its batches are out (nothing public does this).
    await internals.lanes[0].worker.terminate();
    const codes = await Promise.all(pending);
    codes.forEach((c, i) => assert.equal(c, qrPngBase64(links[i])));
    assert.equal(errors.length, 1, `the loss is logged once: ${JSON.stringify(errors)}`);
    // The next code goes to a new worker thread.
    assert.equal(await r.base64(linkOf(99)), qrPngBase64(linkOf(99)));
    const lane = (r as unknown as { lanes: { worker: object | null; failures: number }[] }).lanes[0];
    assert.ok(lane.worker, 'a new worker');
    assert.equal(lane.failures, 1);
  } finally {
    await r.close();
  }
});

test('a worker that holds a batch past its time is ended, and its codes are rendered on the event loop', { timeout: 30_000 }, async () => {
  const errors: string[] = [];
  const r = new QrRenderer(1, { ...quiet, error: (_o: object, msg: string) => errors.push(msg) }, 1);
  try {
    // 64 long texts: about 0.1 s of rendering, far past the 1 ms allowed here.
    const texts = Array.from({ length: 64 }, (_, i) => `${linkOf(i)}&tn=${'x'.repeat(1200)}`);
    const codes = await Promise.all(texts.map((t) => r.base64(t)));
    codes.forEach((c, i) => assert.equal(c, qrPngBase64(texts[i])));
    assert.ok(errors.includes('a QR worker thread did not answer in time; ending it'), JSON.stringify(errors));
    assert.ok(errors.includes('a QR worker thread stopped; its codes are rendered on the event loop'), JSON.stringify(errors));
  } finally {
    await r.close();
  }
});
