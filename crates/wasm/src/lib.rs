//! The browser extension's view of `authbar-core`: each export converts JavaScript values
//! (`f64` milliseconds, `Uint8Array` pixels, strings, plain objects) into core types and calls the core.
//! Errors reach JavaScript as `Error` objects with a stable `code` property.
#![forbid(unsafe_code)]

use authbar_core::import::Import;
use authbar_core::sealed::{self, DataKey, SealedError, SealedVault};
use authbar_core::uri::{self, Fields};
use authbar_core::vault::{Preview, Selection};
use authbar_core::{
    Coded, ImportError, Vault, VaultError, import_file, import_payload, import_text, qr,
};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

mod export;
mod lock;
mod qrbench;
mod site;

fn js_error(code: &str, message: &str) -> JsValue {
    let error = js_sys::Error::new(message);
    // Setting a property on a fresh Error cannot fail.
    let _ = js_sys::Reflect::set(&error, &"code".into(), &code.into());
    error.into()
}

/// Crosses the boundary as JSON text parsed by the browser: the core already carries serde_json for
/// its stored schema, and reusing it keeps the wasm smaller than a second serializer would.
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(value).map_err(|e| js_error("internal", &e.to_string()))?;
    js_sys::JSON::parse(&text)
}

fn from_js<T: serde::de::DeserializeOwned>(value: &JsValue) -> Result<T, JsValue> {
    let text: String = js_sys::JSON::stringify(value)?.into();
    serde_json::from_str(&text).map_err(|e| js_error("bad_fields", &e.to_string()))
}

/// An error of the core: its code, its English message, and the values it names (`params`), from
/// which the popup words it in the user's language.
pub(crate) fn core_error<E: Coded + ?Sized>(e: &E) -> JsValue {
    let error = js_error(e.code(), &e.to_string());
    let params = to_js(&e.params()).unwrap_or(JsValue::NULL);
    let _ = js_sys::Reflect::set(&error, &"params".into(), &params);
    error
}

fn vault_error(e: &VaultError) -> JsValue {
    core_error(e)
}

fn sealed_error(e: &SealedError) -> JsValue {
    core_error(e)
}

/// Runs a core call with the browser's random source. If the source fails, the call's result is
/// thrown away: nothing is ever encrypted under predictable bytes.
fn with_random<T>(
    f: impl FnOnce(sealed::Random<'_>) -> Result<T, SealedError>,
) -> Result<T, JsValue> {
    let mut failed = false;
    let mut fill = |buf: &mut [u8]| {
        if getrandom::fill(buf).is_err() {
            failed = true;
        }
    };
    let result = f(&mut fill);
    if failed {
        return Err(js_error(
            "random_failed",
            "the browser's random number generator failed; nothing was changed",
        ));
    }
    result.map_err(|e| sealed_error(&e))
}

fn not_protected() -> JsValue {
    js_error("not_protected", "no passphrase is set")
}

fn locked_error() -> JsValue {
    js_error(
        "locked",
        "the vault is locked: unlock it with the passphrase",
    )
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CodeView {
    id: u64,
    code: String,
    /// Milliseconds until the code changes (TOTP); 0 for HOTP.
    remaining_ms: f64,
    /// The step length in milliseconds (TOTP); 0 for HOTP.
    period_ms: f64,
}

/// A preview as the popup shows it: the core's, and how many QR codes the images held.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PreviewJs<'a> {
    #[serde(flatten)]
    preview: &'a Preview,
    qr_count: usize,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct FieldsJs {
    #[serde(rename = "type")]
    otp_type: String,
    secret: String,
    issuer: String,
    name: String,
    algorithm: String,
    digits: String,
    period: String,
    counter: String,
}

/// The account list (when unlocked), its encryption (when protected by a passphrase) and an import
/// awaiting confirmation.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Authbar {
    /// `None` while locked.
    vault: Option<Vault>,
    /// The stored encrypted vault, when protected.
    sealed: Option<SealedVault>,
    /// The data key, while unlocked and protected.
    key: Option<DataKey>,
    /// What the shown preview was made from (several images add up to one preview).
    imports: Vec<Result<Import, ImportError>>,
    shown: Option<Preview>,
    qr_count: usize,
}

#[wasm_bindgen]
impl Authbar {
    /// Loads the stored text (`null` or `undefined`: a new, empty list). An encrypted vault loads
    /// locked. A list written by a newer version throws an error with code `vault_future_schema` or
    /// `sealed_future_version`, a damaged one `vault_corrupt` or `sealed_corrupt`; the caller must
    /// not overwrite it.
    #[wasm_bindgen(constructor)]
    pub fn new(stored: Option<String>) -> Result<Authbar, JsValue> {
        let mut authbar = Authbar {
            vault: None,
            sealed: None,
            key: None,
            imports: Vec::new(),
            shown: None,
            qr_count: 0,
        };
        match stored {
            None => authbar.vault = Some(Vault::new()),
            Some(text) if SealedVault::is_sealed(&text) => {
                authbar.sealed = Some(SealedVault::parse(&text).map_err(|e| sealed_error(&e))?);
            }
            Some(text) => {
                authbar.vault = Some(Vault::from_json(&text).map_err(|e| vault_error(&e))?);
            }
        }
        Ok(authbar)
    }

    pub(crate) fn vault(&self) -> Result<&Vault, JsValue> {
        self.vault.as_ref().ok_or_else(locked_error)
    }

    pub(crate) fn vault_mut(&mut self) -> Result<&mut Vault, JsValue> {
        self.vault.as_mut().ok_or_else(locked_error)
    }

    /// The accounts, without secrets.
    pub fn accounts(&self) -> Result<JsValue, JsValue> {
        to_js(&self.vault()?.views())
    }

    /// Every account's code at `unix_ms` (the page's clock).
    pub fn codes(&self, unix_ms: f64) -> Result<JsValue, JsValue> {
        let ms = unix_ms.max(0.0) as u64;
        let vault = self.vault()?;
        let codes: Vec<CodeView> = vault
            .codes_at(ms / 1000)
            .into_iter()
            .zip(vault.entries())
            .map(|((id, c), e)| {
                let totp = e.account.otp_type() == authbar_core::OtpType::Totp;
                CodeView {
                    id,
                    code: c.code.to_string(),
                    remaining_ms: if totp {
                        (c.remaining_secs * 1000 - ms % 1000) as f64
                    } else {
                        0.0
                    },
                    period_ms: if totp {
                        (e.account.period() * 1000) as f64
                    } else {
                        0.0
                    },
                }
            })
            .collect();
        to_js(&codes)
    }

    /// Adds imports to the preview (a new one unless `append`) and returns the whole preview.
    fn preview(
        &mut self,
        imports: Vec<Result<Import, ImportError>>,
        qr_count: usize,
        append: bool,
    ) -> Result<JsValue, JsValue> {
        if !append {
            self.discard();
        }
        let vault = self.vault.as_ref().ok_or_else(locked_error)?;
        self.imports.extend(imports);
        self.qr_count += qr_count;
        let preview = vault.preview(self.imports.iter().cloned());
        let js = to_js(&PreviewJs {
            preview: &preview,
            qr_count: self.qr_count,
        });
        self.shown = Some(preview);
        js
    }

    /// Reads pasted text (`otpauth://` or `otpauth-migration://`) into a preview; `commit` adds it.
    #[wasm_bindgen(js_name = previewText)]
    pub fn preview_text(&mut self, text: &str) -> Result<JsValue, JsValue> {
        let result = import_text(text);
        if let Err(e) = &result {
            self.discard();
            return Err(core_error(e));
        }
        self.preview(vec![result], 0, false)
    }

    /// Reads a file chosen for import into a preview: an export of any authenticator the core reads,
    /// an Authbar backup, or text of `otpauth://` lines, told apart by content. An encrypted file
    /// without `password` throws `password_required`; its `params.format` names the file's format (`aegis`, …).
    #[wasm_bindgen(js_name = previewFile)]
    pub fn preview_file(
        &mut self,
        bytes: &[u8],
        password: Option<String>,
    ) -> Result<JsValue, JsValue> {
        let import = import_file(bytes, password.as_deref()).map_err(|e| core_error(&e))?;
        self.preview(vec![Ok(import)], 0, false)
    }

    /// Reads the "enter a secret" form (`{type, secret, issuer, name, algorithm, digits, period,
    /// counter}`, strings) into a preview.
    #[wasm_bindgen(js_name = previewFields)]
    pub fn preview_fields(&mut self, fields: JsValue) -> Result<JsValue, JsValue> {
        let f: FieldsJs = from_js(&fields)?;
        let fields = Fields {
            otp_type: f.otp_type,
            secret: f.secret,
            issuer: f.issuer,
            name: f.name,
            algorithm: f.algorithm,
            digits: f.digits,
            period: f.period,
            counter: f.counter,
        };
        match uri::from_fields(&fields) {
            Ok(account) => self.preview(
                vec![Ok(Import {
                    accounts: vec![account],
                    ..Import::default()
                })],
                0,
                false,
            ),
            Err(e) => {
                self.discard();
                Err(core_error(&e))
            }
        }
    }

    /// Decodes every QR code in RGBA pixels (canvas `getImageData`) into a preview, added to the
    /// current one with `append` (several images). No code at all: an error with code `no_qr`, and the
    /// preview is left as it was.
    #[wasm_bindgen(js_name = previewQr)]
    pub fn preview_qr(
        &mut self,
        rgba: &[u8],
        width: u32,
        height: u32,
        append: bool,
    ) -> Result<JsValue, JsValue> {
        let payloads = qr::decode_rgba(rgba, width, height).map_err(|e| core_error(&e))?;
        if payloads.is_empty() {
            if !append {
                self.discard();
            }
            return Err(js_error("no_qr", "No QR code was found in the image."));
        }
        let n = payloads.len();
        let imports = payloads.iter().map(import_payload).collect();
        self.preview(imports, n, append)
    }

    /// Applies the user's choices for the shown preview: `[{index, choice: "add" | "skip" |
    /// {replace: entryId}}]`, or `null` for every account not already stored. Returns `{ids,
    /// replaced, duplicates}`. Nothing is written when a choice does not fit (error with its code).
    pub fn commit(&mut self, choices: JsValue) -> Result<JsValue, JsValue> {
        let preview = self.shown.take().ok_or_else(|| {
            js_error(
                "no_preview",
                "there is nothing to add: the preview was closed",
            )
        })?;
        let choices: Vec<Selection> = if choices.is_null() || choices.is_undefined() {
            preview.add_new()
        } else {
            from_js(&choices)?
        };
        let result = self.vault_mut()?.commit(&preview, &choices);
        match result {
            Ok(added) => {
                self.discard();
                to_js(&added)
            }
            Err(e) => {
                self.shown = Some(preview);
                Err(core_error(&e))
            }
        }
    }

    /// Drops the preview.
    pub fn discard(&mut self) {
        self.imports.clear();
        self.shown = None;
        self.qr_count = 0;
    }

    /// Moves an account to a position in the list (from 0).
    #[wasm_bindgen(js_name = moveEntry)]
    pub fn move_entry(&mut self, id: f64, to_index: u32) -> Result<(), JsValue> {
        self.vault_mut()?
            .move_entry(id as u64, to_index as usize)
            .map_err(|e| vault_error(&e))
    }

    /// Renames an account.
    pub fn rename(&mut self, id: f64, issuer: &str, name: &str) -> Result<(), JsValue> {
        let issuer = Some(issuer.trim().to_string());
        self.vault_mut()?
            .rename(id as u64, issuer, name.trim().to_string())
            .map_err(|e| vault_error(&e))
    }

    /// Deletes an account.
    pub fn remove(&mut self, id: f64) -> Result<(), JsValue> {
        self.vault_mut()?
            .remove(id as u64)
            .map(|_| ())
            .map_err(|e| vault_error(&e))
    }

    /// HOTP: moves the counter on; returns the new code.
    #[wasm_bindgen(js_name = nextHotp)]
    pub fn next_hotp(&mut self, id: f64) -> Result<String, JsValue> {
        self.vault_mut()?
            .next_hotp(id as u64)
            .map(|c| c.to_string())
            .map_err(|e| vault_error(&e))
    }
}
