//! Finding an account at a glance, and undo: pins, logo choices, what the list shows of them, and
//! putting back a deletion or a replacement for a while (the core's [`Undo`], held here in the
//! module's memory, never stored and never handed to JavaScript: it holds the secrets).

use authbar_core::vault::Undo;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::Authbar;
use crate::js::{js_error, to_js, to_js_error};

/// What the list shows of an entry beside `listed()`'s fields.
#[derive(Serialize)]
struct Choices<'a> {
    id: u64,
    pinned: bool,
    logo: Option<&'a str>,
}

#[wasm_bindgen]
impl Authbar {
    /// Each account's pin and logo choice, in list order: `[{id, pinned, logo}]` (`logo`: a slug,
    /// `"letter"`, or `null` for the one its issuer and site match).
    pub fn choices(&self) -> Result<JsValue, JsValue> {
        let choices: Vec<Choices<'_>> = self
            .vault()?
            .entries()
            .iter()
            .map(|e| Choices {
                id: e.id,
                pinned: e.pinned,
                logo: e.logo.as_deref(),
            })
            .collect();
        to_js(&choices)
    }

    /// Pins an account to the top of the list (the last of the pinned), or unpins it (the first of
    /// the others).
    #[wasm_bindgen(js_name = setPinned)]
    pub fn set_pinned(&mut self, id: f64, pinned: bool) -> Result<(), JsValue> {
        self.vault_mut()?
            .set_pinned(id as u64, pinned)
            .map_err(|e| to_js_error(&e))
    }

    /// Chooses an account's logo: a slug of `logoBrands()`, `"letter"`, or `null` for the one its
    /// issuer and site match. Another slug throws `unknown_logo`, text that is no slug `bad_logo`.
    #[wasm_bindgen(js_name = setLogo)]
    pub fn set_logo(&mut self, id: f64, logo: Option<String>) -> Result<(), JsValue> {
        self.vault_mut()?
            .set_logo(id as u64, logo.as_deref())
            .map_err(|e| to_js_error(&e))
    }

    /// Whether there is a deletion or replacement to undo.
    #[wasm_bindgen(getter, js_name = canUndo)]
    pub fn can_undo(&self) -> bool {
        self.undo.is_some()
    }

    /// Undoes the last deletion or import that replaced accounts: what it took out comes back where
    /// it was, and what it put in goes. Returns the ids brought back. Nothing to undo (it expired, or
    /// the vault was locked or opened again) throws `nothing_to_undo`; an account that is in the list
    /// again throws `already_back`, and nothing changes. Either way the undo is used up.
    pub fn undo(&mut self) -> Result<Vec<f64>, JsValue> {
        let vault = self.state.vault_mut().map_err(|e| to_js_error(&e))?;
        let undo = self.undo.take().ok_or_else(|| {
            js_error(
                "nothing_to_undo",
                "there is nothing to undo: undo is offered for a while after a deletion or a replacement",
            )
        })?;
        let ids = vault.undo(undo).map_err(|e| to_js_error(&e))?;
        Ok(ids.into_iter().map(|id| id as f64).collect())
    }

    /// Forgets what undo would bring back (its time is over): the accounts it held leave memory.
    #[wasm_bindgen(js_name = dropUndo)]
    pub fn drop_undo(&mut self) {
        self.undo = None;
    }

    /// Keeps what undo needs of a change (an import that replaced nothing has nothing to undo).
    pub(super) fn offer_undo(&mut self, undo: Undo) {
        if !undo.is_empty() {
            self.undo = Some(undo);
        }
    }
}
