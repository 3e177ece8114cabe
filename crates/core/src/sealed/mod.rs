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
//! the CLI), which also makes the format testable with fixed bytes. A filler that fails stops the
//! operation with [`SealedError::RandomFailed`] before anything is encrypted.
//!
//! The modules go from the leaves up: `format` (constants), `error`, `kdf` (Argon2id), `key` (the
//! data key and the cipher), `slot` (wrapping the key), and this one (the envelope).

mod error;
mod format;
mod hkdf;
mod kdf;
mod key;
mod prf;
mod slot;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use zeroize::Zeroizing;

pub use error::SealedError;
use error::corrupt;
use format::NONCE_LEN;
pub use format::{
    CIPHER, FORMAT, MAX_SLOTS, MAX_TOTAL_WORK, MIN_PASSPHRASE_CHARS, VERSION, VERSION_1,
};
pub use hkdf::hkdf_sha256;
pub use kdf::KdfParams;
pub use key::{DataKey, Random, RandomFailed};
use key::{Sealer, decode_array, decode_b64, encode_b64, random_array};
pub use prf::{MAX_PASSKEY_NAME_CHARS, NewPasskey, PasskeyView};
use slot::PassphraseSlot;
pub use slot::{KeySlots, check_new_passphrase};

use crate::vault::{Vault, VaultError};

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

/// A parsed sealed vault or backup. Reading it checks its structure; opening it needs the passphrase
/// or the data key.
#[derive(Debug, Clone)]
pub struct SealedVault {
    /// The header's exact JSON text: the payload's associated data.
    header_text: String,
    header: KeySlots,
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
        if version < u64::from(VERSION_1) {
            return Err(corrupt(format!("unknown version {version}")));
        }
        let envelope: Envelope<'_> =
            serde_json::from_str(text).map_err(|e| corrupt(e.to_string()))?;
        let header_text = envelope.header.get().to_string();
        let header: KeySlots =
            serde_json::from_str(&header_text).map_err(|e| corrupt(format!("header: {e}")))?;
        if header.cipher() != CIPHER {
            return Err(SealedError::UnsupportedCipher {
                name: header.cipher().to_owned(),
            });
        }
        if version == u64::from(VERSION_1) && header.has_passkeys() {
            return Err(corrupt("format 1 has no passkey slots"));
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
                version: self.version(),
                header: &header,
                nonce: encode_b64(&self.nonce),
                ciphertext: encode_b64(&self.ciphertext),
            })
            .unwrap_or_default(),
            // The header text was produced by serde_json (here or when parsing): always valid JSON.
            Err(_) => String::new(),
        }
    }

    /// The format version this vault is written in: the oldest that holds its slots.
    pub fn version(&self) -> u32 {
        if self.header.has_passkeys() {
            VERSION
        } else {
            VERSION_1
        }
    }

    /// The Argon2id parameters of the passphrase slot (to show, or to decide on re-keying).
    pub fn kdf(&self) -> Option<KdfParams> {
        let slots = self.header.passphrase_slots().ok()?;
        slots.first().map(PassphraseSlot::params)
    }

    /// Derives the key from the passphrase (slow by design: Argon2id) and checks that it opens the
    /// accounts. Returns the data key to hold while unlocked, and the accounts. The slots are
    /// bounded before any key is derived ([`MAX_SLOTS`], [`MAX_TOTAL_WORK`]).
    pub fn unlock(&self, passphrase: &str) -> Result<(DataKey, Vault), SealedError> {
        let key = self.header.unlock(passphrase)?;
        let vault = self.open_with(&key, SealedError::Tampered)?;
        Ok((key, vault))
    }

    /// The key slots of the header.
    pub fn key_slots(&self) -> &KeySlots {
        &self.header
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
        Sealer::data(key)
            .open(&self.nonce, &self.ciphertext, self.header_text.as_bytes())
            .ok_or(refused)
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
        encrypt(
            self.header_text.clone(),
            self.header.clone(),
            &Zeroizing::new(vault.to_json()),
            key,
            random,
        )
    }

    /// The same accounts under the same key with other slots (a passkey added or removed, or the
    /// slots a sync header carries): the key must open the current vault, and the new slots must
    /// wrap it (the caller made them from it).
    pub fn with_slots(
        &self,
        slots: KeySlots,
        key: &DataKey,
        random: Random<'_>,
    ) -> Result<SealedVault, SealedError> {
        let plain = self.plaintext(key, SealedError::KeyRejected)?;
        let text = std::str::from_utf8(&plain).map_err(|_| SealedError::Tampered)?;
        encrypt(
            slots.to_text()?,
            slots,
            &Zeroizing::new(text.to_string()),
            key,
            random,
        )
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
        let slot = PassphraseSlot::wrap(key, new_passphrase, params, random)?;
        let header = self.header.with_passphrase_slot(slot);
        encrypt(header.to_text()?, header, &text, key, random)
    }
}

/// The plaintext of a sealed text's payload (`header_text` exactly as stored: the associated data),
/// or `None` when `key` does not open it: the first screen's read (`crate::quick`), which parses the
/// envelope itself.
pub(crate) fn open_payload(
    header_text: &str,
    nonce: &[u8; NONCE_LEN],
    ciphertext: &[u8],
    key: &DataKey,
) -> Option<Zeroizing<Vec<u8>>> {
    Sealer::data(key).open(nonce, ciphertext, header_text.as_bytes())
}

/// Encrypts a vault under `key` with these slots (which wrap `key`): a vault that takes the slots a
/// sync header carries, so one passphrase opens both.
pub fn seal_with_slots(
    vault: &Vault,
    slots: KeySlots,
    key: &DataKey,
    random: Random<'_>,
) -> Result<SealedVault, SealedError> {
    encrypt(
        slots.to_text()?,
        slots,
        &Zeroizing::new(vault.to_json()),
        key,
        random,
    )
}

/// Encrypts a vault under a new passphrase and a new random data key: a first sealed vault, or a
/// backup with its own passphrase.
pub fn seal(
    vault: &Vault,
    passphrase: &str,
    params: KdfParams,
    random: Random<'_>,
) -> Result<(SealedVault, DataKey), SealedError> {
    check_new_passphrase(passphrase)?;
    let key = DataKey::random(random)?;
    let slots = KeySlots::for_passphrase(&key, passphrase, params, random)?;
    Ok((seal_with_slots(vault, slots, &key, random)?, key))
}

fn encrypt(
    header_text: String,
    header: KeySlots,
    plaintext: &Zeroizing<String>,
    key: &DataKey,
    random: Random<'_>,
) -> Result<SealedVault, SealedError> {
    let nonce: [u8; NONCE_LEN] = random_array(random)?;
    let ciphertext = Sealer::data(key).seal(&nonce, plaintext.as_bytes(), header_text.as_bytes());
    Ok(SealedVault {
        header_text,
        header,
        nonce,
        ciphertext,
    })
}
