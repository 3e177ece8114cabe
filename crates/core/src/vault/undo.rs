//! Undo, for a while after a deletion or an import that replaced accounts: an [`Undo`] holds what the
//! change took out of the list (each entry with the place it had) and the entries it put in, and
//! [`Vault::undo`] puts the list back. The caller keeps the `Undo` only while it offers undo (the
//! extension keeps it in the WebAssembly's memory, never in storage, for about ten seconds).
//!
//! [`Vault::restore`] brings one deleted entry back: the same entry (id, uid, account, site, pin and
//! logo) at the place it had. Once the vault syncs, the deletion left a tombstone, which other copies
//! may hold already; the entry comes back with a new version, later than the one the tombstone
//! deleted, so every merge keeps it (`sync::merge`: an entry whose version is later than the deleted
//! one stays), and this copy's tombstone goes. An HOTP counter never goes back.

use std::fmt;

use super::error::VaultError;
use super::list::{Added, Entry, Vault};
use super::preview::{Choice, CommitError, Preview, Selection};

/// What undoing a change needs: the entries it took out of the list, each with its position then,
/// and the ids of the entries it put in. Holds the taken accounts' secrets: its `Debug` shows ids.
#[derive(Clone, PartialEq, Eq)]
pub struct Undo {
    /// The entries taken out and their positions (from 0) before the change, by position.
    taken: Vec<(usize, Entry)>,
    /// The entries the change put in: an import's new entries, and the replaced entries' ids, which
    /// hold the new accounts.
    put: Vec<u64>,
}

impl fmt::Debug for Undo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let taken: Vec<(usize, u64)> = self.taken.iter().map(|(at, e)| (*at, e.id)).collect();
        f.debug_struct("Undo")
            .field("taken", &taken)
            .field("put", &self.put)
            .finish()
    }
}

impl Undo {
    /// The ids of the entries undo brings back, by their positions before the change.
    pub fn taken_ids(&self) -> impl Iterator<Item = u64> + '_ {
        self.taken.iter().map(|(_, e)| e.id)
    }

    /// Whether undo would change nothing (an import that replaced nothing).
    pub fn is_empty(&self) -> bool {
        self.taken.is_empty() && self.put.is_empty()
    }
}

impl Vault {
    /// Deletes an entry as [`Vault::remove`] does, and returns what undo needs to bring it back.
    pub fn remove_undoable(&mut self, id: u64) -> Result<Undo, VaultError> {
        let index = self.position(id)?;
        let entry = self.remove(id)?;
        Ok(Undo {
            taken: vec![(index, entry)],
            put: Vec::new(),
        })
    }

    /// Applies an import's choices as [`Vault::commit`] does, and returns what undo needs to put the
    /// list back as it was: the replaced entries as they were, and the entries the import put in.
    pub fn commit_undoable(
        &mut self,
        preview: &Preview,
        choices: &[Selection],
    ) -> Result<(Added, Undo), CommitError> {
        let mut before: Vec<(usize, Entry)> = choices
            .iter()
            .filter_map(|s| match s.choice {
                Choice::Replace(entry_id) => self.position(entry_id).ok(),
                Choice::Add | Choice::Skip => None,
            })
            .map(|index| (index, self.entries[index].clone()))
            .collect();
        let added = self.commit(preview, choices)?;
        before.retain(|(_, e)| added.replaced.contains(&e.id));
        before.sort_unstable_by_key(|&(index, _)| index);
        before.dedup_by_key(|(index, _)| *index);
        // An import that replaced nothing is no change to undo (its new accounts are deleted as any).
        let put = if before.is_empty() {
            Vec::new()
        } else {
            added.ids.iter().chain(&added.replaced).copied().collect()
        };
        Ok((added, Undo { taken: before, put }))
    }

    /// Undoes a change: the entries it put in go (those already deleted stay deleted), and the
    /// entries it took out come back to their places ([`Vault::restore`]). Returns the ids of the
    /// entries brought back, in list order. All or nothing: on an error the vault is unchanged.
    pub fn undo(&mut self, undo: Undo) -> Result<Vec<u64>, VaultError> {
        let mut next = self.clone();
        for &id in &undo.put {
            if next.position(id).is_ok() {
                next.remove(id)?;
            }
        }
        // By position, so each lands where it was among the others brought back.
        let mut ids = Vec::with_capacity(undo.taken.len());
        for (index, entry) in undo.taken {
            ids.push(next.restore(entry, index)?);
        }
        *self = next;
        Ok(ids)
    }

    /// Brings a deleted entry back at position `index` of the list (from 0; within its group: among
    /// the pinned entries for a pinned one, below them for the others), with its id, uid, account,
    /// site, pin and logo. Once the vault syncs it is a change: a new version, later than the one
    /// its tombstone deleted, and the tombstone goes; an HOTP counter that tombstone kept higher is
    /// taken. Returns its id: its own, unless that id is no longer free (an entry from elsewhere).
    ///
    /// Refused with [`VaultError::AlreadyBack`] when the list holds the entry again (the same uid, or
    /// the same secret, issuer and name): brought back by sync, or added again.
    pub fn restore(&mut self, entry: Entry, index: usize) -> Result<u64, VaultError> {
        if let Some(held) = self
            .entries
            .iter()
            .find(|e| e.uid == entry.uid || e.account.same_entry(&entry.account))
        {
            return Err(VaultError::AlreadyBack { id: held.id });
        }
        let id = if entry.id < self.next_id && self.position(entry.id).is_err() {
            entry.id
        } else {
            self.next_id += 1;
            self.next_id - 1
        };
        let pinned = entry.pinned;
        let mut entry = Entry {
            id,
            order: self.key_at_end(pinned, true),
            ..entry
        };
        if let Some(replica) = &mut self.replica {
            entry.version = replica.tick();
        }
        self.revive(&mut entry);
        self.entries.push(entry);
        self.settle();
        let pins = self.entries.iter().filter(|e| e.pinned).count();
        let (first, last) = if pinned {
            (0, pins - 1)
        } else {
            (pins, self.entries.len() - 1)
        };
        self.move_entry(id, index.clamp(first, last))?;
        Ok(id)
    }
}
