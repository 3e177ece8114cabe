//! Differential test against `oathtool` (installed by `./build.sh setup`): random secrets, times,
//! algorithms, digit counts and periods generated at test time, through both the library and the
//! `authbar` binary. The seed is printed; set AUTHBAR_TEST_SEED to replay a run.

#![allow(clippy::unwrap_used)] // tests may panic on what they check

use std::process::Command;

use authbar_core::otp::{hotp, totp};
use authbar_core::{Algorithm, Secret};

const CASES: usize = 500;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn oathtool(args: &[String]) -> String {
    let out = Command::new("oathtool")
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!("oathtool is needed for this test ({e}); `./build.sh setup` installs it")
        });
    assert!(
        out.status.success(),
        "oathtool {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

fn authbar(args: &[String]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_authbar"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "authbar {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn agrees_with_oathtool_on_random_inputs() {
    let seed = std::env::var("AUTHBAR_TEST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        });
    println!("AUTHBAR_TEST_SEED={seed}");
    let mut rng = Rng(seed | 1);
    let algorithms = [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512];
    let periods = [30u64, 30, 30, 60, 15, 45, 90, 1, 3600];
    let mut hotp_cases = 0;
    for case in 0..CASES {
        let len = [10, 16, 20, 20, 20, 32, 64, 13, 33, 100][rng.below(10) as usize] as usize;
        let key: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        let secret = Secret::from_bytes(key).unwrap();
        let b32 = secret.to_base32();
        let digits = 6 + rng.below(3) as u8; // oathtool supports 6–8
        let context = format!("seed {seed} case {case}");
        if case % 10 == 9 {
            // HOTP (oathtool computes HMAC-SHA1 only for HOTP).
            hotp_cases += 1;
            let counter = match rng.below(3) {
                0 => rng.below(1000),
                1 => rng.below(1 << 32),
                _ => rng.next() >> 1,
            };
            let want = oathtool(&[
                "--hotp".into(),
                "-b".into(),
                format!("--digits={digits}"),
                format!("--counter={counter}"),
                b32.clone(),
            ]);
            assert_eq!(
                hotp(&secret, Algorithm::Sha1, digits, counter).to_string(),
                want,
                "{context}"
            );
            let got = authbar(&[
                "code".into(),
                b32.clone(),
                "--counter".into(),
                counter.to_string(),
                "--digits".into(),
                digits.to_string(),
            ]);
            assert_eq!(got, want, "{context}");
            continue;
        }
        let algorithm = algorithms[rng.below(3) as usize];
        let period = periods[rng.below(periods.len() as u64) as usize];
        let time = match rng.below(4) {
            0 => rng.below(1 << 31),
            1 => 1_700_000_000 + rng.below(300_000_000),
            2 => rng.below(253_402_300_800),
            _ => (rng.below(1 << 32) / period) * period - rng.below(2), // step boundaries
        };
        let want = oathtool(&[
            format!("--totp={algorithm}"),
            "-b".into(),
            format!("--digits={digits}"),
            format!("--time-step-size={period}s"),
            "-N".into(),
            format!("@{time}"),
            b32.clone(),
        ]);
        assert_eq!(
            totp(&secret, algorithm, digits, period, time)
                .code
                .to_string(),
            want,
            "{context}"
        );
        // The binary, given the secret and flags, or the same account as a URI.
        let flags = [
            "--time".to_string(),
            time.to_string(),
            "--algorithm".into(),
            algorithm.to_string(),
            "--digits".into(),
            digits.to_string(),
            "--period".into(),
            period.to_string(),
        ];
        let arg = if case % 2 == 0 {
            b32.to_lowercase()
        } else {
            format!(
                "otpauth://totp/T:c{case}?secret={b32}&algorithm={algorithm}&digits={digits}&period={period}"
            )
        };
        let mut args = vec!["code".to_string(), arg];
        if case % 2 == 0 {
            args.extend(flags);
        } else {
            args.extend(["--time".to_string(), time.to_string()]);
        }
        assert_eq!(authbar(&args), want, "{context}");
    }
    assert_eq!(hotp_cases, CASES / 10);
}
