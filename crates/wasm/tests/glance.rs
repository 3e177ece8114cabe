//! Pins, logo choices and undo through the adapter (wasm-bindgen-test in headless Chromium): the
//! list's choices as JavaScript reads them, each error with its code, and a deletion, a replacement
//! and a backup's pins and logos put back.

#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used)]

use authbar_wasm::{Authbar, read_file};
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

/// Three accounts: GitHub (1), Bank (2), Mail (3).
fn three() -> Authbar {
    let mut a = Authbar::new(None).unwrap();
    for uri in [
        "otpauth://totp/GitHub:octocat?secret=JBSWY3DPEHPK3PXP&issuer=GitHub",
        "otpauth://totp/Bank:carol?secret=GEZDGNBVGY3TQOJQ&issuer=Bank",
        "otpauth://totp/Mail:erin?secret=ONSWG4TFOQQGC3TE&issuer=Mail",
    ] {
        a.preview_text(uri).unwrap();
        a.commit(JsValue::NULL).unwrap();
    }
    a
}

/// `choices()` as `id:pinned:logo` strings, in list order.
fn shown(a: &Authbar) -> Vec<String> {
    Array::from(&a.choices().unwrap())
        .iter()
        .map(|c| {
            format!(
                "{}:{}:{}",
                get(&c, "id").as_f64().unwrap(),
                get(&c, "pinned").as_bool().unwrap(),
                get(&c, "logo").as_string().unwrap_or_else(|| "-".into())
            )
        })
        .collect()
}

#[wasm_bindgen_test]
fn pins_and_logos_are_set_and_listed() {
    let mut a = three();
    assert_eq!(shown(&a), ["1:false:-", "2:false:-", "3:false:-"]);
    a.set_pinned(3.0, true).unwrap();
    a.set_logo(2.0, Some("revolut".into())).unwrap();
    a.set_logo(1.0, Some("letter".into())).unwrap();
    assert_eq!(shown(&a), ["3:true:-", "1:false:letter", "2:false:revolut"]);
    a.set_logo(1.0, None).unwrap();
    assert_eq!(shown(&a)[1], "1:false:-");
    // Errors name the value and the rule.
    let err = a.set_logo(2.0, Some("nosuchbrand".into())).unwrap_err();
    assert_eq!(code_of(err.clone()), "unknown_logo");
    assert_eq!(
        get(&get(&err, "params"), "found").as_string().unwrap(),
        "nosuchbrand"
    );
    assert_eq!(
        code_of(a.set_logo(2.0, Some("Not a slug".into())).unwrap_err()),
        "bad_logo"
    );
    assert_eq!(
        code_of(a.set_pinned(9.0, true).unwrap_err()),
        "no_such_entry"
    );
    assert_eq!(
        code_of(a.move_entry(1.0, 0).unwrap_err()),
        "move_across_pin"
    );
    assert_eq!(shown(&a)[2], "2:false:revolut", "nothing changed");
    // Stored and read back.
    let text = a.to_json().unwrap();
    let b = Authbar::new(Some(text.into())).unwrap();
    assert_eq!(shown(&b), shown(&a));
}

#[wasm_bindgen_test]
fn a_deletion_is_undone_once() {
    let mut a = three();
    a.set_pinned(2.0, true).unwrap();
    a.set_logo(2.0, Some("revolut".into())).unwrap();
    a.set_site(2.0, Some("bank.example".into())).unwrap();
    let before = a.to_json().unwrap();
    assert!(!a.can_undo());
    assert_eq!(code_of(a.undo().unwrap_err()), "nothing_to_undo");
    a.remove(2.0).unwrap();
    assert!(a.can_undo());
    assert_eq!(a.size(), 2);
    assert_eq!(a.undo().unwrap(), [2.0]);
    assert_eq!(
        a.to_json().unwrap(),
        before,
        "the same account, site, pin, order and logo"
    );
    assert!(!a.can_undo(), "used up");
    assert_eq!(code_of(a.undo().unwrap_err()), "nothing_to_undo");
    // Dropped when its time is over.
    a.remove(1.0).unwrap();
    a.drop_undo();
    assert_eq!(code_of(a.undo().unwrap_err()), "nothing_to_undo");
    assert_eq!(a.size(), 2);
}

#[wasm_bindgen_test]
fn a_replacement_is_undone_and_an_account_back_already_is_refused() {
    let mut a = three();
    let before = a.to_json().unwrap();
    a.preview_text("otpauth://totp/Bank:carol?secret=MFRGGZDFMZTWQ2LK&issuer=Bank")
        .unwrap();
    let replace = js_sys::JSON::parse(r#"[{"index": 0, "choice": {"replace": 2}}]"#).unwrap();
    a.commit(replace).unwrap();
    assert!(a.export_otpauth(None).unwrap().contains("MFRGGZDFMZTWQ2LK"));
    assert_eq!(a.undo().unwrap(), [2.0]);
    assert_eq!(a.to_json().unwrap(), before);
    // Deleted, then added again before undo: undo is refused, and nothing changes.
    a.remove(3.0).unwrap();
    a.preview_text("otpauth://totp/Mail:erin?secret=ONSWG4TFOQQGC3TE&issuer=Mail")
        .unwrap();
    a.commit(JsValue::NULL).unwrap();
    let again = a.to_json().unwrap();
    let err = a.undo().unwrap_err();
    assert_eq!(code_of(err.clone()), "already_back");
    assert_eq!(
        get(&get(&err, "params"), "id").as_string().as_deref(),
        Some("4"),
        "the error names the account that holds it again"
    );
    assert_eq!(a.to_json().unwrap(), again);
}

#[wasm_bindgen_test]
fn locking_forgets_what_undo_would_bring_back() {
    let mut a = three();
    a.set_passphrase("correct horse battery").unwrap();
    a.remove(1.0).unwrap();
    a.lock();
    assert!(!a.can_undo());
    a.unlock("correct horse battery").unwrap();
    assert_eq!(code_of(a.undo().unwrap_err()), "nothing_to_undo");
}

#[wasm_bindgen_test]
fn a_restored_backup_keeps_its_pins_logos_and_order() {
    let mut a = three();
    a.set_pinned(3.0, true).unwrap();
    a.set_logo(1.0, Some("letter".into())).unwrap();
    a.move_entry(2.0, 1).unwrap();
    let backup = a.export_backup("backup passphrase").unwrap();
    let read = read_file(backup.as_bytes(), Some("backup passphrase".into())).unwrap();
    let mut b = Authbar::new(None).unwrap();
    b.preview_read(&read).unwrap();
    b.commit(JsValue::NULL).unwrap();
    assert_eq!(shown(&b), ["1:true:-", "2:false:-", "3:false:letter"]);
    let names = |x: &Authbar| -> Vec<String> {
        Array::from(&x.listed().unwrap())
            .iter()
            .map(|r| get(&r, "name").as_string().unwrap())
            .collect()
    };
    assert_eq!(names(&b), names(&a));
    assert_eq!(names(&b), ["erin", "carol", "octocat"]);
    // Kept fields altered on the way are refused as damage.
    let bad = read.replace("\"logo\":\"letter\"", "\"logo\":\"Not A Logo\"");
    let preview = b.preview_read(&bad).unwrap();
    let problem = Array::from(&get(&preview, "problems")).get(0);
    assert_eq!(get(&problem, "code").as_string().unwrap(), "corrupt");
}
