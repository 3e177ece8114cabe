//! The sync area's items: the header (format, sync id, revision, the vault's key slots, a key check)
//! and the encrypted record items, read from the map the browser gives and written back as text.
//!
//! Two subkeys come from the data key by HKDF-SHA256 (salt `authbar-sync`): one keys the header's
//! check (HMAC-SHA256 over its fields), one encrypts the record items (XChaCha20-Poly1305, the
//! associated data binding the sync id and the item's key, so an item never passes as another's).

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, KeyInit as _, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use sha2::Sha256;
use zeroize::Zeroizing;

use super::error::SyncError;
use super::format::{
    FORMAT, FORMAT_VERSION, HEADER_KEY, NONCE_LEN, PREFIX, SHARDS, TAG_LEN, shard_of_key,
};
use super::pack::item_bytes;
use super::record::Record;
use super::unpack::unpack;
use crate::sealed::{DataKey, KeySlots, Random, SealedError, hkdf_sha256};
use crate::vault::SyncId;

const SALT: &[u8] = b"authbar-sync";
const CHECK_INFO: &[u8] = b"authbar-sync/1 header check";
const RECORDS_INFO: &[u8] = b"authbar-sync/1 records";

#[derive(Deserialize)]
struct Probe {
    format: Option<serde_json::Value>,
    version: Option<serde_json::Value>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct HeaderJson<'a> {
    format: String,
    version: u32,
    sync_id: SyncId,
    revision: u64,
    #[serde(borrow)]
    slots: &'a RawValue,
    check: String,
}

/// The header item, read (its check not yet verified) or made.
#[derive(Debug, Clone)]
pub(crate) struct Header {
    pub(crate) sync_id: SyncId,
    pub(crate) revision: u64,
    /// The slots' exact JSON text, as checked.
    slots_text: String,
    pub(crate) slots: KeySlots,
    check: Vec<u8>,
}

fn malformed(detail: impl Into<String>) -> SyncError {
    SyncError::HeaderMalformed {
        detail: detail.into(),
    }
}

fn check_mac(key: &DataKey, sync_id: SyncId, revision: u64, slots_text: &str) -> Hmac<Sha256> {
    let subkey = hkdf_sha256(key.bytes(), SALT, CHECK_INFO);
    // HMAC takes keys of any length.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(subkey.as_ref())
        .unwrap_or_else(|_| unreachable!());
    mac.update(b"authbar-sync/1 header\0");
    mac.update(&FORMAT_VERSION.to_be_bytes());
    mac.update(&sync_id.0);
    mac.update(&revision.to_be_bytes());
    mac.update(slots_text.as_bytes());
    mac
}

impl Header {
    /// A header for these slots, checked under `key`.
    pub(crate) fn new(
        sync_id: SyncId,
        revision: u64,
        slots: &KeySlots,
        key: &DataKey,
    ) -> Result<Header, SyncError> {
        let slots_text = slots.to_text()?;
        let check = check_mac(key, sync_id, revision, &slots_text)
            .finalize()
            .into_bytes()
            .to_vec();
        Ok(Header {
            sync_id,
            revision,
            slots_text,
            slots: slots.clone(),
            check,
        })
    }

    /// Reads a header item. A newer format is refused before anything else is read.
    pub(crate) fn parse(text: &str) -> Result<Header, SyncError> {
        let probe: Probe =
            serde_json::from_str(text).map_err(|e| malformed(format!("not JSON: {e}")))?;
        match probe.format {
            Some(serde_json::Value::String(f)) if f == FORMAT => {}
            _ => return Err(malformed(format!("its format is not \"{FORMAT}\""))),
        }
        let version = probe
            .version
            .as_ref()
            .and_then(serde_json::Value::as_u64)
            .ok_or_else(|| malformed("\"version\" must be a whole number"))?;
        if version > u64::from(FORMAT_VERSION) {
            return Err(SyncError::NewerFormat { found: version });
        }
        if version < u64::from(FORMAT_VERSION) {
            return Err(malformed(format!("unknown version {version}")));
        }
        let json: HeaderJson<'_> =
            serde_json::from_str(text).map_err(|e| malformed(e.to_string()))?;
        let slots_text = json.slots.get().to_owned();
        let slots = KeySlots::from_json(&slots_text).map_err(|e| malformed(e.to_string()))?;
        let check = STANDARD
            .decode(&json.check)
            .ok()
            .filter(|c| c.len() == 32)
            .ok_or_else(|| malformed("the key check is not 32 bytes of base64"))?;
        Ok(Header {
            sync_id: json.sync_id,
            revision: json.revision,
            slots_text,
            slots,
            check,
        })
    }

    /// The item's text.
    pub(crate) fn to_text(&self) -> String {
        let slots = RawValue::from_string(self.slots_text.clone());
        match slots {
            Ok(slots) => serde_json::to_string(&HeaderJson {
                format: FORMAT.to_owned(),
                version: FORMAT_VERSION,
                sync_id: self.sync_id,
                revision: self.revision,
                slots: &slots,
                check: STANDARD.encode(&self.check),
            })
            .unwrap_or_default(),
            // The slots' text was made by serde_json (here or when parsing): always valid JSON.
            Err(_) => String::new(),
        }
    }

    /// Whether the header's check holds under `key` (in constant time): written by a holder of
    /// this data key, and unaltered.
    pub(crate) fn verify(&self, key: &DataKey) -> bool {
        check_mac(key, self.sync_id, self.revision, &self.slots_text)
            .verify_slice(&self.check)
            .is_ok()
    }
}

/// The sync area as the browser gave it, sorted into Authbar's items.
#[derive(Debug)]
pub(crate) struct Area<'a> {
    /// The header item: absent, unreadable, or read.
    pub(crate) header: Option<Result<Header, SyncError>>,
    /// The record items present, by shard.
    pub(crate) shards: Vec<Option<&'a str>>,
    /// Keys under the prefix that are not Authbar's items.
    pub(crate) foreign: Vec<&'a str>,
    /// Every item, with its size in the quota, in key order.
    pub(crate) sizes: Vec<(&'a str, usize)>,
}

impl<'a> Area<'a> {
    /// Sorts `items` (every key of `storage.sync`, or only Authbar's).
    pub(crate) fn read(items: &'a BTreeMap<String, String>) -> Area<'a> {
        let mut area = Area {
            header: None,
            shards: vec![None; SHARDS],
            foreign: Vec::new(),
            sizes: Vec::with_capacity(items.len()),
        };
        for (key, value) in items {
            area.sizes.push((key, item_bytes(key, value)));
            if key == HEADER_KEY {
                area.header = Some(Header::parse(value));
            } else if let Some(shard) = shard_of_key(key) {
                area.shards[shard] = Some(value);
            } else if key.starts_with(PREFIX) {
                area.foreign.push(key);
            }
        }
        area
    }

    /// Every key under Authbar's prefix.
    pub(crate) fn prefixed(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.sizes
            .iter()
            .map(|&(k, _)| k)
            .filter(|k| k.starts_with(PREFIX))
    }

    /// The size of item `key` in the quota, if the area has it.
    pub(crate) fn size_of(&self, key: &str) -> Option<usize> {
        self.sizes.iter().find(|(k, _)| *k == key).map(|&(_, s)| s)
    }
}

fn cipher(key: &DataKey) -> XChaCha20Poly1305 {
    let subkey = hkdf_sha256(key.bytes(), SALT, RECORDS_INFO);
    XChaCha20Poly1305::new(Key::from_slice(subkey.as_ref()))
}

fn associated(sync_id: SyncId, item_key: &str) -> Vec<u8> {
    [
        b"authbar-sync/1\0".as_slice(),
        &sync_id.0,
        item_key.as_bytes(),
    ]
    .concat()
}

/// Encrypts a shard's packed records as the value of item `item_key`.
pub(crate) fn seal_item(
    key: &DataKey,
    sync_id: SyncId,
    item_key: &str,
    plain: &[u8],
    random: Random<'_>,
) -> Result<String, SyncError> {
    let mut nonce = [0u8; NONCE_LEN];
    random(&mut nonce).map_err(|_| SyncError::from(SealedError::RandomFailed))?;
    let aad = associated(sync_id, item_key);
    let payload = Payload {
        msg: plain,
        aad: &aad,
    };
    // XChaCha20-Poly1305 encryption fails only for messages over 256 GiB.
    let sealed = cipher(key)
        .encrypt(XNonce::from_slice(&nonce), payload)
        .unwrap_or_default();
    Ok(STANDARD.encode([nonce.as_slice(), &sealed].concat()))
}

/// Decrypts and reads the records of item `item_key`.
pub(crate) fn open_item(
    key: &DataKey,
    sync_id: SyncId,
    item_key: &str,
    value: &str,
) -> Result<Vec<Record>, SyncError> {
    let bad = |detail: String| SyncError::ItemMalformed {
        key: item_key.to_owned(),
        detail,
    };
    let bytes = STANDARD
        .decode(value)
        .map_err(|e| bad(format!("not base64: {e}")))?;
    if bytes.len() < NONCE_LEN + TAG_LEN {
        return Err(bad(format!("{} bytes is too short", bytes.len())));
    }
    let (nonce, sealed) = bytes.split_at(NONCE_LEN);
    let aad = associated(sync_id, item_key);
    let payload = Payload {
        msg: sealed,
        aad: &aad,
    };
    let plain = Zeroizing::new(
        cipher(key)
            .decrypt(XNonce::from_slice(nonce), payload)
            .map_err(|_| SyncError::ItemRejected {
                key: item_key.to_owned(),
            })?,
    );
    unpack(&plain).map_err(bad)
}
