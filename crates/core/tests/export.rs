//! Accounts going out: `otpauth://` lines, Google Authenticator exports read back by the core's own
//! reader (and the shared vectors re-encoded), and QR codes read back by the core's own decoder.

#![allow(clippy::unwrap_used)] // tests may panic on what they check

use authbar_core::export::google::{self, Header, NotExportable};
use authbar_core::export::qr_code::{ErrorCorrection, MAX_BYTES_L, QUIET_ZONE, QrMatrix};
use authbar_core::export::{MAX_PART_BYTES, MAX_PER_PART, MigrationExport, migration};
use authbar_core::migration::{self, MigrationBatch};
use authbar_core::{Account, Algorithm, Coded, OtpType, Secret, Vault, VaultError, qr, uri};
use proptest::prelude::*;
use serde_json::Value;

fn secret(seed: u8, len: usize) -> Secret {
    Secret::from_bytes(
        (0..len)
            .map(|i| seed.wrapping_mul(31).wrapping_add(i as u8))
            .collect(),
    )
    .unwrap()
}

fn totp(issuer: Option<&str>, name: &str, seed: u8) -> Account {
    Account::new(OtpType::Totp, secret(seed, 20))
        .with_label(issuer.map(str::to_string), name.into())
}

/// Accounts that exercise every field the format holds.
fn varied() -> Vec<Account> {
    vec![
        totp(Some("ACME Co"), "alice@example.com", 1),
        totp(None, "no-issuer", 2),
        totp(Some("Bank"), "", 3),
        totp(Some("Ünïcødé 銀行"), "jméno@příklad.cz", 4),
        totp(Some("Colon"), "team:alice", 5),
        totp(None, "lonely:colon", 6),
        totp(Some("A:B"), "x:y", 7),
        totp(Some("A:B"), "plain", 8),
        totp(None, " leading space", 9),
        Account::new(OtpType::Totp, secret(10, 32))
            .with_label(Some("Sha256".into()), "eight".into())
            .with_algorithm(Algorithm::Sha256)
            .with_digits(8)
            .unwrap(),
        Account::new(OtpType::Totp, secret(11, 64))
            .with_label(Some("Sha512".into()), "six".into())
            .with_algorithm(Algorithm::Sha512),
        Account::new(OtpType::Hotp, secret(12, 10))
            .with_label(Some("Counter".into()), "zero".into()),
        Account::new(OtpType::Hotp, secret(13, 20))
            .with_label(Some("Counter".into()), "max".into())
            .with_counter(i64::MAX as u64),
        Account::new(OtpType::Hotp, secret(14, 1)).with_label(None, "one-byte".into()),
    ]
}

fn vault_of(accounts: Vec<Account>) -> Vault {
    let mut v = Vault::new();
    let added = v.add(accounts);
    assert!(added.duplicates.is_empty());
    v
}

/// Every part parsed back: the accounts in order, and each header.
fn read_back(export: &MigrationExport, batch_id: i32) -> Vec<Account> {
    let mut accounts = Vec::new();
    for part in &export.parts {
        let batch: MigrationBatch = migration::parse(&part.uri).unwrap();
        assert_eq!(batch.version, 1);
        assert_eq!(batch.batch_size as usize, export.parts.len());
        assert_eq!(batch.batch_index as usize, part.index);
        assert_eq!(batch.batch_id, batch_id);
        assert_eq!(batch.entries.len(), part.entry_ids.len());
        assert!(batch.entries.len() <= MAX_PER_PART);
        assert!(part.uri.len() <= MAX_PART_BYTES, "{}", part.uri.len());
        accounts.extend(batch.entries.into_iter().map(|e| e.account.unwrap()));
    }
    accounts
}

#[test]
fn otpauth_lines_read_back_to_the_same_accounts() {
    let v = vault_of(varied());
    let all = v.export_otpauth(None).unwrap();
    assert!(all.ends_with('\n'));
    let back: Vec<Account> = all
        .lines()
        .map(|l| uri::parse(l).unwrap().account)
        .collect();
    // A name's leading spaces cannot stand in a Key Uri Format label (uri::format says so).
    let mut want = varied();
    want[8] = totp(None, "leading space", 9);
    assert_eq!(back, want);
    // A selection comes out in the vault's order, whatever order the ids are given in.
    let some = v.export_otpauth(Some(&[12, 1, 12])).unwrap();
    let lines: Vec<&str> = some.lines().collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(uri::parse(lines[0]).unwrap().account, varied()[0]);
    assert_eq!(uri::parse(lines[1]).unwrap().account, varied()[11]);
    assert_eq!(v.export_otpauth(Some(&[])).unwrap(), "");
    assert_eq!(
        v.export_otpauth(Some(&[1, 99])),
        Err(VaultError::NoSuchEntry { id: 99 })
    );
    assert_eq!(
        v.export_migration(Some(&[99]), 1),
        Err(VaultError::NoSuchEntry { id: 99 })
    );
}

#[test]
fn migration_export_round_trips_every_field_and_the_order() {
    let accounts = varied();
    let v = vault_of(accounts.clone());
    let export = v.export_migration(None, 1234).unwrap();
    // Names with ':' (with and without an issuer, and with an issuer holding ':') are kept.
    assert_eq!(export.refused.len(), 0, "{:?}", export.refused);
    assert_eq!(export.parts.len(), 2);
    assert_eq!(export.parts[0].entry_ids, (1..=10).collect::<Vec<u64>>());
    assert_eq!(export.parts[1].entry_ids, (11..=14).collect::<Vec<u64>>());
    assert_eq!(read_back(&export, 1234), accounts);
}

#[test]
fn migration_export_of_many_accounts_has_parts_of_ten_with_a_shared_negative_id() {
    let accounts: Vec<Account> = (0..23)
        .map(|i| totp(Some("Many"), &format!("user{i}"), i))
        .collect();
    let v = vault_of(accounts.clone());
    let export = v.export_migration(None, -7).unwrap();
    let sizes: Vec<usize> = export.parts.iter().map(|p| p.entry_ids.len()).collect();
    assert_eq!(sizes, vec![10, 10, 3]);
    assert_eq!(read_back(&export, -7), accounts);
    // A selection keeps the vault's order.
    let some = v.export_migration(Some(&[20, 3]), 5).unwrap();
    assert_eq!(
        read_back(&some, 5),
        vec![accounts[2].clone(), accounts[19].clone()]
    );
}

#[test]
fn accounts_the_format_cannot_hold_are_refused_each_with_why() {
    let keep = totp(Some("Keep"), "me", 1);
    let accounts = vec![
        totp(Some("Seven"), "x", 2).with_digits(7).unwrap(),
        keep.clone(),
        totp(Some("Ten"), "x", 3).with_digits(10).unwrap(),
        totp(Some("Slow"), "x", 4).with_period(60).unwrap(),
        Account::new(OtpType::Hotp, secret(5, 20))
            .with_label(Some("Big".into()), "x".into())
            .with_counter(i64::MAX as u64 + 1),
        totp(Some("Space"), " a:b", 6),
        totp(Some("Huge"), &"n".repeat(2400), 7),
    ];
    let v = vault_of(accounts);
    let export = v.export_migration(None, 9).unwrap();
    assert_eq!(read_back(&export, 9), vec![keep]);
    let refused: Vec<(u64, &str, &NotExportable)> = export
        .refused
        .iter()
        .map(|r| (r.entry_id, r.why.code.as_str(), r.reason()))
        .collect();
    assert_eq!(refused.len(), 6);
    assert_eq!(refused[0], (1, "export_digits", &NotExportable::Digits(7)));
    assert_eq!(refused[1], (3, "export_digits", &NotExportable::Digits(10)));
    assert_eq!(refused[2], (4, "export_period", &NotExportable::Period(60)));
    assert_eq!(
        refused[3],
        (5, "export_counter", &NotExportable::Counter(1 << 63))
    );
    assert_eq!(
        refused[4],
        (6, "export_name_space", &NotExportable::NameLeadingSpace)
    );
    assert_eq!(refused[5].0, 7);
    assert_eq!(refused[5].1, "export_too_large");
    assert!(matches!(
        refused[5].2,
        NotExportable::TooLarge { bytes, max: MAX_PART_BYTES } if *bytes > MAX_PART_BYTES
    ));
    let messages: Vec<&str> = export
        .refused
        .iter()
        .map(|r| r.why.message.as_str())
        .collect();
    assert_eq!(
        messages[..5],
        [
            "has 7-digit codes; Google Authenticator exports hold only 6 or 8 digits",
            "has 10-digit codes; Google Authenticator exports hold only 6 or 8 digits",
            "changes code every 60 s; Google Authenticator exports hold only the 30 s period",
            "has counter 9223372036854775808; Google Authenticator exports hold counters up to \
             9223372036854775807",
            "has a name with ':' that starts with a space, which a Google Authenticator export \
             cannot keep",
        ]
    );
    assert!(messages[5].contains("one QR code holds at most 2331"));
    // The refusals are shown to the user: issuer and name, never the secret.
    let json = serde_json::to_value(&export.refused).unwrap();
    assert_eq!(json[0]["entryId"], 1);
    assert_eq!(json[0]["issuer"], "Seven");
    assert_eq!(json[0]["code"], "export_digits");
    assert!(json[0].get("reason").is_none());
    // The single-part encoder refuses the same way, naming the account's index.
    let seven = totp(None, "x", 2).with_digits(7).unwrap();
    let header = Header {
        batch_size: 1,
        batch_index: 0,
        batch_id: 0,
    };
    assert_eq!(
        google::format(&[&totp(None, "ok", 1), &seven], header),
        Err((1, NotExportable::Digits(7)))
    );
}

#[test]
fn parts_are_cut_early_so_that_each_fits_one_qr_code() {
    // 200-byte names: ten of them would not fit one code.
    let accounts: Vec<Account> = (0..12)
        .map(|i| totp(Some("Long"), &format!("{i:03}{}", "x".repeat(197)), i))
        .collect();
    let v = vault_of(accounts.clone());
    let export = v.export_migration(None, 3).unwrap();
    assert!(export.refused.is_empty());
    assert!(export.parts.len() >= 2, "{:?}", export.parts);
    assert!(
        export
            .parts
            .iter()
            .all(|p| p.entry_ids.len() < MAX_PER_PART)
    );
    assert_eq!(read_back(&export, 3), accounts);
    for part in &export.parts {
        QrMatrix::encode(&part.uri).unwrap();
    }
    // Nothing to export: no part at all.
    assert_eq!(migration([], 1), MigrationExport::default());
}

#[test]
fn debug_output_never_shows_a_secret() {
    let v = vault_of(vec![totp(Some("ACME"), "alice", 1)]);
    let export = v.export_migration(None, 1).unwrap();
    let data = export.parts[0].uri.split_once("data=").unwrap().1;
    let shown = format!("{export:?}");
    assert!(!shown.contains(data), "{shown}");
    assert!(shown.contains("1 of 1"), "{shown}");
    let matrix = QrMatrix::encode(&export.parts[0].uri).unwrap();
    assert_eq!(
        format!("{matrix:?}"),
        format!("QrMatrix({0}×{0}, M)", matrix.width())
    );
}

fn read_jsonl(name: &str) -> Vec<Value> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/vectors")
        .join(name);
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The shared vectors, decoded and encoded again, read back to the same accounts and header. Where the
/// sample is written as protoc writes it and its names carry no `Issuer:` prefix (which the reader
/// folds into the issuer), the bytes are the same too.
#[test]
fn shared_vectors_re_encode_to_the_same_accounts() {
    let mut byte_exact = Vec::new();
    let mut accounts_seen = 0;
    for case in read_jsonl("migration.jsonl") {
        if !case["valid"].as_bool().unwrap() {
            continue;
        }
        let id = case["id"].as_str().unwrap();
        let batch = migration::parse(case["uri"].as_str().unwrap()).unwrap();
        let accounts: Vec<Account> = batch
            .entries
            .iter()
            .filter_map(|e| e.account.clone().ok())
            .collect();
        let refs: Vec<&Account> = accounts.iter().collect();
        let header = Header {
            batch_size: batch.batch_size,
            batch_index: batch.batch_index,
            batch_id: batch.batch_id,
        };
        let uri = google::format(&refs, header).unwrap_or_else(|e| panic!("{id}: {e:?}"));
        let again = migration::parse(&uri).unwrap();
        assert_eq!(
            (
                again.version,
                again.batch_size,
                again.batch_index,
                again.batch_id
            ),
            (1, batch.batch_size, batch.batch_index, batch.batch_id),
            "{id}"
        );
        let back: Vec<Account> = again
            .entries
            .into_iter()
            .map(|e| e.account.unwrap())
            .collect();
        assert_eq!(back, accounts, "{id}");
        accounts_seen += back.len();
        let payload = google::encode_payload(&refs, header).unwrap();
        if hex(&payload) == case["payload_hex"].as_str().unwrap() {
            byte_exact.push(id.to_string());
        }
    }
    // 35 accounts in the valid samples, one of them MD5 (skipped on reading).
    assert_eq!(accounts_seen, 34);
    for id in [
        "mig-02", "mig-03", "mig-04", "mig-08", "mig-11", "mig-12", "mig-13",
    ] {
        assert!(byte_exact.contains(&id.to_string()), "{id}: {byte_exact:?}");
    }
}

/// Draws a matrix on a white canvas, `scale` pixels per module, quiet zone included.
fn rasterise(m: &QrMatrix, scale: usize) -> (Vec<u8>, u32) {
    let side = (m.width() + 2 * QUIET_ZONE) * scale;
    let mut px = vec![255u8; side * side];
    for y in 0..side {
        for x in 0..side {
            let (mx, my) = (x / scale, y / scale);
            if mx >= QUIET_ZONE && my >= QUIET_ZONE && m.is_dark(mx - QUIET_ZONE, my - QUIET_ZONE) {
                px[y * side + x] = 0;
            }
        }
    }
    (px, side as u32)
}

fn decodes_back(payload: &str) -> QrMatrix {
    let m = QrMatrix::encode(payload).unwrap();
    let (px, side) = rasterise(&m, 4);
    let found = qr::decode_luma(&px, side, side).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].text, payload);
    m
}

#[test]
fn qr_of_one_account_reads_back() {
    let account = totp(Some("ACME Co"), "alice@example.com", 1);
    let payload = uri::format(&account);
    let m = decodes_back(&payload);
    assert_eq!(m.error_correction(), ErrorCorrection::M);
    assert_eq!(
        authbar_core::import_text(&payload).unwrap().accounts,
        vec![account]
    );
}

#[test]
fn qr_of_a_full_migration_part_reads_back() {
    let accounts: Vec<Account> = (0..10)
        .map(|i| totp(Some("Company"), &format!("person{i}@example.com"), i))
        .collect();
    let v = vault_of(accounts.clone());
    let export = v.export_migration(None, 77).unwrap();
    assert_eq!(export.parts.len(), 1);
    assert_eq!(export.parts[0].entry_ids.len(), 10);
    decodes_back(&export.parts[0].uri);
    assert_eq!(read_back(&export, 77), accounts);
}

/// The SVG's path, read back module by module, is the matrix; the viewBox holds the quiet zone.
#[test]
fn svg_draws_exactly_the_dark_modules() {
    let m = QrMatrix::encode("otpauth://totp/X:a?secret=JBSWY3DPEHPK3PXP").unwrap();
    let svg = m.to_svg();
    let side = m.width() + 2 * QUIET_ZONE;
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "));
    assert!(svg.contains(&format!("viewBox=\"0 0 {side} {side}\"")));
    assert!(svg.contains("shape-rendering=\"crispEdges\""));
    assert!(svg.ends_with("\"/></svg>"));
    let d = svg
        .rsplit_once("<path d=\"")
        .unwrap()
        .1
        .trim_end_matches("\"/></svg>");
    let mut drawn = vec![false; side * side];
    for run in d.split('M').filter(|r| !r.is_empty()) {
        // M{x} {y}h{n}v1h-{n}z
        let (x, rest) = run.split_once(' ').unwrap();
        let (y, rest) = rest.split_once('h').unwrap();
        let (n, rest) = rest.split_once('v').unwrap();
        assert_eq!(rest, format!("1h-{n}z"));
        let (x, y, n): (usize, usize, usize) =
            (x.parse().unwrap(), y.parse().unwrap(), n.parse().unwrap());
        for i in x..x + n {
            assert!(!drawn[y * side + i], "module {i},{y} drawn twice");
            drawn[y * side + i] = true;
        }
    }
    for y in 0..side {
        for x in 0..side {
            let dark =
                x >= QUIET_ZONE && y >= QUIET_ZONE && m.is_dark(x - QUIET_ZONE, y - QUIET_ZONE);
            assert_eq!(drawn[y * side + x], dark, "module {x},{y}");
        }
    }
}

#[test]
fn a_payload_too_long_for_level_m_uses_level_l_and_beyond_that_is_refused() {
    // Lower-case text is encoded byte by byte: 2331 bytes is the most level M holds.
    let m_max = QrMatrix::encode(&"a".repeat(2331)).unwrap();
    assert_eq!(m_max.error_correction(), ErrorCorrection::M);
    assert_eq!(m_max.width(), 177);
    let l = QrMatrix::encode(&"a".repeat(2332)).unwrap();
    assert_eq!(l.error_correction(), ErrorCorrection::L);
    assert!(QrMatrix::encode(&"a".repeat(MAX_BYTES_L)).is_ok());
    let err = QrMatrix::encode(&"a".repeat(MAX_BYTES_L + 1)).unwrap_err();
    assert_eq!(err.code(), "qr_too_long");
    assert_eq!(
        err.to_string(),
        "2954 bytes are too many for one QR code, which holds at most 2953"
    );
    // Outside the code is light.
    assert!(!m_max.is_dark(177, 0) && !m_max.is_dark(0, 177));
}

fn any_account() -> impl Strategy<Value = Account> {
    (
        prop_oneof![Just(OtpType::Totp), Just(OtpType::Hotp)],
        proptest::collection::vec(any::<u8>(), 1..70),
        prop_oneof![Just(None), "[ :a-zA-Z\u{e9}\u{4e00}]{1,12}".prop_map(Some)],
        "[ :a-zA-Z@.\u{e9}\u{4e00}]{0,16}",
        prop_oneof![
            Just(Algorithm::Sha1),
            Just(Algorithm::Sha256),
            Just(Algorithm::Sha512)
        ],
        prop_oneof![Just(6u8), Just(8u8), 6u8..=10],
        prop_oneof![Just(30u64), 1u64..200],
        prop_oneof![0u64..5, any::<u64>()],
    )
        .prop_map(|(kind, key, issuer, name, alg, digits, period, counter)| {
            // The period matters only for TOTP and the counter only for HOTP (as in otpauth:// URIs),
            // so the other one keeps its default.
            let totp = kind == OtpType::Totp;
            Account::new(kind, Secret::from_bytes(key).unwrap())
                .with_label(issuer, name)
                .with_algorithm(alg)
                .with_digits(digits)
                .and_then(|a| a.with_period(if totp { period } else { 30 }))
                .unwrap()
                .with_counter(if totp { 0 } else { counter })
        })
}

/// The first rule of the format an account breaks, as the encoder must report it.
fn broken_rule(a: &Account) -> Option<NotExportable> {
    if a.digits() != 6 && a.digits() != 8 {
        Some(NotExportable::Digits(a.digits()))
    } else if a.otp_type() == OtpType::Totp && a.period() != 30 {
        Some(NotExportable::Period(a.period()))
    } else if a.otp_type() == OtpType::Hotp && a.counter() > i64::MAX as u64 {
        Some(NotExportable::Counter(a.counter()))
    } else if a.name().contains(':') && a.name().starts_with(' ') {
        Some(NotExportable::NameLeadingSpace)
    } else {
        None
    }
}

proptest! {
    /// Any account is either exported and read back exactly, or refused for the rule it breaks.
    #[test]
    fn every_account_round_trips_or_is_refused_for_its_rule(
        a in any_account(),
        batch_id in any::<i32>(),
        index in 0i32..100,
    ) {
        let header = Header { batch_size: index + 1, batch_index: index, batch_id };
        match google::format(&[&a], header) {
            Ok(uri) => {
                prop_assert_eq!(broken_rule(&a), None);
                let batch = migration::parse(&uri).unwrap();
                prop_assert_eq!(
                    (batch.version, batch.batch_size, batch.batch_index, batch.batch_id),
                    (1, index + 1, index, batch_id)
                );
                prop_assert_eq!(batch.entries.len(), 1);
                prop_assert_eq!(batch.entries[0].account.as_ref(), Ok(&a));
            }
            Err((i, reason)) => {
                prop_assert_eq!(i, 0);
                prop_assert_eq!(Some(reason), broken_rule(&a));
            }
        }
    }
}
