//! The "Authenticator" extension's real 8.0.2 exports (`tests/peers/ae-8.0.2/`, copied from the shared
//! peers folder): every account of every file, every field and the code recorded in `accounts.json`
//! (oathtool; Steam computed independently). The extension's own re-import gets 5 of 13 right.
#![allow(clippy::unwrap_used)] // tests may panic on what they check

use authbar_core::{Account, Coded, ImportError, import_file};
use serde_json::Value;

fn dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/peers/ae-8.0.2")
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

const PASSPHRASE: &str = "correct horse battery staple 7";

fn truth() -> Vec<Value> {
    let v: Value = serde_json::from_slice(&read("accounts.json")).unwrap();
    v["accounts"].as_array().unwrap().clone()
}

/// Finds the account a ground-truth record describes (by secret) and checks every field.
fn check(file: &str, accounts: &[Account], want: &Value, issuer: &str, name: &str) {
    let secret = want["secret_base32"].as_str().unwrap();
    let id = want["id"].as_str().unwrap();
    let got = accounts
        .iter()
        .find(|a| a.secret().to_base32() == secret)
        .unwrap_or_else(|| panic!("{file}: {id} missing"));
    let who = format!("{file} {id}");
    assert_eq!(got.otp_type().as_str(), want["type"], "{who}");
    assert_eq!(got.issuer().unwrap_or(""), issuer, "{who}");
    assert_eq!(got.name(), name, "{who}");
    assert_eq!(got.algorithm().as_str(), want["algorithm"], "{who}");
    assert_eq!(
        u64::from(got.digits()),
        want["digits"].as_u64().unwrap(),
        "{who}"
    );
    match want["counter"].as_u64() {
        Some(counter) => {
            assert_eq!(got.counter(), counter, "{who}");
            assert_eq!(
                got.code_at(0).code.to_string(),
                want["expected_code_at_counter"],
                "{who}"
            );
        }
        None => {
            assert_eq!(got.period(), want["period"].as_u64().unwrap(), "{who}");
            assert_eq!(
                got.code_at(1_700_000_000).code.to_string(),
                want["expected_code_at_1700000000"],
                "{who}"
            );
        }
    }
}

/// Checks every ground-truth account that the file holds (a text backup has no Steam account). With
/// `cut_domain`, the issuer is expected without the extension's `::domain` suffix, which it drops
/// from text backups and from labels it percent-encodes.
fn check_all(file: &str, accounts: &[Account], cut_domain: bool) {
    for want in truth() {
        if file.ends_with(".txt") && want["otpauth_txt_line"].is_null() {
            continue;
        }
        let issuer = want["issuer"].as_str().unwrap();
        let issuer = if cut_domain {
            issuer.split("::").next().unwrap()
        } else {
            issuer
        };
        check(
            file,
            accounts,
            &want,
            issuer,
            want["account"].as_str().unwrap(),
        );
    }
}

#[test]
fn all_13_accounts_from_each_json_backup() {
    for (file, password) in [
        ("ae-8.0.2-plain.json", None),
        ("ae-8.0.2-plain-while-password-set.json", None),
        ("ae-8.0.2-encrypted.json", Some(PASSPHRASE)),
    ] {
        let import = import_file(&read(file), password).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(import.format.as_str(), "authenticator-extension");
        assert_eq!(import.accounts.len(), 13, "{file}");
        assert!(import.skipped.is_empty(), "{file}: {:?}", import.skipped);
        check_all(file, &import.accounts, false);
        // The pinned account comes first, as the extension lists it.
        assert_eq!(
            import.accounts[0].issuer(),
            Some("Acme & Sons, Inc."),
            "{file}"
        );
    }
}

#[test]
fn the_twelve_accounts_of_the_otpauth_text_backup() {
    let import = import_file(&read("ae-8.0.2-otpauth.txt"), None).unwrap();
    assert_eq!(import.format.as_str(), "otpauth-list");
    assert_eq!(import.accounts.len(), 12);
    // The extension writes issuer 'Mailbox::mail.example.org' as 'Mailbox' (README).
    check_all("ae-8.0.2-otpauth.txt", &import.accounts, true);
}

#[test]
fn quirk_files_percent_encoded_labels_and_string_digits() {
    // Written after opening the Backup page twice: labels percent-encoded once (JSON) or twice
    // (text), and '::domain' already cut by the extension.
    for file in [
        "quirks/ae-8.0.2-plain-second-open.json",
        "quirks/ae-8.0.2-otpauth-second-open.txt",
    ] {
        let import = import_file(&read(file), None).unwrap_or_else(|e| panic!("{file}: {e}"));
        let expected = if file.ends_with(".json") { 13 } else { 12 };
        assert_eq!(import.accounts.len(), expected, "{file}");
        check_all(file, &import.accounts, true);
    }
    let import = import_file(
        &read("quirks/ae-8.0.2-plain-same-session-string-digits.json"),
        None,
    )
    .unwrap();
    let by_issuer = |i: &str| {
        import
            .accounts
            .iter()
            .find(|a| a.issuer() == Some(i))
            .unwrap()
    };
    assert_eq!(by_issuer("SameSession8").digits(), 8);
    assert_eq!(by_issuer("SameSession8").period(), 60);
    assert_eq!(by_issuer("SameSession6explicit").digits(), 6);
    assert_eq!(by_issuer("SteamX").code_at(0).code.to_string().len(), 5);
}

#[test]
fn encrypted_backup_password_errors() {
    let bytes = read("ae-8.0.2-encrypted.json");
    let err = import_file(&bytes, None).unwrap_err();
    assert!(matches!(err, ImportError::PasswordRequired { .. }), "{err}");
    let err = import_file(&bytes, Some("correct horse battery staple 8")).unwrap_err();
    assert!(matches!(err, ImportError::WrongPassword { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        "the password does not open this Authenticator extension backup"
    );
    // One altered byte of one entry's ciphertext: the password is right, the entry is damaged.
    let text = String::from_utf8(bytes).unwrap();
    let tampered = text.replacen("U2FsdGVkX1+LMZA8REq94XKvC", "U2FsdGVkX1+LMZA8REq94XKvD", 1);
    assert_ne!(tampered, text);
    let err = import_file(tampered.as_bytes(), Some(PASSPHRASE)).unwrap_err();
    assert_eq!(err.code(), "corrupt", "{err}");
}
