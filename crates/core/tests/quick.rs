//! The first screen's reader (`authbar_core::quick`) answers as the full reader does, or declines:
//! on every vault the core writes (plain and sealed, compact and pretty-printed), and on those texts
//! mutated byte by byte. Its JSON rows equal `Vault::listed`'s serde output.
#![allow(clippy::unwrap_used)] // tests may panic on what they check

use authbar_core::quick::{FirstScreen, codes_json, listed_json, matching_json};
use authbar_core::sealed::{self, DataKey, KdfParams, RandomFailed};
use authbar_core::{Account, Algorithm, LockState, OtpType, Secret, Vault};
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
type Read = Option<Option<Vec<(u64, Account, Option<String>)>>>;

/// The full reader's answer.
fn full(text: &str, key: Option<&DataKey>) -> Read {
    let mut state = LockState::open(Some(text.as_bytes().to_vec())).ok()?;
    if let (true, Some(key)) = (state.is_protected(), key) {
        let _ = state.unlock_with_key(key.clone());
    }
    Some(state.vault().ok().map(|v| {
        v.entries()
            .iter()
            .map(|e| (e.id, e.account.clone(), e.site.clone()))
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
            .map(|e| (e.id, e.account.clone(), e.site.clone()))
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
    ) {
        let v = vault(&specs, &removed);
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

#[test]
fn texts_the_full_reader_refuses_are_declined() {
    let account = r#"{"type":"totp","issuer":"A","name":"b","secret":"JBSWY3DPEHPK3PXP","algorithm":"SHA1","digits":6,"period":30,"counter":0}"#;
    let cases = [
        r#"{"schema":3,"nextId":2,"entries":[]}"#.to_owned(),
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
        r#"{"format":"authbar-vault","version":3}"#.to_owned(),
        "[]".to_owned(),
        "{".to_owned(),
    ];
    for text in cases {
        assert!(
            FirstScreen::read(Some(&text), None).is_none(),
            "not declined: {text}"
        );
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
