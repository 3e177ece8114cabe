//! Property tests: no bytes panic `import_file` — random bytes, random mutations and truncations of
//! every fixture (plain and encrypted, with and without the password), and Steam round trips.

#![allow(clippy::unwrap_used)] // tests may panic on what they check

use authbar_core::{Account, OtpType, Secret, import_file, uri};
use proptest::prelude::*;

fn fixture(name: &str) -> Vec<u8> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/import");
    std::fs::read(dir.join(name)).unwrap()
}

const PASSWORD: &str = "fixture password ✓";

/// Files whose reading needs no slow KDF (plain ones), mutated with the password given.
const PLAIN: &[&str] = &[
    "aegis-plain.json",
    "2fas-plain.2fas",
    "2fas-schema2.2fas",
    "andotp-plain.json",
    "bitwarden.json",
    "bitwarden.csv",
    "ente.txt",
    "proton.json",
    "stratum.json",
];

/// Encrypted files: each case may run the KDF, so fewer cases.
const ENCRYPTED: &[&str] = &[
    "aegis-encrypted.json",
    "2fas-encrypted.2fas",
    "andotp-encrypted.json.aes",
];

/// A fixture with up to 8 bytes overwritten and possibly cut short.
fn mutated(files: &'static [&'static str]) -> impl Strategy<Value = Vec<u8>> {
    (
        0..files.len(),
        proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..8),
        any::<prop::sample::Index>(),
        any::<bool>(),
    )
        .prop_map(move |(file, edits, cut, truncate)| {
            let mut bytes = fixture(files[file]);
            for (at, value) in edits {
                let i = at.index(bytes.len());
                bytes[i] = value;
            }
            if truncate {
                bytes.truncate(cut.index(bytes.len() + 1));
            }
            bytes
        })
}

proptest! {
    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = import_file(&bytes, None);
    }

    #[test]
    fn random_json_shapes_never_panic(text in "[\\[\\]{}\":,0-9a-zA-Z ]{0,200}") {
        let _ = import_file(text.as_bytes(), Some(PASSWORD));
    }

    #[test]
    fn mutated_plain_fixtures_never_panic(bytes in mutated(PLAIN)) {
        let _ = import_file(&bytes, Some(PASSWORD));
        let _ = import_file(&bytes, None);
    }

    #[test]
    fn steam_accounts_round_trip_through_uris_and_json(key in proptest::collection::vec(any::<u8>(), 1..64), t in any::<u64>()) {
        let account = Account::new(OtpType::Steam, Secret::from_bytes(key).unwrap())
            .with_label(Some("Steam".into()), "player".into());
        let again = uri::parse(&uri::format(&account)).unwrap().account;
        prop_assert_eq!(&again, &account);
        let json = serde_json::to_string(&account).unwrap();
        prop_assert!(json.contains("\"type\":\"steam\""));
        let back: Account = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(&back, &account);
        let code = account.code_at(t).code.to_string();
        prop_assert_eq!(code.len(), 5);
        prop_assert!(code.bytes().all(|c| b"23456789BCDFGHJKMNPQRTVWXY".contains(&c)));
        prop_assert!(account.verify(&code, t, 0).is_some());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]
    #[test]
    fn mutated_encrypted_fixtures_never_panic(bytes in mutated(ENCRYPTED)) {
        let _ = import_file(&bytes, Some(PASSWORD));
        let _ = import_file(&bytes, None);
    }
}
