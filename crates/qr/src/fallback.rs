//! The cascade's finder steps: codes whose three finder patterns are visible, read without `rqrr`'s
//! grid fit — its version comes from counting timing-pattern transitions and it insists on
//! finding the alignment pattern, both of which blur, JPEG, a missing quiet zone or a logo break.
//! Here the version is estimated from the finder geometry instead (centres are size − 7 modules
//! apart, ISO/IEC 18004:2015 §6.3.3), the neighbouring versions are tried too, and the modules are
//! sampled from the grey image through the perspective the alignment pattern gives, else the
//! affine map the three centres define, else (once per image) a fitted far corner. Every reading
//! must pass the format and Reed–Solomon checks like any other.

use super::decode::Decoded;
use super::detect::{Polarity, ViewResult, bounding_box, contains};
use super::finder::{Finder, pairs, scan, triangles};
use super::prepare::Luma;
#[cfg(doc)]
use super::prepare::hybrid_threshold;
use super::sample::{Homography, Samples};

/// At most this many finder candidates (the most often confirmed) are combined into triangles: a
/// busy page can hold many lookalikes, and triangles grow with the cube of their number.
const MAX_FINDERS: usize = 24;

/// After this many triangles fail to read, the rest (ranked lower) are left to the next steps: on
/// a high-version code or a busy page the lookalike triangles run into the hundreds, each costing
/// a full sampling and decode per version tried.
const MAX_FAILED_TRIANGLES: usize = 8;

/// Reads the codes whose finder triangles are visible in `img` (`hybrid` = its
/// [`hybrid_threshold`]), except those whose centre lies in one of the `known` regions (codes
/// already read). Triangles that fail to decode count as `failed`. With `fit`, the best-ranked
/// triangle that neither the alignment pattern nor the affine map reads is tried once more through
/// a [`fitted_corner`].
pub(crate) fn search(
    img: &Luma,
    hybrid: &[bool],
    polarity: Polarity,
    known: &[[f32; 4]],
    fit: bool,
) -> ViewResult {
    let invert = polarity == Polarity::Inverted;
    let mut fs = scan(hybrid, img.w, img.h, polarity);
    fs.truncate(MAX_FINDERS);
    let mut out = ViewResult::default();
    let tris = ranked_triangles(&fs);
    let mut read: Vec<[f32; 4]> = known.to_vec();
    for tri @ [tl, tr, bl] in tris {
        let inside = |x: f32, y: f32| read.iter().any(|&r| contains(r, (x, y)));
        // A triangle with its centre or a corner on a code already read is that code again, or
        // one of its finders paired with lookalikes in its data: never a second code.
        let (cx, cy) = ((tr.x + bl.x) / 2.0, (tr.y + bl.y) / 2.0);
        if inside(cx, cy) || tri.iter().any(|f| inside(f.x, f.y)) {
            continue;
        }
        if out.failed >= MAX_FAILED_TRIANGLES {
            break;
        }
        let pad = 3.5 * tl.module;
        let br = (tr.x + bl.x - tl.x, tr.y + bl.y - tl.y);
        let [x0, y0, x1, y1] = bounding_box([(tl.x, tl.y), (tr.x, tr.y), br, (bl.x, bl.y)]);
        let region = [x0 - pad, y0 - pad, x1 + pad, y1 + pad];
        // Only the best-ranked triangle gets the costly corner fit ([`fitted_corner`]).
        let fit = fit && out.failed == 0 && out.decoded.is_empty();
        if let Some(mut d) = read_triangle(img, hybrid, tri, invert, fit) {
            d.region = region;
            read.push(region);
            out.decoded.push(d);
        } else {
            out.failed += 1;
            out.unread.push(region);
        }
    }
    out
}

/// The finder triangles, best first. The least-confirmed finder ranks a triangle: a real code's
/// finders are confirmed by every row through their centres, while the chance 1:1:3:1:1 runs inside
/// a code's data (or a page's text) are confirmed by a row or two. Real triangles come first, and
/// the cut at [`MAX_FAILED_TRIANGLES`] falls on lookalikes.
fn ranked_triangles(fs: &[Finder]) -> Vec<[Finder; 3]> {
    let mut tris = triangles(fs, &pairs(fs));
    tris.sort_by_key(|tri| std::cmp::Reverse(tri.iter().map(|f| f.hits).min()));
    tris
}

/// The perspective through the three finder centres of a `size`-module code and a fourth point
/// `at`, the image of module coordinates (`diagonal`, `diagonal`): the alignment pattern's centre or
/// a fitted corner.
fn through_finders(
    size: usize,
    [tl, tr, bl]: [Finder; 3],
    diagonal: f32,
    at: (f32, f32),
) -> Option<Homography> {
    let (near, end) = (3.5, size as f32 - 3.5);
    Homography::between(
        [(near, near), (end, near), (diagonal, diagonal), (near, end)],
        [(tl.x, tl.y), (tr.x, tr.y), at, (bl.x, bl.y)],
    )
}

/// Tries the version the finder spacing suggests, then its neighbours; for each, through the
/// perspective the bottom-right alignment pattern gives when it is found, then the affine map, then
/// (with `fit`, for the suggested version) the perspective of a [`fitted_corner`].
fn read_triangle(
    img: &Luma,
    hybrid: &[bool],
    [tl, tr, bl]: [Finder; 3],
    invert: bool,
    fit: bool,
) -> Option<Decoded> {
    let module = (tl.module + tr.module + bl.module) / 3.0;
    let (ux, uy) = (tr.x - tl.x, tr.y - tl.y);
    let (vx, vy) = (bl.x - tl.x, bl.y - tl.y);
    let spacing = ((ux * ux + uy * uy).sqrt() + (vx * vx + vy * vy).sqrt()) / 2.0;
    let version = ((spacing / module + 7.0 - 17.0) / 4.0)
        .round()
        .clamp(1.0, 40.0) as usize;
    let versions = [version, version + 1, version.saturating_sub(1)];
    versions
        .into_iter()
        .filter(|v| (1..=40).contains(v))
        .find_map(|v| {
            let size = 17 + 4 * v;
            let span = (size - 7) as f32;
            // Module coordinates (u, v) → image: finder centres sit at 3.5 and size − 3.5.
            let affine = |u: f32, v: f32| {
                let (a, b) = ((u - 3.5) / span, (v - 3.5) / span);
                (tl.x + a * ux + b * vx, tl.y + a * uy + b * vy)
            };
            // Versions ≥ 2 have an alignment pattern centred 6.5 modules in from the bottom-right
            // corner (ISO/IEC 18004:2015 §6.3.6, Annex E): found, it fixes the fourth corner.
            let far = size as f32 - 6.5;
            let perspective = (v >= 2)
                .then(|| affine(far, far))
                .and_then(|guess| alignment_pattern(img, hybrid, invert, guess, module))
                .and_then(|ap| through_finders(size, [tl, tr, bl], far, ap));
            let read = |at: &dyn Fn(f32, f32) -> (f32, f32)| {
                Samples::read_with(img, size, at)?.decode(invert)
            };
            perspective
                .and_then(|h| read(&|u, v| h.map(u, v)))
                .or_else(|| read(&affine))
                .or_else(|| {
                    // The fit samples the grid about a hundred times: for the version the
                    // spacing suggests only.
                    if !fit || v != version {
                        return None;
                    }
                    let end = size as f32 - 3.5;
                    let h = fitted_corner(img, size, [tl, tr, bl], affine(end, end), module)?;
                    read(&|u, v| h.map(u, v))
                })
        })
}

/// The alignment pattern nearest `guess`: a dark module in a light ring in a dark ring, found as a
/// light–dark–light run of about one module each along a row, confirmed down its column (as ZXing's
/// `AlignmentPatternFinder`), within four modules of the guess.
fn alignment_pattern(
    img: &Luma,
    bits: &[bool],
    invert: bool,
    (gx, gy): (f32, f32),
    module: f32,
) -> Option<(f32, f32)> {
    let reach = 4.0 * module;
    let clamp = |v: f32, max: usize| (v.max(0.0) as usize).min(max.saturating_sub(1));
    let (x0, x1) = (clamp(gx - reach, img.w), clamp(gx + reach, img.w));
    let (y0, y1) = (clamp(gy - reach, img.h), clamp(gy + reach, img.h));
    let dark = |x: usize, y: usize| bits[y * img.w + x] != invert;
    let about_one = |n: usize| (n as f32 - module).abs() <= module / 2.0 + 0.5;
    let mut best: Option<((f32, f32), f32)> = None;
    for y in y0..=y1 {
        let mut runs: Vec<(usize, usize, bool)> = Vec::new();
        for x in x0..=x1 {
            match runs.last_mut() {
                Some(last) if last.2 == dark(x, y) => last.1 += 1,
                _ => runs.push((x, 1, dark(x, y))),
            }
        }
        for win in runs.windows(3) {
            if win[0].2 || !win[1].2 || !win.iter().all(|r| about_one(r.1)) {
                continue;
            }
            let cx = win[1].0 + win[1].1 / 2;
            // Down the column: the dark centre run, then light above and below.
            let (mut top, mut bottom) = (y, y);
            while top > y0 && dark(cx, top - 1) {
                top -= 1;
            }
            while bottom < y1 && dark(cx, bottom + 1) {
                bottom += 1;
            }
            let light_run = |mut at: usize, up: bool| {
                let mut n = 0;
                while n <= 2 * module as usize + 1 {
                    let next = if up {
                        at.checked_sub(1)
                    } else {
                        Some(at + 1).filter(|&v| v < img.h)
                    };
                    match next {
                        Some(p) if !dark(cx, p) => {
                            n += 1;
                            at = p;
                        }
                        _ => break,
                    }
                }
                n
            };
            if !about_one(bottom - top + 1)
                || !about_one(light_run(top, true))
                || !about_one(light_run(bottom, false))
            {
                continue;
            }
            let c = (
                win[1].0 as f32 + win[1].1 as f32 / 2.0,
                (top + bottom + 1) as f32 / 2.0,
            );
            let d = (c.0 - gx).powi(2) + (c.1 - gy).powi(2);
            if best.is_none_or(|(_, bd)| d < bd) {
                best = Some((c, d));
            }
        }
    }
    best.map(|(c, _)| c)
}

/// The perspective through the three finder centres and a fourth point, the virtual finder centre
/// at the bottom-right, placed where the sampled modules are the most two-toned
/// ([`Samples::contrast`]): searched coarse to fine (steps of 2, 1, ½ and ¼ module, 5×5 each) around
/// the affine guess. A tilted photo puts the far corner modules away from where the three centres
/// alone say, and when its alignment pattern is lost to blur, glare or a screen's pixel grid,
/// nothing else tells where; sampled at the affine guess, the far modules straddle module edges.
/// Whatever it finds must still pass the format and Reed–Solomon checks.
fn fitted_corner(
    img: &Luma,
    size: usize,
    tri: [Finder; 3],
    guess: (f32, f32),
    module: f32,
) -> Option<Homography> {
    let end = size as f32 - 3.5;
    let through = |br: (f32, f32)| through_finders(size, tri, end, br);
    let score = |br: (f32, f32)| -> Option<f32> {
        let h = through(br)?;
        Some(Samples::read_with(img, size, |u, v| h.map(u, v))?.contrast())
    };
    let mut best = (guess, score(guess)?);
    for step in [2.0, 1.0, 0.5, 0.25] {
        let centre = best.0;
        for dy in -2..=2 {
            for dx in -2..=2 {
                if (dx, dy) == (0, 0) {
                    continue;
                }
                let at = (
                    centre.0 + dx as f32 * step * module,
                    centre.1 + dy as f32 * step * module,
                );
                if let Some(s) = score(at)
                    && s > best.1
                {
                    best = (at, s);
                }
            }
        }
    }
    through(best.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prepare::{Flat, hybrid_threshold};
    use qrcode::{Color, QrCode};

    const TEXT: &str = "otpauth://totp/Mozilla:admin.garcia@example.org?issuer=Mozilla&secret=JBSWY3DPEHPK3PXPJBSWY3DP";

    /// `TEXT` at 5 px per module, seen at a slant (the far side foreshortened by `tilt`), with its
    /// bottom-right alignment pattern painted light as a glare or a logo would.
    fn tilted(tilt: f32) -> Luma {
        let code = QrCode::new(TEXT.as_bytes()).unwrap();
        let (n, colors) = (code.width(), code.to_colors());
        let dark = |mx: f32, my: f32| {
            let (i, j) = (my.floor(), mx.floor());
            if i < 0.0 || j < 0.0 || i >= n as f32 || j >= n as f32 {
                return false;
            }
            let (i, j) = (i as usize, j as usize);
            // The alignment pattern: 5×5 modules centred 6.5 modules in from the far corner.
            if (n - 9..n - 4).contains(&i) && (n - 9..n - 4).contains(&j) {
                return false;
            }
            colors[i * n + j] == Color::Dark
        };
        let (w, h) = (480, 480);
        let px = (0..w * h)
            .map(|k| {
                let (x, y) = ((k % w) as f32 + 0.5, (k / w) as f32 + 0.5);
                // Inverse perspective: image → module coordinates.
                let d = 1.0 - tilt * (x + y) / (w + h) as f32;
                let (mx, my) = ((x / d - 40.0) / 5.0, (y / d - 40.0) / 5.0);
                if dark(mx, my) { 20 } else { 235 }
            })
            .collect();
        Luma { w, h, px }
    }

    fn best_triangle(img: &Luma, bits: &[bool]) -> [Finder; 3] {
        ranked_triangles(&scan(bits, img.w, img.h, Polarity::Normal))[0]
    }

    #[test]
    fn a_fitted_corner_reads_a_tilted_code_whose_alignment_pattern_is_lost() {
        let img = tilted(0.3);
        let bits = hybrid_threshold(&img, Flat::Counted);
        let tri = best_triangle(&img, &bits);
        // Neither the alignment pattern's perspective nor the affine map reads it…
        assert!(read_triangle(&img, &bits, tri, false, false).is_none());
        // …the fitted far corner does.
        let d = read_triangle(&img, &bits, tri, false, true).unwrap();
        assert_eq!(d.bytes, TEXT.as_bytes());
    }

    #[test]
    fn a_slightly_tilted_code_needs_no_fit() {
        let img = tilted(0.05);
        let bits = hybrid_threshold(&img, Flat::Counted);
        let d = read_triangle(&img, &bits, best_triangle(&img, &bits), false, false).unwrap();
        assert_eq!(d.bytes, TEXT.as_bytes());
    }
}
