//! The last step of the cascade: codes whose three finder patterns are visible but whose grid `rqrr`
//! could not fit — its version comes from counting timing-pattern transitions and it insists on
//! finding the alignment pattern, both of which blur, JPEG, a missing quiet zone or a logo break.
//! Here the version is estimated from the finder geometry instead (centres are size − 7 modules
//! apart, ISO/IEC 18004:2015 §6.3.3), the neighbouring versions are tried too, and the modules are
//! sampled from the grey image through the affine map the three centres define. Every reading must
//! pass the format and Reed–Solomon checks like any other.

use super::decode::{self, Decoded};
use super::detect::{Polarity, bounding_box};
use super::finder::{Finder, finders, pairs, triangles};
use super::prepare::{Luma, hybrid_threshold};
use super::sample::Samples;

/// At most this many finder candidates (the most often confirmed) are combined into triangles: a
/// busy page can hold many lookalikes, and triangles grow with the cube of their number.
const MAX_FINDERS: usize = 24;

/// Reads the codes whose finder triangles are visible in `img`, except those whose centre lies in
/// one of the `known` regions (codes already read).
pub(crate) fn search(img: &Luma, polarity: Polarity, known: &[[f32; 4]]) -> Vec<Decoded> {
    let invert = polarity == Polarity::Inverted;
    let mut bits = hybrid_threshold(img);
    if invert {
        bits.iter_mut().for_each(|b| *b = !*b);
    }
    let mut fs = finders(&bits, img.w, img.h);
    fs.sort_by_key(|f| std::cmp::Reverse(f.hits));
    fs.truncate(MAX_FINDERS);
    let mut out = Vec::new();
    for tri @ [tl, tr, bl] in triangles(&fs, &pairs(&fs)) {
        let (cx, cy) = ((tr.x + bl.x) / 2.0, (tr.y + bl.y) / 2.0);
        if known
            .iter()
            .any(|&[x0, y0, x1, y1]| (x0..=x1).contains(&cx) && (y0..=y1).contains(&cy))
        {
            continue;
        }
        if let Some(mut d) = read_triangle(img, tri, invert) {
            let pad = 3.5 * tl.module;
            let br = (tr.x + bl.x - tl.x, tr.y + bl.y - tl.y);
            let [x0, y0, x1, y1] = bounding_box([(tl.x, tl.y), (tr.x, tr.y), br, (bl.x, bl.y)]);
            d.region = [x0 - pad, y0 - pad, x1 + pad, y1 + pad];
            out.push(d);
        }
    }
    out
}

/// Tries the version the finder spacing suggests, then its neighbours.
fn read_triangle(img: &Luma, [tl, tr, bl]: [Finder; 3], invert: bool) -> Option<Decoded> {
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
            let at = |u: f32, v: f32| {
                let (a, b) = ((u - 3.5) / span, (v - 3.5) / span);
                (tl.x + a * ux + b * vx, tl.y + a * uy + b * vy)
            };
            let samples = Samples::read_with(img, size, at)?;
            samples
                .readings(invert)
                .iter()
                .find_map(|bits| decode::decode(bits).ok())
        })
}
