//! TOTP throughput, one thread, a different secret for each code, against a raw HMAC-SHA1 loop measured
//! in the same run (same secrets, same counters). Prints numbers; asserts nothing about time.

use std::hint::black_box;
use std::time::{Duration, Instant};

use authbar_core::otp::totp;
use authbar_core::{Algorithm, Secret};
use hmac::{Hmac, KeyInit, Mac};

const SECRETS: usize = 1024;
const ROUND: Duration = Duration::from_millis(700);

fn keys() -> Vec<Vec<u8>> {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    (0..SECRETS)
        .map(|_| {
            (0..20)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    state as u8
                })
                .collect()
        })
        .collect()
}

/// Runs `f(i)` in batches until ROUND has passed; returns calls per second.
fn rate(mut f: impl FnMut(u64) -> u64) -> f64 {
    let start = Instant::now();
    let mut n = 0u64;
    let mut sink = 0u64;
    while start.elapsed() < ROUND {
        for _ in 0..4096 {
            sink = sink.wrapping_add(f(n));
            n += 1;
        }
    }
    black_box(sink);
    n as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let raw_keys = keys();
    let secrets: Vec<Secret> = raw_keys
        .iter()
        .map(|k| Secret::from_bytes(k.clone()).unwrap_or_else(|_| unreachable!()))
        .collect();
    let t0 = 1_700_000_000u64;

    let raw = |i: u64| {
        let key = &raw_keys[i as usize % SECRETS];
        let counter = (t0 + i) / 30;
        let mut mac =
            <Hmac<sha1::Sha1> as KeyInit>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
        mac.update(&counter.to_be_bytes());
        let hash = mac.finalize().into_bytes();
        let offset = usize::from(hash[19] & 0x0f);
        let bin = u32::from_be_bytes([
            hash[offset],
            hash[offset + 1],
            hash[offset + 2],
            hash[offset + 3],
        ]) & 0x7fff_ffff;
        u64::from(bin % 1_000_000)
    };
    let ours = |i: u64| {
        let secret = &secrets[i as usize % SECRETS];
        totp(black_box(secret), Algorithm::Sha1, 6, 30, black_box(t0 + i))
            .code
            .value()
    };
    // Both computations agree before they are timed.
    for i in 0..100 {
        assert_eq!(raw(i), ours(i));
    }

    let (mut best_raw, mut best_ours) = (0f64, 0f64);
    for _ in 0..3 {
        best_raw = best_raw.max(rate(raw));
        best_ours = best_ours.max(rate(ours));
    }
    println!(
        "totp: raw HMAC-SHA1 loop      {:>6.2} M codes/s",
        best_raw / 1e6
    );
    println!(
        "totp: authbar-core totp()     {:>6.2} M codes/s",
        best_ours / 1e6
    );
    println!(
        "totp: ratio                   {:>6.1} % of the raw loop (target >= 80 %)",
        100.0 * best_ours / best_raw
    );
    for (name, alg) in [("SHA256", Algorithm::Sha256), ("SHA512", Algorithm::Sha512)] {
        let r = rate(|i| {
            totp(&secrets[i as usize % SECRETS], alg, 6, 30, t0 + i)
                .code
                .value()
        });
        println!("totp: authbar-core {name}      {:>6.2} M codes/s", r / 1e6);
    }
}
