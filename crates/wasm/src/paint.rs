//! Module 0, "paint": only what the popup's first screen needs — the stored vault read by the core's
//! first-screen reader (`authbar_core::quick`: a plain list, or a sealed vault opened with the key held
//! while unlocked), the list's rows, the codes of the rows in view, and the accounts of the tab's
//! site. No `serde`, nothing that writes, unlocks with a passphrase, adds or exports: the `codes`
//! module takes over after the first paint. A text the first-screen reader declines throws
//! `first_screen_declined`, and the popup opens it with the `codes` module instead.

use authbar_core::quick::FirstScreen;
use authbar_core::sealed::DataKey;
use wasm_bindgen::prelude::*;

use crate::js::js_error;
use crate::views;

/// The vault as the first screen shows it: read-only.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Paint {
    screen: FirstScreen,
}

#[wasm_bindgen]
impl Paint {
    /// Reads the stored text (UTF-8 bytes; `null`: nothing stored yet) with the held data key
    /// (base64; `null`: none). A protected vault without a key, or with one that no longer opens it,
    /// is locked.
    #[wasm_bindgen(constructor)]
    pub fn new(stored: Option<Vec<u8>>, held: Option<String>) -> Result<Paint, JsValue> {
        let declined = || {
            js_error(
                "first_screen_declined",
                "the first screen does not read this vault: the codes module does",
            )
        };
        let text = match &stored {
            Some(bytes) => Some(std::str::from_utf8(bytes).map_err(|_| declined())?),
            None => None,
        };
        let key = held.and_then(|held| DataKey::from_base64(&held).ok());
        let screen = FirstScreen::read(text, key.as_ref()).ok_or_else(declined)?;
        Ok(Paint { screen })
    }

    /// Whether a passphrase protects the vault.
    #[wasm_bindgen(getter)]
    pub fn protected(&self) -> bool {
        self.screen.is_protected()
    }

    /// Whether the accounts are out of reach.
    #[wasm_bindgen(getter)]
    pub fn locked(&self) -> bool {
        self.screen.is_locked()
    }

    /// How many accounts there are (0 while locked).
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> u32 {
        self.screen.entries().len().try_into().unwrap_or(u32::MAX)
    }

    /// The rows: `Authbar.listed()`'s shape.
    pub fn listed(&self) -> Result<JsValue, JsValue> {
        views::listed(
            self.screen
                .entries()
                .iter()
                .map(|e| (e.id, &e.account, e.site.as_deref())),
        )
    }

    /// The codes of the accounts `ids` at `unix_ms`: `Authbar.codesOf()`'s shape.
    #[wasm_bindgen(js_name = codesOf)]
    pub fn codes_of(&self, ids: &[f64], unix_ms: f64) -> Result<JsValue, JsValue> {
        views::codes(
            self.screen.entries().iter().map(|e| (e.id, &e.account)),
            ids,
            unix_ms,
        )
    }

    /// The accounts of the tab's host: `Authbar.matching()`'s shape.
    pub fn matching(&self, host: &str) -> Result<JsValue, JsValue> {
        views::matching(
            self.screen
                .entries()
                .iter()
                .map(|e| (e.id, &e.account, e.site.as_deref())),
            host,
        )
    }
}
