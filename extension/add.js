// The Add view: a setup link, a migration export or a secret typed or pasted; QR images chosen,
// dropped or pasted; the QR code on the tab's page, with a box drawn around it when the capture
// alone finds none. Everything read goes to the preview (popup.js), where the user picks what to add.
// Loaded when first used (popup.js `addView`): the first paint does not need it or images.js.
import { codesModule, loadTools, prefetchTools } from './wasm.js';
import { msg, captureVisibleTab } from './ext.js';
import { $, showError, describe } from './dom.js';
import { pixelsOf, blobOf, crop, MAX_BYTES, ImageError } from './images.js';

let app;  // {session, showPreview(preview, problems, site), closeSettings()}

/** Wires the view's controls (once, when the module is first loaded). */
export function start(context) {
  app = context;
  $('#text-form').addEventListener('submit', submitText);
  $('#add-text').addEventListener('input', () => { showError($('#add-text-error'), ''); $('#add-text').removeAttribute('aria-invalid'); });
  $('#add-name').addEventListener('input', () => $('#add-name').removeAttribute('aria-invalid'));
  $('#add-text').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); $('#text-form').requestSubmit(); }
  });
  $('#add-file').addEventListener('change', async (e) => { await importBlobs([...e.target.files]); e.target.value = ''; });
  $('#scan-page').addEventListener('click', () => scanPage());
  $('#region-cancel').addEventListener('click', () => { $('#region').hidden = true; $('#region-image').removeAttribute('src'); });
}

/** Opens Add with nothing left from the last time: an old issuer, name or 8 digits would silently
 * give the next secret the wrong settings. */
export function openAdd() {
  prefetchTools();
  app.closeSettings();
  $('#region').hidden = true;
  $('#text-form').reset();
  $('#advanced').open = false;
  $('#add-text').removeAttribute('aria-invalid');
  $('#add-name').removeAttribute('aria-invalid');
  showError($('#add-text-error'), '');
  showError($('#qr-error'), '');
  $('#add').hidden = false;
  $('#toggle-add').setAttribute('aria-expanded', 'true');
  $('#toggle-add').textContent = msg('close');
  $('#add-text').focus();
}

export function closeAdd() {
  $('#add').hidden = true;
  $('#toggle-add').setAttribute('aria-expanded', 'false');
  $('#toggle-add').textContent = msg('add');
}

function submitText(e) {
  e.preventDefault();
  const { core, tab } = app.session;
  const text = $('#add-text').value.trim();
  const errorNode = $('#add-text-error');
  showError(errorNode, '');
  try {
    // A link goes to the URI parser (which names a wrong scheme); the rest is a secret (the core's rule).
    const bare = !codesModule().Authbar.isLink(text);
    // A bare secret without a name is named after the site the popup was opened on, shown in the form.
    if (bare && tab?.host && !$('#add-issuer').value.trim() && !$('#add-name').value.trim()) $('#add-issuer').value = tab.host;
    const preview = !bare
      ? core.previewText(text)
      : core.previewFields({
        type: $('#add-type').value, secret: text, issuer: $('#add-issuer').value, name: $('#add-name').value,
        algorithm: $('#add-algorithm').value, digits: $('#add-digits').value, period: $('#add-period').value,
        counter: $('#add-counter').value,
      });
    if (bare && !$('#add-issuer').value.trim() && !$('#add-name').value.trim()) {
      // The secret is fine, but a code without a name cannot be told apart from the next one: ask.
      core.discard();
      showError(errorNode, msg('nameNeeded'));
      $('#add-name').setAttribute('aria-invalid', 'true');
      $('#add-name').focus();
      return;
    }
    app.showPreview(preview);
  } catch (err) {
    showError(errorNode, describe(err));
    $('#add-text').setAttribute('aria-invalid', 'true');
  }
}

/** Reads QR images (chosen, dropped or pasted) into one preview; what cannot be read is listed. */
export async function importBlobs(files) {
  if ($('#add').hidden) openAdd();
  const errorNode = $('#qr-error');
  showError(errorNode, '');
  const errors = [];
  let preview = null;
  for (const file of files) {
    const name = file.name || 'image';
    if (file.size > MAX_BYTES) {
      errors.push(msg('tooLarge', name, (file.size / 1048576).toFixed(1)));
      continue;
    }
    try {
      const { data, width, height } = await pixelsOf(file);
      const tools = await loadTools();
      // Several images add up to one preview.
      preview = app.session.core.previewPayloads(await tools.qrDecodeRgba(data, width, height), preview !== null);
    } catch (err) {
      if (err instanceof ImageError) errors.push(msg('notAnImage', name));
      else if (err.code === 'no_qr') errors.push(msg('noQrInImage', name));
      else errors.push(describe(err));
    }
  }
  if (preview) app.showPreview(preview, errors);
  else showError(errorNode, errors.join('\n'));
}

/**
 * Shows what the context menu read (ext.js `leaveScanned`): its codes in the preview, the accounts
 * recording the page's site as a scan here does, or why there were none.
 */
export function showScanned({ payloads, site, problem }) {
  let failed = problem;
  if (!failed) {
    try {
      app.showPreview(app.session.core.previewPayloads(payloads, false), [], site);
      return;
    } catch (err) {
      failed = err;
    }
  }
  if ($('#add').hidden) openAdd();
  showError($('#qr-error'), describe(failed));
}

/** Scans the visible tab. `screenshot` lets tests inject the capture. */
export async function scanPage(screenshot = null) {
  if ($('#add').hidden) openAdd();
  const errorNode = $('#qr-error');
  showError(errorNode, '');
  let dataUrl;
  try {
    dataUrl = screenshot ?? await captureVisibleTab();
  } catch (err) {
    // Protected pages (the browser's own, the extension store) say so; anything else is the missing
    // toolbar click: activeTab is granted only by clicking Authbar's button on that tab.
    const protectedPage = /cannot access|chrome:|edge:|about:|moz-extension:|webstore|addons\.mozilla/i.test(String(err?.message ?? err));
    showError(errorNode, msg(protectedPage ? 'captureFailed' : 'captureNeedsClick'));
    return;
  }
  const { data, width, height } = await pixelsOf(await blobOf(dataUrl));
  let tools;
  try {
    tools = await loadTools();
    // Accounts scanned from a page remember its site.
    app.showPreview(app.session.core.previewPayloads(await tools.qrDecodeRgba(data, width, height), false), [], app.session.tab?.host);
  } catch (err) {
    if (err.code !== 'no_qr') { showError(errorNode, describe(err)); return; }
    // Finder patterns at the edge of the capture: the code is there but cut off by the window.
    showError(errorNode, msg(await tools.qrCutAtEdgeRgba(data, width, height) ? 'qrCutOff' : 'noQrOnPage'));
    offerRegion({ data, width, height }, dataUrl);
  }
}

/**
 * The fallback when a capture shows no code: the screenshot, on which the user drags a box around
 * the code; the box is cut from the capture at its full device-pixel resolution and decoded alone.
 */
function offerRegion(pixels, dataUrl) {
  const panel = $('#region');
  const img = $('#region-image');
  const box = $('#region-box');
  img.src = dataUrl;
  img.alt = msg('regionImage');
  box.hidden = true;
  showError($('#region-error'), '');
  panel.hidden = false;
  let start = null;
  const point = (e) => {
    const r = img.getBoundingClientRect();
    return { x: Math.min(Math.max(e.clientX - r.left, 0), r.width), y: Math.min(Math.max(e.clientY - r.top, 0), r.height) };
  };
  img.parentElement.onpointerdown = (e) => {
    e.preventDefault();
    start = point(e);
    img.parentElement.setPointerCapture(e.pointerId);
  };
  img.parentElement.onpointermove = (e) => {
    if (!start) return;
    const p = point(e);
    Object.assign(box.style, { left: `${Math.min(start.x, p.x)}px`, top: `${Math.min(start.y, p.y)}px`, width: `${Math.abs(p.x - start.x)}px`, height: `${Math.abs(p.y - start.y)}px` });
    box.hidden = false;
  };
  img.parentElement.onpointerup = (e) => {
    if (!start) return;
    const p = point(e);
    const r = img.getBoundingClientRect();
    // Shown scaled to the popup's width: map the box back to the capture's own pixels.
    const sx = pixels.width / r.width, sy = pixels.height / r.height;
    const x = Math.floor(Math.min(start.x, p.x) * sx), y = Math.floor(Math.min(start.y, p.y) * sy);
    const w = Math.ceil(Math.abs(p.x - start.x) * sx), h = Math.ceil(Math.abs(p.y - start.y) * sy);
    start = null;
    decodeRegion(pixels, x, y, w, h);
  };
  $('#region-cancel').focus();
}

async function decodeRegion(pixels, x, y, w, h) {
  if (w < 8 || h < 8) { showError($('#region-error'), msg('regionTooSmall')); return; }
  const part = crop(pixels, { x, y, width: w, height: h });
  try {
    const tools = await loadTools();
    const preview = app.session.core.previewPayloads(await tools.qrDecodeRgba(part.data, part.width, part.height), false);
    $('#region').hidden = true;
    app.showPreview(preview, [], app.session.tab?.host);
  } catch (err) {
    showError($('#region-error'), err.code === 'no_qr' ? msg('noQrInRegion') : describe(err));
  }
}
