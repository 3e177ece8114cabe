//! Property tests of the merge: it is commutative, associative and idempotent; copies converge
//! whatever order, repetition or loss of intermediate states they exchanged, once each has seen the
//! others' latest; and browsers syncing through `storage.sync` with random, interrupted relays
//! (per key, last writer wins) converge once the relays complete.

#![allow(clippy::unwrap_used)] // tests may panic on what they check

mod sync_support;

use std::collections::{BTreeMap, BTreeSet};

use authbar_core::sync::{self, QUOTA_BYTES, Synced};
use authbar_core::{Account, Vault};
use proptest::prelude::*;
use sync_support::*;

/// The accounts edits add: a small pool, so the same account is often added on two copies.
fn pool(k: usize) -> Account {
    const URIS: [&str; 6] = [
        "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME",
        "otpauth://totp/Bank:bob?secret=GEZDGNBVGY3TQOJQ&issuer=Bank",
        "otpauth://hotp/Shop:carol?secret=KRSXG5CTMVRXEZLU&issuer=Shop&counter=2",
        "otpauth://totp/Mail:dave?secret=ONSWG4TFOQQGC3TEEBZWKY3SMV2CAMJS&issuer=Mail",
        "otpauth://hotp/Git:erin?secret=MFRGGZDFMZTWQ2LK&issuer=Git&counter=0",
        "otpauth://totp/Chat:frank?secret=GEZDGNBVGY3TQOJQGEZDGNBV&issuer=Chat",
    ];
    account(URIS[k % URIS.len()])
}

/// A change a user makes on one copy (entries picked by position, modulo the list's length).
#[derive(Debug, Clone)]
enum Edit {
    Add(usize),
    Rename(usize, u8),
    Remove(usize),
    Move(usize, usize),
    Pin(usize),
    Hotp(usize),
    Site(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (0..6usize).prop_map(Edit::Add),
        (0..8usize, 0..3u8).prop_map(|(i, n)| Edit::Rename(i, n)),
        (0..8usize).prop_map(Edit::Remove),
        (0..8usize, 0..8usize).prop_map(|(i, j)| Edit::Move(i, j)),
        (0..8usize).prop_map(Edit::Pin),
        (0..8usize).prop_map(Edit::Hotp),
        (0..8usize).prop_map(Edit::Site),
    ]
}

fn apply(v: &mut Vault, edit: &Edit) {
    let len = v.entries().len();
    if let Edit::Add(k) = *edit {
        v.add(vec![pool(k)]);
        return;
    }
    if len == 0 {
        return;
    }
    let nth = |i: usize| v.entries()[i % len].clone();
    match *edit {
        Edit::Add(_) => {}
        Edit::Rename(i, n) => {
            let id = nth(i).id;
            v.rename(id, Some("X".into()), format!("name{n}")).unwrap();
        }
        Edit::Remove(i) => {
            let id = nth(i).id;
            v.remove(id).unwrap();
        }
        Edit::Move(i, j) => {
            let e = nth(i);
            let group: Vec<usize> = (0..len)
                .filter(|&k| v.entries()[k].pinned == e.pinned)
                .collect();
            v.move_entry(e.id, group[j % group.len()]).unwrap();
        }
        Edit::Pin(i) => {
            let e = nth(i);
            v.set_pinned(e.id, !e.pinned).unwrap();
        }
        Edit::Hotp(i) => {
            let id = nth(i).id;
            // Not an HOTP entry: refused, and nothing changes.
            let _ = v.next_hotp(id);
        }
        Edit::Site(i) => {
            let id = nth(i).id;
            v.set_site(id, Some("example.com")).unwrap();
        }
    }
}

/// Three copies of one vault (published by the first, joined by the others).
fn copies() -> Vec<Vault> {
    let mut a = Browser::protected(1, vec![pool(0), pool(1), pool(2)]);
    a.publish();
    let mut out = vec![a.vault().clone()];
    for seed in [2, 3] {
        let mut b = Browser::plain(seed, vec![]);
        relay(&a, &mut b);
        b.join(PASS).unwrap();
        out.push(b.vault().clone());
    }
    out
}

/// A step of a history: an edit on a copy, or a copy merging another's current state.
#[derive(Debug, Clone)]
enum Step {
    Edit(usize, Edit),
    Merge(usize, usize),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (0..3usize, edit()).prop_map(|(r, e)| Step::Edit(r, e)),
        1 => (0..3usize, 0..3usize).prop_map(|(r, s)| Step::Merge(r, s)),
    ]
}

/// Runs a history; returns every state each copy went through (the last is its latest).
fn run(steps: &[Step]) -> Vec<Vec<Vault>> {
    let mut history: Vec<Vec<Vault>> = copies().into_iter().map(|v| vec![v]).collect();
    for step in steps {
        let (r, next) = match step {
            Step::Edit(r, e) => {
                let mut v = history[*r].last().unwrap().clone();
                apply(&mut v, e);
                (*r, v)
            }
            Step::Merge(r, s) => {
                let other = history[*s].last().unwrap().clone();
                (*r, sync::merge(history[*r].last().unwrap(), &other))
            }
        };
        history[r].push(next);
    }
    history
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn merge_is_commutative_associative_and_idempotent(steps in proptest::collection::vec(step(), 0..40)) {
        let history = run(&steps);
        let [a, b, c] = [0, 1, 2].map(|r| history[r].last().unwrap().clone());
        let m = sync::merge;
        prop_assert_eq!(records(&m(&a, &b)), records(&m(&b, &a)));
        prop_assert_eq!(records(&m(&m(&a, &b), &c)), records(&m(&a, &m(&b, &c))));
        prop_assert_eq!(records(&m(&a, &a)), records(&a));
        prop_assert_eq!(records(&m(&m(&a, &b), &b)), records(&m(&a, &b)));
        // What a user sees follows from the records: the same list in the same order.
        prop_assert_eq!(labels(&m(&a, &b)), labels(&m(&b, &a)));
    }

    #[test]
    fn copies_converge_whatever_intermediate_states_they_saw(
        steps in proptest::collection::vec(step(), 0..40),
        deliveries in proptest::collection::vec((0..3usize, 0..3usize, any::<prop::sample::Index>()), 0..20),
        orders in proptest::collection::vec(Just([0usize, 1, 2]).prop_shuffle(), 3),
    ) {
        let history = run(&steps);
        let latest: Vec<Vault> = history.iter().map(|h| h.last().unwrap().clone()).collect();
        let mut finals = latest.clone();
        // Any intermediate states, in any order, repeated or not…
        for &(to, from, pick) in &deliveries {
            let state = &history[from][pick.index(history[from].len())];
            finals[to] = sync::merge(&finals[to], state);
        }
        // …then the others' latest, in any order.
        for (to, order) in orders.iter().enumerate() {
            for &from in order {
                finals[to] = sync::merge(&finals[to], &latest[from]);
            }
        }
        prop_assert_eq!(records(&finals[0]), records(&finals[1]));
        prop_assert_eq!(records(&finals[1]), records(&finals[2]));
        // Nothing a user did not delete is gone: every account of a latest state that no copy
        // deleted is in the result.
        let dead: BTreeSet<_> = latest.iter().flat_map(|v| v.tombstones().iter().map(|t| t.uid)).collect();
        for v in &latest {
            for e in v.entries() {
                prop_assert!(dead.contains(&e.uid) || finals[0].entries().iter().any(|f| f.uid == e.uid));
            }
        }
    }
}

/// A browser's part in the relay: what it wrote that the sync service has not taken yet.
struct Peer {
    browser: Browser,
    dirty: BTreeSet<String>,
}

/// The browser's sync service: per key, the last value uploaded (`None`: removed).
type Server = BTreeMap<String, Option<String>>;

fn sync_peer(p: &mut Peer) {
    if let Ok(Synced::Merged(m)) = p.browser.sync_at(NOW) {
        p.dirty.extend(m.write.into_keys());
        p.dirty.extend(m.remove);
    }
}

fn upload(p: &mut Peer, server: &mut Server, pick: &dyn Fn(usize) -> bool) {
    let keys: Vec<String> = p.dirty.iter().cloned().collect();
    for (i, k) in keys.into_iter().enumerate() {
        if pick(i) {
            server.insert(k.clone(), p.browser.area.get(&k).cloned());
            p.dirty.remove(&k);
        }
    }
}

fn download(p: &mut Peer, server: &Server, pick: &dyn Fn(usize) -> bool) {
    for (i, (k, v)) in server.iter().enumerate() {
        // A value this browser wrote and has not uploaded is newer: it stays.
        if !pick(i) || p.dirty.contains(k) {
            continue;
        }
        match v {
            Some(v) => p.browser.area.insert(k.clone(), v.clone()),
            None => p.browser.area.remove(k),
        };
    }
}

#[derive(Debug, Clone)]
enum Act {
    Edit(usize, Edit),
    Sync(usize),
    Upload(usize, u64),
    Download(usize, u64),
}

fn act() -> impl Strategy<Value = Act> {
    prop_oneof![
        3 => (0..3usize, edit()).prop_map(|(r, e)| Act::Edit(r, e)),
        2 => (0..3usize).prop_map(Act::Sync),
        2 => (0..3usize, any::<u64>()).prop_map(|(r, m)| Act::Upload(r, m)),
        2 => (0..3usize, any::<u64>()).prop_map(|(r, m)| Act::Download(r, m)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn browsers_syncing_through_random_interrupted_relays_converge(
        peers in 2..=3usize,
        acts in proptest::collection::vec(act(), 0..60),
    ) {
        let mut a = Browser::protected(1, vec![pool(0), pool(1), pool(2)]);
        a.publish();
        let mut server: Server = a.area.iter().map(|(k, v)| (k.clone(), Some(v.clone()))).collect();
        let mut all = vec![Peer { browser: a, dirty: BTreeSet::new() }];
        for seed in 2..=peers as u64 {
            let mut b = Browser::plain(seed, vec![]);
            b.area = server.iter().filter_map(|(k, v)| v.clone().map(|v| (k.clone(), v))).collect();
            b.join(PASS).unwrap();
            all.push(Peer { browser: b, dirty: BTreeSet::new() });
        }
        for act in &acts {
            match act {
                Act::Edit(r, e) => apply(all[r % peers].browser.vault_mut(), e),
                Act::Sync(r) => sync_peer(&mut all[r % peers]),
                Act::Upload(r, mask) => upload(&mut all[r % peers], &mut server, &|i| mask >> (i % 64) & 1 == 1),
                Act::Download(r, mask) => download(&mut all[r % peers], &server, &|i| mask >> (i % 64) & 1 == 1),
            }
        }
        // The relays complete: every browser syncs, uploads and downloads until nothing changes.
        let mut quiet = false;
        for _ in 0..8 {
            let before = server.clone();
            for p in all.iter_mut() {
                download(p, &server, &|_| true);
                sync_peer(p);
                upload(p, &mut server, &|_| true);
            }
            if server == before {
                quiet = true;
                break;
            }
        }
        prop_assert!(quiet, "the browsers kept writing");
        for p in &all[1..] {
            prop_assert_eq!(records(p.browser.vault()), records(all[0].browser.vault()));
        }
        let bytes: usize = server.iter().filter_map(|(k, v)| v.as_ref().map(|v| k.len() + v.len() + 2)).sum();
        prop_assert!(bytes <= QUOTA_BYTES);
    }
}
