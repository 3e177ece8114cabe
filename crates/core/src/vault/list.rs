//! The account list: its entries in the user's order (pinned first, then by order key), what a list
//! shows of them, the entries of a site and the codes of the rows in view. The changes a user makes
//! are in `edit`; the stored text in `schema`.

use std::cmp::Ordering;

use serde::{Serialize, Serializer};

use super::error::VaultError;
use super::format::MAX_LOGO_CHARS;
use super::order;
use super::replica::{Replica, Tombstone, Uid, Version};
use super::view::{AccountView, EntryView, ListedView};
use crate::site::{SiteMatch, matches};
use crate::{Account, TimedCode};

/// One stored account with its id and what sync needs of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// This vault's handle for the entry: stable within the vault, never reused, not synced.
    pub id: u64,
    /// The account.
    pub account: Account,
    /// The site (normalized host) the account was added or filled from; schema 2.
    pub site: Option<String>,
    /// The entry's identity on every copy of the vault; schema 3.
    pub uid: Uid,
    /// The entry's last change; schema 3.
    pub version: Version,
    /// Pinned to the top of the list; schema 3.
    pub pinned: bool,
    /// Where it sits among the pinned or the other entries (see `order`); schema 3.
    pub order: String,
    /// The logo the user chose: a logo's slug, or [`super::LETTER`] for the letter avatar (`None`: the
    /// one the issuer and site match); schema 3.
    pub logo: Option<String>,
}

/// Checks a logo choice: [`super::LETTER`] or a slug of lower-case ASCII letters and digits.
pub(crate) fn check_logo(logo: &str) -> Result<(), VaultError> {
    if logo.is_empty()
        || logo.len() > MAX_LOGO_CHARS
        || !logo
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        return Err(VaultError::BadLogo {
            logo: logo.to_owned(),
        });
    }
    Ok(())
}

/// The list order: pinned entries first, then by order key, then by uid (two copies that moved
/// entries into the same gap at once give them one key), then by id (only a list that has not
/// synced can hold one uid twice, for a moment): a total order, so an unstable sort gives it.
pub(super) fn list_order(a: &Entry, b: &Entry) -> Ordering {
    b.pinned
        .cmp(&a.pinned)
        .then_with(|| a.order.cmp(&b.order))
        .then_with(|| a.uid.cmp(&b.uid))
        .then_with(|| a.id.cmp(&b.id))
}

/// For each uid, whether an earlier one of the list is the same.
pub(super) fn repeated(uids: &[Uid]) -> Vec<bool> {
    // (Uid, u64) pairs: the one pair type the vault sorts (each sorted type is code in the wasm).
    let mut by_uid: Vec<(Uid, u64)> = uids.iter().copied().zip(0..).collect();
    by_uid.sort_unstable();
    let mut out = vec![false; uids.len()];
    for pair in by_uid.windows(2) {
        if pair[0].0 == pair[1].0 {
            out[pair[1].1 as usize] = true;
        }
    }
    out
}

/// The account list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vault {
    pub(super) next_id: u64,
    /// In list order.
    pub(super) entries: Vec<Entry>,
    /// By uid; only while replicated.
    pub(super) tombstones: Vec<Tombstone>,
    /// `None` until the vault first syncs.
    pub(super) replica: Option<Replica>,
}

impl Default for Vault {
    fn default() -> Self {
        Vault::new()
    }
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
            next_id: 1,
            entries: Vec::new(),
            tombstones: Vec::new(),
            replica: None,
        }
    }

    /// The entries, in the user's order: pinned first, then as added or moved.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The deletions sync still carries to other copies (none before the vault first syncs).
    pub fn tombstones(&self) -> &[Tombstone] {
        &self.tombstones
    }

    /// This copy's sync state: `None` until the vault first syncs.
    pub fn replica(&self) -> Option<&Replica> {
        self.replica.as_ref()
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

    pub(super) fn position(&self, id: u64) -> Result<usize, VaultError> {
        self.entries
            .iter()
            .position(|e| e.id == id)
            .ok_or(VaultError::NoSuchEntry { id })
    }

    /// Whether the same entry (same secret, issuer and name) is already stored.
    pub fn contains(&self, account: &Account) -> bool {
        self.entries.iter().any(|e| e.account.same_entry(account))
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

    /// Puts the entries in list order after a change. A vault that has not synced keeps nothing of
    /// its own for sync: its uids, order keys and versions are derived again from the list (so its
    /// text stays in schema 1 or 2, and reads back the same).
    pub(super) fn settle(&mut self) {
        self.entries.sort_unstable_by(list_order);
        if self.replica.is_some() {
            return;
        }
        let keys = order::n_between(None, None, self.entries.len()).unwrap_or_default();
        let uids: Vec<Uid> = self
            .entries
            .iter()
            .map(|e| Uid::derive(&e.account, None))
            .collect();
        let repeated = repeated(&uids);
        for (((entry, key), uid), again) in
            self.entries.iter_mut().zip(keys).zip(uids).zip(repeated)
        {
            entry.order = key;
            entry.version = Version::ZERO;
            entry.uid = if again {
                Uid::derive(&entry.account, Some(entry.id))
            } else {
                uid
            };
        }
    }

    /// A uid for a new entry `id` holding `account`: derived from the account, or from the account
    /// and the id when a live entry of this vault already has that one.
    pub(super) fn fresh_uid(&self, account: &Account, id: u64) -> Uid {
        let uid = Uid::derive(account, None);
        if self.entries.iter().any(|e| e.uid == uid) {
            Uid::derive(account, Some(id))
        } else {
            uid
        }
    }

    /// A new order key at one end of a group (the pinned entries or the others): after its last
    /// entry, or before its first.
    pub(super) fn key_at_end(&self, pinned: bool, after_last: bool) -> String {
        let keys = self
            .entries
            .iter()
            .filter(|e| e.pinned == pinned)
            .map(|e| e.order.as_str());
        let key = if after_last {
            order::between(keys.max(), None)
        } else {
            order::between(None, keys.min())
        };
        key.unwrap_or_else(|| "a0".to_owned())
    }
}
