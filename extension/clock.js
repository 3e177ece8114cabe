// The clock check (the seed's 30-second rule): this computer's clock against the site in the tab —
// its `/api/time` when it has one (the companion server's, millisecond exact), else its HTTP `Date`
// header, sampled around the site's second ticks to get below the header's one-second resolution.
// The core estimates the offset from the timed samples; this module times them and shows the result,
// and the user may apply the correction to the codes shown (marked as corrected).
import { codesModule } from './wasm.js';
import { msg, loadSettings, saveSettings } from './ext.js';
import { $, el } from './dom.js';
import { apiTimeSample, askAccess, dateSample } from './inpage.js';
import { current, setCorrection } from './correction.js';

const API_SAMPLES = 3;
const DATE_SAMPLES = 6;
const SHOW_FROM_MS = 1000;   // smaller offsets are shown as "in step"

let onChange = () => {};

/** Measures the offset against the tab's site: `{offsetMs, uncertaintyMs, verdict, source}`. */
export async function measure(tab) {
  const samples = [];
  while (samples.length < API_SAMPLES) {
    const sample = await apiTimeSample(tab.origin);
    if (!sample) break;
    samples.push(sample);
  }
  const { estimateSkew, nextProbeAt } = codesModule();
  if (samples.length > 0) return { ...estimateSkew(samples), source: 'api' };
  samples.push(await dateSample(tab, Date.now()));
  while (samples.length < DATE_SAMPLES) {
    // A few ms ahead: the request must not be scheduled in the past while the page script starts.
    samples.push(await dateSample(tab, nextProbeAt(samples, Date.now() + 40)));
  }
  return { ...estimateSkew(samples), source: 'date' };
}

const seconds = (ms) => (Math.abs(ms) / 1000).toFixed(Math.abs(ms) < 10_000 ? 1 : 0);

/**
 * Shows a measurement: the offset, a warning past 15 s, and the offer to correct the codes; or, with
 * no measurement (`result` null), the correction in force.
 */
function show(result, host) {
  const box = $('#clock');
  const correction = current();
  if (!result) {
    if (!correction) return;
    result = { offsetMs: correction.offsetMs, uncertaintyMs: 0, verdict: 'fine', source: 'stored' };
    host = correction.host;
  }
  const applied = correction && correction.host === host && Math.abs(correction.offsetMs - result.offsetMs) <= 1000;
  // The site's clock minus ours: positive means this computer is behind.
  const where = result.offsetMs > 0 ? 'clockBehind' : 'clockAhead';
  const parts = [];
  if (applied) {
    parts.push(el('span', {}, msg('clockCorrected', `${result.offsetMs > 0 ? '+' : '−'}${seconds(result.offsetMs)}`, host)));
    parts.push(el('button', { type: 'button', className: 'link', id: 'clock-undo', textContent: msg('clockUndo'), onclick: () => apply(null, result, host) }));
  } else if (Math.abs(result.offsetMs) < SHOW_FROM_MS) {
    parts.push(el('span', {}, msg('clockInStep', host)));
  } else {
    parts.push(el('span', {}, msg(where, seconds(result.offsetMs), host)));
    if (result.verdict !== 'fine') parts.push(el('span', { className: 'clock-warning' }, msg('clockWarning')));
    parts.push(el('button', { type: 'button', className: 'link', id: 'clock-apply', textContent: msg('clockApply'), onclick: () => apply(result.offsetMs, result, host) }));
  }
  box.replaceChildren(...parts);
  box.className = `notice${result.verdict !== 'fine' && !applied ? ' warn' : ''}`;
  box.dataset.offsetMs = String(Math.round(result.offsetMs));
  box.dataset.uncertaintyMs = String(Math.round(result.uncertaintyMs));
  box.dataset.source = result.source;
  box.hidden = false;
}

async function apply(offsetMs, result, host) {
  const correction = offsetMs === null ? null : { offsetMs, host };
  const settings = await loadSettings();
  await saveSettings({ ...settings, clockCorrection: correction });
  setCorrection(correction);
  onChange();
  show(result, host);
  $(correction ? '#clock-undo' : '#clock-apply')?.focus();
}

/**
 * Checks the tab's site in the background. `changed()` runs when the correction is applied or undone
 * (the codes must be computed again).
 */
export async function start(tab, changed) {
  onChange = changed;
  show(null);
  if (tab?.origin) await check(tab);
}

/** Measures and shows the offset; `asked`: the user gave the site's permission for this check. */
async function check(tab, asked = false) {
  try {
    show(await measure(tab), tab.host);
  } catch (err) {
    // The page refused the request and the site's permission is not given: offer to ask for it.
    if (err?.code === 'needs_access') offerAccess(tab);
    // The user's permission was in vain: say so, rather than leave the offer standing.
    else if (asked) say('clockNoAnswer', tab.host);
    // Otherwise a site without a readable time (an error page, a blocked request): nothing to say.
  }
}

/** Puts one message (and an optional button) in the clock notice, in place of what it said. */
function say(key, host, button = null) {
  $('#clock').replaceChildren(el('p', {}, msg(key, host)), ...(button ? [button] : []));
}

/** Says why the clock is not checked, with a button that asks for the site's permission and checks. */
function offerAccess(tab) {
  const allow = el('button', { type: 'button', className: 'link', id: 'clock-allow', textContent: msg('clockAllow') });
  allow.onclick = () => {
    // The request must come first in the click: nothing may be awaited before it.
    askAccess(tab.origin).catch(() => false)
      .then((given) => (given ? check(tab, true) : say('clockRefused', tab.host)));
    allow.disabled = true;
  };
  say('clockNeedsAccess', tab.host, allow);
  const box = $('#clock');
  box.className = 'notice';
  box.dataset.source = 'none';
  box.hidden = false;
}
