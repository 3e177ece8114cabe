//! The import preview and commit: duplicate marking, the user's choices, and that a commit that does
//! not match writes nothing. Also the list order (`move_entry`).

#![allow(clippy::unwrap_used)] // tests may panic on what they check

use authbar_core::vault::{Choice, CommitError, Selection, Status};
use authbar_core::{Account, Coded, Import, ImportError, Vault, VaultError, import_text};

const A: &str = "otpauth://totp/Bank:carol?secret=JBSWY3DPEHPK3PXP";
const A_NEW_SECRET: &str = "otpauth://totp/Bank:carol?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const B: &str = "otpauth://totp/Mail:dave?secret=KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU&digits=8";
const C: &str =
    "otpauth://hotp/Shop:erin?secret=MFRGGZDFMZTWQ2LKMFRGGZDFMZTWQ2LK&counter=18446744073709551615";

fn account(uri: &str) -> Account {
    import_text(uri).unwrap().accounts.remove(0)
}

fn one(uri: &str) -> Result<Import, ImportError> {
    import_text(uri)
}

fn add(index: usize) -> Selection {
    Selection {
        index,
        choice: Choice::Add,
    }
}

fn replace(index: usize, entry_id: u64) -> Selection {
    Selection {
        index,
        choice: Choice::Replace(entry_id),
    }
}

/// A vault holding A (id 1) and B (id 2).
fn stored() -> Vault {
    let mut v = Vault::new();
    v.add(vec![account(A), account(B)]);
    v
}

#[test]
fn preview_marks_stored_repeated_same_name_and_new() {
    let v = stored();
    let p = v.preview(vec![
        one(A),
        one(A_NEW_SECRET),
        one(C),
        one(C),
        one(A_NEW_SECRET),
    ]);
    let statuses: Vec<&Status> = p.accounts.iter().map(|a| &a.status).collect();
    assert_eq!(
        statuses,
        vec![
            &Status::Stored { entry_id: 1 },
            &Status::SameName { entry_ids: vec![1] },
            &Status::New,
            &Status::Repeated { earlier: 2 },
            &Status::Repeated { earlier: 1 },
        ]
    );
    let duplicate: Vec<bool> = p.accounts.iter().map(|a| a.duplicate).collect();
    assert_eq!(duplicate, vec![true, false, false, true, true]);
    assert_eq!(p.accounts[3].source, 3);
    assert_eq!(p.accounts[4].index, 4);
    // A preview writes nothing.
    assert_eq!(v, stored());
}

#[test]
fn preview_lists_every_stored_entry_with_the_same_name_and_same_names_within_the_import() {
    let mut v = stored();
    // Two stored entries with one label (issue 9, item 5: one of them from a dead set-up page).
    let c = v.add(vec![account(A_NEW_SECRET)]).ids[0];
    let third = "otpauth://totp/Bank:carol?secret=ONSWG4TFOQQGC3TEEBZWKY3SMV2CAMJS";
    let p = v.preview(vec![one(third)]);
    assert_eq!(
        p.accounts[0].status,
        Status::SameName {
            entry_ids: vec![1, c]
        }
    );
    let p = Vault::new().preview(vec![one(A), one(A_NEW_SECRET)]);
    assert_eq!(p.accounts[1].status, Status::New);
    assert_eq!(p.accounts[1].same_name_in_import, vec![0]);
    assert!(p.accounts[0].same_name_in_import.is_empty());
}

#[test]
fn preview_reports_problems_skipped_entries_and_batches() {
    // A 2-part export's second part with one account, an MD5 entry, and a web link.
    let vectors = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/vectors/migration.jsonl"),
    )
    .unwrap();
    let uri_of = |id: &str| -> String {
        let line = vectors
            .lines()
            .find(|l| l.contains(&format!("\"{id}\"")))
            .unwrap();
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        v["uri"].as_str().unwrap().to_string()
    };
    let p = Vault::new().preview(vec![
        import_text(&uri_of("mig-12")),
        import_text("https://example.com/setup"),
        import_text(&uri_of("mig-18")),
        import_text("just words"),
    ]);
    assert_eq!(p.batches.len(), 2);
    assert_eq!(
        (p.batches[0].source, p.batches[0].index, p.batches[0].size),
        (0, 1, 2)
    );
    assert_eq!(p.skipped.len(), 1);
    assert_eq!(
        (p.skipped[0].source, p.skipped[0].reason.code.as_str()),
        (2, "unsupported_md5")
    );
    assert_eq!(p.problems.len(), 2);
    assert_eq!(
        (p.problems[0].source, p.problems[0].why.code.as_str()),
        (1, "bad_scheme")
    );
    assert_eq!(p.problems[1].why.code, "not_authenticator");
    assert_eq!(p.problems[1].text.as_deref(), Some("just words"));
    assert_eq!(p.problems[1].error().code(), "not_authenticator");
}

#[test]
fn preview_json_is_camel_case_and_holds_no_secret() {
    let mut v = stored();
    let p = v.preview(vec![one(A), one(A_NEW_SECRET), one(C)]);
    let json = serde_json::to_value(&p).unwrap();
    let first = &json["accounts"][0];
    assert_eq!(first["status"], "stored");
    assert_eq!(first["entryId"], 1);
    assert_eq!(first["duplicate"], true);
    assert_eq!(first["type"], "totp");
    assert_eq!(first["issuer"], "Bank");
    assert_eq!(first["secretBits"], 80);
    assert_eq!(first["weakSecret"], true);
    assert_eq!(json["accounts"][1]["status"], "sameName");
    assert_eq!(json["accounts"][1]["entryIds"], serde_json::json!([1]));
    assert_eq!(json["accounts"][1]["weakSecret"], false);
    assert_eq!(json["accounts"][2]["counter"], "18446744073709551615");
    // A repeat names the earlier index beside its own (one key each).
    let repeated = serde_json::to_value(v.preview(vec![one(C), one(C)])).unwrap();
    assert_eq!(repeated["accounts"][1]["status"], "repeated");
    assert_eq!(repeated["accounts"][1]["earlier"], 0);
    assert_eq!(repeated["accounts"][1]["index"], 1);
    let text = serde_json::to_string(&v.preview(vec![one(C), one(C)])).unwrap();
    assert_eq!(text.matches("\"index\"").count(), 2, "{text}");
    assert_eq!(
        json["accounts"][2]["sameNameInImport"],
        serde_json::json!([])
    );
    let text = json.to_string();
    for uri in [A, A_NEW_SECRET, C] {
        let secret = account(uri).secret().to_base32();
        assert!(!text.contains(&secret), "{text}");
    }
    assert!(!text.contains("secret\""), "{text}");
    // The commit report holds no secret either; duplicates are a count.
    let added = v.commit(&p, &[add(0), add(2)]).unwrap();
    assert_eq!(
        serde_json::to_value(&added).unwrap(),
        serde_json::json!({"ids": [3], "replaced": [], "duplicates": 1})
    );
    // Choices are read from the extension's JSON.
    let choices: Vec<Selection> =
        serde_json::from_str(r#"[{"index":0,"choice":"skip"},{"index":1,"choice":{"replace":1}}]"#)
            .unwrap();
    assert_eq!(
        choices,
        vec![
            Selection {
                index: 0,
                choice: Choice::Skip
            },
            replace(1, 1)
        ]
    );
}

#[test]
fn commit_adds_in_preview_order_and_never_adds_an_exact_duplicate_twice() {
    let mut v = stored();
    let p = v.preview(vec![one(C), one(A), one(A_NEW_SECRET), one(C)]);
    // Chosen out of order: appended in preview order.
    let added = v.commit(&p, &[add(3), add(2), add(1), add(0)]).unwrap();
    assert_eq!(added.ids, vec![3, 4]);
    assert_eq!(added.duplicates, vec![account(A), account(C)]);
    let entries: Vec<(u64, Account)> = v
        .entries()
        .iter()
        .map(|e| (e.id, e.account.clone()))
        .collect();
    assert_eq!(
        entries,
        vec![
            (1, account(A)),
            (2, account(B)),
            (3, account(C)),
            (4, account(A_NEW_SECRET)),
        ]
    );
    // Every field arrives: the counter beyond 2^53 and the 8 digits.
    assert_eq!(v.entries()[2].account, account(C));
}

#[test]
fn commit_adds_a_repeat_when_its_first_occurrence_was_skipped() {
    let mut v = Vault::new();
    let p = v.preview(vec![one(C), one(C)]);
    assert_eq!(p.accounts[1].status, Status::Repeated { earlier: 0 });
    let added = v.commit(&p, &[add(1)]).unwrap();
    assert_eq!(added.ids, vec![1]);
    assert!(added.duplicates.is_empty());
}

#[test]
fn commit_replace_keeps_the_entry_id_and_position() {
    let mut v = stored();
    v.add(vec![account(C)]);
    let p = v.preview(vec![one(A_NEW_SECRET)]);
    let added = v.commit(&p, &[replace(0, 1)]).unwrap();
    assert_eq!(added.replaced, vec![1]);
    assert!(added.ids.is_empty());
    assert_eq!(v.entries()[0].id, 1);
    assert_eq!(v.entries()[0].account, account(A_NEW_SECRET));
    assert_eq!(v.entries().len(), 3);
    // The replaced secret is gone.
    assert!(!v.contains(&account(A)));
}

#[test]
fn commit_without_choices_writes_nothing() {
    let mut v = stored();
    let p = v.preview(vec![one(C)]);
    let added = v.commit(&p, &[]).unwrap();
    assert_eq!(added, authbar_core::Added::default());
    assert_eq!(v, stored());
}

/// Each refused commit leaves the vault exactly as it was, even when an earlier choice was valid.
#[test]
fn a_commit_that_does_not_match_writes_nothing() {
    let mut v = stored();
    let c_id = v.add(vec![account(C)]).ids[0];
    let before = v.clone();
    let p = v.preview(vec![
        one(A_NEW_SECRET),
        one(B),
        one("otpauth://totp/New:x?secret=ONSWG4TFOQ"),
    ]);
    let cases: Vec<(Vec<Selection>, CommitError)> = vec![
        (
            vec![add(2), add(3)],
            CommitError::StaleIndex { index: 3, len: 3 },
        ),
        (
            vec![add(2), add(2)],
            CommitError::RepeatedIndex { index: 2 },
        ),
        (
            vec![add(2), replace(0, 99)],
            CommitError::NoSuchEntry {
                index: 0,
                entry_id: 99,
            },
        ),
        (
            vec![add(2), replace(0, c_id)],
            CommitError::NotSameName {
                index: 0,
                entry_id: c_id,
            },
        ),
    ];
    for (choices, expected) in cases {
        let err = v.commit(&p, &choices).unwrap_err();
        assert_eq!(err, expected);
        assert!(!err.code().is_empty());
        assert_eq!(v, before, "{err}");
    }
    // Entry 4 holds exactly the incoming account: replacing entry 1 with it would store it twice.
    let four = v.add(vec![account(A_NEW_SECRET)]).ids[0];
    let before = v.clone();
    let err = v.commit(&p, &[add(2), replace(0, 1)]).unwrap_err();
    assert_eq!(
        err,
        CommitError::AlreadyStored {
            index: 0,
            entry_id: four
        }
    );
    assert_eq!(err.code(), "already_stored");
    assert_eq!(v, before);
    let err = v.commit(&p, &[add(7)]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the preview has 3 account(s), so there is no account 7; the choices were made on another \
         preview: preview the import again"
    );
    assert_eq!(err.code(), "stale_preview");
}

#[test]
fn a_replacement_is_checked_against_the_earlier_choices_of_the_same_commit() {
    let mut v = Vault::new();
    v.add(vec![account(A)]);
    let before = v.clone();
    // Two incoming accounts with A's label and one new secret: the first is added, so the second
    // (the same account) replacing entry 1 would store it twice.
    let p = v.preview(vec![one(A_NEW_SECRET), one(A_NEW_SECRET)]);
    let err = v.commit(&p, &[add(0), replace(1, 1)]).unwrap_err();
    assert_eq!(
        err,
        CommitError::AlreadyStored {
            index: 1,
            entry_id: 2
        }
    );
    assert_eq!(v, before);
    // Two replacements of one entry.
    let p = v.preview(vec![
        one(A_NEW_SECRET),
        one("otpauth://totp/Bank:carol?secret=ONSWG4TFOQQGC3TEEBZWKY3SMV2CAMJS"),
    ]);
    let err = v.commit(&p, &[replace(0, 1), replace(1, 1)]).unwrap_err();
    assert_eq!(err, CommitError::ReplacedTwice { entry_id: 1 });
    assert_eq!(err.code(), "replaced_twice");
    assert!(err.to_string().contains("entry 1"));
    assert_eq!(v, before);
}

#[test]
fn commit_checks_the_vault_as_it_is_now() {
    let mut v = stored();
    let p = v.preview(vec![one(A_NEW_SECRET), one(C)]);
    // The entry to replace was deleted after the preview was shown.
    v.remove(1).unwrap();
    let err = v.commit(&p, &[replace(0, 1)]).unwrap_err();
    assert_eq!(
        err,
        CommitError::NoSuchEntry {
            index: 0,
            entry_id: 1
        }
    );
    // C was added elsewhere meanwhile: reported as a duplicate, not stored twice.
    v.add(vec![account(C)]);
    let added = v.commit(&p, &[add(1)]).unwrap();
    assert_eq!(added.duplicates, vec![account(C)]);
    assert_eq!(v.entries().len(), 2);
}

#[test]
fn move_entry_reorders_and_the_order_is_stored() {
    let mut v = stored();
    v.add(vec![account(C)]);
    let ids = |v: &Vault| v.entries().iter().map(|e| e.id).collect::<Vec<_>>();
    v.move_entry(3, 0).unwrap();
    assert_eq!(ids(&v), vec![3, 1, 2]);
    v.move_entry(3, 2).unwrap();
    assert_eq!(ids(&v), vec![1, 2, 3]);
    v.move_entry(1, 1).unwrap();
    assert_eq!(ids(&v), vec![2, 1, 3]);
    v.move_entry(1, 1).unwrap();
    assert_eq!(ids(&v), vec![2, 1, 3]);
    let back = Vault::from_json(&v.to_json()).unwrap();
    assert_eq!(ids(&back), vec![2, 1, 3]);
    assert_eq!(back, v);
    let views = v.views();
    assert_eq!(views[0].id, 2);
    assert_eq!(views[0].account.digits, 8);
    let json = serde_json::to_value(&views).unwrap();
    assert_eq!(json[0]["id"], 2);
    assert_eq!(json[0]["name"], "dave");
}

#[test]
fn move_entry_errors_name_the_bad_value() {
    let mut v = stored();
    let before = v.clone();
    assert_eq!(v.move_entry(9, 0), Err(VaultError::NoSuchEntry { id: 9 }));
    let err = v.move_entry(1, 2).unwrap_err();
    assert_eq!(err, VaultError::NoSuchPosition { index: 2, len: 2 });
    assert_eq!(err.code(), "no_such_position");
    assert_eq!(
        err.to_string(),
        "position 2 is past the end of the list of 2 account(s) (positions start at 0)"
    );
    assert_eq!(v, before);
}

#[test]
fn replacing_an_entry_with_the_same_secret_updates_its_settings() {
    let mut v = stored();
    let fixed = "otpauth://totp/Bank:carol?secret=JBSWY3DPEHPK3PXP&digits=8&period=60";
    let p = v.preview(vec![one(fixed)]);
    // Same secret, issuer and name: a duplicate, which Add would not store again…
    assert_eq!(p.accounts[0].status, Status::Stored { entry_id: 1 });
    assert_eq!(v.commit(&p, &[add(0)]).unwrap().duplicates.len(), 1);
    // …but it may replace the stored entry, whose digits and period change in place.
    let added = v.commit(&p, &[replace(0, 1)]).unwrap();
    assert_eq!(added.replaced, vec![1]);
    assert_eq!(v.entries()[0].account, account(fixed));
    assert_eq!(v.entries().len(), 2);
}

#[test]
fn add_new_selects_every_account_that_is_not_an_exact_duplicate() {
    let mut v = stored();
    let p = v.preview(vec![one(A), one(C), one(A_NEW_SECRET), one(C)]);
    assert_eq!(p.add_new(), vec![add(1), add(2)]);
    let added = v.commit(&p, &p.add_new()).unwrap();
    assert_eq!(added.ids, vec![3, 4]);
    assert!(added.duplicates.is_empty());
}

/// Every refusal's message names the preview index and the entry it is about.
#[test]
fn commit_error_messages_name_the_index_and_the_entry() {
    let cases = [
        (
            CommitError::RepeatedIndex { index: 4 },
            "account 4 of the preview was chosen twice",
        ),
        (
            CommitError::NoSuchEntry {
                index: 4,
                entry_id: 9,
            },
            "account 4 of the preview should replace entry 9, which is not stored",
        ),
        (
            CommitError::NotSameName {
                index: 4,
                entry_id: 9,
            },
            "account 4 of the preview can only replace an entry with the same issuer and name, \
             and entry 9 has another",
        ),
        (
            CommitError::AlreadyStored {
                index: 4,
                entry_id: 9,
            },
            "account 4 of the preview is already stored as entry 9; replacing another entry with \
             it would store it twice",
        ),
        (
            CommitError::ReplacedTwice { entry_id: 9 },
            "entry 9 is replaced by two accounts of the preview",
        ),
    ];
    let mut codes = std::collections::HashSet::new();
    for (err, message) in cases {
        assert_eq!(err.to_string(), message);
        assert!(codes.insert(err.code()), "{} repeated", err.code());
    }
}
