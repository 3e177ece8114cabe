//! `logosOf` and `logoBrands` in a real browser (wasm-bindgen-test in headless Chromium): rows in
//! as plain objects, the core's choice out, and rows of another shape refused with `bad_fields`.

#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used)]

use authbar_wasm::{logo_brands, logos_of};
use js_sys::{Array, JSON, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &key.into()).unwrap()
}

fn text(v: &JsValue, key: &str) -> String {
    get(v, key).as_string().unwrap_or_default()
}

#[wasm_bindgen_test]
fn logos_of_gives_each_row_its_brand_or_letter_in_order() {
    let rows = JSON::parse(
        r#"[{"id": 7, "issuer": "GitHub", "name": "alice", "site": null},
            {"id": 8, "issuer": "ACME", "name": "bob", "site": "accounts.google.com"},
            {"id": 9, "issuer": "GitHub", "name": "alice", "logo": "letter"},
            {"id": 10, "issuer": null, "name": "erin@example.com"}]"#,
    )
    .unwrap();
    let shown = Array::from(&logos_of(rows).unwrap());
    assert_eq!(shown.length(), 4);
    let github = shown.get(0);
    assert_eq!(get(&github, "id").as_f64(), Some(7.0));
    assert_eq!(
        [
            text(&github, "kind"),
            text(&github, "slug"),
            text(&github, "title")
        ],
        ["brand", "github", "GitHub"]
    );
    assert_eq!(
        [
            text(&github, "hex"),
            text(&github, "foreground"),
            text(&github, "matched")
        ],
        ["#181717", "#ffffff", "issuer"]
    );
    let google = shown.get(1);
    assert_eq!(
        [text(&google, "slug"), text(&google, "matched")],
        ["google", "site"]
    );
    for (i, letter) in [(2, "G"), (3, "E")] {
        let row = shown.get(i);
        assert_eq!(
            [text(&row, "kind"), text(&row, "letter")],
            ["letter", letter]
        );
        assert!(text(&row, "background").starts_with('#'));
        assert_eq!(text(&row, "foreground"), "#ffffff");
        assert!(get(&row, "slug").is_undefined());
    }
}

#[wasm_bindgen_test]
fn rows_of_another_shape_are_bad_fields() {
    for bad in [
        r#"{"id": 1}"#,
        r#"[{"issuer": "GitHub"}]"#,
        r#"[{"id": "one"}]"#,
    ] {
        let err = logos_of(JSON::parse(bad).unwrap()).unwrap_err();
        assert!(err.is_instance_of::<js_sys::Error>(), "{bad}");
        assert_eq!(
            get(&err, "code").as_string().unwrap(),
            "bad_fields",
            "{bad}"
        );
    }
}

#[wasm_bindgen_test]
fn logo_brands_lists_every_brand_for_the_picker() {
    let brands = Array::from(&logo_brands().unwrap());
    assert!(brands.length() >= 300, "{}", brands.length());
    let github = brands.iter().find(|b| text(b, "slug") == "github").unwrap();
    assert_eq!(
        [
            text(&github, "title"),
            text(&github, "hex"),
            text(&github, "foreground")
        ],
        ["GitHub", "#181717", "#ffffff"]
    );
}
