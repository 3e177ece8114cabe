//! The encrypted vault format (`docs/vault-format.md`): round trips, every refusal, and a fixed file
//! of format 1 that every later version must still open.
#![allow(clippy::unwrap_used)] // tests may panic on what they check

use authbar_core::sealed::{self, DataKey, KdfParams, RandomFailed, SealedError, SealedVault};
use authbar_core::{Coded, Stored, StoredError, Vault, VaultError, import_text};

/// Small Argon2id costs: the format, not the cost, is under test (the default is checked once).
const FAST: KdfParams = KdfParams {
    memory_kib: 64,
    iterations: 1,
    parallelism: 1,
};

/// A deterministic "random" source: a counter, so every output is reproducible.
fn counter() -> impl FnMut(&mut [u8]) -> Result<(), RandomFailed> {
    let mut n: u8 = 0;
    move |buf: &mut [u8]| {
        for b in buf {
            n = n.wrapping_add(1);
            *b = n;
        }
        Ok(())
    }
}

fn vault() -> Vault {
    let mut v = Vault::new();
    for uri in [
        "otpauth://totp/ACME%20Co:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co",
        "otpauth://hotp/Bank:carol?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=18446744073709551614&digits=8&algorithm=SHA256",
        "otpauth://totp/Mail:bob?secret=KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU&period=60&digits=7&algorithm=SHA512",
    ] {
        v.add(import_text(uri).unwrap().accounts);
    }
    v
}

fn sealed_text(passphrase: &str) -> (String, DataKey) {
    let mut random = counter();
    let (s, key) = sealed::seal(&vault(), passphrase, FAST, &mut random).unwrap();
    (s.to_text(), key)
}

#[test]
fn seal_unlock_open_round_trip_every_field() {
    let (text, key) = sealed_text("correct horse!");
    assert!(SealedVault::is_sealed(&text));
    let parsed = SealedVault::parse(&text).unwrap();
    assert_eq!(parsed.kdf(), Some(FAST));
    let (unlocked, v) = parsed.unlock("correct horse!").unwrap();
    assert_eq!(unlocked, key);
    assert_eq!(v, vault());
    assert_eq!(parsed.open(&key).unwrap(), vault());
    // The held key survives its trip through session storage.
    let held = DataKey::from_base64(&key.to_base64()).unwrap();
    assert_eq!(parsed.open(&held).unwrap(), vault());
}

#[test]
fn no_secret_appears_in_the_sealed_text() {
    let (text, key) = sealed_text("correct horse!");
    for secret in ["JBSWY3DPEHPK3PXP", "GEZDGNBVGY3TQOJQ", "alice", "ACME"] {
        assert!(!text.contains(secret), "{secret} leaked into {text}");
    }
    assert!(!text.contains(key.to_base64().as_str()));
    assert_eq!(format!("{key:?}"), "DataKey(..)");
}

#[test]
fn wrong_passphrase_is_refused_and_changes_nothing() {
    let (text, _) = sealed_text("correct horse!");
    let parsed = SealedVault::parse(&text).unwrap();
    let err = parsed.unlock("Correct horse!").unwrap_err();
    assert_eq!(err, SealedError::WrongPassphrase);
    assert_eq!(err.code(), "wrong_passphrase");
    assert_eq!(parsed.to_text(), text);
}

#[test]
fn tampered_ciphertext_fails_its_integrity_check() {
    let (text, key) = sealed_text("pass word");
    let mut envelope: serde_json::Value = serde_json::from_str(&text).unwrap();
    let c = envelope["ciphertext"].as_str().unwrap().to_string();
    let flipped = format!("{}{}", if c.starts_with('A') { "B" } else { "A" }, &c[1..]);
    envelope["ciphertext"] = flipped.into();
    let parsed = SealedVault::parse(&envelope.to_string()).unwrap();
    assert_eq!(
        parsed.unlock("pass word").unwrap_err(),
        SealedError::Tampered
    );
    assert_eq!(parsed.open(&key).unwrap_err(), SealedError::KeyRejected);
}

#[test]
fn the_header_is_authenticated() {
    // A slot of another type added by an attacker (or by a damaged write) changes the associated data.
    let (text, _) = sealed_text("pass word");
    let mut envelope: serde_json::Value = serde_json::from_str(&text).unwrap();
    envelope["header"]["slots"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"type": "hardware-key", "id": "x"}));
    let parsed = SealedVault::parse(&envelope.to_string()).unwrap();
    assert_eq!(
        parsed.unlock("pass word").unwrap_err(),
        SealedError::Tampered
    );
}

#[test]
fn truncated_text_is_corrupt_and_truncated_ciphertext_is_tampered() {
    let (text, _) = sealed_text("pass word");
    for cut in [40, text.len() / 2, text.len() - 3] {
        assert!(SealedVault::is_sealed(&text[..cut]), "cut at {cut}");
        let err = SealedVault::parse(&text[..cut]).unwrap_err();
        assert_eq!(err.code(), "sealed_corrupt", "cut at {cut}: {err}");
    }
    let mut envelope: serde_json::Value = serde_json::from_str(&text).unwrap();
    let c = envelope["ciphertext"].as_str().unwrap().to_string();
    envelope["ciphertext"] = c[..c.len() - 8].to_string().into();
    let parsed = SealedVault::parse(&envelope.to_string()).unwrap();
    assert_eq!(
        parsed.unlock("pass word").unwrap_err(),
        SealedError::Tampered
    );
}

#[test]
fn future_version_is_refused_before_anything_else_is_read() {
    let err =
        SealedVault::parse(r#"{"format":"authbar-vault","version":3,"whatever":[1]}"#).unwrap_err();
    assert_eq!(err, SealedError::FutureVersion { found: 3 });
    assert!(err.to_string().contains("left untouched"), "{err}");
    let err = SealedVault::parse(r#"{"format":"authbar-vault","version":"1"}"#).unwrap_err();
    assert_eq!(err.code(), "sealed_corrupt");
}

#[test]
fn other_text_is_not_sealed() {
    let plain = vault().to_json();
    assert!(!SealedVault::is_sealed(&plain));
    assert_eq!(
        SealedVault::parse(&plain).unwrap_err(),
        SealedError::NotSealed
    );
    assert_eq!(
        SealedVault::parse("hello").unwrap_err(),
        SealedError::NotSealed
    );
    assert_eq!(
        SealedVault::parse(r#"{"format":"aegis"}"#).unwrap_err(),
        SealedError::NotSealed
    );
}

#[test]
fn unknown_cipher_and_bad_fields_are_named() {
    let (text, _) = sealed_text("pass word");
    let other = text.replace("xchacha20poly1305", "rot13");
    let err = SealedVault::parse(&other).unwrap_err();
    assert_eq!(
        err,
        SealedError::UnsupportedCipher {
            name: "rot13".into()
        }
    );
    let mut envelope: serde_json::Value = serde_json::from_str(&text).unwrap();
    envelope["nonce"] = "AAAA".into();
    let err = SealedVault::parse(&envelope.to_string()).unwrap_err();
    assert!(
        err.to_string().contains("nonce must be 24 bytes, got 3"),
        "{err}"
    );
    envelope["nonce"] = "not base64!".into();
    let err = SealedVault::parse(&envelope.to_string()).unwrap_err();
    assert!(err.to_string().contains("nonce is not base64"), "{err}");
}

#[test]
fn crafted_kdf_parameters_are_refused_without_deriving() {
    let (text, _) = sealed_text("pass word");
    for (field, value, rule) in [
        ("memoryKib", 4_000_000u64, "memory must be from 8 KiB"),
        ("iterations", 0, "iterations must be from 1 to 64, got 0"),
        (
            "parallelism",
            99,
            "parallelism must be from 1 to 16, got 99",
        ),
    ] {
        let mut envelope: serde_json::Value = serde_json::from_str(&text).unwrap();
        envelope["header"]["slots"][0]["kdf"][field] = value.into();
        let parsed = SealedVault::parse(&envelope.to_string()).unwrap();
        let err = parsed.unlock("pass word").unwrap_err();
        assert_eq!(err.code(), "sealed_bad_kdf");
        assert!(err.to_string().contains(rule), "{err}");
    }
    let mut envelope: serde_json::Value = serde_json::from_str(&text).unwrap();
    envelope["header"]["slots"][0]["kdf"]["algorithm"] = "pbkdf2".into();
    let err = SealedVault::parse(&envelope.to_string())
        .unwrap()
        .unlock("pass word")
        .unwrap_err();
    assert!(
        err.to_string().contains("must be argon2id version 19"),
        "{err}"
    );
}

#[test]
fn a_vault_without_a_passphrase_slot_says_so() {
    let (text, _) = sealed_text("pass word");
    let mut envelope: serde_json::Value = serde_json::from_str(&text).unwrap();
    envelope["header"]["slots"] = serde_json::json!([{"type": "hardware-key"}]);
    let parsed = SealedVault::parse(&envelope.to_string()).unwrap();
    assert_eq!(
        parsed.unlock("pass word").unwrap_err(),
        SealedError::NoPassphraseSlot
    );
    envelope["header"]["slots"] = serde_json::json!([{"type": "passphrase", "salt": 3}]);
    let parsed = SealedVault::parse(&envelope.to_string()).unwrap();
    assert_eq!(
        parsed.unlock("pass word").unwrap_err().code(),
        "sealed_corrupt"
    );
}

#[test]
fn change_passphrase_rewraps_the_same_key_and_keeps_other_slots() {
    let (text, key) = sealed_text("old passphrase");
    let parsed = SealedVault::parse(&text).unwrap();
    let mut random = counter();
    let changed = parsed
        .change_passphrase(&key, "new passphrase", FAST, &mut random)
        .unwrap();
    let reread = SealedVault::parse(&changed.to_text()).unwrap();
    assert_eq!(
        reread.unlock("old passphrase").unwrap_err(),
        SealedError::WrongPassphrase
    );
    let (same_key, v) = reread.unlock("new passphrase").unwrap();
    assert_eq!(same_key, key);
    assert_eq!(v, vault());
    // The old file still opens with the old passphrase: it stays until the new one is stored.
    assert!(parsed.unlock("old passphrase").is_ok());
}

#[test]
fn saving_under_a_stale_key_is_refused() {
    let (text, key) = sealed_text("pass word");
    let parsed = SealedVault::parse(&text).unwrap();
    let mut random = counter();
    let mut v = vault();
    v.remove(1).unwrap();
    let saved = parsed.reseal(&v, &key, &mut random).unwrap();
    assert_eq!(
        SealedVault::parse(&saved.to_text())
            .unwrap()
            .open(&key)
            .unwrap(),
        v
    );
    let (_, other_key) = sealed_text("pass word");
    let other = DataKey::from_base64(&{
        // A different key: the first byte changed.
        let mut b = other_key.to_base64().to_string();
        b.replace_range(0..1, if b.starts_with('A') { "B" } else { "A" });
        b
    })
    .unwrap();
    assert_eq!(
        parsed.reseal(&v, &other, &mut random).unwrap_err(),
        SealedError::KeyRejected
    );
}

#[test]
fn short_passphrases_and_bad_held_keys_are_refused() {
    let mut random = counter();
    let err = sealed::seal(&vault(), "short", FAST, &mut random).unwrap_err();
    assert_eq!(err, SealedError::PassphraseTooShort { chars: 5 });
    assert!(
        err.to_string().contains("at least 8 characters, got 5"),
        "{err}"
    );
    // Characters, not bytes: eight accented letters are enough.
    assert!(sealed::check_new_passphrase("ěščřžýáí").is_ok());
    assert!(
        DataKey::from_base64("!!")
            .unwrap_err()
            .to_string()
            .contains("not base64")
    );
    assert!(
        DataKey::from_base64("AAAA")
            .unwrap_err()
            .to_string()
            .contains("must be 32 bytes, got 3")
    );
}

#[test]
fn decrypted_text_that_is_not_a_vault_is_reported() {
    // A file whose payload authenticates but is not an account list (written by a buggy or hostile
    // tool that holds the key): the vault's own error, not a silent empty vault.
    use base64::Engine;
    use chacha20poly1305::aead::{Aead, KeyInit, Payload};
    let (text, key) = sealed_text("pass word");
    #[derive(serde::Deserialize)]
    struct Raw<'a> {
        #[serde(borrow)]
        header: &'a serde_json::value::RawValue,
    }
    let raw: Raw<'_> = serde_json::from_str(&text).unwrap();
    let b64 = base64::engine::general_purpose::STANDARD;
    let key_bytes = b64.decode(key.to_base64().as_str()).unwrap();
    let cipher = chacha20poly1305::XChaCha20Poly1305::new_from_slice(&key_bytes).unwrap();
    let nonce = [7u8; 24];
    let payload = cipher
        .encrypt(
            chacha20poly1305::XNonce::from_slice(&nonce),
            Payload {
                msg: br#"{"schema": 99}"#,
                aad: raw.header.get().as_bytes(),
            },
        )
        .unwrap();
    let mut envelope: serde_json::Value = serde_json::from_str(&text).unwrap();
    envelope["nonce"] = b64.encode(nonce).into();
    envelope["ciphertext"] = b64.encode(payload).into();
    let parsed = SealedVault::parse(&envelope.to_string()).unwrap();
    let err = parsed.open(&key).unwrap_err();
    assert_eq!(err.code(), "vault_future_schema", "{err}");
}

#[test]
fn format_1_known_answer_file_still_opens() {
    // tests/vectors/sealed-v1.json was written by format 1 with FAST parameters and the counter
    // source above; every later version must read it (and produce it again, byte for byte).
    let file = include_str!("../../../tests/vectors/sealed-v1.json");
    let fixture: serde_json::Value = serde_json::from_str(file).unwrap();
    let text = fixture["sealed"].as_str().unwrap();
    let (_, v) = SealedVault::parse(text)
        .unwrap()
        .unlock(fixture["passphrase"].as_str().unwrap())
        .unwrap();
    assert_eq!(v, vault());
    assert_eq!(sealed_text("correct horse battery staple").0, text);
}

#[test]
fn default_parameters_are_accepted_and_open() {
    KdfParams::DEFAULT.check().unwrap();
    let mut random = counter();
    let (s, key) = sealed::seal(&vault(), "pass word", KdfParams::DEFAULT, &mut random).unwrap();
    let (k, _) = SealedVault::parse(&s.to_text())
        .unwrap()
        .unlock("pass word")
        .unwrap();
    assert_eq!(k, key);
}

/// What the popup did before `Stored::read`: ask `is_sealed`, then read the text as that.
fn read_as_before(text: &str) -> Result<Stored, StoredError> {
    if SealedVault::is_sealed(text) {
        SealedVault::parse(text)
            .map(Stored::Sealed)
            .map_err(StoredError::Sealed)
    } else {
        Vault::from_json(text)
            .map(Stored::Plain)
            .map_err(StoredError::Plain)
    }
}

#[test]
fn a_stored_text_reads_as_plain_or_sealed_exactly_as_is_sealed_decides() {
    let (sealed, _) = sealed_text("pass word");
    let plain = vault().to_json();
    // The same fields in another order, and pretty-printed: no longer "{"format"" at the start.
    let mut reordered: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&sealed).unwrap();
    let format = reordered.remove("format").unwrap();
    reordered.insert("format".into(), format);
    let reordered = serde_json::to_string_pretty(&reordered).unwrap();
    let texts = [
        plain.clone(),
        format!("  \n{plain}"),
        sealed.clone(),
        format!("\n  {sealed}"),
        reordered,
        sealed[..sealed.len() / 2].to_string(),
        r#"{"format":"something-else","version":1}"#.to_string(),
        r#"{"schema":1,"nextId":1,"entries":[],"format":"authbar-vault"}"#.to_string(),
        r#"{"schema":99,"nextId":1,"entries":[]}"#.to_string(),
        plain[..plain.len() - 1].to_string(),
        "not json".to_string(),
        String::new(),
    ];
    let outcome = |r: Result<Stored, StoredError>| match r {
        Ok(Stored::Plain(v)) => format!("plain {}", v.to_json()),
        Ok(Stored::Sealed(s)) => format!("sealed {}", s.to_text()),
        Err(e) => format!("{e:?}"),
    };
    for text in &texts {
        assert_eq!(
            outcome(Stored::read(text)),
            outcome(read_as_before(text)),
            "{text:.80}"
        );
    }
    assert!(matches!(Stored::read(&plain), Ok(Stored::Plain(_))));
    assert!(matches!(Stored::read(&texts[4]), Ok(Stored::Sealed(_))));
    assert!(matches!(
        Stored::read(&texts[8]),
        Err(StoredError::Plain(VaultError::FutureSchema { found: 99 }))
    ));
}

#[test]
fn a_stored_text_given_as_bytes_reads_the_same_and_other_bytes_are_a_damaged_list() {
    let (sealed, _) = sealed_text("pass word");
    let plain = vault().to_json();
    assert!(
        matches!(Stored::read_utf8(plain.clone().into_bytes()), Ok(Stored::Plain(v)) if v == vault())
    );
    assert!(matches!(
        Stored::read_utf8(sealed.into_bytes()),
        Ok(Stored::Sealed(_))
    ));
    let mut bytes = plain.into_bytes();
    bytes[20] = 0xff;
    match Stored::read_utf8(bytes) {
        Err(StoredError::Plain(e)) => {
            assert_eq!(e.code(), "vault_corrupt");
            assert!(e.to_string().contains("not UTF-8 text (byte 21)"), "{e}");
        }
        other => panic!("{other:?}"),
    }
}
