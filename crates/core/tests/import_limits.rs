//! What one import reads at most: the file's size, its entries, and the key-derivation work of its
//! password slots — each refused before the work it bounds is done, with an error naming the limit.
#![allow(clippy::unwrap_used)] // tests may panic on what they check

use authbar_core::import::{MAX_ENTRIES, MAX_FILE_BYTES};
use authbar_core::{Coded, ImportError, import_file};

fn fixture(name: &str) -> Vec<u8> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/import");
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

const LINE: &str = "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME\n";

#[test]
fn a_file_over_the_size_limit_is_refused_before_it_is_read() {
    let bytes = vec![b'x'; MAX_FILE_BYTES + 1];
    let err = import_file(&bytes, None).unwrap_err();
    assert_eq!(
        err,
        ImportError::TooLarge {
            bytes: MAX_FILE_BYTES + 1
        }
    );
    assert_eq!(err.code(), "import_too_large");
    assert_eq!(err.params().get("max"), Some("16.0"));
    assert!(err.to_string().contains("at most 16.0 MiB"), "{err}");
}

#[test]
fn a_text_file_of_200000_links_is_refused_before_any_line_is_parsed() {
    // The probe's file: 10.7 MB of otpauth:// lines, under the size limit.
    let text = LINE.repeat(200_000);
    assert!(text.len() < MAX_FILE_BYTES);
    let err = import_file(text.as_bytes(), None).unwrap_err();
    assert_eq!(err, ImportError::TooManyEntries { found: 200_000 });
    assert_eq!(err.code(), "import_too_many_entries");
    assert_eq!(
        err.params().get("max"),
        Some(MAX_ENTRIES.to_string().as_str())
    );
    // The limit itself is accepted.
    let at_limit = LINE.repeat(MAX_ENTRIES);
    assert_eq!(
        import_file(at_limit.as_bytes(), None)
            .unwrap()
            .accounts
            .len(),
        MAX_ENTRIES
    );
}

#[test]
fn a_json_export_with_too_many_entries_is_refused() {
    let mut vault: serde_json::Value =
        serde_json::from_slice(&fixture("aegis-plain.json")).unwrap();
    let entry = vault["db"]["entries"][0].clone();
    vault["db"]["entries"] = vec![entry; MAX_ENTRIES + 1].into();
    let err = import_file(vault.to_string().as_bytes(), None).unwrap_err();
    assert_eq!(
        err,
        ImportError::TooManyEntries {
            found: MAX_ENTRIES + 1
        }
    );
}

/// The encrypted Aegis fixture with its password slot's copies at these scrypt costs.
fn aegis_with_slots(costs: &[(u64, u64, u64)]) -> Vec<u8> {
    let mut vault: serde_json::Value =
        serde_json::from_slice(&fixture("aegis-encrypted.json")).unwrap();
    let slots = vault["header"]["slots"].as_array().unwrap().clone();
    let password = slots.iter().find(|s| s["type"] == 1).unwrap().clone();
    let mut new: Vec<serde_json::Value> = costs
        .iter()
        .map(|&(n, r, p)| {
            let mut s = password.clone();
            s["n"] = n.into();
            s["r"] = r.into();
            s["p"] = p.into();
            s
        })
        .collect();
    // The real slot last: every crafted slot would be tried before it.
    new.push(password);
    vault["header"]["slots"] = new.into();
    vault.to_string().into_bytes()
}

#[test]
fn an_aegis_vault_with_too_many_password_slots_is_refused_before_any_key_is_derived() {
    let file = aegis_with_slots(&[(1 << 15, 8, 1); 8]);
    let err = import_file(&file, Some("fixture password ✓")).unwrap_err();
    assert_eq!(err.code(), "import_too_costly");
    assert!(
        err.to_string().contains("9 password slots; at most 8"),
        "{err}"
    );
}

#[test]
fn aegis_slots_asking_for_too_much_scrypt_work_are_refused_before_any_key_is_derived() {
    // Three slots at the per-slot memory cap (256 MiB each): 768 MiB of work.
    let file = aegis_with_slots(&[(1 << 18, 8, 1); 3]);
    let err = import_file(&file, Some("fixture password ✓")).unwrap_err();
    assert_eq!(err.code(), "import_too_costly");
    assert!(err.to_string().contains("MiB of scrypt work"), "{err}");
    // A vault of Aegis's default cost with one extra slot is read.
    let fine = aegis_with_slots(&[(1 << 15, 8, 1)]);
    assert!(import_file(&fine, Some("fixture password ✓")).is_ok());
}
