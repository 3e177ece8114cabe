// The popup's entry and its first paint: the stored vault read by the small `paint` module, the account
// list (accounts.js) with its codes, and the lock screen when locked — nothing else. Right after it,
// the codes module takes the vault over and app.js makes everything interactive (body.ready).
// Codes come from the WebAssembly core; this page only reads the clock.
import { loadPaint } from './wasm.js';
import { msg, LANGUAGE, loadStart, purgesDone } from './ext.js';
import { $, localize, showError, errorText, status, afterPaint } from './dom.js';
import { targetTab } from './tab.js';
import { setCorrection } from './correction.js';
import { Session } from './session.js';
import { AccountList } from './accounts.js';
import { showLock } from './lockscreen.js';

performance.mark('authbar:start');

// The app module waits for the first frame, or this long where no frame comes (a background window).
const FRAME_WAIT_MS = 100;

async function main() {
  document.documentElement.lang = LANGUAGE;
  localize();
  // Compile the paint module, read storage and ask for the tab at the same time.
  const [, stored, tab] = await Promise.all([loadPaint(), loadStart(), targetTab()]);
  setCorrection(stored.settings.clockCorrection);
  if (tab?.origin) $('#copy-hint').textContent = msg('copyHintFill');
  const session = await Session.open(stored, tab);
  let act = () => {};
  const list = new AccountList(session, (...args) => act(...args));
  showLock(session);
  if (session.readonly) showError($('#banner'), errorText(session.problem));
  list.render();
  // The site's own accounts are first: focus the first, so Enter fills its code.
  list.focusSite();
  performance.mark('authbar:painted');
  performance.measure('authbar:open', 'authbar:start', 'authbar:painted');
  document.body.classList.remove('loading');
  list.ticker.start(() => {
    // Announce renewals once, not every second.
    if (document.activeElement?.closest?.('#accounts')) status(msg('codesRenewed'));
  });
  // After the first paint: the codes module takes the vault over, and the views become interactive.
  // Asked for only once the frame is out: their requests and module tasks would otherwise come first.
  await afterPaint(FRAME_WAIT_MS);
  const [app] = await Promise.all([import('./app.js'), session.upgrade()]);
  act = app.start(session, list);
  document.body.classList.add('ready');
  // Search text for every account, made while the popup is idle, so the first keystroke needn't.
  requestIdleCallback(() => list.prepareSearch());
  // For tests: the account views (no secrets) as the popup holds them, and the purges it started
  // (this page's instance of ext.js: an `import('./ext.js')` of a test would be another, in dist).
  globalThis.authbarCore = () => session.core;
  globalThis.authbarPurgesDone = purgesDone;
}

main();
