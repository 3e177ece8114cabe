// The context menu, handled in the service worker: "Add to Authbar" on an image reads the QR code in
// it, "Scan this page for QR codes" every code in the visible tab. A click on either grants activeTab
// on that tab, as the toolbar click does. The image is read from its own pixels where the page may
// read them (a data: URL, an image of the page's origin: the whole code at its own resolution), else
// from a capture of the tab cut to the image's box. What is read is left for the popup (ext.js
// `leaveScanned`), which shows it in its preview: the payloads hold secrets, so they go nowhere else,
// and never to the badge's words. The tools module runs here directly: a worker cannot start workers.
import initTools, { qrDecodeRgba, qrCutAtEdgeRgba } from './wasm/authbar_app.js';
import { msg, captureVisibleTab, runInFrame, leaveScanned, setBadge } from './ext.js';
import { pixelsOf, blobOf, crop } from './images.js';
import { siteOf } from './tab.js';

export const MENU_IMAGE = 'authbar-add-image';
export const MENU_PAGE = 'authbar-scan-page';

/** The context menu's items (ext.js `registerMenus`), worded in the browser's language. */
export const menus = () => [
  { id: MENU_IMAGE, title: msg('menuAddImage'), contexts: ['image'] },
  { id: MENU_PAGE, title: msg('menuScanPage'), contexts: ['page', 'frame'] },
];

// Around an image's box, this much of the page (CSS px) is read too: a code drawn to the image's edge
// needs its quiet zone, and most pages are light around it.
const MARGIN_PX = 16;

let toolsReady = null;
const tools = () => (toolsReady ??= initTools().catch((err) => { toolsReady = null; throw err; }));

/** A problem worded by the popup: a message key, or an error's fields (the core's `code`, `key`, `params`). */
class Problem extends Error {
  constructor(key) {
    super(key);
    this.key = key;
  }
}

/**
 * Runs in the frame of the image (self-contained: `executeScript` copies its text). Finds the image
 * by its address (the one in view, when several share it) and returns `{dataUrl}` — its pixels, on
 * white with a margin, when the page may read them — or else `{box, ratio}`: its box in the top
 * page's viewport (CSS px, through same-origin frames; null when a frame of another origin is in the
 * way) and the device pixel ratio, to cut it from a capture. Null when the image is gone.
 */
export function locateImage(srcUrl, margin) {
  const MAX_SIDE = 4096;
  const images = [...document.images].filter((i) => i.currentSrc === srcUrl || i.src === srcUrl);
  const inView = (r) => r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0 && r.left < innerWidth && r.top < innerHeight;
  const img = images.find((i) => inView(i.getBoundingClientRect())) ?? images[0];
  if (!img) return null;
  if (img.complete && img.naturalWidth > 0) {
    try {
      const scale = Math.min(1, MAX_SIDE / Math.max(img.naturalWidth, img.naturalHeight));
      const w = Math.round(img.naturalWidth * scale);
      const h = Math.round(img.naturalHeight * scale);
      const pad = Math.round(Math.max(w, h) / 10);
      const canvas = document.createElement('canvas');
      canvas.width = w + 2 * pad;
      canvas.height = h + 2 * pad;
      const ctx = canvas.getContext('2d');
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(img, pad, pad, w, h);
      return { dataUrl: canvas.toDataURL('image/png') };  // throws for another origin's image
    } catch {
      // Another origin's image: only a capture of the tab shows its pixels.
    }
  }
  const r = img.getBoundingClientRect();
  let box = { left: r.left - margin, top: r.top - margin, right: r.right + margin, bottom: r.bottom + margin };
  // Up through the frames: each frame's content box offsets and clips the box.
  for (let win = window; win !== win.top; win = win.parent) {
    const frame = win.frameElement;  // null when the parent is of another origin
    if (!frame) return { box: null, ratio: devicePixelRatio };
    const f = frame.getBoundingClientRect();
    const x = f.left + frame.clientLeft;
    const y = f.top + frame.clientTop;
    box = {
      left: Math.max(box.left + x, x), top: Math.max(box.top + y, y),
      right: Math.min(box.right + x, x + frame.clientWidth), bottom: Math.min(box.bottom + y, y + frame.clientHeight),
    };
  }
  const view = { width: window.top.innerWidth, height: window.top.innerHeight };
  box = { left: Math.max(box.left, 0), top: Math.max(box.top, 0), right: Math.min(box.right, view.width), bottom: Math.min(box.bottom, view.height) };
  const visible = box.right > box.left && box.bottom > box.top;
  return { box: visible ? { x: box.left, y: box.top, width: box.right - box.left, height: box.bottom - box.top } : 'outside', ratio: devicePixelRatio };
}

/** The visible tab's pixels. */
async function capture(tab) {
  let dataUrl;
  try {
    dataUrl = await captureVisibleTab(tab.windowId);
  } catch {
    throw new Problem('captureFailed');  // the browser's own pages, the extension stores
  }
  return pixelsOf(await blobOf(dataUrl));
}

/** The pixels of the image the menu was opened on (`info.srcUrl` in frame `info.frameId`). */
async function imagePixels(info, tab) {
  if (info.srcUrl?.startsWith('data:')) {
    try {
      return await pixelsOf(await blobOf(info.srcUrl));
    } catch {
      // An image this worker cannot decode (SVG): the capture shows it as the page drew it.
    }
  }
  let found;
  try {
    found = await runInFrame(tab.id, info.frameId, locateImage, [info.srcUrl, MARGIN_PX]);
  } catch {
    found = { box: null, ratio: 1 };  // a frame that refuses scripts: the whole visible tab is read
  }
  if (!found) throw new Problem('imageGone');
  if (found.dataUrl) {
    try {
      return await pixelsOf(await blobOf(found.dataUrl));
    } catch {
      // An empty drawing (an image without a size of its own): read from the capture.
    }
  }
  if (found.box === 'outside') throw new Problem('imageNotVisible');
  const shot = await capture(tab);
  if (!found.box) return shot;
  const { x, y, width, height } = found.box;
  const r = found.ratio;
  return crop(shot, { x: x * r, y: y * r, width: width * r, height: height * r }) ?? shot;
}

/** Every payload in `pixels`; throws a Problem worded for where they came from when there is none. */
async function decode(pixels, { onPage }) {
  await tools();
  const payloads = qrDecodeRgba(pixels.data, pixels.width, pixels.height);
  if (payloads.length) return payloads;
  if (!onPage) throw new Problem('noQrInPicture');
  // Finder patterns at the edge of the capture: the code is there but cut off by the window.
  throw new Problem(qrCutAtEdgeRgba(pixels.data, pixels.width, pixels.height) ? 'qrCutOff' : 'noQrOnPage');
}

/**
 * The menu's click (`info`, `tab`: the listener's arguments): reads the codes and leaves them (or
 * what went wrong) for the popup, with a badge saying so until a popup takes them. Returns, for
 * tests and without a secret: `{found: number of payloads, problem: message key or error code}`.
 */
export async function readForPopup(info, tab) {
  const site = siteOf(tab);
  const onPage = info.menuItemId !== MENU_IMAGE;
  let payloads = [];
  let problem = null;
  try {
    payloads = await decode(onPage ? await capture(tab) : await imagePixels(info, tab), { onPage });
  } catch (err) {
    problem = err instanceof Problem ? { key: err.key } : { code: err?.code, key: err?.key, params: err?.params, message: String(err?.message ?? err) };
  }
  // The badge first: a popup that is open takes what is left at once, and clears it.
  const [text, title] = problem ? ['!', msg('scanProblemBadge')] : [`+${payloads.length}`, msg('scanFoundBadge', payloads.length)];
  await setBadge(site.id, text, title);
  // Accounts read from a page remember its site, as a scan in the popup does.
  await leaveScanned({ tabId: site.id, site: site.host, payloads, problem });
  return { found: payloads.length, problem: problem?.key ?? problem?.code ?? null };
}
