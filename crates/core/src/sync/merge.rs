//! The merge of two copies' records: a join (commutative, associative, idempotent), so copies that
//! have seen the same records hold the same vault whatever the order, repetition or loss of what
//! they exchanged on the way.
//!
//! Per uid:
//! - two entries: the later version wins (equal versions — one device id on two copies, from a
//!   restored backup — are ordered by their packed content, so the choice is still the same
//!   everywhere);
//! - two tombstones: the one that deleted the later version (then the later time) wins;
//! - an entry and a tombstone: the tombstone removes the entry only when it deleted that version or
//!   a later one. An entry whose version is later than the one the tombstone deleted was changed on
//!   a copy that had not seen the deletion, and stays: a rename on one browser and a deletion of the
//!   same account on another keep the renamed account; a deletion made after seeing the rename
//!   removes it. Nothing the user did not delete disappears.
//! - HOTP counters: the highest of every record merged wins, whatever else does, so a code is never
//!   shown twice (a tombstone keeps its entry's counter for the case an edit brings it back).
//!
//! Tombstones are dropped [`TOMBSTONE_SECS`] after sync first carried them ([`compact`]): a copy
//! offline for longer may bring a deleted account back, which the user deletes again.

use super::record::{Record, content};
use crate::vault::{Entry, TOMBSTONE_SECS, Tombstone, Uid, Vault};

/// A copy's records: one per uid, in uid order.
pub(crate) type Records = Vec<Record>;

/// Whether `x` wins over `y` (two versions of one entry): the later version, then the greater
/// packed content (without the counter, which merges on its own).
fn wins(x: &Entry, y: &Entry) -> bool {
    if x.version != y.version {
        return x.version > y.version;
    }
    *content(x) >= *content(y)
}

fn with_counter(mut entry: Entry, counter: u64) -> Entry {
    if entry.account.counter() != counter {
        entry.account = entry.account.clone().with_counter(counter);
    }
    entry
}

/// The join of two records of one uid.
pub(crate) fn join(a: Record, b: Record) -> Record {
    match (a, b) {
        (Record::Live(x), Record::Live(y)) => {
            let counter = x.account.counter().max(y.account.counter());
            let winner = if wins(&x, &y) { x } else { y };
            Record::Live(with_counter(winner, counter))
        }
        (Record::Dead(s), Record::Dead(t)) => {
            let counter = s.counter.max(t.counter);
            let winner = if (s.deleted, s.secs) >= (t.deleted, t.secs) {
                s
            } else {
                t
            };
            Record::Dead(Tombstone { counter, ..winner })
        }
        (Record::Live(e), Record::Dead(t)) | (Record::Dead(t), Record::Live(e)) => {
            let counter = e.account.counter().max(t.counter);
            if e.version > t.deleted {
                Record::Live(with_counter(e, counter))
            } else {
                Record::Dead(Tombstone { counter, ..t })
            }
        }
    }
}

/// Joins records given in any order, a uid any number of times, into one per uid in uid order.
pub(crate) fn join_all(records: impl IntoIterator<Item = Record>) -> Records {
    let mut slots: Vec<Option<Record>> = records.into_iter().map(Some).collect();
    let mut by_uid: Vec<(Uid, u64)> = slots.iter().flatten().map(Record::uid).zip(0..).collect();
    by_uid.sort_unstable();
    let mut out: Records = Vec::with_capacity(by_uid.len());
    for (uid, i) in by_uid {
        let Some(record) = slots.get_mut(i as usize).and_then(Option::take) else {
            continue;
        };
        match out.pop() {
            Some(held) if held.uid() == uid => out.push(join(held, record)),
            Some(held) => out.extend([held, record]),
            None => out.push(record),
        }
    }
    out
}

/// Merges `incoming` into `into`.
pub(crate) fn merge_into(into: &mut Records, incoming: impl IntoIterator<Item = Record>) {
    *into = join_all(std::mem::take(into).into_iter().chain(incoming));
}

/// Drops the tombstones sync has carried for [`TOMBSTONE_SECS`] or more at `now_secs`.
pub(crate) fn compact(records: &mut Records, now_secs: u64) {
    records.retain(|r| match r {
        Record::Dead(t) => t
            .secs
            .is_none_or(|secs| secs.saturating_add(TOMBSTONE_SECS) > now_secs),
        Record::Live(_) => true,
    });
}

/// A vault's records: its entries and its tombstones.
pub(crate) fn records_of(vault: &Vault) -> Records {
    let live = vault.entries().iter().cloned().map(Record::Live);
    let dead = vault.tombstones().iter().cloned().map(Record::Dead);
    join_all(live.chain(dead))
}

/// Puts merged records in the vault: entries keep their ids (by uid), new ones get new ids.
pub(crate) fn apply(vault: &mut Vault, records: Records) {
    let (mut live, mut dead) = (Vec::new(), Vec::new());
    for record in records {
        match record {
            Record::Live(e) => live.push(e),
            Record::Dead(t) => dead.push(t),
        }
    }
    vault.take_records(live, dead);
}
