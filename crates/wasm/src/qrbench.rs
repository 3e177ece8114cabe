//! The QR decoder's raw results for `tests/e2e/qr-bench.mjs` (the benchmark of the decoder as it runs
//! in the extension's wasm), and the "is a code cut off at the edge?" check for "Scan this page".
//! Adapters only: each converts the JavaScript buffer and calls `authbar_core::qr`.

use authbar_core::qr;
use wasm_bindgen::prelude::*;

fn qr_error(e: &qr::QrError) -> JsValue {
    super::core_error(e)
}

/// Every payload the core reads in an RGBA image (`getImageData`'s layout), as strings, without the
/// import step `previewQr` adds: what the benchmark scores.
#[wasm_bindgen(js_name = qrDecodeRgba)]
pub fn qr_decode_rgba(rgba: &[u8], width: u32, height: u32) -> Result<Vec<String>, JsValue> {
    let found = qr::decode_rgba(rgba, width, height).map_err(|e| qr_error(&e))?;
    Ok(found.into_iter().map(|p| p.text).collect())
}

/// Whether an RGBA image in which no code was read shows a QR code running off its edge, so the
/// popup can say "scroll so the whole QR code is visible" instead of "no QR code".
#[wasm_bindgen(js_name = qrCutAtEdgeRgba)]
pub fn qr_cut_at_edge_rgba(rgba: &[u8], width: u32, height: u32) -> Result<bool, JsValue> {
    qr::code_cut_at_edge_rgba(rgba, width, height).map_err(|e| qr_error(&e))
}
