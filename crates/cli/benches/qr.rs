//! QR decode rate and time over the shared benchmark set (`AUTHBAR_QR_DIR`, by default
//! `../shared/qr/dev` from the workspace root), scored as its README says: an image counts when the set
//! of payloads equals the expected set exactly; a misread is any payload not expected. Time is from
//! decoded pixels to payloads (file reading and image decoding excluded).
//!
//! Prints the per-category table in the README's format: the README's `rqrr+invert` anchor (the
//! decoder before the cascade), the previous run's row (kept in `target/qr-bench-native.row`) and
//! this run's. `AUTHBAR_QR_VERBOSE=1` also lists every image that was not decoded exactly,
//! `AUTHBAR_QR_SLOWEST=N` the N slowest.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Instant;

use authbar_core::qr::{code_cut_at_edge_luma, code_cut_at_edge_rgba, decode_luma, decode_rgba};
use serde_json::Value;

/// The README's categories in its column order, with the column headers it prints.
const COLUMNS: [(&str, &str); 20] = [
    ("clean_large", "clean_lg"),
    ("clean_small", "clean_sm"),
    ("webpage", "webpage"),
    ("rot_small", "rot_sm"),
    ("rot_any", "rot_any"),
    ("perspective", "persp"),
    ("photo_monitor", "photo"),
    ("blur", "blur"),
    ("noise", "noise"),
    ("jpeg", "jpeg"),
    ("low_contrast", "lowcon"),
    ("inverted", "invert"),
    ("illumination", "light"),
    ("ecc_logo", "logo"),
    ("high_version", "hi_ver"),
    ("quiet_zone", "quiet"),
    ("migration", "migr"),
    ("utf8_label", "utf8"),
    ("no_qr", "no_qr"),
    ("two_qr", "two_qr"),
];

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = std::env::var_os("AUTHBAR_QR_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/qr/dev"));
    let verbose = std::env::var_os("AUTHBAR_QR_VERBOSE").is_some();
    let manifest = match std::fs::read_to_string(dir.join("manifest.jsonl")) {
        Ok(m) => m,
        Err(e) => {
            println!(
                "qr: skipped: cannot read {}/manifest.jsonl ({e})",
                dir.display()
            );
            return;
        }
    };
    let mut per_category: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut times_ms = Vec::new();
    let mut timed: Vec<(f64, String)> = Vec::new();
    let mut cpu_ms = Vec::new();
    // (hinted, images) where nothing was read: pages without a code, and missed codes.
    let mut hints = ((0usize, 0usize), (0usize, 0usize));
    let (mut ok, mut total, mut misreads) = (0usize, 0usize, 0usize);
    let wall = Instant::now();
    for line in manifest.lines().filter(|l| !l.trim().is_empty()) {
        let Ok(entry) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        let file = entry["file"].as_str().unwrap_or_default();
        let category = entry["category"].as_str().unwrap_or_default().to_string();
        let expected: BTreeSet<String> = entry["payloads"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|p| p.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        let Ok(image) = image::open(dir.join(file)) else {
            println!("qr: cannot open {file}");
            continue;
        };
        let (w, h) = (image.width(), image.height());
        let (pixels, rgba) = if image.color().has_alpha() {
            (image.to_rgba8().into_raw(), true)
        } else {
            (image.to_luma8().into_raw(), false)
        };
        let (start, cpu_start) = (Instant::now(), thread_cpu_ns());
        let found = if rgba {
            decode_rgba(&pixels, w, h)
        } else {
            decode_luma(&pixels, w, h)
        };
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        times_ms.push(ms);
        timed.push((ms, file.to_string()));
        if let (Some(a), Some(b)) = (cpu_start, thread_cpu_ns()) {
            cpu_ms.push((b - a) as f64 / 1e6);
        }
        let found: BTreeSet<String> = found
            .unwrap_or_default()
            .into_iter()
            .map(|p| p.text)
            .collect();
        if found.is_empty() {
            // What "Scan this page" would say instead of "no QR code".
            let cut = if rgba {
                code_cut_at_edge_rgba(&pixels, w, h)
            } else {
                code_cut_at_edge_luma(&pixels, w, h)
            };
            let slot = if expected.is_empty() {
                &mut hints.0
            } else {
                &mut hints.1
            };
            slot.0 += usize::from(cut.unwrap_or(false));
            slot.1 += 1;
        }
        let wrong = found.iter().filter(|p| !expected.contains(*p)).count();
        misreads += wrong;
        let right = found == expected;
        total += 1;
        ok += usize::from(right);
        let slot = per_category.entry(category).or_default();
        slot.0 += usize::from(right);
        slot.1 += 1;
        if wrong > 0 {
            println!("qr: MISREAD in {file}");
        } else if verbose && !right {
            println!(
                "qr:   missed {file} ({} of {} found, {ms:.1} ms)",
                found.len(),
                expected.len()
            );
        }
    }
    // The slow tail is what the p95 is made of: AUTHBAR_QR_SLOWEST=N names the N slowest images.
    let slowest = std::env::var("AUTHBAR_QR_SLOWEST")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    timed.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (ms, file) in timed.iter().take(slowest) {
        println!("qr: slow {file} {ms:.1} ms");
    }
    times_ms.sort_by(f64::total_cmp);
    cpu_ms.sort_by(f64::total_cmp);
    let at = |v: &[f64], p: f64| {
        v.get(((v.len() as f64 - 1.0) * p).round() as usize)
            .copied()
            .unwrap_or(0.0)
    };
    let pct = |p: f64| at(&times_ms, p);
    let cell = |name: &str| {
        per_category
            .get(name)
            .map(|(right, n)| format!("{:.0}", 100.0 * *right as f64 / (*n).max(1) as f64))
            .unwrap_or_else(|| "-".into())
    };
    let row = format!(
        "| authbar (native) | **{:.1}** | {} | {misreads} | {:.1} | {:.1} | {:.1} | {:.1} |",
        100.0 * ok as f64 / total.max(1) as f64,
        COLUMNS.map(|(c, _)| cell(c)).join(" | "),
        pct(0.5),
        pct(0.95),
        times_ms.iter().sum::<f64>() / 1000.0,
        wall.elapsed().as_secs_f64()
    );
    println!("qr: {ok}/{total} images decoded exactly, misreads {misreads} (native)");
    if !cpu_ms.is_empty() {
        // The machine may be shared: CPU time is what the decoder itself cost.
        println!(
            "qr: CPU time per image (this thread): median {:.1} ms, p95 {:.1} ms",
            at(&cpu_ms, 0.5),
            at(&cpu_ms, 0.95)
        );
    }
    println!(
        "qr: \"code cut off at the edge\" where nothing was read: {} of {} pages without a code, \
         {} of {} missed codes (none of these codes is cut off)",
        hints.0.0, hints.0.1, hints.1.0, hints.1.1
    );
    println!(
        "\n| decoder | overall | {} | misread | med ms | p95 ms | decode s | wall s |",
        COLUMNS.map(|(_, h)| h).join(" | ")
    );
    println!(
        "|---|---:|{}---:|---:|---:|---:|---:|",
        "---:|".repeat(COLUMNS.len())
    );
    if let Some(anchor) = std::fs::read_to_string(dir.join("../README.md"))
        .ok()
        .and_then(|r| {
            r.lines()
                .find(|l| l.starts_with("| rqrr+invert "))
                .map(str::to_string)
        })
    {
        println!("{anchor}");
    }
    let previous = root.join("target/qr-bench-native.row");
    if let Ok(prev) = std::fs::read_to_string(&previous) {
        println!(
            "{}",
            prev.trim_end()
                .replacen("| authbar (native)", "| previous (native)", 1)
        );
    }
    println!("{row}\n");
    // The next run shows this one beside it; failing to keep it only loses that comparison. A
    // fresh checkout has no target/ at the workspace root (CARGO_TARGET_DIR may point elsewhere).
    let _ = std::fs::create_dir_all(root.join("target"));
    let _ = std::fs::write(&previous, format!("{row}\n"));
}

/// CPU time this thread has run, from Linux's `/proc/thread-self/schedstat` (first field, in ns);
/// `None` elsewhere.
fn thread_cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}
