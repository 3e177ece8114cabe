//! The accounts of the tab's site come first: stored sites, then issuers naming the site; a site is
//! stored in schema 2, and a vault without sites stays readable by schema-1 versions.

#![allow(clippy::unwrap_used)] // tests may panic on what they check

use authbar_core::site::SiteMatch;
use authbar_core::{Coded, Vault, VaultError, import_text};

fn vault() -> Vault {
    let mut v = Vault::new();
    for uri in [
        "otpauth://totp/GitHub:octocat?secret=JBSWY3DPEHPK3PXP&issuer=GitHub",
        "otpauth://totp/Bank:carol?secret=GEZDGNBVGY3TQOJQ&issuer=Bank",
        "otpauth://totp/GitHub:work?secret=KRSXG5CTMVRXEZLU&issuer=GitHub",
    ] {
        v.add(import_text(uri).unwrap().accounts);
    }
    v
}

#[test]
fn stored_sites_come_first_then_issuers_naming_the_site() {
    let mut v = vault();
    assert_eq!(
        v.matching("github.com").unwrap(),
        vec![(1, SiteMatch::Issuer), (3, SiteMatch::Issuer)]
    );
    v.set_site(3, Some("GitHub.com")).unwrap();
    assert_eq!(
        v.matching("www.github.com").unwrap(),
        vec![(3, SiteMatch::Stored), (1, SiteMatch::Issuer)]
    );
    v.set_site(2, Some("ib.bank.example")).unwrap();
    assert_eq!(
        v.matching("bank.example").unwrap(),
        vec![(2, SiteMatch::Stored)]
    );
    assert!(v.matching("example.org").unwrap().is_empty());
}

#[test]
fn a_site_is_stored_in_schema_2_and_read_back() {
    let mut v = vault();
    assert!(
        v.to_json().starts_with(r#"{"schema":1,"#),
        "no site yet: schema 1"
    );
    v.set_site(2, Some("127.0.0.1")).unwrap();
    let text = v.to_json();
    assert!(text.starts_with(r#"{"schema":2,"#));
    assert!(text.contains(r#""site":"127.0.0.1""#));
    let back = Vault::from_json(&text).unwrap();
    assert_eq!(back, v);
    assert_eq!(back.views()[1].site.as_deref(), Some("127.0.0.1"));
    // Untying the last site writes schema 1 again.
    v.set_site(2, None).unwrap();
    assert!(v.to_json().starts_with(r#"{"schema":1,"#));
}

#[test]
fn a_schema_1_vault_with_a_site_is_refused_as_corrupt() {
    let mut v = vault();
    v.set_site(1, Some("github.com")).unwrap();
    let forged = v
        .to_json()
        .replacen(r#"{"schema":2,"#, r#"{"schema":1,"#, 1);
    let err = Vault::from_json(&forged).unwrap_err();
    assert_eq!(err.code(), "vault_corrupt");
}

#[test]
fn a_bad_site_or_entry_is_refused_by_name() {
    let mut v = vault();
    let err = v.set_site(1, Some("https://github.com/")).unwrap_err();
    assert_eq!(
        err,
        VaultError::BadSite {
            host: "https://github.com/".into()
        }
    );
    assert!(
        err.to_string()
            .contains("'https://github.com/' is not a site")
    );
    assert_eq!(
        v.set_site(9, Some("github.com")).unwrap_err().code(),
        "no_such_entry"
    );
    assert_eq!(v.matching("").unwrap_err().code(), "bad_site");
}

#[test]
fn the_listed_entries_are_the_views_id_type_issuer_name_and_site_and_nothing_more() {
    let mut v = vault();
    v.set_site(2, Some("ib.bank.example")).unwrap();
    let hotp = "otpauth://hotp/nameless?secret=JBSWY3DPEHPK3PXP&counter=7";
    v.add(import_text(hotp).unwrap().accounts);
    let listed = v.listed();
    let views = v.views();
    assert_eq!(listed.len(), views.len());
    for (l, e) in listed.iter().zip(&views) {
        assert_eq!(
            (l.id, l.otp_type, l.issuer, l.name, l.site),
            (
                e.id,
                e.account.otp_type,
                e.account.issuer.as_deref(),
                e.account.name.as_str(),
                e.site.as_deref()
            )
        );
    }
    assert_eq!(
        serde_json::to_string(&listed[1]).unwrap(),
        r#"{"id":2,"type":"totp","issuer":"Bank","name":"carol","site":"ib.bank.example"}"#
    );
    assert_eq!(
        serde_json::to_string(&listed[3]).unwrap(),
        r#"{"id":4,"type":"hotp","issuer":null,"name":"nameless","site":null}"#
    );
}
