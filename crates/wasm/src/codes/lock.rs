//! The vault's passphrase: lock, unlock, set, change, remove, and the text to store. The states and
//! their rules are the core's [`LockState`](authbar_core::LockState); this converts.

use authbar_core::sealed::{DataKey, KdfParams};
use wasm_bindgen::prelude::*;

use super::{Authbar, with_random};
use crate::js::to_js_error;

#[wasm_bindgen]
impl Authbar {
    /// Whether a passphrase protects the vault.
    #[wasm_bindgen(getter)]
    pub fn protected(&self) -> bool {
        self.state.is_protected()
    }

    /// Whether the accounts are out of reach until `unlock`.
    #[wasm_bindgen(getter)]
    pub fn locked(&self) -> bool {
        self.state.is_locked()
    }

    /// Unlocks with the passphrase (Argon2id: deliberately slow). Returns the data key as base64, to
    /// hold in memory-only storage so the next opening needs no passphrase. Wrong passphrase: an
    /// error with code `wrong_passphrase`, and nothing changes.
    pub fn unlock(&mut self, passphrase: &str) -> Result<String, JsValue> {
        let key = self.state.unlock(passphrase).map_err(|e| to_js_error(&e))?;
        Ok(key.to_base64().to_string())
    }

    /// Unlocks with a held data key (fast). A key that no longer fits (the passphrase was changed
    /// elsewhere) throws `key_rejected`: forget it and ask for the passphrase.
    #[wasm_bindgen(js_name = unlockWithKey)]
    pub fn unlock_with_key(&mut self, held: &str) -> Result<(), JsValue> {
        let key = DataKey::from_base64(held).map_err(|e| to_js_error(&e))?;
        self.state.unlock_with_key(key).map_err(|e| to_js_error(&e))
    }

    /// Forgets the accounts and the key (a protected vault only; a plain one has nothing to lock).
    pub fn lock(&mut self) {
        if self.state.is_protected() {
            self.discard();
            self.drop_undo();
        }
        self.state.lock();
    }

    /// Protects a plain vault with a new passphrase. Returns the data key to hold; store `toJson()`.
    #[wasm_bindgen(js_name = setPassphrase)]
    pub fn set_passphrase(&mut self, passphrase: &str) -> Result<String, JsValue> {
        let state = &mut self.state;
        let key =
            with_random(|random| state.set_passphrase(passphrase, KdfParams::DEFAULT, random))?;
        Ok(key.to_base64().to_string())
    }

    /// Replaces the passphrase; needs the current one. The data key stays the same (the held key
    /// keeps working). Store `toJson()`, and keep the old text until the new one reads back.
    #[wasm_bindgen(js_name = changePassphrase)]
    pub fn change_passphrase(&mut self, current: &str, new: &str) -> Result<(), JsValue> {
        let state = &mut self.state;
        with_random(|random| state.change_passphrase(current, new, KdfParams::DEFAULT, random))
    }

    /// Removes the passphrase; needs the current one. Store `toJson()` (plain text from then on).
    #[wasm_bindgen(js_name = removePassphrase)]
    pub fn remove_passphrase(&mut self, current: &str) -> Result<(), JsValue> {
        self.state
            .remove_passphrase(current)
            .map_err(|e| to_js_error(&e))
    }

    /// Whether `text` (as read back from storage) opens with the held key to the same accounts: the
    /// check before an old stored vault is replaced.
    #[wasm_bindgen(js_name = readsBack)]
    pub fn reads_back(&self, text: &str) -> bool {
        self.state.reads_back(text)
    }

    /// The text to store: the encrypted vault under a fresh nonce when protected, else the plain
    /// account list. Throws `locked` while locked: a protected vault is never written in the clear.
    #[wasm_bindgen(js_name = toJson)]
    pub fn to_json(&mut self) -> Result<String, JsValue> {
        let state = &mut self.state;
        with_random(|random| state.to_text(random))
    }
}
