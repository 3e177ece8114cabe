//! Why a vault could not be loaded or changed: [`VaultError`], with its code and the values it names.

use std::fmt;

use super::format::{LETTER, MAX_LOGO_CHARS, SCHEMA};
use crate::params::{Coded, ErrorParams};

/// Why a vault could not be loaded or changed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum VaultError {
    /// The stored text is not a vault.
    Corrupt {
        /// What is wrong.
        detail: String,
    },
    /// Written by a newer version of Authbar.
    FutureSchema {
        /// The stored schema number.
        found: u64,
    },
    /// No entry with this id.
    NoSuchEntry {
        /// The id asked for.
        id: u64,
    },
    /// The operation needs a HOTP entry.
    NotHotp {
        /// The id asked for.
        id: u64,
    },
    /// A site that is not a host name or address (the tab's URL gave no host).
    BadSite {
        /// The text given as the host.
        host: String,
    },
    /// A logo choice that is neither a logo's slug nor the letter avatar.
    BadLogo {
        /// The text given.
        logo: String,
    },
    /// A logo choice that names no logo Authbar ships.
    UnknownLogo {
        /// The slug given.
        logo: String,
    },
    /// A deleted entry that cannot be brought back: the list holds it again (sync brought it back,
    /// or the same account was added again).
    AlreadyBack {
        /// The entry that holds it now.
        id: u64,
    },
    /// A move that would take a pinned entry below the unpinned ones, or an unpinned one among the
    /// pinned.
    MoveAcrossPin {
        /// The position asked for (from 0).
        index: usize,
        /// Whether the entry is pinned.
        pinned: bool,
        /// The first position of its group.
        first: usize,
        /// The last position of its group.
        last: usize,
    },
    /// A position past the end of the list.
    NoSuchPosition {
        /// The position asked for (from 0).
        index: usize,
        /// How many entries there are.
        len: usize,
    },
}

impl Coded for VaultError {
    /// A stable machine-readable code.
    fn code(&self) -> &'static str {
        match self {
            VaultError::Corrupt { .. } => "vault_corrupt",
            VaultError::FutureSchema { .. } => "vault_future_schema",
            VaultError::NoSuchEntry { .. } => "no_such_entry",
            VaultError::NotHotp { .. } => "not_hotp",
            VaultError::NoSuchPosition { .. } => "no_such_position",
            VaultError::BadSite { .. } => "bad_site",
            VaultError::BadLogo { .. } => "bad_logo",
            VaultError::UnknownLogo { .. } => "unknown_logo",
            VaultError::AlreadyBack { .. } => "already_back",
            VaultError::MoveAcrossPin { .. } => "move_across_pin",
        }
    }

    /// The values the error names, for wording it in another language (see [`crate::params`]).
    fn params(&self) -> ErrorParams {
        match self {
            VaultError::Corrupt { detail } => ErrorParams::new().with("detail", detail),
            VaultError::FutureSchema { found } => ErrorParams::new()
                .with("found", found)
                .with("known", SCHEMA),
            VaultError::NoSuchEntry { id }
            | VaultError::NotHotp { id }
            | VaultError::AlreadyBack { id } => ErrorParams::new().with("id", id),
            VaultError::NoSuchPosition { index, len } => {
                ErrorParams::new().with("index", index).with("len", len)
            }
            VaultError::BadSite { host } => ErrorParams::new().with("found", host),
            VaultError::BadLogo { logo } => ErrorParams::new()
                .with("found", logo)
                .with("letter", LETTER)
                .with("max", MAX_LOGO_CHARS),
            VaultError::UnknownLogo { logo } => ErrorParams::new()
                .with("found", logo)
                .with("letter", LETTER),
            VaultError::MoveAcrossPin {
                index,
                pinned,
                first,
                last,
            } => ErrorParams::new()
                .with("index", index)
                .with("first", first)
                .with("last", last)
                .variant(if *pinned { "pinned" } else { "unpinned" }),
        }
    }
}

impl fmt::Display for VaultError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VaultError::Corrupt { detail } => {
                write!(f, "the stored accounts cannot be read: {detail}")
            }
            VaultError::FutureSchema { found } => write!(
                f,
                "the stored accounts use schema {found}, newer than this version understands ({SCHEMA}); \
                 they are left untouched: update Authbar"
            ),
            VaultError::NoSuchEntry { id } => write!(f, "there is no account with id {id}"),
            VaultError::NotHotp { id } => write!(f, "account {id} is not counter-based (HOTP)"),
            VaultError::BadSite { host } => write!(
                f,
                "'{host}' is not a site: a site is a host name or address, such as example.com"
            ),
            VaultError::NoSuchPosition { index, len } => write!(
                f,
                "position {index} is past the end of the list of {len} account(s) (positions start at 0)"
            ),
            VaultError::BadLogo { logo } => write!(
                f,
                "'{logo}' is not a logo: a logo is named by lower-case letters and digits (at most \
                 {MAX_LOGO_CHARS}), or \"{LETTER}\" for the letter"
            ),
            VaultError::UnknownLogo { logo } => write!(
                f,
                "'{logo}' is not one of the logos Authbar ships: choose one from its list, or \
                 \"{LETTER}\" for the letter"
            ),
            VaultError::AlreadyBack { id } => write!(
                f,
                "the deleted account is not put back: the list holds it again (account {id})"
            ),
            VaultError::MoveAcrossPin {
                index,
                pinned: true,
                first,
                last,
            } => write!(
                f,
                "a pinned account moves among the pinned ones, positions {first} to {last}, not to \
                 {index}: unpin it first"
            ),
            VaultError::MoveAcrossPin {
                index,
                pinned: false,
                first,
                last,
            } => write!(
                f,
                "an account that is not pinned moves below the pinned ones, positions {first} to \
                 {last}, not to {index}: pin it first"
            ),
        }
    }
}

impl std::error::Error for VaultError {}
