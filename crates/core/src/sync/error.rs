//! What sync found wrong: [`SyncError`], with its code and the values it names. Errors that stop a
//! sync (the area is a newer format, its header is damaged, rejected or another vault's) are returned
//! as `Err`, and nothing is merged or written; problems with single items are listed in the
//! [`super::Report`] of a sync that went ahead without them.

use std::fmt;

use super::format::FORMAT_VERSION;
use crate::lock::LockError;
use crate::params::{Coded, ErrorParams};
use crate::sealed::SealedError;
use crate::vault::SyncId;

/// What sync found wrong. Bad data is never merged and never deletes a local account.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SyncError {
    /// The vault's state does not allow it (locked, no passphrase, a wrong passphrase, a failed
    /// random source…).
    Lock(LockError),
    /// The area was written by a newer version of Authbar: this browser must not write to it.
    NewerFormat {
        /// The format version found.
        found: u64,
    },
    /// The area's header is cut short or malformed.
    HeaderMalformed {
        /// What is wrong.
        detail: String,
    },
    /// The header names this vault's sync area but fails its key check under this vault's key:
    /// altered, or written under another key.
    HeaderRejected,
    /// The area holds another vault's data (another sync id, under another key).
    OtherVault {
        /// The area's sync id.
        found: SyncId,
    },
    /// There is no Authbar data in sync to join.
    NothingToJoin,
    /// An item fails authentication (altered, or under another key or sync id): ignored.
    ItemRejected {
        /// The item's key.
        key: String,
    },
    /// An item that authenticates but cannot be read: ignored.
    ItemMalformed {
        /// The item's key.
        key: String,
        /// What is wrong.
        detail: String,
    },
    /// A key under Authbar's prefix that is none of Authbar's items: left alone.
    ForeignKey {
        /// The key.
        key: String,
    },
}

impl From<LockError> for SyncError {
    fn from(e: LockError) -> Self {
        SyncError::Lock(e)
    }
}

impl From<SealedError> for SyncError {
    fn from(e: SealedError) -> Self {
        SyncError::Lock(LockError::Sealed(e))
    }
}

impl Coded for SyncError {
    fn code(&self) -> &'static str {
        match self {
            SyncError::Lock(e) => e.code(),
            SyncError::NewerFormat { .. } => "sync_newer_format",
            SyncError::HeaderMalformed { .. } => "sync_header_malformed",
            SyncError::HeaderRejected => "sync_header_rejected",
            SyncError::OtherVault { .. } => "sync_other_vault",
            SyncError::NothingToJoin => "sync_nothing_to_join",
            SyncError::ItemRejected { .. } => "sync_item_rejected",
            SyncError::ItemMalformed { .. } => "sync_item_malformed",
            SyncError::ForeignKey { .. } => "sync_foreign_key",
        }
    }

    fn params(&self) -> ErrorParams {
        match self {
            SyncError::Lock(e) => e.params(),
            SyncError::NewerFormat { found } => ErrorParams::new()
                .with("found", found)
                .with("known", FORMAT_VERSION),
            SyncError::HeaderMalformed { detail } => ErrorParams::new().with("detail", detail),
            SyncError::HeaderRejected | SyncError::NothingToJoin => ErrorParams::new(),
            SyncError::OtherVault { found } => ErrorParams::new().with("found", found),
            SyncError::ItemRejected { key } | SyncError::ForeignKey { key } => {
                ErrorParams::new().with("key", key)
            }
            SyncError::ItemMalformed { key, detail } => {
                ErrorParams::new().with("key", key).with("detail", detail)
            }
        }
    }
}

impl fmt::Display for SyncError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SyncError::Lock(e) => e.fmt(f),
            SyncError::NewerFormat { found } => write!(
                f,
                "the accounts in sync were written by a newer Authbar (sync format {found}; this \
                 version knows {FORMAT_VERSION}); this browser leaves them untouched and stops \
                 syncing: update Authbar on this browser"
            ),
            SyncError::HeaderMalformed { detail } => write!(
                f,
                "Authbar's data in sync is damaged or cut short ({detail}); nothing was merged or \
                 written: remove Authbar's data from sync to start again"
            ),
            SyncError::HeaderRejected => f.write_str(
                "Authbar's data in sync fails its key check (altered, or written under another \
                 key); nothing was merged or written",
            ),
            SyncError::OtherVault { found } => write!(
                f,
                "sync holds another vault's accounts (sync id {found}); nothing was merged or \
                 written: enter that vault's passphrase to join it"
            ),
            SyncError::NothingToJoin => {
                f.write_str("there are no Authbar accounts in sync to join")
            }
            SyncError::ItemRejected { key } => write!(
                f,
                "the sync item {key} fails its integrity check (altered, or under another key); it \
                 was not merged, and this browser writes its own accounts in its place"
            ),
            SyncError::ItemMalformed { key, detail } => write!(
                f,
                "the sync item {key} cannot be read ({detail}); it was not merged, and this browser \
                 writes its own accounts in its place"
            ),
            SyncError::ForeignKey { key } => write!(
                f,
                "the sync item {key} is under Authbar's prefix but is not Authbar's; it was left \
                 alone"
            ),
        }
    }
}

impl std::error::Error for SyncError {}
