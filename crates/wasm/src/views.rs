//! What the popup's list reads — its rows, the codes of the rows in view, the accounts of the tab's
//! site — as the core writes them (`authbar_core::quick`), for the first-paint module (`paint`) and
//! the `codes` module alike, so both give one answer.
// A build of the tools module alone uses none of this.
#![cfg_attr(not(any(feature = "codes", feature = "paint")), allow(dead_code))]

use authbar_core::Account;
use authbar_core::quick::{codes_json, listed_json, matching_json};
use wasm_bindgen::JsValue;

use crate::js::js_error;

/// JSON text the core wrote, as the JavaScript value it describes.
fn parsed(text: &str) -> Result<JsValue, JsValue> {
    js_sys::JSON::parse(text)
}

/// The rows: `[{id, type, issuer, name, site}]`.
pub(crate) fn listed<'a>(
    entries: impl Iterator<Item = (u64, &'a Account, Option<&'a str>)>,
) -> Result<JsValue, JsValue> {
    parsed(&listed_json(entries))
}

/// The codes at `unix_ms` (the page's clock) of the accounts `ids`, in list order:
/// `[{id, code, remainingMs, periodMs}]`; an id of no account is left out.
pub(crate) fn codes<'a>(
    entries: impl Iterator<Item = (u64, &'a Account)>,
    ids: &[f64],
    unix_ms: f64,
) -> Result<JsValue, JsValue> {
    let ids: Vec<u64> = ids.iter().map(|&id| id as u64).collect();
    parsed(&codes_json(entries, &ids, unix_ms.max(0.0) as u64))
}

/// The accounts of `host`'s site, the stored sites first: `[{id, how: "stored" | "issuer"}]`.
pub(crate) fn matching<'a>(
    entries: impl Iterator<Item = (u64, &'a Account, Option<&'a str>)>,
    host: &str,
) -> Result<JsValue, JsValue> {
    match matching_json(entries, host) {
        Some(text) => parsed(&text),
        None => Err(js_error(
            "bad_site",
            "the tab's address gave no host name or address",
        )),
    }
}
