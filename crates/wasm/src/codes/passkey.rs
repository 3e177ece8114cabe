//! Passkeys (WebAuthn PRF) as key slots of the vault: list them (also while locked: the lock screen
//! asks the authenticator for them), unlock with one, add one (the current passphrase needed), remove
//! one. The WebAuthn ceremonies are the popup's; the slots and their rules are the core's.

use authbar_core::sealed::NewPasskey;
use wasm_bindgen::prelude::*;

use super::{Authbar, with_random};
use crate::js::{js_error, to_js, to_js_error};

#[wasm_bindgen]
impl Authbar {
    /// The passkeys that unlock the vault: `[{credentialId, name, addedAt, synced, salt}]` (ids and
    /// salts base64url, `addedAt` unix seconds).
    pub fn passkeys(&self) -> Result<JsValue, JsValue> {
        to_js(&self.state.passkeys())
    }

    /// Unlocks with a passkey: the credential's id (base64url, as WebAuthn's `id`) and the PRF output
    /// its authenticator gave for the slot's salt. Returns the data key to hold, as `unlock` does.
    #[wasm_bindgen(js_name = unlockWithPasskey)]
    pub fn unlock_with_passkey(
        &mut self,
        credential_id: &str,
        prf_output: &[u8],
    ) -> Result<String, JsValue> {
        let key = self
            .state
            .unlock_with_passkey(credential_id, prf_output)
            .map_err(|e| to_js_error(&e))?;
        Ok(key.to_base64().to_string())
    }

    /// Adds a passkey slot: the current passphrase (checked: Argon2id), the new credential's raw id,
    /// the name the person gave it, when (ms), whether the browser account syncs it, the PRF salt it
    /// was evaluated on (32 bytes) and its output. Store `toJson()` afterwards.
    #[wasm_bindgen(js_name = addPasskey)]
    #[allow(clippy::too_many_arguments)] // one per field of the credential, each a JavaScript value
    pub fn add_passkey(
        &mut self,
        passphrase: &str,
        credential_id: &[u8],
        name: &str,
        added_ms: f64,
        synced: bool,
        salt: &[u8],
        prf_output: &[u8],
    ) -> Result<(), JsValue> {
        let salt: [u8; 32] = salt
            .try_into()
            .map_err(|_| js_error("bad_fields", "the PRF salt must be 32 bytes"))?;
        let passkey = NewPasskey {
            credential_id: credential_id.to_vec(),
            name: name.to_owned(),
            added_at: (added_ms.max(0.0) / 1000.0) as u64,
            synced,
            salt,
        };
        let state = &mut self.state;
        with_random(|random| state.add_passkey(passphrase, &passkey, prf_output, random))
    }

    /// Removes a passkey (base64url id). Store `toJson()` afterwards.
    #[wasm_bindgen(js_name = removePasskey)]
    pub fn remove_passkey(&mut self, credential_id: &str) -> Result<(), JsValue> {
        let state = &mut self.state;
        with_random(|random| state.remove_passkey(credential_id, random))
    }
}
