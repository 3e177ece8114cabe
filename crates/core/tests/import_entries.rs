//! One small document per rule: entry problems (skipped with a stable code) and whole-file errors
//! that the generated fixtures do not reach.

#![allow(clippy::unwrap_used)] // tests may panic on what they check

use authbar_core::{Coded, Import, OtpType, import_file};

fn import(text: &str) -> Import {
    import_file(text.as_bytes(), None).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn skipped(text: &str) -> Vec<(String, String)> {
    import(text)
        .skipped
        .iter()
        .map(|s| (s.reason.code().to_string(), s.reason.to_string()))
        .collect()
}

fn error(text: &str) -> (String, String) {
    let e = import_file(text.as_bytes(), Some("pw")).unwrap_err();
    (e.code().to_string(), e.to_string())
}

#[test]
fn authenticator_extension_hex_types_and_entry_problems() {
    // `hex`/`hhex` keep the secret in hexadecimal (README "formats as observed").
    let i = import(
        r#"{"a":{"type":"hex","secret":"48656c6c6f21deadbeef","issuer":"H","dataType":"OTPStorage"},
            "b":{"type":"hhex","secret":"48656C6C6F21DEADBEEF","counter":"3","dataType":"OTPStorage"}}"#,
    );
    assert_eq!(i.accounts[0].otp_type(), OtpType::Totp);
    assert_eq!(i.accounts[0].secret().to_base32(), "JBSWY3DPEHPK3PXP");
    assert_eq!(
        (i.accounts[1].otp_type(), i.accounts[1].counter()),
        (OtpType::Hotp, 3)
    );
    let s = skipped(
        r#"{"a":{"type":"battle","secret":"JBSWY3DP","dataType":"OTPStorage"},
            "b":{"type":"totp","secret":"JBSWY3DP","algorithm":"GOST3411_2012_256","dataType":"OTPStorage"},
            "c":{"type":"totp","secret":"JBSWY3DP","digits":"eight","dataType":"OTPStorage"},
            "d":{"type":"totp","secret":"","dataType":"OTPStorage"},
            "e":{"type":"totp","secret":"U2FsdGVkX1","encrypted":true,"dataType":"OTPStorage"},
            "f":{"type":"hex","secret":"abc","dataType":"OTPStorage"},
            "g":{"type":"totp","secret":"JBSWY3DP","digits":5,"dataType":"OTPStorage"}}"#,
    );
    let codes: Vec<&str> = s.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(
        codes,
        [
            "unsupported_type",
            "unknown_algorithm",
            "bad_field",
            "missing_secret",
            "encrypted_entry",
            "bad_hex",
            "bad_digits"
        ]
    );
    assert_eq!(
        s[2].1,
        "its digits must be a whole number of at least 0, got 'eight'"
    );
    assert!(s[4].1.contains("old scheme"), "{}", s[4].1);
}

#[test]
fn authenticator_extension_key_problems() {
    let entry = r#""e":{"dataType":"EncOTPStorage","data":"U2FsdGVkX1+LMZA8REq94XKvC+ez","keyId":"k1","index":0}"#;
    let (c, m) = error(&format!("{{{entry}}}"));
    assert_eq!(c, "corrupt");
    assert!(
        m.contains("encrypted with the key 'k1', which the file does not hold"),
        "{m}"
    );
    let (c, m) = error(&format!(
        r#"{{{entry},"k1":{{"dataType":"Key","id":"k1","salt":"0123456789abcdef","hash":"$argon2i$v=19$x"}}}}"#
    ));
    assert_eq!(c, "corrupt");
    assert!(m.contains("not an Argon2id PHC string"), "{m}");
}

#[test]
fn aegis_slot_and_db_problems() {
    let (c, m) = error(r#"{"version":1,"header":{"slots":[{"type":1}],"params":{}},"db":"AAAA"}"#);
    assert_eq!(c, "corrupt");
    assert!(m.contains("lacks its scrypt parameters"), "{m}");
    let (c, m) = error(r#"{"version":1,"header":{"slots":[{"type":3}],"params":{}},"db":"AAAA"}"#);
    assert_eq!(c, "unsupported");
    assert!(m.contains("has no password slot"), "{m}");
    let slot = r#"{"type":1,"n":3,"r":8,"p":1,"salt":"00","key":"00","key_params":{"nonce":"00","tag":"00"}}"#;
    let (c, m) = error(&format!(
        r#"{{"version":1,"header":{{"slots":[{slot}],"params":{{}}}},"db":"AAAA"}}"#
    ));
    assert_eq!(c, "corrupt");
    assert!(m.contains("power of two"), "{m}");
    // A slot asking for 1 TiB of scrypt memory is refused before any key is derived.
    let huge = slot.replace("\"n\":3", "\"n\":1073741824");
    let (c, m) = error(&format!(
        r#"{{"version":1,"header":{{"slots":[{huge}],"params":{{}}}},"db":"AAAA"}}"#
    ));
    assert_eq!(c, "import_too_costly");
    assert!(m.contains("MiB of scrypt work"), "{m}");
    let (c, m) = error(
        r#"{"version":1,"header":{"slots":null,"params":null},"db":{"version":4,"entries":[]}}"#,
    );
    assert_eq!(c, "unsupported_version");
    assert!(m.contains("db 4"), "{m}");
}

#[test]
fn twofas_andotp_bitwarden_proton_stratum_problems() {
    let (c, m) = error(r#"{"services":[],"schemaVersion":4,"servicesEncrypted":"only-one-part"}"#);
    assert_eq!(c, "corrupt");
    assert!(m.contains("three base64 parts"), "{m}");
    // andOTP: more PBKDF2 iterations than allowed.
    let mut bytes = 0x00ff_ffffu32.to_be_bytes().to_vec();
    bytes.extend([0u8; 60]);
    let e = import_file(&bytes, Some("pw")).unwrap_err();
    assert_eq!(e.code(), "corrupt");
    assert!(e.to_string().contains("PBKDF2 iterations"), "{e}");
    let (c, m) = error("folder,name,login_totp\n,x,JBSWY3DP\n");
    assert_eq!(c, "corrupt");
    assert!(m.contains("lacks one of the columns"), "{m}");
    let (c, _) = error(r#"{"version":2,"entries":[]}"#);
    assert_eq!(c, "unsupported_version");
    let s = skipped(
        r#"{"Authenticators":[{"Type":3,"Issuer":"m","Secret":"JBSWY3DP"},
                              {"Type":2,"Issuer":"a","Secret":"JBSWY3DP","Algorithm":7}]}"#,
    );
    assert_eq!(s[0].0, "unsupported_type");
    assert!(s[0].1.contains("'mOTP'"), "{}", s[0].1);
    assert_eq!(s[1].0, "unknown_algorithm");
    // 2FAS schema 4 with a type Authbar does not compute.
    let s = skipped(
        r#"{"services":[{"name":"Y","secret":"JBSWY3DP","otp":{"tokenType":"YAOTP"}}],"schemaVersion":4}"#,
    );
    assert_eq!(s[0].0, "unsupported_type");
}

#[test]
fn bitwarden_links_fill_in_the_items_label() {
    let i = import(
        r#"{"encrypted":false,"items":[{"name":"Item","login":{"username":"me","totp":"otpauth://totp/?secret=JBSWY3DPEHPK3PXP"}},
            {"name":"Steam","login":{"username":"gamer","totp":"steam://JBSWY3DPEHPK3PXP"}}]}"#,
    );
    assert_eq!(
        (i.accounts[0].issuer(), i.accounts[0].name()),
        (Some("Item"), "me")
    );
    assert_eq!(i.accounts[1].otp_type(), OtpType::Steam);
    assert_eq!(i.accounts[1].digits(), 5);
}
