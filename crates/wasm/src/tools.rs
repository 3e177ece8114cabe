//! Module 2, "tools": the heavy readers and writers the popup loads only when Add or Settings opens.
//! Stateless: QR images in (payloads out, for the codes module's `previewPayloads`), export files in
//! (a [`FileRead`] out, for `previewRead`), and text out as a QR code. It holds no vault: the
//! accounts it reads go to the codes module, never the other way.

use authbar_core::export::qr_code::QrMatrix;
use authbar_core::{import_file, qr};
use wasm_bindgen::prelude::*;

use crate::js::{js_error, to_js_error};
use crate::read::FileRead;

/// Every payload the core reads in an RGBA image (`getImageData`'s layout), as strings: what the
/// codes module's `previewPayloads` takes, and what `tests/e2e/qr-bench.mjs` scores.
#[wasm_bindgen(js_name = qrDecodeRgba)]
pub fn qr_decode_rgba(rgba: &[u8], width: u32, height: u32) -> Result<Vec<String>, JsValue> {
    let found = qr::decode_rgba(rgba, width, height).map_err(|e| to_js_error(&e))?;
    Ok(found.into_iter().map(|p| p.text).collect())
}

/// Whether an RGBA image in which no code was read shows a QR code running off its edge, so the
/// popup can say "scroll so the whole QR code is visible" instead of "no QR code".
#[wasm_bindgen(js_name = qrCutAtEdgeRgba)]
pub fn qr_cut_at_edge_rgba(rgba: &[u8], width: u32, height: u32) -> Result<bool, JsValue> {
    qr::code_cut_at_edge_rgba(rgba, width, height).map_err(|e| to_js_error(&e))
}

/// Reads a file chosen for import: an export of any authenticator the core reads, an Authbar
/// backup, or text of `otpauth://` lines, told apart by content. Returns text to hand to the codes
/// module's `previewRead`. An encrypted file without `password` throws `password_required`; the
/// error's `format` names the file's format.
#[wasm_bindgen(js_name = readFile)]
pub fn read_file(bytes: &[u8], password: Option<String>) -> Result<String, JsValue> {
    let import = import_file(bytes, password.as_deref()).map_err(|e| to_js_error(&e))?;
    serde_json::to_string(&FileRead::from_import(import))
        .map_err(|e| js_error("internal", &e.to_string()))
}

/// A QR code (SVG text) of any payload: an account's `otpauth://` URI, or one part of a Google
/// Authenticator export.
#[wasm_bindgen(js_name = qrSvg)]
pub fn qr_svg(text: &str) -> Result<String, JsValue> {
    QrMatrix::encode(text)
        .map(|m| m.to_svg())
        .map_err(|e| to_js_error(&e))
}
