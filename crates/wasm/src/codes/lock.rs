//! The vault's passphrase: lock, unlock, set, change, remove, and the text to store.

use authbar_core::Vault;
use authbar_core::sealed::{self, DataKey, KdfParams, SealedVault};
use wasm_bindgen::prelude::*;

use super::{Authbar, locked_error, not_protected, with_random};
use crate::js::{js_error, to_js_error};

#[wasm_bindgen]
impl Authbar {
    /// Whether a passphrase protects the vault.
    #[wasm_bindgen(getter)]
    pub fn protected(&self) -> bool {
        self.sealed.is_some()
    }

    /// Whether the accounts are out of reach until `unlock`.
    #[wasm_bindgen(getter)]
    pub fn locked(&self) -> bool {
        self.vault.is_none()
    }

    /// Unlocks with the passphrase (Argon2id: deliberately slow). Returns the data key as base64, to
    /// hold in memory-only storage so the next opening needs no passphrase. Wrong passphrase: an
    /// error with code `wrong_passphrase`, and nothing changes.
    pub fn unlock(&mut self, passphrase: &str) -> Result<String, JsValue> {
        let sealed = self.sealed.as_ref().ok_or_else(not_protected)?;
        let (key, vault) = sealed.unlock(passphrase).map_err(|e| to_js_error(&e))?;
        let held = key.to_base64().to_string();
        self.key = Some(key);
        self.vault = Some(vault);
        Ok(held)
    }

    /// Unlocks with a held data key (fast). A key that no longer fits (the passphrase was changed
    /// elsewhere) throws `key_rejected`: forget it and ask for the passphrase.
    #[wasm_bindgen(js_name = unlockWithKey)]
    pub fn unlock_with_key(&mut self, held: &str) -> Result<(), JsValue> {
        let sealed = self.sealed.as_ref().ok_or_else(not_protected)?;
        let key = DataKey::from_base64(held).map_err(|e| to_js_error(&e))?;
        self.vault = Some(sealed.open(&key).map_err(|e| to_js_error(&e))?);
        self.key = Some(key);
        Ok(())
    }

    /// Forgets the accounts and the key (a protected vault only; a plain one has nothing to lock).
    pub fn lock(&mut self) {
        if self.sealed.is_some() {
            self.discard();
            self.vault = None;
            self.key = None;
        }
    }

    /// Protects a plain vault with a new passphrase. Returns the data key to hold; store `toJson()`.
    #[wasm_bindgen(js_name = setPassphrase)]
    pub fn set_passphrase(&mut self, passphrase: &str) -> Result<String, JsValue> {
        if self.sealed.is_some() {
            return Err(js_error(
                "already_protected",
                "a passphrase is already set: change it instead",
            ));
        }
        let vault = self.vault.as_ref().ok_or_else(locked_error)?;
        let (sealed, key) =
            with_random(|random| sealed::seal(vault, passphrase, KdfParams::DEFAULT, random))?;
        let held = key.to_base64().to_string();
        self.sealed = Some(sealed);
        self.key = Some(key);
        Ok(held)
    }

    /// Replaces the passphrase; needs the current one. The data key stays the same (the held key
    /// keeps working). Store `toJson()`, and keep the old text until the new one reads back.
    #[wasm_bindgen(js_name = changePassphrase)]
    pub fn change_passphrase(&mut self, current: &str, new: &str) -> Result<(), JsValue> {
        sealed::check_new_passphrase(new).map_err(|e| to_js_error(&e))?;
        let sealed = self.sealed.as_ref().ok_or_else(not_protected)?;
        let (key, _) = sealed.unlock(current).map_err(|e| to_js_error(&e))?;
        let changed =
            with_random(|random| sealed.change_passphrase(&key, new, KdfParams::DEFAULT, random))?;
        self.sealed = Some(changed);
        self.key = Some(key);
        Ok(())
    }

    /// Removes the passphrase; needs the current one. Store `toJson()` (plain text from then on).
    #[wasm_bindgen(js_name = removePassphrase)]
    pub fn remove_passphrase(&mut self, current: &str) -> Result<(), JsValue> {
        let sealed = self.sealed.as_ref().ok_or_else(not_protected)?;
        let (_, vault) = sealed.unlock(current).map_err(|e| to_js_error(&e))?;
        self.vault = Some(vault);
        self.sealed = None;
        self.key = None;
        Ok(())
    }

    /// Whether `text` (as read back from storage) opens with the held key to the same accounts: the
    /// check before an old stored vault is replaced.
    #[wasm_bindgen(js_name = readsBack)]
    pub fn reads_back(&self, text: &str) -> bool {
        let Some(vault) = self.vault.as_ref() else {
            return false;
        };
        match (&self.sealed, &self.key) {
            (Some(_), Some(key)) => {
                SealedVault::parse(text).is_ok_and(|s| s.open(key).is_ok_and(|v| &v == vault))
            }
            _ => Vault::from_json(text).is_ok_and(|v| &v == vault),
        }
    }

    /// The text to store: the encrypted vault under a fresh nonce when protected, else the plain
    /// account list. Throws `locked` while locked.
    #[wasm_bindgen(js_name = toJson)]
    pub fn to_json(&mut self) -> Result<String, JsValue> {
        let vault = self.vault.as_ref().ok_or_else(locked_error)?;
        match (&self.sealed, &self.key) {
            (Some(sealed), Some(key)) => {
                let resealed = with_random(|random| sealed.reseal(vault, key, random))?;
                let text = resealed.to_text();
                self.sealed = Some(resealed);
                Ok(text)
            }
            _ => Ok(vault.to_json()),
        }
    }
}
