//! What a vault needs to be one of several copies that merge (schema 3): an entry's stable [`Uid`]
//! and [`Version`], the [`Tombstone`] a deletion leaves, and the vault's own [`Replica`] state (its
//! device id, its Lamport clock, and the sync area it is linked to).
//!
//! A vault that has never joined a sync area has no replica state: its entries' uids and order keys
//! are derived from the list itself and every version is [`Version::ZERO`], so such a vault is still
//! written in schema 1 or 2 (see `schema`). Versions tick, and deletions leave tombstones, from the
//! moment it first syncs.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};

use crate::Account;

/// 16 bytes written as base64url without padding (22 characters).
macro_rules! id16 {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub [u8; 16]);

        impl $name {
            /// Reads the base64url text (22 characters, no padding).
            pub fn parse(text: &str) -> Option<$name> {
                let bytes = URL_SAFE_NO_PAD.decode(text).ok()?;
                bytes.try_into().ok().map($name)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&URL_SAFE_NO_PAD.encode(self.0))
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({self})", stringify!($name))
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.to_string())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                $name::parse(&text).ok_or_else(|| {
                    serde::de::Error::custom(format!(
                        "'{text}' is not 16 bytes in base64url (22 characters)"
                    ))
                })
            }
        }
    };
}

id16!(
    /// An entry's identity across browsers: the same on every copy of the vault, kept through
    /// renames, moves and every other change. Derived from the account (secret, issuer and name)
    /// when the entry is made, so the same account added on two browsers is one entry once they
    /// merge.
    Uid
);

id16!(
    /// A sync area's identity: random, chosen when a vault is first published, bound into every
    /// encrypted item so items of another area (or an earlier one) never pass as this one's.
    SyncId
);

impl Uid {
    /// The uid of `account` as it is now; `id` tells apart two entries of one vault that hold the
    /// same account (which only an old list can have).
    pub(crate) fn derive(account: &Account, id: Option<u64>) -> Uid {
        let mut hash = Sha256::new();
        hash.update(b"authbar uid/1\0");
        let mut field = |bytes: &[u8]| {
            hash.update((bytes.len() as u64).to_be_bytes());
            hash.update(bytes);
        };
        field(account.secret().as_bytes());
        field(account.issuer().unwrap_or_default().as_bytes());
        field(&[u8::from(account.issuer().is_some())]);
        field(account.name().as_bytes());
        if let Some(id) = id {
            field(&id.to_be_bytes());
        }
        let digest = hash.finalize();
        let mut uid = [0u8; 16];
        uid.copy_from_slice(&digest[..16]);
        Uid(uid)
    }
}

/// When a change was made, in the order every copy agrees on: a Lamport clock (one more than the
/// highest clock the changing copy had seen), then the changing device's id. Compared as the pair.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(deny_unknown_fields)]
pub struct Version {
    /// The Lamport clock.
    pub clock: u64,
    /// The id of the device that made the change (0: a vault that had not synced yet).
    pub device: u32,
}

impl Version {
    /// The version of every entry of a vault that has not synced yet.
    pub const ZERO: Version = Version {
        clock: 0,
        device: 0,
    };
}

/// What a deletion leaves behind, so that copies that still hold the entry delete it too: the
/// entry's uid, the version that was deleted (a later edit made elsewhere, which the deletion did
/// not see, keeps the entry), and since when the sync area has carried it (unix seconds, stamped by
/// the first sync after the deletion: `None` until then; tombstones are dropped [`TOMBSTONE_SECS`]
/// after). An HOTP entry's counter is kept too, so that a code is never reused if an edit brings
/// the entry back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Tombstone {
    /// The deleted entry's uid.
    pub uid: Uid,
    /// The version of the entry that was deleted.
    pub deleted: Version,
    /// Since when sync has carried it, in unix seconds (`None`: not synced yet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secs: Option<u64>,
    /// The highest HOTP counter the entry had.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub counter: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// How long a tombstone is kept: 90 days. A copy offline for longer may bring a deleted entry back
/// (nothing is lost; the user deletes it again).
pub const TOMBSTONE_SECS: u64 = 90 * 24 * 60 * 60;

/// The sync area a vault belongs to: its id and the revision of its header this vault has taken
/// (the header's slots change, with a higher revision, when a passphrase changes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Link {
    /// The sync area's id.
    pub sync_id: SyncId,
    /// The header revision taken.
    pub revision: u64,
}

/// A vault's state as one copy among several: its device id (never 0), its Lamport clock (the
/// highest clock it has seen or made), and the sync area it is linked to, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Replica {
    /// This copy's device id.
    pub device: u32,
    /// The highest clock seen or made.
    pub clock: u64,
    /// The sync area, while linked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<Link>,
}

impl Replica {
    /// The version of a change made now: the clock moves on.
    pub(crate) fn tick(&mut self) -> Version {
        self.clock = self.clock.saturating_add(1);
        Version {
            clock: self.clock,
            device: self.device,
        }
    }

    /// Takes note of a version seen elsewhere (Lamport: the clock is at least every clock seen).
    pub(crate) fn see(&mut self, version: Version) {
        self.clock = self.clock.max(version.clock);
    }
}
