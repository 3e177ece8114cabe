// Turns image files and screenshots into RGBA pixels for the QR decoder.

/** Files larger than this are refused before decoding. */
export const MAX_BYTES = 10 * 1024 * 1024;
/** Images are drawn at most this large on their long side (the core shrinks further if needed). */
const MAX_SIDE = 4096;

export class ImageError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

/** Decodes a Blob (file, pasted image, screenshot) into {data, width, height}. */
export async function pixelsOf(blob) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(blob);
  } catch {
    throw new ImageError('not_an_image', 'not an image');
  }
  try {
    const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    const width = Math.max(1, Math.round(bitmap.width * scale));
    const height = Math.max(1, Math.round(bitmap.height * scale));
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    ctx.drawImage(bitmap, 0, 0, width, height);
    const { data } = ctx.getImageData(0, 0, width, height);
    return { data, width, height };
  } finally {
    bitmap.close();
  }
}

/** The part `{x, y, width, height}` of decoded pixels (`pixelsOf`), clipped to them; null when none is left. */
export function crop(pixels, { x, y, width, height }) {
  const left = Math.max(0, Math.floor(x));
  const top = Math.max(0, Math.floor(y));
  const w = Math.min(pixels.width, Math.ceil(x + width)) - left;
  const h = Math.min(pixels.height, Math.ceil(y + height)) - top;
  if (w <= 0 || h <= 0) return null;
  const data = new Uint8ClampedArray(w * h * 4);
  for (let row = 0; row < h; row++) {
    const from = ((top + row) * pixels.width + left) * 4;
    data.set(pixels.data.subarray(from, from + w * 4), row * w * 4);
  }
  return { data, width: w, height: h };
}

/** A Blob from a data: URL (captureVisibleTab's result). */
export async function blobOf(dataUrl) {
  return (await fetch(dataUrl)).blob();
}
