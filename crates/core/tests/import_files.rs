//! Every export format against fixture files written by `tests/fixtures/import/generate.py` (Python's
//! `cryptography`, independent of this crate), with the accounts and codes that script computed.
#![allow(clippy::unwrap_used)] // tests may panic on what they check

use authbar_core::{Account, Coded, Import, ImportError, import_file};
use serde_json::Value;

fn dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/import")
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn expected() -> Value {
    serde_json::from_slice(&fixture("expected.json")).unwrap()
}

fn password() -> String {
    expected()["password"].as_str().unwrap().to_string()
}

/// Compares every field and the code at the reference time.
fn check_account(file: &str, got: &Account, want: &Value, time: u64) {
    let text = |k: &str| want[k].as_str().unwrap();
    let num = |k: &str| want[k].as_u64().unwrap();
    let who = format!("{file}: {}", text("name"));
    assert_eq!(got.otp_type().as_str(), text("type"), "{who}");
    assert_eq!(got.issuer(), Some(text("issuer")), "{who}");
    assert_eq!(got.name(), text("name"), "{who}");
    assert_eq!(got.secret().to_base32(), text("secret"), "{who}");
    assert_eq!(got.algorithm().as_str(), text("algorithm"), "{who}");
    assert_eq!(u64::from(got.digits()), num("digits"), "{who}");
    if got.otp_type().is_timed() {
        assert_eq!(got.period(), num("period"), "{who}");
    } else {
        assert_eq!(got.counter(), num("counter"), "{who}");
    }
    assert_eq!(got.code_at(time).code.to_string(), text("code"), "{who}");
}

fn check_file(file: &str, import: &Import) {
    let all = expected();
    let want = &all["files"][file];
    let time = all["time"].as_u64().unwrap();
    assert_eq!(import.format.as_str(), want["format"], "{file}");
    let accounts = want["accounts"].as_array().unwrap();
    assert_eq!(import.accounts.len(), accounts.len(), "{file}: {import:?}");
    for (got, want) in import.accounts.iter().zip(accounts) {
        check_account(file, got, want, time);
    }
    let skipped: Vec<&str> = import.skipped.iter().map(|s| s.reason.code()).collect();
    let want_skipped: Vec<&str> = want["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert_eq!(skipped, want_skipped, "{file}");
}

#[test]
fn every_fixture_imports_every_field_and_code() {
    let pw = password();
    let all = expected();
    let files = all["files"].as_object().unwrap();
    assert_eq!(files.len(), 12);
    for file in files.keys() {
        let bytes = fixture(file);
        let import = import_file(&bytes, Some(&pw)).unwrap_or_else(|e| panic!("{file}: {e}"));
        check_file(file, &import);
    }
}

#[test]
fn plain_files_ignore_a_password_and_encrypted_files_ask_for_one() {
    for file in [
        "aegis-plain.json",
        "2fas-plain.2fas",
        "andotp-plain.json",
        "stratum.json",
    ] {
        let import = import_file(&fixture(file), None).unwrap_or_else(|e| panic!("{file}: {e}"));
        check_file(file, &import);
    }
    for (file, format) in [
        ("aegis-encrypted.json", "aegis"),
        ("2fas-encrypted.2fas", "2fas"),
        ("andotp-encrypted.json.aes", "andotp"),
    ] {
        let err = import_file(&fixture(file), None).unwrap_err();
        assert!(
            matches!(err, ImportError::PasswordRequired { .. }),
            "{file}: {err}"
        );
        assert_eq!(err.code(), "password_required");
        assert_eq!(err.format().unwrap().as_str(), format);
        assert!(
            err.to_string()
                .contains("is encrypted: its password is needed"),
            "{err}"
        );
    }
}

#[test]
fn skipped_entries_name_the_entry_and_the_rule() {
    let import = import_file(&fixture("aegis-plain.json"), None).unwrap();
    let s = &import.skipped[0];
    assert_eq!(
        (s.issuer.as_str(), s.name.as_str()),
        ("mOTP Corp", "legacy")
    );
    assert_eq!(
        s.reason.to_string(),
        "its type 'motp' is not one Authbar computes (TOTP, HOTP and Steam are)"
    );
    let import = import_file(&fixture("bitwarden.json"), None).unwrap();
    let s = &import.skipped[0];
    assert_eq!((s.issuer.as_str(), s.name.as_str()), ("Broken", "z"));
    assert!(
        s.reason
            .to_string()
            .starts_with("bad secret: '1' is not a base32 character")
    );
    let import = import_file(&fixture("ente.txt"), None).unwrap();
    assert_eq!(import.skipped[0].name, "line 6");
}
