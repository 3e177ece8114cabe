//! Bytes per typical account in the sync area, and how many accounts fit its quota.
//!
//! A typical account (issue 25): an issuer of at most 16 characters, a 24-character e-mail address
//! as the name, a 160-bit secret, the default parameters. Each run publishes a vault of `n` such
//! accounts to an empty `storage.sync` and prints what the area holds, and how long publishing and
//! then joining from a fresh browser (merging every incoming account) take natively (the KDF at its
//! cheapest, so the time is the sync's own).
//!
//! `cargo run -p authbar-core --release --example sync_size`

#![allow(clippy::print_stdout, clippy::unwrap_used)] // an example prints its numbers

#[path = "../tests/sync_support/typical.rs"]
mod typical;

use std::collections::BTreeMap;
use std::time::Instant;

use authbar_core::sealed::RandomFailed;
use authbar_core::sync::{self, HEADER_KEY, QUOTA_BYTES, QUOTA_BYTES_PER_ITEM};
use authbar_core::{KdfParams, LockState, Vault};

const PASSPHRASE: &str = "a passphrase for sizes";

fn main() {
    let mut counter = 0u8;
    let mut fill = |b: &mut [u8]| -> Result<(), RandomFailed> {
        for x in b.iter_mut() {
            counter = counter.wrapping_add(97);
            *x = counter;
        }
        Ok(())
    };
    let params = KdfParams {
        memory_kib: 64,
        iterations: 1,
        parallelism: 1,
    };
    println!("accounts  in sync  bytes used  bytes/account  largest item  publish ms  join ms");
    for n in [1, 100, 400, 800, 1000, 1200, 1500, 2000] {
        let mut vault = Vault::new();
        vault.add(typical::typical_accounts(n));
        let mut state = LockState::Plain(vault);
        state.set_passphrase(PASSPHRASE, params, &mut fill).unwrap();
        let start = Instant::now();
        let out = sync::publish(&mut state, &BTreeMap::new(), 1_700_000_000, &mut fill).unwrap();
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        let size = |(k, v): (&String, &String)| k.len() + v.len() + 2;
        let header = out.write.get_key_value(HEADER_KEY).map_or(0, size);
        let largest = out.write.iter().map(size).max().unwrap_or(0);
        assert!(largest <= QUOTA_BYTES_PER_ITEM && out.report.bytes <= QUOTA_BYTES);
        let per = (out.report.bytes - header) as f64 / out.report.held.max(1) as f64;
        let mut fresh = LockState::Plain(Vault::new());
        let start = Instant::now();
        sync::join(&mut fresh, &out.write, PASSPHRASE, 1_700_000_060, &mut fill).unwrap();
        let join_ms = start.elapsed().as_secs_f64() * 1000.0;
        assert_eq!(fresh.vault().unwrap().entries().len(), out.report.held);
        println!(
            "{n:>8}  {:>7}  {:>10}  {per:>13.1}  {largest:>12}  {ms:>10.1}  {join_ms:>7.1}",
            out.report.held, out.report.bytes
        );
    }
}
