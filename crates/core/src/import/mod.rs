//! Turning pasted text, a QR payload or another authenticator's export file into accounts to add.
//!
//! [`import_file`] reads a whole file and tells its format from the content alone (never the file
//! name): it tries each [`Format`]'s probe in turn (see `PROBES`), so a new format is one more line
//! there. [`import_text`] reads one pasted `otpauth://` link or Google Authenticator export, and
//! [`import_payload`] is the one rule for what a QR code holds.
//!
//! Entries that cannot become accounts (an MD5 entry, a type Authbar does not compute) are listed in
//! [`Import::skipped`] with a stable code and the reason; the rest are imported.

mod ae;
mod aegis;
mod andotp;
mod authbar;
mod bitwarden;
mod crypto;
mod error;
mod fields;
mod lists;
mod twofas;

use serde::{Deserialize, Serialize};

use crate::Account;
use crate::migration::{self, Unsupported};
use crate::qr::{PayloadKind, QrPayload};
use crate::uri::{self, UriError};

pub use error::{Format, ImportError, SkipReason};

/// The largest file an import reads: 16 MiB. An export of thousands of accounts is a few hundred
/// KiB (an Aegis vault with an icon per account a few MiB); anything larger is refused before it is
/// read, so a wrong or crafted file cannot make the popup hang.
pub const MAX_FILE_BYTES: usize = 16 * 1024 * 1024;

/// The most entries (accounts and skipped entries) one import takes: 5,000, the size of the
/// largest account list the extension is tested with.
pub const MAX_ENTRIES: usize = 5_000;

/// An export entry that was not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The entry's issuer as exported.
    pub issuer: String,
    /// The entry's name as exported (for a line of a text file: `line N` when it has none).
    pub name: String,
    /// Why it was skipped: [`SkipReason::code`] is stable, its `Display` is the message.
    pub reason: SkipReason,
}

/// Where an export's QR code sits in a multi-part export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchInfo {
    /// This part's index, from 0.
    pub index: i32,
    /// How many parts the export has.
    pub size: i32,
    /// Shared by all parts of one export.
    pub id: i32,
}

/// What one piece of text or one file imports.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Import {
    /// What was read.
    pub format: Format,
    /// Accounts ready to add, in the exporting app's order.
    pub accounts: Vec<Account>,
    /// Export entries that cannot be added (e.g. MD5), with the reason.
    pub skipped: Vec<Skipped>,
    /// For a Google Authenticator export: which part of it this was.
    pub batch: Option<BatchInfo>,
    /// For an Authbar backup: what its list kept beside each account (site, pin, logo), one per
    /// account in the order of `accounts` (the backup's list order); empty for every other format.
    pub kept: Vec<Kept>,
}

/// What Authbar's list keeps beside an account, which its backups carry: the site the account was
/// added or filled from, whether it is pinned, and the logo chosen for it (a slug or `letter`). The
/// list checks them when it takes them ([`crate::Vault::preview`]).
///
/// JSON: `{"site":"github.com","pinned":true,"logo":"github"}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Kept {
    /// The site (a host), if any.
    pub site: Option<String>,
    /// Pinned to the top of the list.
    pub pinned: bool,
    /// The logo chosen, if any.
    pub logo: Option<String>,
}

impl Import {
    fn new(format: Format) -> Self {
        Import {
            format,
            ..Import::default()
        }
    }

    /// Refuses an import of more than [`MAX_ENTRIES`] entries.
    fn check_size(self) -> Result<Import, ImportError> {
        let found = self.accounts.len() + self.skipped.len();
        if found > MAX_ENTRIES {
            return Err(ImportError::TooManyEntries { found });
        }
        Ok(self)
    }

    /// Adds an entry's outcome: the account, or the reason it was skipped.
    fn push(&mut self, issuer: &str, name: &str, outcome: Result<Account, SkipReason>) {
        match outcome {
            Ok(account) => self.accounts.push(account),
            Err(reason) => self.skipped.push(Skipped {
                issuer: issuer.to_string(),
                name: name.to_string(),
                reason,
            }),
        }
    }
}

/// Imports an `otpauth://` URI or an `otpauth-migration://` export. Surrounding whitespace is ignored.
///
/// Text with another scheme (`otpauht://…`, a typo) is reported with the URI parser's `bad_scheme`
/// error, which names the scheme; anything else is [`ImportError::NotAuthenticator`].
pub fn import_text(text: &str) -> Result<Import, ImportError> {
    let text = text.trim();
    match PayloadKind::of(text) {
        PayloadKind::Other => {
            if let Err(e @ UriError::BadScheme { .. }) = uri::parse(text)
                && !text.contains(char::is_whitespace)
                && is_link(text)
            {
                return Err(ImportError::Uri(e));
            }
            Err(not_authenticator(text))
        }
        kind => import_known(kind, text),
    }
}

/// Whether typed or pasted text is meant as a link (it has a scheme, `…://`) rather than a bare
/// secret: a link goes to [`import_text`], which names a wrong scheme; anything else is read as a
/// secret with the fields typed beside it. The one rule the popup's Add field and `authbar import`
/// share.
pub fn is_link(text: &str) -> bool {
    text.contains("://")
}

/// Imports a QR code's payload: the one rule every front end (the popup, `authbar decode` and
/// `authbar import`) applies to what a QR code holds.
///
/// An `otpauth://` or `otpauth-migration://` payload is parsed as [`import_text`] does; anything else
/// (a web link, a Wi-Fi code, words) is [`ImportError::NotAuthenticator`] — a QR code is not typed,
/// so a link in it is not a mistyped authenticator URI.
pub fn import_payload(payload: &QrPayload) -> Result<Import, ImportError> {
    let text = payload.text.trim();
    match PayloadKind::of(text) {
        PayloadKind::Other => Err(not_authenticator(text)),
        kind => import_known(kind, text),
    }
}

fn not_authenticator(text: &str) -> ImportError {
    ImportError::NotAuthenticator {
        text: text.chars().take(200).collect(),
    }
}

fn import_known(kind: PayloadKind, text: &str) -> Result<Import, ImportError> {
    match kind {
        PayloadKind::Migration => {
            let batch = migration::parse(text).map_err(ImportError::Migration)?;
            let mut import = Import::new(Format::GoogleMigration);
            import.batch = Some(BatchInfo {
                index: batch.batch_index,
                size: batch.batch_size,
                id: batch.batch_id,
            });
            for entry in batch.entries {
                let outcome = entry.account.map_err(SkipReason::Migration);
                import.push(&entry.issuer, &entry.name, outcome);
            }
            Ok(import)
        }
        _ => {
            let parsed = uri::parse(text).map_err(ImportError::Uri)?;
            let mut import = Import::new(Format::Otpauth);
            import.accounts.push(parsed.account);
            Ok(import)
        }
    }
}

/// A file as the probes see it: its bytes, its text if it is UTF-8 (a byte-order mark removed) and
/// its JSON value if it is JSON.
struct Sniff<'a> {
    bytes: &'a [u8],
    text: Option<&'a str>,
    json: Option<serde_json::Value>,
}

/// One format's test ("is this file mine?") and reader.
struct Probe {
    format: Format,
    /// Whether the content is this format (a cheap look at its shape).
    claims: fn(&Sniff) -> bool,
    /// Words whose presence in text that is not valid JSON marks a damaged file of this format.
    marks: &'static [&'static str],
    read: fn(&Sniff, Option<&str>) -> Result<Import, ImportError>,
}

/// Every file format, most specific first. Each probe looks only at the content.
const PROBES: &[Probe] = &[
    authbar::PROBE,
    ae::PROBE,
    aegis::PROBE,
    twofas::PROBE,
    bitwarden::JSON_PROBE,
    lists::PROTON_PROBE,
    lists::STRATUM_PROBE,
    andotp::PLAIN_PROBE,
    andotp::ENCRYPTED_PROBE,
    bitwarden::CSV_PROBE,
    lists::OTPAUTH_PROBE,
];

/// Imports an export file of any supported [`Format`], detected from its content.
///
/// `password` is needed for an encrypted file: without one the answer is
/// [`ImportError::PasswordRequired`] (so a front end can ask and call again), with a wrong one
/// [`ImportError::WrongPassword`]. A plain file ignores it.
pub fn import_file(bytes: &[u8], password: Option<&str>) -> Result<Import, ImportError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(ImportError::TooLarge { bytes: bytes.len() });
    }
    let text = std::str::from_utf8(bytes)
        .ok()
        .map(|t| t.strip_prefix('\u{feff}').unwrap_or(t));
    let json = text
        .map(str::trim_start)
        .filter(|t| t.starts_with('{') || t.starts_with('['))
        .and_then(|t| serde_json::from_str(t).ok());
    let sniff = Sniff { bytes, text, json };
    if let Some(probe) = PROBES.iter().find(|p| (p.claims)(&sniff)) {
        return (probe.read)(&sniff, password)?.check_size();
    }
    Err(unknown(&sniff))
}

/// The error for a file no probe claims: a damaged file of a format whose words it holds, or an
/// unknown format.
fn unknown(sniff: &Sniff) -> ImportError {
    let Some(text) = sniff.text else {
        return ImportError::UnknownFormat {
            detail: "it is a binary file that is not an encrypted andOTP backup".into(),
        };
    };
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        if let Err(e) = serde_json::from_str::<serde_json::Value>(trimmed) {
            let damaged = PROBES
                .iter()
                .find(|p| !p.marks.is_empty() && p.marks.iter().all(|m| text.contains(m)));
            return match damaged {
                Some(p) => ImportError::Corrupt {
                    format: p.format,
                    detail: format!("it is not valid JSON ({e}); the file may be truncated"),
                },
                None => ImportError::UnknownFormat {
                    detail: format!("it is not valid JSON ({e})"),
                },
            };
        }
        return ImportError::UnknownFormat {
            detail: "it is JSON, but not the export of an authenticator Authbar knows".into(),
        };
    }
    if trimmed.is_empty() {
        return ImportError::UnknownFormat {
            detail: "the file is empty".into(),
        };
    }
    ImportError::UnknownFormat {
        detail: "it is text, but neither otpauth:// links nor a known export".into(),
    }
}

/// Keeps a migration reason's code when the Google export explains an entry.
impl From<Unsupported> for SkipReason {
    fn from(u: Unsupported) -> Self {
        SkipReason::Migration(u)
    }
}
