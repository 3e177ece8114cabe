//! The accounts' logos for the list (module 2, "tools"): JavaScript's rows in, the core's choice
//! out ([`authbar_core::logo`]); the icons themselves are the extension's bundle
//! (`extension/logos/logos.json`), drawn by `extension/logos.js`.

use authbar_core::logo::{self, AccountLabel, Chosen, Colour, Logo, Matched};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::js::{from_js, to_js};

/// One account as the list has it (`listed()`'s fields), with the logo the user chose, if any.
#[derive(Deserialize)]
struct Row {
    id: u64,
    issuer: Option<String>,
    #[serde(default)]
    name: String,
    site: Option<String>,
    /// A brand's slug, or `"letter"`.
    logo: Option<String>,
}

/// One account's logo, as `extension/logos.js` draws it.
#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
enum Shown {
    Brand {
        id: u64,
        slug: &'static str,
        title: &'static str,
        hex: Colour,
        foreground: Colour,
        matched: Matched,
    },
    Letter {
        id: u64,
        letter: char,
        background: Colour,
        foreground: Colour,
    },
}

/// A brand for the picker.
#[derive(Serialize)]
struct Listed {
    slug: &'static str,
    title: &'static str,
    hex: Colour,
    foreground: Colour,
}

/// The logo of each account: takes `[{id, issuer, name, site, logo}]` (`name`, `site` and `logo`
/// may be left out; `logo` is the user's choice: a slug or `"letter"`) and returns, in the same
/// order, `{id, kind: "brand", slug, title, hex, foreground, matched}` or
/// `{id, kind: "letter", letter, background, foreground}` (colours as `#rrggbb`). Rows of another
/// shape throw `bad_fields`.
#[wasm_bindgen(js_name = logosOf)]
pub fn logos_of(rows: JsValue) -> Result<JsValue, JsValue> {
    let rows: Vec<Row> = from_js(&rows)?;
    let shown: Vec<Shown> = rows.iter().map(shown).collect();
    to_js(&shown)
}

/// Every brand Authbar has a logo for, sorted by slug: `[{slug, title, hex, foreground}]`.
#[wasm_bindgen(js_name = logoBrands)]
pub fn logo_brands() -> Result<JsValue, JsValue> {
    let listed: Vec<Listed> = logo::brands()
        .map(|brand| Listed {
            slug: brand.slug(),
            title: brand.title(),
            hex: brand.hex(),
            foreground: brand.foreground(),
        })
        .collect();
    to_js(&listed)
}

fn shown(row: &Row) -> Shown {
    let account = AccountLabel {
        issuer: row.issuer.as_deref(),
        name: &row.name,
        site: row.site.as_deref(),
        chosen: row.logo.as_deref().map(Chosen::from_stored),
    };
    match logo::logo(&account) {
        Logo::Brand { brand, matched } => Shown::Brand {
            id: row.id,
            slug: brand.slug(),
            title: brand.title(),
            hex: brand.hex(),
            foreground: brand.foreground(),
            matched,
        },
        Logo::Letter(letter) => Shown::Letter {
            id: row.id,
            letter: letter.letter,
            background: letter.background,
            foreground: letter.foreground,
        },
    }
}
