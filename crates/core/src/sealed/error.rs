//! Why a sealed vault could not be read, unlocked or written: [`SealedError`], with its code and
//! the values it names.

use std::fmt;

use super::format::{CIPHER, MAX_SLOTS, MAX_TOTAL_WORK, MIN_PASSPHRASE_CHARS, VERSION};
use crate::params::{Coded, ErrorParams};
use crate::vault::VaultError;

/// Why a sealed vault could not be read, unlocked or written.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SealedError {
    /// The text is not a sealed vault at all (no `"format": "authbar-vault"`).
    NotSealed,
    /// The text claims to be a sealed vault but is malformed or truncated.
    Corrupt {
        /// What is wrong.
        detail: String,
    },
    /// Written by a newer version of Authbar.
    FutureVersion {
        /// The stored version.
        found: u64,
    },
    /// A payload cipher this version does not know.
    UnsupportedCipher {
        /// The cipher named in the header.
        name: String,
    },
    /// No slot this version can open with a passphrase.
    NoPassphraseSlot,
    /// Argon2id parameters outside the accepted range.
    BadKdf {
        /// Which parameter and the rule it breaks.
        detail: String,
    },
    /// A new passphrase shorter than [`MIN_PASSPHRASE_CHARS`].
    PassphraseTooShort {
        /// Characters given.
        chars: usize,
    },
    /// The passphrase does not open the vault.
    WrongPassphrase,
    /// The key held while unlocked does not open this vault (it was re-keyed elsewhere).
    KeyRejected,
    /// The key slot opened but the accounts did not authenticate: the file was altered or cut.
    Tampered,
    /// The decrypted accounts are not a valid account list.
    Vault(VaultError),
    /// More slots than a reader accepts ([`MAX_SLOTS`]); refused before any key is derived.
    TooManySlots {
        /// Slots in the header.
        found: usize,
    },
    /// The passphrase slots together ask for more Argon2id work than a reader does
    /// ([`MAX_TOTAL_WORK`], KiB × passes); refused before any key is derived.
    TooMuchWork {
        /// The work the slots ask for, KiB × passes summed.
        found: u64,
    },
    /// The random number generator failed: nothing was encrypted or written.
    RandomFailed,
    /// A passkey that cannot be added as given (its name, its credential, its PRF output).
    BadPasskey {
        /// Which rule it breaks.
        detail: String,
    },
    /// No passkey slot holds this credential: it was removed, or belongs to another vault.
    NoSuchPasskey,
    /// The passkey's slot did not open: another authenticator's output, or the slot was altered.
    /// The other slots are untouched.
    PasskeyRejected,
}

impl Coded for SealedError {
    /// A stable machine-readable code.
    fn code(&self) -> &'static str {
        match self {
            SealedError::NotSealed => "not_sealed",
            SealedError::Corrupt { .. } => "sealed_corrupt",
            SealedError::FutureVersion { .. } => "sealed_future_version",
            SealedError::UnsupportedCipher { .. } => "sealed_unsupported_cipher",
            SealedError::NoPassphraseSlot => "sealed_no_passphrase_slot",
            SealedError::BadKdf { .. } => "sealed_bad_kdf",
            SealedError::PassphraseTooShort { .. } => "passphrase_too_short",
            SealedError::WrongPassphrase => "wrong_passphrase",
            SealedError::KeyRejected => "key_rejected",
            SealedError::Tampered => "sealed_tampered",
            SealedError::Vault(e) => e.code(),
            SealedError::TooManySlots { .. } => "sealed_too_many_slots",
            SealedError::TooMuchWork { .. } => "sealed_too_much_work",
            SealedError::RandomFailed => "random_failed",
            SealedError::BadPasskey { .. } => "bad_passkey",
            SealedError::NoSuchPasskey => "no_such_passkey",
            SealedError::PasskeyRejected => "passkey_rejected",
        }
    }

    /// The values the error names, for wording it in another language (see [`crate::params`]).
    fn params(&self) -> ErrorParams {
        match self {
            SealedError::NotSealed
            | SealedError::NoPassphraseSlot
            | SealedError::WrongPassphrase
            | SealedError::KeyRejected
            | SealedError::Tampered
            | SealedError::RandomFailed
            | SealedError::NoSuchPasskey
            | SealedError::PasskeyRejected => ErrorParams::new(),
            SealedError::BadPasskey { detail } => ErrorParams::new().with("detail", detail),
            SealedError::Corrupt { detail } | SealedError::BadKdf { detail } => {
                ErrorParams::new().with("detail", detail)
            }
            SealedError::FutureVersion { found } => ErrorParams::new()
                .with("found", found)
                .with("known", VERSION),
            SealedError::UnsupportedCipher { name } => {
                ErrorParams::new().with("found", name).with("known", CIPHER)
            }
            SealedError::PassphraseTooShort { chars } => ErrorParams::new()
                .with("found", chars)
                .with("min", MIN_PASSPHRASE_CHARS),
            SealedError::Vault(e) => e.params(),
            SealedError::TooManySlots { found } => ErrorParams::new()
                .with("found", found)
                .with("max", MAX_SLOTS),
            SealedError::TooMuchWork { found } => ErrorParams::new()
                .with("found", found)
                .with("max", MAX_TOTAL_WORK),
        }
    }
}

impl fmt::Display for SealedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SealedError::NotSealed => f.write_str("this is not an encrypted Authbar vault or backup"),
            SealedError::Corrupt { detail } => {
                write!(
                    f,
                    "the encrypted vault is damaged and cannot be read: {detail}"
                )
            }
            SealedError::FutureVersion { found } => write!(
                f,
                "the encrypted vault is format version {found}, newer than this version understands \
                 ({VERSION}); it is left untouched: update Authbar"
            ),
            SealedError::UnsupportedCipher { name } => write!(
                f,
                "the encrypted vault uses the cipher \"{name}\"; this version knows only {CIPHER}"
            ),
            SealedError::NoPassphraseSlot => {
                f.write_str("the encrypted vault has no passphrase slot this version can open")
            }
            SealedError::BadKdf { detail } => write!(f, "bad Argon2id parameters: {detail}"),
            SealedError::PassphraseTooShort { chars } => write!(
                f,
                "a passphrase must have at least {MIN_PASSPHRASE_CHARS} characters, got {chars}"
            ),
            SealedError::WrongPassphrase => f.write_str("wrong passphrase"),
            SealedError::KeyRejected => f.write_str(
                "the vault was locked or re-keyed elsewhere: unlock it again with the passphrase",
            ),
            SealedError::Tampered => f.write_str(
                "the encrypted accounts fail their integrity check: the file was altered or cut short",
            ),
            SealedError::Vault(e) => e.fmt(f),
            SealedError::TooManySlots { found } => write!(
                f,
                "the file has {found} key slots; a reader opens at most {MAX_SLOTS}, so it is refused \
                 before any key is derived"
            ),
            SealedError::TooMuchWork { found } => write!(
                f,
                "the file's passphrase slots ask for {found} KiB-passes of Argon2id work together; a \
                 reader does at most {MAX_TOTAL_WORK}, so it is refused before any key is derived"
            ),
            SealedError::RandomFailed => f.write_str(
                "the random number generator failed; nothing was encrypted or written",
            ),
            SealedError::BadPasskey { detail } => {
                write!(f, "this passkey cannot unlock Authbar: {detail}")
            }
            SealedError::NoSuchPasskey => f.write_str(
                "this passkey does not unlock this vault (it was removed, or is another vault's): \
                 use the passphrase",
            ),
            SealedError::PasskeyRejected => f.write_str(
                "the passkey's slot did not open (another authenticator, or the slot was altered); \
                 the passphrase still opens the vault",
            ),
        }
    }
}

impl std::error::Error for SealedError {}

/// A [`SealedError::Corrupt`] saying what is wrong.
pub(crate) fn corrupt(detail: impl Into<String>) -> SealedError {
    SealedError::Corrupt {
        detail: detail.into(),
    }
}
