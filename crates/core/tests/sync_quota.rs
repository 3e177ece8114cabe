//! `storage.sync`'s quotas (102,400 bytes, 8,192 per item, 512 items): at least 800 typical
//! accounts fit; past the quota the first accounts of the list are held (tombstones before them),
//! the others stay on their browser, and the report says how many are in sync out of how many.

#![allow(clippy::unwrap_used)] // tests may panic on what they check

mod sync_support;

use authbar_core::sync::{MAX_ITEMS, QUOTA_BYTES, QUOTA_BYTES_PER_ITEM};
use sync_support::typical::typical_accounts;
use sync_support::*;

/// What an item costs: its key, and its value as JSON (quoted, `"` and `\` escaped).
fn size(k: &str, v: &str) -> usize {
    k.len() + v.len() + 2 + v.matches(['"', '\\']).count()
}

/// Every item of the area within the per-item quota, and the whole within the total.
fn assert_within_quota(area: &std::collections::BTreeMap<String, String>) {
    let mut total = 0;
    for (k, v) in area {
        let size = size(k, v);
        assert!(size <= QUOTA_BYTES_PER_ITEM, "{k}: {size} bytes");
        total += size;
    }
    assert!(total <= QUOTA_BYTES, "{total} bytes");
    assert!(area.len() <= MAX_ITEMS);
}

#[test]
fn eight_hundred_typical_accounts_fit() {
    let mut a = Browser::protected(1, typical_accounts(800));
    let out = a.publish();
    assert_eq!((out.report.held, out.report.total), (800, 800));
    assert_within_quota(&a.area);
    assert_eq!(
        out.report.bytes,
        a.area.iter().map(|(k, v)| size(k, v)).sum::<usize>()
    );
    assert_eq!(out.report.quota, QUOTA_BYTES);
}

#[test]
fn twelve_hundred_accounts_against_the_quota() {
    let mut a = Browser::protected(1, typical_accounts(1200));
    let out = a.publish();
    assert_within_quota(&a.area);
    let held = out.report.held;
    assert_eq!(out.report.total, 1200);
    assert_eq!(held, 1200, "all of them fit");
    let mut b = Browser::plain(2, vec![]);
    relay(&a, &mut b);
    b.join(PASS).unwrap();
    // B has what sync holds: the first accounts of A's list.
    assert_eq!(labels(b.vault()), labels(a.vault())[..held]);
    settle(&mut a, &mut b);
    assert_eq!(a.vault().entries().len(), 1200, "nothing of A's is lost");
    assert_within_quota(&a.area);
}

#[test]
fn past_the_quota_the_first_of_the_list_are_held_and_deletions_come_first() {
    let mut accounts = typical_accounts(2000);
    let last = accounts.pop().unwrap();
    let mut a = Browser::protected(1, accounts);
    a.vault_mut().add(vec![last]);
    // The last account of the list, pinned, goes to the top and into sync.
    let pinned = a.vault().entries()[1999].id;
    a.vault_mut().set_pinned(pinned, true).unwrap();
    let out = a.publish();
    let held = out.report.held;
    assert!((1200..2000).contains(&held), "{held} of 2000 held");
    assert_eq!((out.report.total, out.report.problems.len()), (2000, 0));
    assert_within_quota(&a.area);
    let mut b = Browser::plain(2, vec![]);
    relay(&a, &mut b);
    b.join(PASS).unwrap();
    assert_eq!(labels(b.vault()), labels(a.vault())[..held]);
    assert!(b.vault().entries()[0].pinned, "the pinned account is first");
    // A deletes 40 of the held accounts: their tombstones fit before any account and reach B,
    // and 40 more of A's accounts take their room.
    let deleted: Vec<u64> = a.vault().entries()[1..41].iter().map(|e| e.id).collect();
    for id in deleted {
        a.vault_mut().remove(id).unwrap();
    }
    let out = a.sync();
    assert_eq!(out.report.total, 1960);
    assert!(
        out.report.held < held,
        "tombstones take room: {} then {held}",
        out.report.held
    );
    assert_within_quota(&a.area);
    relay(&a, &mut b);
    b.sync();
    let names_a: Vec<_> = labels(a.vault());
    let names_b: Vec<_> = labels(b.vault());
    assert!(
        names_b.iter().all(|n| names_a.contains(n)),
        "the deletions reached B"
    );
    assert_eq!(names_b[..out.report.held], names_a[..out.report.held]);
    // The same state packs the same way on both browsers: B writes nothing back.
    assert!(b.sync().write.is_empty());
}
