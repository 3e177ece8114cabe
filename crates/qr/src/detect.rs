//! Stage 2: find codes in one binarised view of the image, with `rqrr`'s finder-pattern search and
//! perspective grid sampling, and hand each grid to [`super::decode`].

use super::decode::{self, Decoded};
use rqrr::BitGrid;

use super::prepare::Luma;
#[cfg(doc)]
use super::prepare::hybrid_threshold;
use super::sample::Samples;

/// How a view is turned into black and white before the finder-pattern search.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Threshold {
    /// `rqrr`'s own: a moving average along each row (quirc's method). Cheap; best on clean
    /// screenshots.
    RowAverage,
    /// [`hybrid_threshold`]: follows uneven light and low contrast.
    Hybrid,
}

/// Light-on-dark codes (dark mode) are read as the negative.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Polarity {
    /// Dark modules on a light background, as ISO/IEC 18004 draws them.
    Normal,
    /// Light modules on a dark background.
    Inverted,
}

/// What one view gave: the payloads whose grids passed every check, and how many grids were found
/// but failed (a sign that another view may read them), with where those are when known.
#[derive(Default)]
pub(crate) struct ViewResult {
    pub decoded: Vec<Decoded>,
    pub failed: usize,
    pub unread: Vec<[f32; 4]>,
}

/// Searches one view of the image with `rqrr`. `hybrid` is the view's [`hybrid_threshold`], needed
/// for [`Threshold::Hybrid`] only.
pub(crate) fn search(
    img: &Luma,
    hybrid: Option<&[bool]>,
    threshold: Threshold,
    polarity: Polarity,
) -> ViewResult {
    let mut result = ViewResult::default();
    // A QR code needs at least 21 modules; nothing smaller than that can hold one.
    if img.w < 21 || img.h < 21 {
        return result;
    }
    let invert = polarity == Polarity::Inverted;
    let mut prepared = match (threshold, hybrid) {
        (Threshold::Hybrid, Some(bits)) => {
            rqrr::PreparedImage::prepare_from_bitmap(img.w, img.h, |x, y| {
                bits[y * img.w + x] != invert
            })
        }
        _ => rqrr::PreparedImage::prepare_from_greyscale(img.w, img.h, |x, y| {
            let v = img.px[y * img.w + x];
            if invert { 255 - v } else { v }
        }),
    };
    for grid in prepared.detect_grids() {
        match decode::decode(&grid.grid).or_else(|e| resample(img, &grid, invert).ok_or(e)) {
            Ok(mut d) => {
                d.region = bounding_box(grid.bounds.map(|p| (p.x as f32, p.y as f32)));
                result.decoded.push(d);
            }
            Err(_) => result.failed += 1,
        }
    }
    result
}

/// Reads a located grid again from the grey image ([`Samples`]): one global threshold, then local
/// ones. Each reading must pass the full decode on its own.
fn resample(img: &Luma, grid: &rqrr::Grid<impl BitGrid>, invert: bool) -> Option<Decoded> {
    Samples::read(img, &grid.bounds, grid.grid.size())?.decode(invert)
}

/// The bounding box (min x, min y, max x, max y) of a quadrilateral.
pub(crate) fn bounding_box(corners: [(f32, f32); 4]) -> [f32; 4] {
    corners.iter().fold(
        [f32::MAX, f32::MAX, f32::MIN, f32::MIN],
        |[x0, y0, x1, y1], &(x, y)| [x0.min(x), y0.min(y), x1.max(x), y1.max(y)],
    )
}

/// Whether the point lies in the box (min x, min y, max x, max y).
pub(crate) fn contains([x0, y0, x1, y1]: [f32; 4], (x, y): (f32, f32)) -> bool {
    (x0..=x1).contains(&x) && (y0..=y1).contains(&y)
}
