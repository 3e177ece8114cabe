//! The stored text of the account list: read strictly in the schema it names, written in the oldest
//! schema that holds it. Schema 1 is the list; 2 adds an entry's site; 3 adds what sync and the
//! user's own order need (uid, version, order key, pin, logo, tombstones, the replica state).
//! A list of schema 1 or 2 is upgraded in memory: its entries' uids are derived from their accounts
//! and their order keys from their places, so no random source is needed to read it.

use serde::{Deserialize, Serialize};

use super::error::VaultError;
use super::format::SCHEMA;
use super::list::{Entry, Vault, check_logo, repeated};
use super::order;
use super::replica::{Replica, Tombstone, Uid, Version};
use crate::Account;

#[derive(Deserialize)]
struct SchemaOnly {
    schema: u64,
}

/// The schema a stored text names, read on its own (`None` when it names none).
fn stored_schema(text: &str) -> Option<u64> {
    serde_json::from_str::<SchemaOnly>(text)
        .ok()
        .map(|v| v.schema)
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct StoredVault {
    schema: u32,
    next_id: u64,
    entries: Vec<StoredEntry>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    tombstones: Vec<Tombstone>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    replica: Option<Replica>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredEntry {
    id: u64,
    account: Account,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    site: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    uid: Option<Uid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    version: Option<Version>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    order: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pinned: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    logo: Option<String>,
}

fn corrupt(detail: impl Into<String>) -> VaultError {
    VaultError::Corrupt {
        detail: detail.into(),
    }
}

impl StoredEntry {
    fn has_schema_3_fields(&self) -> bool {
        self.uid.is_some()
            || self.version.is_some()
            || self.order.is_some()
            || self.pinned.is_some()
            || self.logo.is_some()
    }

    /// An entry of schema 1 or 2, its uid and order key to be derived.
    fn upgraded(self) -> Entry {
        Entry {
            uid: Uid::derive(&self.account, None),
            id: self.id,
            account: self.account,
            site: self.site,
            version: Version::ZERO,
            pinned: false,
            order: String::new(),
            logo: None,
        }
    }

    fn schema_3(self) -> Result<Entry, VaultError> {
        let id = self.id;
        let missing = |field: &str| corrupt(format!("entry {id} of schema 3 has no {field}"));
        let order = self.order.ok_or_else(|| missing("order key"))?;
        order::split(&order).map_err(|e| corrupt(format!("entry {id}: {e}")))?;
        if let Some(logo) = &self.logo {
            check_logo(logo).map_err(|e| corrupt(format!("entry {id}: {e}")))?;
        }
        Ok(Entry {
            id,
            uid: self.uid.ok_or_else(|| missing("uid"))?,
            version: self.version.ok_or_else(|| missing("version"))?,
            account: self.account,
            site: self.site,
            pinned: self.pinned.unwrap_or(false),
            order,
            logo: self.logo,
        })
    }
}

impl Vault {
    /// Reads stored text. A newer schema is refused before anything else is read.
    pub fn from_json(text: &str) -> Result<Self, VaultError> {
        // One parse when the text is a vault this version reads; only a text that fails it is read
        // again for its schema alone, so a newer version's vault is told apart from a damaged one.
        let stored: StoredVault = match serde_json::from_str(text) {
            Ok(stored) => stored,
            Err(e) => {
                return Err(match stored_schema(text) {
                    Some(found) if found > u64::from(SCHEMA) => VaultError::FutureSchema { found },
                    _ => corrupt(e.to_string()),
                });
            }
        };
        let vault = match stored.schema {
            schema if schema > SCHEMA => {
                return Err(VaultError::FutureSchema {
                    found: schema.into(),
                });
            }
            0 => return Err(corrupt("unknown schema 0")),
            1 | 2 => Self::upgrade(stored)?,
            _ => Self::schema_3(stored)?,
        };
        let mut ids: Vec<u64> = vault.entries.iter().map(|e| e.id).collect();
        ids.sort_unstable();
        if ids.windows(2).any(|w| w[0] == w[1])
            || ids.last().is_some_and(|&max| max >= vault.next_id)
        {
            return Err(corrupt("entry ids are repeated or not below nextId"));
        }
        Ok(vault)
    }

    fn upgrade(stored: StoredVault) -> Result<Vault, VaultError> {
        let schema = stored.schema;
        if schema == 1 && stored.entries.iter().any(|e| e.site.is_some()) {
            return Err(corrupt("schema 1 has no sites"));
        }
        if stored.entries.iter().any(StoredEntry::has_schema_3_fields)
            || !stored.tombstones.is_empty()
            || stored.replica.is_some()
        {
            return Err(corrupt(format!(
                "schema {schema} has no uids, versions, order keys, pins, logos, tombstones or replica"
            )));
        }
        let mut entries: Vec<Entry> = stored
            .entries
            .into_iter()
            .map(StoredEntry::upgraded)
            .collect();
        // The list's order is its entries' order: keys in that order, which `settle` keeps.
        let keys = order::n_between(None, None, entries.len()).unwrap_or_default();
        for (entry, key) in entries.iter_mut().zip(keys) {
            entry.order = key;
        }
        let mut vault = Vault {
            next_id: stored.next_id,
            entries,
            tombstones: Vec::new(),
            replica: None,
        };
        vault.settle();
        Ok(vault)
    }

    fn schema_3(stored: StoredVault) -> Result<Vault, VaultError> {
        let entries = stored
            .entries
            .into_iter()
            .map(StoredEntry::schema_3)
            .collect::<Result<Vec<_>, _>>()?;
        let tombstones = stored.tombstones;
        if tombstones.windows(2).any(|w| w[0].uid >= w[1].uid) {
            return Err(corrupt("tombstones must be in uid order, each once"));
        }
        let uids: Vec<Uid> = entries
            .iter()
            .map(|e| e.uid)
            .chain(tombstones.iter().map(|t| t.uid))
            .collect();
        if let Some(i) = repeated(&uids).iter().position(|&again| again) {
            let what = if i < entries.len() {
                "is repeated"
            } else {
                "is both an entry and a tombstone, or repeated"
            };
            return Err(corrupt(format!("uid {} {what}", uids[i])));
        }
        let versions = entries
            .iter()
            .map(|e| e.version)
            .chain(tombstones.iter().map(|t| t.deleted));
        match &stored.replica {
            None if !tombstones.is_empty() => {
                return Err(corrupt("tombstones without a replica"));
            }
            None if entries.iter().any(|e| e.version != Version::ZERO) => {
                return Err(corrupt("versions without a replica"));
            }
            Some(replica) if replica.device == 0 => {
                return Err(corrupt("a replica's device id cannot be 0"));
            }
            Some(replica) => {
                if let Some(v) = versions.into_iter().find(|v| v.clock > replica.clock) {
                    return Err(corrupt(format!(
                        "version clock {} is past the replica's clock {}",
                        v.clock, replica.clock
                    )));
                }
            }
            None => {}
        }
        let mut vault = Vault {
            next_id: stored.next_id,
            entries,
            tombstones,
            replica: stored.replica,
        };
        vault.settle();
        Ok(vault)
    }

    /// The text to store, in the oldest schema that holds it: 3 once the vault syncs or an entry is
    /// pinned or has a chosen logo, else 2 when an entry has a site, else 1.
    pub fn to_json(&self) -> String {
        let schema = if self.replica.is_some()
            || self.entries.iter().any(|e| e.pinned || e.logo.is_some())
        {
            3
        } else if self.entries.iter().any(|e| e.site.is_some()) {
            2
        } else {
            1
        };
        let entries = self
            .entries
            .iter()
            .map(|e| {
                let three = schema == 3;
                StoredEntry {
                    id: e.id,
                    account: e.account.clone(),
                    site: e.site.clone(),
                    uid: three.then_some(e.uid),
                    version: three.then_some(e.version),
                    order: three.then(|| e.order.clone()),
                    pinned: (three && e.pinned).then_some(true),
                    logo: e.logo.clone().filter(|_| three),
                }
            })
            .collect();
        let stored = StoredVault {
            schema,
            next_id: self.next_id,
            entries,
            tombstones: self.tombstones.clone(),
            replica: self.replica.clone(),
        };
        // Serialising these plain types cannot fail.
        serde_json::to_string(&stored).unwrap_or_default()
    }
}
