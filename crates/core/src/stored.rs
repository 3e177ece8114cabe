//! The text the extension stores, read: a plain account list, or a sealed vault still to unlock.

use std::fmt;

use zeroize::Zeroize;

use crate::params::{Coded, ErrorParams};
use crate::sealed::{SealedError, SealedVault};
use crate::vault::{Vault, VaultError};

/// A stored text, read.
#[derive(Debug)]
pub enum Stored {
    /// A plain account list.
    Plain(Vault),
    /// A sealed vault: its passphrase or the held data key opens it.
    Sealed(SealedVault),
}

/// Why a stored text could not be read: as a plain account list, or as the sealed vault it claims
/// to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoredError {
    /// Not a sealed vault, and not a readable account list.
    Plain(VaultError),
    /// A sealed vault that cannot be read.
    Sealed(SealedError),
}

impl Coded for StoredError {
    fn code(&self) -> &'static str {
        match self {
            StoredError::Plain(e) => e.code(),
            StoredError::Sealed(e) => e.code(),
        }
    }

    fn params(&self) -> ErrorParams {
        match self {
            StoredError::Plain(e) => e.params(),
            StoredError::Sealed(e) => e.params(),
        }
    }
}

impl fmt::Display for StoredError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoredError::Plain(e) => e.fmt(f),
            StoredError::Sealed(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for StoredError {}

impl Stored {
    /// Reads a stored text given as UTF-8 bytes, as [`Stored::read`] does, then wipes the bytes (a
    /// plain list holds the secrets). Bytes that are not UTF-8 are a damaged list. (The popup hands
    /// its vault over as bytes: a string crosses into the wasm one character at a time.)
    pub fn read_utf8(mut bytes: Vec<u8>) -> Result<Stored, StoredError> {
        let read = match std::str::from_utf8(&bytes) {
            Ok(text) => Stored::read(text),
            Err(e) => Err(StoredError::Plain(VaultError::Corrupt {
                detail: format!("it is not UTF-8 text (byte {})", e.valid_up_to() + 1),
            })),
        };
        bytes.zeroize();
        read
    }

    /// Reads a stored text: a sealed vault when [`SealedVault::is_sealed`] says so, otherwise an
    /// account list ([`Vault::from_json`]).
    ///
    /// A plain list, what most popups open, is parsed once. A text that parses as an account list is
    /// not sealed (the list refuses unknown fields such as `format`), so `is_sealed`, which scans the
    /// whole text, is asked only when the text begins like a sealed vault or fails as a list.
    pub fn read(text: &str) -> Result<Stored, StoredError> {
        let sealed = |text| {
            SealedVault::parse(text)
                .map(Stored::Sealed)
                .map_err(StoredError::Sealed)
        };
        if SealedVault::begins_sealed(text) && SealedVault::is_sealed(text) {
            return sealed(text);
        }
        match Vault::from_json(text) {
            Ok(vault) => Ok(Stored::Plain(vault)),
            Err(_) if SealedVault::is_sealed(text) => sealed(text),
            Err(e) => Err(StoredError::Plain(e)),
        }
    }
}
