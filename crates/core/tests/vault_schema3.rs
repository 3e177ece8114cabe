//! Schema 3: pins, the user's own order (order keys), logo choices, and what sync needs of each entry
//! (uid, version, tombstones). A vault that uses none of it and has never synced is still written in
//! schema 1 or 2, so older versions keep reading it.

#![allow(clippy::unwrap_used)] // tests may panic on what they check

use authbar_core::vault::{LETTER, Uid, Version};
use authbar_core::{Coded, Vault, VaultError, import_text};

const URIS: [&str; 4] = [
    "otpauth://totp/GitHub:octocat?secret=JBSWY3DPEHPK3PXP&issuer=GitHub",
    "otpauth://totp/Bank:carol?secret=GEZDGNBVGY3TQOJQ&issuer=Bank",
    "otpauth://hotp/Shop:dave?secret=KRSXG5CTMVRXEZLU&issuer=Shop&counter=3",
    "otpauth://totp/Mail:erin?secret=ONSWG4TFOQQGC3TEEBZWKY3SMV2CAMJS&issuer=Mail",
];

fn vault() -> Vault {
    let mut v = Vault::new();
    for uri in URIS {
        v.add(import_text(uri).unwrap().accounts);
    }
    v
}

fn ids(v: &Vault) -> Vec<u64> {
    v.entries().iter().map(|e| e.id).collect()
}

/// `v` as a copy that syncs (device 7, clock 10): its text in schema 3 with a replica.
fn replicated(v: &Vault) -> Vault {
    let mut json: serde_json::Value = serde_json::from_str(&v.to_json()).unwrap();
    json["schema"] = 3.into();
    for (entry, e) in json["entries"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .zip(v.entries())
    {
        entry["uid"] = e.uid.to_string().into();
        entry["version"] = serde_json::json!({"clock": 0, "device": 0});
        entry["order"] = e.order.clone().into();
    }
    json["replica"] = serde_json::json!({"device": 7, "clock": 10});
    Vault::from_json(&json.to_string()).unwrap()
}

#[test]
fn a_vault_that_uses_nothing_of_schema_3_is_written_in_schema_1_after_any_change() {
    let mut v = vault();
    v.move_entry(4, 0).unwrap();
    v.rename(1, Some("GitHub".into()), "renamed".into())
        .unwrap();
    v.next_hotp(3).unwrap();
    v.remove(2).unwrap();
    let text = v.to_json();
    assert!(text.starts_with(r#"{"schema":1,"#), "{text}");
    assert!(!text.contains("uid") && !text.contains("order"), "{text}");
    let back = Vault::from_json(&text).unwrap();
    assert_eq!(back, v);
    assert_eq!(ids(&back), vec![4, 1, 3]);
    assert!(
        v.tombstones().is_empty(),
        "no tombstones before the vault syncs"
    );
    assert!(v.entries().iter().all(|e| e.version == Version::ZERO));
}

#[test]
fn pins_come_first_and_are_stored_in_schema_3() {
    let mut v = vault();
    v.set_pinned(3, true).unwrap();
    assert_eq!(ids(&v), vec![3, 1, 2, 4]);
    v.set_pinned(4, true).unwrap();
    assert_eq!(ids(&v), vec![3, 4, 1, 2], "a new pin is the last pinned");
    v.set_pinned(3, false).unwrap();
    assert_eq!(
        ids(&v),
        vec![4, 3, 1, 2],
        "an unpinned one is the first of the others"
    );
    let text = v.to_json();
    assert!(text.starts_with(r#"{"schema":3,"#), "{text}");
    assert!(text.contains(r#""pinned":true"#));
    let back = Vault::from_json(&text).unwrap();
    assert_eq!(back, v);
    // Unpinning the last one writes schema 1 again.
    v.set_pinned(4, false).unwrap();
    assert!(v.to_json().starts_with(r#"{"schema":1,"#));
}

#[test]
fn a_pinned_account_moves_only_among_the_pinned() {
    let mut v = vault();
    v.set_pinned(2, true).unwrap();
    v.set_pinned(4, true).unwrap();
    assert_eq!(ids(&v), vec![2, 4, 1, 3]);
    v.move_entry(4, 0).unwrap();
    assert_eq!(ids(&v), vec![4, 2, 1, 3]);
    v.move_entry(3, 2).unwrap();
    assert_eq!(ids(&v), vec![4, 2, 3, 1]);
    let before = v.clone();
    let err = v.move_entry(4, 3).unwrap_err();
    assert_eq!(
        err,
        VaultError::MoveAcrossPin {
            index: 3,
            pinned: true,
            first: 0,
            last: 1
        }
    );
    assert_eq!(err.code(), "move_across_pin");
    assert_eq!(err.params().get("variant"), Some("pinned"));
    assert_eq!(
        err.to_string(),
        "a pinned account moves among the pinned ones, positions 0 to 1, not to 3: unpin it first"
    );
    let err = v.move_entry(1, 0).unwrap_err();
    assert_eq!(err.params().get("variant"), Some("unpinned"));
    assert!(
        err.to_string().contains("positions 2 to 3, not to 0"),
        "{err}"
    );
    assert_eq!(v, before);
}

#[test]
fn a_logo_is_a_slug_or_the_letter() {
    let mut v = vault();
    v.set_logo(1, Some("github")).unwrap();
    v.set_logo(2, Some(LETTER)).unwrap();
    let text = v.to_json();
    assert!(text.starts_with(r#"{"schema":3,"#));
    let back = Vault::from_json(&text).unwrap();
    assert_eq!(back.entries()[0].logo.as_deref(), Some("github"));
    assert_eq!(back.entries()[1].logo.as_deref(), Some("letter"));
    let before = v.clone();
    for bad in ["", "GitHub", "git hub", "a/b", &"x".repeat(65)] {
        let err = v.set_logo(1, Some(bad)).unwrap_err();
        assert_eq!(err, VaultError::BadLogo { logo: bad.into() });
        assert_eq!(err.code(), "bad_logo");
    }
    assert_eq!(
        VaultError::BadLogo { logo: "A".into() }.to_string(),
        "'A' is not a logo: a logo is named by lower-case letters and digits (at most 64), or \
         \"letter\" for the letter"
    );
    assert_eq!(v, before);
    v.set_logo(1, None).unwrap();
    v.set_logo(2, None).unwrap();
    assert!(v.to_json().starts_with(r#"{"schema":1,"#));
}

#[test]
fn uids_come_from_the_account_so_two_vaults_agree_and_duplicates_differ() {
    let a = vault();
    let mut b = Vault::new();
    b.add(import_text(URIS[1]).unwrap().accounts);
    assert_eq!(b.entries()[0].uid, a.entries()[1].uid);
    // An old list holding one account twice gives its entries two uids.
    let one = serde_json::to_string(&a.entries()[0].account).unwrap();
    let text = format!(
        r#"{{"schema":1,"nextId":3,"entries":[{{"id":1,"account":{one}}},{{"id":2,"account":{one}}}]}}"#
    );
    let twice = Vault::from_json(&text).unwrap();
    assert_ne!(twice.entries()[0].uid, twice.entries()[1].uid);
    assert_eq!(twice.entries()[0].uid, a.entries()[0].uid);
    assert_eq!(
        Uid::parse(&a.entries()[0].uid.to_string()),
        Some(a.entries()[0].uid)
    );
}

#[test]
fn once_a_vault_syncs_every_change_is_a_new_version() {
    let mut v = replicated(&vault());
    let mut last = Version::ZERO;
    let mut check = |v: &Vault, id: u64| {
        let version = v.entries().iter().find(|e| e.id == id).unwrap().version;
        assert!(
            version > last && version.device == 7,
            "{version:?} after {last:?}"
        );
        last = version;
    };
    v.rename(1, Some("GitHub".into()), "x".into()).unwrap();
    check(&v, 1);
    v.move_entry(1, 3).unwrap();
    check(&v, 1);
    v.set_pinned(2, true).unwrap();
    check(&v, 2);
    v.set_site(2, Some("bank.example")).unwrap();
    check(&v, 2);
    v.set_logo(2, Some("github")).unwrap();
    check(&v, 2);
    v.next_hotp(3).unwrap();
    check(&v, 3);
    // Moving changes only the moved entry.
    let others: Vec<_> = v.entries().iter().filter(|e| e.id != 4).cloned().collect();
    v.move_entry(4, 1).unwrap();
    check(&v, 4);
    let after: Vec<_> = v.entries().iter().filter(|e| e.id != 4).cloned().collect();
    assert_eq!(after.len(), others.len());
    assert!(others.iter().all(|e| after.contains(e)));
    let text = v.to_json();
    assert!(
        text.contains(r#""replica":{"device":7,"clock":17}"#),
        "{text}"
    );
    assert_eq!(Vault::from_json(&text).unwrap(), v);
}

#[test]
fn a_deletion_leaves_a_tombstone_and_the_same_account_added_again_revives_it() {
    let mut v = replicated(&vault());
    v.next_hotp(3).unwrap();
    let dave = v.remove(3).unwrap();
    assert_eq!(v.tombstones().len(), 1);
    let tomb = &v.tombstones()[0];
    assert_eq!(
        (tomb.uid, tomb.deleted, tomb.secs),
        (dave.uid, dave.version, None)
    );
    assert_eq!(tomb.counter, 4);
    let back = Vault::from_json(&v.to_json()).unwrap();
    assert_eq!(back, v);
    // Added again from its setup code (counter 3): the same uid, a later version, and the counter
    // does not go back to a code already shown.
    v.add(import_text(URIS[2]).unwrap().accounts);
    assert!(v.tombstones().is_empty());
    let again = v.entries().iter().find(|e| e.uid == dave.uid).unwrap();
    assert!(again.version > dave.version);
    assert_eq!(again.account.counter(), 4);
}

#[test]
fn a_replacement_with_another_secret_is_another_account() {
    let mut v = replicated(&vault());
    let old = v.entries()[1].clone();
    let incoming = "otpauth://totp/Bank:carol?secret=MFRGGZDFMZTWQ2LK&issuer=Bank";
    let p = v.preview(vec![import_text(incoming)]);
    let replace = authbar_core::vault::Selection {
        index: 0,
        choice: authbar_core::vault::Choice::Replace(old.id),
    };
    v.commit(&p, &[replace]).unwrap();
    let new = v.entries().iter().find(|e| e.id == old.id).unwrap();
    assert_ne!(new.uid, old.uid);
    assert_eq!(v.tombstones()[0].uid, old.uid);
    assert_eq!(ids(&v), vec![1, 2, 3, 4], "its place is kept");
}

#[test]
fn two_entries_sharing_an_order_key_can_still_be_moved_between() {
    // Two browsers that moved entries into one gap at once give them one key (then uid order).
    let v = replicated(&vault());
    let mut json: serde_json::Value = serde_json::from_str(&v.to_json()).unwrap();
    json["entries"][2]["order"] = json["entries"][1]["order"].clone();
    let mut v = Vault::from_json(&json.to_string()).unwrap();
    let tied = [v.entries()[1].id, v.entries()[2].id];
    v.move_entry(4, 2).unwrap();
    assert_eq!(ids(&v)[1..4], [tied[0], 4, tied[1]]);
    assert_eq!(Vault::from_json(&v.to_json()).unwrap(), v);
}

#[test]
fn schema_3_is_read_strictly() {
    let good: serde_json::Value = serde_json::from_str(&replicated(&vault()).to_json()).unwrap();
    let corrupt = |change: &dyn Fn(&mut serde_json::Value), needle: &str| {
        let mut json = good.clone();
        change(&mut json);
        let err = Vault::from_json(&json.to_string()).unwrap_err();
        assert_eq!(err.code(), "vault_corrupt", "{err}");
        assert!(err.to_string().contains(needle), "{err} lacks {needle}");
    };
    corrupt(
        &|j| drop(j["entries"][0].as_object_mut().unwrap().remove("uid")),
        "entry 1 of schema 3 has no uid",
    );
    corrupt(
        &|j| drop(j["entries"][0].as_object_mut().unwrap().remove("order")),
        "no order key",
    );
    corrupt(
        &|j| j["entries"][0]["order"] = "a00".into(),
        "'a00' is not an order key",
    );
    corrupt(&|j| j["entries"][0]["logo"] = "No!".into(), "not a logo");
    corrupt(
        &|j| j["entries"][1]["uid"] = j["entries"][0]["uid"].clone(),
        "is repeated",
    );
    corrupt(
        &|j| j["entries"][0]["uid"] = "short".into(),
        "not 16 bytes in base64url",
    );
    corrupt(
        &|j| j["replica"]["device"] = 0.into(),
        "device id cannot be 0",
    );
    corrupt(
        &|j| j["entries"][0]["version"]["clock"] = 11.into(),
        "past the replica's clock 10",
    );
    corrupt(
        &|j| {
            j["tombstones"] = serde_json::json!([{"uid": j["entries"][0]["uid"], "deleted": {"clock": 1, "device": 7}}]);
        },
        "both an entry and a tombstone",
    );
    corrupt(
        &|j| {
            j.as_object_mut().unwrap().remove("replica");
            j["tombstones"] = serde_json::json!([{"uid": "AAAAAAAAAAAAAAAAAAAAAA", "deleted": {"clock": 1, "device": 7}}]);
        },
        "tombstones without a replica",
    );
    corrupt(&|j| j["schema"] = 2.into(), "schema 2 has no uids");
}
