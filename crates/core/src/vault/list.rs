//! The account list: its stored schema (read strictly, written in the oldest schema that holds it)
//! and the changes a user makes to it — add, rename, tie to a site, move, delete, HOTP's next code —
//! and the codes of the entries a list shows.

use serde::{Deserialize, Serialize, Serializer};

use super::error::VaultError;
use super::schema::{SCHEMA, stored_schema};
use super::view::{AccountView, EntryView, ListedView};
use crate::site::{SiteMatch, matches, normalize_host};
use crate::{Account, Code, OtpType, TimedCode};

/// One stored account with its id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Stable within the vault; never reused.
    pub id: u64,
    /// The account.
    pub account: Account,
    /// The site (normalized host) the account was added or filled from; schema 2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
}

/// The account list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Vault {
    schema: u32,
    next_id: u64,
    entries: Vec<Entry>,
}

/// What an import added.
///
/// JSON (no secret): `{"ids":[4,5],"replaced":[2],"duplicates":1}`, `duplicates` being a count.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Added {
    /// Ids of the new entries, in the order they were appended.
    pub ids: Vec<u64>,
    /// Ids of the entries whose account was replaced (id and position kept).
    pub replaced: Vec<u64>,
    /// Accounts that were already there (same secret, issuer and name), not added again.
    #[serde(serialize_with = "count")]
    pub duplicates: Vec<Account>,
}

fn count<S: Serializer>(accounts: &[Account], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_u64(accounts.len() as u64)
}

impl Vault {
    /// An empty vault.
    pub fn new() -> Self {
        Vault {
            schema: SCHEMA,
            next_id: 1,
            entries: Vec::new(),
        }
    }

    /// Reads stored text. A newer schema is refused before anything else is read.
    pub fn from_json(text: &str) -> Result<Self, VaultError> {
        let corrupt = |e: serde_json::Error| VaultError::Corrupt {
            detail: e.to_string(),
        };
        // One parse when the text is a vault this version reads; only a text that fails it is read
        // again for its schema alone, so a newer version's vault is told apart from a damaged one.
        let mut vault: Vault = match serde_json::from_str(text) {
            Ok(vault) => vault,
            Err(e) => {
                return Err(match stored_schema(text) {
                    Some(found) if found > u64::from(SCHEMA) => VaultError::FutureSchema { found },
                    _ => corrupt(e),
                });
            }
        };
        let schema = vault.schema;
        if schema > SCHEMA {
            return Err(VaultError::FutureSchema {
                found: schema.into(),
            });
        }
        if schema < 1 {
            return Err(VaultError::Corrupt {
                detail: format!("unknown schema {schema}"),
            });
        }
        // In memory a vault is always the current schema; `to_json` picks the schema to write.
        vault.schema = SCHEMA;
        if schema == 1 && vault.entries.iter().any(|e| e.site.is_some()) {
            return Err(VaultError::Corrupt {
                detail: "schema 1 has no sites".into(),
            });
        }
        let mut ids: Vec<u64> = vault.entries.iter().map(|e| e.id).collect();
        ids.sort_unstable();
        if ids.windows(2).any(|w| w[0] == w[1])
            || ids.last().is_some_and(|&max| max >= vault.next_id)
        {
            return Err(VaultError::Corrupt {
                detail: "entry ids are repeated or not below nextId".into(),
            });
        }
        Ok(vault)
    }

    /// The text to store, in the oldest schema that holds it.
    pub fn to_json(&self) -> String {
        let schema = if self.entries.iter().any(|e| e.site.is_some()) {
            SCHEMA
        } else {
            1
        };
        let stored = Vault {
            schema,
            ..self.clone()
        };
        // Serialising these plain types cannot fail.
        serde_json::to_string(&stored).unwrap_or_default()
    }

    /// The entries, in the user's order (the order they were added, unless moved).
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entries as shown, without secrets.
    pub fn views(&self) -> Vec<EntryView> {
        self.entries
            .iter()
            .map(|e| EntryView {
                id: e.id,
                account: AccountView::from(&e.account),
                site: e.site.clone(),
            })
            .collect()
    }

    /// Every entry as the account list shows it, in the user's order: [`Vault::views`] without the
    /// fields a row does not show, and without copying the names.
    pub fn listed(&self) -> Vec<ListedView<'_>> {
        self.entries
            .iter()
            .map(|e| ListedView {
                id: e.id,
                otp_type: e.account.otp_type(),
                issuer: e.account.issuer(),
                name: e.account.name(),
                site: e.site.as_deref(),
            })
            .collect()
    }

    /// Appends an account as a new entry; returns its id.
    pub(super) fn push(&mut self, account: Account) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        self.entries.push(Entry {
            id,
            account,
            site: None,
        });
        id
    }

    /// Puts `account` in the entry at `index` (a replacement the preview checked); id and place stay.
    pub(super) fn set_account(&mut self, index: usize, account: Account) {
        self.entries[index].account = account;
    }

    fn position(&self, id: u64) -> Result<usize, VaultError> {
        self.entries
            .iter()
            .position(|e| e.id == id)
            .ok_or(VaultError::NoSuchEntry { id })
    }

    fn entry_mut(&mut self, id: u64) -> Result<&mut Entry, VaultError> {
        let index = self.position(id)?;
        Ok(&mut self.entries[index])
    }

    /// Whether the same entry (same secret, issuer and name) is already stored.
    pub fn contains(&self, account: &Account) -> bool {
        self.entries.iter().any(|e| e.account.same_entry(account))
    }

    /// Adds accounts that are not already present (same secret, issuer and name).
    pub fn add(&mut self, accounts: Vec<Account>) -> Added {
        let mut added = Added::default();
        for account in accounts {
            if self.contains(&account) {
                added.duplicates.push(account);
                continue;
            }
            added.ids.push(self.push(account));
        }
        added
    }

    /// Changes an entry's issuer and name.
    pub fn rename(
        &mut self,
        id: u64,
        issuer: Option<String>,
        name: String,
    ) -> Result<(), VaultError> {
        self.entry_mut(id)?.account.rename(issuer, name);
        Ok(())
    }

    /// Ties an entry to the site (a host) it was added or filled from; `None` unties it.
    pub fn set_site(&mut self, id: u64, host: Option<&str>) -> Result<(), VaultError> {
        let site = match host {
            Some(host) => Some(normalize_host(host).ok_or_else(|| VaultError::BadSite {
                host: host.to_owned(),
            })?),
            None => None,
        };
        self.entry_mut(id)?.site = site;
        Ok(())
    }

    /// The entries that belong to the tab's host, the stored sites first, each in list order.
    pub fn matching(&self, host: &str) -> Result<Vec<(u64, SiteMatch)>, VaultError> {
        let entries = self
            .entries
            .iter()
            .map(|e| (e.id, &e.account, e.site.as_deref()));
        matches(entries, host).ok_or_else(|| VaultError::BadSite {
            host: host.to_owned(),
        })
    }

    /// Deletes an entry; returns it.
    pub fn remove(&mut self, id: u64) -> Result<Entry, VaultError> {
        let index = self.position(id)?;
        Ok(self.entries.remove(index))
    }

    /// Moves an entry to position `to_index` (from 0) of the list; the others keep their relative order.
    /// `to_index` must be a position of the list as it is (0 to len − 1).
    pub fn move_entry(&mut self, id: u64, to_index: usize) -> Result<(), VaultError> {
        let from = self.position(id)?;
        let len = self.entries.len();
        if to_index >= len {
            return Err(VaultError::NoSuchPosition {
                index: to_index,
                len,
            });
        }
        let entry = self.entries.remove(from);
        self.entries.insert(to_index, entry);
        Ok(())
    }

    /// HOTP: moves the counter on and returns the new code.
    pub fn next_hotp(&mut self, id: u64) -> Result<Code, VaultError> {
        let entry = self.entry_mut(id)?;
        if entry.account.otp_type() != OtpType::Hotp {
            return Err(VaultError::NotHotp { id });
        }
        entry.account.advance_counter();
        Ok(entry.account.code_at(0).code)
    }

    /// The codes at `unix_secs` of the entries named in `ids` (the rows a list shows), in list order;
    /// ids of no entry are left out. A list of thousands computes only what it shows.
    pub fn codes_of(&self, ids: &[u64], unix_secs: u64) -> Vec<(&Entry, TimedCode)> {
        let mut wanted = ids.to_vec();
        wanted.sort_unstable();
        self.entries
            .iter()
            .filter(|e| wanted.binary_search(&e.id).is_ok())
            .map(|e| (e, e.account.code_at(unix_secs)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import_text;
    use crate::params::Coded;

    fn account(uri: &str) -> Account {
        import_text(uri).unwrap().accounts.remove(0)
    }

    #[test]
    fn add_dedupe_rename_remove_round_trip() {
        let mut v = Vault::new();
        let a = account("otpauth://totp/X:a?secret=JBSWY3DPEHPK3PXP");
        let h = account(
            "otpauth://hotp/Y:b?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=18446744073709551614",
        );
        let added = v.add(vec![a.clone(), h.clone(), a.clone()]);
        assert_eq!(added.ids, vec![1, 2]);
        assert_eq!(added.duplicates, vec![a.clone()]);
        assert_eq!(v.add(vec![a.clone()]).duplicates.len(), 1);
        assert!(v.contains(&a) && v.contains(&h));
        v.rename(1, Some("Z".into()), "renamed".into()).unwrap();
        assert_eq!(
            v.next_hotp(2).unwrap(),
            v.entries()[1].account.code_at(0).code
        );
        assert_eq!(v.entries()[1].account.counter(), u64::MAX);
        let text = v.to_json();
        assert!(text.contains("\"counter\":18446744073709551615"), "{text}");
        let back = Vault::from_json(&text).unwrap();
        assert_eq!(back, v);
        assert_eq!(v.remove(1).unwrap().account.name(), "renamed");
        // Ids are never reused.
        assert_eq!(v.add(vec![a]).ids, vec![3]);
        let some = v.codes_of(&[2, 99], 59);
        assert_eq!(some.len(), 1, "an id of no entry is left out");
        assert_eq!(some[0].0.id, 2);
        assert_eq!(some[0].1, v.entries()[0].account.code_at(59));
        let both = v.codes_of(&[3, 2], 59);
        let ids: Vec<u64> = both.iter().map(|(e, _)| e.id).collect();
        assert_eq!(ids, vec![2, 3], "in list order");
        assert_eq!(both[1].1, v.entries()[1].account.code_at(59));
    }

    #[test]
    fn errors() {
        let mut v = Vault::new();
        v.add(vec![account("otpauth://totp/X:a?secret=JBSWY3DPEHPK3PXP")]);
        assert_eq!(
            v.rename(9, None, "x".into()),
            Err(VaultError::NoSuchEntry { id: 9 })
        );
        assert_eq!(v.remove(9).unwrap_err().code(), "no_such_entry");
        assert_eq!(v.next_hotp(1), Err(VaultError::NotHotp { id: 1 }));
        let future = Vault::from_json(r#"{"schema": 3, "whatever": true}"#).unwrap_err();
        assert_eq!(future, VaultError::FutureSchema { found: 3 });
        // A newer schema is refused as such whether or not its text also reads as this one's.
        assert_eq!(
            Vault::from_json(r#"{"schema": 3, "nextId": 1, "entries": []}"#),
            Err(VaultError::FutureSchema { found: 3 })
        );
        assert_eq!(
            Vault::from_json(r#"{"schema": 9999999999}"#),
            Err(VaultError::FutureSchema {
                found: 9_999_999_999
            })
        );
        assert!(future.to_string().contains("left untouched"));
        assert_eq!(Vault::from_json("{").unwrap_err().code(), "vault_corrupt");
        assert_eq!(
            Vault::from_json(r#"{"schema": 0}"#).unwrap_err().code(),
            "vault_corrupt"
        );
        let dup =
            r#"{"schema":1,"nextId":5,"entries":[{"id":1,"account":ACC},{"id":1,"account":ACC}]}"#
                .replace(
                    "ACC",
                    &serde_json::to_string(&v.entries()[0].account).unwrap(),
                );
        assert!(
            Vault::from_json(&dup)
                .unwrap_err()
                .to_string()
                .contains("repeated")
        );
        let bad_digits = v.to_json().replace("\"digits\":6", "\"digits\":4");
        assert!(
            Vault::from_json(&bad_digits)
                .unwrap_err()
                .to_string()
                .contains("digits must be from 6 to 10")
        );
    }
}
