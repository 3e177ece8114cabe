//! Turning pasted text or a QR payload into accounts to add.

use std::fmt;

use crate::Account;
use crate::migration::{self, MigrationError, Unsupported};
use crate::qr::{PayloadKind, QrPayload};
use crate::uri::{self, UriError};

/// Why text could not be imported.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ImportError {
    /// An `otpauth://` URI that breaks a rule.
    Uri(UriError),
    /// An `otpauth-migration://` export that cannot be read.
    Migration(MigrationError),
    /// Text that is neither (a web link, plain words…): "this is not an authenticator code".
    NotAuthenticator {
        /// The text, shortened to 200 characters.
        text: String,
    },
}

impl ImportError {
    /// The stable error code (the URI or export error's code, or `not_authenticator`).
    pub fn code(&self) -> &'static str {
        match self {
            ImportError::Uri(e) => e.code(),
            ImportError::Migration(e) => e.code(),
            ImportError::NotAuthenticator { .. } => "not_authenticator",
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::Uri(e) => e.fmt(f),
            ImportError::Migration(e) => e.fmt(f),
            ImportError::NotAuthenticator { text } => write!(
                f,
                "this is not an authenticator code (expected otpauth:// or otpauth-migration://): \"{text}\""
            ),
        }
    }
}

impl std::error::Error for ImportError {}

/// An export entry that was not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The entry's issuer as exported.
    pub issuer: String,
    /// The entry's name as exported.
    pub name: String,
    /// Why it was skipped.
    pub reason: Unsupported,
}

/// Where an export's QR code sits in a multi-part export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchInfo {
    /// This part's index, from 0.
    pub index: i32,
    /// How many parts the export has.
    pub size: i32,
    /// Shared by all parts of one export.
    pub id: i32,
}

/// What one piece of text imports.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Import {
    /// Accounts ready to add.
    pub accounts: Vec<Account>,
    /// Export entries that cannot be added (e.g. MD5).
    pub skipped: Vec<Skipped>,
    /// For an export: which part of it this was.
    pub batch: Option<BatchInfo>,
}

/// Imports an `otpauth://` URI or an `otpauth-migration://` export. Surrounding whitespace is ignored.
pub fn import_text(text: &str) -> Result<Import, ImportError> {
    let text = text.trim();
    match PayloadKind::of(text) {
        PayloadKind::Otpauth => {
            let parsed = uri::parse(text).map_err(ImportError::Uri)?;
            Ok(Import {
                accounts: vec![parsed.account],
                ..Import::default()
            })
        }
        PayloadKind::Migration => {
            let batch = migration::parse(text).map_err(ImportError::Migration)?;
            let mut import = Import {
                batch: Some(BatchInfo {
                    index: batch.batch_index,
                    size: batch.batch_size,
                    id: batch.batch_id,
                }),
                ..Import::default()
            };
            for entry in batch.entries {
                match entry.account {
                    Ok(account) => import.accounts.push(account),
                    Err(reason) => import.skipped.push(Skipped {
                        issuer: entry.issuer,
                        name: entry.name,
                        reason,
                    }),
                }
            }
            Ok(import)
        }
        PayloadKind::Other => {
            // A URI with another scheme gets the URI parser's specific bad_scheme error.
            if let Err(e @ UriError::BadScheme { .. }) = uri::parse(text)
                && !text.contains(char::is_whitespace)
                && text.contains("://")
            {
                return Err(ImportError::Uri(e));
            }
            Err(ImportError::NotAuthenticator {
                text: text.chars().take(200).collect(),
            })
        }
    }
}

/// Imports a QR code's payload (see [`import_text`]).
pub fn import_payload(payload: &QrPayload) -> Result<Import, ImportError> {
    import_text(&payload.text)
}

/// Keeps the accounts of `incoming` that are not already in `existing` (same secret, issuer and name),
/// nor repeated within `incoming`; returns them and how many were duplicates.
pub fn dedupe<'a>(existing: &[Account], incoming: &'a [Account]) -> (Vec<&'a Account>, usize) {
    let mut fresh: Vec<&Account> = Vec::new();
    let mut duplicates = 0;
    for account in incoming {
        if existing
            .iter()
            .chain(fresh.iter().copied())
            .any(|e| e.same_entry(account))
        {
            duplicates += 1;
        } else {
            fresh.push(account);
        }
    }
    (fresh, duplicates)
}
