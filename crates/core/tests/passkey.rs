//! Passkey slots (sealed format 2): the data key wrapped under a passkey's WebAuthn PRF output. A fixed
//! vector made by an independent implementation (`tests/fixtures/passkey/generate.py`: Python's
//! `cryptography`), a tampered slot, the passphrase beside the passkeys, and a format-1 vault opened
//! and upgraded.
#![allow(clippy::unwrap_used)] // tests may panic on what they check

use authbar_core::sealed::{
    self, DataKey, KdfParams, KeySlots, NewPasskey, RandomFailed, SealedError, SealedVault,
};
use authbar_core::{Coded, LockError, LockState};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

const FAST: KdfParams = KdfParams {
    memory_kib: 64,
    iterations: 1,
    parallelism: 1,
};

fn vector() -> serde_json::Value {
    serde_json::from_str(include_str!("../../../tests/fixtures/passkey/slot.json")).unwrap()
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

fn slots_of(slot: &serde_json::Value) -> KeySlots {
    KeySlots::from_json(
        &serde_json::json!({"cipher": "xchacha20poly1305", "slots": [slot]}).to_string(),
    )
    .unwrap()
}

#[test]
fn a_slot_written_by_another_implementation_opens_with_its_prf_output() {
    let v = vector();
    let slots = slots_of(&v["slot"]);
    let id = v["slot"]["credentialId"].as_str().unwrap();
    let key = slots
        .unlock_passkey(id, &hex(v["prfOutput"].as_str().unwrap()))
        .unwrap();
    assert_eq!(
        *key.to_base64(),
        STANDARD.encode(hex(v["dataKey"].as_str().unwrap()))
    );
    let listed = slots.passkeys();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (
            listed[0].name.as_str(),
            listed[0].added_at,
            listed[0].synced
        ),
        ("Test key", 1_700_000_000, true)
    );
}

#[test]
fn wrapping_gives_the_other_implementations_slot_byte_for_byte() {
    let v = vector();
    let key = DataKey::from_base64(&STANDARD.encode(hex(v["dataKey"].as_str().unwrap()))).unwrap();
    let salt: [u8; 32] = URL_SAFE_NO_PAD
        .decode(v["slot"]["salt"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    let passkey = NewPasskey {
        credential_id: URL_SAFE_NO_PAD
            .decode(v["slot"]["credentialId"].as_str().unwrap())
            .unwrap(),
        name: "Test key".into(),
        added_at: 1_700_000_000,
        synced: true,
        salt,
    };
    let nonce: Vec<u8> = (0xC0..0xD8).collect();
    let mut random = |buf: &mut [u8]| -> Result<(), RandomFailed> {
        buf.copy_from_slice(&nonce[..buf.len()]);
        Ok(())
    };
    let empty = KeySlots::from_json(r#"{"cipher":"xchacha20poly1305","slots":[]}"#).unwrap();
    let slots = empty
        .with_passkey(
            &key,
            &passkey,
            &hex(v["prfOutput"].as_str().unwrap()),
            &mut random,
        )
        .unwrap();
    let written: serde_json::Value = serde_json::from_str(&slots.to_text().unwrap()).unwrap();
    assert_eq!(written["slots"][0], v["slot"]);
}

fn good(buf: &mut [u8]) -> Result<(), RandomFailed> {
    for (i, b) in buf.iter_mut().enumerate() {
        *b = i as u8 ^ 0x5a;
    }
    Ok(())
}

fn passkey(id: &[u8], name: &str) -> NewPasskey {
    NewPasskey {
        credential_id: id.to_vec(),
        name: name.into(),
        added_at: 1_700_000_000,
        synced: false,
        salt: [9; 32],
    }
}

const PASS: &str = "correct horse battery staple";

/// The format-1 known-answer vault, as a lock state.
fn format_1() -> LockState {
    let file: serde_json::Value =
        serde_json::from_str(include_str!("../../../tests/vectors/sealed-v1.json")).unwrap();
    LockState::open(Some(file["sealed"].as_str().unwrap().as_bytes().to_vec())).unwrap()
}

#[test]
fn a_format_1_vault_gets_passkeys_and_is_written_as_format_2() {
    let mut state = format_1();
    let before = state.vault().err();
    assert_eq!(before, Some(LockError::Locked));
    let (a, b) = ([1u8; 32], [2u8; 32]);
    state
        .add_passkey(PASS, &passkey(b"key-a", "Laptop"), &a, &mut good)
        .unwrap();
    state
        .add_passkey(PASS, &passkey(b"key-b", "YubiKey"), &b, &mut good)
        .unwrap();
    let text = state.to_text(&mut good).unwrap();
    assert_eq!(SealedVault::parse(&text).unwrap().version(), 2);
    assert!(text.contains("\"version\": 2"), "{text}");
    // Either passkey, or the passphrase, opens it; nothing derived from an output is stored.
    for (id, output) in [("a2V5LWE", a), ("a2V5LWI", b)] {
        let mut locked = LockState::open(Some(text.clone().into_bytes())).unwrap();
        locked.unlock_with_passkey(id, &output).unwrap();
        assert_eq!(locked.vault().unwrap().entries().len(), 3);
    }
    let mut locked = LockState::open(Some(text.clone().into_bytes())).unwrap();
    locked.unlock(PASS).unwrap();
    assert!(!text.contains(&STANDARD.encode(a)) && !text.contains(&URL_SAFE_NO_PAD.encode(a)));
    let names: Vec<String> = locked.passkeys().into_iter().map(|p| p.name).collect();
    assert_eq!(names, ["Laptop", "YubiKey"]);
    // One removed: it no longer opens; the other and the passphrase still do.
    locked.remove_passkey("a2V5LWE", &mut good).unwrap();
    let text = locked.to_text(&mut good).unwrap();
    let mut again = LockState::open(Some(text.clone().into_bytes())).unwrap();
    assert_eq!(
        again.unlock_with_passkey("a2V5LWE", &a).unwrap_err().code(),
        "no_such_passkey"
    );
    again.unlock_with_passkey("a2V5LWI", &b).unwrap();
    // Removing the last passkey writes format 1 again.
    again.remove_passkey("a2V5LWI", &mut good).unwrap();
    assert_eq!(
        SealedVault::parse(&again.to_text(&mut good).unwrap())
            .unwrap()
            .version(),
        1
    );
}

#[test]
fn a_tampered_passkey_slot_does_not_open_and_the_other_ways_in_still_work() {
    let mut state = format_1();
    state
        .add_passkey(PASS, &passkey(b"key-a", "Laptop"), &[1; 32], &mut good)
        .unwrap();
    state
        .add_passkey(PASS, &passkey(b"key-b", "Phone"), &[2; 32], &mut good)
        .unwrap();
    let text = state.to_text(&mut good).unwrap();
    let mut envelope: serde_json::Value = serde_json::from_str(&text).unwrap();
    let slots = envelope["header"]["slots"].as_array_mut().unwrap();
    let first = slots.iter_mut().find(|s| s["type"] == "prf").unwrap();
    let wrapped = first["wrappedKey"].as_str().unwrap().to_owned();
    let flipped = if wrapped.starts_with('A') { "B" } else { "A" };
    first["wrappedKey"] = format!("{flipped}{}", &wrapped[1..]).into();
    // The header is the payload's associated data, so a tampered slot is found when the accounts
    // open too; the untouched slot opens the key, and the passphrase still works.
    let tampered = envelope.to_string();
    let mut locked = LockState::open(Some(tampered.clone().into_bytes())).unwrap();
    assert_eq!(
        locked.unlock_with_passkey("a2V5LWE", &[1; 32]).unwrap_err(),
        LockError::Sealed(SealedError::PasskeyRejected)
    );
    assert!(locked.is_locked(), "nothing changed");
    assert_eq!(
        locked
            .unlock_with_passkey("a2V5LWI", &[2; 32])
            .unwrap_err()
            .code(),
        "sealed_tampered",
        "the slot opens, and the altered header is then found"
    );
    // Another authenticator's output for a real slot is refused the same way.
    let mut fresh = LockState::open(Some(text.into_bytes())).unwrap();
    assert_eq!(
        fresh
            .unlock_with_passkey("a2V5LWE", &[7; 32])
            .unwrap_err()
            .code(),
        "passkey_rejected"
    );
    fresh.unlock(PASS).unwrap();
}

#[test]
fn the_passphrase_stays_while_passkeys_exist_and_bad_passkeys_are_refused() {
    let mut state = format_1();
    assert_eq!(
        state
            .add_passkey(
                "wrong passphrase",
                &passkey(b"k", "Laptop"),
                &[1; 32],
                &mut good
            )
            .unwrap_err()
            .code(),
        "wrong_passphrase"
    );
    for (key, name, output, rule) in [
        (
            passkey(b"k", ""),
            "empty name",
            vec![1u8; 32],
            "name must have 1 to 64 characters",
        ),
        (
            passkey(b"k", &"x".repeat(65)),
            "long name",
            vec![1; 32],
            "got 65",
        ),
        (
            passkey(b"", "Laptop"),
            "no id",
            vec![1; 32],
            "credential id must be 1 to 1023 bytes",
        ),
        (
            passkey(b"k", "Laptop"),
            "short output",
            vec![1; 31],
            "PRF output must be 32 bytes, got 31",
        ),
    ] {
        let err = state
            .add_passkey(PASS, &key, &output, &mut good)
            .unwrap_err();
        assert_eq!(err.code(), "bad_passkey", "{name}");
        assert!(err.to_string().contains(rule), "{name}: {err}");
    }
    state
        .add_passkey(PASS, &passkey(b"k", "Laptop"), &[1; 32], &mut good)
        .unwrap();
    let err = state
        .add_passkey(PASS, &passkey(b"k", "Again"), &[1; 32], &mut good)
        .unwrap_err();
    assert!(
        err.to_string().contains("already unlocks this vault"),
        "{err}"
    );
    assert_eq!(
        state.remove_passphrase(PASS),
        Err(LockError::PasskeysRemain { count: 1 })
    );
    assert_eq!(
        state
            .remove_passkey("bm9uZQ", &mut good)
            .unwrap_err()
            .code(),
        "no_such_passkey"
    );
    state.remove_passkey("aw", &mut good).unwrap();
    state.remove_passphrase(PASS).unwrap();
    assert!(!state.is_protected());
}

#[test]
fn a_format_1_envelope_with_a_passkey_slot_is_damage() {
    let mut state = format_1();
    state
        .add_passkey(PASS, &passkey(b"k", "Laptop"), &[1; 32], &mut good)
        .unwrap();
    let text = state
        .to_text(&mut good)
        .unwrap()
        .replace("\"version\": 2", "\"version\": 1");
    assert_eq!(
        SealedVault::parse(&text).unwrap_err().code(),
        "sealed_corrupt"
    );
    let future = text.replace("\"version\": 1", "\"version\": 3");
    assert_eq!(
        SealedVault::parse(&future).unwrap_err(),
        SealedError::FutureVersion { found: 3 }
    );
    // A changed passphrase keeps the passkeys.
    let mut state = format_1();
    state
        .add_passkey(PASS, &passkey(b"k", "Laptop"), &[1; 32], &mut good)
        .unwrap();
    state
        .change_passphrase(PASS, "a brand new passphrase", FAST, &mut good)
        .unwrap();
    assert_eq!(state.passkeys().len(), 1);
    let _ = sealed::MAX_PASSKEY_NAME_CHARS;
}
