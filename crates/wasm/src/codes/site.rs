//! The tab's site and clock: which accounts belong to the site, tying an account to it, and the
//! clock offset from timed requests (the popup times them; the core decides).

use authbar_core::skew::{self, TimeSample};
use wasm_bindgen::prelude::*;

use super::Authbar;
use crate::js::{from_js, to_js, to_js_error};
use crate::views;

#[wasm_bindgen]
impl Authbar {
    /// The accounts that belong to a host (`new URL(tab.url).hostname`): `[{id, how: "stored" |
    /// "issuer"}]`, the stored sites first.
    pub fn matching(&self, host: &str) -> Result<JsValue, JsValue> {
        let entries = self.vault()?.entries().iter();
        views::matching(entries.map(|e| (e.id, &e.account, e.site.as_deref())), host)
    }

    /// Ties an account to the host it was added or filled from (`null`: unties it).
    #[wasm_bindgen(js_name = setSite)]
    pub fn set_site(&mut self, id: f64, host: Option<String>) -> Result<(), JsValue> {
        self.vault_mut()?
            .set_site(id as u64, host.as_deref())
            .map_err(|e| to_js_error(&e))
    }
}

/// The clock offset from timed requests (`[{sentMs, receivedMs, serverMs, resolutionMs}]`):
/// `{offsetMs, uncertaintyMs, verdict: "fine" | "warn" | "fails"}`.
#[wasm_bindgen(js_name = estimateSkew)]
pub fn estimate_skew(samples: JsValue) -> Result<JsValue, JsValue> {
    let samples: Vec<TimeSample> = from_js(&samples)?;
    to_js(&skew::estimate(&samples).map_err(|e| to_js_error(&e))?)
}

/// When (local ms) to send the next request to a server with whole-second times (a `Date` header).
#[wasm_bindgen(js_name = nextProbeAt)]
pub fn next_probe_at(samples: JsValue, now_ms: f64) -> Result<f64, JsValue> {
    let samples: Vec<TimeSample> = from_js(&samples)?;
    skew::next_probe_at(&samples, now_ms).map_err(|e| to_js_error(&e))
}
