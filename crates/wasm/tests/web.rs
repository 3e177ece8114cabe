//! The adapter in a real browser (wasm-bindgen-test in headless Chromium): JavaScript values in,
//! core results out, errors as `Error` objects with a `code`.

#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used)]

use authbar_wasm::{Authbar, qr_decode_rgba, qr_svg, read_file};
use js_sys::{Array, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &key.into()).unwrap()
}

fn code_of(err: JsValue) -> String {
    assert!(err.is_instance_of::<js_sys::Error>());
    get(&err, "code").as_string().unwrap()
}

#[wasm_bindgen_test]
fn text_import_preview_commit_and_codes() {
    let mut a = Authbar::new(None).unwrap();
    let preview = a
        .preview_text("otpauth://totp/ACME:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8")
        .unwrap();
    let accounts = Array::from(&get(&preview, "accounts"));
    assert_eq!(accounts.length(), 1);
    assert_eq!(get(&accounts.get(0), "issuer").as_string().unwrap(), "ACME");
    assert_eq!(get(&accounts.get(0), "duplicate").as_bool(), Some(false));
    assert_eq!(a.size(), 0);
    let report = a.commit(JsValue::NULL).unwrap();
    assert_eq!(Array::from(&get(&report, "ids")).length(), 1);
    assert_eq!(a.size(), 1);
    let id = Array::from(&get(&report, "ids")).get(0).as_f64().unwrap();
    // RFC 6238 at 59 s, 8 digits; 1 s (1000 ms) left in the step at 59.000. An id of no account is
    // left out.
    let codes = Array::from(&a.codes_of(&[id, 99.0], 59_000.0).unwrap());
    assert_eq!(codes.length(), 1);
    let c = codes.get(0);
    assert_eq!(get(&c, "id").as_f64(), Some(id));
    assert_eq!(get(&c, "code").as_string().unwrap(), "94287082");
    assert_eq!(get(&c, "remainingMs").as_f64(), Some(1000.0));
    assert_eq!(get(&c, "periodMs").as_f64(), Some(30_000.0));
    assert_eq!(
        get(
            &Array::from(&a.codes_of(&[id], 59_250.0).unwrap()).get(0),
            "remainingMs"
        )
        .as_f64(),
        Some(750.0)
    );
    // Stored text round-trips.
    let text = a.to_json().unwrap();
    let mut again = Authbar::new(Some(text.clone().into())).unwrap();
    assert_eq!(again.to_json().unwrap(), text);
}

#[wasm_bindgen_test]
fn errors_carry_codes() {
    let mut a = Authbar::new(None).unwrap();
    assert_eq!(
        code_of(
            a.preview_text("otpauth://totp/x?secret=JBSWY31P")
                .unwrap_err()
        ),
        "bad_base32"
    );
    assert_eq!(
        code_of(a.preview_text("hello").unwrap_err()),
        "not_authenticator"
    );
    let fields = js_sys::Object::new();
    Reflect::set(&fields, &"secret".into(), &"JBSWY3DPEHPK3PXP".into()).unwrap();
    Reflect::set(&fields, &"algorithm".into(), &"MD5".into()).unwrap();
    assert_eq!(
        code_of(a.preview_fields(fields.into()).unwrap_err()),
        "unknown_algorithm"
    );
    assert_eq!(
        code_of(qr_decode_rgba(&[255; 40], 2, 2).unwrap_err()),
        "bad_dimensions"
    );
    assert_eq!(
        code_of(
            a.preview_payloads(qr_decode_rgba(&[255; 4 * 64 * 64], 64, 64).unwrap(), false)
                .unwrap_err()
        ),
        "no_qr"
    );
    assert_eq!(code_of(a.remove(7.0).unwrap_err()), "no_such_entry");
    assert_eq!(
        code_of(Authbar::new(Some(r#"{"schema":9}"#.into())).unwrap_err()),
        "vault_future_schema"
    );
    assert_eq!(
        code_of(Authbar::new(Some("{".into())).unwrap_err()),
        "vault_corrupt"
    );
    // The stored text crosses as UTF-8 bytes; others are a damaged list, named where they break.
    let err = Authbar::new(Some(b"{\"schema\":1,\xff}".to_vec())).unwrap_err();
    assert_eq!(
        get(&get(&err, "params"), "detail").as_string().unwrap(),
        "it is not UTF-8 text (byte 13)"
    );
    assert_eq!(code_of(err), "vault_corrupt");
}

#[wasm_bindgen_test]
fn hotp_rename_remove_and_selection() {
    let mut a = Authbar::new(None).unwrap();
    a.preview_text("otpauth://hotp/Bank:c?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=0")
        .unwrap();
    a.commit(JsValue::NULL).unwrap();
    assert_eq!(a.next_hotp(1.0).unwrap(), "287082");
    a.rename(1.0, " My Bank ", "carol").unwrap();
    let accounts = Array::from(&a.accounts().unwrap());
    assert_eq!(
        get(&accounts.get(0), "issuer").as_string().unwrap(),
        "My Bank"
    );
    assert_eq!(get(&accounts.get(0), "counter").as_string().unwrap(), "1");
    // The list's view: the row's fields alone.
    let listed = Array::from(&a.listed().unwrap());
    assert_eq!(
        js_sys::JSON::stringify(&listed.get(0))
            .unwrap()
            .as_string()
            .unwrap(),
        r#"{"id":1,"type":"hotp","issuer":"My Bank","name":"carol","site":null}"#
    );
    // A preview of two; only the second is chosen.
    let export = "otpauth-migration://offline?data=CjcKFKy1UUMiPb5q0qsEJttt64eL2GqCEhF1c2VyMEBleGFtcGxlLmNvbRoGR2l0SHViIAEoATACCjcKFDf7bndpBukrCC3TvISDrDeZ7hcrEhF1c2VyMUBleGFtcGxlLmNvbRoGR29vZ2xlIAEoATACCjUKFJes3JZFboRSTnVA%2FJOFmKQtgG2kEhF1c2VyMkBleGFtcGxlLmNvbRoEQmFuayACKAIwAhABGAEo87jVsQQ%3D";
    let preview = a.preview_text(export).unwrap();
    assert_eq!(Array::from(&get(&preview, "accounts")).length(), 3);
    // A choice that does not fit the preview is refused with its code, and the preview stays.
    let stale = js_sys::JSON::parse(r#"[{"index": 9, "choice": "add"}]"#).unwrap();
    assert_eq!(code_of(a.commit(stale).unwrap_err()), "stale_preview");
    let second = js_sys::JSON::parse(r#"[{"index": 1, "choice": "add"}]"#).unwrap();
    a.commit(second).unwrap();
    let accounts = Array::from(&a.accounts().unwrap());
    assert_eq!(accounts.length(), 2);
    assert_eq!(
        get(&accounts.get(1), "name").as_string().unwrap(),
        "user1@example.com"
    );
    a.remove(1.0).unwrap();
    assert_eq!(Array::from(&a.accounts().unwrap()).length(), 1);
}

#[wasm_bindgen_test]
fn passphrase_lock_unlock_and_their_error_codes() {
    let mut a = Authbar::new(None).unwrap();
    a.preview_text("otpauth://totp/ACME:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
        .unwrap();
    a.commit(JsValue::NULL).unwrap();
    assert!(!a.protected() && !a.locked());
    assert_eq!(
        code_of(a.set_passphrase("short").unwrap_err()),
        "passphrase_too_short"
    );
    let held = a.set_passphrase("correct horse battery").unwrap();
    assert_eq!(
        code_of(a.set_passphrase("another one!").unwrap_err()),
        "already_protected"
    );
    let stored = a.to_json().unwrap();
    assert!(!stored.contains("GEZDGNBV"));
    // Each save encrypts under a fresh nonce.
    assert_ne!(a.to_json().unwrap(), stored);

    // A new popup: locked until the passphrase or the held key opens it.
    let mut b = Authbar::new(Some(stored.clone().into())).unwrap();
    assert!(b.protected() && b.locked());
    assert_eq!(code_of(b.accounts().unwrap_err()), "locked");
    assert_eq!(code_of(b.listed().unwrap_err()), "locked");
    assert_eq!(code_of(b.to_json().unwrap_err()), "locked");
    assert_eq!(
        code_of(b.unlock("wrong passphrase").unwrap_err()),
        "wrong_passphrase"
    );
    assert!(b.locked());
    b.unlock_with_key(&held).unwrap();
    assert_eq!(Array::from(&b.accounts().unwrap()).length(), 1);
    assert!(b.reads_back(&stored));
    b.lock();
    assert!(b.locked());
    assert_eq!(b.unlock("correct horse battery").unwrap(), held);

    // Changing keeps the data key (held keys keep working); removing needs the passphrase.
    assert_eq!(
        code_of(
            b.change_passphrase("nope nope", "new passphrase")
                .unwrap_err()
        ),
        "wrong_passphrase"
    );
    b.change_passphrase("correct horse battery", "new passphrase")
        .unwrap();
    let changed = b.to_json().unwrap();
    let mut c = Authbar::new(Some(changed.into())).unwrap();
    c.unlock_with_key(&held).unwrap();
    assert_eq!(
        code_of(c.remove_passphrase("correct horse battery").unwrap_err()),
        "wrong_passphrase"
    );
    c.remove_passphrase("new passphrase").unwrap();
    assert!(!c.protected());
    assert!(c.to_json().unwrap().contains("GEZDGNBV"));

    // Damage and the future are refused with their codes.
    assert_eq!(
        code_of(Authbar::new(Some(stored[..stored.len() - 30].into())).unwrap_err()),
        "sealed_corrupt"
    );
    let future = stored.replacen("\"version\": 1", "\"version\": 7", 1);
    assert_eq!(
        code_of(Authbar::new(Some(future.into())).unwrap_err()),
        "sealed_future_version"
    );
    assert_eq!(
        code_of(
            Authbar::new(Some(stored.into()))
                .unwrap()
                .unlock_with_key("AAAA")
                .unwrap_err()
        ),
        "sealed_corrupt"
    );
}

#[wasm_bindgen_test]
fn backups_need_their_passphrase() {
    let mut a = Authbar::new(None).unwrap();
    a.preview_text("otpauth://hotp/Mail:carol?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=7")
        .unwrap();
    a.commit(JsValue::NULL).unwrap();
    let backup = a.export_backup("backup passphrase").unwrap();
    let mut b = Authbar::new(None).unwrap();
    assert_eq!(
        code_of(read_file(backup.as_bytes(), None).unwrap_err()),
        "password_required"
    );
    assert_eq!(
        code_of(read_file(backup.as_bytes(), Some("wrong passphrase".into())).unwrap_err()),
        "wrong_password"
    );
    let read = read_file(backup.as_bytes(), Some("backup passphrase".into())).unwrap();
    let preview = b.preview_read(&read).unwrap();
    let accounts = Array::from(&get(&preview, "accounts"));
    assert_eq!(get(&accounts.get(0), "counter").as_string().unwrap(), "7");
}

#[wasm_bindgen_test]
fn same_name_can_replace_and_exports_read_back() {
    let mut a = Authbar::new(None).unwrap();
    a.preview_text("otpauth://totp/Bank:carol?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
        .unwrap();
    a.commit(JsValue::NULL).unwrap();
    // The same issuer and name with another secret (a second set-up page): offered as a replacement.
    let preview = a
        .preview_text("otpauth://totp/Bank:carol?secret=JBSWY3DPEHPK3PXP")
        .unwrap();
    let incoming = Array::from(&get(&preview, "accounts")).get(0);
    assert_eq!(get(&incoming, "status").as_string().unwrap(), "sameName");
    let replace = js_sys::JSON::parse(r#"[{"index": 0, "choice": {"replace": 1}}]"#).unwrap();
    let report = a.commit(replace).unwrap();
    assert_eq!(Array::from(&get(&report, "replaced")).length(), 1);
    assert_eq!(Array::from(&a.accounts().unwrap()).length(), 1);
    assert!(
        a.export_otpauth(None)
            .unwrap()
            .contains("secret=JBSWY3DPEHPK3PXP")
    );
    let svg = qr_svg(&a.account_uri(1.0).unwrap()).unwrap();
    assert!(svg.starts_with("<svg"), "{svg}");
    let export = a.export_migration(None, 42).unwrap();
    let part = Array::from(&get(&export, "parts")).get(0);
    assert!(
        get(&part, "uri")
            .as_string()
            .unwrap()
            .starts_with("otpauth-migration://offline?data=")
    );
    assert_eq!(code_of(a.account_uri(9.0).unwrap_err()), "no_such_entry");
}

/// The two modules meet only through JavaScript text: a file read by the tools module is previewed
/// by the codes module with the reader's skipped entries listed, and text altered on the way is
/// refused with its own code rather than read as something else.
#[wasm_bindgen_test]
fn a_read_file_crosses_to_the_codes_module_as_text() {
    let file = "otpauth://totp/ACME:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\nnot a link\n";
    let read = read_file(file.as_bytes(), None).unwrap();
    let mut a = Authbar::new(None).unwrap();
    let preview = a.preview_read(&read).unwrap();
    assert_eq!(Array::from(&get(&preview, "accounts")).length(), 1);
    let skipped = Array::from(&get(&preview, "skipped"));
    assert_eq!(skipped.length(), 1);
    let skip = skipped.get(0);
    assert_eq!(get(&skip, "code").as_string().unwrap(), "not_authenticator");
    assert_eq!(get(&skip, "source").as_f64(), Some(0.0));
    assert!(!get(&skip, "message").as_string().unwrap().is_empty());
    a.commit(JsValue::NULL).unwrap();
    assert_eq!(Array::from(&a.accounts().unwrap()).length(), 1);

    assert_eq!(
        code_of(a.preview_read("{\"accounts\": 3}").unwrap_err()),
        "bad_file_read"
    );
    // An account that breaks a rule on the way (4 digits) is refused as a stored one would be.
    let bad = read.replace("\"digits\":6", "\"digits\":4");
    assert_ne!(bad, read);
    let err = a.preview_read(&bad).unwrap_err();
    let message = get(&err, "message").as_string().unwrap();
    assert_eq!(code_of(err), "bad_file_read");
    assert!(message.contains("column"), "{message}");
    // A secret that breaks the rules on the way is refused without being repeated.
    let bad_secret = read.replace(
        "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
        "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ1",
    );
    let err = a.preview_read(&bad_secret).unwrap_err();
    let message = get(&err, "message").as_string().unwrap();
    assert!(!message.contains("GEZDGNBV"), "{message}");
    assert_eq!(code_of(err), "bad_file_read");
    assert_eq!(code_of(a.commit(JsValue::NULL).unwrap_err()), "no_preview");
}

/// QR payloads (what `qrDecodeRgba` returns) preview as the one QR rule says: a web link is a
/// problem of the preview, not an error, and images add up with `append`.
#[wasm_bindgen_test]
fn qr_payloads_preview_and_append() {
    let mut a = Authbar::new(None).unwrap();
    let first = vec!["otpauth://totp/A:a?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ".to_string()];
    a.preview_payloads(first, false).unwrap();
    let second = vec![
        "https://example.com/".to_string(),
        "otpauth://totp/B:b?secret=JBSWY3DPEHPK3PXP".to_string(),
    ];
    let preview = a.preview_payloads(second, true).unwrap();
    assert_eq!(Array::from(&get(&preview, "accounts")).length(), 2);
    assert_eq!(get(&preview, "qrCount").as_f64(), Some(3.0));
    let problems = Array::from(&get(&preview, "problems"));
    assert_eq!(
        get(&problems.get(0), "code").as_string().unwrap(),
        "not_authenticator"
    );
    // An empty image appended keeps the preview; a choice of the wrong shape keeps it too.
    assert_eq!(
        code_of(a.preview_payloads(Vec::new(), true).unwrap_err()),
        "no_qr"
    );
    assert_eq!(
        code_of(a.commit(JsValue::from_str("everything")).unwrap_err()),
        "bad_fields"
    );
    let report = a.commit(JsValue::NULL).unwrap();
    assert_eq!(Array::from(&get(&report, "ids")).length(), 2);
    assert_eq!(
        code_of(qr_svg(&"x".repeat(8000)).unwrap_err()),
        "qr_too_long"
    );
}
