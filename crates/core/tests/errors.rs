//! One fixture per error variant: each is reported with its code and a message naming the value.

#![allow(clippy::unwrap_used)] // tests may panic on what they check

use authbar_core::migration::{self, MigrationError, Unsupported};
use authbar_core::{
    Account, Coded, ImportError, OtpType, Secret, SecretError, SkipReason, import_text, uri,
};

fn b64(bytes: &[u8]) -> String {
    // Minimal standard base64 encoder for building fixtures.
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out.replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D")
}

/// One OtpParameters message wrapped as field 1 of a payload.
fn payload(fields: &[u8]) -> Vec<u8> {
    let mut p = vec![0x0a, fields.len() as u8];
    p.extend_from_slice(fields);
    p
}

fn export(bytes: &[u8]) -> String {
    format!("otpauth-migration://offline?data={}", b64(bytes))
}

#[test]
fn migration_whole_export_errors() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "otpauth://offline?data=CgA%3D",
            "bad_scheme",
            "otpauth-migration://",
        ),
        (
            "otpauth-migration://online?data=CgA%3D",
            "bad_host",
            "'online'",
        ),
        (
            "otpauth-migration://offline?foo=bar",
            "missing_data",
            "no data",
        ),
        (
            "otpauth-migration://offline?data=",
            "missing_data",
            "no data",
        ),
        (
            "otpauth-migration://offline?data=CgA%3D&data=CgA%3D",
            "duplicate_param",
            "more than one",
        ),
        (
            "otpauth-migration://offline?data=%40%40not-base64",
            "bad_base64",
            "not base64",
        ),
        (
            "otpauth-migration://offline?data=%ZZ",
            "bad_base64",
            "percent-escape",
        ),
    ];
    for (text, code, words) in cases {
        let err = migration::parse(text).unwrap_err();
        assert_eq!(err.code(), *code, "{text}");
        assert!(err.to_string().contains(words), "{text}: {err}");
    }
}

#[test]
fn migration_protobuf_errors_name_the_problem() {
    let cases: &[(&[u8], &str)] = &[
        (&[0x0a, 0x05, 0x0a], "runs past the end"), // length past the end
        (&[0x10], "varint"),                        // truncated varint
        (
            &[
                0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
            ],
            "longer than 10 bytes",
        ),
        (&[0x00, 0x01], "field number 0"),
        (&[0x0b], "wire type 3"), // start group
        (
            &[0x08, 0x01],
            "field 1 of MigrationPayload has the wrong wire type",
        ),
        (&payload(&[0x12, 0x02, 0xff, 0xfe]), "name is not UTF-8"),
        (&payload(&[0x1a, 0x01, 0xc3]), "issuer is not UTF-8"),
        (&payload(&[0x0a, 0x01]), "runs past the end"),
        (
            &payload(&[0x20, 0x01, 0x22, 0x00]),
            "field 4 of OtpParameters has the wrong wire type",
        ),
        (&[0x09, 1, 2, 3], "fixed64"),
        (&[0x0d, 1, 2], "fixed32"),
    ];
    for (bytes, words) in cases {
        let err = migration::decode_payload(bytes).unwrap_err();
        assert!(matches!(err, MigrationError::BadProtobuf { .. }));
        assert_eq!(err.code(), "bad_protobuf");
        assert!(err.to_string().contains(words), "{bytes:02x?}: {err}");
        // The same reached through a URI.
        assert_eq!(
            migration::parse(&export(bytes)).unwrap_err().code(),
            "bad_protobuf"
        );
    }
    // Unknown fields of every wire type are skipped.
    let batch =
        migration::decode_payload(&[0x31, 1, 2, 3, 4, 5, 6, 7, 8, 0x3d, 1, 2, 3, 4, 0x40, 0x05])
            .unwrap();
    assert!(batch.entries.is_empty());
}

#[test]
fn migration_entries_that_cannot_be_used_are_reported_each() {
    let secret = [0x0a, 0x03, 1, 2, 3];
    let entry = |extra: &[u8]| {
        let mut f = secret.to_vec();
        f.extend_from_slice(b"\x12\x03bob");
        f.extend_from_slice(extra);
        f
    };
    let cases: &[(Vec<u8>, Unsupported, &str)] = &[
        (entry(&[0x20, 0x04]), Unsupported::Md5, "MD5"),
        (
            entry(&[0x20, 0x09]),
            Unsupported::UnknownAlgorithm(9),
            "algorithm number 9",
        ),
        (
            entry(&[0x28, 0x03]),
            Unsupported::UnknownDigits(3),
            "digit-count number 3",
        ),
        (
            entry(&[0x30, 0x07]),
            Unsupported::UnknownType(7),
            "type number 7",
        ),
        (
            entry(&[
                0x30, 0x01, 0x38, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
            ]),
            Unsupported::NegativeCounter(-1),
            "negative counter",
        ),
        (
            b"\x12\x03bob".to_vec(),
            Unsupported::EmptySecret,
            "empty secret",
        ),
    ];
    for (fields, reason, words) in cases {
        // A good entry beside the bad one is still imported.
        let mut bytes = payload(fields);
        bytes.extend(payload(&entry(&[])));
        let import = import_text(&export(&bytes)).unwrap();
        assert_eq!(import.accounts.len(), 1);
        assert_eq!(import.accounts[0].name(), "bob");
        assert_eq!(import.skipped.len(), 1);
        assert_eq!(import.skipped[0].reason, SkipReason::Migration(*reason));
        assert_eq!(import.skipped[0].name, "bob");
        assert!(reason.to_string().contains(words), "{reason}");
        assert!(!reason.code().is_empty());
    }
}

#[test]
fn migration_name_prefix_becomes_issuer_when_issuer_is_empty() {
    let bytes = payload(b"\x0a\x03\x01\x02\x03\x12\x0fGitHub:   alice");
    let import = import_text(&export(&bytes)).unwrap();
    let a = &import.accounts[0];
    assert_eq!((a.issuer(), a.name()), (Some("GitHub"), "alice"));
    assert_eq!(import.batch.unwrap().index, 0);
}

#[test]
fn import_errors() {
    let err = import_text("https://example.com/login").unwrap_err();
    assert_eq!(err.code(), "bad_scheme");
    let err = import_text("hello world").unwrap_err();
    assert_eq!(
        err,
        ImportError::NotAuthenticator {
            text: "hello world".into()
        }
    );
    assert_eq!(
        err.to_string(),
        "this is not an authenticator code (expected otpauth:// or otpauth-migration://): \"hello world\""
    );
    assert_eq!(
        import_text("otpauth://totp/x?secret=1").unwrap_err().code(),
        "bad_base32"
    );
    assert_eq!(
        import_text("otpauth-migration://x").unwrap_err().code(),
        "bad_host"
    );
    let long = "x".repeat(1000);
    match import_text(&long).unwrap_err() {
        ImportError::NotAuthenticator { text } => assert_eq!(text.len(), 200),
        e => panic!("{e}"),
    }
}

#[test]
fn uri_error_messages_name_value_and_rule() {
    let base = "otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP";
    let cases: &[(&str, &str)] = &[
        (
            "otpauth://totp/A:b?secret=JBSWY3DP-EHPK3PXP",
            "'-' is not a base32 character (position 9)",
        ),
        (
            &format!("{base}&algorithm=MD5"),
            "algorithm must be SHA1, SHA256 or SHA512, got 'MD5'",
        ),
        (
            &format!("{base}&digits=5"),
            "digits must be a whole number from 6 to 10, got '5'",
        ),
        (
            &format!("{base}&period=0"),
            "period must be a whole number of seconds of at least 1, got '0'",
        ),
        (
            &format!("{base}&issuer=A&issuer=B"),
            "the parameter 'issuer' is given more than once",
        ),
        (
            &format!("{base}&issuer=A%00"),
            "issuer contains control characters",
        ),
        (
            "otpauth://hotp/A:b?secret=JBSWY3DPEHPK3PXP",
            "needs a counter",
        ),
        (
            "otpauth://hotp/A:b?secret=JBSWY3DPEHPK3PXP&counter=",
            "needs a counter",
        ),
        (
            "otpauth://hotp/A:b?secret=JBSWY3DPEHPK3PXP&counter=1e3",
            "got '1e3'",
        ),
        (
            "otpauth://motp/A:b?secret=JBSWY3DPEHPK3PXP",
            "the type must be totp, hotp or steam, got 'motp'",
        ),
        ("ftp://totp/A:b", "the scheme must be otpauth://, got 'ftp'"),
        (
            "otpauth://totp/A%0Ab?secret=JBSWY3DPEHPK3PXP",
            "label contains control characters",
        ),
        (
            "otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP&iss%ZZ=1",
            "invalid percent-escape '%ZZ'",
        ),
        ("otpauth://totp/A:b?secret=%FF", "not valid UTF-8"),
        ("otpauth://totp/A:b?issuer=x", "no secret parameter"),
        ("{\"uri\":1}", "does not start with a URI scheme"),
        ("", "no scheme"),
    ];
    for (text, words) in cases {
        let err = uri::parse(text).unwrap_err();
        assert!(err.to_string().contains(words), "{text}: {err}");
    }
    // Long values are shortened in messages.
    let err = uri::parse(&format!("{base}&algorithm={}", "A".repeat(100))).unwrap_err();
    assert!(err.to_string().ends_with("…'"), "{err}");
}

#[test]
fn account_rules_apply_when_loading_stored_json() {
    let ok = r#"{"type":"totp","issuer":null,"name":"a","secret":"JBSWY3DPEHPK3PXP","algorithm":"SHA1","digits":6,"period":30,"counter":0}"#;
    let a: Account = serde_json::from_str(ok).unwrap();
    assert_eq!(serde_json::to_string(&a).unwrap(), ok);
    for (bad, words) in [
        (
            ok.replace("\"digits\":6", "\"digits\":5"),
            "digits must be from 6 to 10, got 5",
        ),
        (
            ok.replace("\"period\":30", "\"period\":0"),
            "period must be a whole number of seconds of at least 1, got 0",
        ),
        (
            ok.replace("JBSWY3DPEHPK3PXP", "JBSWY3DPEHPK3PX1"),
            "'1' is not a base32 character (position 16)",
        ),
        (ok.replace("SHA1", "MD5"), "unknown variant `MD5`"),
        (ok.replace("\"name\"", "\"nick\""), "unknown field `nick`"),
    ] {
        let err = serde_json::from_str::<Account>(&bad).unwrap_err();
        assert!(err.to_string().contains(words), "{err}");
    }
    let err = Account::new(OtpType::Totp, Secret::from_base32("AA").unwrap())
        .with_digits(11)
        .unwrap_err();
    assert_eq!(
        (err.code(), err.to_string().as_str()),
        ("bad_digits", "digits must be from 6 to 10, got 11")
    );
    let err = Account::new(OtpType::Totp, Secret::from_base32("AA").unwrap())
        .with_period(0)
        .unwrap_err();
    assert_eq!(err.code(), "bad_period");
    assert_eq!(
        Secret::from_base32("A").unwrap_err(),
        SecretError::BadLength { length: 1 }
    );
}

#[test]
fn same_entry_is_secret_issuer_and_name() {
    let a = import_text("otpauth://totp/X:a?secret=JBSWY3DPEHPK3PXP")
        .unwrap()
        .accounts
        .remove(0);
    let b = import_text("otpauth://totp/X:b?secret=JBSWY3DPEHPK3PXP")
        .unwrap()
        .accounts
        .remove(0);
    let a_sha256 = import_text("otpauth://totp/X:a?secret=JBSWY3DPEHPK3PXP&algorithm=SHA256")
        .unwrap()
        .accounts
        .remove(0);
    // Same secret + issuer + name is the same entry even with other parameters (what the vault's
    // import preview marks as a duplicate).
    assert!(a.same_entry(&a_sha256));
    assert!(!a.same_entry(&b));
}

#[test]
fn hotp_account_advances_and_verifies_look_ahead() {
    let mut a = import_text("otpauth://hotp/X:a?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=0")
        .unwrap()
        .accounts
        .remove(0);
    assert_eq!(a.code_at(12345).code.to_string(), "755224");
    assert_eq!(a.code_at(12345).remaining_secs, 0);
    a.advance_counter();
    assert_eq!(a.code_at(0).code.to_string(), "287082");
    // 755224 is counter 0: used up.
    assert_eq!(a.verify("755224", 0, 5), None);
    assert_eq!(a.verify("969429", 0, 5).unwrap().step, 3);
    a.rename(Some(String::new()), "renamed".into());
    assert_eq!((a.issuer(), a.name()), (None, "renamed"));
}
