//! QR decode rate and time over the shared benchmark set (`AUTHBAR_QR_DIR`, by default
//! `../shared/qr/dev` from the workspace root), scored as its README says: an image counts when the set
//! of payloads equals the expected set exactly; a misread is any payload not expected. Time is from
//! decoded pixels to payloads (file reading and image decoding excluded).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Instant;

use authbar_core::qr::{decode_luma, decode_rgba};
use serde_json::Value;

fn main() {
    let dir = std::env::var_os("AUTHBAR_QR_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/qr/dev")
        });
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
        let start = Instant::now();
        let found = if rgba {
            decode_rgba(&pixels, w, h)
        } else {
            decode_luma(&pixels, w, h)
        };
        times_ms.push(start.elapsed().as_secs_f64() * 1000.0);
        let found: BTreeSet<String> = found
            .unwrap_or_default()
            .into_iter()
            .map(|p| p.text)
            .collect();
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
        }
    }
    times_ms.sort_by(f64::total_cmp);
    let pct = |p: f64| {
        times_ms
            .get(((times_ms.len() as f64 - 1.0) * p).round() as usize)
            .copied()
            .unwrap_or(0.0)
    };
    println!(
        "qr: {ok}/{total} images decoded exactly = {:.1} %, misreads {misreads}",
        100.0 * ok as f64 / total.max(1) as f64
    );
    println!(
        "qr: median {:.1} ms, p95 {:.1} ms per image; decode total {:.1} s, wall {:.1} s",
        pct(0.5),
        pct(0.95),
        times_ms.iter().sum::<f64>() / 1000.0,
        wall.elapsed().as_secs_f64()
    );
    for (category, (right, n)) in &per_category {
        println!(
            "qr:   {category:<14} {:>5.1} % ({right}/{n})",
            100.0 * *right as f64 / *n as f64
        );
    }
}
