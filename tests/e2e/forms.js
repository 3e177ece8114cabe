// The corpus of one-time-code forms (tests/fixtures/forms/) and what the tests that fill them share:
// the pages' server, the accounts, which rule finds each form's field and which technique its page
// takes, and the page's own reading of what it got. Used by fill.test.js (from the popup) and
// keystroke.test.js (from the fill shortcut).
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { join, basename } from 'node:path';
import { ROOT } from './harness.js';

export const FORMS = join(ROOT, 'tests/fixtures/forms');
export const SIX = { name: 'alice', secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', digits: 6 };
export const EIGHT = { name: 'eight', secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', digits: 8 };

// Each form of the corpus, the rule that finds its field and the technique its page takes.
export const CORPUS = [
  { form: 'plain.html', how: 'likely', by: 'value' },
  { form: 'boxes-otc.html', how: 'one-time-code', by: 'value' },
  { form: 'boxes-bare.html', how: 'boxes', by: 'value' },
  { form: 'boxes-keydown.html', how: 'boxes', by: 'keys' },
  { form: 'boxes-paste.html', how: 'boxes', by: 'paste' },
  { form: 'boxes-split.html', how: 'boxes', by: 'value' },
  { form: 'boxes-submit.html', how: 'one-time-code', by: 'value' },
  { form: 'boxes-8.html', how: 'one-time-code', by: 'value', account: EIGHT },
  { form: 'shadow.html', how: 'boxes', by: 'value' },
  { form: 'react.html', how: 'one-time-code', by: 'value' },
  { form: 'numeric.html', how: 'numeric', by: 'value' },
  { form: 'iframe.html', how: 'likely', by: 'value' },
  { form: 'password.html', how: 'likely', by: 'value' },
  { form: 'decoy.html', how: 'likely', by: 'value' },
  { form: 'focused.html', how: 'focused', by: 'value' },
  { form: 'modal.html', how: 'likely', by: 'value' },
  { form: 'dialog.html', how: 'focused', by: 'value' },
  { form: 'label.html?text=Bestätigungscode&lang=de', how: 'likely', by: 'value' },
];

/**
 * Serves the corpus (any host: the tests name it forms.test) on 127.0.0.1, and `extra` pages by path
 * (`{'/x.html': [type, body]}`). Resolves to the listening server.
 */
export async function serveForms(extra = {}) {
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    let type = 'text/html; charset=utf-8';
    let page;
    if (extra[path]) [type, page] = extra[path];
    else {
      try { page = readFileSync(join(FORMS, basename(path))); } catch { page = null; }
    }
    res.writeHead(page ? 200 : 404, { 'content-type': type });
    res.end(req.method === 'HEAD' ? undefined : page ?? 'not found');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** What the page read: its `data-KEY` (`received`: the code it got), in whichever of its frames has it. */
export async function reading(page, key = 'received') {
  for (const frame of page.frames()) {
    const value = await frame.evaluate((k) => document.body?.dataset[k], key);
    if (value !== undefined) return value;
  }
  return undefined;
}
