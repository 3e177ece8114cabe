//! Every way a whole file fails: wrong password, tampered ciphertext, truncated file, future
//! version, a biometric-only vault, another format, and one QR rule for every front end.
#![allow(clippy::unwrap_used)] // tests may panic on what they check

use authbar_core::qr::{PayloadKind, QrPayload};
use authbar_core::{Coded, ImportError, import_file, import_payload, import_text};

fn fixture(name: &str) -> Vec<u8> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/import");
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

const PASSWORD: &str = "fixture password ✓";

fn code(bytes: &[u8], password: Option<&str>) -> (String, String) {
    let err = import_file(bytes, password).unwrap_err();
    (err.code().to_string(), err.to_string())
}

#[test]
fn wrong_password_for_every_encrypted_format() {
    for (file, name) in [
        ("aegis-encrypted.json", "Aegis vault"),
        ("2fas-encrypted.2fas", "2FAS backup"),
        ("andotp-encrypted.json.aes", "andOTP backup"),
    ] {
        let (code, message) = code(&fixture(file), Some("not the password"));
        assert_eq!(code, "wrong_password", "{file}");
        assert_eq!(message, format!("the password does not open this {name}"));
    }
}

/// Flips one bit of a base64 character inside `field`'s value.
fn tamper(text: &str, field: &str) -> String {
    let start = text.find(&format!("\"{field}\"")).unwrap() + field.len() + 10;
    let mut bytes = text.as_bytes().to_vec();
    let i = (start..bytes.len())
        .find(|&i| bytes[i].is_ascii_alphabetic())
        .unwrap();
    bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
    String::from_utf8(bytes).unwrap()
}

#[test]
fn tampered_ciphertext_is_damage_when_the_password_is_proven() {
    let aegis = String::from_utf8(fixture("aegis-encrypted.json")).unwrap();
    let (c, m) = code(tamper(&aegis, "db").as_bytes(), Some(PASSWORD));
    assert_eq!(c, "corrupt", "{m}");
    assert!(m.contains("integrity check"), "{m}");
    let twofas = String::from_utf8(fixture("2fas-encrypted.2fas")).unwrap();
    let (c, m) = code(
        tamper(&twofas, "servicesEncrypted").as_bytes(),
        Some(PASSWORD),
    );
    assert_eq!(c, "corrupt", "{m}");
    // andOTP has no password check apart from the data itself: damage reads as a wrong password.
    let mut andotp = fixture("andotp-encrypted.json.aes");
    let last = andotp.len() - 20;
    andotp[last] ^= 1;
    assert_eq!(code(&andotp, Some(PASSWORD)).0, "wrong_password");
}

#[test]
fn truncated_files_are_damaged_files_of_their_format() {
    for (file, format) in [
        ("aegis-plain.json", "Aegis vault"),
        ("aegis-encrypted.json", "Aegis vault"),
        ("2fas-plain.2fas", "2FAS backup"),
        ("bitwarden.json", "Bitwarden JSON export"),
        ("proton.json", "Proton Authenticator export"),
        ("stratum.json", "Stratum backup"),
    ] {
        let bytes = fixture(file);
        let (c, m) = code(&bytes[..bytes.len() / 2], Some(PASSWORD));
        assert_eq!(c, "corrupt", "{file}: {m}");
        assert!(
            m.starts_with(&format!("this {format} is damaged: it is not valid JSON")),
            "{m}"
        );
    }
    let andotp = fixture("andotp-encrypted.json.aes");
    assert_eq!(
        code(&andotp[..andotp.len() - 5], Some(PASSWORD)).0,
        "wrong_password"
    );
    let csv = String::from_utf8(fixture("bitwarden.csv")).unwrap();
    let cut = csv.find("a note").unwrap() + 3;
    let (c, m) = code(&csv.as_bytes()[..cut], None);
    assert_eq!(c, "corrupt");
    assert!(m.contains("quoted field is not closed"), "{m}");
}

#[test]
fn future_versions_are_named() {
    let (c, m) = code(&fixture("aegis-future.json"), None);
    assert_eq!(c, "unsupported_version");
    assert_eq!(
        m,
        "this Aegis vault is version 2, which Authbar does not read (it reads version 1)"
    );
    let (c, m) = code(&fixture("2fas-future.2fas"), None);
    assert_eq!(c, "unsupported_version");
    assert!(m.contains("version 9"), "{m}");
}

#[test]
fn an_aegis_vault_only_biometrics_open_is_said_before_a_password_is_asked() {
    // No password given yet: the answer is what the file is, not a question for its password.
    let (c, m) = code(&fixture("aegis-biometric.json"), None);
    assert_eq!(c, "unsupported");
    assert!(m.contains("only be unlocked with biometrics"), "{m}");
    let (c, _) = code(&fixture("aegis-future.json"), None);
    assert_eq!(c, "unsupported_version");
}

#[test]
fn biometric_only_aegis_vaults_and_encrypted_bitwarden_exports_say_what_to_do() {
    let (c, m) = code(&fixture("aegis-biometric.json"), Some(PASSWORD));
    assert_eq!(c, "unsupported");
    assert!(m.contains("only be unlocked with biometrics"), "{m}");
    let (c, m) = code(&fixture("bitwarden-encrypted.json"), None);
    assert_eq!(c, "unsupported");
    assert!(m.contains("encrypted Bitwarden export"), "{m}");
}

#[test]
fn unknown_content_is_unknown_whatever_the_name() {
    for (bytes, detail) in [
        (&b""[..], "the file is empty"),
        (b"{\"hello\": 1}", "it is JSON, but not the export"),
        (b"just some notes\n", "it is text, but neither"),
        (b"\x89PNG\r\n\x1a\n\xff\xfe", "binary file"),
        (b"{\"unclosed\": ", "it is not valid JSON"),
    ] {
        let (c, m) = code(bytes, None);
        assert_eq!(c, "unknown_format", "{m}");
        assert!(m.contains(detail), "{m}");
    }
}

#[test]
fn one_rule_for_qr_payloads_a_web_link_is_not_an_authenticator_code() {
    // Regression: `authbar import` once reported a QR holding https://… as bad_scheme while the
    // popup said "not an authenticator code". import_payload is the rule both call.
    let payload = QrPayload {
        text: "https://example.com/".into(),
        kind: PayloadKind::Other,
    };
    let err = import_payload(&payload).unwrap_err();
    assert!(matches!(err, ImportError::NotAuthenticator { .. }));
    assert_eq!(err.code(), "not_authenticator");
    let uri = QrPayload {
        text: "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP".into(),
        kind: PayloadKind::Otpauth,
    };
    assert_eq!(import_payload(&uri).unwrap().accounts.len(), 1);
    // Typed text with a mistyped scheme still names it.
    assert_eq!(
        import_text("otpauht://totp/x?secret=A").unwrap_err().code(),
        "bad_scheme"
    );
}
