//! The encrypted vault and `.authbar` backups (format 1, specified in `docs/vault-format.md`).
//!
//! A passphrase never encrypts the accounts directly. Argon2id turns it into a key-encryption key
//! that wraps a random 256-bit data key (a *slot*); the data key encrypts the account list with
//! XChaCha20-Poly1305. Changing the passphrase re-wraps that one key, and a later slot type (a
//! hardware key, say) can sit beside the passphrase slot. The header — format, version, cipher and
//! slots with their KDF parameters and salts — is the payload's associated data, so no part of it can
//! be altered without the payload failing to open.
//!
//! The core reads no random source of its own: every function that needs fresh randomness takes a
//! `random` filler from its caller (the browser's `crypto.getRandomValues` in the extension, the OS in
//! the CLI), which also makes the format testable with fixed bytes.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use zeroize::Zeroizing;

use crate::params::Params;
use crate::vault::{Vault, VaultError};

/// The `format` field of every sealed vault and backup.
pub const FORMAT: &str = "authbar-vault";
/// The format version this code reads and writes.
pub const VERSION: u32 = 1;
/// The only payload cipher of version 1.
pub const CIPHER: &str = "xchacha20poly1305";

const KEY_LEN: usize = 32;
const SALT_LEN: usize = 16;
const NONCE_LEN: usize = 24;
/// Associated data of a passphrase slot's wrapped key: binds the wrapping to its purpose.
const SLOT_AAD: &[u8] = b"authbar-vault/1 passphrase slot";

/// The shortest new passphrase accepted (existing files open with whatever they were made with).
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// Checks a new passphrase against [`MIN_PASSPHRASE_CHARS`].
pub fn check_new_passphrase(passphrase: &str) -> Result<(), SealedError> {
    let chars = passphrase.chars().count();
    if chars < MIN_PASSPHRASE_CHARS {
        return Err(SealedError::PassphraseTooShort { chars });
    }
    Ok(())
}

/// A source of fresh random bytes (fills the whole buffer).
pub type Random<'a> = &'a mut dyn FnMut(&mut [u8]);

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
}

impl SealedError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
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
        }
    }

    /// The values the error names, for wording it in another language (see [`crate::params`]).
    pub fn params(&self) -> Params {
        match self {
            SealedError::NotSealed
            | SealedError::NoPassphraseSlot
            | SealedError::WrongPassphrase
            | SealedError::KeyRejected
            | SealedError::Tampered => Params::new(),
            SealedError::Corrupt { detail } | SealedError::BadKdf { detail } => {
                Params::new().with("detail", detail)
            }
            SealedError::FutureVersion { found } => {
                Params::new().with("found", found).with("known", VERSION)
            }
            SealedError::UnsupportedCipher { name } => {
                Params::new().with("found", name).with("known", CIPHER)
            }
            SealedError::PassphraseTooShort { chars } => Params::new()
                .with("found", chars)
                .with("min", MIN_PASSPHRASE_CHARS),
            SealedError::Vault(e) => e.params(),
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
        }
    }
}

impl std::error::Error for SealedError {}

fn corrupt(detail: impl Into<String>) -> SealedError {
    SealedError::Corrupt {
        detail: detail.into(),
    }
}

/// Argon2id cost parameters (RFC 9106), stored in each passphrase slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KdfParams {
    /// Memory in KiB (`m`).
    pub memory_kib: u32,
    /// Passes over the memory (`t`).
    pub iterations: u32,
    /// Lanes (`p`).
    pub parallelism: u32,
}

impl KdfParams {
    /// What new vaults use: 64 MiB, 6 passes, 1 lane. Measured in `docs/vault-format.md`: unlocking
    /// in the extension's WebAssembly takes 0.3–1 s on a 2-core machine. One lane because the wasm
    /// runs single-threaded, so more lanes would only cost the user time, not an attacker; the
    /// passes make up for it, and 64 MiB keeps the popup's memory modest after unlocking.
    pub const DEFAULT: KdfParams = KdfParams {
        memory_kib: 64 * 1024,
        iterations: 6,
        parallelism: 1,
    };
    /// The largest memory a file may ask for: 256 MiB (more could exhaust a browser tab).
    pub const MAX_MEMORY_KIB: u32 = 256 * 1024;
    /// The most passes a file may ask for.
    pub const MAX_ITERATIONS: u32 = 64;
    /// The most lanes a file may ask for.
    pub const MAX_PARALLELISM: u32 = 16;

    /// Checks the ranges a file may use (a crafted file must not make unlocking hang or run out of
    /// memory), and Argon2's own minimum of 8 KiB per lane.
    pub fn check(&self) -> Result<(), SealedError> {
        let bad = |detail: String| Err(SealedError::BadKdf { detail });
        if self.parallelism == 0 || self.parallelism > Self::MAX_PARALLELISM {
            return bad(format!(
                "parallelism must be from 1 to {}, got {}",
                Self::MAX_PARALLELISM,
                self.parallelism
            ));
        }
        if self.iterations == 0 || self.iterations > Self::MAX_ITERATIONS {
            return bad(format!(
                "iterations must be from 1 to {}, got {}",
                Self::MAX_ITERATIONS,
                self.iterations
            ));
        }
        let min = 8 * self.parallelism;
        if self.memory_kib < min || self.memory_kib > Self::MAX_MEMORY_KIB {
            return bad(format!(
                "memory must be from {min} KiB (8 per lane) to {} KiB, got {}",
                Self::MAX_MEMORY_KIB,
                self.memory_kib
            ));
        }
        Ok(())
    }

    /// Derives the key-encryption key from a passphrase and salt.
    fn derive(
        &self,
        passphrase: &str,
        salt: &[u8],
    ) -> Result<Zeroizing<[u8; KEY_LEN]>, SealedError> {
        self.check()?;
        let params = argon2::Params::new(
            self.memory_kib,
            self.iterations,
            self.parallelism,
            Some(KEY_LEN),
        )
        .map_err(|e| SealedError::BadKdf {
            detail: e.to_string(),
        })?;
        let argon =
            argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
        let mut kek = Zeroizing::new([0u8; KEY_LEN]);
        argon
            .hash_password_into(passphrase.as_bytes(), salt, kek.as_mut())
            .map_err(|e| SealedError::BadKdf {
                detail: e.to_string(),
            })?;
        Ok(kek)
    }
}

/// The random 256-bit key that encrypts the accounts. Held only while unlocked (in the extension, in
/// `chrome.storage.session`); never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct DataKey(Zeroizing<[u8; KEY_LEN]>);

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey(..)")
    }
}

impl DataKey {
    fn random(random: Random<'_>) -> DataKey {
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        random(key.as_mut());
        DataKey(key)
    }

    /// The key as base64, to keep in memory-only storage between popup openings.
    pub fn to_base64(&self) -> Zeroizing<String> {
        Zeroizing::new(STANDARD.encode(self.0.as_ref()))
    }

    /// Reads [`DataKey::to_base64`]'s text.
    pub fn from_base64(text: &str) -> Result<DataKey, SealedError> {
        let bytes = Zeroizing::new(
            STANDARD
                .decode(text.trim())
                .map_err(|e| corrupt(format!("the held key is not base64: {e}")))?,
        );
        let array: [u8; KEY_LEN] = bytes.as_slice().try_into().map_err(|_| {
            corrupt(format!(
                "the held key must be {KEY_LEN} bytes, got {}",
                bytes.len()
            ))
        })?;
        Ok(DataKey(Zeroizing::new(array)))
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(Key::from_slice(self.0.as_ref()))
    }
}

/// The KDF of a passphrase slot, as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct KdfJson {
    algorithm: String,
    version: u32,
    #[serde(flatten)]
    params: KdfParams,
}

const ARGON2ID: &str = "argon2id";
/// Argon2 version 1.3 (0x13), the one RFC 9106 specifies.
const ARGON2_VERSION: u32 = 0x13;

/// A passphrase slot: the data key wrapped under a key derived from the passphrase.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PassphraseSlot {
    #[serde(rename = "type")]
    kind: String,
    kdf: KdfJson,
    salt: String,
    nonce: String,
    wrapped_key: String,
}

const PASSPHRASE: &str = "passphrase";

/// The header: authenticated, not encrypted. Slots of an unknown type are kept as they are (and
/// skipped), so a later version can add a slot type that this one still passes over.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Header {
    cipher: String,
    slots: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
struct Probe {
    format: Option<serde_json::Value>,
    version: Option<serde_json::Value>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Envelope<'a> {
    format: String,
    version: u32,
    #[serde(borrow)]
    header: &'a RawValue,
    nonce: String,
    ciphertext: String,
}

fn decode_b64(field: &str, text: &str) -> Result<Vec<u8>, SealedError> {
    STANDARD
        .decode(text)
        .map_err(|e| corrupt(format!("{field} is not base64: {e}")))
}

fn decode_array<const N: usize>(field: &str, text: &str) -> Result<[u8; N], SealedError> {
    let bytes = decode_b64(field, text)?;
    bytes
        .as_slice()
        .try_into()
        .map_err(|_| corrupt(format!("{field} must be {N} bytes, got {}", bytes.len())))
}

/// A parsed sealed vault or backup. Reading it checks its structure; opening it needs the passphrase
/// or the data key.
#[derive(Debug, Clone)]
pub struct SealedVault {
    /// The header's exact JSON text: the payload's associated data.
    header_text: String,
    header: Header,
    nonce: [u8; NONCE_LEN],
    ciphertext: Vec<u8>,
}

impl SealedVault {
    /// Whether the text claims to be a sealed vault (its `format` field), without checking more. A
    /// plain account list (schema 1) is not; a sealed vault cut short still is (and [`Self::parse`]
    /// then reports it as damaged), so it is never mistaken for some other, unreadable text.
    pub fn is_sealed(text: &str) -> bool {
        match serde_json::from_str::<Probe>(text) {
            Ok(probe) => {
                matches!(probe.format, Some(serde_json::Value::String(f)) if f == FORMAT)
            }
            Err(_) => Self::begins_sealed(text),
        }
    }

    /// Whether the text begins as a sealed vault does, `{"format":"authbar-vault"` with any
    /// whitespace between (cut short or not; nothing after it is read).
    pub(crate) fn begins_sealed(text: &str) -> bool {
        let prefix = format!("{{\"format\":\"{FORMAT}\"");
        let head: String = text
            .chars()
            .take(200)
            .filter(|c| !c.is_whitespace())
            .collect();
        head.starts_with(&prefix)
    }

    /// Reads the text. A newer version is refused before anything else is read.
    pub fn parse(text: &str) -> Result<SealedVault, SealedError> {
        let probe: Probe = serde_json::from_str(text).map_err(|e| {
            if text.contains(FORMAT) {
                corrupt(e.to_string())
            } else {
                SealedError::NotSealed
            }
        })?;
        match probe.format {
            Some(serde_json::Value::String(f)) if f == FORMAT => {}
            _ => return Err(SealedError::NotSealed),
        }
        let version = probe
            .version
            .as_ref()
            .and_then(serde_json::Value::as_u64)
            .ok_or_else(|| corrupt("\"version\" must be a whole number"))?;
        if version > u64::from(VERSION) {
            return Err(SealedError::FutureVersion { found: version });
        }
        if version != u64::from(VERSION) {
            return Err(corrupt(format!("unknown version {version}")));
        }
        let envelope: Envelope<'_> =
            serde_json::from_str(text).map_err(|e| corrupt(e.to_string()))?;
        let header_text = envelope.header.get().to_string();
        let header: Header =
            serde_json::from_str(&header_text).map_err(|e| corrupt(format!("header: {e}")))?;
        if header.cipher != CIPHER {
            return Err(SealedError::UnsupportedCipher {
                name: header.cipher,
            });
        }
        Ok(SealedVault {
            header_text,
            header,
            nonce: decode_array("nonce", &envelope.nonce)?,
            ciphertext: decode_b64("ciphertext", &envelope.ciphertext)?,
        })
    }

    /// The text to store or save as a `.authbar` file.
    pub fn to_text(&self) -> String {
        let header = RawValue::from_string(self.header_text.clone());
        match header {
            Ok(header) => serde_json::to_string_pretty(&Envelope {
                format: FORMAT.to_string(),
                version: VERSION,
                header: &header,
                nonce: STANDARD.encode(self.nonce),
                ciphertext: STANDARD.encode(&self.ciphertext),
            })
            .unwrap_or_default(),
            // The header text was produced by serde_json (here or when parsing): always valid JSON.
            Err(_) => String::new(),
        }
    }

    fn passphrase_slots(&self) -> Vec<PassphraseSlot> {
        self.header
            .slots
            .iter()
            .filter(|s| s.get("type").and_then(serde_json::Value::as_str) == Some(PASSPHRASE))
            .filter_map(|s| serde_json::from_value(s.clone()).ok())
            .collect()
    }

    /// The Argon2id parameters of the passphrase slot (to show, or to decide on re-keying).
    pub fn kdf(&self) -> Option<KdfParams> {
        self.passphrase_slots().first().map(|s| s.kdf.params)
    }

    /// Derives the key from the passphrase (slow by design: Argon2id) and checks that it opens the
    /// accounts. Returns the data key to hold while unlocked, and the accounts.
    pub fn unlock(&self, passphrase: &str) -> Result<(DataKey, Vault), SealedError> {
        let slots = self.passphrase_slots();
        if slots.is_empty() {
            // A passphrase slot this version cannot parse is damage, not absence.
            return Err(
                if self
                    .header
                    .slots
                    .iter()
                    .any(|s| s.get("type").and_then(serde_json::Value::as_str) == Some(PASSPHRASE))
                {
                    corrupt("the passphrase slot is malformed")
                } else {
                    SealedError::NoPassphraseSlot
                },
            );
        }
        for slot in &slots {
            if slot.kdf.algorithm != ARGON2ID || slot.kdf.version != ARGON2_VERSION {
                return Err(SealedError::BadKdf {
                    detail: format!(
                        "the key derivation must be {ARGON2ID} version {ARGON2_VERSION}, got {} version {}",
                        slot.kdf.algorithm, slot.kdf.version
                    ),
                });
            }
            let salt: [u8; SALT_LEN] = decode_array("salt", &slot.salt)?;
            let nonce: [u8; NONCE_LEN] = decode_array("slot nonce", &slot.nonce)?;
            let wrapped = decode_b64("wrapped key", &slot.wrapped_key)?;
            let kek = slot.kdf.params.derive(passphrase, &salt)?;
            let unwrapped = XChaCha20Poly1305::new(Key::from_slice(kek.as_ref())).decrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: &wrapped,
                    aad: SLOT_AAD,
                },
            );
            if let Ok(bytes) = unwrapped {
                let bytes = Zeroizing::new(bytes);
                let array: [u8; KEY_LEN] = bytes
                    .as_slice()
                    .try_into()
                    .map_err(|_| corrupt("the wrapped key has the wrong length"))?;
                let key = DataKey(Zeroizing::new(array));
                let vault = self.open_with(&key, SealedError::Tampered)?;
                return Ok((key, vault));
            }
        }
        Err(SealedError::WrongPassphrase)
    }

    /// Opens the accounts with the data key held while unlocked (fast: no key derivation).
    pub fn open(&self, key: &DataKey) -> Result<Vault, SealedError> {
        self.open_with(key, SealedError::KeyRejected)
    }

    fn plaintext(
        &self,
        key: &DataKey,
        refused: SealedError,
    ) -> Result<Zeroizing<Vec<u8>>, SealedError> {
        key.cipher()
            .decrypt(
                XNonce::from_slice(&self.nonce),
                Payload {
                    msg: &self.ciphertext,
                    aad: self.header_text.as_bytes(),
                },
            )
            .map(Zeroizing::new)
            .map_err(|_| refused)
    }

    fn open_with(&self, key: &DataKey, refused: SealedError) -> Result<Vault, SealedError> {
        let plain = self.plaintext(key, refused)?;
        let text = std::str::from_utf8(&plain).map_err(|_| {
            SealedError::Vault(VaultError::Corrupt {
                detail: "the decrypted accounts are not UTF-8".into(),
            })
        })?;
        Vault::from_json(text).map_err(SealedError::Vault)
    }

    /// The same vault (same header and key) with new contents: what every save writes.
    pub fn reseal(
        &self,
        vault: &Vault,
        key: &DataKey,
        random: Random<'_>,
    ) -> Result<SealedVault, SealedError> {
        // Refuse to write under a key that does not open the current file: a popup holding an old
        // key after a passphrase change elsewhere must not make the vault unreadable.
        self.plaintext(key, SealedError::KeyRejected)?;
        Ok(encrypt(
            self.header_text.clone(),
            self.header.clone(),
            &Zeroizing::new(vault.to_json()),
            key,
            random,
        ))
    }

    /// Re-wraps the data key under a new passphrase (the old slot is replaced; slots of other types
    /// are kept) and re-encrypts the accounts under the new header. Needs the key (the vault is
    /// unlocked); the caller keeps the old text until the new one is stored and reads back.
    pub fn change_passphrase(
        &self,
        key: &DataKey,
        new_passphrase: &str,
        params: KdfParams,
        random: Random<'_>,
    ) -> Result<SealedVault, SealedError> {
        let plain = self.plaintext(key, SealedError::KeyRejected)?;
        let text = std::str::from_utf8(&plain).map_err(|_| SealedError::Tampered)?;
        let text = Zeroizing::new(text.to_string());
        let slot = passphrase_slot(key, new_passphrase, params, random)?;
        let mut slots: Vec<serde_json::Value> = self
            .header
            .slots
            .iter()
            .filter(|s| s.get("type").and_then(serde_json::Value::as_str) != Some(PASSPHRASE))
            .cloned()
            .collect();
        slots.insert(0, slot);
        let header = Header {
            cipher: CIPHER.to_string(),
            slots,
        };
        let header_text = serde_json::to_string(&header).map_err(|e| corrupt(e.to_string()))?;
        Ok(encrypt(header_text, header, &text, key, random))
    }
}

/// Encrypts a vault under a new passphrase and a new random data key: a first sealed vault, or a
/// backup with its own passphrase.
pub fn seal(
    vault: &Vault,
    passphrase: &str,
    params: KdfParams,
    random: Random<'_>,
) -> Result<(SealedVault, DataKey), SealedError> {
    let key = DataKey::random(random);
    let slot = passphrase_slot(&key, passphrase, params, random)?;
    let header = Header {
        cipher: CIPHER.to_string(),
        slots: vec![slot],
    };
    let header_text = serde_json::to_string(&header).map_err(|e| corrupt(e.to_string()))?;
    let sealed = encrypt(
        header_text,
        header,
        &Zeroizing::new(vault.to_json()),
        &key,
        random,
    );
    Ok((sealed, key))
}

fn passphrase_slot(
    key: &DataKey,
    passphrase: &str,
    params: KdfParams,
    random: Random<'_>,
) -> Result<serde_json::Value, SealedError> {
    check_new_passphrase(passphrase)?;
    let mut salt = [0u8; SALT_LEN];
    random(&mut salt);
    let mut nonce = [0u8; NONCE_LEN];
    random(&mut nonce);
    let kek = params.derive(passphrase, &salt)?;
    let wrapped = XChaCha20Poly1305::new(Key::from_slice(kek.as_ref()))
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: key.0.as_ref(),
                aad: SLOT_AAD,
            },
        )
        .map_err(|_| corrupt("the key could not be wrapped"))?;
    serde_json::to_value(PassphraseSlot {
        kind: PASSPHRASE.to_string(),
        kdf: KdfJson {
            algorithm: ARGON2ID.to_string(),
            version: ARGON2_VERSION,
            params,
        },
        salt: STANDARD.encode(salt),
        nonce: STANDARD.encode(nonce),
        wrapped_key: STANDARD.encode(wrapped),
    })
    .map_err(|e| corrupt(e.to_string()))
}

fn encrypt(
    header_text: String,
    header: Header,
    plaintext: &Zeroizing<String>,
    key: &DataKey,
    random: Random<'_>,
) -> SealedVault {
    let mut nonce = [0u8; NONCE_LEN];
    random(&mut nonce);
    // XChaCha20-Poly1305 encryption fails only for messages over 256 GiB.
    let ciphertext = key
        .cipher()
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: plaintext.as_bytes(),
                aad: header_text.as_bytes(),
            },
        )
        .unwrap_or_default();
    SealedVault {
        header_text,
        header,
        nonce,
        ciphertext,
    }
}
