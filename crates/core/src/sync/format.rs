//! The constants of the sync area: its keys, its format version, how records are sharded, and the
//! browsers' `storage.sync` quotas (the same in Chrome and Firefox).

/// Every key Authbar writes starts with this; keys without it are not Authbar's sync data.
pub const PREFIX: &str = "authbar:";
/// The header item's key.
pub const HEADER_KEY: &str = "authbar:header";
/// The `format` field of the header.
pub const FORMAT: &str = "authbar-sync";
/// The sync format this code reads and writes. A header with a larger one stops this browser from
/// writing anything to the area.
pub const FORMAT_VERSION: u32 = 1;
/// How many record items the accounts are spread over (by uid): `authbar:r00` … `authbar:r15`.
pub const SHARDS: usize = 16;

/// `storage.sync`'s total quota in bytes: every item's key length plus its value's JSON length.
pub const QUOTA_BYTES: usize = 102_400;
/// `storage.sync`'s quota for one item (key length plus the value's JSON length).
pub const QUOTA_BYTES_PER_ITEM: usize = 8_192;
/// `storage.sync`'s most items.
pub const MAX_ITEMS: usize = 512;

/// The key of record item `shard`.
pub(crate) fn shard_key(shard: usize) -> String {
    format!("{PREFIX}r{shard:02}")
}

/// Which record item a key names, if any.
pub(crate) fn shard_of_key(key: &str) -> Option<usize> {
    let digits = key.strip_prefix(PREFIX)?.strip_prefix('r')?;
    let shard: usize = digits.parse().ok()?;
    (shard < SHARDS && shard_key(shard) == key).then_some(shard)
}

/// XChaCha20-Poly1305's nonce and tag, around each record item's ciphertext.
pub(crate) const NONCE_LEN: usize = 24;
pub(crate) const TAG_LEN: usize = 16;
