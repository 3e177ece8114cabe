//! Times `import_file` on each encrypted fixture, which is almost all password KDF:
//! `cargo run --release -p authbar-core --example import_kdf_times`.

use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let fixtures = root.join("tests/fixtures/import");
    let cases = [
        (
            fixtures.join("aegis-encrypted.json"),
            "fixture password ✓",
            "scrypt N=2^15 r=8 p=1",
        ),
        (
            fixtures.join("2fas-encrypted.2fas"),
            "fixture password ✓",
            "PBKDF2-SHA256 10 000",
        ),
        (
            fixtures.join("andotp-encrypted.json.aes"),
            "fixture password ✓",
            "PBKDF2-SHA1 140 000",
        ),
        (
            root.join("tests/peers/ae-8.0.2/ae-8.0.2-encrypted.json"),
            "correct horse battery staple 7",
            "2 x Argon2id m=19456 KiB t=2 p=1",
        ),
    ];
    for (path, password, kdf) in cases {
        let bytes = std::fs::read(&path)?;
        let start = Instant::now();
        let runs = 5;
        for _ in 0..runs {
            authbar_core::import_file(&bytes, Some(password))?;
        }
        let each = start.elapsed() / runs;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        println!("{name}: {each:?} per import ({kdf})");
    }
    Ok(())
}
