//! A burst of concurrent password checks cannot take the server's memory. Its own test
//! binary, so that the peak RSS it reports is this burst's alone.

#![allow(clippy::unwrap_used)]

mod common;

use common::{Backend, TestServer};
use reqwest::StatusCode;

/// The process's peak resident set size, in MiB (Linux `VmHWM`).
fn peak_rss_mib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    kib / 1024
}

/// Starts a new peak (`VmHWM`) from the current resident size (Linux `clear_refs`, value 5). If the
/// kernel refuses, the later burst is measured against the earlier one's peak, which only hides
/// growth below it.
fn reset_peak_rss() {
    if let Err(e) = std::fs::write("/proc/self/clear_refs", "5") {
        println!(
            "cannot reset the peak RSS ({e}); the second burst is measured from the first's peak"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn argon2_bursts_are_capped_and_memory_stays_bounded() {
    // One backend after the other (not two tests at once), so that each peak is its burst's alone.
    for backend in [Backend::Sqlite, Backend::Postgres] {
        burst(backend).await;
    }
}

async fn burst(backend: Backend) {
    let server = TestServer::start(backend).await;
    reset_peak_rss();
    let before = peak_rss_mib();
    let client = reqwest::Client::new();
    let mut tasks = Vec::new();
    // 250 concurrent Basic attempts with fresh unknown logins, as in the finding.
    for i in 0..250 {
        let (client, url) = (client.clone(), format!("{}/u/ghost{i}.json", server.base));
        tasks.push(tokio::spawn(async move {
            let resp = client
                .get(url)
                .basic_auth(format!("ghost{i}"), Some("some-password"))
                .send()
                .await
                .unwrap();
            (resp.status(), resp.headers().get("retry-after").cloned())
        }));
    }
    let (mut wrong, mut busy) = (0, 0);
    for t in tasks {
        match t.await.unwrap() {
            (StatusCode::UNAUTHORIZED, _) => wrong += 1,
            (StatusCode::SERVICE_UNAVAILABLE, retry) => {
                assert_eq!(retry.unwrap(), "1");
                busy += 1;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    let peak = peak_rss_mib();
    println!(
        "{backend:?}: burst of 250 Basic attempts: {wrong} checked (401), {busy} refused (503 + Retry-After); \
         peak RSS {peak} MiB (before the burst {before} MiB); {} hasher(s)",
        std::thread::available_parallelism().map_or(1, usize::from)
    );
    assert_eq!(wrong + busy, 250);
    assert!(wrong > 0, "some were checked");
    // Each Argon2id hash holds 19 MiB; with one hashing thread per core the burst adds tens of MiB, not gigabytes.
    assert!(
        peak < before + 128,
        "peak RSS {peak} MiB, {before} MiB before"
    );
}
