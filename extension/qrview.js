// The QR viewer: one account's code for a phone, or the parts of a Google Authenticator export one at
// a time ("1 of 3"). The codes are drawn by the tools module.
import { msg } from './ext.js';
import { $, label } from './dom.js';
import { loadTools } from './wasm.js';

/** Shows `items` (`[{svg, label}]`) under `title`. */
export function showQrs(title, items) {
  let at = 0;
  const draw = () => {
    const svg = new DOMParser().parseFromString(items[at].svg, 'image/svg+xml').documentElement;
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', items[at].label);
    $('#qr-image').replaceChildren(svg);
    $('#qr-part').textContent = items.length > 1 ? msg('partOf', at + 1, items.length) : '';
    $('#qr-prev').hidden = $('#qr-next').hidden = items.length < 2;
    $('#qr-prev').disabled = at === 0;
    $('#qr-next').disabled = at === items.length - 1;
  };
  $('#qr-title').textContent = title;
  $('#qr-prev').onclick = () => { at -= 1; draw(); };
  $('#qr-next').onclick = () => { at += 1; draw(); };
  draw();
  $('#qr-view').hidden = false;
  $('#qr-close').focus();
}

/** An account's `otpauth://` link as a QR code, to move it to a phone. */
export async function showAccountQr(core, a) {
  const tools = await loadTools();
  showQrs(msg('qrOf', label(a)), [{ svg: await tools.qrSvg(core.accountUri(a.id)), label: label(a) }]);
}

/** Wires the viewer's Close (and Escape). */
export function wireQrView() {
  $('#qr-close').addEventListener('click', () => { $('#qr-view').hidden = true; $('#qr-image').replaceChildren(); });
  $('#qr-view').addEventListener('keydown', (e) => { if (e.key === 'Escape') $('#qr-close').click(); });
}
