//! Accounts going out: `otpauth://` lines, Google Authenticator exports (`otpauth-migration://`, in
//! parts of at most [`MAX_PER_PART`] accounts that each fit one QR code) and QR codes to show them.
//!
//! Everything here hands out secrets on purpose; the caller warns the user first (issue 8 §2). The
//! structures that hold them do not show them in `Debug`.

use std::fmt;

use serde::Serialize;
use zeroize::Zeroizing;

use crate::vault::{Entry, Vault, VaultError};
use crate::{Account, uri};

pub mod google;
pub mod qr_code;

use google::{Header, NotExportable};

use crate::params::{Coded, ErrorView};

/// The most accounts in one part of a Google Authenticator export, as the app itself writes them.
pub const MAX_PER_PART: usize = 10;

/// The longest export URI one QR code holds at error-correction level M: 2331 bytes in byte mode at
/// version 40 (ISO/IEC 18004:2015 Table 7). Parts are cut so that each stays within it.
pub const MAX_PART_BYTES: usize = qr_code::MAX_BYTES_M;

/// One `otpauth://` URI per line (each followed by a newline), in the order given.
pub fn otpauth_lines<'a>(accounts: impl IntoIterator<Item = &'a Account>) -> String {
    let mut out = String::new();
    for account in accounts {
        out.push_str(&uri::format(account));
        out.push('\n');
    }
    out
}

/// One QR code's worth of a Google Authenticator export.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MigrationPart {
    /// The part's index, from 0 ("1 of 3" is index 0).
    pub index: usize,
    /// How many parts the export has.
    pub size: usize,
    /// The `otpauth-migration://offline?data=…` URI (holds the secrets).
    pub uri: String,
    /// The entries it holds, in order.
    pub entry_ids: Vec<u64>,
}

impl fmt::Debug for MigrationPart {
    // The URI holds the secrets: show only where the part sits and what it holds.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "MigrationPart({} of {}, entries {:?}, {} bytes)",
            self.index + 1,
            self.size,
            self.entry_ids,
            self.uri.len()
        )
    }
}

/// An entry left out of an export, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Refused {
    /// The entry.
    pub entry_id: u64,
    /// Its issuer.
    pub issuer: Option<String>,
    /// Its name.
    pub name: String,
    /// Why it was left out (`export_digits`, …).
    #[serde(flatten)]
    pub why: ErrorView,
    #[serde(skip)]
    reason: NotExportable,
}

impl Refused {
    /// Why the entry was left out.
    pub fn reason(&self) -> &NotExportable {
        &self.reason
    }
}

/// A Google Authenticator export: its parts, and the entries it could not hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct MigrationExport {
    /// The parts, in order; empty when no entry could be exported.
    pub parts: Vec<MigrationPart>,
    /// Entries left out, in the order given.
    pub refused: Vec<Refused>,
}

/// Builds a Google Authenticator export of `entries`, in the order given.
///
/// Accounts are put in parts of at most [`MAX_PER_PART`], a part being closed early when the next
/// account would make its URI longer than [`MAX_PART_BYTES`]. Every part carries `version` 1, the
/// number of parts, its index and `batch_id`, which the caller chooses (at random, so that a reader
/// can tell two exports apart; the core has no randomness source).
pub fn migration<'a>(
    entries: impl IntoIterator<Item = &'a Entry>,
    batch_id: i32,
) -> MigrationExport {
    let mut export = MigrationExport::default();
    let mut parts: Vec<Vec<(&Entry, String)>> = Vec::new();
    let mut current: Vec<(&Entry, String)> = Vec::new();
    // The longest header: a part is measured as if its size and index took their largest encoding.
    let measure = |part: &[(&Entry, String)]| {
        let header = Header {
            batch_size: i32::MAX,
            batch_index: i32::MAX,
            batch_id,
        };
        Zeroizing::new(uri_of(part, header)).len()
    };
    for entry in entries {
        let refuse = |reason: NotExportable| Refused {
            entry_id: entry.id,
            issuer: entry.account.issuer().map(str::to_string),
            name: entry.account.name().to_string(),
            why: reason.view(),
            reason,
        };
        let name = match google::check(&entry.account) {
            Ok(name) => name,
            Err(reason) => {
                export.refused.push(refuse(reason));
                continue;
            }
        };
        let alone = measure(&[(entry, name.clone())]);
        if alone > MAX_PART_BYTES {
            export.refused.push(refuse(NotExportable::TooLarge {
                bytes: alone,
                max: MAX_PART_BYTES,
            }));
            continue;
        }
        current.push((entry, name));
        if current.len() > MAX_PER_PART || measure(&current) > MAX_PART_BYTES {
            let next = current.split_off(current.len() - 1);
            parts.push(std::mem::replace(&mut current, next));
        }
    }
    if !current.is_empty() {
        parts.push(current);
    }
    let size = parts.len();
    export.parts = parts
        .iter()
        .enumerate()
        .map(|(index, part)| {
            let header = Header {
                batch_size: i32::try_from(size).unwrap_or(i32::MAX),
                batch_index: i32::try_from(index).unwrap_or(i32::MAX),
                batch_id,
            };
            MigrationPart {
                index,
                size,
                uri: uri_of(part, header),
                entry_ids: part.iter().map(|(e, _)| e.id).collect(),
            }
        })
        .collect();
    export
}

fn uri_of(part: &[(&Entry, String)], header: Header) -> String {
    let checked: Vec<(&Account, &str)> = part
        .iter()
        .map(|(e, name)| (&e.account, name.as_str()))
        .collect();
    google::uri_of(&google::payload_of(&checked, header))
}

impl Vault {
    /// The entries with these ids, in the vault's order (`None`: all). An id given twice counts once;
    /// an id that is not stored is an error.
    pub fn selected(&self, ids: Option<&[u64]>) -> Result<Vec<&Entry>, VaultError> {
        let Some(ids) = ids else {
            return Ok(self.entries().iter().collect());
        };
        if let Some(&id) = ids
            .iter()
            .find(|id| !self.entries().iter().any(|e| e.id == **id))
        {
            return Err(VaultError::NoSuchEntry { id });
        }
        Ok(self
            .entries()
            .iter()
            .filter(|e| ids.contains(&e.id))
            .collect())
    }

    /// The selected entries (see [`Vault::selected`]) as `otpauth://` lines.
    pub fn export_otpauth(&self, ids: Option<&[u64]>) -> Result<String, VaultError> {
        let entries = self.selected(ids)?;
        Ok(otpauth_lines(entries.iter().map(|e| &e.account)))
    }

    /// The selected entries (see [`Vault::selected`]) as a Google Authenticator export (see
    /// [`migration`]).
    pub fn export_migration(
        &self,
        ids: Option<&[u64]>,
        batch_id: i32,
    ) -> Result<MigrationExport, VaultError> {
        Ok(migration(self.selected(ids)?, batch_id))
    }
}
