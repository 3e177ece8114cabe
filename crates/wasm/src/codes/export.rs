//! Accounts going out as text: encrypted backups, plain `otpauth://` lines and Google Authenticator
//! export parts. Drawing them as QR codes is the tools module's `qrSvg`.

use authbar_core::sealed::{self, KdfParams};
use wasm_bindgen::prelude::*;

use super::{Authbar, with_random};
use crate::js::{to_js, to_js_error};

fn to_ids(ids: Vec<f64>) -> Vec<u64> {
    ids.into_iter().map(|id| id as u64).collect()
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
            .map_err(|e| to_js_error(&e))
    }

    /// One account's `otpauth://` URI, for the tools module's `qrSvg` to draw for a phone.
    #[wasm_bindgen(js_name = accountUri)]
    pub fn account_uri(&self, id: f64) -> Result<String, JsValue> {
        let mut text = self.export_otpauth(Some(vec![id]))?;
        text.truncate(text.trim_end().len());
        Ok(text)
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
            .map_err(|e| to_js_error(&e))?;
        to_js(&export)
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
