//! Module 1, "codes": what the popup needs for its first paint and its daily use. It holds the
//! vault (open, unlock and lock, save), computes the codes, and adds, renames, pins, moves and
//! deletes accounts (and undoes a deletion or a replacement for a while). Imports it takes as text (pasted links, QR payloads) or as a file the tools module read;
//! exports leave as text (`otpauth://` lines, Google Authenticator parts, an encrypted backup).
//! No QR decoder or encoder, image code or importer of other apps' files is linked in.

use authbar_core::sealed::{Random, RandomFailed};
use authbar_core::vault::Undo;
use authbar_core::{Coded, LockError, LockState, Vault};
use wasm_bindgen::prelude::*;

use crate::js::{to_js, to_js_error};
use crate::views;

mod export;
mod glance;
mod lock;
mod passkey;
mod pending;
mod preview;
mod site;
mod sync;

use pending::Pending;

/// Runs a core call with the browser's random source (`crypto.getRandomValues`). If the source
/// fails, the core stops with `random_failed` before anything is encrypted.
fn with_random<T, E: Coded>(f: impl FnOnce(Random<'_>) -> Result<T, E>) -> Result<T, JsValue> {
    let mut fill = |buf: &mut [u8]| getrandom::fill(buf).map_err(|_| RandomFailed);
    f(&mut fill).map_err(|e| to_js_error(&e))
}

/// The vault in its lock state (the core's [`LockState`]: plain, locked, or unlocked with its key),
/// an import awaiting confirmation, and what undo would put back.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Authbar {
    state: LockState,
    /// The import shown for confirmation, and what it was made from.
    pending: Pending,
    /// The last deletion or replacement, while undo is offered (`glance.rs`).
    undo: Option<Undo>,
}

#[wasm_bindgen]
impl Authbar {
    /// Loads the stored text, as UTF-8 bytes (`TextEncoder.encode`: a string would cross one
    /// character at a time; `null` or `undefined`: a new, empty list). An encrypted vault loads
    /// locked. A list written by a newer version throws an error with code `vault_future_schema` or
    /// `sealed_future_version`, a damaged one `vault_corrupt` or `sealed_corrupt`; the caller must
    /// not overwrite it.
    #[wasm_bindgen(constructor)]
    pub fn new(stored: Option<Vec<u8>>) -> Result<Authbar, JsValue> {
        Ok(Authbar {
            state: LockState::open(stored).map_err(|e| to_js_error(&e))?,
            pending: Pending::default(),
            undo: None,
        })
    }

    pub(crate) fn vault(&self) -> Result<&Vault, JsValue> {
        self.state.vault().map_err(|e| to_js_error(&e))
    }

    pub(crate) fn vault_mut(&mut self) -> Result<&mut Vault, JsValue> {
        self.state
            .vault_mut()
            .map_err(|e: LockError| to_js_error(&e))
    }

    /// The accounts, without secrets.
    pub fn accounts(&self) -> Result<JsValue, JsValue> {
        to_js(&self.vault()?.views())
    }

    /// The accounts as the list shows and searches them (`{id, type, issuer, name, site}`): what the
    /// popup asks for each time it opens, so it is `accounts()` without the other fields.
    pub fn listed(&self) -> Result<JsValue, JsValue> {
        let entries = self.vault()?.entries().iter();
        views::listed(entries.map(|e| (e.id, &e.account, e.site.as_deref())))
    }

    /// How many accounts there are (0 while locked), without listing them.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> u32 {
        self.state
            .vault()
            .map_or(0, |v| v.entries().len().try_into().unwrap_or(u32::MAX))
    }

    /// The codes at `unix_ms` (the page's clock) of the accounts `ids`: the rows the popup shows,
    /// so a list of thousands computes only what is in view. In list order; an id of no account is
    /// left out.
    #[wasm_bindgen(js_name = codesOf)]
    pub fn codes_of(&self, ids: &[f64], unix_ms: f64) -> Result<JsValue, JsValue> {
        let vault = self.vault()?;
        views::codes(
            vault.entries().iter().map(|e| (e.id, &e.account)),
            ids,
            unix_ms,
        )
    }

    /// Moves an account to a position in the list (from 0).
    #[wasm_bindgen(js_name = moveEntry)]
    pub fn move_entry(&mut self, id: f64, to_index: u32) -> Result<(), JsValue> {
        self.vault_mut()?
            .move_entry(id as u64, to_index as usize)
            .map_err(|e| to_js_error(&e))
    }

    /// Renames an account.
    pub fn rename(&mut self, id: f64, issuer: &str, name: &str) -> Result<(), JsValue> {
        let issuer = Some(issuer.trim().to_string());
        self.vault_mut()?
            .rename(id as u64, issuer, name.trim().to_string())
            .map_err(|e| to_js_error(&e))
    }

    /// Deletes an account; `undo()` brings it back until `dropUndo()` (or the next deletion).
    pub fn remove(&mut self, id: f64) -> Result<(), JsValue> {
        let undo = self
            .vault_mut()?
            .remove_undoable(id as u64)
            .map_err(|e| to_js_error(&e))?;
        self.offer_undo(undo);
        Ok(())
    }

    /// HOTP: moves the counter on; returns the new code.
    #[wasm_bindgen(js_name = nextHotp)]
    pub fn next_hotp(&mut self, id: f64) -> Result<String, JsValue> {
        self.vault_mut()?
            .next_hotp(id as u64)
            .map(|c| c.to_string())
            .map_err(|e| to_js_error(&e))
    }
}
