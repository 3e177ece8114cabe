//! Undo after a deletion and after an import's replacement (issue 27): the same entries come back
//! where they were, with their sites, pins and logos; once the vault syncs, above their tombstones,
//! so the other copies take them back too. And a restored backup's sites, pins, logos and order
//! (issue 28).

#![allow(clippy::unwrap_used)] // tests may panic on what they check

mod sync_support;

use authbar_core::vault::{Choice, LETTER, Selection};
use authbar_core::{Coded, Import, Vault, VaultError, import_file, import_text, sealed};
use sync_support::*;

const URIS: [&str; 5] = [
    "otpauth://totp/GitHub:octocat?secret=JBSWY3DPEHPK3PXP&issuer=GitHub",
    "otpauth://totp/Bank:carol?secret=GEZDGNBVGY3TQOJQ&issuer=Bank",
    "otpauth://hotp/Shop:dave?secret=KRSXG5CTMVRXEZLU&issuer=Shop&counter=3",
    "otpauth://totp/Mail:erin?secret=ONSWG4TFOQQGC3TEEBZWKY3SMV2CAMJS&issuer=Mail",
    "otpauth://totp/Google:frank?secret=MFRGGZDFMZTWQ2LKNNWG23TPOA&issuer=Google",
];

/// Five accounts; Mail (4) pinned, Bank (2) tied to a site with a chosen logo, Google (5) as letter.
fn vault() -> Vault {
    let mut v = Vault::new();
    for uri in URIS {
        v.add(import_text(uri).unwrap().accounts);
    }
    v.set_pinned(4, true).unwrap();
    v.set_site(2, Some("bank.example")).unwrap();
    v.set_logo(2, Some("revolut")).unwrap();
    v.set_logo(5, Some(LETTER)).unwrap();
    v
}

fn ids(v: &Vault) -> Vec<u64> {
    v.entries().iter().map(|e| e.id).collect()
}

#[test]
fn a_deleted_entry_comes_back_where_it_was_with_its_site_pin_and_logo() {
    for id in [1, 2, 4, 5] {
        let mut v = vault();
        let before = v.clone();
        let undo = v.remove_undoable(id).unwrap();
        assert!(!ids(&v).contains(&id));
        assert_eq!(undo.taken_ids().collect::<Vec<_>>(), [id]);
        assert_eq!(v.undo(undo).unwrap(), [id]);
        assert_eq!(v, before, "entry {id} is back exactly");
        assert_eq!(v.to_json(), before.to_json());
    }
}

#[test]
fn a_pinned_entry_comes_back_among_the_pinned_even_when_the_list_changed() {
    let mut v = vault();
    v.set_pinned(1, true).unwrap();
    assert_eq!(ids(&v), [4, 1, 2, 3, 5]);
    let undo = v.remove_undoable(1).unwrap();
    // Meanwhile Mail is unpinned: the pinned group is empty, and GitHub opens a new one.
    v.set_pinned(4, false).unwrap();
    v.undo(undo).unwrap();
    assert_eq!(ids(&v), [1, 4, 2, 3, 5]);
    assert!(v.entries()[0].pinned);
    // An entry whose place is past the end of the list now comes back last.
    let undo = v.remove_undoable(5).unwrap();
    v.remove(3).unwrap();
    v.undo(undo).unwrap();
    assert_eq!(ids(&v), [1, 4, 2, 5]);
}

#[test]
fn undo_of_a_replacement_brings_the_old_account_back_and_removes_the_new_one() {
    let mut v = vault();
    let before = v.clone();
    let incoming = [
        "otpauth://totp/Bank:carol?secret=MFRGGZDFMZTWQ2LK&issuer=Bank",
        "otpauth://totp/New:grace?secret=KRUGS4ZANFZSAYJA&issuer=New",
    ];
    let p = v.preview(incoming.map(import_text));
    let choices = [
        Selection {
            index: 0,
            choice: Choice::Replace(2),
        },
        Selection {
            index: 1,
            choice: Choice::Add,
        },
    ];
    let (added, undo) = v.commit_undoable(&p, &choices).unwrap();
    assert_eq!(
        (added.ids.as_slice(), added.replaced.as_slice()),
        (&[6][..], &[2][..])
    );
    let replaced = v.entries().iter().find(|e| e.id == 2).unwrap();
    assert_eq!(replaced.account.secret().to_base32(), "MFRGGZDFMZTWQ2LK");
    assert_eq!(
        format!("{undo:?}"),
        "Undo { taken: [(2, 2)], put: [6, 2] }",
        "no secret in Debug"
    );
    assert_eq!(v.undo(undo).unwrap(), [2]);
    assert_eq!(
        v.entries(),
        before.entries(),
        "the old account, its site and logo back; the import gone"
    );
    // The id the import's new account had is not given out again.
    let fresh = v.add(
        import_text(URIS[0].replace("octocat", "eve").as_str())
            .unwrap()
            .accounts,
    );
    assert_eq!(fresh.ids, [7]);
}

#[test]
fn an_import_that_replaced_nothing_has_nothing_to_bring_back() {
    let mut v = vault();
    let p = v.preview([
        import_text(URIS[0]),
        import_text("otpauth://totp/New:grace?secret=KRUGS4ZANFZSAYJA&issuer=New"),
    ]);
    let (added, undo) = v.commit_undoable(&p, &p.add_new()).unwrap();
    assert_eq!(
        added.ids,
        [6],
        "the new account added, the stored one not again"
    );
    assert!(added.replaced.is_empty());
    assert!(undo.is_empty());
    assert_eq!(format!("{undo:?}"), "Undo { taken: [], put: [] }");
}

#[test]
fn an_entry_that_is_back_already_is_not_brought_back_twice() {
    let mut v = vault();
    let undo = v.remove_undoable(3).unwrap();
    v.add(import_text(URIS[2]).unwrap().accounts);
    let again = v.clone();
    let err = v.undo(undo).unwrap_err();
    assert_eq!(err, VaultError::AlreadyBack { id: 6 });
    assert_eq!(err.code(), "already_back");
    assert_eq!(
        err.to_string(),
        "the deleted account is not put back: the list holds it again (account 6)"
    );
    assert_eq!(v, again, "nothing changed");
    // A replacement's undo is all or nothing too: the new account stays when the old is back.
    let mut v = vault();
    let p = v.preview([import_text(
        "otpauth://totp/Bank:carol?secret=MFRGGZDFMZTWQ2LK&issuer=Bank",
    )]);
    let replace = Selection {
        index: 0,
        choice: Choice::Replace(2),
    };
    let (_, undo) = v.commit_undoable(&p, &[replace]).unwrap();
    v.add(import_text(URIS[1]).unwrap().accounts);
    let after = v.clone();
    assert_eq!(v.undo(undo).unwrap_err().code(), "already_back");
    assert_eq!(v, after);
}

#[test]
fn a_logo_authbar_does_not_ship_is_refused_by_name() {
    let mut v = vault();
    let before = v.clone();
    let err = v.set_logo(1, Some("nosuchbrand")).unwrap_err();
    assert_eq!(
        err,
        VaultError::UnknownLogo {
            logo: "nosuchbrand".into()
        }
    );
    assert_eq!(err.code(), "unknown_logo");
    assert_eq!(
        err.to_string(),
        "'nosuchbrand' is not one of the logos Authbar ships: choose one from its list, or \
         \"letter\" for the letter"
    );
    assert_eq!(err.params().get("found"), Some("nosuchbrand"));
    assert_eq!(v, before);
    // A stored choice of a logo this version lacks (a newer one ships it) still reads.
    let text = v.to_json().replace("\"revolut\"", "\"futurebrand\"");
    assert_eq!(
        Vault::from_json(&text).unwrap().entries()[2]
            .logo
            .as_deref(),
        Some("futurebrand")
    );
}

#[test]
fn once_synced_a_restored_entry_outlives_its_tombstone_on_every_copy() {
    let bob = "otpauth://totp/Bank:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Bank";
    let mut a = Browser::protected(1, vec![account(URIS[0]), account(bob), account(URIS[2])]);
    a.publish();
    let mut b = Browser::plain(2, vec![]);
    relay(&a, &mut b);
    b.join(PASS).unwrap();
    let id = id_of(a.vault(), "bob");
    a.vault_mut().set_pinned(id, true).unwrap();
    a.vault_mut().set_logo(id, Some("bankofamerica")).unwrap();
    settle(&mut a, &mut b);
    let kept = a.vault().entries()[0].clone();
    assert_eq!(kept.id, id);

    let undo = a.vault_mut().remove_undoable(id).unwrap();
    assert_eq!(a.vault().tombstones().len(), 1);
    settle(&mut a, &mut b);
    assert!(
        labels(b.vault()).iter().all(|(_, n)| n != "bob"),
        "B took the deletion"
    );
    assert_eq!(b.vault().tombstones().len(), 1);

    a.vault_mut().undo(undo).unwrap();
    let back = &a.vault().entries()[0];
    assert_eq!((back.id, back.uid), (kept.id, kept.uid));
    assert_eq!(
        (back.pinned, back.logo.as_deref()),
        (true, Some("bankofamerica"))
    );
    assert!(
        back.version
            > a.vault()
                .tombstones()
                .first()
                .map_or(kept.version, |t| t.deleted)
    );
    assert!(a.vault().tombstones().is_empty(), "A's tombstone goes");
    settle(&mut a, &mut b);
    for v in [a.vault(), b.vault()] {
        assert_eq!(v.entries()[0].account.name(), "bob", "pinned, first");
        assert!(v.entries()[0].pinned);
        assert!(v.tombstones().is_empty());
    }
    assert_eq!(records(a.vault()), records(b.vault()));
}

#[test]
fn a_restored_backup_lists_its_accounts_as_they_were() {
    let mut v = vault();
    v.move_entry(1, 3).unwrap();
    v.set_pinned(3, true).unwrap();
    let order = ids(&v);
    let (backup, _) = sealed::seal(&v, PASS, FAST, &mut random(5)).unwrap();
    let import = import_file(backup.to_text().as_bytes(), Some(PASS)).unwrap();
    assert_eq!(import.kept.len(), 5);
    // Into a fresh profile: the same order, pins, sites and logos (ids are the new vault's own).
    let mut fresh = Vault::new();
    let p = fresh.preview([Ok(import.clone())]);
    fresh.commit(&p, &p.add_new()).unwrap();
    let seen = |v: &Vault| -> Vec<_> {
        v.entries()
            .iter()
            .map(|e| (e.account.clone(), e.site.clone(), e.pinned, e.logo.clone()))
            .collect()
    };
    assert_eq!(seen(&fresh), seen(&v));
    assert_eq!(ids(&v), order);
    // Beside accounts already there: after them, the backup's pinned ones after the pinned.
    let mut other = Vault::new();
    other.add(vec![numbered("Own", "one", 1), numbered("Own", "two", 2)]);
    other.set_pinned(2, true).unwrap();
    let p = other.preview([Ok(import)]);
    other.commit(&p, &p.add_new()).unwrap();
    let names: Vec<&str> = other.entries().iter().map(|e| e.account.name()).collect();
    assert_eq!(
        names,
        ["two", "erin", "dave", "one", "carol", "octocat", "frank"]
    );
    // An older backup (schema 1 inside) reads as before: nothing kept beyond the accounts.
    let mut plain = Vault::new();
    plain.add(import_text(URIS[0]).unwrap().accounts);
    let (old, _) = sealed::seal(&plain, PASS, FAST, &mut random(6)).unwrap();
    let import = import_file(old.to_text().as_bytes(), Some(PASS)).unwrap();
    assert_eq!(import.kept, [Default::default()]);
}

#[test]
fn kept_fields_that_do_not_fit_the_accounts_are_refused_as_damage() {
    let v = Vault::new();
    let mut import = import_text(URIS[0]).unwrap();
    import.kept = vec![Default::default(), Default::default()];
    let p = v.preview([Ok(import)]);
    assert_eq!(p.problems.len(), 1);
    assert_eq!(p.problems[0].why.code, "corrupt");
    assert!(
        p.problems[0]
            .why
            .message
            .contains("it keeps the site, pin and logo of 2 accounts but holds 1"),
        "{}",
        p.problems[0].why.message
    );
    let mut import: Import = import_text(URIS[0]).unwrap();
    import.kept = vec![authbar_core::import::Kept {
        logo: Some("Not A Logo".into()),
        ..Default::default()
    }];
    let p = v.preview([Ok(import)]);
    assert!(
        p.problems[0]
            .why
            .message
            .contains("account 1: 'Not A Logo' is not a logo"),
        "{}",
        p.problems[0].why.message
    );
    assert!(p.accounts.is_empty());
}
