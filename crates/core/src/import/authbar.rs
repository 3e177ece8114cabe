//! Authbar's own encrypted backups (`.authbar`, `docs/vault-format.md`): the sealed vault format
//! under the backup's passphrase, read by [`crate::sealed`]. The accounts come with what the list
//! kept beside them (site, pin, logo: [`Kept`]), in the backup's list order.

use super::error::{Format, ImportError};
use super::{Import, Kept, Probe, Sniff};
use crate::sealed::{SealedError, SealedVault, VERSION};

pub(super) const PROBE: Probe = Probe {
    format: Format::Authbar,
    claims: |s| s.text.is_some_and(SealedVault::is_sealed),
    marks: &["authbar-vault"],
    read,
};

fn read(sniff: &Sniff, password: Option<&str>) -> Result<Import, ImportError> {
    let format = Format::Authbar;
    let text = sniff.text.unwrap_or_default();
    let backup = SealedVault::parse(text).map_err(|e| error(format, e))?;
    let password = password.ok_or(ImportError::PasswordRequired { format })?;
    let (_, vault) = backup.unlock(password).map_err(|e| error(format, e))?;
    let mut import = Import::new(format);
    // In the backup's list order, with what the list kept beside each account.
    for entry in vault.entries() {
        import.accounts.push(entry.account.clone());
        import.kept.push(Kept {
            site: entry.site.clone(),
            pinned: entry.pinned,
            logo: entry.logo.clone(),
        });
    }
    Ok(import)
}

/// The sealed format's refusals in the importers' terms (one vocabulary for every file).
fn error(format: Format, e: SealedError) -> ImportError {
    match e {
        SealedError::WrongPassphrase => ImportError::WrongPassword { format },
        SealedError::FutureVersion { found } => ImportError::UnsupportedVersion {
            format,
            found: found.to_string(),
            supported: VERSION_TEXT,
        },
        SealedError::TooManySlots { .. } | SealedError::TooMuchWork { .. } => {
            ImportError::TooCostly {
                format,
                detail: e.to_string(),
            }
        }
        SealedError::NoPassphraseSlot | SealedError::UnsupportedCipher { .. } => {
            ImportError::Unsupported {
                format,
                detail: e.to_string(),
            }
        }
        other => ImportError::Corrupt {
            format,
            detail: other.to_string(),
        },
    }
}

const VERSION_TEXT: &str = "1 and 2";
const _: () = assert!(
    VERSION == 2,
    "VERSION_TEXT names the versions this code reads"
);
