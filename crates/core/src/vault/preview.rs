//! Import in two steps: [`Vault::preview`] lists what an import would bring, with each account's
//! duplicate status, and [`Vault::commit`] applies the user's choices. Nothing is written by a preview,
//! and a commit whose choices do not match the preview (or the vault as it is now) writes nothing.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::kept::checked_kept;
use super::list::{Added, Vault};
use super::view::{AccountView, same_label};
use crate::Account;
use crate::import::{Import, ImportError, Kept, Skipped};
use crate::params::{Coded, ErrorParams, ErrorView};

/// How an incoming account relates to what is stored. Serialised flat into [`Incoming`] as
/// `"status": "new" | "stored" | "repeated" | "sameName"` with the variant's fields beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(
    tag = "status",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Status {
    /// Nothing stored has this issuer and name.
    New,
    /// Exactly this account (same secret, issuer and name) is stored already; it is never added twice.
    Stored {
        /// The stored entry.
        entry_id: u64,
    },
    /// The same account (same secret, issuer and name) appears earlier in this preview.
    Repeated {
        /// The earlier preview index (named so as not to clash with [`Incoming::index`] beside it in
        /// JSON).
        earlier: usize,
    },
    /// Stored entries have the same issuer and name but another secret: the user can replace one of
    /// them (for example the entry of a dead set-up page) or keep both.
    SameName {
        /// The stored entries with this issuer and name, in vault order (at least one).
        entry_ids: Vec<u64>,
    },
}

impl Status {
    /// Whether the account is an exact duplicate (stored, or earlier in the same import).
    pub fn is_duplicate(&self) -> bool {
        matches!(self, Status::Stored { .. } | Status::Repeated { .. })
    }
}

/// One incoming account in a preview. The account itself (with its secret) is kept for
/// [`Vault::commit`] but never serialised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Incoming {
    /// Its index in [`Preview::accounts`], which [`Selection::index`] refers to.
    pub index: usize,
    /// Which of the imports given to [`Vault::preview`] it came from (from 0).
    pub source: usize,
    /// The account, without its secret.
    #[serde(flatten)]
    pub view: AccountView,
    /// Its duplicate status.
    #[serde(flatten)]
    pub status: Status,
    /// Shorthand for [`Status::is_duplicate`] (what the popup disables).
    pub duplicate: bool,
    /// Earlier preview indices with the same issuer and name but another secret.
    pub same_name_in_import: Vec<usize>,
    #[serde(skip)]
    account: Account,
    /// What a backup's list kept beside the account (site, pin, logo), which an added entry takes.
    #[serde(skip)]
    kept: Option<Kept>,
}

impl Incoming {
    /// The account to be added.
    pub fn account(&self) -> &Account {
        &self.account
    }
}

/// An export entry the import could not use (e.g. MD5), with why: the one shape a skipped entry has
/// wherever it goes (a file the tools module read hands its skipped entries to the preview in it).
///
/// JSON: `{"source":0,"issuer":"ACME","name":"bob","code":"unsupported_md5","key":
/// "err_unsupported_md5","params":{},"message":"…"}`: the reason's [`ErrorView`] beside the entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SkippedView {
    /// Which import it came from.
    pub source: usize,
    /// The issuer as exported.
    pub issuer: String,
    /// The name as exported.
    pub name: String,
    /// Why it was skipped.
    #[serde(flatten)]
    pub reason: ErrorView,
}

impl SkippedView {
    /// The view of an importer's skipped entry, from import `source`.
    pub fn of(source: usize, skipped: Skipped) -> SkippedView {
        SkippedView {
            source,
            reason: skipped.reason.view(),
            issuer: skipped.issuer,
            name: skipped.name,
        }
    }
}

/// An import that failed as a whole, with its error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    /// Which import it was.
    pub source: usize,
    /// What is wrong.
    #[serde(flatten)]
    pub why: ErrorView,
    /// For text that is not an authenticator code: the text (shortened), to show the user.
    pub text: Option<String>,
    #[serde(skip)]
    error: ImportError,
}

impl Problem {
    /// The error itself.
    pub fn error(&self) -> &ImportError {
        &self.error
    }
}

/// Which part of a multi-part Google Authenticator export an import was ("1 of 3" is `index` 0,
/// `size` 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchView {
    /// Which import it was.
    pub source: usize,
    /// The part's index, from 0.
    pub index: i32,
    /// How many parts the export has.
    pub size: i32,
    /// Shared by the parts of one export.
    pub id: i32,
}

/// What an import would do, for the user to confirm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Preview {
    /// Every incoming account, in import order.
    pub accounts: Vec<Incoming>,
    /// Export entries that cannot be imported.
    pub skipped: Vec<SkippedView>,
    /// Imports that failed as a whole.
    pub problems: Vec<Problem>,
    /// The migration parts among the imports.
    pub batches: Vec<BatchView>,
}

impl Preview {
    /// The choices the popup offers by default: add every account that is not an exact duplicate
    /// (one with the same name as a stored entry is added beside it unless the user picks replace).
    pub fn add_new(&self) -> Vec<Selection> {
        self.accounts
            .iter()
            .filter(|a| !a.duplicate)
            .map(|a| Selection {
                index: a.index,
                choice: Choice::Add,
            })
            .collect()
    }
}

/// What to do with one previewed account.
///
/// JSON: `"add"`, `"skip"` or `{"replace": ENTRY_ID}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Choice {
    /// Add it as a new entry (an exact duplicate of a stored entry is reported, not added).
    Add,
    /// Put it in place of this stored entry (which must have the same issuer and name), keeping the
    /// entry's id and position.
    Replace(u64),
    /// Leave it out.
    Skip,
}

/// The user's choice for one preview index. Indices not listed are skipped.
///
/// JSON: `{"index": 0, "choice": "add"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Selection {
    /// The index in [`Preview::accounts`].
    pub index: usize,
    /// What to do with it.
    pub choice: Choice,
}

/// Why a commit was refused. Nothing was written.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CommitError {
    /// The index is not in the preview (the preview the choices were made on is not this one).
    StaleIndex {
        /// The index given.
        index: usize,
        /// How many accounts the preview has.
        len: usize,
    },
    /// The same index was chosen twice.
    RepeatedIndex {
        /// The index.
        index: usize,
    },
    /// The entry to replace is not stored (any more).
    NoSuchEntry {
        /// The preview index.
        index: usize,
        /// The entry id given.
        entry_id: u64,
    },
    /// The entry to replace has another issuer or name than the incoming account.
    NotSameName {
        /// The preview index.
        index: usize,
        /// The entry id given.
        entry_id: u64,
    },
    /// Exactly the incoming account is stored as another entry: replacing would store it twice.
    AlreadyStored {
        /// The preview index.
        index: usize,
        /// The entry that already holds it.
        entry_id: u64,
    },
    /// Two choices replace the same entry.
    ReplacedTwice {
        /// The entry id.
        entry_id: u64,
    },
}

impl Coded for CommitError {
    /// A stable machine-readable code.
    fn code(&self) -> &'static str {
        match self {
            CommitError::StaleIndex { .. } => "stale_preview",
            CommitError::RepeatedIndex { .. } => "repeated_choice",
            CommitError::NoSuchEntry { .. } => "no_such_entry",
            CommitError::NotSameName { .. } => "not_same_name",
            CommitError::AlreadyStored { .. } => "already_stored",
            CommitError::ReplacedTwice { .. } => "replaced_twice",
        }
    }

    /// The values the error names, for wording it in another language (see [`crate::params`]).
    fn params(&self) -> ErrorParams {
        // Positions are shown counting from 1, as the preview lists them.
        match self {
            CommitError::StaleIndex { index, len } => {
                ErrorParams::new().with("index", index + 1).with("len", len)
            }
            CommitError::RepeatedIndex { index } => ErrorParams::new().with("index", index + 1),
            CommitError::NoSuchEntry { index, entry_id } => ErrorParams::new()
                .with("index", index + 1)
                .with("entry", entry_id)
                .variant("preview"),
            CommitError::NotSameName { index, entry_id }
            | CommitError::AlreadyStored { index, entry_id } => ErrorParams::new()
                .with("index", index + 1)
                .with("entry", entry_id),
            CommitError::ReplacedTwice { entry_id } => ErrorParams::new().with("entry", entry_id),
        }
    }
}

impl fmt::Display for CommitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CommitError::StaleIndex { index, len } => write!(
                f,
                "the preview has {len} account(s), so there is no account {index}; \
                 the choices were made on another preview: preview the import again"
            ),
            CommitError::RepeatedIndex { index } => {
                write!(f, "account {index} of the preview was chosen twice")
            }
            CommitError::NoSuchEntry { index, entry_id } => write!(
                f,
                "account {index} of the preview should replace entry {entry_id}, which is not stored"
            ),
            CommitError::NotSameName { index, entry_id } => write!(
                f,
                "account {index} of the preview can only replace an entry with the same issuer and \
                 name, and entry {entry_id} has another"
            ),
            CommitError::AlreadyStored { index, entry_id } => write!(
                f,
                "account {index} of the preview is already stored as entry {entry_id}; \
                 replacing another entry with it would store it twice"
            ),
            CommitError::ReplacedTwice { entry_id } => {
                write!(
                    f,
                    "entry {entry_id} is replaced by two accounts of the preview"
                )
            }
        }
    }
}

impl std::error::Error for CommitError {}

impl Vault {
    /// Lists what `imports` would add, marking duplicates; writes nothing.
    ///
    /// An account is [`Status::Stored`] if exactly it (same secret, issuer and name) is stored,
    /// [`Status::Repeated`] if it came earlier in these imports, [`Status::SameName`] if stored entries
    /// have its issuer and name with another secret, and [`Status::New`] otherwise. To add imports to a
    /// shown preview (several QR images), preview all of them again: the result is the same as one
    /// preview of the whole list.
    pub fn preview(
        &self,
        imports: impl IntoIterator<Item = Result<Import, ImportError>>,
    ) -> Preview {
        let mut preview = Preview::default();
        for (source, result) in imports.into_iter().enumerate() {
            let import = match result.and_then(checked_kept) {
                Ok(import) => import,
                Err(error) => {
                    let text = match &error {
                        ImportError::NotAuthenticator { text } => Some(text.clone()),
                        _ => None,
                    };
                    preview.problems.push(Problem {
                        source,
                        why: error.view(),
                        text,
                        error,
                    });
                    continue;
                }
            };
            if let Some(b) = import.batch {
                preview.batches.push(BatchView {
                    source,
                    index: b.index,
                    size: b.size,
                    id: b.id,
                });
            }
            preview.skipped.extend(
                import
                    .skipped
                    .into_iter()
                    .map(|s| SkippedView::of(source, s)),
            );
            let mut kept = import.kept.into_iter();
            for account in import.accounts {
                let mut incoming = self.classify(&preview.accounts, source, account);
                incoming.kept = kept.next();
                preview.accounts.push(incoming);
            }
        }
        preview
    }

    fn classify(&self, earlier: &[Incoming], source: usize, account: Account) -> Incoming {
        let status = if let Some(e) = self
            .entries()
            .iter()
            .find(|e| e.account.same_entry(&account))
        {
            Status::Stored { entry_id: e.id }
        } else if let Some(i) = earlier.iter().position(|p| p.account.same_entry(&account)) {
            Status::Repeated { earlier: i }
        } else {
            let entry_ids: Vec<u64> = self
                .entries()
                .iter()
                .filter(|e| same_label(&e.account, &account))
                .map(|e| e.id)
                .collect();
            if entry_ids.is_empty() {
                Status::New
            } else {
                Status::SameName { entry_ids }
            }
        };
        let same_name_in_import = earlier
            .iter()
            .filter(|p| same_label(&p.account, &account) && p.account.secret() != account.secret())
            .map(|p| p.index)
            .collect();
        Incoming {
            index: earlier.len(),
            source,
            view: AccountView::from(&account),
            duplicate: status.is_duplicate(),
            status,
            same_name_in_import,
            account,
            kept: None,
        }
    }

    /// Applies the user's choices for `preview` (indices not listed are skipped).
    ///
    /// All choices are checked against the preview and against the vault as it is now before anything
    /// is written; any mismatch is an error and the vault is unchanged. New entries are appended in
    /// preview order; a replacement keeps the replaced entry's id and position (so a list the user
    /// ordered stays in order). An added account that is stored by now (or was added earlier in this
    /// commit) is reported in [`Added::duplicates`], not added twice.
    pub fn commit(
        &mut self,
        preview: &Preview,
        choices: &[Selection],
    ) -> Result<Added, CommitError> {
        // Each choice in the slot of its account, so they are applied in preview order.
        let mut chosen: Vec<Option<(&Incoming, Choice)>> = vec![None; preview.accounts.len()];
        for s in choices {
            let (Some(incoming), Some(slot)) =
                (preview.accounts.get(s.index), chosen.get_mut(s.index))
            else {
                return Err(CommitError::StaleIndex {
                    index: s.index,
                    len: preview.accounts.len(),
                });
            };
            if slot.is_some() {
                return Err(CommitError::RepeatedIndex { index: s.index });
            }
            *slot = Some((incoming, s.choice));
        }

        // Applied to a copy that replaces the vault only when every choice succeeded: a replacement
        // is checked against the entries as the earlier choices of this commit left them.
        let mut next = self.clone();
        let mut added = Added::default();
        for (incoming, choice) in chosen.into_iter().flatten() {
            let account = incoming.account.clone();
            match choice {
                Choice::Skip => {}
                Choice::Add if next.contains(&account) => added.duplicates.push(account),
                Choice::Add => added
                    .ids
                    .push(next.push_kept(account, incoming.kept.as_ref())),
                Choice::Replace(entry_id) => {
                    if added.replaced.contains(&entry_id) {
                        return Err(CommitError::ReplacedTwice { entry_id });
                    }
                    let index = next.check_replace(incoming, entry_id)?;
                    next.set_account(index, account);
                    added.replaced.push(entry_id);
                }
            }
        }
        next.settle();
        *self = next;
        Ok(added)
    }

    /// Where the entry `entry_id` that `incoming` may replace sits.
    fn check_replace(&self, incoming: &Incoming, entry_id: u64) -> Result<usize, CommitError> {
        let index = incoming.index;
        let position = self
            .entries()
            .iter()
            .position(|e| e.id == entry_id)
            .ok_or(CommitError::NoSuchEntry { index, entry_id })?;
        if !same_label(&self.entries()[position].account, &incoming.account) {
            return Err(CommitError::NotSameName { index, entry_id });
        }
        match self
            .entries()
            .iter()
            .find(|e| e.id != entry_id && e.account.same_entry(&incoming.account))
        {
            Some(other) => Err(CommitError::AlreadyStored {
                index,
                entry_id: other.id,
            }),
            None => Ok(position),
        }
    }
}
