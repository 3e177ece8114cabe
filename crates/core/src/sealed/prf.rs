//! Passkey slots (format 2): the data key wrapped under a key from a passkey's or security key's
//! WebAuthn PRF output. The authenticator computes the PRF (HMAC under a secret that never leaves it)
//! of a random 32-byte salt kept in the slot; HKDF-SHA256 turns the 32-byte output into the
//! key-encryption key, bound to the credential. Nothing derived from the output is stored: only the
//! wrapped key, the salt and the credential's id, name, date and whether the browser account syncs it.

use serde::{Deserialize, Serialize};

use super::error::{SealedError, corrupt};
use super::format::{KEY_LEN, NONCE_LEN};
use super::hkdf::hkdf_sha256;
use super::key::{DataKey, Random, Sealer, decode_array, decode_b64, encode_b64, random_array};
use super::slot::KeySlots;

/// The slot type in the header.
pub(crate) const PRF: &str = "prf";
/// Binds the key-encryption key and the wrapping to their purpose and format.
const PRF_INFO: &[u8] = b"authbar-vault/2 prf slot";
/// The longest name a passkey may be given.
pub const MAX_PASSKEY_NAME_CHARS: usize = 64;
/// The longest credential id WebAuthn allows (§5.8.3: 1023 bytes).
const MAX_CREDENTIAL_ID: usize = 1023;

/// A passkey to add: its credential, the name the person gave it, when (unix seconds), whether the
/// browser account syncs it (WebAuthn's backup flags), and the PRF salt it was evaluated with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPasskey {
    /// The credential's raw id.
    pub credential_id: Vec<u8>,
    /// The name the person chose.
    pub name: String,
    /// When it was added, in unix seconds.
    pub added_at: u64,
    /// Whether the credential is synced by the browser's account (backup state), so it opens the
    /// vault on other devices too.
    pub synced: bool,
    /// The random salt the PRF was evaluated on (kept in the slot for the next unlock).
    pub salt: [u8; KEY_LEN],
}

/// A passkey slot as a front end lists it (no key material): what to ask the authenticator for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PasskeyView {
    /// The credential's id, base64url without padding (as WebAuthn's `id`).
    pub credential_id: String,
    /// The name the person gave it.
    pub name: String,
    /// When it was added, in unix seconds.
    pub added_at: u64,
    /// Whether the browser account syncs it.
    pub synced: bool,
    /// The PRF salt, base64url without padding.
    pub salt: String,
}

/// A passkey slot, as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PrfSlot {
    #[serde(rename = "type")]
    kind: String,
    credential_id: String,
    name: String,
    added_at: u64,
    synced: bool,
    salt: String,
    nonce: String,
    wrapped_key: String,
}

fn b64url(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The associated data and HKDF info of a slot: the purpose and the credential.
fn binding(credential_id: &[u8]) -> Vec<u8> {
    [PRF_INFO, credential_id].concat()
}

fn kek(
    prf_output: &[u8],
    salt: &[u8],
    credential_id: &[u8],
) -> Result<zeroize::Zeroizing<[u8; KEY_LEN]>, SealedError> {
    if prf_output.len() != KEY_LEN {
        return Err(SealedError::BadPasskey {
            detail: format!(
                "its PRF output must be {KEY_LEN} bytes, got {}",
                prf_output.len()
            ),
        });
    }
    Ok(hkdf_sha256(prf_output, salt, &binding(credential_id)))
}

impl PrfSlot {
    fn parse(value: &serde_json::Value) -> Result<PrfSlot, SealedError> {
        serde_json::from_value(value.clone()).map_err(|_| corrupt("a passkey slot is malformed"))
    }

    fn credential_id(&self) -> Result<Vec<u8>, SealedError> {
        decode_url("credential id", &self.credential_id)
    }

    fn view(&self) -> PasskeyView {
        PasskeyView {
            credential_id: self.credential_id.clone(),
            name: self.name.clone(),
            added_at: self.added_at,
            synced: self.synced,
            salt: self.salt.clone(),
        }
    }
}

fn is_prf(slot: &serde_json::Value) -> bool {
    slot.get("type").and_then(serde_json::Value::as_str) == Some(PRF)
}

impl KeySlots {
    /// The passkey slots, as a front end lists them (and as the lock screen asks for them).
    pub fn passkeys(&self) -> Vec<PasskeyView> {
        self.slots()
            .iter()
            .filter(|s| is_prf(s))
            .filter_map(|s| PrfSlot::parse(s).ok())
            .map(|s| s.view())
            .collect()
    }

    /// Whether any passkey slot is in the header (which makes it format 2).
    pub fn has_passkeys(&self) -> bool {
        self.slots().iter().any(is_prf)
    }

    /// These slots and one more: `key` wrapped under the passkey's PRF output.
    pub fn with_passkey(
        &self,
        key: &DataKey,
        passkey: &NewPasskey,
        prf_output: &[u8],
        random: Random<'_>,
    ) -> Result<KeySlots, SealedError> {
        let name = passkey.name.trim();
        let chars = name.chars().count();
        if chars == 0 || chars > MAX_PASSKEY_NAME_CHARS {
            return Err(SealedError::BadPasskey {
                detail: format!(
                    "its name must have 1 to {MAX_PASSKEY_NAME_CHARS} characters, got {chars}"
                ),
            });
        }
        let id = &passkey.credential_id;
        if id.is_empty() || id.len() > MAX_CREDENTIAL_ID {
            return Err(SealedError::BadPasskey {
                detail: format!(
                    "its credential id must be 1 to {MAX_CREDENTIAL_ID} bytes, got {}",
                    id.len()
                ),
            });
        }
        let encoded = b64url(id);
        if self.passkeys().iter().any(|p| p.credential_id == encoded) {
            return Err(SealedError::BadPasskey {
                detail: "it already unlocks this vault".into(),
            });
        }
        let kek = kek(prf_output, &passkey.salt, id)?;
        let nonce: [u8; NONCE_LEN] = random_array(random)?;
        let wrapped = Sealer::new(&kek).seal(&nonce, key.bytes(), &binding(id));
        let slot = serde_json::to_value(PrfSlot {
            kind: PRF.to_owned(),
            credential_id: encoded,
            name: name.to_owned(),
            added_at: passkey.added_at,
            synced: passkey.synced,
            salt: b64url(&passkey.salt),
            nonce: encode_b64(&nonce),
            wrapped_key: encode_b64(&wrapped),
        })
        .map_err(|e| corrupt(e.to_string()))?;
        let mut slots = self.slots().to_vec();
        slots.push(slot);
        Ok(KeySlots::new(slots))
    }

    /// These slots without the passkey `credential_id` (base64url): `NoSuchPasskey` if none has it.
    pub fn without_passkey(&self, credential_id: &str) -> Result<KeySlots, SealedError> {
        let before = self.slots().len();
        let slots: Vec<serde_json::Value> = self
            .slots()
            .iter()
            .filter(|s| {
                !(is_prf(s) && PrfSlot::parse(s).is_ok_and(|p| p.credential_id == credential_id))
            })
            .cloned()
            .collect();
        if slots.len() == before {
            return Err(SealedError::NoSuchPasskey);
        }
        Ok(KeySlots::new(slots))
    }

    /// The data key from the passkey `credential_id` (base64url) and its PRF output. No slot for the
    /// credential: `NoSuchPasskey`; a slot that does not open (another output, or altered):
    /// `PasskeyRejected` — the other slots are untouched and still open the vault.
    pub fn unlock_passkey(
        &self,
        credential_id: &str,
        prf_output: &[u8],
    ) -> Result<DataKey, SealedError> {
        let slot = self
            .slots()
            .iter()
            .filter(|s| is_prf(s))
            .filter_map(|s| PrfSlot::parse(s).ok())
            .find(|s| s.credential_id == credential_id)
            .ok_or(SealedError::NoSuchPasskey)?;
        let id = slot.credential_id()?;
        let salt = decode_url("salt", &slot.salt)?;
        let nonce: [u8; NONCE_LEN] = decode_array("passkey slot nonce", &slot.nonce)?;
        let wrapped = decode_b64("passkey wrapped key", &slot.wrapped_key)?;
        let kek = kek(prf_output, &salt, &id)?;
        let bytes = Sealer::new(&kek)
            .open(&nonce, &wrapped, &binding(&id))
            .ok_or(SealedError::PasskeyRejected)?;
        DataKey::from_slice(&bytes)
    }
}

/// A passkey slot's base64url field (WebAuthn's encoding of ids).
fn decode_url(field: &str, text: &str) -> Result<Vec<u8>, SealedError> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|_| corrupt(format!("a passkey slot's {field} is not base64url")))
}
