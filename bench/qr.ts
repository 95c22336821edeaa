/**
 * QR PNG benchmark: qrcode's own PNG path vs matrix only vs our matrix (fast
 * mask selection) and 1-bit encoder.
 *
 *   node --import tsx bench/qr.ts [iterations]
 *
 * All variants run interleaved in the same loop (rotating order each
 * iteration) so that JIT state, GC pressure and CPU frequency affect them
 * equally. Reports the median per-call time in microseconds.
 */
import { createRequire } from 'node:module';
import * as zlib from 'node:zlib';
import QRCode from 'qrcode';
import { DEFLATE_OPTIONS, matrixPng, qrMatrix, qrPng } from '../src/engine/qr.js';
import { byteModeSymbol } from '../src/engine/qr-symbol.js';

const ITERATIONS = Number(process.argv[2] ?? 3000);
const WARMUP = 300;

// Realistic UPI intent links (~110-130 bytes); tr varies per call.
const texts: string[] = [];
for (let i = 0; i < 64; i++) {
  const tr = 100173 + i * 7919;
  const am = (1 + (i % 3)).toFixed(2);
  texts.push(
    i % 2 === 0
      ? `upi://pay?pa=pennygate@sandbox&pn=pennygate&tn=BAV&am=${am}&cu=INR&tr=${tr}`
      : `upi://pay?pa=pennygate.verify@icici&pn=Pennygate%20Verification&tn=Bank%20account%20check&am=${am}&cu=INR&tr=PG${tr}`,
  );
}

// Precomputed matrices for timing the PNG step alone.
const matrices = new Map(texts.map((t) => [t, qrMatrix(t)] as const));

// qrcode has no public synchronous PNG API (toBuffer / toDataURL are
// callback/promise based), so (a) awaits toBuffer. For a like-for-like CPU
// view without the promise/stream hop we also time its PNG renderer packed
// synchronously with the pngjs copy that qrcode itself uses.
const qrRequire = createRequire(import.meta.url);
const qrPkgDir = qrRequire.resolve('qrcode/package.json').replace(/package\.json$/, '');
const pngRenderer = qrRequire('qrcode/lib/renderer/png.js') as {
  render(qrData: unknown, opts: unknown): unknown;
};
const qrPngjs = createRequire(qrPkgDir)('pngjs') as {
  PNG: { sync: { write(png: unknown): Buffer } };
};

const qrcodeOpts = { errorCorrectionLevel: 'M', width: 256, margin: 4 } as const;

type Case = { name: string; run: (text: string) => unknown; async?: boolean };

const cases: Case[] = [
  { name: '(a) qrcode toBuffer (await)', run: (t) => QRCode.toBuffer(t, qrcodeOpts), async: true },
  {
    name: "(a') qrcode render + pngjs sync",
    run: (t) => qrPngjs.PNG.sync.write(pngRenderer.render(QRCode.create(t, qrcodeOpts), qrcodeOpts)),
  },
  { name: '(b) QRCode.create only', run: (t) => QRCode.create(t, { errorCorrectionLevel: 'M' }) },
  {
    name: "(b') QRCode.create, mask fixed 0",
    run: (t) => QRCode.create(t, { errorCorrectionLevel: 'M', maskPattern: 0 }),
  },
  { name: '(s) ours symbol, mask fixed 0', run: (t) => byteModeSymbol(t) },
  { name: '(m) ours qrMatrix (best mask)', run: (t) => qrMatrix(t) },
  { name: '(c) ours qrPng', run: (t) => qrPng(t) },
  { name: '(e) ours PNG step only', run: (t) => matrixPng(matrices.get(t)!) },
];
const A = 0, A2 = 1, B = 2, B0 = 3, S = 4, M = 5, C = 6, E = 7; // indices into `cases`

/** A realistic link of exactly `length` bytes (>= 80): the reference `tr` is padded. */
function sizedLink(length: number): string {
  const head = 'upi://pay?pa=acme.payouts@hdfcbank&pn=Acme%20Payments&am=1.00&cu=INR&tr=PG';
  return head + '9f1c2e7a4b3d8e5f'.repeat(16).slice(0, length - head.length);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function timeOnce(c: Case, text: string): Promise<number> {
  const t0 = process.hrtime.bigint();
  const r = c.run(text);
  if (c.async) await r;
  return Number(process.hrtime.bigint() - t0) / 1000;
}

async function main(): Promise<void> {
  const samples = cases.map(() => [] as number[]);
  for (let i = 0; i < WARMUP + ITERATIONS; i++) {
    const text = texts[i % texts.length];
    for (let j = 0; j < cases.length; j++) {
      const k = (i + j) % cases.length; // rotate the order every iteration
      const us = await timeOnce(cases[k], text);
      if (i >= WARMUP) samples[k].push(us);
    }
  }

  const med = samples.map(median);
  console.log(`node ${process.version}, ${ITERATIONS} iterations (after ${WARMUP} warm-up), interleaved`);
  console.log(`sample text (${texts[1].length} bytes): ${texts[1]}`);
  for (let k = 0; k < cases.length; k++) {
    console.log(`  ${cases[k].name.padEnd(34)} median ${med[k].toFixed(1).padStart(7)} us`);
  }
  const ours = med[C];
  const ratio = (label: string, other: number) =>
    console.log(`  ${label.padEnd(34)} ${(ours / other).toFixed(3)}  (${(other / ours).toFixed(1)}x faster)`);
  ratio('ratio qrPng / qrcode toBuffer', med[A]);
  ratio('ratio qrPng / qrcode render+sync', med[A2]);
  ratio('ratio qrPng / QRCode.create', med[B]);
  const ownMask = (med[M] - med[S]).toFixed(1);
  const theirMask = (med[B] - med[B0]).toFixed(1);
  console.log(`  symbol with mask 0 (s vs b')       ${med[S].toFixed(1)} us (qrcode's own: ${med[B0].toFixed(1)} us)`);
  console.log(`  mask selection (m minus s)         ${ownMask} us (qrcode's own: ${theirMask} us)`);
  console.log(`  PNG step (e), measured directly    ${med[E].toFixed(1)} us`);

  // Link length drives the symbol version (v5 37x37 ... v10 57x57 at level M).
  // The padded reference is hex like real UUID refs; its digit runs make
  // qrcode's segment optimisation, not the mask, the main cost here.
  console.log('qrPng vs QRCode.create by link length (interleaved):');
  const lengthCases: Case[] = [cases[B], cases[C]];
  for (const target of [80, 120, 160, 200]) {
    const link = sizedLink(target);
    const xs = lengthCases.map(() => [] as number[]);
    for (let i = 0; i < WARMUP + (ITERATIONS >> 1); i++) {
      for (let j = 0; j < lengthCases.length; j++) {
        const k = (i + j) % lengthCases.length;
        const us = await timeOnce(lengthCases[k], link);
        if (i >= WARMUP) xs[k].push(us);
      }
    }
    const [create, png] = xs.map(median);
    const n = qrMatrix(link).size;
    console.log(
      `  ${String(link.length).padStart(3)} B (${n}x${n}): qrPng ${png.toFixed(1).padStart(6)} us, ` +
        `QRCode.create ${create.toFixed(1).padStart(6)} us, ratio ${(png / create).toFixed(3)}`,
    );
  }

  const theirs = await QRCode.toBuffer(texts[1], qrcodeOpts);
  console.log(`  output size: ours ${qrPng(texts[1]).length} B, qrcode ${theirs.length} B`);

  // Deflate level for the raw 1-bit scanlines: recover them from our own PNG
  // (IDAT is the chunk right after the 51-byte signature + IHDR + PLTE).
  const png = qrPng(texts[1]);
  const idatLen = png.readUInt32BE(51);
  const raw = zlib.inflateSync(png.subarray(59, 59 + idatLen));
  // zlib's default window and memLevel at three levels, and the settings qrPng uses.
  const settings: [string, zlib.ZlibOptions][] = [
    ['level 1', { level: 1 }],
    ['level 6', { level: 6 }],
    ['level 9', { level: 9 }],
    [`qrPng's (${JSON.stringify(DEFLATE_OPTIONS)})`, DEFLATE_OPTIONS],
  ];
  const lv = settings.map(() => [] as number[]);
  for (let i = 0; i < WARMUP + ITERATIONS; i++) {
    for (let j = 0; j < settings.length; j++) {
      const k = (i + j) % settings.length;
      const t0 = process.hrtime.bigint();
      zlib.deflateSync(raw, settings[k][1]);
      const us = Number(process.hrtime.bigint() - t0) / 1000;
      if (i >= WARMUP) lv[k].push(us);
    }
  }
  console.log(`deflateSync of ${raw.length} B raw scanlines:`);
  for (let k = 0; k < settings.length; k++) {
    const bytes = zlib.deflateSync(raw, settings[k][1]).length;
    console.log(`  ${settings[k][0]}: median ${median(lv[k]).toFixed(1).padStart(6)} us, ${bytes} B`);
  }
}

await main();
