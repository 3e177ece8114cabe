//! Key slots: the data key wrapped under a key-encryption key. Format 1 defines the passphrase slot
//! (Argon2id → XChaCha20-Poly1305); the header keeps slots of a type this version does not know as
//! they are, so a later version's slot passes through.
//!
//! A reader bounds a file's slots before deriving any key: at most [`MAX_SLOTS`] slots, every
//! passphrase slot's Argon2id parameters in range, and their work together at most
//! [`MAX_TOTAL_WORK`]. A crafted backup therefore costs at most that much time, however many slots it
//! stacks.

use serde::{Deserialize, Serialize};

use super::error::{SealedError, corrupt};
use super::format::{CIPHER, MAX_SLOTS, MAX_TOTAL_WORK, MIN_PASSPHRASE_CHARS, NONCE_LEN, SALT_LEN};
use super::kdf::KdfParams;
use super::key::{DataKey, Random, Sealer, decode_array, decode_b64, encode_b64, random_array};

/// Associated data of a passphrase slot's wrapped key: binds the wrapping to its purpose.
const SLOT_AAD: &[u8] = b"authbar-vault/1 passphrase slot";
const PASSPHRASE: &str = "passphrase";
const ARGON2ID: &str = "argon2id";
/// Argon2 version 1.3 (0x13), the one RFC 9106 specifies.
const ARGON2_VERSION: u32 = 0x13;

/// Checks a new passphrase against [`MIN_PASSPHRASE_CHARS`].
pub fn check_new_passphrase(passphrase: &str) -> Result<(), SealedError> {
    let chars = passphrase.chars().count();
    if chars < MIN_PASSPHRASE_CHARS {
        return Err(SealedError::PassphraseTooShort { chars });
    }
    Ok(())
}

/// A sealed vault's header: its cipher and its key slots, each wrapping the one data key.
/// Authenticated as the payload's associated data, not encrypted. Slots of an unknown type are kept
/// as they are (and skipped), so a later version can add a slot type that this one still passes
/// over. The same slots travel in the sync area's header, so one passphrase opens both.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KeySlots {
    cipher: String,
    slots: Vec<serde_json::Value>,
}

impl KeySlots {
    /// A header of this version's cipher with these slots.
    pub(crate) fn new(slots: Vec<serde_json::Value>) -> KeySlots {
        KeySlots {
            cipher: CIPHER.to_string(),
            slots,
        }
    }

    /// One passphrase slot wrapping `key` (fresh salt and nonce): a new vault's or backup's slots.
    pub fn for_passphrase(
        key: &DataKey,
        passphrase: &str,
        params: KdfParams,
        random: Random<'_>,
    ) -> Result<KeySlots, SealedError> {
        Ok(KeySlots::new(vec![PassphraseSlot::wrap(
            key, passphrase, params, random,
        )?]))
    }

    /// Reads slots stored as JSON text (the sync area's header carries them); checks the cipher.
    pub fn from_json(text: &str) -> Result<KeySlots, SealedError> {
        let slots: KeySlots =
            serde_json::from_str(text).map_err(|e| corrupt(format!("header: {e}")))?;
        if slots.cipher != CIPHER {
            return Err(SealedError::UnsupportedCipher { name: slots.cipher });
        }
        Ok(slots)
    }

    /// The header's text: the payload's associated data, and what the sync area stores.
    pub fn to_text(&self) -> Result<String, SealedError> {
        serde_json::to_string(self).map_err(|e| corrupt(e.to_string()))
    }

    /// The cipher the payload is encrypted with.
    pub(crate) fn cipher(&self) -> &str {
        &self.cipher
    }

    /// Every slot, as stored.
    pub(crate) fn slots(&self) -> &[serde_json::Value] {
        &self.slots
    }

    /// The data key, when `passphrase` opens one of the passphrase slots (slow by design: Argon2id).
    /// The slots are bounded before any key is derived ([`MAX_SLOTS`], [`MAX_TOTAL_WORK`]).
    pub fn unlock(&self, passphrase: &str) -> Result<DataKey, SealedError> {
        for slot in self.passphrase_slots()? {
            if let Some(key) = slot.unwrap(passphrase)? {
                return Ok(key);
            }
        }
        Err(SealedError::WrongPassphrase)
    }

    fn is_passphrase(slot: &serde_json::Value) -> bool {
        slot.get("type").and_then(serde_json::Value::as_str) == Some(PASSPHRASE)
    }

    /// The same header with its passphrase slot replaced by `slot` (put first); other slots kept.
    pub(crate) fn with_passphrase_slot(&self, slot: serde_json::Value) -> KeySlots {
        let mut slots: Vec<serde_json::Value> = self
            .slots
            .iter()
            .filter(|s| !Self::is_passphrase(s))
            .cloned()
            .collect();
        slots.insert(0, slot);
        KeySlots::new(slots)
    }

    /// The passphrase slots, checked as a whole before any key is derived: their number, each one's
    /// fields and Argon2id parameters, and the work they ask for together.
    pub(crate) fn passphrase_slots(&self) -> Result<Vec<PassphraseSlot>, SealedError> {
        if self.slots.len() > MAX_SLOTS {
            return Err(SealedError::TooManySlots {
                found: self.slots.len(),
            });
        }
        let mut slots = Vec::new();
        for value in self.slots.iter().filter(|s| Self::is_passphrase(s)) {
            // A passphrase slot this version cannot parse is damage, not absence.
            let slot: PassphraseSlot = serde_json::from_value(value.clone())
                .map_err(|_| corrupt("the passphrase slot is malformed"))?;
            slot.check()?;
            slots.push(slot);
        }
        if slots.is_empty() {
            return Err(SealedError::NoPassphraseSlot);
        }
        let work: u64 = slots.iter().map(|s| s.kdf.params.work()).sum();
        if work > MAX_TOTAL_WORK {
            return Err(SealedError::TooMuchWork { found: work });
        }
        Ok(slots)
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

/// A passphrase slot: the data key wrapped under a key derived from the passphrase.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct PassphraseSlot {
    #[serde(rename = "type")]
    kind: String,
    kdf: KdfJson,
    salt: String,
    nonce: String,
    wrapped_key: String,
}

impl PassphraseSlot {
    /// The slot's Argon2id parameters.
    pub(crate) fn params(&self) -> KdfParams {
        self.kdf.params
    }

    /// The checks that need no key derivation.
    fn check(&self) -> Result<(), SealedError> {
        if self.kdf.algorithm != ARGON2ID || self.kdf.version != ARGON2_VERSION {
            return Err(SealedError::BadKdf {
                detail: format!(
                    "the key derivation must be {ARGON2ID} version {ARGON2_VERSION}, got {} version {}",
                    self.kdf.algorithm, self.kdf.version
                ),
            });
        }
        self.kdf.params.check()
    }

    /// Wraps `key` under `passphrase` in a new slot (fresh salt and nonce).
    pub(crate) fn wrap(
        key: &DataKey,
        passphrase: &str,
        params: KdfParams,
        random: Random<'_>,
    ) -> Result<serde_json::Value, SealedError> {
        check_new_passphrase(passphrase)?;
        let salt: [u8; SALT_LEN] = random_array(random)?;
        let nonce: [u8; NONCE_LEN] = random_array(random)?;
        let kek = params.derive(passphrase, &salt)?;
        let wrapped = Sealer::new(&kek).seal(&nonce, key.bytes(), SLOT_AAD);
        serde_json::to_value(PassphraseSlot {
            kind: PASSPHRASE.to_string(),
            kdf: KdfJson {
                algorithm: ARGON2ID.to_string(),
                version: ARGON2_VERSION,
                params,
            },
            salt: encode_b64(&salt),
            nonce: encode_b64(&nonce),
            wrapped_key: encode_b64(&wrapped),
        })
        .map_err(|e| corrupt(e.to_string()))
    }

    /// The data key, when `passphrase` opens this slot (slow by design: Argon2id); `None` when it
    /// does not.
    pub(crate) fn unwrap(&self, passphrase: &str) -> Result<Option<DataKey>, SealedError> {
        let salt: [u8; SALT_LEN] = decode_array("salt", &self.salt)?;
        let nonce: [u8; NONCE_LEN] = decode_array("slot nonce", &self.nonce)?;
        let wrapped = decode_b64("wrapped key", &self.wrapped_key)?;
        let kek = self.kdf.params.derive(passphrase, &salt)?;
        match Sealer::new(&kek).open(&nonce, &wrapped, SLOT_AAD) {
            Some(bytes) => DataKey::from_slice(&bytes)
                .map(Some)
                .map_err(|_| corrupt("the wrapped key has the wrong length")),
            None => Ok(None),
        }
    }
}
