//! The first screen's reader (`authbar_core::quick`) answers as the full reader does, or declines:
//! on every vault the core writes (plain and sealed, compact and pretty-printed), and on those texts
//! mutated byte by byte. Its JSON rows equal `Vault::listed`'s serde output.
#![allow(clippy::unwrap_used)] // tests may panic on what they check

use std::collections::BTreeMap;

use authbar_core::quick::{FirstScreen, codes_json, listed_json, matching_json};
use authbar_core::sealed::{self, DataKey, KdfParams, RandomFailed};
use authbar_core::{Account, Algorithm, LockState, OtpType, Secret, Vault, sync};
use proptest::prelude::*;

const FAST: KdfParams = KdfParams {
    memory_kib: 64,
    iterations: 1,
    parallelism: 1,
};

#[derive(Debug, Clone)]
struct Spec {
    otp_type: u8,
    algorithm: u8,
    issuer: Option<String>,
    name: String,
    secret: Vec<u8>,
    digits: u8,
    period: u64,
    counter: u64,
    site: Option<String>,
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        0u8..3,
        0u8..3,
        proptest::option::of("[A-Za-z \"\\\\\u{1}\u{e9}\u{1f600}]{0,8}"),
        "[a-z@.\"\\\\ \u{0}-\u{1f}\u{7f}\u{e9}]{0,10}",
        prop::collection::vec(any::<u8>(), 10..24),
        6u8..9,
        1u64..120,
        any::<u64>(),
        proptest::option::of("[a-z]{1,6}\\.(com|test)"),
    )
        .prop_map(
            |(otp_type, algorithm, issuer, name, secret, digits, period, counter, site)| Spec {
                otp_type,
                algorithm,
                issuer,
                name,
                secret,
                digits,
                period,
                counter,
                site,
            },
        )
}

fn account(s: &Spec) -> Account {
    let otp_type = [OtpType::Totp, OtpType::Hotp, OtpType::Steam][usize::from(s.otp_type)];
    let algorithm =
        [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512][usize::from(s.algorithm)];
    let account = Account::new(otp_type, Secret::from_bytes(s.secret.clone()).unwrap())
        .with_label(s.issuer.clone(), s.name.clone())
        .with_algorithm(algorithm)
        .with_period(s.period)
        .unwrap()
        .with_counter(s.counter);
    if otp_type == OtpType::Steam {
        account
    } else {
        account.with_digits(s.digits).unwrap()
    }
}

/// Pins and logos (which make the list schema 3) on some entries: `marks` holds (entry index, pin,
/// logo) choices.
fn mark(v: &mut Vault, marks: &[(usize, bool, Option<&str>)]) {
    let ids: Vec<u64> = v.entries().iter().map(|e| e.id).collect();
    for &(i, pin, logo) in marks {
        if let Some(&id) = ids.get(i) {
            v.set_pinned(id, pin).unwrap();
            v.set_logo(id, logo).unwrap();
        }
    }
}

fn marks() -> impl Strategy<Value = Vec<(usize, bool, Option<&'static str>)>> {
    prop::collection::vec(
        (
            0usize..6,
            any::<bool>(),
            proptest::option::of(prop::sample::select(vec!["github", "google", "letter"])),
        ),
        0..4,
    )
}

/// A sealed vault that syncs (schema 3 inside, with a replica, versions and tombstones): published to
/// an empty sync area, then edited.
fn synced(
    specs: &[Spec],
    removed: &[usize],
    marks: &[(usize, bool, Option<&str>)],
) -> (String, DataKey) {
    let mut state = LockState::open(None).unwrap();
    state
        .vault_mut()
        .unwrap()
        .add(specs.iter().map(account).collect());
    state
        .set_passphrase("a passphrase!", FAST, &mut counter_random())
        .unwrap();
    sync::publish(
        &mut state,
        &BTreeMap::new(),
        1_800_000_000,
        &mut counter_random(),
    )
    .unwrap();
    let v = state.vault_mut().unwrap();
    mark(v, marks);
    let ids: Vec<u64> = v.entries().iter().map(|e| e.id).collect();
    for &i in removed {
        if let Some(&id) = ids.get(i) {
            let _ = v.remove(id);
        }
    }
    if v.entries().len() > 1 {
        // (Refused across a pin: then the list stays as it is.)
        let first = v.entries()[0].id;
        let _ = v.move_entry(first, v.entries().len() - 1);
    }
    let key = state.key().unwrap().clone();
    (state.to_text(&mut counter_random()).unwrap(), key)
}

fn vault(specs: &[Spec], removed: &[usize]) -> Vault {
    let mut v = Vault::new();
    v.add(specs.iter().map(account).collect());
    let ids: Vec<u64> = v.entries().iter().map(|e| e.id).collect();
    for (id, s) in ids.iter().zip(specs) {
        v.set_site(*id, s.site.as_deref()).unwrap();
    }
    for &i in removed {
        if let Some(&id) = ids.get(i) {
            let _ = v.remove(id);
        }
    }
    if v.entries().len() > 1 {
        let last = v.entries()[v.entries().len() - 1].id;
        v.move_entry(last, 0).unwrap();
    }
    v
}

fn counter_random() -> impl FnMut(&mut [u8]) -> Result<(), RandomFailed> {
    let mut n: u8 = 0;
    move |buf: &mut [u8]| {
        for b in buf {
            n = n.wrapping_add(7);
            *b = n;
        }
        Ok(())
    }
}

/// What a reader gives for a text: the entries (id, account, site) when open, `Some(None)` when
/// locked, `None` when it does not read the text.
type Read = Option<Option<Vec<Row>>>;

/// An entry as both readers give it: id, account, site, pin, logo.
type Row = (u64, Account, Option<String>, bool, Option<String>);

/// The full reader's answer.
fn full(text: &str, key: Option<&DataKey>) -> Read {
    let mut state = LockState::open(Some(text.as_bytes().to_vec())).ok()?;
    if let (true, Some(key)) = (state.is_protected(), key) {
        let _ = state.unlock_with_key(key.clone());
    }
    Some(state.vault().ok().map(|v| {
        v.entries()
            .iter()
            .map(|e| {
                (
                    e.id,
                    e.account.clone(),
                    e.site.clone(),
                    e.pinned,
                    e.logo.clone(),
                )
            })
            .collect()
    }))
}

/// The first screen's answer.
fn quick(text: &str, key: Option<&DataKey>) -> Read {
    let screen = FirstScreen::read(Some(text), key)?;
    Some((!screen.is_locked()).then(|| {
        screen
            .entries()
            .iter()
            .map(|e| {
                (
                    e.id,
                    e.account.clone(),
                    e.site.clone(),
                    e.pinned,
                    e.logo.clone(),
                )
            })
            .collect()
    }))
}

/// Whenever the first screen answers, the full reader answers the same.
fn agree(text: &str, key: Option<&DataKey>) -> Result<(), TestCaseError> {
    if let Some(answer) = quick(text, key) {
        prop_assert_eq!(Some(answer), full(text, key), "{}", text);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn the_first_screen_reads_every_plain_vault_as_the_full_reader_does(
        specs in prop::collection::vec(spec(), 0..6),
        removed in prop::collection::vec(0usize..6, 0..3),
        marks in marks(),
    ) {
        let mut v = vault(&specs, &removed);
        mark(&mut v, &marks);
        for text in [v.to_json(), serde_json::to_string_pretty(&serde_json::from_str::<serde_json::Value>(&v.to_json()).unwrap()).unwrap()] {
            let answer = quick(&text, None);
            prop_assert!(answer.is_some(), "declined a vault the core wrote: {}", text);
            prop_assert_eq!(answer, full(&text, None));
        }
        // The rows as JSON equal the serde views of the list.
        let rows: serde_json::Value = serde_json::from_str(&listed_json(
            v.entries().iter().map(|e| (e.id, &e.account, e.site.as_deref())),
        )).unwrap();
        prop_assert_eq!(rows, serde_json::to_value(v.listed()).unwrap());
    }

    #[test]
    fn the_first_screen_opens_every_sealed_vault_with_the_held_key_as_the_full_reader_does(
        specs in prop::collection::vec(spec(), 0..4),
    ) {
        let v = vault(&specs, &[]);
        let (sealed, key) = sealed::seal(&v, "a passphrase!", FAST, &mut counter_random()).unwrap();
        let text = sealed.to_text();
        prop_assert_eq!(quick(&text, Some(&key)), full(&text, Some(&key)));
        prop_assert_eq!(quick(&text, None), Some(None), "no key: locked");
        let other = DataKey::from_base64("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=").unwrap();
        prop_assert_eq!(quick(&text, Some(&other)), Some(None), "a key that does not open it: locked");
        prop_assert_eq!(full(&text, Some(&other)), Some(None));
    }

    #[test]
    fn the_first_screen_opens_every_synced_vault_with_the_held_key_as_the_full_reader_does(
        specs in prop::collection::vec(spec(), 0..5),
        removed in prop::collection::vec(0usize..5, 0..3),
        marks in marks(),
    ) {
        let (text, key) = synced(&specs, &removed, &marks);
        let answer = quick(&text, Some(&key));
        prop_assert!(matches!(answer, Some(Some(_))), "declined a synced vault the core wrote");
        prop_assert_eq!(answer, full(&text, Some(&key)));
    }

    #[test]
    fn a_mutated_synced_text_is_read_as_the_full_reader_reads_it_or_declined(
        specs in prop::collection::vec(spec(), 1..4),
        removed in prop::collection::vec(0usize..4, 0..2),
        marks in marks(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..4),
    ) {
        // The list inside, mutated, then read as a plain text (the sealed one would fail its tag).
        let (text, key) = synced(&specs, &removed, &marks);
        let mut state = LockState::open(Some(text.into_bytes())).unwrap();
        state.unlock_with_key(key).unwrap();
        let mut bytes = state.vault().unwrap().to_json().into_bytes();
        for (at, byte, kind) in edits {
            let i = at.index(bytes.len());
            match kind {
                0 => bytes[i] = byte,
                1 => bytes.insert(i, byte),
                _ => { bytes.remove(i); }
            }
        }
        if let Ok(text) = String::from_utf8(bytes) {
            agree(&text, None)?;
        }
    }

    #[test]
    fn a_mutated_text_is_read_as_the_full_reader_reads_it_or_declined(
        specs in prop::collection::vec(spec(), 1..4),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..4),
        sealed_too in any::<bool>(),
    ) {
        let v = vault(&specs, &[]);
        let (text, key) = if sealed_too {
            let (s, key) = sealed::seal(&v, "a passphrase!", FAST, &mut counter_random()).unwrap();
            (s.to_text(), Some(key))
        } else {
            (v.to_json(), None)
        };
        let mut bytes = text.into_bytes();
        for (at, byte, kind) in edits {
            let i = at.index(bytes.len());
            match kind {
                0 => bytes[i] = byte,
                1 => bytes.insert(i, byte),
                _ => { bytes.remove(i); }
            }
        }
        if let Ok(text) = String::from_utf8(bytes) {
            agree(&text, key.as_ref())?;
        }
    }
}

/// A schema-3 list of one entry (uid `AQEB…`), `entry` appended to its fields and `list` to the
/// list's.
fn three(entry: &str, list: &str) -> String {
    let account = r#"{"type":"totp","issuer":"A","name":"b","secret":"JBSWY3DPEHPK3PXP","algorithm":"SHA1","digits":6,"period":30,"counter":0}"#;
    format!(
        r#"{{"schema":3,"nextId":2,"entries":[{{"id":1,"account":{account},"uid":"AQEBAQEBAQEBAQEBAQEBAQ"{entry}}}]{list}}}"#
    )
}

#[test]
fn texts_the_full_reader_refuses_are_declined() {
    let account = r#"{"type":"totp","issuer":"A","name":"b","secret":"JBSWY3DPEHPK3PXP","algorithm":"SHA1","digits":6,"period":30,"counter":0}"#;
    let cases = [
        r#"{"schema":4,"nextId":2,"entries":[]}"#.to_owned(),
        r#"{"schema":0,"nextId":2,"entries":[]}"#.to_owned(),
        format!(
            r#"{{"schema":1,"nextId":2,"entries":[{{"id":1,"account":{account},"site":"a.com"}}]}}"#
        ),
        format!(r#"{{"schema":1,"nextId":1,"entries":[{{"id":1,"account":{account}}}]}}"#),
        format!(
            r#"{{"schema":1,"nextId":3,"entries":[{{"id":1,"account":{account}}},{{"id":1,"account":{account}}}]}}"#
        ),
        r#"{"schema":1,"nextId":2,"entries":[],"extra":1}"#.to_owned(),
        r#"{"schema":1,"nextId":2,"schema":1,"entries":[]}"#.to_owned(),
        account.replace("\"digits\":6", "\"digits\":5"),
        format!(
            r#"{{"schema":1,"nextId":2,"entries":[{{"id":1,"account":{}}}]}}"#,
            account.replace("\"digits\":6", "\"digits\":6.0")
        ),
        format!(
            r#"{{"schema":1,"nextId":2,"entries":[{{"id":1,"account":{}}}]}}"#,
            account.replace("SHA1", "MD5")
        ),
        // Schema 3: what the full reader checks beyond the fields' types.
        three(
            r#","version":{"clock":0,"device":0},"order":"a0""#,
            r#","tombstones":[{"uid":"AAAAAAAAAAAAAAAAAAAAAA","deleted":{"clock":1,"device":1}}]"#,
        ),
        three(
            r#","version":{"clock":5,"device":1},"order":"a0""#,
            r#","replica":{"device":1,"clock":4}"#,
        ),
        three(
            r#","version":{"clock":1,"device":1},"order":"a0""#,
            r#","replica":{"device":0,"clock":4}"#,
        ),
        three(r#","version":{"clock":1,"device":1},"order":"a0""#, ""),
        three(r#","version":{"clock":0,"device":0},"order":"a00""#, ""),
        three(
            r#","version":{"clock":0,"device":0},"order":"a0","logo":"Git Hub""#,
            "",
        ),
        three(
            r#","version":{"clock":0,"device":0},"order":"a0","pinned":1"#,
            "",
        ),
        three(
            r#","version":{"clock":0,"device":0,"x":1},"order":"a0""#,
            "",
        ),
        three(
            r#","version":{"clock":0,"device":4294967296},"order":"a0""#,
            r#","replica":{"device":1,"clock":4}"#,
        ),
        three(
            r#","version":{"clock":1,"device":1},"order":"a0""#,
            r#","replica":{"device":1,"clock":4},"tombstones":[{"uid":"AAAAAAAAAAAAAAAAAAAAAA","deleted":{"clock":1,"device":1}},{"uid":"AAAAAAAAAAAAAAAAAAAAAA","deleted":{"clock":1,"device":1}}]"#,
        ),
        three(
            r#","version":{"clock":1,"device":1},"order":"a0""#,
            r#","replica":{"device":1,"clock":4},"tombstones":[{"uid":"AAAAAAAAAAAAAAAAAAAAAA","deleted":{"clock":9,"device":1}}]"#,
        ),
        three(
            r#","version":{"clock":1,"device":1},"order":"a0""#,
            r#","replica":{"device":1,"clock":4},"tombstones":[{"uid":"AAAAAAAAAAAAAAAAAAAAAA","deleted":{"clock":1,"device":1},"counter":null}]"#,
        ),
        three(
            r#","version":{"clock":1,"device":1},"order":"a0""#,
            r#","replica":{"device":1,"clock":4,"link":{"syncId":"short","revision":1}}"#,
        ),
        r#"{"format":"authbar-vault","version":3}"#.to_owned(),
        "[]".to_owned(),
        "{".to_owned(),
    ];
    for text in cases {
        assert!(
            FirstScreen::read(Some(&text), None).is_none(),
            "not declined: {text}"
        );
        assert!(
            full(&text, None).is_none(),
            "the full reader reads it: {text}"
        );
    }
    // The same schema-3 list, valid: read by both, alike.
    for text in [
        three(
            r#","version":{"clock":0,"device":0},"order":"a0","pinned":true,"logo":"github""#,
            "",
        ),
        three(
            r#","version":{"clock":1,"device":1},"order":"a0""#,
            r#","replica":{"device":1,"clock":4,"link":{"syncId":"AQEBAQEBAQEBAQEBAQEBAQ","revision":1}},"tombstones":[{"uid":"AAAAAAAAAAAAAAAAAAAAAA","deleted":{"clock":1,"device":1},"secs":null}]"#,
        ),
    ] {
        assert!(quick(&text, None).is_some(), "declined: {text}");
        assert_eq!(quick(&text, None), full(&text, None), "{text}");
    }
    // Nothing stored: an empty plain list.
    let empty = FirstScreen::read(None, None).unwrap();
    assert!(!empty.is_protected() && !empty.is_locked() && empty.entries().is_empty());
}

#[test]
fn codes_and_site_matches_are_written_for_the_rows_asked() {
    let rfc = Account::new(
        OtpType::Totp,
        Secret::from_base32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ").unwrap(),
    )
    .with_label(Some("GitHub".into()), "alice".into());
    let hotp = Account::new(
        OtpType::Hotp,
        Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap(),
    );
    let entries = [(1, &rfc, None), (2, &hotp, Some("github.com"))];
    // RFC 6238 Appendix B: 287082 at 59 s; 1 ms into the step's last second.
    let codes: serde_json::Value = serde_json::from_str(&codes_json(
        entries.iter().map(|&(id, a, _)| (id, a)),
        &[2, 1, 9],
        59_001,
    ))
    .unwrap();
    assert_eq!(codes[0]["id"], 1);
    assert_eq!(codes[0]["code"], "287082");
    assert_eq!(codes[0]["remainingMs"], 999);
    assert_eq!(codes[0]["periodMs"], 30_000);
    assert_eq!(codes[1]["remainingMs"], 0, "HOTP codes wait for next");
    assert_eq!(
        codes.as_array().unwrap().len(),
        2,
        "an id of no account is left out"
    );
    let found = matching_json(entries.iter().copied(), "github.com").unwrap();
    assert_eq!(
        found,
        r#"[{"id":2,"how":"stored"},{"id":1,"how":"issuer"}]"#
    );
    assert!(matching_json(entries.iter().copied(), "not a host").is_none());
}
