//! Table-driven tests over the reference vectors in `tests/vectors/` (copied from the shared set; see
//! its README for how each file was produced).

#![allow(clippy::unwrap_used)] // tests may panic on what they check

use std::path::PathBuf;

use authbar_core::migration::{self, Unsupported};
use authbar_core::otp::{hotp, totp};
use authbar_core::{Algorithm, Coded, OtpType, Secret, uri};
use serde_json::Value;

fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors")
}

fn read_jsonl(name: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(vectors_dir().join(name)).unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} missing in {v}"))
}

fn u(v: &Value, key: &str) -> u64 {
    v[key]
        .as_u64()
        .unwrap_or_else(|| panic!("{key} missing in {v}"))
}

fn algorithm(name: &str) -> Algorithm {
    Algorithm::from_name(name).unwrap()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn totp_jsonl_every_vector() {
    let vectors = read_jsonl("totp.jsonl");
    assert_eq!(vectors.len(), 2000);
    for v in &vectors {
        let secret = Secret::from_base32(s(v, "secret_base32")).unwrap();
        assert_eq!(hex(secret.as_bytes()), s(v, "secret_hex"), "{}", s(v, "id"));
        let digits = u(v, "digits") as u8;
        let got = totp(
            &secret,
            algorithm(s(v, "algorithm")),
            digits,
            u(v, "period"),
            u(v, "unix_time"),
        );
        assert_eq!(
            got.code.to_string(),
            s(v, "expected_code"),
            "{}",
            s(v, "id")
        );
        assert_eq!(got.step, u(v, "counter"), "{}", s(v, "id"));
        let period = u(v, "period");
        assert_eq!(got.remaining_secs, period - u(v, "unix_time") % period);
    }
}

#[test]
fn rfc_appendix_vectors() {
    let text = std::fs::read_to_string(vectors_dir().join("rfc.json")).unwrap();
    let rfc: Value = serde_json::from_str(&text).unwrap();
    let totps = rfc["rfc6238_totp"].as_array().unwrap();
    assert_eq!(totps.len(), 18);
    for v in totps {
        let secret = Secret::from_base32(s(v, "secret_base32")).unwrap();
        assert_eq!(secret.as_bytes(), s(v, "secret_ascii").as_bytes());
        let got = totp(
            &secret,
            algorithm(s(v, "algorithm")),
            u(v, "digits") as u8,
            u(v, "period"),
            u(v, "unix_time"),
        );
        assert_eq!(got.code.to_string(), s(v, "expected_code"));
        assert_eq!(
            format!("{:016X}", got.step),
            s(v, "counter_hex").to_uppercase()
        );
    }
    let hotps = rfc["rfc4226_hotp"].as_array().unwrap();
    assert_eq!(hotps.len(), 10);
    for v in hotps {
        let secret = Secret::from_bytes(s(v, "secret_ascii").as_bytes().to_vec()).unwrap();
        let code = hotp(&secret, Algorithm::Sha1, 6, u(v, "counter"));
        assert_eq!(code.to_string(), s(v, "expected_code"));
        // The 31-bit truncated value survives with 10 digits.
        let full = hotp(&secret, Algorithm::Sha1, 10, u(v, "counter"));
        assert_eq!(full.value(), u(v, "truncated_decimal"));
    }
}

fn opt_str(v: &Value) -> Option<&str> {
    v.as_str()
}

#[test]
fn otpauth_uris_valid_and_invalid() {
    let cases = read_jsonl("otpauth-uris.jsonl");
    assert_eq!(cases.len(), 106);
    let (mut valid, mut invalid) = (0, 0);
    for case in &cases {
        let id = s(case, "id");
        let result = uri::parse(s(case, "uri"));
        if case["valid"].as_bool().unwrap() {
            valid += 1;
            let parsed = result.unwrap_or_else(|e| panic!("{id}: {e}"));
            let e = &case["expected"];
            let a = &parsed.account;
            assert_eq!(a.otp_type().as_str(), s(e, "type"), "{id}");
            assert_eq!(parsed.label, s(e, "label"), "{id}");
            assert_eq!(a.name(), s(e, "account"), "{id}");
            assert_eq!(
                parsed.label_issuer.as_deref(),
                opt_str(&e["label_issuer"]),
                "{id}"
            );
            assert_eq!(
                parsed.issuer_param.as_deref(),
                opt_str(&e["issuer_param"]),
                "{id}"
            );
            assert_eq!(a.issuer(), opt_str(&e["issuer"]), "{id}");
            assert_eq!(
                parsed.issuer_mismatch,
                e["issuer_mismatch"].as_bool().unwrap(),
                "{id}"
            );
            assert_eq!(a.secret().to_base32(), s(e, "secret"), "{id}");
            assert_eq!(hex(a.secret().as_bytes()), s(e, "secret_hex"), "{id}");
            assert_eq!(a.algorithm().as_str(), s(e, "algorithm"), "{id}");
            assert_eq!(u64::from(a.digits()), u(e, "digits"), "{id}");
            match a.otp_type() {
                // No vector file holds a Steam URI (Steam is tested in import_ae.rs and uri.rs).
                OtpType::Totp | OtpType::Steam => {
                    assert_eq!(a.period(), u(e, "period"), "{id}");
                    assert!(e["counter"].is_null(), "{id}");
                }
                OtpType::Hotp => {
                    assert_eq!(a.counter(), u(e, "counter"), "{id}");
                    assert!(e["period"].is_null(), "{id}");
                }
            }
            // What we format parses back to the same account.
            let again =
                uri::parse(&uri::format(a)).unwrap_or_else(|e| panic!("{id} round trip: {e}"));
            assert_eq!(&again.account, a, "{id} round trip");
        } else {
            invalid += 1;
            let err = result.expect_err(id);
            assert_eq!(
                err.code(),
                s(case, "error"),
                "{id}: {err} (expected: {})",
                s(case, "reason")
            );
            assert!(!err.to_string().is_empty());
        }
    }
    assert_eq!((valid, invalid), (73, 33));
}

#[test]
fn migration_samples() {
    let cases = read_jsonl("migration.jsonl");
    assert_eq!(cases.len(), 23);
    let mut accounts_seen = 0;
    for case in &cases {
        let id = s(case, "id");
        let result = migration::parse(s(case, "uri"));
        if !case["valid"].as_bool().unwrap() {
            let err = result.expect_err(id);
            assert_eq!(err.code(), s(case, "error"), "{id}: {err}");
            continue;
        }
        let batch = result.unwrap_or_else(|e| panic!("{id}: {e}"));
        let e = &case["expected"];
        assert_eq!(
            i64::from(batch.version),
            e["version"].as_i64().unwrap(),
            "{id}"
        );
        assert_eq!(
            i64::from(batch.batch_size),
            e["batch_size"].as_i64().unwrap(),
            "{id}"
        );
        assert_eq!(
            i64::from(batch.batch_index),
            e["batch_index"].as_i64().unwrap(),
            "{id}"
        );
        assert_eq!(
            i64::from(batch.batch_id),
            e["batch_id"].as_i64().unwrap(),
            "{id}"
        );
        let expected = e["accounts"].as_array().unwrap();
        assert_eq!(batch.entries.len(), expected.len(), "{id}");
        for (entry, want) in batch.entries.iter().zip(expected) {
            accounts_seen += 1;
            assert_eq!(entry.name, s(want, "name"), "{id}");
            assert_eq!(entry.issuer, s(want, "issuer"), "{id}");
            if !want["supported"].as_bool().unwrap() {
                assert_eq!(s(want, "algorithm"), "MD5", "{id}");
                assert_eq!(entry.account, Err(Unsupported::Md5), "{id}");
                continue;
            }
            let a = entry
                .account
                .as_ref()
                .unwrap_or_else(|r| panic!("{id}: {r}"));
            assert_eq!(hex(a.secret().as_bytes()), s(want, "secret_hex"), "{id}");
            assert_eq!(a.secret().to_base32(), s(want, "secret_base32"), "{id}");
            assert_eq!(a.algorithm().as_str(), s(want, "algorithm"), "{id}");
            assert_eq!(u64::from(a.digits()), u(want, "digits"), "{id}");
            assert_eq!(a.otp_type().as_str(), s(want, "type"), "{id}");
            // The account's name loses a matching "Issuer:" prefix; its issuer is the entry's or the prefix.
            let tail = s(want, "name")
                .rsplit_once(':')
                .map_or(s(want, "name"), |(_, t)| t);
            assert!(
                a.name() == s(want, "name") || a.name() == tail,
                "{id}: {}",
                a.name()
            );
            let check = &want["check"];
            match a.otp_type() {
                OtpType::Totp | OtpType::Steam => {
                    assert_eq!(a.period(), u(check, "period"));
                    assert_eq!(
                        a.code_at(u(check, "unix_time")).code.to_string(),
                        s(check, "code"),
                        "{id}"
                    );
                }
                OtpType::Hotp => {
                    assert_eq!(a.counter(), u(want, "counter"), "{id}");
                    assert_eq!(a.counter(), u(check, "counter"), "{id}");
                    assert_eq!(a.code_at(0).code.to_string(), s(check, "code"), "{id}");
                }
            }
        }
    }
    assert_eq!(accounts_seen, 35);
}
