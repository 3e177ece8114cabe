//! A file read by the tools module, handed to the codes module through JavaScript as JSON text.
//!
//! Each wasm instance has its own memory, so the accounts the tools module read from an export file
//! cross as text: accounts in their stored form (which the codes module validates again on reading,
//! as it does a stored vault), the entries that were skipped in the core's one shape for them
//! ([`SkippedView`]: the reason's code, the key of its words, its values and its English message),
//! which part of a Google Authenticator export it was, and an Authbar backup's sites, pins and logos
//! ([`Kept`], checked again by the vault's preview). The vault's own accounts never leave the
//! codes module.

use authbar_core::import::{BatchInfo, Kept};
use authbar_core::vault::SkippedView;
use authbar_core::{Account, Import};
use serde::{Deserialize, Serialize};

/// What the tools module read from a file.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct FileRead {
    /// The accounts, in their stored (serde) form.
    pub accounts: Vec<Account>,
    /// The entries that cannot be added (their `source` is set when the preview takes them).
    pub skipped: Vec<SkippedView>,
    /// `[index, size, id]` of a Google Authenticator export part.
    pub batch: Option<[i32; 3]>,
    /// An Authbar backup's sites, pins and logos, one per account (none for other formats).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kept: Vec<Kept>,
}

#[cfg_attr(not(feature = "tools"), allow(dead_code))]
impl FileRead {
    /// The reader's result, ready to cross.
    pub fn from_import(import: Import) -> FileRead {
        FileRead {
            accounts: import.accounts,
            skipped: import
                .skipped
                .into_iter()
                .map(|s| SkippedView::of(0, s))
                .collect(),
            batch: import.batch.map(|b| [b.index, b.size, b.id]),
            kept: import.kept,
        }
    }
}

#[cfg_attr(not(feature = "codes"), allow(dead_code))]
impl FileRead {
    /// The accounts and the export part as an import for the preview, and the skipped entries
    /// (which the preview lists beside its own).
    pub fn into_import(self) -> (Import, Vec<SkippedView>) {
        let import = Import {
            accounts: self.accounts,
            batch: self
                .batch
                .map(|[index, size, id]| BatchInfo { index, size, id }),
            kept: self.kept,
            ..Import::default()
        };
        (import, self.skipped)
    }
}
