//! The `authbar` binary's behaviour: stdout, stderr and exit status for every command and error path.

#![allow(clippy::unwrap_used)] // tests may panic on what they check

use std::path::{Path, PathBuf};

use image::{GrayImage, ImageFormat, Luma, Rgba, RgbaImage};
use qrcode::QrCode;
use serde_json::Value;

mod common;
use common::{assert_bad_input, authbar};

const RFC_SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const URI: &str =
    "otpauth://totp/ACME%20Co:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co";
const URI2: &str = "otpauth://hotp/Other:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=5";
/// `mig-03` from the shared vectors: three accounts.
const MIGRATION: &str = "otpauth-migration://offline?data=CjcKFKy1UUMiPb5q0qsEJttt64eL2GqCEhF1c2VyMEBleGFtcGxlLmNvbRoGR2l0SHViIAEoATACCjcKFDf7bndpBukrCC3TvISDrDeZ7hcrEhF1c2VyMUBleGFtcGxlLmNvbRoGR29vZ2xlIAEoATACCjUKFJes3JZFboRSTnVA%2FJOFmKQtgG2kEhF1c2VyMkBleGFtcGxlLmNvbRoEQmFuayACKAIwAhABGAEo87jVsQQ%3D";

fn qr_image(texts: &[&str], invert: bool) -> GrayImage {
    let codes: Vec<GrayImage> = texts
        .iter()
        .map(|t| {
            QrCode::new(t.as_bytes())
                .unwrap()
                .render::<Luma<u8>>()
                .module_dimensions(4, 4)
                .build()
        })
        .collect();
    let width = codes.iter().map(|c| c.width() + 20).sum::<u32>() + 20;
    let height = codes.iter().map(GrayImage::height).max().unwrap_or(0) + 40;
    let mut canvas = GrayImage::from_pixel(width, height, Luma([255]));
    let mut x = 20;
    for code in &codes {
        image::imageops::overlay(&mut canvas, code, i64::from(x), 20);
        x += code.width() + 20;
    }
    if invert {
        image::imageops::invert(&mut canvas);
    }
    canvas
}

fn save(dir: &Path, name: &str, image: &GrayImage, format: ImageFormat) -> PathBuf {
    let path = dir.join(name);
    // Every encoder takes RGB; some (WebP, GIF) take nothing else.
    image::DynamicImage::ImageLuma8(image.clone())
        .to_rgb8()
        .save_with_format(&path, format)
        .unwrap();
    path
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn code_from_secret_uri_and_flags() {
    // RFC 6238 Appendix B, SHA1, at 59 s.
    let run = authbar(&["code", RFC_SECRET, "--time", "59", "--digits", "8"]);
    assert_eq!(
        (run.out.as_str(), run.code, run.err.as_str()),
        ("94287082\n", 0, "")
    );
    // Lenient secret forms.
    assert_eq!(
        authbar(&[
            "code",
            "gezd gnbv-gy3t qojq gezd gnbv gy3t qojq",
            "--time",
            "59"
        ])
        .out,
        "287082\n"
    );
    // The URI's parameters apply…
    let uri = format!("otpauth://totp/X:y?secret={RFC_SECRET}&digits=8&period=60");
    assert_eq!(authbar(&["code", &uri, "--time", "59"]).out, "84755224\n"); // step 0
    assert_eq!(authbar(&["code", &uri, "--time", "119"]).out, "94287082\n"); // step 1
    // …and explicit flags override them (119 s with a 30 s period is step 3).
    assert_eq!(
        authbar(&[
            "code", &uri, "--time", "119", "--period", "30", "--digits", "6"
        ])
        .out,
        "969429\n"
    );
    // Leading zeros are kept (RFC 6238: 07081804 at 1111111109).
    assert_eq!(
        authbar(&["code", RFC_SECRET, "--time", "1111111109", "--digits", "8"]).out,
        "07081804\n"
    );
    // SHA-256 with the 32-byte RFC seed.
    let seed32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA";
    assert_eq!(
        authbar(&[
            "code",
            seed32,
            "--time",
            "59",
            "--digits",
            "8",
            "--algorithm",
            "sha256"
        ])
        .out,
        "46119246\n"
    );
    // The last second of year 9999.
    assert_eq!(
        authbar(&["code", RFC_SECRET, "--time", "253402300799"]).code,
        0
    );
    // Without --time the clock is read.
    let now = authbar(&["code", RFC_SECRET]);
    assert_eq!((now.out.trim().len(), now.code), (6, 0));
}

#[test]
fn code_hotp_from_counter_flag_or_uri() {
    // RFC 4226 Appendix D: counter 1 → 287082, counter 5 → 254676.
    assert_eq!(
        authbar(&["code", RFC_SECRET, "--counter", "1"]).out,
        "287082\n"
    );
    assert_eq!(authbar(&["code", URI2]).out, "254676\n");
    assert_eq!(authbar(&["code", URI2, "--counter", "9"]).out, "520489\n");
}

#[test]
fn verify_prints_offset_or_exits_1() {
    let run = authbar(&["verify", RFC_SECRET, "287082", "--time", "61"]);
    assert_eq!((run.out.as_str(), run.code), ("-1\n", 0));
    let run = authbar(&["verify", RFC_SECRET, "287082", "--time", "45"]);
    assert_eq!((run.out.as_str(), run.code), ("0\n", 0));
    let run = authbar(&["verify", RFC_SECRET, "287082", "--time", "15"]);
    assert_eq!((run.out.as_str(), run.code), ("1\n", 0));
    let run = authbar(&["verify", RFC_SECRET, "287082", "--time", "95"]);
    assert_eq!((run.out.as_str(), run.code), ("", 1));
    assert!(
        run.err.contains("does not match within 1 step"),
        "{}",
        run.err
    );
    let run = authbar(&[
        "verify", RFC_SECRET, "287082", "--time", "95", "--window", "2",
    ]);
    assert_eq!((run.out.as_str(), run.code), ("-2\n", 0));
    let run = authbar(&["verify", RFC_SECRET, "28708", "--time", "59"]);
    assert_eq!((run.out.as_str(), run.code), ("", 1));
    assert!(
        run.err.contains("'28708' is not a 6-digit code"),
        "{}",
        run.err
    );
    // HOTP: look-ahead from the URI's counter (5); 254676 is counter 5, 287922 is 6.
    assert_eq!(authbar(&["verify", URI2, "287922"]).out, "1\n");
    assert_eq!(authbar(&["verify", URI2, "287082"]).code, 1);
}

#[test]
fn bad_secrets_uris_and_flags_exit_2_with_a_hint() {
    assert_bad_input(
        &authbar(&["code", "JBSWY31P"]),
        "'1' is not a base32 character (position 7)",
    );
    assert_bad_input(&authbar(&["code", ""]), "the secret is empty");
    assert_bad_input(
        &authbar(&["code", "ABC"]),
        "3 base32 characters cannot encode whole bytes",
    );
    assert_bad_input(
        &authbar(&["code", "https://example.com"]),
        "the scheme must be otpauth://, got 'https'",
    );
    assert_bad_input(
        &authbar(&["code", "otpauth://totp/x?secret=JBSWY3DP&digits=5"]),
        "digits must be a whole number from 6 to 10",
    );
    assert_bad_input(
        &authbar(&["code", MIGRATION]),
        "Google Authenticator export",
    );
    assert_bad_input(
        &authbar(&["code", RFC_SECRET, "--algorithm", "MD5"]),
        "unknown algorithm 'MD5'",
    );
    assert_bad_input(
        &authbar(&["code", RFC_SECRET, "--digits", "11"]),
        "digits must be from 6 to 10, got 11",
    );
    assert_bad_input(
        &authbar(&["code", RFC_SECRET, "--period", "0"]),
        "period must be a whole number of seconds",
    );
    assert_bad_input(
        &authbar(&["verify", "JBSW0", "123456"]),
        "'0' is not a base32 character",
    );
    // Argument errors are clap's: exit 2 with usage.
    let run = authbar(&["code", RFC_SECRET, "--time", "-5"]);
    assert_eq!(run.code, 2);
    assert!(run.err.contains("'-5'"), "{}", run.err);
    assert_eq!(authbar(&["code"]).code, 2);
    assert_eq!(authbar(&["decode"]).code, 2);
    assert_eq!(authbar(&["decode", "x.png", "--show-secrets"]).code, 2); // needs --json
}

#[test]
fn decode_prints_every_payload_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let one = qr_image(&[URI], false);
    for (name, format) in [
        ("a.png", ImageFormat::Png),
        ("a.jpg", ImageFormat::Jpeg),
        ("a.gif", ImageFormat::Gif),
        ("a.bmp", ImageFormat::Bmp),
        ("a.webp", ImageFormat::WebP),
    ] {
        let path = save(dir.path(), name, &one, format);
        let run = authbar(&["decode", s(&path)]);
        assert_eq!(
            (run.out.clone(), run.code),
            (format!("{URI}\n"), 0),
            "{name}: {}",
            run.err
        );
    }
    // The format is read from the content, not the extension.
    let disguised = save(dir.path(), "photo.txt", &one, ImageFormat::Png);
    assert_eq!(authbar(&["decode", s(&disguised)]).out, format!("{URI}\n"));

    let two = save(
        dir.path(),
        "two.png",
        &qr_image(&[URI, URI2], false),
        ImageFormat::Png,
    );
    let run = authbar(&["decode", s(&two)]);
    let mut lines: Vec<&str> = run.out.lines().collect();
    lines.sort_unstable();
    let mut want = vec![URI, URI2];
    want.sort_unstable();
    assert_eq!((lines, run.code), (want, 0));

    let inverted = save(
        dir.path(),
        "inv.png",
        &qr_image(&[URI], true),
        ImageFormat::Png,
    );
    assert_eq!(authbar(&["decode", s(&inverted)]).out, format!("{URI}\n"));

    // Several files: payloads of each, in order.
    let run = authbar(&["decode", s(&disguised), s(&inverted)]);
    assert_eq!(run.out, format!("{URI}\n{URI}\n"));
}

#[test]
fn decode_with_alpha_channel() {
    let dir = tempfile::tempdir().unwrap();
    let gray = qr_image(&[URI], false);
    let rgba = RgbaImage::from_fn(gray.width(), gray.height(), |x, y| {
        if gray.get_pixel(x, y)[0] < 128 {
            Rgba([0, 0, 0, 255])
        } else {
            Rgba([0, 0, 0, 0])
        }
    });
    let path = dir.path().join("alpha.png");
    rgba.save(&path).unwrap();
    assert_eq!(authbar(&["decode", s(&path)]).out, format!("{URI}\n"));
}

#[test]
fn decode_json_hides_secrets_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    let path = save(
        dir.path(),
        "a.png",
        &qr_image(&[URI], false),
        ImageFormat::Png,
    );
    let run = authbar(&["decode", "--json", s(&path)]);
    assert_eq!(run.code, 0, "{}", run.err);
    assert!(!run.out.contains("JBSWY3DPEHPK3PXP"), "{}", run.out);
    let v: Value = serde_json::from_str(&run.out).unwrap();
    let account = &v[0]["accounts"][0];
    assert_eq!(v[0]["kind"], "otpauth");
    assert_eq!(
        (account["issuer"].as_str(), account["name"].as_str()),
        (Some("ACME Co"), Some("alice@example.com"))
    );
    assert_eq!(account["secretBits"], 80);
    assert!(
        account["warning"]
            .as_str()
            .unwrap()
            .contains("only 80 bits")
    );
    assert!(account.get("secret").is_none());

    let run = authbar(&["decode", "--json", "--show-secrets", s(&path)]);
    let v: Value = serde_json::from_str(&run.out).unwrap();
    assert_eq!(v[0]["accounts"][0]["secret"], "JBSWY3DPEHPK3PXP");
    assert_eq!(v[0]["text"], URI);

    // A QR that is not an authenticator code is reported as such, with its text.
    let url = save(
        dir.path(),
        "url.png",
        &qr_image(&["https://example.com/"], false),
        ImageFormat::Png,
    );
    let v: Value = serde_json::from_str(&authbar(&["decode", "--json", s(&url)]).out).unwrap();
    assert_eq!(v[0]["kind"], "other");
    assert_eq!(v[0]["text"], "https://example.com/");
    // One rule with the popup (core's import_payload): a link in a QR code is not an authenticator
    // code (it was `bad_scheme` here once).
    assert_eq!(v[0]["error"]["code"], "not_authenticator");
}

#[test]
fn decode_no_qr_and_broken_files() {
    let dir = tempfile::tempdir().unwrap();
    let blank = save(
        dir.path(),
        "blank.png",
        &GrayImage::from_pixel(200, 100, Luma([255])),
        ImageFormat::Png,
    );
    let run = authbar(&["decode", s(&blank)]);
    assert_eq!((run.out.as_str(), run.code), ("", 1));
    assert!(
        run.err.contains("no QR code found in") && run.err.contains("blank.png"),
        "{}",
        run.err
    );

    // One file with a code and one without: the code is printed, the status says something was missing.
    let good = save(
        dir.path(),
        "good.png",
        &qr_image(&[URI], false),
        ImageFormat::Png,
    );
    let run = authbar(&["decode", s(&good), s(&blank)]);
    assert_eq!((run.out.clone(), run.code), (format!("{URI}\n"), 1));

    let tiny = save(
        dir.path(),
        "tiny.png",
        &GrayImage::from_pixel(1, 1, Luma([0])),
        ImageFormat::Png,
    );
    assert_eq!(authbar(&["decode", s(&tiny)]).code, 1);

    let bytes = std::fs::read(&good).unwrap();
    let truncated = dir.path().join("truncated.png");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    assert_bad_input(
        &authbar(&["decode", s(&truncated)]),
        "cannot be decoded as an image",
    );

    let text = dir.path().join("notes.png");
    std::fs::write(&text, "just some text\n").unwrap();
    assert_bad_input(
        &authbar(&["decode", s(&text)]),
        "is not an image (PNG, JPEG, GIF, WebP or BMP)",
    );

    let empty = dir.path().join("empty.png");
    std::fs::write(&empty, "").unwrap();
    assert_bad_input(&authbar(&["decode", s(&empty)]), "is not an image");

    assert_bad_input(
        &authbar(&["decode", "/no/such/file.png"]),
        "cannot read /no/such/file.png",
    );
    assert_bad_input(&authbar(&["decode", s(dir.path())]), "cannot read");
}

#[test]
fn import_uri_migration_and_image() {
    let run = authbar(&["import", URI]);
    assert_eq!(run.code, 0, "{}", run.err);
    let v: Value = serde_json::from_str(&run.out).unwrap();
    assert_eq!(v["accounts"][0]["secret"], "JBSWY3DPEHPK3PXP");
    assert_eq!(v["accounts"][0]["period"], 30);
    assert!(v["accounts"][0].get("counter").is_none());

    let v: Value = serde_json::from_str(&authbar(&["import", MIGRATION]).out).unwrap();
    let names: Vec<&str> = v["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "user0@example.com",
            "user1@example.com",
            "user2@example.com"
        ]
    );
    assert_eq!(v["accounts"][2]["algorithm"], "SHA256");
    assert_eq!(v["batch"]["size"], 1);

    let dir = tempfile::tempdir().unwrap();
    let two = save(
        dir.path(),
        "two.png",
        &qr_image(&[URI, MIGRATION], false),
        ImageFormat::Png,
    );
    let v: Value = serde_json::from_str(&authbar(&["import", s(&two)]).out).unwrap();
    assert_eq!(v["accounts"].as_array().unwrap().len(), 4);
    assert_eq!(v["errors"].as_array().unwrap().len(), 0);

    // An MD5 entry is skipped, the rest imported (mig-18 holds only an MD5 entry).
    let md5 = "otpauth-migration://offline?data=Ci4KFAZHgkc5IqU%2FNIQpAlCc7gve70yFEghtZDUtdXNlchoGT2xkIENvIAQoATACEAEYASjbyMWq%2Fv%2F%2F%2F%2F8B";
    let v: Value = serde_json::from_str(&authbar(&["import", md5]).out).unwrap();
    assert_eq!(v["accounts"].as_array().unwrap().len(), 0);
    assert_eq!(v["skipped"][0]["code"], "unsupported_md5");
}

#[test]
fn import_errors_exit_2() {
    assert_bad_input(
        &authbar(&["import", "hello"]),
        "this is not an authenticator code",
    );
    assert_bad_input(
        &authbar(&["import", "otpauth://totp/x?secret=JBSWY3DP&algorithm=MD5"]),
        "algorithm must be SHA1",
    );
    assert_bad_input(
        &authbar(&["import", "otpauth-migration://offline?data=%40%40"]),
        "not base64",
    );
    let dir = tempfile::tempdir().unwrap();
    let url = save(
        dir.path(),
        "url.png",
        &qr_image(&["https://example.com/"], false),
        ImageFormat::Png,
    );
    assert_bad_input(
        &authbar(&["import", s(&url)]),
        "this is not an authenticator code",
    );
    let plain = save(
        dir.path(),
        "plain.png",
        &qr_image(&["just words"], false),
        ImageFormat::Png,
    );
    assert_bad_input(
        &authbar(&["import", s(&plain)]),
        "this is not an authenticator code",
    );
    let blank = save(
        dir.path(),
        "blank.png",
        &GrayImage::from_pixel(50, 50, Luma([255])),
        ImageFormat::Png,
    );
    let run = authbar(&["import", s(&blank)]);
    assert_eq!((run.out.as_str(), run.code), ("", 1));
    assert!(run.err.contains("no QR code found"));
    let text = dir.path().join("notes.png");
    std::fs::write(&text, "just some text\n").unwrap();
    // Not an image and not an export: the content decides, whatever the name says.
    assert_bad_input(
        &authbar(&["import", s(&text)]),
        "not an export Authbar can read: it is text",
    );
}

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/import")
        .join(name)
        .display()
        .to_string()
}

const FIXTURE_PASSWORD: &str = "fixture password ✓";

#[test]
fn import_export_files_of_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let password = dir.path().join("password.txt");
    std::fs::write(
        &password,
        format!("{FIXTURE_PASSWORD}\r\nsecond line ignored\n"),
    )
    .unwrap();
    for (file, format, count) in [
        ("aegis-plain.json", "aegis", 4),
        ("aegis-encrypted.json", "aegis", 4),
        ("2fas-encrypted.2fas", "2fas", 4),
        ("andotp-encrypted.json.aes", "andotp", 4),
        ("bitwarden.csv", "bitwarden-csv", 4),
        ("ente.txt", "otpauth-list", 4),
        ("proton.json", "proton", 3),
        ("stratum.json", "stratum", 4),
    ] {
        let run = authbar(&["import", &fixture(file), "--password-file", s(&password)]);
        assert_eq!(run.code, 0, "{file}: {}", run.err);
        let v: Value = serde_json::from_str(&run.out).unwrap();
        assert_eq!(v["format"], format, "{file}");
        assert_eq!(v["accounts"].as_array().unwrap().len(), count, "{file}");
    }
    // The extension's field names: the HOTP counter as a decimal string, the Steam type.
    let run = authbar(&["import", &fixture("aegis-plain.json")]);
    let v: Value = serde_json::from_str(&run.out).unwrap();
    let hotp = &v["accounts"][2];
    assert_eq!(
        (hotp["type"].as_str(), hotp["counter"].as_str()),
        (Some("hotp"), Some("7"))
    );
    assert!(hotp.get("period").is_none());
    assert_eq!(v["accounts"][3]["type"], "steam");
    assert_eq!(v["accounts"][3]["digits"], 5);
    assert_eq!(v["accounts"][0]["secretBits"], 160);
    assert!(v["accounts"][0].get("warning").is_none());
    assert_eq!(v["skipped"][0]["code"], "unsupported_type");
}

#[test]
fn import_password_and_file_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let wrong = dir.path().join("wrong.txt");
    std::fs::write(&wrong, "not it\n").unwrap();
    let encrypted = fixture("aegis-encrypted.json");
    assert_bad_input(
        &authbar(&["import", &encrypted, "--password-file", s(&wrong)]),
        "the password does not open this Aegis vault",
    );
    // No terminal to ask on (stdin is not one here) and no password file.
    let run = authbar(&["import", &encrypted]);
    assert_bad_input(&run, "a password is needed for this Aegis vault");
    assert!(run.err.contains("--password-file"), "{}", run.err);
    assert_bad_input(
        &authbar(&[
            "import",
            &encrypted,
            "--password-file",
            s(&dir.path().join("none")),
        ]),
        "cannot read the password file",
    );
    let bytes = std::fs::read(fixture("2fas-plain.2fas")).unwrap();
    let cut = dir.path().join("cut.2fas");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    assert_bad_input(
        &authbar(&["import", s(&cut)]),
        "this 2FAS backup is damaged",
    );
    assert_bad_input(
        &authbar(&["import", &fixture("aegis-future.json")]),
        "version 2, which Authbar does not read",
    );
    let other = dir.path().join("other.json");
    std::fs::write(&other, "{\"not\": \"an export\"}").unwrap();
    assert_bad_input(
        &authbar(&["import", s(&other)]),
        "not an export Authbar can read",
    );
}

#[test]
fn steam_codes_and_verification() {
    let uri = "otpauth://steam/Steam:gaben_fan?secret=DAJNTYWFT2446UVQKTWOOXVVLCRYWRBQ";
    // accounts.json a13 of tests/peers/ae-8.0.2.
    assert_eq!(
        authbar(&["code", uri, "--time", "1700000000"]).out,
        "5PDH5\n"
    );
    let run = authbar(&["verify", uri, "5PDH5", "--time", "1700000030"]);
    assert_eq!((run.out.as_str(), run.code), ("-1\n", 0), "{}", run.err);
    let run = authbar(&["verify", uri, "123456", "--time", "1700000000"]);
    assert_eq!(run.code, 1);
    assert!(
        run.err.contains("is not a 5-character Steam code"),
        "{}",
        run.err
    );
    assert_bad_input(
        &authbar(&["code", uri, "--counter", "1"]),
        "--counter does not apply",
    );
}

#[test]
fn help_and_version() {
    let run = authbar(&["--help"]);
    assert_eq!(run.code, 0);
    for cmd in ["code", "verify", "decode", "import"] {
        assert!(run.out.contains(cmd), "{}", run.out);
    }
    assert!(authbar(&["--version"]).out.starts_with("authbar "));
}

#[test]
fn import_reads_authbar_backups_with_their_passphrase() {
    // The format's known-answer file (docs/vault-format.md), as a `.authbar` file.
    let vector: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors/sealed-v1.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let backup = dir.path().join("backup.authbar");
    std::fs::write(&backup, vector["sealed"].as_str().unwrap()).unwrap();
    let password = dir.path().join("password.txt");
    std::fs::write(
        &password,
        format!("{}\n", vector["passphrase"].as_str().unwrap()),
    )
    .unwrap();
    let run = authbar(&["import", s(&backup), "--password-file", s(&password)]);
    assert_eq!(run.code, 0, "{}", run.err);
    let v: Value = serde_json::from_str(&run.out).unwrap();
    assert_eq!(v["format"], "authbar");
    let names: Vec<&str> = v["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["alice@example.com", "carol", "bob"]);
    assert_eq!(v["accounts"][1]["counter"], "18446744073709551614");
    // Without its passphrase, or with a wrong one: exit 2, one clear line.
    assert_bad_input(
        &authbar(&["import", s(&backup)]),
        "a password is needed for this Authbar backup",
    );
    std::fs::write(&password, "not the passphrase\n").unwrap();
    assert_bad_input(
        &authbar(&["import", s(&backup), "--password-file", s(&password)]),
        "the password does not open this Authbar backup",
    );
}
