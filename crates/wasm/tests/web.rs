//! The adapter in a real browser (wasm-bindgen-test in headless Chromium): JavaScript values in,
//! core results out, errors as `Error` objects with a `code`.

#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used)]

use authbar_wasm::Authbar;
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
    let report = a.commit(None).unwrap();
    assert_eq!(get(&report, "added").as_f64(), Some(1.0));
    // RFC 6238 at 59 s, 8 digits; 1 s (1000 ms) left in the step at 59.000.
    let codes = Array::from(&a.codes(59_000.0).unwrap());
    let c = codes.get(0);
    assert_eq!(get(&c, "code").as_string().unwrap(), "94287082");
    assert_eq!(get(&c, "remainingMs").as_f64(), Some(1000.0));
    assert_eq!(get(&c, "periodMs").as_f64(), Some(30_000.0));
    assert_eq!(
        get(
            &Array::from(&a.codes(59_250.0).unwrap()).get(0),
            "remainingMs"
        )
        .as_f64(),
        Some(750.0)
    );
    // Stored text round-trips.
    let again = Authbar::new(Some(a.to_json())).unwrap();
    assert_eq!(again.to_json(), a.to_json());
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
        code_of(a.preview_qr(&[255; 40], 2, 2, false).unwrap_err()),
        "bad_dimensions"
    );
    assert_eq!(
        code_of(
            a.preview_qr(&[255; 4 * 64 * 64], 64, 64, false)
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
}

#[wasm_bindgen_test]
fn hotp_rename_remove_and_selection() {
    let mut a = Authbar::new(None).unwrap();
    a.preview_text("otpauth://hotp/Bank:c?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=0")
        .unwrap();
    a.commit(None).unwrap();
    assert_eq!(a.next_hotp(1.0).unwrap(), "287082");
    a.rename(1.0, " My Bank ", "carol").unwrap();
    let accounts = Array::from(&a.accounts().unwrap());
    assert_eq!(
        get(&accounts.get(0), "issuer").as_string().unwrap(),
        "My Bank"
    );
    assert_eq!(get(&accounts.get(0), "counter").as_string().unwrap(), "1");
    // A preview of two; only the second is chosen.
    let export = "otpauth-migration://offline?data=CjcKFKy1UUMiPb5q0qsEJttt64eL2GqCEhF1c2VyMEBleGFtcGxlLmNvbRoGR2l0SHViIAEoATACCjcKFDf7bndpBukrCC3TvISDrDeZ7hcrEhF1c2VyMUBleGFtcGxlLmNvbRoGR29vZ2xlIAEoATACCjUKFJes3JZFboRSTnVA%2FJOFmKQtgG2kEhF1c2VyMkBleGFtcGxlLmNvbRoEQmFuayACKAIwAhABGAEo87jVsQQ%3D";
    let preview = a.preview_text(export).unwrap();
    assert_eq!(Array::from(&get(&preview, "accounts")).length(), 3);
    a.commit(Some(vec![1])).unwrap();
    let accounts = Array::from(&a.accounts().unwrap());
    assert_eq!(accounts.length(), 2);
    assert_eq!(
        get(&accounts.get(1), "name").as_string().unwrap(),
        "user1@example.com"
    );
    a.remove(1.0).unwrap();
    assert_eq!(Array::from(&a.accounts().unwrap()).length(), 1);
}
