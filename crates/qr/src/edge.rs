//! When nothing decodes: does a QR code run off the edge of the image? ("Scan this page" on a window
//! that shows only part of the code.) Every QR code has three finder patterns ([`super::finder`]) at
//! three corners of a square; if fewer than three are visible and the square they imply cannot lie
//! inside the image, the code is cut off.

use super::detect::Polarity;
use super::finder::{Finder, pairs, scan, triangles};
use super::prepare::{Flat, Luma, hybrid_threshold};

/// Whether the finder patterns imply a code that does not fit in a `w × h` image.
///
/// Three finders whose centres form a right isosceles triangle are a whole code: not cut. Otherwise
/// each pair of finders of similar module size, 14 to 170 modules apart (versions 1–40), is one side
/// or the diagonal of the code's finder triangle; if any place the third finder could be is outside
/// the image (its centre closer than 3.5 modules to an edge, so it cannot be whole), the code is cut.
/// A lone finder is not enough: on pages without a code, icons and checkboxes make lone
/// finder-like squares, and the hint would then be wrong more often than right.
pub(crate) fn cut_off(finders: &[Finder], w: usize, h: usize) -> bool {
    let (w, h) = (w as f32, h as f32);
    let outside =
        |x: f32, y: f32, m: f32| x < 3.5 * m || y < 3.5 * m || x > w - 3.5 * m || y > h - 3.5 * m;
    let pairs = pairs(finders);
    if !triangles(finders, &pairs).is_empty() {
        return false;
    }
    pairs.iter().any(|&(i, j)| {
        let (a, b) = (&finders[i], &finders[j]);
        let m = a.module.max(b.module);
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        // As a side: the third finder is beside a or b, perpendicular to a→b.
        let sides = [(-dy, dx), (dy, -dx)]
            .into_iter()
            .flat_map(|(px, py)| [(a.x + px, a.y + py), (b.x + px, b.y + py)]);
        // As the diagonal: the third finder is at the midpoint ± half the perpendicular.
        let (mx, my) = ((a.x + b.x) / 2.0, (a.y + b.y) / 2.0);
        let diagonals = [
            (mx - dy / 2.0, my + dx / 2.0),
            (mx + dy / 2.0, my - dx / 2.0),
        ];
        sides.chain(diagonals).any(|(x, y)| outside(x, y, m))
    })
}

/// Whether the image shows a QR code that runs off its edge, in either polarity.
pub(crate) fn code_cut_off(img: &Luma) -> bool {
    if img.w < 7 || img.h < 7 {
        return false;
    }
    let bits = hybrid_threshold(img, Flat::Counted);
    [Polarity::Normal, Polarity::Inverted]
        .into_iter()
        .any(|polarity| cut_off(&scan(&bits, img.w, img.h, polarity), img.w, img.h))
}

#[cfg(test)]
mod tests {
    use super::super::finder::f;
    use super::*;

    #[test]
    fn a_whole_triangle_is_not_cut() {
        let whole = [f(100.0, 100.0), f(200.0, 100.0), f(100.0, 200.0)];
        assert!(!cut_off(&whole, 400, 400));
    }

    #[test]
    fn two_finders_whose_third_is_past_the_edge_are_cut() {
        // Top-left and top-right visible; the bottom-left would be at y = 300 in a 260-px image.
        assert!(cut_off(&[f(100.0, 200.0), f(200.0, 200.0)], 400, 260));
        // The same pair in the middle of a big image: the third could be above or below, both
        // inside, so nothing says the code is cut.
        assert!(!cut_off(&[f(300.0, 300.0), f(400.0, 300.0)], 800, 800));
    }

    #[test]
    fn a_lone_finder_is_not_enough() {
        assert!(!cut_off(&[f(20.0, 200.0)], 400, 400));
        assert!(!cut_off(&[f(200.0, 200.0)], 400, 400));
    }

    #[test]
    fn no_finder_is_not_cut() {
        assert!(!cut_off(&[], 100, 100));
    }
}
