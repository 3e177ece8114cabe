//! Issue 25's scenarios at the core's level: two browsers, each with its own copy of
//! `storage.sync`, and a relay between the copies standing for the browser's sync service.

#![allow(clippy::unwrap_used)] // tests may panic on what they check

mod sync_support;

use authbar_core::sync::{self, HEADER_KEY, Peek, Synced};
use authbar_core::vault::TOMBSTONE_SECS;
use authbar_core::{Coded, LockState};
use sync_support::*;

const ALICE: &str = "otpauth://totp/ACME:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME";
const BOB: &str = "otpauth://totp/Bank:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Bank";
const CAROL: &str = "otpauth://hotp/Shop:carol?secret=KRSXG5CTMVRXEZLU&issuer=Shop&counter=5";
const DAVE: &str = "otpauth://totp/Mail:dave?secret=ONSWG4TFOQQGC3TEEBZWKY3SMV2CAMJS&issuer=Mail";

/// A (with Alice, Bob and Carol's HOTP) published; B joined from a fresh profile.
fn pair() -> (Browser, Browser) {
    let mut a = Browser::protected(1, vec![account(ALICE), account(BOB), account(CAROL)]);
    a.publish();
    let mut b = Browser::plain(2, vec![]);
    relay(&a, &mut b);
    b.join(PASS).unwrap();
    (a, b)
}

#[test]
fn a_fresh_browser_joins_with_the_passphrase_and_has_every_account() {
    let mut a = Browser::protected(1, vec![account(ALICE), account(BOB), account(CAROL)]);
    let published = a.publish();
    assert_eq!(published.report.held, 3);
    assert!(published.write.contains_key(HEADER_KEY));
    let mut b = Browser::plain(2, vec![]);
    relay(&a, &mut b);
    assert!(matches!(sync::peek(&b.area).unwrap(), Peek::Vault { .. }));
    let joined = b.join(PASS).unwrap();
    assert!(
        joined.slots_changed,
        "B takes the area's slots: a protection change"
    );
    assert!(
        joined.write.is_empty(),
        "nothing new to write: {:?}",
        joined.write.keys()
    );
    assert_eq!(labels(b.vault()), labels(a.vault()));
    assert_eq!(records(b.vault()), records(a.vault()));
    for (ea, eb) in a.vault().entries().iter().zip(b.vault().entries()) {
        assert_eq!(ea.account.code_at(NOW), eb.account.code_at(NOW));
    }
    // B is now sealed with the sync area's slots: the one passphrase opens it.
    b.state.lock();
    sync::unlock(&mut b.state, &b.area, PASS).unwrap();
    assert_eq!(b.vault().entries().len(), 3);
}

#[test]
fn a_browser_with_its_own_accounts_merges_both_and_takes_the_sync_passphrase() {
    let mut a = Browser::protected(1, vec![account(ALICE), account(BOB)]);
    a.publish();
    let mut b = Browser::protected(2, vec![account(DAVE), account(ALICE)]);
    b.state.lock();
    let mut r = random(9);
    // B's own passphrase is PASS too here, but its key is another: it must join.
    let err = sync::sync(&mut b.state, &a.area, NOW, &mut r).unwrap_err();
    assert_eq!(err.code(), "locked");
    sync::unlock(&mut b.state, &b.area, PASS).unwrap();
    relay(&a, &mut b);
    let err = b.sync_at(NOW).unwrap_err();
    assert_eq!(err.code(), "sync_other_vault");
    let joined = b.join(PASS).unwrap();
    assert!(!joined.write.is_empty(), "B's own account goes to sync");
    let names: Vec<_> = labels(b.vault()).into_iter().map(|(_, n)| n).collect();
    assert_eq!(names, ["alice@example.com", "bob", "dave"]);
    relay(&b, &mut a);
    a.sync();
    assert_eq!(records(a.vault()), records(b.vault()));
    // One passphrase opens both from now on.
    b.state.lock();
    sync::unlock(&mut b.state, &b.area, PASS).unwrap();
}

#[test]
fn both_add_while_apart_and_both_accounts_stay() {
    let (mut a, mut b) = pair();
    a.vault_mut().add(vec![account(DAVE)]);
    b.vault_mut().add(vec![numbered("Git", "erin", 7)]);
    a.sync();
    b.sync();
    settle(&mut a, &mut b);
    assert_eq!(a.vault().entries().len(), 5);
    assert_eq!(records(a.vault()), records(b.vault()));
    assert_eq!(labels(a.vault()), labels(b.vault()));
}

#[test]
fn the_same_account_added_on_two_browsers_is_one() {
    let (mut a, mut b) = pair();
    a.vault_mut().add(vec![account(DAVE)]);
    b.vault_mut().add(vec![account(DAVE)]);
    a.sync();
    b.sync();
    settle(&mut a, &mut b);
    let daves = labels(a.vault())
        .iter()
        .filter(|(_, n)| n == "dave")
        .count();
    assert_eq!(daves, 1);
    assert_eq!(records(a.vault()), records(b.vault()));
}

#[test]
fn rename_on_one_and_delete_on_the_other_keeps_the_renamed_account() {
    let (mut a, mut b) = pair();
    let id = id_of(a.vault(), "bob");
    a.vault_mut()
        .rename(id, Some("Bank".into()), "bob.renamed".into())
        .unwrap();
    let id = id_of(b.vault(), "bob");
    b.vault_mut().remove(id).unwrap();
    a.sync();
    b.sync();
    settle(&mut a, &mut b);
    for v in [a.vault(), b.vault()] {
        assert!(labels(v).contains(&("Bank".into(), "bob.renamed".into())));
        assert!(v.tombstones().is_empty());
    }
    // A deletion made after seeing the rename removes it everywhere.
    let id = id_of(b.vault(), "bob.renamed");
    b.vault_mut().remove(id).unwrap();
    b.sync();
    settle(&mut a, &mut b);
    assert!(labels(a.vault()).iter().all(|(_, n)| n != "bob.renamed"));
    assert_eq!(records(a.vault()), records(b.vault()));
}

#[test]
fn delete_on_one_and_edit_on_the_other_keeps_the_edited_account() {
    let (mut a, mut b) = pair();
    let id = id_of(a.vault(), "alice@example.com");
    a.vault_mut().remove(id).unwrap();
    let id = id_of(b.vault(), "alice@example.com");
    b.vault_mut().set_pinned(id, true).unwrap();
    a.sync();
    b.sync();
    settle(&mut a, &mut b);
    for v in [a.vault(), b.vault()] {
        let alice = &v.entries()[0];
        assert_eq!(alice.account.name(), "alice@example.com");
        assert!(alice.pinned, "pinned, so first");
    }
}

#[test]
fn hotp_used_on_both_browsers_merges_to_the_highest_counter() {
    let (mut a, mut b) = pair();
    let id = id_of(a.vault(), "carol");
    let mut shown = Vec::new();
    for _ in 0..2 {
        shown.push(a.vault_mut().next_hotp(id).unwrap());
    }
    let id_b = id_of(b.vault(), "carol");
    for _ in 0..3 {
        shown.push(b.vault_mut().next_hotp(id_b).unwrap());
    }
    a.sync();
    b.sync();
    settle(&mut a, &mut b);
    for v in [a.vault(), b.vault()] {
        let carol = v
            .entries()
            .iter()
            .find(|e| e.account.name() == "carol")
            .unwrap();
        assert_eq!(carol.account.counter(), 8);
    }
    // The next code is none of those shown on either browser.
    let next = a.vault_mut().next_hotp(id).unwrap();
    assert!(!shown.contains(&next));
}

#[test]
fn an_interrupted_relay_is_never_read_as_a_smaller_vault() {
    let accounts = (0..40)
        .map(|i| numbered("Svc", &format!("user{i}"), i))
        .collect();
    let mut a = Browser::protected(1, accounts);
    a.publish();
    let mut b = Browser::plain(2, vec![]);
    relay(&a, &mut b);
    b.join(PASS).unwrap();
    for i in 0..20 {
        let id = id_of(a.vault(), &format!("user{i}"));
        a.vault_mut()
            .rename(id, Some("Svc".into()), format!("renamed{i}"))
            .unwrap();
    }
    for i in 20..30 {
        let id = id_of(a.vault(), &format!("user{i}"));
        a.vault_mut().remove(id).unwrap();
    }
    let changed: Vec<String> = a.sync().write.into_keys().collect();
    assert!(
        changed.len() > 4,
        "the changes span several items: {changed:?}"
    );
    let (first, rest): (Vec<_>, Vec<_>) = changed.iter().enumerate().partition(|(i, _)| i % 2 == 0);
    let first: Vec<&String> = first.into_iter().map(|(_, k)| k).collect();
    relay_keys(&a, &mut b, |k| first.iter().any(|f| *f == k));
    b.sync();
    // Only what the relayed items carry changed; nothing else was lost.
    let names: Vec<String> = labels(b.vault()).into_iter().map(|(_, n)| n).collect();
    let renamed = names.iter().filter(|n| n.starts_with("renamed")).count();
    let deleted = (20..30)
        .filter(|i| !names.contains(&format!("user{i}")))
        .count();
    assert!(renamed > 0 && renamed < 20, "{renamed} renamed of 20");
    assert!(deleted < 10, "{deleted} deleted of 10");
    assert_eq!(names.len(), 40 - deleted);
    let rest: Vec<&String> = rest.into_iter().map(|(_, k)| k).collect();
    relay_keys(&a, &mut b, |k| rest.iter().any(|r| *r == k));
    b.sync();
    settle(&mut a, &mut b);
    assert_eq!(b.vault().entries().len(), 30);
    assert_eq!(records(a.vault()), records(b.vault()));
}

#[test]
fn duplicated_and_reordered_relays_converge() {
    let (mut a, mut b) = pair();
    let id = id_of(a.vault(), "bob");
    a.vault_mut()
        .rename(id, Some("Bank".into()), "bob.1".into())
        .unwrap();
    a.sync();
    let first = a.area.clone();
    a.vault_mut()
        .rename(id, Some("Bank".into()), "bob.2".into())
        .unwrap();
    a.sync();
    // The newer items arrive first, then the older again, then the newer once more.
    relay(&a, &mut b);
    b.sync();
    assert!(labels(b.vault()).contains(&("Bank".into(), "bob.2".into())));
    let before = b.text();
    b.area.extend(first.clone());
    let round = b.sync();
    assert_eq!(b.text(), before, "an older copy of an item changes nothing");
    assert!(
        !round.write.is_empty(),
        "B writes its newer records over the older item"
    );
    relay(&a, &mut b);
    b.sync();
    relay(&a, &mut b);
    b.sync();
    settle(&mut a, &mut b);
    assert_eq!(records(a.vault()), records(b.vault()));
    assert!(labels(a.vault()).contains(&("Bank".into(), "bob.2".into())));
}

#[test]
fn the_passphrase_changed_on_one_browser_then_the_other_unlocks_with_either() {
    const NEW: &str = "a brand new passphrase";
    let (mut a, mut b) = pair();
    let mut r = random(5);
    a.state.change_passphrase(PASS, NEW, FAST, &mut r).unwrap();
    let round = a.sync();
    assert!(
        round.write.contains_key(HEADER_KEY),
        "the new slots are published"
    );
    assert!(
        !round.slots_changed,
        "A's own slots changed before the round, not by it"
    );
    relay(&a, &mut b);
    b.state.lock();
    // Until B takes the new header, both passphrases open it.
    sync::unlock(&mut b.state, &b.area, PASS).unwrap();
    b.state.lock();
    sync::unlock(&mut b.state, &b.area, NEW).unwrap();
    let round = b.sync();
    assert!(round.vault_changed, "B takes the new slots");
    assert!(
        round.slots_changed,
        "and stores them as a protection change"
    );
    assert!(!round.write.contains_key(HEADER_KEY));
    assert!(
        !b.sync().slots_changed,
        "once taken, a round changes no slots"
    );
    b.state.lock();
    let err = sync::unlock(&mut b.state, &b.area, PASS).unwrap_err();
    assert_eq!(err.code(), "wrong_passphrase");
    assert!(b.state.is_locked(), "a wrong passphrase changes nothing");
    sync::unlock(&mut b.state, &b.area, NEW).unwrap();
    relay(&b, &mut a);
    assert!(a.sync().write.is_empty());
}

#[test]
fn removed_from_sync_every_browser_keeps_its_accounts_and_stops() {
    let (mut a, mut b) = pair();
    let keys = sync::removal(&a.area);
    assert!(keys.len() > 1 && keys.iter().all(|k| k.starts_with(sync::PREFIX)));
    a.area
        .insert("another.extension.setting".into(), "kept".into());
    for k in &keys {
        a.area.remove(k);
    }
    assert_eq!(sync::peek(&a.area).unwrap(), Peek::Empty);
    assert_eq!(a.sync_at(NOW).unwrap(), Synced::Removed);
    relay(&a, &mut b);
    assert_eq!(b.sync_at(NOW).unwrap(), Synced::Removed);
    for v in [a.vault(), b.vault()] {
        assert_eq!(v.entries().len(), 3);
        assert!(v.replica().unwrap().link.is_none());
    }
    // Not linked any more: an empty area is just empty.
    assert_eq!(b.sync_at(NOW).unwrap(), Synced::Empty);
    // A starts again: a new sync id, which B (same key) follows when it syncs.
    a.publish();
    relay(&a, &mut b);
    b.sync();
    assert_eq!(
        b.vault().replica().unwrap().link,
        a.vault().replica().unwrap().link
    );
}

#[test]
fn sync_switched_off_for_a_while_still_carries_a_deletion_made_meanwhile() {
    let (mut a, mut b) = pair();
    // B deletes while its sync is off, for 100 days: the tombstone's 90 days count from the
    // first sync that carries it.
    let id = id_of(b.vault(), "bob");
    b.vault_mut().remove(id).unwrap();
    let later = NOW + 100 * 24 * 3600;
    b.sync_at(later).unwrap();
    relay(&b, &mut a);
    a.sync_at(later).unwrap();
    assert!(labels(a.vault()).iter().all(|(_, n)| n != "bob"));
}

#[test]
fn a_browser_offline_past_90_days_may_bring_a_deleted_account_back() {
    let (mut a, mut b) = pair();
    let id = id_of(a.vault(), "bob");
    a.vault_mut().remove(id).unwrap();
    a.sync();
    assert_eq!(a.vault().tombstones().len(), 1);
    let later = NOW + TOMBSTONE_SECS;
    a.sync_at(later).unwrap();
    assert!(a.vault().tombstones().is_empty(), "compacted after 90 days");
    // B never saw the deletion: its Bob comes back (nothing is lost; the user deletes it again).
    relay(&a, &mut b);
    b.sync_at(later).unwrap();
    relay(&b, &mut a);
    a.sync_at(later).unwrap();
    assert!(labels(a.vault()).iter().any(|(_, n)| n == "bob"));
}

#[test]
fn a_plain_vault_does_not_sync_and_a_locked_one_waits() {
    let mut plain = Browser::plain(3, vec![account(ALICE)]);
    let mut r = random(3);
    let err = sync::sync(&mut plain.state, &plain.area, NOW, &mut r).unwrap_err();
    assert_eq!(err.code(), "not_protected");
    let err = sync::publish(&mut plain.state, &plain.area, NOW, &mut r).unwrap_err();
    assert_eq!(err.code(), "not_protected");
    let (_, mut b) = pair();
    b.state.lock();
    let err = b.sync_at(NOW).unwrap_err();
    assert_eq!(err.code(), "locked");
    assert!(matches!(b.state, LockState::Locked(_)));
}
