// What Authbar does in the page of the tab the popup (or the fill shortcut) acts on: a code filled
// into it, and its clock read. Everything here goes through `activeTab` (granted for that tab by the
// toolbar click or the keyboard shortcut) and `scripting`: no host permission. Only the clock check,
// on a page that refuses the in-page request, offers to ask for one origin's permission
// (`optional_host_permissions`), which the user gives with a click.

import { runInTab, hasAccess, requestAccess } from './ext.js';
import { fillInPage } from './fill.js';

/** Fills a code into the tab's page (see `fillInPage` in fill.js). Throws when the page is not reachable. */
export async function fillCode(tab, code) {
  return (await runInTab(tab.id, fillInPage, [code, tab.origin])) ?? { filled: false, reason: 'none' };
}

/**
 * Waits until the local clock reads `atMs`, then asks `origin` for a `Date` header. Self-contained:
 * it runs in the page (a same-origin request: every header is readable, and no permission is
 * needed), or in the popup when the origin's permission was given.
 */
async function timedDate(atMs, origin) {
  const wait = atMs - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  const sentMs = Date.now();
  const response = await fetch(`${origin}/`, { method: 'HEAD', cache: 'no-store', credentials: 'omit' });
  const receivedMs = Date.now();
  return { sentMs, receivedMs, date: response.headers.get('date') };
}

// The origins whose page gave no answer: their later samples are asked from the popup at once, not
// after another failed attempt in the page (which would also miss the moment the sample aims at).
const pageRefused = new Set();

/** A timed `Date` header of the tab's site, sent at local time `atMs`: a sample for the core. */
export async function dateSample(tab, atMs) {
  let answer;
  if (!pageRefused.has(tab.origin)) {
    try {
      answer = await runInTab(tab.id, timedDate, [atMs, tab.origin]);
    } catch {
      // The page cannot be scripted: asked from here below.
    }
  }
  // No answer from the page (it cannot be scripted, or its request failed: Chromium then gives no
  // result rather than an error): the popup asks the site itself, when it may.
  if (!answer) {
    pageRefused.add(tab.origin);
    answer = await dateFromHere(tab.origin, atMs);
  }
  const serverMs = Date.parse(answer?.date ?? '');
  if (!Number.isFinite(serverMs)) throw Object.assign(new Error('no Date header'), { code: 'no_time_samples' });
  return { sentMs: answer.sentMs, receivedMs: answer.receivedMs, serverMs, resolutionMs: 1000 };
}

/** The host permission that lets the popup itself ask `origin` (match patterns take no port). */
const accessTo = (origin) => {
  const { protocol, hostname } = new URL(origin);
  return { origins: [`${protocol}//${hostname}/*`] };
};

/**
 * The same request from the popup, when the site's permission was given. Without it this throws
 * `needs_access`: a browser asks the user only during a click (`askAccess`), never in the background.
 */
async function dateFromHere(origin, atMs) {
  if (!(await hasAccess(accessTo(origin)))) {
    throw Object.assign(new Error('no permission for the site'), { code: 'needs_access' });
  }
  return timedDate(atMs, origin);
}

/**
 * Asks the user for the site's permission (true when given). Call it straight from a click handler,
 * with nothing awaited before it: browsers refuse the request outside a user gesture.
 */
export function askAccess(origin) {
  return requestAccess(accessTo(origin));
}

/**
 * A timed read of a server's `/api/time` (the companion server's, readable from any origin), or null
 * when the site has none. Millisecond resolution: one sample is nearly exact.
 */
export async function apiTimeSample(origin) {
  const sentMs = Date.now();
  let unixMs;
  try {
    const response = await fetch(`${origin}/api/time`, { cache: 'no-store', credentials: 'omit' });
    if (!response.ok) return null;
    ({ unixMs } = await response.json());
  } catch {
    return null;
  }
  const receivedMs = Date.now();
  return Number.isFinite(unixMs) ? { sentMs, receivedMs, serverMs: unixMs, resolutionMs: 1 } : null;
}
