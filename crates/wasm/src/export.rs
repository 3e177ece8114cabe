//! Accounts going out: encrypted backups, plain `otpauth://` lines, Google Authenticator export
//! parts and QR codes.

use authbar_core::export::qr_code::QrMatrix;
use authbar_core::sealed::{self, KdfParams};
use wasm_bindgen::prelude::*;

use crate::{Authbar, core_error, to_js, vault_error, with_random};

fn to_ids(ids: Vec<f64>) -> Vec<u64> {
    ids.into_iter().map(|id| id as u64).collect()
}

/// A QR code (SVG text) of any payload, e.g. one part of a Google Authenticator export.
#[wasm_bindgen(js_name = qrSvg)]
pub fn qr_svg(text: &str) -> Result<String, JsValue> {
    QrMatrix::encode(text)
        .map(|m| m.to_svg())
        .map_err(|e| core_error(&e))
}

#[wasm_bindgen]
impl Authbar {
    /// The accounts with these ids (all: `null`) as `otpauth://` lines (plain text: the caller
    /// warns first).
    #[wasm_bindgen(js_name = exportOtpauth)]
    pub fn export_otpauth(&self, ids: Option<Vec<f64>>) -> Result<String, JsValue> {
        let ids = ids.map(to_ids);
        self.vault()?
            .export_otpauth(ids.as_deref())
            .map_err(|e| vault_error(&e))
    }

    /// The accounts with these ids (all: `null`) as Google Authenticator export parts
    /// (`{parts: [{index, size, uri, entryIds}], refused: [...]}`); `batchId` is random from the page.
    #[wasm_bindgen(js_name = exportMigration)]
    pub fn export_migration(
        &self,
        ids: Option<Vec<f64>>,
        batch_id: i32,
    ) -> Result<JsValue, JsValue> {
        let ids = ids.map(to_ids);
        let export = self
            .vault()?
            .export_migration(ids.as_deref(), batch_id)
            .map_err(|e| vault_error(&e))?;
        to_js(&export)
    }

    /// The account's `otpauth://` URI as a QR code (SVG text), to scan with a phone.
    #[wasm_bindgen(js_name = accountQr)]
    pub fn account_qr(&self, id: f64) -> Result<String, JsValue> {
        let text = self
            .vault()?
            .export_otpauth(Some(&[id as u64]))
            .map_err(|e| vault_error(&e))?;
        qr_svg(text.trim_end())
    }

    /// An encrypted backup (`.authbar`) of every account, under its own passphrase.
    #[wasm_bindgen(js_name = exportBackup)]
    pub fn export_backup(&self, passphrase: &str) -> Result<String, JsValue> {
        let vault = self.vault()?;
        let (backup, _) =
            with_random(|random| sealed::seal(vault, passphrase, KdfParams::DEFAULT, random))?;
        Ok(backup.to_text())
    }
}
