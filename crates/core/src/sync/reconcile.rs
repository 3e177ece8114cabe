//! One round of sync between a vault and the area: take or publish the header's slots, merge the
//! readable record items into the vault, pack the merged records to the quotas, and list the items
//! whose content changed (compared as decrypted records, not as ciphertext, which is new on every
//! write).

use std::collections::BTreeMap;

use serde::{Serialize, Serializer};

use super::area::{Area, Header, open_item, seal_item};
use super::error::SyncError;
use super::format::{HEADER_KEY, MAX_ITEMS, PREFIX, QUOTA_BYTES, SHARDS, shard_key, shard_of_key};
use super::merge::{Records, apply, compact, join_all, merge_into, records_of};
use super::pack::{Budget, Packed, fit, item_bytes, plain_of};
use super::record::{Plain, Record};
use crate::params::{Coded, ErrorView};
use crate::sealed::{DataKey, KeySlots, Random};
use crate::vault::{Link, SyncId, Vault};

/// How sync stands after a round: accounts in sync out of all, bytes used, problems found.
///
/// JSON: `{"held":812,"total":950,"bytes":102311,"quota":102400,"problems":[{"code":…}]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// Accounts the sync area holds (the others stay on this browser: over the quota).
    pub held: usize,
    /// Accounts in the vault.
    pub total: usize,
    /// Bytes the whole `storage.sync` area uses once the writes and removals are done.
    pub bytes: usize,
    /// The quota those bytes count against ([`QUOTA_BYTES`]).
    pub quota: usize,
    /// Items that were not merged (and why), and keys under Authbar's prefix that are not its own.
    #[serde(serialize_with = "views")]
    pub problems: Vec<SyncError>,
}

fn views<S: Serializer>(problems: &[SyncError], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(problems.iter().map(Coded::view).collect::<Vec<ErrorView>>())
}

/// What the caller does after a round: write these items to `storage.sync` (one `set`), remove
/// those (one `remove`), store the vault again when it changed.
///
/// JSON: `{"write":{"authbar:r03":"…"},"remove":["authbar:r07"],"vaultChanged":true,"slotsChanged":false,"report":{…}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Merged {
    /// Items to set, key to value.
    pub write: BTreeMap<String, String>,
    /// Keys to remove.
    pub remove: Vec<String>,
    /// Whether the local vault changed (accounts merged, slots taken, link or clock moved): store it.
    pub vault_changed: bool,
    /// Whether the local vault's key slots changed (the area's were taken: a passphrase changed on
    /// another browser, or a join): a protection change, so the caller keeps the old stored text
    /// until the new one reads back, and has the old copies purged.
    pub slots_changed: bool,
    /// How sync stands.
    pub report: Report,
}

/// The header to write, if any, and the slots to take, if any.
fn settle_header(
    link: &mut Link,
    remote: Option<&Header>,
    slots: &KeySlots,
    key: &DataKey,
) -> Result<(Option<Header>, Option<KeySlots>), SyncError> {
    let sync_id = link.sync_id;
    let ours = |revision| Header::new(sync_id, revision, slots, key).map(Some);
    Ok(match remote {
        // Publishing.
        None => (ours(link.revision)?, None),
        // Another browser's newer header (a changed passphrase): take its slots.
        Some(h) if h.revision > link.revision => {
            link.revision = h.revision;
            (None, (h.slots != *slots).then(|| h.slots.clone()))
        }
        Some(h) if h.revision == link.revision && h.slots == *slots => (None, None),
        // This browser's slots changed, or the area lost its newer header: ours, at a higher
        // revision, which the other browsers then take.
        Some(h) => {
            link.revision = (h.revision + 1).max(link.revision);
            (ours(link.revision)?, None)
        }
    })
}

/// The records of the area's readable record items (what a joining vault is placed after).
pub(crate) fn remote_records(area: &Area<'_>, key: &DataKey, sync_id: SyncId) -> Records {
    let mut records = Records::new();
    for (shard, value) in area.shards.iter().enumerate() {
        let Some(value) = value else { continue };
        if let Ok(read) = open_item(key, sync_id, &shard_key(shard), value) {
            merge_into(&mut records, read);
        }
    }
    records
}

/// One round: `next` is the vault, linked to the area (`remote` is its header; `None` publishes a
/// new area, replacing every item of the prefix). Returns what to write and the slots to take.
pub(crate) fn reconcile(
    next: &mut Vault,
    slots: &KeySlots,
    key: &DataKey,
    area: &Area<'_>,
    remote: Option<&Header>,
    now_secs: u64,
    random: Random<'_>,
) -> Result<(Merged, Option<KeySlots>), SyncError> {
    let mut link = next
        .replica()
        .and_then(|r| r.link.clone())
        .ok_or(SyncError::NothingToJoin)?;
    let (header, adopt) = settle_header(&mut link, remote, slots, key)?;
    if let Some(replica) = next.replica_mut() {
        replica.link = Some(link.clone());
    }
    let publishing = remote.is_none();
    let mut problems: Vec<SyncError> = Vec::new();

    // Merge every readable record item; an item that cannot be read tells nothing.
    next.stamp_tombstones(now_secs);
    let mut records = records_of(next);
    // Each readable item's records as this browser would pack them (after dropping old
    // tombstones), to compare with what it packs now.
    let mut theirs: Vec<Option<Plain>> = vec![None; SHARDS];
    if !publishing {
        problems.extend(area.foreign.iter().map(|&key| SyncError::ForeignKey {
            key: key.to_owned(),
        }));
        for (shard, value) in area.shards.iter().enumerate() {
            let Some(value) = value else { continue };
            match open_item(key, link.sync_id, &shard_key(shard), value) {
                Ok(read) => {
                    let mut shard_records = join_all(read);
                    compact(&mut shard_records, now_secs);
                    let packed: Vec<Packed<'_>> =
                        shard_records.iter().map(|r| (r, r.uid_derived())).collect();
                    theirs[shard] = Some(plain_of(&packed));
                    merge_into(&mut records, shard_records);
                }
                Err(problem) => problems.push(problem),
            }
        }
    }
    compact(&mut records, now_secs);
    apply(next, records);

    // Pack to the quotas, after everything that stays in the area.
    let header_text = header.as_ref().map(Header::to_text);
    let header_bytes = match &header_text {
        Some(text) => item_bytes(HEADER_KEY, text),
        None => area.size_of(HEADER_KEY).unwrap_or(0),
    };
    // What stays: keys that are not Authbar's items (publishing also removes the prefix's others).
    let replaced = |k: &str| {
        k == HEADER_KEY || shard_of_key(k).is_some() || (publishing && k.starts_with(PREFIX))
    };
    let staying: Vec<(&str, usize)> = area
        .sizes
        .iter()
        .filter(|(k, _)| !replaced(k))
        .copied()
        .collect();
    let staying_bytes: usize = staying.iter().map(|(_, size)| size).sum();
    let budget = Budget {
        bytes: QUOTA_BYTES.saturating_sub(staying_bytes + header_bytes),
        items: MAX_ITEMS.saturating_sub(staying.len() + 1),
    };
    let priority: Vec<Record> = next
        .tombstones()
        .iter()
        .cloned()
        .map(Record::Dead)
        .chain(next.entries().iter().cloned().map(Record::Live))
        .collect();
    let packed: Vec<Packed<'_>> = priority.iter().map(|r| (r, r.uid_derived())).collect();
    let fitted = fit(&packed, budget);
    let held = packed[..fitted.held]
        .iter()
        .filter(|(r, _)| matches!(r, Record::Live(_)))
        .count();

    // Write the shards whose records differ from the area's; remove the ones left empty.
    let mut write = BTreeMap::new();
    let mut remove = Vec::new();
    for (shard, plain) in fitted.shards.iter().enumerate() {
        let item = shard_key(shard);
        match plain {
            None if area.shards[shard].is_some() => remove.push(item),
            None => {}
            Some(plain) if publishing || theirs[shard].as_ref() != Some(plain) => {
                let value = seal_item(key, link.sync_id, &item, plain, random)?;
                write.insert(item, value);
            }
            Some(_) => {}
        }
    }
    if let Some(text) = header_text {
        write.insert(HEADER_KEY.to_owned(), text);
    }
    if publishing {
        let others: Vec<String> = area
            .prefixed()
            .filter(|k| !write.contains_key(*k) && !remove.iter().any(|r| r == k))
            .map(str::to_owned)
            .collect();
        remove.extend(others);
    }
    remove.sort_unstable();

    // The area's bytes once written: what stays as it is, and what is written.
    let kept: usize = area
        .sizes
        .iter()
        .filter(|(k, _)| !write.contains_key(*k) && !remove.iter().any(|r| r == k))
        .map(|(_, size)| size)
        .sum();
    let written: usize = write.iter().map(|(k, v)| item_bytes(k, v)).sum();
    let report = Report {
        held,
        total: next.entries().len(),
        bytes: kept + written,
        quota: QUOTA_BYTES,
        problems,
    };
    Ok((
        Merged {
            write,
            remove,
            vault_changed: false,
            slots_changed: false,
            report,
        },
        adopt,
    ))
}
