//! Property tests: no input panics a parser or decoder, and formatting round-trips.

#![allow(clippy::unwrap_used)] // tests may panic on what they check

use authbar_core::migration;
use authbar_core::otp::MIN_DIGITS;
use authbar_core::qr::{decode_luma, decode_rgba};
use authbar_core::{Account, Algorithm, OtpType, Secret, import_text, uri};
use proptest::prelude::*;

fn uriish() -> impl Strategy<Value = String> {
    // Strings shaped like URIs, so the parser gets past the scheme check often.
    (
        prop_oneof![
            Just("otpauth://"),
            Just("OTPAUTH://"),
            Just("otpauth:"),
            Just("otpauth-migration://"),
            Just("")
        ],
        "[a-zA-Z]{0,5}",
        "[/:%?&=+# a-zA-Z0-9\\-\u{e9}\u{0}]{0,60}",
    )
        .prop_map(|(a, b, c)| format!("{a}{b}/{c}"))
}

fn account() -> impl Strategy<Value = Account> {
    (
        proptest::collection::vec(any::<u8>(), 1..80),
        prop_oneof![
            Just(None),
            "[^\u{0}-\u{1f}\u{7f}-\u{9f}]{1,20}".prop_map(Some)
        ],
        "([^\u{0}-\u{20}\u{7f}-\u{9f}][^\u{0}-\u{1f}\u{7f}-\u{9f}]{0,20})?",
        prop_oneof![
            Just(Algorithm::Sha1),
            Just(Algorithm::Sha256),
            Just(Algorithm::Sha512)
        ],
        MIN_DIGITS..=10u8,
        1u64..100_000,
        any::<u64>(),
        any::<bool>(),
    )
        .prop_map(|(key, issuer, name, alg, digits, period, counter, hotp)| {
            let kind = if hotp { OtpType::Hotp } else { OtpType::Totp };
            let a = Account::new(kind, Secret::from_bytes(key).unwrap())
                .with_label(issuer, name)
                .with_algorithm(alg)
                .with_digits(digits)
                .unwrap();
            if hotp {
                a.with_counter(counter)
            } else {
                a.with_period(period).unwrap()
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, .. ProptestConfig::default() })]

    #[test]
    fn uri_parser_never_panics(s in any::<String>()) {
        let _ = uri::parse(&s);
        let _ = import_text(&s);
    }

    #[test]
    fn uri_parser_never_panics_on_uri_shapes(s in uriish()) {
        if let Err(e) = uri::parse(&s) {
            prop_assert!(!e.to_string().is_empty());
        }
        let _ = migration::parse(&s);
    }

    #[test]
    fn base32_never_panics_and_round_trips(s in any::<String>(), bytes in proptest::collection::vec(any::<u8>(), 1..200)) {
        let _ = Secret::from_base32(&s);
        let secret = Secret::from_bytes(bytes.clone()).unwrap();
        let text = secret.to_base32();
        prop_assert_eq!(Secret::from_base32(&text).unwrap().as_bytes().to_vec(), bytes.clone());
        prop_assert_eq!(Secret::from_base32(&text.to_lowercase()).unwrap().as_bytes().to_vec(), bytes);
    }

    #[test]
    fn migration_decoder_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = migration::decode_payload(&bytes);
    }

    #[test]
    fn format_then_parse_is_identity(a in account()) {
        let text = uri::format(&a);
        let parsed = uri::parse(&text).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        prop_assert_eq!(parsed.account, a);
    }

    #[test]
    fn serde_round_trips(a in account()) {
        let json = serde_json::to_string(&a).unwrap();
        let back: Account = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back, a);
    }

    #[test]
    fn current_code_verifies_at_offset_zero(a in account(), t in 0u64..253_402_300_800) {
        let now = a.code_at(t);
        let m = a.verify(&now.code.to_string(), t, 1).unwrap();
        prop_assert_eq!(m.offset, 0);
        prop_assert_eq!(m.step, now.step);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

    #[test]
    fn qr_decoder_never_panics(w in 0u32..120, h in 0u32..120, seed in any::<u64>(), rgba in any::<bool>()) {
        let channels = if rgba { 4 } else { 1 };
        let mut state = seed | 1;
        let px: Vec<u8> = (0..(w * h * channels) as usize)
            .map(|_| { state ^= state << 13; state ^= state >> 7; state ^= state << 17; (state >> 56) as u8 })
            .collect();
        let found = if rgba { decode_rgba(&px, w, h) } else { decode_luma(&px, w, h) };
        prop_assert!(found.is_ok());
        // Wrong lengths are errors, never panics.
        prop_assert!(decode_luma(&px, w + 1, h + 1).is_err());
    }

    #[test]
    fn qr_decoder_survives_blocky_noise(w in 21u32..200, h in 21u32..200, seed in any::<u64>(), block in 1u32..8) {
        // Blocky black/white noise looks far more like QR modules than pixel noise.
        let mut state = seed | 1;
        let mut cells = Vec::new();
        for _ in 0..((w / block + 1) * (h / block + 1)) {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17;
            cells.push(if state & 1 == 0 { 0u8 } else { 255 });
        }
        let px: Vec<u8> = (0..h).flat_map(|y| {
            let cells = &cells;
            (0..w).map(move |x| cells[((y / block) * (w / block + 1) + x / block) as usize])
        }).collect();
        prop_assert!(decode_luma(&px, w, h).is_ok());
    }
}
