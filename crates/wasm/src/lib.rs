//! The browser extension's view of `authbar-core`: each export converts JavaScript values
//! (`f64` milliseconds, `Uint8Array` pixels, strings, plain objects) into core types and calls the core.
//! Errors reach JavaScript as `Error` objects with a stable `code` property.
#![forbid(unsafe_code)]

use authbar_core::import::Import;
use authbar_core::sealed::{self, DataKey, KdfParams, SealedError, SealedVault};
use authbar_core::uri::{self, Fields};
use authbar_core::{Account, ImportError, PayloadKind, Vault, VaultError, import_text, qr};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

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

fn sealed_error(e: &SealedError) -> JsValue {
    js_error(e.code(), &e.to_string())
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
    pending: Vec<Account>,
    shown: Preview,
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
            pending: Vec::new(),
            shown: Preview::default(),
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

    /// Whether a passphrase protects the vault.
    #[wasm_bindgen(getter)]
    pub fn protected(&self) -> bool {
        self.sealed.is_some()
    }

    /// Whether the accounts are out of reach until `unlock`.
    #[wasm_bindgen(getter)]
    pub fn locked(&self) -> bool {
        self.vault.is_none()
    }

    /// Unlocks with the passphrase (Argon2id: deliberately slow). Returns the data key as base64, to
    /// hold in memory-only storage so the next opening needs no passphrase. Wrong passphrase: an
    /// error with code `wrong_passphrase`, and nothing changes.
    pub fn unlock(&mut self, passphrase: &str) -> Result<String, JsValue> {
        let sealed = self.sealed.as_ref().ok_or_else(not_protected)?;
        let (key, vault) = sealed.unlock(passphrase).map_err(|e| sealed_error(&e))?;
        let held = key.to_base64().to_string();
        self.key = Some(key);
        self.vault = Some(vault);
        Ok(held)
    }

    /// Unlocks with a held data key (fast). A key that no longer fits (the passphrase was changed
    /// elsewhere) throws `key_rejected`: forget it and ask for the passphrase.
    #[wasm_bindgen(js_name = unlockWithKey)]
    pub fn unlock_with_key(&mut self, held: &str) -> Result<(), JsValue> {
        let sealed = self.sealed.as_ref().ok_or_else(not_protected)?;
        let key = DataKey::from_base64(held).map_err(|e| sealed_error(&e))?;
        self.vault = Some(sealed.open(&key).map_err(|e| sealed_error(&e))?);
        self.key = Some(key);
        Ok(())
    }

    /// Forgets the accounts and the key (a protected vault only; a plain one has nothing to lock).
    pub fn lock(&mut self) {
        if self.sealed.is_some() {
            self.discard();
            self.vault = None;
            self.key = None;
        }
    }

    /// Protects a plain vault with a new passphrase. Returns the data key to hold; store `toJson()`.
    #[wasm_bindgen(js_name = setPassphrase)]
    pub fn set_passphrase(&mut self, passphrase: &str) -> Result<String, JsValue> {
        if self.sealed.is_some() {
            return Err(js_error(
                "already_protected",
                "a passphrase is already set: change it instead",
            ));
        }
        let vault = self.vault.as_ref().ok_or_else(locked_error)?;
        let (sealed, key) =
            with_random(|random| sealed::seal(vault, passphrase, KdfParams::DEFAULT, random))?;
        let held = key.to_base64().to_string();
        self.sealed = Some(sealed);
        self.key = Some(key);
        Ok(held)
    }

    /// Replaces the passphrase; needs the current one. The data key stays the same (the held key
    /// keeps working). Store `toJson()`, and keep the old text until the new one reads back.
    #[wasm_bindgen(js_name = changePassphrase)]
    pub fn change_passphrase(&mut self, current: &str, new: &str) -> Result<(), JsValue> {
        sealed::check_new_passphrase(new).map_err(|e| sealed_error(&e))?;
        let sealed = self.sealed.as_ref().ok_or_else(not_protected)?;
        let (key, _) = sealed.unlock(current).map_err(|e| sealed_error(&e))?;
        let changed =
            with_random(|random| sealed.change_passphrase(&key, new, KdfParams::DEFAULT, random))?;
        self.sealed = Some(changed);
        self.key = Some(key);
        Ok(())
    }

    /// Removes the passphrase; needs the current one. Store `toJson()` (plain text from then on).
    #[wasm_bindgen(js_name = removePassphrase)]
    pub fn remove_passphrase(&mut self, current: &str) -> Result<(), JsValue> {
        let sealed = self.sealed.as_ref().ok_or_else(not_protected)?;
        let (_, vault) = sealed.unlock(current).map_err(|e| sealed_error(&e))?;
        self.vault = Some(vault);
        self.sealed = None;
        self.key = None;
        Ok(())
    }

    /// Whether `text` (as read back from storage) opens with the held key to the same accounts: the
    /// check before an old stored vault is replaced.
    #[wasm_bindgen(js_name = readsBack)]
    pub fn reads_back(&self, text: &str) -> bool {
        let Some(vault) = self.vault.as_ref() else {
            return false;
        };
        match (&self.sealed, &self.key) {
            (Some(_), Some(key)) => {
                SealedVault::parse(text).is_ok_and(|s| s.open(key).is_ok_and(|v| &v == vault))
            }
            _ => Vault::from_json(text).is_ok_and(|v| &v == vault),
        }
    }

    /// The text to store: the encrypted vault under a fresh nonce when protected, else the plain
    /// account list. Throws `locked` while locked.
    #[wasm_bindgen(js_name = toJson)]
    pub fn to_json(&mut self) -> Result<String, JsValue> {
        let vault = self.vault.as_ref().ok_or_else(locked_error)?;
        match (&self.sealed, &self.key) {
            (Some(sealed), Some(key)) => {
                let resealed = with_random(|random| sealed.reseal(vault, key, random))?;
                let text = resealed.to_text();
                self.sealed = Some(resealed);
                Ok(text)
            }
            _ => Ok(vault.to_json()),
        }
    }

    /// Every account as an `otpauth://` line (plain text: the caller warns first).
    #[wasm_bindgen(js_name = exportOtpauth)]
    pub fn export_otpauth(&self) -> Result<String, JsValue> {
        let lines: Vec<String> = self
            .vault()?
            .entries()
            .iter()
            .map(|e| uri::format(&e.account))
            .collect();
        Ok(lines.join("\n") + "\n")
    }

    /// An encrypted backup (`.authbar`) of every account, under its own passphrase.
    #[wasm_bindgen(js_name = exportBackup)]
    pub fn export_backup(&self, passphrase: &str) -> Result<String, JsValue> {
        let vault = self.vault.as_ref().ok_or_else(locked_error)?;
        let (backup, _) =
            with_random(|random| sealed::seal(vault, passphrase, KdfParams::DEFAULT, random))?;
        Ok(backup.to_text())
    }

    fn vault(&self) -> Result<&Vault, JsValue> {
        self.vault.as_ref().ok_or_else(locked_error)
    }

    fn vault_mut(&mut self) -> Result<&mut Vault, JsValue> {
        self.vault.as_mut().ok_or_else(locked_error)
    }

    /// The accounts, without secrets.
    pub fn accounts(&self) -> Result<JsValue, JsValue> {
        let views: Vec<View> = self
            .vault()?
            .entries()
            .iter()
            .map(|e| view(Some(e.id), &e.account, false))
            .collect();
        to_js(&views)
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
                        let duplicate =
                            vault.contains(&a) || self.pending.iter().any(|p| p.same_entry(&a));
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

    /// Reads a file chosen for import into a preview: an encrypted `.authbar` backup (needs its
    /// `password`: without one, an error with code `password_required`), or text of `otpauth://`
    /// lines.
    #[wasm_bindgen(js_name = previewFile)]
    pub fn preview_file(
        &mut self,
        bytes: &[u8],
        password: Option<String>,
    ) -> Result<JsValue, JsValue> {
        let text = String::from_utf8_lossy(bytes);
        if SealedVault::is_sealed(&text) {
            let backup = SealedVault::parse(&text).map_err(|e| sealed_error(&e))?;
            let Some(password) = password else {
                return Err(js_error(
                    "password_required",
                    "this Authbar backup is encrypted: enter its passphrase",
                ));
            };
            let (_, vault) = backup.unlock(&password).map_err(|e| sealed_error(&e))?;
            let accounts = vault.entries().iter().map(|e| e.account.clone()).collect();
            return self.preview(
                vec![Ok(Import {
                    accounts,
                    ..Import::default()
                })],
                0,
                false,
            );
        }
        let imports = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(import_text)
            .collect();
        self.preview(imports, 0, false)
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
        let added = self.vault_mut()?.add(chosen);
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
