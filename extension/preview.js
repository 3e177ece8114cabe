// The preview of an import: every account it would add, with duplicates marked and a same-name
// account's choice (keep both, or replace the old one); the entries and imports that cannot be added,
// with why; and "Add selected", which commits the choices.
import { msg } from './ext.js';
import { $, el, label, describe, errorText, showError, status, slow, newPassphrase } from './dom.js';

export class PreviewView {
  /**
   * `session` (session.js), `list` (accounts.js); `opening()` closes whatever the preview replaces;
   * `committed(report, words)` is told what a commit did.
   */
  constructor(session, list, opening, committed = () => {}) {
    this.committed = committed;
    this.session = session;
    this.list = list;
    this.opening = opening;
    this.choices = new Map();  // index → 'add' | {replace: entryId}
    this.site = null;          // the host a shown preview was scanned from (its accounts record it)
    $('#preview-commit').addEventListener('click', () => this.add());
    $('#preview-cancel').addEventListener('click', () => this.cancel());
    $('#preview-protect').addEventListener('submit', (e) => { e.preventDefault(); this.protectAndCommit(); });
    $('#preview-plain').addEventListener('click', async () => {
      await this.session.updateSettings({ protectDeclined: true });
      await this.commit();
    });
  }

  get open() { return !$('#preview').hidden; }

  close() {
    $('#preview').hidden = true;
    $('#preview-protect').hidden = true;
    $('#preview-commit').hidden = false;
  }

  cancel() {
    this.session.core.discard();
    this.close();
    $('#toggle-add').focus();
  }

  /** Shows what an import would add; `site`: the host it was scanned from. */
  show(preview, extraProblems = [], site = null) {
    this.site = site ?? null;
    this.opening();
    const items = $('#preview-list');
    items.replaceChildren();
    this.choices = new Map();
    const update = () => { $('#preview-commit').disabled = this.choices.size === 0; };
    for (const a of preview.accounts) items.append(this.item(a, update));
    const problems = $('#preview-problems');
    problems.replaceChildren();
    for (const s of preview.skipped) problems.append(el('p', { className: 'error' }, `${msg('skipped')}: ${label(s)}: ${describe(s)}`));
    for (const p of preview.problems) {
      problems.append(el('p', { className: 'error' }, p.code === 'not_authenticator' ? `${msg('notAuthenticator')} ${p.text}` : describe(p)));
    }
    for (const text of extraProblems) problems.append(el('p', { className: 'error' }, text));
    update();
    $('#preview-commit').hidden = preview.accounts.length === 0;
    $('#preview').hidden = false;
    $('#preview-commit').focus();
  }

  /** One account of the preview: its box, its notes, and for a same-name account the choice. */
  item(a, update) {
    const { choices } = this;
    const box = el('input', { type: 'checkbox', checked: !a.duplicate, disabled: a.duplicate, attrs: { 'aria-label': label(a) } });
    if (!a.duplicate) choices.set(a.index, 'add');
    const notes = [];
    if (a.duplicate) notes.push(el('span', { className: 'dup' }, msg('alreadyAdded')));
    if (a.weakSecret) notes.push(el('span', { className: 'weak' }, msg('weakSecret', a.secretBits)));
    let how = null;
    if (a.status === 'sameName') {
      // Two entries with one name cannot be told apart: say so, and offer to replace the old one.
      notes.push(el('span', { className: 'dup' }, msg('sameNameExists')));
      how = el('select', { className: 'how', attrs: { 'aria-label': `${msg('sameNameChoice')}: ${label(a)}` } },
        el('option', { value: 'add', textContent: msg('keepBoth') }),
        ...a.entryIds.map((id, n) => el('option', { value: String(id), textContent: a.entryIds.length > 1 ? msg('replaceNth', n + 1) : msg('replaceExisting') })));
      how.addEventListener('change', () => {
        if (choices.has(a.index)) choices.set(a.index, how.value === 'add' ? 'add' : { replace: Number(how.value) });
      });
    }
    box.addEventListener('change', () => {
      if (box.checked) choices.set(a.index, !how || how.value === 'add' ? 'add' : { replace: Number(how.value) });
      else choices.delete(a.index);
      update();
    });
    return el('li', {}, box, el('div', { className: 'what' }, el('span', { className: 'label' }, label(a)), ...notes, how));
  }

  /**
   * "Add selected". Nothing is stored in the clear before the person has chosen: the first accounts
   * of a vault that has no passphrase, when neither a passphrase nor "Not now" was chosen yet, wait
   * for the choice (a plain record written once stays in the browser's files after a passphrase).
   */
  add() {
    const { session } = this;
    if (!session.protected && !session.settings.protectDeclined) {
      $('#preview-commit').hidden = true;
      showError($('#preview-protect-error'), '');
      $('#preview-protect').hidden = false;
      $('#preview-protect-new').focus();
      return;
    }
    this.commit();
  }

  /** The first accounts, protected: the passphrase is set on the empty vault, then they are added. */
  async protectAndCommit() {
    const pass = newPassphrase('#preview-protect-new', '#preview-protect-repeat', '#preview-protect-error');
    if (pass === null) return;
    await slow($('#preview-protect-go'), async () => {
      try {
        await this.session.setPassphrase(pass);
      } catch (err) {
        showError(err?.saving ? $('#banner') : $('#preview-protect-error'), err?.saving ? msg('saveFailed', err.message) : errorText(err));
        return;
      }
      $('#preview-protect-new').value = $('#preview-protect-repeat').value = '';
      await this.commit();
    });
  }

  async commit() {
    const { session, list } = this;
    const picked = [...this.choices].map(([index, choice]) => ({ index, choice }));
    let report;
    try {
      report = session.core.commit(picked);
    } catch (err) {
      showError($('#banner'), describe(err));
      return;
    }
    // Accounts scanned from a page remember its site.
    if (this.site) for (const id of [...report.ids, ...report.replaced]) session.core.setSite(id, this.site);
    if (!(await session.persist())) return;
    this.close();
    list.render();
    list.focus(report.ids[0] ?? report.replaced[0]);
    const parts = [msg('added', report.ids.length)];
    if (report.replaced.length) parts.push(msg('replaced', report.replaced.length));
    if (report.duplicates) parts.push(msg('duplicates', report.duplicates));
    status(parts.join('. '));
    this.committed(report, parts.join('. '));
    // A replaced account's old secret must not stay in the browser's files.
    if (report.replaced.length) await session.purge();
  }
}
