//! The operations a front end calls with the browser's `storage.sync` items: look, sync, publish,
//! join, unlock with the sync area's passphrase, and remove Authbar's data. Each takes the items as
//! `storage.sync.get(null)` gives them (key → string) and changes the [`LockState`] only when it
//! succeeds.

use std::collections::BTreeMap;

use super::area::{Area, Header};
use super::error::SyncError;
use super::merge::{apply, merge_into, records_of};
use super::reconcile::{Merged, reconcile, remote_records};
use super::record::Record;
use crate::lock::{LockError, LockState};
use crate::sealed::{Random, SealedError, seal_with_slots};
use crate::vault::{Link, SyncId, Uid, Vault};

/// What the sync area holds, seen without a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Peek {
    /// Nothing of Authbar's.
    Empty,
    /// Items of Authbar's but no header: a write still arriving, or a removal cut short. Nothing
    /// to join yet; [`publish`] replaces it.
    Incomplete,
    /// A vault's sync area: its id. A browser whose vault is not linked to it joins it with that
    /// vault's passphrase ([`join`]).
    Vault {
        /// The area's sync id.
        sync_id: SyncId,
    },
}

/// What a [`sync`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Synced {
    /// Merged both ways: write and remove what [`Merged`] says.
    Merged(Merged),
    /// Nothing of Authbar's is in sync and this vault is not linked: [`publish`] starts syncing.
    Empty,
    /// This vault was linked to a sync area that is gone: "remove Authbar's data from sync" was
    /// chosen (here or on another browser). The vault is no longer linked (store it); the front end
    /// turns sync off on this browser rather than publishing again.
    Removed,
}

/// Looks at the items without a key: empty, incomplete, or a vault's area (a newer format or a
/// damaged header is an error, as in [`sync`]).
pub fn peek(items: &BTreeMap<String, String>) -> Result<Peek, SyncError> {
    let area = Area::read(items);
    match area.header {
        Some(Ok(header)) => Ok(Peek::Vault {
            sync_id: header.sync_id,
        }),
        Some(Err(e)) => Err(e),
        None if area.prefixed().next().is_some() => Ok(Peek::Incomplete),
        None => Ok(Peek::Empty),
    }
}

/// A new device id: random, never 0.
fn new_device(random: Random<'_>) -> Result<u32, SyncError> {
    let mut bytes = [0u8; 4];
    random(&mut bytes).map_err(|_| SealedError::RandomFailed)?;
    Ok(u32::from_le_bytes(bytes).max(1))
}

/// Makes `vault` a syncing copy linked to `sync_id` (a new link starts at revision `revision`).
fn link_to(
    vault: &mut Vault,
    sync_id: SyncId,
    revision: u64,
    random: Random<'_>,
) -> Result<(), SyncError> {
    if vault.replica().is_none() {
        vault.start_replica(new_device(random)?);
    }
    if let Some(replica) = vault.replica_mut()
        && replica.link.as_ref().map(|l| l.sync_id) != Some(sync_id)
    {
        replica.link = Some(Link { sync_id, revision });
    }
    Ok(())
}

/// Merges the sync area into the unlocked vault and the vault into the area.
///
/// The header must be this vault's (its key check holds under the held key); a newer format, a
/// damaged header, a rejected one or another vault's stop here (`Err`: nothing merged, nothing to
/// write). Record items that cannot be read are reported and written over with this vault's
/// records; they never delete an account. A newer header (a passphrase changed elsewhere) gives its
/// slots to the local vault, which is sealed with them from then on; a change of this vault's slots
/// (its passphrase changed here) is published with a higher revision.
pub fn sync(
    state: &mut LockState,
    items: &BTreeMap<String, String>,
    now_secs: u64,
    random: Random<'_>,
) -> Result<Synced, SyncError> {
    let (vault, sealed, key) = state.open_mut()?;
    let mut area = Area::read(items);
    let linked = vault.replica().and_then(|r| r.link.clone());
    let header = match area.header.take() {
        None => {
            return Ok(match (linked, vault.replica_mut()) {
                (Some(_), Some(replica)) => {
                    replica.link = None;
                    Synced::Removed
                }
                _ => Synced::Empty,
            });
        }
        Some(header) => header?,
    };
    if !header.verify(key) {
        return Err(match linked {
            Some(link) if link.sync_id == header.sync_id => SyncError::HeaderRejected,
            _ => SyncError::OtherVault {
                found: header.sync_id,
            },
        });
    }
    let mut next = vault.clone();
    link_to(&mut next, header.sync_id, 0, random)?;
    let (merged, adopt) = reconcile(
        &mut next,
        sealed.key_slots(),
        key,
        &area,
        Some(&header),
        now_secs,
        random,
    )?;
    let resealed = adopt
        .map(|slots| sealed.with_slots(slots, key, random))
        .transpose()?;
    let slots_changed = resealed.is_some();
    let vault_changed = next != *vault || slots_changed;
    *vault = next;
    if let Some(resealed) = resealed {
        *sealed = resealed;
    }
    Ok(Synced::Merged(Merged {
        vault_changed,
        slots_changed,
        ..merged
    }))
}

/// [`sync`] where the area is known to be this vault's, so the round merges.
fn sync_merged(
    state: &mut LockState,
    items: &BTreeMap<String, String>,
    now_secs: u64,
    random: Random<'_>,
) -> Result<Merged, SyncError> {
    match sync(state, items, now_secs, random)? {
        Synced::Merged(merged) => Ok(merged),
        Synced::Empty | Synced::Removed => Err(SyncError::NothingToJoin),
    }
}

/// Publishes the unlocked vault to an area with no header: a new sync id, the vault's slots and
/// all its records; every other item under Authbar's prefix is removed. An area that is already
/// this vault's is synced instead; another vault's, a newer format or a damaged header is refused.
pub fn publish(
    state: &mut LockState,
    items: &BTreeMap<String, String>,
    now_secs: u64,
    random: Random<'_>,
) -> Result<Merged, SyncError> {
    let mut area = Area::read(items);
    let ours = match area.header.take() {
        None => false,
        Some(Ok(h)) => {
            let (_, _, key) = state.open_mut()?;
            if !h.verify(key) {
                return Err(SyncError::OtherVault { found: h.sync_id });
            }
            true
        }
        Some(Err(e)) => return Err(e),
    };
    if ours {
        return sync_merged(state, items, now_secs, random);
    }
    let (vault, sealed, key) = state.open_mut()?;
    let mut id = [0u8; 16];
    random(&mut id).map_err(|_| SealedError::RandomFailed)?;
    let mut next = vault.clone();
    link_to(&mut next, SyncId(id), 1, random)?;
    let (merged, _) = reconcile(
        &mut next,
        sealed.key_slots(),
        key,
        &area,
        None,
        now_secs,
        random,
    )?;
    *vault = next;
    Ok(Merged {
        vault_changed: true,
        ..merged
    })
}

/// Joins the sync area with its passphrase: a browser with no passphrase or another key takes the
/// area's key and slots (its accounts merged with the area's), so one passphrase opens both from
/// then on. The vault must not be locked (unlock it first: its own accounts are merged). A wrong
/// passphrase is `wrong_passphrase`, and nothing changes.
pub fn join(
    state: &mut LockState,
    items: &BTreeMap<String, String>,
    passphrase: &str,
    now_secs: u64,
    random: Random<'_>,
) -> Result<Merged, SyncError> {
    let local = state.vault()?.clone();
    let mut area = Area::read(items);
    let header: Header = area.header.take().ok_or(SyncError::NothingToJoin)??;
    let key = header.slots.unlock(passphrase)?;
    if !header.verify(&key) {
        return Err(SyncError::HeaderRejected);
    }
    if state.key() == Some(&key) {
        return sync_merged(state, items, now_secs, random);
    }
    let mut next = local;
    if let Some(replica) = next.replica_mut() {
        // Linked to another area before: this one's link starts from its header.
        replica.link = None;
    }
    link_to(&mut next, header.sync_id, header.revision, random)?;
    // The area's accounts first, this browser's own new ones after them.
    let remote = remote_records(&area, &key, header.sync_id);
    let last = |pinned: bool| {
        remote
            .iter()
            .filter_map(|r| match r {
                Record::Live(e) if e.pinned == pinned => Some(e.order.as_str()),
                _ => None,
            })
            .max()
    };
    if let Some(replica) = next.replica_mut() {
        for record in &remote {
            replica.see(record.version());
        }
    }
    // `remote` is in uid order.
    let is_new = |uid: &Uid| remote.binary_search_by(|r| r.uid().cmp(uid)).is_err();
    next.place_after(last(true), last(false), is_new);
    let (merged, _) = reconcile(
        &mut next,
        &header.slots,
        &key,
        &area,
        Some(&header),
        now_secs,
        random,
    )?;
    let sealed = seal_with_slots(&next, header.slots.clone(), &key, random)?;
    *state = LockState::from_parts(next, sealed, key);
    Ok(Merged {
        vault_changed: true,
        slots_changed: true,
        ..merged
    })
}

/// Unlocks a locked vault with its own passphrase or with the sync area's (after a passphrase
/// change on another browser, whose header this browser has not taken yet: both open it until it
/// does, at its next sync). A passphrase that opens neither is `wrong_passphrase`; slots of another
/// vault's area cannot open this vault (`key_rejected`). Nothing changes on failure.
pub fn unlock(
    state: &mut LockState,
    items: &BTreeMap<String, String>,
    passphrase: &str,
) -> Result<(), SyncError> {
    match state.unlock(passphrase) {
        Ok(_) => return Ok(()),
        Err(LockError::Sealed(SealedError::WrongPassphrase)) => {}
        Err(e) => return Err(e.into()),
    }
    let Some(Ok(header)) = Area::read(items).header else {
        return Err(SealedError::WrongPassphrase.into());
    };
    let key = header.slots.unlock(passphrase)?;
    state.unlock_with_key(key)?;
    Ok(())
}

/// `local` with `other`'s records merged in: the merge [`sync`] makes with the area's records,
/// without the area (and without dropping old tombstones, which needs the time). Both are copies
/// of one vault that sync: `local`'s ids, device and link are kept.
pub fn merge(local: &Vault, other: &Vault) -> Vault {
    let mut records = records_of(local);
    merge_into(&mut records, records_of(other));
    let mut next = local.clone();
    apply(&mut next, records);
    next
}

/// The keys to remove for "remove Authbar's data from sync": every key under Authbar's prefix.
/// Every browser keeps its local accounts; linked ones see [`Synced::Removed`] at their next sync.
pub fn removal(items: &BTreeMap<String, String>) -> Vec<String> {
    Area::read(items).prefixed().map(str::to_owned).collect()
}
