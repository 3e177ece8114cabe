//! The browser extension's view of `authbar-core`: each export converts JavaScript values
//! (`f64` milliseconds, `Uint8Array` pixels, strings, plain objects) into core types and calls the core.
//! Errors reach JavaScript as `Error` objects with a stable `code` property.
#![forbid(unsafe_code)]

use authbar_core::import::Import;
use authbar_core::uri::{self, Fields};
use authbar_core::{Account, ImportError, PayloadKind, Vault, VaultError, import_text, qr};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

mod qrbench;

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

fn vault_error(e: &VaultError) -> JsValue {
    js_error(e.code(), &e.to_string())
}

/// What the popup shows for an account (no secret; the counter as a decimal string, since it can
/// exceed what a JavaScript number holds).
#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
struct View {
    id: Option<u64>,
    #[serde(rename = "type")]
    otp_type: &'static str,
    issuer: Option<String>,
    name: String,
    algorithm: &'static str,
    digits: u8,
    period: u64,
    counter: String,
    secret_bits: usize,
    duplicate: bool,
}

fn view(id: Option<u64>, a: &Account, duplicate: bool) -> View {
    View {
        id,
        otp_type: a.otp_type().as_str(),
        issuer: a.issuer().map(str::to_string),
        name: a.name().to_string(),
        algorithm: a.algorithm().as_str(),
        digits: a.digits(),
        period: a.period(),
        counter: a.counter().to_string(),
        secret_bits: a.secret().bits(),
        duplicate,
    }
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

#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
struct Problem {
    code: &'static str,
    message: String,
    /// For a QR that is not an authenticator code: its text.
    text: Option<String>,
}

#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
struct Skipped {
    issuer: String,
    name: String,
    code: &'static str,
    message: String,
}

/// An import waiting for the user's confirmation.
#[derive(Serialize, Default, Debug)]
#[serde(rename_all = "camelCase")]
struct Preview {
    accounts: Vec<View>,
    skipped: Vec<Skipped>,
    problems: Vec<Problem>,
    batch: Option<(i32, i32)>,
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

/// The account list and an import awaiting confirmation.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Authbar {
    vault: Vault,
    pending: Vec<Account>,
    shown: Preview,
}

#[wasm_bindgen]
impl Authbar {
    /// Loads the stored text (`null` or `undefined`: a new, empty list). A list written by a newer
    /// version throws an error with code `vault_future_schema`; the caller must not overwrite it.
    #[wasm_bindgen(constructor)]
    pub fn new(stored: Option<String>) -> Result<Authbar, JsValue> {
        let vault = match stored {
            None => Vault::new(),
            Some(text) => Vault::from_json(&text).map_err(|e| vault_error(&e))?,
        };
        Ok(Authbar {
            vault,
            pending: Vec::new(),
            shown: Preview::default(),
        })
    }

    /// The text to store.
    #[wasm_bindgen(js_name = toJson)]
    pub fn to_json(&self) -> String {
        self.vault.to_json()
    }

    /// The accounts, without secrets.
    pub fn accounts(&self) -> Result<JsValue, JsValue> {
        let views: Vec<View> = self
            .vault
            .entries()
            .iter()
            .map(|e| view(Some(e.id), &e.account, false))
            .collect();
        to_js(&views)
    }

    /// Every account's code at `unix_ms` (the page's clock).
    pub fn codes(&self, unix_ms: f64) -> Result<JsValue, JsValue> {
        let ms = unix_ms.max(0.0) as u64;
        let codes: Vec<CodeView> = self
            .vault
            .codes_at(ms / 1000)
            .into_iter()
            .zip(self.vault.entries())
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
        let mut preview = std::mem::take(&mut self.shown);
        preview.qr_count += qr_count;
        for result in imports {
            match result {
                Ok(import) => {
                    if let Some(b) = import.batch {
                        preview.batch = Some((b.index, b.size));
                    }
                    for s in import.skipped {
                        preview.skipped.push(Skipped {
                            issuer: s.issuer,
                            name: s.name,
                            code: s.reason.code(),
                            message: s.reason.to_string(),
                        });
                    }
                    for a in import.accounts {
                        let duplicate = self.vault.contains(&a)
                            || self.pending.iter().any(|p| p.same_entry(&a));
                        preview.accounts.push(view(None, &a, duplicate));
                        self.pending.push(a);
                    }
                }
                Err(e) => {
                    let text = match &e {
                        ImportError::NotAuthenticator { text } => Some(text.clone()),
                        _ => None,
                    };
                    preview.problems.push(Problem {
                        code: e.code(),
                        message: e.to_string(),
                        text,
                    });
                }
            }
        }
        let js = to_js(&preview);
        self.shown = preview;
        js
    }

    /// Reads pasted text (`otpauth://` or `otpauth-migration://`) into a preview; `commit` adds it.
    #[wasm_bindgen(js_name = previewText)]
    pub fn preview_text(&mut self, text: &str) -> Result<JsValue, JsValue> {
        let result = import_text(text);
        if let Err(e) = &result {
            self.discard();
            return Err(js_error(e.code(), &e.to_string()));
        }
        self.preview(vec![result], 0, false)
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
                Err(js_error(e.code(), &e.to_string()))
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
        let payloads =
            qr::decode_rgba(rgba, width, height).map_err(|e| js_error(e.code(), &e.to_string()))?;
        if payloads.is_empty() {
            if !append {
                self.discard();
            }
            return Err(js_error("no_qr", "No QR code was found in the image."));
        }
        let n = payloads.len();
        let imports = payloads
            .iter()
            .map(|p| match p.kind {
                PayloadKind::Other => Err(ImportError::NotAuthenticator {
                    text: p.text.chars().take(200).collect(),
                }),
                _ => import_text(&p.text),
            })
            .collect();
        self.preview(imports, n, append)
    }

    /// Adds the previewed accounts, or only those at the `selection` indices of the preview (those
    /// already present are not added twice). Returns `{added, duplicates}` counts.
    pub fn commit(&mut self, selection: Option<Vec<u32>>) -> Result<JsValue, JsValue> {
        let pending = std::mem::take(&mut self.pending);
        let chosen: Vec<Account> = match selection {
            None => pending,
            Some(indices) => pending
                .into_iter()
                .enumerate()
                .filter(|(i, _)| indices.contains(&(*i as u32)))
                .map(|(_, a)| a)
                .collect(),
        };
        self.shown = Preview::default();
        let added = self.vault.add(chosen);
        #[derive(Serialize)]
        struct Report {
            added: usize,
            duplicates: usize,
        }
        to_js(&Report {
            added: added.ids.len(),
            duplicates: added.duplicates.len(),
        })
    }

    /// Drops the preview.
    pub fn discard(&mut self) {
        self.pending.clear();
        self.shown = Preview::default();
    }

    /// Renames an account.
    pub fn rename(&mut self, id: f64, issuer: &str, name: &str) -> Result<(), JsValue> {
        let issuer = Some(issuer.trim().to_string());
        self.vault
            .rename(id as u64, issuer, name.trim().to_string())
            .map_err(|e| vault_error(&e))
    }

    /// Deletes an account.
    pub fn remove(&mut self, id: f64) -> Result<(), JsValue> {
        self.vault
            .remove(id as u64)
            .map(|_| ())
            .map_err(|e| vault_error(&e))
    }

    /// HOTP: moves the counter on; returns the new code.
    #[wasm_bindgen(js_name = nextHotp)]
    pub fn next_hotp(&mut self, id: f64) -> Result<String, JsValue> {
        self.vault
            .next_hotp(id as u64)
            .map(|c| c.to_string())
            .map_err(|e| vault_error(&e))
    }
}
