//! What an Authbar backup's list kept beside each account (its site, pin and logo: [`Kept`]), checked
//! when an import brings it and taken by the entries the import adds, so a restored backup lists its
//! accounts as they were: pinned ones first, in the backup's order, with their logos and sites.

use super::list::{Vault, check_logo};
use crate::Account;
use crate::import::{Import, ImportError, Kept};

/// An import whose kept fields (an Authbar backup's sites, pins and logos) the list can take: one
/// per account, each logo a slug or the letter; else the import is refused as damaged (the list
/// would not read back a logo it cannot hold).
pub(super) fn checked_kept(import: Import) -> Result<Import, ImportError> {
    let corrupt = |detail: String| ImportError::Corrupt {
        format: import.format,
        detail,
    };
    if !import.kept.is_empty() && import.kept.len() != import.accounts.len() {
        return Err(corrupt(format!(
            "it keeps the site, pin and logo of {} accounts but holds {}",
            import.kept.len(),
            import.accounts.len()
        )));
    }
    for (i, kept) in import.kept.iter().enumerate() {
        if let Some(logo) = &kept.logo {
            check_logo(logo).map_err(|e| corrupt(format!("account {}: {e}", i + 1)))?;
        }
    }
    Ok(import)
}

impl Vault {
    /// Appends an account as [`Vault::push`] does, with what a backup's list kept beside it: its
    /// site, its logo, and its pin (a pinned one goes after the pinned entries). Accounts pushed in
    /// a backup's list order keep that order.
    pub(super) fn push_kept(&mut self, account: Account, kept: Option<&Kept>) -> u64 {
        let id = self.push(account);
        let Some(kept) = kept else {
            return id;
        };
        let order = kept.pinned.then(|| self.key_at_end(true, true));
        // `push` appended it: the last entry until the list is settled.
        if let Some(entry) = self.entries.last_mut() {
            entry.site.clone_from(&kept.site);
            entry.logo.clone_from(&kept.logo);
            if let Some(order) = order {
                entry.pinned = true;
                entry.order = order;
            }
        }
        id
    }
}
