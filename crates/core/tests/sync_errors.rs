//! Bad data in sync is never merged and never deletes a local account: each case leaves the local
//! vault exactly as it was, and names the problem with a code.

#![allow(clippy::unwrap_used)] // tests may panic on what they check

mod sync_support;

use authbar_core::sync::{self, HEADER_KEY, PREFIX, SyncError, Synced};
use authbar_core::{Coded, LockState};
use sync_support::*;

const ALICE: &str = "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME";
const BOB: &str = "otpauth://totp/Bank:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Bank";

/// A published, B joined; B then has an account of its own that is already in sync.
fn pair() -> (Browser, Browser) {
    let mut a = Browser::protected(1, vec![account(ALICE), account(BOB)]);
    a.publish();
    let mut b = Browser::plain(2, vec![]);
    relay(&a, &mut b);
    b.join(PASS).unwrap();
    (a, b)
}

/// Syncs B over `area` and expects `Err`: nothing merged, nothing changed.
fn refused(b: &mut Browser, area: std::collections::BTreeMap<String, String>) -> SyncError {
    let before = b.text();
    b.area = area;
    let err = b.sync_at(NOW).unwrap_err();
    assert_eq!(b.text(), before, "the local vault is unchanged");
    err
}

fn header_json(area: &std::collections::BTreeMap<String, String>) -> serde_json::Value {
    serde_json::from_str(&area[HEADER_KEY]).unwrap()
}

#[test]
fn a_tampered_record_item_is_not_merged_and_is_written_over() {
    let (a, mut b) = pair();
    let before = b.text();
    let mut area = a.area.clone();
    let (key, value) = area
        .iter_mut()
        .find(|(k, _)| k.as_str() != HEADER_KEY)
        .unwrap();
    let key = key.clone();
    // One base64 character of the ciphertext changed.
    let mut chars: Vec<char> = value.chars().collect();
    chars[40] = if chars[40] == 'A' { 'B' } else { 'A' };
    *value = chars.into_iter().collect();
    b.area = area;
    let round = b.sync();
    assert_eq!(b.text(), before);
    assert_eq!(
        round.report.problems,
        vec![SyncError::ItemRejected { key: key.clone() }]
    );
    assert_eq!(round.report.problems[0].code(), "sync_item_rejected");
    assert!(
        round.write.contains_key(&key),
        "B writes its own records in its place"
    );
    assert_eq!(round.report.held, 2);
    // Once written over, the area is whole again.
    assert!(b.sync().report.problems.is_empty());
}

#[test]
fn an_item_that_is_not_even_base64_is_named_and_ignored() {
    let (a, mut b) = pair();
    let before = b.text();
    let mut area = a.area.clone();
    let key = area
        .keys()
        .find(|k| k.as_str() != HEADER_KEY)
        .unwrap()
        .clone();
    area.insert(key.clone(), "not base64!".into());
    b.area = area;
    let round = b.sync();
    assert_eq!(b.text(), before);
    let problem = &round.report.problems[0];
    assert_eq!(problem.code(), "sync_item_malformed");
    assert!(problem.to_string().contains(&key), "{problem}");
    // Cut short below a nonce and a tag.
    b.area.insert(key.clone(), "AAAA".into());
    let round = b.sync();
    assert!(
        round.report.problems[0]
            .to_string()
            .contains("3 bytes is too short")
    );
}

#[test]
fn a_record_item_of_another_vault_fails_authentication() {
    let (a, mut b) = pair();
    let mut other = Browser::protected(3, vec![account(ALICE)]);
    other.publish();
    let mut area = a.area.clone();
    let (key, value) = other
        .area
        .iter()
        .find(|(k, _)| k.as_str() != HEADER_KEY)
        .unwrap();
    area.insert(key.clone(), value.clone());
    let before = b.text();
    b.area = area;
    let round = b.sync();
    assert_eq!(b.text(), before);
    assert_eq!(
        round.report.problems,
        vec![SyncError::ItemRejected { key: key.clone() }]
    );
}

#[test]
fn a_truncated_header_stops_the_sync() {
    let (a, mut b) = pair();
    let mut area = a.area.clone();
    let header = area.get_mut(HEADER_KEY).unwrap();
    header.truncate(header.len() / 2);
    let err = refused(&mut b, area.clone());
    assert_eq!(err.code(), "sync_header_malformed");
    assert!(err.to_string().contains("not JSON"), "{err}");
    assert_eq!(sync::peek(&area).unwrap_err(), err);
    // Publishing over it is refused too: "remove Authbar's data from sync" first.
    let mut r = random(4);
    let err = sync::publish(&mut b.state, &area, NOW, &mut r).unwrap_err();
    assert_eq!(err.code(), "sync_header_malformed");
}

#[test]
fn a_malformed_header_is_named() {
    let (a, mut b) = pair();
    for (field, value, needle) in [
        (
            "format",
            serde_json::json!("other"),
            "format is not \"authbar-sync\"",
        ),
        (
            "version",
            serde_json::json!("1"),
            "\"version\" must be a whole number",
        ),
        ("version", serde_json::json!(0), "unknown version 0"),
        (
            "check",
            serde_json::json!("AAAA"),
            "the key check is not 32 bytes",
        ),
        (
            "syncId",
            serde_json::json!("x"),
            "not 16 bytes in base64url",
        ),
        ("extra", serde_json::json!(1), "unknown field"),
    ] {
        let mut area = a.area.clone();
        let mut json = header_json(&area);
        json[field] = value;
        area.insert(HEADER_KEY.into(), json.to_string());
        let err = refused(&mut b, area);
        assert_eq!(err.code(), "sync_header_malformed", "{field}");
        assert!(err.to_string().contains(needle), "{err} lacks {needle}");
    }
}

#[test]
fn a_newer_format_header_stops_this_browser_writing() {
    let (a, mut b) = pair();
    let mut area = a.area.clone();
    let mut json = header_json(&area);
    json["version"] = 2.into();
    json["somethingNew"] = true.into();
    area.insert(HEADER_KEY.into(), json.to_string());
    let err = refused(&mut b, area.clone());
    assert_eq!(err, SyncError::NewerFormat { found: 2 });
    assert_eq!(err.code(), "sync_newer_format");
    assert!(err.to_string().contains("update Authbar on this browser"));
    assert_eq!(sync::peek(&area).unwrap_err(), err);
    let mut r = random(4);
    let plain = LockState::Plain(authbar_core::Vault::new());
    let mut fresh = plain;
    let err = sync::join(&mut fresh, &area, PASS, NOW, &mut r).unwrap_err();
    assert_eq!(err.code(), "sync_newer_format");
}

#[test]
fn an_altered_header_fails_its_key_check() {
    let (a, mut b) = pair();
    let mut area = a.area.clone();
    let mut json = header_json(&area);
    json["revision"] = 9.into();
    area.insert(HEADER_KEY.into(), json.to_string());
    let err = refused(&mut b, area);
    assert_eq!(err, SyncError::HeaderRejected);
    assert_eq!(err.code(), "sync_header_rejected");
}

#[test]
fn another_vaults_data_is_not_merged() {
    let (_, mut b) = pair();
    let mut other = Browser::protected(3, vec![account(ALICE)]);
    other.publish();
    let err = refused(&mut b, other.area.clone());
    let found = other
        .vault()
        .replica()
        .unwrap()
        .link
        .as_ref()
        .unwrap()
        .sync_id;
    assert_eq!(err, SyncError::OtherVault { found });
    assert_eq!(err.code(), "sync_other_vault");
    assert_eq!(err.params().get("found"), Some(found.to_string().as_str()));
    // Nor published over.
    let mut r = random(4);
    let err = sync::publish(&mut b.state, &other.area, NOW, &mut r).unwrap_err();
    assert_eq!(err.code(), "sync_other_vault");
}

#[test]
fn keys_that_are_not_authbars_are_named_and_left_alone() {
    let (a, mut b) = pair();
    let before = b.text();
    let mut area = a.area.clone();
    area.insert(format!("{PREFIX}r99"), "x".into());
    area.insert(format!("{PREFIX}notes"), "y".into());
    area.insert("another.setting".into(), "z".into());
    b.area = area;
    let round = b.sync();
    assert_eq!(b.text(), before);
    let codes: Vec<_> = round
        .report
        .problems
        .iter()
        .map(|p| p.to_string())
        .collect();
    assert_eq!(round.report.problems.len(), 2, "{codes:?}");
    assert!(
        round
            .report
            .problems
            .iter()
            .all(|p| p.code() == "sync_foreign_key")
    );
    assert!(round.remove.is_empty() && round.write.is_empty());
    // They count towards the quota.
    assert!(round.report.bytes > a.area.iter().map(|(k, v)| k.len() + v.len() + 2).sum());
    // Removing Authbar's data removes them too, and nothing else.
    let keys = sync::removal(&b.area);
    assert!(keys.contains(&format!("{PREFIX}notes")));
    assert!(!keys.iter().any(|k| k == "another.setting"));
}

#[test]
fn a_wrong_passphrase_to_join_changes_nothing() {
    let (a, _) = pair();
    let mut c = Browser::protected(5, vec![account(BOB)]);
    let before = c.text();
    relay(&a, &mut c);
    let err = c.join("not the passphrase").unwrap_err();
    assert_eq!(err.code(), "wrong_passphrase");
    assert_eq!(c.text(), before);
    assert!(c.vault().replica().is_none(), "not linked");
    // Joining a locked browser needs its own unlock first; joining an empty area has nothing.
    c.state.lock();
    assert_eq!(c.join(PASS).unwrap_err().code(), "locked");
    let mut d = Browser::plain(6, vec![]);
    assert_eq!(d.join(PASS).unwrap_err(), SyncError::NothingToJoin);
    assert_eq!(d.join(PASS).unwrap_err().code(), "sync_nothing_to_join");
}

#[test]
fn a_failed_random_source_writes_nothing_and_changes_nothing() {
    let (_, mut b) = pair();
    b.vault_mut().add(vec![numbered("New", "one", 1)]);
    let before = b.text();
    let mut failing = |_: &mut [u8]| Err(authbar_core::sealed::RandomFailed);
    let err = sync::sync(&mut b.state, &b.area, NOW, &mut failing).unwrap_err();
    assert_eq!(err.code(), "random_failed");
    assert_eq!(b.text(), before);
    let mut fresh = LockState::Plain(authbar_core::Vault::new());
    fresh.set_passphrase(PASS, FAST, &mut random(1)).unwrap();
    let err = sync::publish(&mut fresh, &Default::default(), NOW, &mut failing).unwrap_err();
    assert_eq!(err.code(), "random_failed");
    assert!(fresh.vault().unwrap().replica().is_none());
}

#[test]
fn an_incomplete_area_is_waited_for_not_published_over() {
    let (a, _) = pair();
    let mut area = a.area.clone();
    area.remove(HEADER_KEY);
    assert_eq!(sync::peek(&area).unwrap(), sync::Peek::Incomplete);
    let mut c = Browser::protected(7, vec![account(BOB)]);
    c.area = area;
    // Not linked: nothing to merge yet; publishing replaces what is there.
    assert_eq!(c.sync_at(NOW).unwrap(), Synced::Empty);
    let published = c.publish();
    // Every item of the prefix is now C's: written anew, or removed.
    assert!(
        c.area
            .keys()
            .filter(|k| k.starts_with(PREFIX))
            .all(|k| published.write.contains_key(k))
    );
}
