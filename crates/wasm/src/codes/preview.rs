//! Adding accounts in two steps: a preview (what would be added, with duplicates marked) and the
//! commit of the user's choices (the import awaiting them is `pending.rs`). Text is read here
//! (pasted links, QR payloads, the "enter a secret" form); QR images and export files are read by
//! the tools module, which hands over the payloads or a [`FileRead`].

use authbar_core::import::Import;
use authbar_core::qr::{PayloadKind, QrPayload};
use authbar_core::uri::{self, Fields};
use authbar_core::vault::{Selection, SkippedView};
use authbar_core::{ImportError, import_payload, import_text};
use serde::Deserialize;
use wasm_bindgen::prelude::*;

use super::Authbar;
use super::pending::Pending;
use crate::js::{from_js, js_error, to_js, to_js_error};
use crate::read::FileRead;

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

#[wasm_bindgen]
impl Authbar {
    /// Adds imports to the preview (a new one unless `append`) and returns the whole preview.
    fn preview(
        &mut self,
        imports: Vec<Result<Import, ImportError>>,
        read_skipped: Vec<SkippedView>,
        qr_count: usize,
        append: bool,
    ) -> Result<JsValue, JsValue> {
        if !append {
            self.discard();
        }
        let vault = self.state.vault().map_err(|e| to_js_error(&e))?;
        let pending = &mut self.pending;
        pending.extend(imports, read_skipped, qr_count);
        let preview = vault.preview(pending.imports.iter().cloned());
        let js = pending.to_js(&preview);
        pending.shown = Some(preview);
        js
    }

    /// Reads pasted text (`otpauth://` or `otpauth-migration://`) into a preview; `commit` adds it.
    #[wasm_bindgen(js_name = previewText)]
    pub fn preview_text(&mut self, text: &str) -> Result<JsValue, JsValue> {
        let result = import_text(text);
        if let Err(e) = &result {
            self.discard();
            return Err(to_js_error(e));
        }
        self.preview(vec![result], Vec::new(), 0, false)
    }

    /// Whether text typed into the Add field is a link (`previewText`) rather than a bare secret
    /// (`previewFields`): the core's rule.
    #[wasm_bindgen(js_name = isLink)]
    pub fn is_link(text: &str) -> bool {
        authbar_core::is_link(text)
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
            Ok(account) => {
                let import = Import {
                    accounts: vec![account],
                    ..Import::default()
                };
                self.preview(vec![Ok(import)], Vec::new(), 0, false)
            }
            Err(e) => {
                self.discard();
                Err(to_js_error(&e))
            }
        }
    }

    /// The QR codes the tools module's `qrDecodeRgba` read in one image, into a preview (added to
    /// the current one with `append`: several images). A payload that is not an authenticator code
    /// is listed among the preview's problems. No code at all: an error with code `no_qr`, and the
    /// preview is left as it was.
    #[wasm_bindgen(js_name = previewPayloads)]
    pub fn preview_payloads(
        &mut self,
        payloads: Vec<String>,
        append: bool,
    ) -> Result<JsValue, JsValue> {
        if payloads.is_empty() {
            if !append {
                self.discard();
            }
            return Err(js_error("no_qr", "No QR code was found in the image."));
        }
        let count = payloads.len();
        let imports = payloads
            .into_iter()
            .map(|text| {
                let kind = PayloadKind::of(&text);
                import_payload(&QrPayload { text, kind })
            })
            .collect();
        self.preview(imports, Vec::new(), count, append)
    }

    /// A file the tools module's `readFile` read (its text, as returned), into a new preview. Text
    /// that is not such a result (altered on the way) throws `bad_file_read`, naming where it broke
    /// but not what it found there (which may be a secret).
    #[wasm_bindgen(js_name = previewRead)]
    pub fn preview_read(&mut self, read: &str) -> Result<JsValue, JsValue> {
        let read: FileRead = serde_json::from_str(read).map_err(|e| {
            self.discard();
            js_error(
                "bad_file_read",
                &format!(
                    "the file's accounts did not arrive intact from the reader \
                     (line {}, column {} of its text); read the file again",
                    e.line(),
                    e.column()
                ),
            )
        })?;
        let (import, skipped) = read.into_import();
        self.preview(vec![Ok(import)], skipped, 0, false)
    }

    /// Applies the user's choices for the shown preview: `[{index, choice: "add" | "skip" |
    /// {replace: entryId}}]`, or `null` for every account not already stored. Returns `{ids,
    /// replaced, duplicates}`; when it replaced accounts, `undo()` puts them back. Nothing is written
    /// when a choice does not fit (error with its code).
    pub fn commit(&mut self, choices: JsValue) -> Result<JsValue, JsValue> {
        let preview = self.pending.shown.take().ok_or_else(|| {
            js_error(
                "no_preview",
                "there is nothing to add: the preview was closed",
            )
        })?;
        let choices: Vec<Selection> = if choices.is_null() || choices.is_undefined() {
            preview.add_new()
        } else {
            match from_js(&choices) {
                Ok(choices) => choices,
                Err(e) => {
                    self.pending.shown = Some(preview);
                    return Err(e);
                }
            }
        };
        let result = match self.vault_mut() {
            Ok(vault) => vault.commit_undoable(&preview, &choices),
            Err(e) => {
                self.pending.shown = Some(preview);
                return Err(e);
            }
        };
        match result {
            Ok((added, undo)) => {
                self.discard();
                self.offer_undo(undo);
                to_js(&added)
            }
            Err(e) => {
                self.pending.shown = Some(preview);
                Err(to_js_error(&e))
            }
        }
    }

    /// Drops the preview.
    pub fn discard(&mut self) {
        self.pending = Pending::default();
    }
}
