//! End-to-end encrypted sync through the browser's own `storage.sync` (Chrome, Edge, Firefox): the
//! sync area's format, the merge, packing to the quotas, and the operations a front end calls.
//! Specified in `docs/sync-format.md`. Pure: the browser's items come in as a map and the items to
//! write and remove go out; the caller gives the time (`now_secs`) and the random source.
//!
//! # The area
//!
//! Keys start with [`PREFIX`]. The header ([`HEADER_KEY`]) holds the format version, the random
//! sync id, a revision, the vault's key slots (the same as the local sealed vault's, so one
//! passphrase opens both) and a key check (HMAC-SHA256 under a subkey of the data key). The
//! accounts are in [`SHARDS`] record items (`authbar:r00`…), each the XChaCha20-Poly1305 encryption
//! (under another subkey, bound to the sync id and the item's key) of the packed records whose
//! uid falls in it. Each item is whole on its own: the browser's sync is last-writer-wins per key,
//! with no transactions, so a reader may see some items new and others old; merging is a join, and
//! an item missing or unreadable means "no information", never a deletion.
//!
//! # The merge
//!
//! Per account (by uid) the later version wins; a deletion leaves a tombstone that removes only
//! the version it saw, so an edit made on a browser that had not seen the deletion keeps the
//! account (rename on one, delete on the other: the renamed account stays); HOTP counters merge to
//! the highest; the same account added on two browsers is one (its uid comes from its secret,
//! issuer and name). Tombstones go after 90 days ([`crate::vault::TOMBSTONE_SECS`]).
//!
//! # The API for an adapter
//!
//! Each function takes `items`, the map key → string that `storage.sync.get(null)` gives (keys
//! outside the prefix only count towards the quota), and changes the [`crate::LockState`] only when
//! it succeeds. After a success the caller writes [`Merged::write`] in one `storage.sync.set`,
//! removes [`Merged::remove`] in one `storage.sync.remove` (two write operations, well under
//! Chrome's 120 a minute when calls are debounced), and stores the local vault when
//! [`Merged::vault_changed`] — as a protection change (the old text kept until the new one reads
//! back, old copies purged) when [`Merged::slots_changed`].
//!
//! - [`peek`]`(items)` → [`Peek`]: empty, incomplete, or a vault's area (its sync id) — what a
//!   locked or fresh browser shows before it has a key.
//! - [`sync`]`(state, items, now_secs, random)` → [`Synced`]: `Merged` (what to write, the
//!   [`Report`]: accounts held in sync of the total, bytes used, problems), `Empty` (publish to
//!   start), `Removed` (the data was removed from sync: turn sync off here). `Err` with a
//!   [`SyncError`] when the area must not be merged or written: a newer format
//!   (`sync_newer_format`: stop writing, "update Authbar on this browser"), a damaged header
//!   (`sync_header_malformed`), a header failing its key check (`sync_header_rejected`), another
//!   vault's area (`sync_other_vault`: offer [`join`]), or a locked or unprotected vault.
//! - [`publish`]`(state, items, now_secs, random)` → [`Merged`]: a first publication (new sync id).
//! - [`join`]`(state, items, passphrase, now_secs, random)` → [`Merged`]: opens the area's slots
//!   with its passphrase; the local accounts (if any) merge with the area's and the vault takes the
//!   area's key and slots.
//! - [`unlock`]`(state, items, passphrase)`: a locked browser unlocks with its own passphrase or the
//!   area's (a passphrase changed on another browser), until its next sync takes the new slots.
//! - [`removal`]`(items)` → the keys to remove for "remove Authbar's data from sync".
//! - [`merge`]`(local, other)` → `local` with another copy's records merged in (the merge alone).
//!
//! # Example
//!
//! ```
//! use std::collections::BTreeMap;
//! use authbar_core::{import_text, sync, KdfParams, LockState, Vault};
//! use authbar_core::sealed::RandomFailed;
//!
//! # let params = KdfParams { memory_kib: 64, iterations: 1, parallelism: 1 };
//! let mut fill = |b: &mut [u8]| -> Result<(), RandomFailed> { b.fill(7); Ok(()) };
//! let mut vault = Vault::new();
//! vault.add(import_text("otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP")?.accounts);
//! let mut a = LockState::Plain(vault);
//! a.set_passphrase("correct horse battery", params, &mut fill)?;
//!
//! // Browser A publishes; the browser's sync carries the items to B.
//! let mut area: BTreeMap<String, String> = BTreeMap::new();
//! let out = sync::publish(&mut a, &area, 1_700_000_000, &mut fill)?;
//! area.extend(out.write);
//!
//! // B, fresh, joins with the passphrase and has A's account.
//! let mut b = LockState::Plain(Vault::new());
//! sync::join(&mut b, &area, "correct horse battery", 1_700_000_060, &mut fill)?;
//! assert_eq!(b.vault()?.entries()[0].account.name(), "alice");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod api;
mod area;
mod error;
mod format;
mod merge;
mod pack;
mod reconcile;
mod record;
mod unpack;

pub use api::{Peek, Synced, join, merge, peek, publish, removal, sync, unlock};
pub use error::SyncError;
pub use format::{
    FORMAT, FORMAT_VERSION, HEADER_KEY, MAX_ITEMS, PREFIX, QUOTA_BYTES, QUOTA_BYTES_PER_ITEM,
    SHARDS,
};
pub use reconcile::{Merged, Report};
