//! Packing a vault's records into the record items: each record goes to the shard its uid picks,
//! a shard's records are packed by uid (`record`), and as many records as the quotas hold are kept,
//! chosen the same way on every browser: tombstones first (by uid), then the entries in list order.
//! The rest stay on this browser only, and the report says how many are in sync.

use super::format::{MAX_ITEMS, NONCE_LEN, QUOTA_BYTES_PER_ITEM, SHARDS, TAG_LEN, shard_key};
use super::record::{Packer, Plain, Record};
use crate::vault::Uid;

/// The shard a uid's record goes to (uids are hashes, so shards fill evenly).
pub(crate) fn shard_of(uid: &Uid) -> usize {
    usize::from(uid.0[0]) % SHARDS
}

/// A record, and whether its uid is the one its account derives (worked out once: packing to the
/// quota packs the same records several times).
pub(crate) type Packed<'a> = (&'a Record, bool);

/// The plaintext of a shard holding these records: its tables, then its records by uid.
pub(crate) fn plain_of(records: &[Packed<'_>]) -> Plain {
    let mut by_uid: Vec<(Uid, u64)> = records.iter().map(|(r, _)| r.uid()).zip(0..).collect();
    by_uid.sort_unstable();
    let mut packer = Packer::new();
    for (_, i) in by_uid {
        let (record, derived) = records[i as usize];
        packer.push(record, derived, true);
    }
    packer.finish()
}

/// What an item costs in the quota: its key's length plus its value's length as JSON (a string:
/// quoted, with `"`, `\` and control characters escaped), in UTF-8 bytes.
pub(crate) fn item_bytes(key: &str, value: &str) -> usize {
    let escaped: usize = value
        .chars()
        .map(|c| match c {
            '"' | '\\' | '\u{8}' | '\u{c}' | '\n' | '\r' | '\t' => 2,
            c if (c as u32) < 0x20 => 6,
            c => c.len_utf8(),
        })
        .sum();
    key.len() + 2 + escaped
}

/// The length of a record item's value for a plaintext of `plain` bytes: base64 of the nonce, the
/// ciphertext and the tag.
fn sealed_len(plain: usize) -> usize {
    4 * (NONCE_LEN + plain + TAG_LEN).div_ceil(3)
}

/// What the record items may use: bytes and items left by everything else in the area.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Budget {
    pub(crate) bytes: usize,
    pub(crate) items: usize,
}

/// The shards' plaintexts of the records that fit (`None`: an empty shard, no item), and how many
/// of the records given that is (a prefix).
#[derive(Debug)]
pub(crate) struct Fitted {
    pub(crate) shards: Vec<Option<Plain>>,
    pub(crate) held: usize,
}

fn attempt(priority: &[Packed<'_>], budget: Budget) -> Option<Vec<Option<Plain>>> {
    let mut by_shard: Vec<Vec<Packed<'_>>> = vec![Vec::new(); SHARDS];
    for &packed in priority {
        by_shard[shard_of(&packed.0.uid())].push(packed);
    }
    let (mut bytes, mut items) = (0, 0);
    let mut shards = Vec::with_capacity(SHARDS);
    for (i, records) in by_shard.iter().enumerate() {
        if records.is_empty() {
            shards.push(None);
            continue;
        }
        let plain = plain_of(records);
        let size = shard_key(i).len() + 2 + sealed_len(plain.len());
        if size > QUOTA_BYTES_PER_ITEM {
            return None;
        }
        bytes += size;
        items += 1;
        shards.push(Some(plain));
    }
    (bytes <= budget.bytes && items <= budget.items.min(MAX_ITEMS)).then_some(shards)
}

/// Packs as many records of `priority` (in that order) as fit `budget` and the per-item quota:
/// all of them when they fit, else the longest prefix that does (found by halving: the sizes grow
/// with the records).
pub(crate) fn fit(priority: &[Packed<'_>], budget: Budget) -> Fitted {
    if let Some(shards) = attempt(priority, budget) {
        return Fitted {
            shards,
            held: priority.len(),
        };
    }
    let (mut lo, mut hi) = (0, priority.len());
    let mut best = vec![None; SHARDS];
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        match attempt(&priority[..mid], budget) {
            Some(shards) => {
                lo = mid;
                best = shards;
            }
            None => hi = mid,
        }
    }
    Fitted {
        shards: best,
        held: lo,
    }
}
