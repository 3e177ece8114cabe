//! Stage 2: find codes in one binarised view of the image, with `rqrr`'s finder-pattern search and
//! perspective grid sampling, and hand each grid to [`super::decode`].

use super::decode::{self, Decoded};
use super::prepare::{Luma, hybrid_threshold};

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
/// but failed (a sign that another view may read them).
#[derive(Default)]
pub(crate) struct ViewResult {
    pub decoded: Vec<Decoded>,
    pub failed: usize,
}

/// Searches one view of the image.
pub(crate) fn search(img: &Luma, threshold: Threshold, polarity: Polarity) -> ViewResult {
    let mut result = ViewResult::default();
    // A QR code needs at least 21 modules; nothing smaller than that can hold one.
    if img.w < 21 || img.h < 21 {
        return result;
    }
    let invert = polarity == Polarity::Inverted;
    let mut prepared = match threshold {
        Threshold::RowAverage => {
            rqrr::PreparedImage::prepare_from_greyscale(img.w, img.h, |x, y| {
                let v = img.px[y * img.w + x];
                if invert { 255 - v } else { v }
            })
        }
        Threshold::Hybrid => {
            let bits = hybrid_threshold(img);
            rqrr::PreparedImage::prepare_from_bitmap(img.w, img.h, |x, y| {
                bits[y * img.w + x] != invert
            })
        }
    };
    for grid in prepared.detect_grids() {
        match decode::decode(&grid.grid) {
            Ok(d) => result.decoded.push(d),
            Err(_) => result.failed += 1,
        }
    }
    result
}
