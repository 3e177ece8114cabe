//! Adding accounts in two steps: a preview (what would be added, with duplicates marked) and the
//! commit of the user's choices. Text is read here (pasted links, QR payloads, the "enter a secret"
//! form); QR images and export files are read by the tools module, which hands over the payloads or
//! a [`FileRead`].

use authbar_core::import::Import;
use authbar_core::qr::{PayloadKind, QrPayload};
use authbar_core::uri::{self, Fields};
use authbar_core::vault::{BatchView, Incoming, Preview, Problem, Selection};
use authbar_core::{ImportError, import_payload, import_text};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use super::{Authbar, locked_error};
use crate::js::{from_js, js_error, to_js, to_js_error};
use crate::read::{FileRead, SkippedRead};

/// An import being previewed: what it was made from (several QR images add up to one preview) and
/// the preview shown, which `commit` applies.
#[derive(Debug, Default)]
pub(super) struct Pending {
    imports: Vec<Result<Import, ImportError>>,
    /// Skipped entries of files read by the tools module, with the import (`source`) they belong to,
    /// in import order.
    read_skipped: Vec<(usize, SkippedRead)>,
    shown: Option<Preview>,
    qr_count: usize,
}

/// One skipped entry as the popup lists it, whether the core's preview or the file reader skipped it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SkippedJs<'a> {
    source: usize,
    issuer: &'a str,
    name: &'a str,
    code: &'a str,
    message: &'a str,
}

/// A preview as the popup shows it: the core's, the file reader's skipped entries among its own,
/// and how many QR codes the images held.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PreviewJs<'a> {
    accounts: &'a [Incoming],
    skipped: Vec<SkippedJs<'a>>,
    problems: &'a [Problem],
    batches: &'a [BatchView],
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

impl Pending {
    fn to_js<'a>(&'a self, preview: &'a Preview) -> Result<JsValue, JsValue> {
        let read_js = |(source, s): &'a (usize, SkippedRead)| SkippedJs {
            source: *source,
            issuer: &s.issuer,
            name: &s.name,
            code: &s.code,
            message: &s.message,
        };
        // Both lists are in import order: merged, with the core's first within one import.
        let mut read = self.read_skipped.iter().peekable();
        let mut skipped = Vec::with_capacity(preview.skipped.len() + self.read_skipped.len());
        for s in &preview.skipped {
            while let Some(r) = read.next_if(|(source, _)| *source < s.source) {
                skipped.push(read_js(r));
            }
            skipped.push(SkippedJs {
                source: s.source,
                issuer: &s.issuer,
                name: &s.name,
                code: s.code,
                message: &s.message,
            });
        }
        skipped.extend(read.map(read_js));
        to_js(&PreviewJs {
            accounts: &preview.accounts,
            skipped,
            problems: &preview.problems,
            batches: &preview.batches,
            qr_count: self.qr_count,
        })
    }
}

#[wasm_bindgen]
impl Authbar {
    /// Adds imports to the preview (a new one unless `append`) and returns the whole preview.
    fn preview(
        &mut self,
        imports: Vec<Result<Import, ImportError>>,
        read_skipped: Vec<SkippedRead>,
        qr_count: usize,
        append: bool,
    ) -> Result<JsValue, JsValue> {
        if !append {
            self.discard();
        }
        let vault = self.vault.as_ref().ok_or_else(locked_error)?;
        let pending = &mut self.pending;
        let source = pending.imports.len();
        pending.imports.extend(imports);
        pending
            .read_skipped
            .extend(read_skipped.into_iter().map(|s| (source, s)));
        pending.qr_count += qr_count;
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
    /// replaced, duplicates}`. Nothing is written when a choice does not fit (error with its code).
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
            Ok(vault) => vault.commit(&preview, &choices),
            Err(e) => {
                self.pending.shown = Some(preview);
                return Err(e);
            }
        };
        match result {
            Ok(added) => {
                self.discard();
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
