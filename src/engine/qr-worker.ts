// A worker thread of QrRenderer (qr-pool.ts): renders batches of QR codes as base64 PNGs.
import { parentPort } from 'node:worker_threads';
import { qrPngBase64 } from './qr.js';

export interface QrBatch {
  id: number;
  texts: string[];
}
export interface QrRendered {
  id: number;
  /** One per text, in order: the base64 PNG, or the error that rendering it threw. */
  out: ({ png: string } | { error: string })[];
}

parentPort!.on('message', (batch: QrBatch) => {
  const out = batch.texts.map((text) => {
    try {
      return { png: qrPngBase64(text) };
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
  });
  parentPort!.postMessage({ id: batch.id, out } satisfies QrRendered);
});
