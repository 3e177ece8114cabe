//! The vault as a front end holds it, in its lock state: [`LockState::Plain`] (no passphrase),
//! [`LockState::Locked`] (a passphrase protects it and the key is not in hand) or
//! [`LockState::Unlocked`] (the accounts, the sealed vault and its key). Each state holds exactly
//! what it has, and [`LockState::to_text`] is the only way to the text to store: a locked vault has
//! none (an error), an unlocked one is sealed under a fresh nonce, and only a plain vault is written
//! as plain text. No combination of calls writes a protected vault's accounts in the clear.

use std::fmt;

use crate::params::{Coded, ErrorParams};
use crate::sealed::{
    self, DataKey, KdfParams, NewPasskey, PasskeyView, Random, SealedError, SealedVault,
};
use crate::stored::{Stored, StoredError};
use crate::vault::Vault;

/// A protected vault, open: its accounts, its sealed form (header and slots) and the data key.
/// Made only by unlocking or protecting, so the three always belong together.
#[derive(Debug)]
pub struct Unlocked {
    vault: Vault,
    sealed: SealedVault,
    key: DataKey,
}

/// The vault in its lock state.
#[derive(Debug)]
pub enum LockState {
    /// No passphrase: the account list, stored as it is.
    Plain(Vault),
    /// Protected, and the key is not in hand: nothing of the accounts can be read or written.
    Locked(SealedVault),
    /// Protected and open.
    Unlocked(Unlocked),
}

/// Why a lock-state operation was refused. Nothing changed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LockError {
    /// The operation needs the accounts, and the vault is locked.
    Locked,
    /// The operation needs a passphrase, and none is set.
    NotProtected,
    /// A passphrase is already set (change it instead).
    AlreadyProtected,
    /// The passphrase cannot be removed while passkeys unlock the vault: it is their recovery.
    PasskeysRemain {
        /// How many passkeys unlock the vault.
        count: usize,
    },
    /// The sealed vault refused (wrong passphrase, damage, a failed random source…).
    Sealed(SealedError),
}

impl From<SealedError> for LockError {
    fn from(e: SealedError) -> Self {
        LockError::Sealed(e)
    }
}

impl Coded for LockError {
    fn code(&self) -> &'static str {
        match self {
            LockError::Locked => "locked",
            LockError::NotProtected => "not_protected",
            LockError::AlreadyProtected => "already_protected",
            LockError::PasskeysRemain { .. } => "passkeys_remain",
            LockError::Sealed(e) => e.code(),
        }
    }

    fn params(&self) -> ErrorParams {
        match self {
            LockError::Sealed(e) => e.params(),
            LockError::PasskeysRemain { count } => ErrorParams::new().with("count", count),
            _ => ErrorParams::new(),
        }
    }
}

impl fmt::Display for LockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LockError::Locked => f.write_str("the vault is locked: unlock it with the passphrase"),
            LockError::NotProtected => f.write_str("no passphrase is set"),
            LockError::AlreadyProtected => {
                f.write_str("a passphrase is already set: change it instead")
            }
            LockError::PasskeysRemain { count } => write!(
                f,
                "the passphrase is the recovery of the {count} passkey(s) that unlock the vault: \
                 remove them first"
            ),
            LockError::Sealed(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for LockError {}

impl LockState {
    /// The state of a stored text given as UTF-8 bytes (`None`: nothing stored yet, a new empty
    /// list). A sealed vault opens locked. A text that cannot be read is an error, and the caller
    /// must leave it untouched.
    pub fn open(stored: Option<Vec<u8>>) -> Result<LockState, StoredError> {
        Ok(match stored {
            None => LockState::Plain(Vault::new()),
            Some(bytes) => match Stored::read_utf8(bytes)? {
                Stored::Plain(vault) => LockState::Plain(vault),
                Stored::Sealed(sealed) => LockState::Locked(sealed),
            },
        })
    }

    /// Whether a passphrase protects the vault.
    pub fn is_protected(&self) -> bool {
        !matches!(self, LockState::Plain(_))
    }

    /// Whether the accounts are out of reach until an unlock.
    pub fn is_locked(&self) -> bool {
        matches!(self, LockState::Locked(_))
    }

    /// The accounts, unless locked.
    pub fn vault(&self) -> Result<&Vault, LockError> {
        match self {
            LockState::Plain(vault) | LockState::Unlocked(Unlocked { vault, .. }) => Ok(vault),
            LockState::Locked(_) => Err(LockError::Locked),
        }
    }

    /// The accounts to change, unless locked.
    pub fn vault_mut(&mut self) -> Result<&mut Vault, LockError> {
        match self {
            LockState::Plain(vault) | LockState::Unlocked(Unlocked { vault, .. }) => Ok(vault),
            LockState::Locked(_) => Err(LockError::Locked),
        }
    }

    /// The data key, while unlocked.
    pub fn key(&self) -> Option<&DataKey> {
        match self {
            LockState::Unlocked(open) => Some(&open.key),
            _ => None,
        }
    }

    /// The sealed vault of a protected one (its header and slots).
    fn sealed(&self) -> Result<&SealedVault, LockError> {
        match self {
            LockState::Locked(sealed) | LockState::Unlocked(Unlocked { sealed, .. }) => Ok(sealed),
            LockState::Plain(_) => Err(LockError::NotProtected),
        }
    }

    /// The open vault's parts — accounts, sealed form, key — while unlocked: what sync merges into
    /// and re-seals with the sync area's slots.
    pub(crate) fn open_mut(
        &mut self,
    ) -> Result<(&mut Vault, &mut SealedVault, &DataKey), LockError> {
        match self {
            LockState::Unlocked(Unlocked { vault, sealed, key }) => Ok((vault, sealed, key)),
            LockState::Locked(_) => Err(LockError::Locked),
            LockState::Plain(_) => Err(LockError::NotProtected),
        }
    }

    /// An unlocked state of parts that belong together: `sealed` opens with `key` (sync's join: the
    /// vault sealed with the sync area's slots under its key).
    pub(crate) fn from_parts(vault: Vault, sealed: SealedVault, key: DataKey) -> LockState {
        LockState::Unlocked(Unlocked { vault, sealed, key })
    }

    /// Unlocks with the passphrase (Argon2id: slow by design) and returns the data key to hold. A
    /// wrong passphrase changes nothing.
    pub fn unlock(&mut self, passphrase: &str) -> Result<&DataKey, LockError> {
        let sealed = self.sealed()?.clone();
        let (key, vault) = sealed.unlock(passphrase)?;
        *self = LockState::Unlocked(Unlocked { vault, sealed, key });
        self.key().ok_or(LockError::Locked)
    }

    /// Unlocks with a held data key (fast). A key that does not open the stored vault (re-keyed
    /// elsewhere) is `key_rejected`, and nothing changes.
    pub fn unlock_with_key(&mut self, key: DataKey) -> Result<(), LockError> {
        let sealed = self.sealed()?.clone();
        let vault = sealed.open(&key)?;
        *self = LockState::Unlocked(Unlocked { vault, sealed, key });
        Ok(())
    }

    /// Forgets the accounts and the key of a protected vault (a plain one has nothing to lock).
    pub fn lock(&mut self) {
        if let LockState::Unlocked(open) = self {
            *self = LockState::Locked(open.sealed.clone());
        }
    }

    /// Protects a plain vault with a new passphrase and returns the data key to hold. The text to
    /// store is then sealed.
    pub fn set_passphrase(
        &mut self,
        passphrase: &str,
        params: KdfParams,
        random: Random<'_>,
    ) -> Result<&DataKey, LockError> {
        let LockState::Plain(vault) = self else {
            return Err(LockError::AlreadyProtected);
        };
        let (sealed, key) = sealed::seal(vault, passphrase, params, random)?;
        let vault = std::mem::take(vault);
        *self = LockState::Unlocked(Unlocked { vault, sealed, key });
        self.key().ok_or(LockError::Locked)
    }

    /// Replaces the passphrase; needs the current one (locked or not). The data key stays the same,
    /// so a held key keeps working; the vault is unlocked afterwards.
    pub fn change_passphrase(
        &mut self,
        current: &str,
        new: &str,
        params: KdfParams,
        random: Random<'_>,
    ) -> Result<(), LockError> {
        sealed::check_new_passphrase(new)?;
        let sealed = self.sealed()?;
        let (key, vault) = sealed.unlock(current)?;
        let sealed = sealed.change_passphrase(&key, new, params, random)?;
        *self = LockState::Unlocked(Unlocked { vault, sealed, key });
        Ok(())
    }

    /// Removes the passphrase; needs the current one. The text to store is plain from then on.
    /// Refused while passkeys unlock the vault (the passphrase is their recovery).
    pub fn remove_passphrase(&mut self, current: &str) -> Result<(), LockError> {
        let count = self.passkeys().len();
        if count > 0 {
            return Err(LockError::PasskeysRemain { count });
        }
        let (_, vault) = self.sealed()?.unlock(current)?;
        *self = LockState::Plain(vault);
        Ok(())
    }

    /// The passkeys that unlock the vault (also while locked: the lock screen asks for them).
    pub fn passkeys(&self) -> Vec<PasskeyView> {
        self.sealed()
            .map(|s| s.key_slots().passkeys())
            .unwrap_or_default()
    }

    /// Unlocks with a passkey: its credential id (base64url) and the PRF output the authenticator
    /// gave for its slot's salt. Returns the data key to hold. A passkey that does not open its slot
    /// changes nothing, and the other slots still work.
    pub fn unlock_with_passkey(
        &mut self,
        credential_id: &str,
        prf_output: &[u8],
    ) -> Result<&DataKey, LockError> {
        let sealed = self.sealed()?.clone();
        let key = sealed
            .key_slots()
            .unlock_passkey(credential_id, prf_output)?;
        // The slot opened: accounts that do not authenticate under its key were altered.
        let vault = sealed.open(&key).map_err(|e| match e {
            SealedError::KeyRejected => SealedError::Tampered,
            other => other,
        })?;
        *self = LockState::Unlocked(Unlocked { vault, sealed, key });
        self.key().ok_or(LockError::Locked)
    }

    /// Adds a passkey slot; needs the current passphrase (Argon2id: slow), so a passkey is only ever
    /// added by the person who can already open the vault. The vault is unlocked afterwards.
    pub fn add_passkey(
        &mut self,
        passphrase: &str,
        passkey: &NewPasskey,
        prf_output: &[u8],
        random: Random<'_>,
    ) -> Result<(), LockError> {
        let sealed = self.sealed()?;
        let (key, stored) = sealed.unlock(passphrase)?;
        let slots = sealed
            .key_slots()
            .with_passkey(&key, passkey, prf_output, random)?;
        let sealed = sealed.with_slots(slots, &key, random)?;
        // Unsaved changes in memory stay: the next text to store seals them under the new slots.
        let vault = match std::mem::replace(self, LockState::Plain(Vault::new())) {
            LockState::Unlocked(open) => open.vault,
            _ => stored,
        };
        *self = LockState::Unlocked(Unlocked { vault, sealed, key });
        Ok(())
    }

    /// Removes a passkey (base64url credential id); the vault must be unlocked.
    pub fn remove_passkey(
        &mut self,
        credential_id: &str,
        random: Random<'_>,
    ) -> Result<(), LockError> {
        let LockState::Unlocked(open) = self else {
            return Err(if self.is_protected() {
                LockError::Locked
            } else {
                LockError::NotProtected
            });
        };
        let slots = open.sealed.key_slots().without_passkey(credential_id)?;
        open.sealed = open.sealed.with_slots(slots, &open.key, random)?;
        Ok(())
    }

    /// The text to store: the sealed vault under a fresh nonce when protected and unlocked, the plain
    /// list when unprotected. A locked vault has none (`locked`); a failed random source writes
    /// nothing (`random_failed`) and leaves the state as it was.
    pub fn to_text(&mut self, random: Random<'_>) -> Result<String, LockError> {
        match self {
            LockState::Plain(vault) => Ok(vault.to_json()),
            LockState::Locked(_) => Err(LockError::Locked),
            LockState::Unlocked(open) => {
                open.sealed = open.sealed.reseal(&open.vault, &open.key, random)?;
                Ok(open.sealed.to_text())
            }
        }
    }

    /// Whether `text` (as read back from storage) holds these accounts in this state's form: sealed
    /// and opened by the held key when protected, plain when not. The check before an old stored
    /// vault is replaced.
    pub fn reads_back(&self, text: &str) -> bool {
        match self {
            LockState::Plain(vault) => Vault::from_json(text).is_ok_and(|v| &v == vault),
            LockState::Locked(_) => false,
            LockState::Unlocked(open) => SealedVault::parse(text)
                .is_ok_and(|s| s.open(&open.key).is_ok_and(|v| v == open.vault)),
        }
    }
}
