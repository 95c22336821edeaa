import { PNG } from 'pngjs';
import jsQRModule from 'jsqr';

// jsqr is CommonJS whose module.exports is the function itself; its types describe an ES default.
const jsQR = jsQRModule as unknown as typeof jsQRModule.default;

export function intentParams(link: string) {
  const q = link.slice(link.indexOf('?') + 1);
  return Object.fromEntries(new URLSearchParams(q));
}

/** Decodes a base64 PNG QR code back to its text. */
export function decodeQr(base64: string): string | null {
  const png = PNG.sync.read(Buffer.from(base64, 'base64'));
  const code = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  return code?.data ?? null;
}

export function pngHeader(base64: string) {
  const b = Buffer.from(base64, 'base64');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20), bitDepth: b[24], colourType: b[25] };
}
