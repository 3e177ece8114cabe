//! An import being previewed: what it was made from (several QR images add up to one preview), the
//! skipped entries of files the tools module read, and the preview shown, which `commit` applies.

use authbar_core::ImportError;
use authbar_core::import::Import;
use authbar_core::vault::{BatchView, Incoming, Preview, Problem, SkippedView};
use serde::Serialize;
use wasm_bindgen::JsValue;

use crate::js::to_js;

/// The import awaiting the user's choices.
#[derive(Debug, Default)]
pub(super) struct Pending {
    pub(super) imports: Vec<Result<Import, ImportError>>,
    /// Skipped entries of files read by the tools module, their `source` set to the import they
    /// belong to, in import order.
    pub(super) read_skipped: Vec<SkippedView>,
    pub(super) shown: Option<Preview>,
    pub(super) qr_count: usize,
}

/// A preview as the popup shows it: the core's, with the file reader's skipped entries among its
/// own, and how many QR codes the images held.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PreviewJs<'a> {
    accounts: &'a [Incoming],
    skipped: Vec<&'a SkippedView>,
    problems: &'a [Problem],
    batches: &'a [BatchView],
    qr_count: usize,
}

impl Pending {
    /// Adds imports, and the skipped entries read with them, to what the preview is made from.
    pub(super) fn extend(
        &mut self,
        imports: Vec<Result<Import, ImportError>>,
        read_skipped: Vec<SkippedView>,
        qr_count: usize,
    ) {
        let source = self.imports.len();
        self.imports.extend(imports);
        self.read_skipped.extend(
            read_skipped
                .into_iter()
                .map(|s| SkippedView { source, ..s }),
        );
        self.qr_count += qr_count;
    }

    /// The preview shown, as the popup reads it.
    pub(super) fn to_js(&self, preview: &Preview) -> Result<JsValue, JsValue> {
        // Both lists are in import order: merged, with the core's first within one import.
        let mut read = self.read_skipped.iter().peekable();
        let mut skipped = Vec::with_capacity(preview.skipped.len() + self.read_skipped.len());
        for s in &preview.skipped {
            while let Some(r) = read.next_if(|r| r.source < s.source) {
                skipped.push(r);
            }
            skipped.push(s);
        }
        skipped.extend(read);
        to_js(&PreviewJs {
            accounts: &preview.accounts,
            skipped,
            problems: &preview.problems,
            batches: &preview.batches,
            qr_count: self.qr_count,
        })
    }
}
