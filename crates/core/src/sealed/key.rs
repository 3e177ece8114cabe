//! The data key, the caller's random source, and the one cipher both layers use (XChaCha20-Poly1305
//! with associated data), with the base64 fields the format stores.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use zeroize::Zeroizing;

use super::error::{SealedError, corrupt};
use super::format::{KEY_LEN, NONCE_LEN};

/// Why the random source could not fill a buffer (the browser's or the system's generator failed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RandomFailed;

impl From<RandomFailed> for SealedError {
    fn from(_: RandomFailed) -> Self {
        SealedError::RandomFailed
    }
}

/// A source of fresh random bytes: fills the whole buffer, or says it could not. A failure stops the
/// operation before anything is encrypted with the buffer.
pub type Random<'a> = &'a mut dyn FnMut(&mut [u8]) -> Result<(), RandomFailed>;

/// `N` fresh random bytes.
pub(crate) fn random_array<const N: usize>(random: Random<'_>) -> Result<[u8; N], RandomFailed> {
    let mut bytes = [0u8; N];
    random(&mut bytes)?;
    Ok(bytes)
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
    /// A new random key.
    pub(crate) fn random(random: Random<'_>) -> Result<DataKey, RandomFailed> {
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        random(key.as_mut())?;
        Ok(DataKey(key))
    }

    /// The key in `bytes` (an unwrapped slot), which must be [`KEY_LEN`] long.
    pub(crate) fn from_slice(bytes: &[u8]) -> Result<DataKey, SealedError> {
        let array: [u8; KEY_LEN] = bytes.try_into().map_err(|_| {
            corrupt(format!(
                "a data key must be {KEY_LEN} bytes, got {}",
                bytes.len()
            ))
        })?;
        Ok(DataKey(Zeroizing::new(array)))
    }

    /// The key's bytes, to wrap in a slot.
    pub(crate) fn bytes(&self) -> &[u8] {
        self.0.as_ref()
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
        DataKey::from_slice(&bytes).map_err(|_| {
            corrupt(format!(
                "the held key must be {KEY_LEN} bytes, got {}",
                bytes.len()
            ))
        })
    }
}

/// XChaCha20-Poly1305 under a 32-byte key: what wraps a data key in a slot (under a key-encryption
/// key) and what encrypts the accounts (under the data key).
pub(crate) struct Sealer(XChaCha20Poly1305);

impl Sealer {
    /// The cipher under a key-encryption key.
    pub(crate) fn new(key: &[u8; KEY_LEN]) -> Sealer {
        Sealer(XChaCha20Poly1305::new(Key::from_slice(key)))
    }

    /// The cipher under the data key.
    pub(crate) fn data(key: &DataKey) -> Sealer {
        Sealer(XChaCha20Poly1305::new(Key::from_slice(key.bytes())))
    }

    /// Encrypts `msg` bound to `aad`; the tag is appended.
    pub(crate) fn seal(&self, nonce: &[u8; NONCE_LEN], msg: &[u8], aad: &[u8]) -> Vec<u8> {
        // XChaCha20-Poly1305 encryption fails only for messages over 256 GiB.
        self.0
            .encrypt(XNonce::from_slice(nonce), Payload { msg, aad })
            .unwrap_or_default()
    }

    /// Decrypts and authenticates; `None` when the key, the nonce, the text or `aad` do not match.
    pub(crate) fn open(
        &self,
        nonce: &[u8; NONCE_LEN],
        msg: &[u8],
        aad: &[u8],
    ) -> Option<Zeroizing<Vec<u8>>> {
        self.0
            .decrypt(XNonce::from_slice(nonce), Payload { msg, aad })
            .ok()
            .map(Zeroizing::new)
    }
}

/// Standard base64 with padding (RFC 4648 §4), as every binary field of the format is stored.
pub(crate) fn encode_b64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// A base64 field read back; `field` names it in the error.
pub(crate) fn decode_b64(field: &str, text: &str) -> Result<Vec<u8>, SealedError> {
    STANDARD
        .decode(text)
        .map_err(|e| corrupt(format!("{field} is not base64: {e}")))
}

/// A base64 field of exactly `N` bytes.
pub(crate) fn decode_array<const N: usize>(
    field: &str,
    text: &str,
) -> Result<[u8; N], SealedError> {
    let bytes = decode_b64(field, text)?;
    bytes
        .as_slice()
        .try_into()
        .map_err(|_| corrupt(format!("{field} must be {N} bytes, got {}", bytes.len())))
}
