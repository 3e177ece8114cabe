//! The stored account list: a versioned schema, the import preview and commit ([`Vault::preview`],
//! [`Vault::commit`]), renaming, reordering, deleting and HOTP counters. The extension keeps [`Vault::to_json`]'s text as is; the counters stay exact (they can
//! exceed what a JavaScript number holds).
//!
//! Schema 1: `{"schema": 1, "nextId": N, "entries": [{"id": 1, "account": {…}}]}`, where `account` is
//! [`Account`]'s stable form. Schema 2 adds an entry's `site` (the host it was added or filled from,
//! see [`crate::site`]): `{"id": 1, "account": {…}, "site": "example.com"}`. The text is written in
//! the oldest schema that holds it (1 while no entry has a site), so a version that knows only
//! schema 1 keeps reading a vault that uses nothing newer. A schema newer than this code knows is
//! refused with [`VaultError::FutureSchema`] so that the caller leaves it untouched.

//!
//! The modules: `schema`, `error` ([`VaultError`]), `list` (the [`Vault`] and its entries), `view`
//! (what a user interface shows of them) and `preview` (adding accounts: the preview and the commit).

mod error;
mod list;
mod preview;
mod schema;
mod view;

pub use error::VaultError;
pub use list::{Added, Entry, Vault};
pub use preview::{
    BatchView, Choice, CommitError, Incoming, Preview, Problem, Selection, SkippedView, Status,
};
pub use schema::SCHEMA;
pub use view::{AccountView, EntryView, ListedView};
