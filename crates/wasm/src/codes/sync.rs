//! Sync through the browser's `storage.sync`: the core's `authbar_core::sync` over the items the popup
//! reads (`storage.sync.get(null)`: an object key → string) and the time it gives. Each call answers
//! what to write and remove, and whether to store the local vault again; the popup does the I/O.

use std::collections::BTreeMap;

use authbar_core::sync::{self, Merged, Peek, Synced};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::{Authbar, with_random};
use crate::js::{from_js, to_js, to_js_error};

/// `storage.sync`'s items as the core takes them (values that are not strings are not Authbar's).
fn items_of(items: &JsValue) -> Result<BTreeMap<String, String>, JsValue> {
    let all: BTreeMap<String, serde_json::Value> = from_js(items)?;
    Ok(all
        .into_iter()
        .map(|(key, value)| match value {
            serde_json::Value::String(text) => (key, text),
            // Counted for the quota as the JSON the browser stores.
            other => (key, other.to_string()),
        })
        .collect())
}

fn secs(now_ms: f64) -> u64 {
    (now_ms.max(0.0) / 1000.0) as u64
}

/// A round's outcome as the popup reads it.
#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
enum Outcome {
    /// Write, remove, store: `Merged`'s fields beside `kind`.
    Merged(Merged),
    /// Nothing of Authbar's in sync and this vault not linked: publish to start.
    Empty,
    /// The sync area this vault was linked to is gone: turn sync off here.
    Removed,
}

/// What the sync area holds, seen without a key.
#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
enum Seen {
    Empty,
    Incomplete,
    Vault { linked: bool },
}

#[wasm_bindgen]
impl Authbar {
    /// What `storage.sync` holds, without a key: `{kind: "empty" | "incomplete" | "vault", linked}`
    /// (`linked`: the area is this vault's own). A newer format or a damaged header throws its error.
    #[wasm_bindgen(js_name = syncPeek)]
    pub fn sync_peek(&self, items: JsValue) -> Result<JsValue, JsValue> {
        let items = items_of(&items)?;
        let seen = match sync::peek(&items).map_err(|e| to_js_error(&e))? {
            Peek::Empty => Seen::Empty,
            Peek::Incomplete => Seen::Incomplete,
            Peek::Vault { sync_id } => Seen::Vault {
                linked: self
                    .state
                    .vault()
                    .ok()
                    .and_then(|v| v.replica())
                    .and_then(|r| r.link.as_ref())
                    .is_some_and(|link| link.sync_id == sync_id),
            },
        };
        to_js(&seen)
    }

    /// One round: merges the sync area's accounts into the vault and says what to write:
    /// `{kind: "merged", write, remove, vaultChanged, report}`, `{kind: "empty"}` (publish to start)
    /// or `{kind: "removed"}` (sync was removed: turn it off here). Errors that stop the round
    /// (`sync_newer_format`, `sync_other_vault`, …) throw, and nothing changed.
    pub fn sync(&mut self, items: JsValue, now_ms: f64) -> Result<JsValue, JsValue> {
        let items = items_of(&items)?;
        let state = &mut self.state;
        let outcome = match with_random(|random| sync::sync(state, &items, secs(now_ms), random))? {
            Synced::Merged(merged) => Outcome::Merged(merged),
            Synced::Empty => Outcome::Empty,
            Synced::Removed => Outcome::Removed,
        };
        to_js(&outcome)
    }

    /// Publishes this vault as a new sync area (anything else under Authbar's prefix is removed).
    #[wasm_bindgen(js_name = syncPublish)]
    pub fn sync_publish(&mut self, items: JsValue, now_ms: f64) -> Result<JsValue, JsValue> {
        let items = items_of(&items)?;
        let state = &mut self.state;
        let merged = with_random(|random| sync::publish(state, &items, secs(now_ms), random))?;
        to_js(&Outcome::Merged(merged))
    }

    /// Joins another browser's sync area with its passphrase: its accounts and this vault's merge,
    /// and this vault takes the area's key and slots (one passphrase opens both from then on).
    /// Returns the merged round; hold `heldKey()` afterwards.
    #[wasm_bindgen(js_name = syncJoin)]
    pub fn sync_join(
        &mut self,
        items: JsValue,
        passphrase: &str,
        now_ms: f64,
    ) -> Result<JsValue, JsValue> {
        let items = items_of(&items)?;
        let state = &mut self.state;
        let merged =
            with_random(|random| sync::join(state, &items, passphrase, secs(now_ms), random))?;
        to_js(&Outcome::Merged(merged))
    }

    /// Unlocks with this vault's passphrase or the sync area's (a passphrase changed on another
    /// browser opens it too, until the next round takes the new slots). Returns the key to hold.
    #[wasm_bindgen(js_name = syncUnlock)]
    pub fn sync_unlock(&mut self, items: JsValue, passphrase: &str) -> Result<String, JsValue> {
        let items = items_of(&items)?;
        sync::unlock(&mut self.state, &items, passphrase).map_err(|e| to_js_error(&e))?;
        self.held_key()
    }

    /// The keys to remove for "remove Authbar's data from sync".
    #[wasm_bindgen(js_name = syncRemoval)]
    pub fn sync_removal(items: JsValue) -> Result<Vec<String>, JsValue> {
        Ok(sync::removal(&items_of(&items)?))
    }

    /// The data key to hold while unlocked (base64), after an unlock or a join.
    #[wasm_bindgen(js_name = heldKey)]
    pub fn held_key(&self) -> Result<String, JsValue> {
        let key = self
            .state
            .key()
            .ok_or_else(|| to_js_error(&authbar_core::LockError::Locked))?;
        Ok(key.to_base64().to_string())
    }
}
