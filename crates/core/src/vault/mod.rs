//! The stored account list: a versioned schema, the import preview and commit ([`Vault::preview`],
//! [`Vault::commit`]), renaming, pinning, reordering, deleting and HOTP counters. The extension keeps
//! [`Vault::to_json`]'s text as is; the counters stay exact (they can exceed what a JavaScript number
//! holds).
//!
//! Schema 1: `{"schema": 1, "nextId": N, "entries": [{"id": 1, "account": {…}}]}`, where `account`
//! is [`Account`](crate::Account)'s stable form. Schema 2 adds an entry's `site` (the host it was
//! added or filled from, see [`crate::site`]): `{"id": 1, "account": {…}, "site": "example.com"}`. Schema 3 adds what sync
//! and the user's own order need: each entry's `uid`, `version` (`{"clock": N, "device": D}`), `order`
//! (an order key, see [`order`]), `pinned` (when true) and `logo` (when chosen); the vault's
//! `tombstones` and its `replica` state (device id, clock, linked sync area):
//! `{"id": 1, "account": {…}, "uid": "…22 characters…", "version": {"clock": 4, "device": 77},
//! "order": "a1", "pinned": true, "logo": "github"}`.
//!
//! The text is written in the oldest schema that holds it — 3 once the vault has synced or an entry
//! is pinned or has a chosen logo, 2 while an entry has a site, else 1 — so a version that knows only
//! schema 1 keeps reading a vault that uses nothing newer. Until a vault first syncs, its uids and
//! order keys are derived from the list and its versions are all zero, so they cost no schema. A
//! schema newer than this code knows is refused with [`VaultError::FutureSchema`] so that the caller
//! leaves it untouched.
//!
//! The list order is pinned entries first, then by order key, then by uid; [`Vault::entries`]
//! returns the entries in it.
//!
//! The modules: `format` (constants), `schema` (the stored text), `error` ([`VaultError`]), `list`
//! (the [`Vault`] and its entries), `edit` (the changes a user makes), `order` (order keys),
//! `replica` (uids, versions, tombstones and the copy's sync state), `view` (what a user interface
//! shows of them), `preview` (adding accounts: the preview and the commit), `kept` (a backup's
//! sites, pins and logos taken back) and `undo` (a deletion or a replacement put back).

mod edit;
mod error;
mod format;
mod kept;
mod list;
pub mod order;
mod preview;
mod replica;
mod schema;
mod undo;
mod view;

pub use error::VaultError;
pub use format::{LETTER, MAX_LOGO_CHARS, SCHEMA};
pub(crate) use list::check_logo;
pub use list::{Added, Entry, Vault};
pub use preview::{
    BatchView, Choice, CommitError, Incoming, Preview, Problem, Selection, SkippedView, Status,
};
pub use replica::{Link, Replica, SyncId, TOMBSTONE_SECS, Tombstone, Uid, Version};
pub use undo::Undo;
pub use view::{AccountView, EntryView, ListedView};
