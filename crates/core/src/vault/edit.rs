//! The changes a user makes to the list — add, rename, tie to a site, pin, choose a logo, move,
//! delete, HOTP's next code — each, once the vault syncs, a new version of the entry it changes
//! (a deletion: a tombstone); and the ones sync makes (taking merged records).

use super::error::VaultError;
use super::list::{Added, Entry, Vault, check_logo, list_order};
use super::order::{self, MAX_ORDER_KEY};
use super::replica::{Replica, Tombstone, Uid, Version};
use crate::site::normalize_host;
use crate::{Account, Code, OtpType};

impl Vault {
    /// Marks entry `index` as changed: once the vault syncs, a new version (Lamport: the clock moves
    /// on past everything this copy has seen).
    fn touch(&mut self, index: usize) {
        if let Some(replica) = &mut self.replica {
            self.entries[index].version = replica.tick();
        }
    }

    /// Keeps a tombstone, by uid (a later one of the same uid supersedes an earlier).
    pub(super) fn bury(&mut self, tomb: Tombstone) {
        match self.tombstones.binary_search_by(|t| t.uid.cmp(&tomb.uid)) {
            Ok(i) if self.tombstones[i].deleted < tomb.deleted => self.tombstones[i] = tomb,
            Ok(_) => {}
            Err(i) => self.tombstones.insert(i, tomb),
        }
    }

    /// Deletes entry `index` and, once the vault syncs, leaves its tombstone.
    fn take(&mut self, index: usize) -> Entry {
        let entry = self.entries.remove(index);
        if self.replica.is_some() {
            self.bury(Tombstone {
                uid: entry.uid,
                deleted: entry.version,
                secs: None,
                counter: entry.account.counter(),
            });
        }
        entry
    }

    /// A new entry whose uid has a tombstone (the same account added again after a deletion) ends
    /// the tombstone; its HOTP counter never goes back below the deleted entry's.
    pub(super) fn revive(&mut self, entry: &mut Entry) {
        if let Ok(i) = self.tombstones.binary_search_by(|t| t.uid.cmp(&entry.uid)) {
            let tomb = self.tombstones.remove(i);
            if tomb.counter > entry.account.counter() {
                entry.account = entry.account.clone().with_counter(tomb.counter);
            }
        }
    }

    /// Appends an account as a new entry at the end of the list; returns its id. The caller puts
    /// the list in order ([`Vault::settle`]) once it has added everything.
    pub(super) fn push(&mut self, account: Account) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        let mut entry = Entry {
            id,
            uid: self.fresh_uid(&account, id),
            account,
            site: None,
            version: Version::ZERO,
            pinned: false,
            order: self.key_at_end(false, true),
            logo: None,
        };
        if let Some(replica) = &mut self.replica {
            entry.version = replica.tick();
        }
        self.revive(&mut entry);
        self.entries.push(entry);
        id
    }

    /// Puts `account` in the entry at `index` (a replacement the preview checked); its id, place,
    /// site, pin and logo stay. Another secret is another account: once the vault syncs it takes a
    /// uid of its own and the old account leaves a tombstone, so no copy mixes the two (an HOTP
    /// counter belongs to its secret).
    pub(super) fn set_account(&mut self, index: usize, account: Account) {
        if self.replica.is_some() && self.entries[index].account.secret() != account.secret() {
            let old = self.take(index);
            let mut entry = Entry {
                uid: self.fresh_uid(&account, old.id),
                account,
                ..old
            };
            self.revive(&mut entry);
            self.entries.insert(index, entry);
        } else {
            self.entries[index].account = account;
        }
        self.touch(index);
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
        self.settle();
        added
    }

    /// Changes an entry's issuer and name.
    pub fn rename(
        &mut self,
        id: u64,
        issuer: Option<String>,
        name: String,
    ) -> Result<(), VaultError> {
        let index = self.position(id)?;
        self.entries[index].account.rename(issuer, name);
        self.touch(index);
        self.settle();
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
        let index = self.position(id)?;
        if self.entries[index].site != site {
            self.entries[index].site = site;
            self.touch(index);
        }
        Ok(())
    }

    /// Pins an entry to the top of the list (as the last pinned one) or unpins it (it becomes the
    /// first of the others). Only this entry changes.
    pub fn set_pinned(&mut self, id: u64, pinned: bool) -> Result<(), VaultError> {
        let index = self.position(id)?;
        if self.entries[index].pinned == pinned {
            return Ok(());
        }
        // Pinned: the last of the pinned. Unpinned: the first of the others.
        let order = self.key_at_end(pinned, pinned);
        let entry = &mut self.entries[index];
        entry.pinned = pinned;
        entry.order = order;
        self.touch(index);
        self.settle();
        Ok(())
    }

    /// Chooses an entry's logo: the slug of a logo Authbar ships ([`crate::logo::brand`]),
    /// [`super::LETTER`] for the letter avatar, or `None` for the one its issuer and site match. A
    /// slug of no shipped logo is refused ([`VaultError::UnknownLogo`]), though a stored text may
    /// hold one (chosen on a newer version, which ships more): the list then shows the match.
    pub fn set_logo(&mut self, id: u64, logo: Option<&str>) -> Result<(), VaultError> {
        if let Some(logo) = logo {
            check_logo(logo)?;
            if logo != super::LETTER && crate::logo::brand(logo).is_none() {
                return Err(VaultError::UnknownLogo {
                    logo: logo.to_owned(),
                });
            }
        }
        let index = self.position(id)?;
        if self.entries[index].logo.as_deref() != logo {
            self.entries[index].logo = logo.map(str::to_owned);
            self.touch(index);
            self.settle();
        }
        Ok(())
    }

    /// Deletes an entry; returns it. Once the vault syncs, a tombstone tells the other copies.
    pub fn remove(&mut self, id: u64) -> Result<Entry, VaultError> {
        let index = self.position(id)?;
        let entry = self.take(index);
        self.settle();
        Ok(entry)
    }

    /// Moves an entry to position `to_index` (from 0) of the list; the others keep their relative
    /// order. `to_index` must be a position of the list as it is (0 to len − 1), among the pinned
    /// entries for a pinned one and below them for the others. Only the moved entry changes: it
    /// takes an order key between its new neighbours' (unless two of them share one, which only
    /// concurrent moves on two browsers make: then its group is numbered afresh).
    pub fn move_entry(&mut self, id: u64, to_index: usize) -> Result<(), VaultError> {
        let from = self.position(id)?;
        let len = self.entries.len();
        if to_index >= len {
            return Err(VaultError::NoSuchPosition {
                index: to_index,
                len,
            });
        }
        let pinned = self.entries[from].pinned;
        let pins = self.entries.iter().filter(|e| e.pinned).count();
        let group = if pinned { 0..pins } else { pins..len };
        if !group.contains(&to_index) {
            return Err(VaultError::MoveAcrossPin {
                index: to_index,
                pinned,
                first: group.start,
                last: group.end - 1,
            });
        }
        if to_index == from {
            return Ok(());
        }
        let mut rest: Vec<usize> = (0..len).filter(|&i| i != from).collect();
        let neighbour = |at: Option<usize>| {
            at.and_then(|at| rest.get(at))
                .map(|&i| &self.entries[i])
                .filter(|e| e.pinned == pinned)
                .map(|e| e.order.as_str())
        };
        let key = order::between(
            neighbour(to_index.checked_sub(1)),
            neighbour(Some(to_index)),
        )
        .filter(|key| key.len() <= MAX_ORDER_KEY);
        match key {
            Some(key) => {
                self.entries[from].order = key;
                self.touch(from);
            }
            None => {
                rest.insert(to_index, from);
                let members: Vec<usize> = rest[group].to_vec();
                let keys = order::n_between(None, None, members.len()).unwrap_or_default();
                for (i, key) in members.into_iter().zip(keys) {
                    if self.entries[i].order != key {
                        self.entries[i].order = key;
                        self.touch(i);
                    }
                }
            }
        }
        self.settle();
        Ok(())
    }

    /// Makes this vault a copy that syncs, as device `device` (not 0), unless it already is one.
    /// Its entries keep their derived uids and order keys, at version zero.
    pub(crate) fn start_replica(&mut self, device: u32) {
        if self.replica.is_none() {
            self.replica = Some(Replica {
                device,
                clock: 0,
                link: None,
            });
        }
    }

    /// The copy's sync state, once it syncs.
    pub(crate) fn replica_mut(&mut self) -> Option<&mut Replica> {
        self.replica.as_mut()
    }

    /// Dates the tombstones sync has not carried yet: sync carries them from `now_secs`.
    pub(crate) fn stamp_tombstones(&mut self, now_secs: u64) {
        for tomb in &mut self.tombstones {
            tomb.secs.get_or_insert(now_secs);
        }
    }

    /// Takes the entries and tombstones (by uid) a merge produced (one per uid): an entry keeps its id when
    /// this vault has its uid, and a new one gets the next id; the clock moves past every version.
    pub(crate) fn take_records(&mut self, mut live: Vec<Entry>, dead: Vec<Tombstone>) {
        let mut ids: Vec<(Uid, u64)> = self.entries.iter().map(|e| (e.uid, e.id)).collect();
        ids.sort_unstable();
        // New entries take ids in list order.
        live.sort_unstable_by(list_order);
        for entry in &mut live {
            entry.id = match ids.binary_search_by_key(&entry.uid, |&(uid, _)| uid) {
                Ok(i) => ids[i].1,
                Err(_) => {
                    self.next_id += 1;
                    self.next_id - 1
                }
            };
        }
        if let Some(replica) = &mut self.replica {
            for version in live
                .iter()
                .map(|e| e.version)
                .chain(dead.iter().map(|t| t.deleted))
            {
                replica.see(version);
            }
        }
        self.entries = live;
        self.tombstones = dead;
        self.settle();
    }

    /// Puts the entries `is_new` picks after `last_pinned` (the pinned ones) and `last` (the
    /// others), in their list order, each a change: a vault joining a sync area lists the area's
    /// accounts first and its own new ones after them.
    pub(crate) fn place_after(
        &mut self,
        last_pinned: Option<&str>,
        last: Option<&str>,
        is_new: impl Fn(&Uid) -> bool,
    ) {
        for (pinned, after) in [(true, last_pinned), (false, last)] {
            let picked: Vec<usize> = (0..self.entries.len())
                .filter(|&i| self.entries[i].pinned == pinned && is_new(&self.entries[i].uid))
                .collect();
            let keys = order::n_between(after, None, picked.len()).unwrap_or_default();
            for (i, key) in picked.into_iter().zip(keys) {
                self.entries[i].order = key;
                self.touch(i);
            }
        }
        self.settle();
    }

    /// HOTP: moves the counter on and returns the new code.
    pub fn next_hotp(&mut self, id: u64) -> Result<Code, VaultError> {
        let index = self.position(id)?;
        let entry = &mut self.entries[index];
        if entry.account.otp_type() != OtpType::Hotp {
            return Err(VaultError::NotHotp { id });
        }
        entry.account.advance_counter();
        let code = entry.account.code_at(0).code;
        self.touch(index);
        Ok(code)
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
        let future = Vault::from_json(r#"{"schema": 4, "whatever": true}"#).unwrap_err();
        assert_eq!(future, VaultError::FutureSchema { found: 4 });
        // A newer schema is refused as such whether or not its text also reads as this one's.
        assert_eq!(
            Vault::from_json(r#"{"schema": 4, "nextId": 1, "entries": []}"#),
            Err(VaultError::FutureSchema { found: 4 })
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
