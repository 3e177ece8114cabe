//! When nothing decodes: does a QR code run off the edge of the image? ("Scan this page" on a window
//! that shows only part of the code.)
//!
//! Finder patterns are found the way ZXing's `FinderPatternFinder` does: a dark–light–dark–light–dark
//! run of widths 1:1:3:1:1 along a row, confirmed by the same ratio down its centre column
//! (ISO/IEC 18004:2015 §6.3.3). Every QR code has three, at three corners of a square. If fewer than
//! three are visible and the square they imply cannot lie inside the image, the code is cut off.

use super::prepare::{Luma, hybrid_threshold};

/// A confirmed finder-pattern centre, in pixels, with its module size.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Finder {
    pub x: f32,
    pub y: f32,
    pub module: f32,
}

/// Whether `runs` (dark, light, dark, light, dark) have the finder's 1:1:3:1:1 proportions, within
/// half a module per run as ZXing allows.
fn finder_ratio(runs: [usize; 5]) -> bool {
    let total: usize = runs.iter().sum();
    if total < 7 {
        return false;
    }
    let module = total as f32 / 7.0;
    let slack = module / 2.0;
    runs.iter()
        .zip([1.0, 1.0, 3.0, 1.0, 1.0])
        .all(|(&r, k)| (r as f32 - k * module).abs() < k * slack)
}

/// Runs along the column `x` through row `y`: the centre dark run's extent and the four runs
/// beyond it (up: light, dark; down: light, dark), or `None` when one ends at the image's edge.
fn vertical_runs(
    bits: &[bool],
    w: usize,
    h: usize,
    x: usize,
    y: usize,
) -> Option<([usize; 5], f32)> {
    let dark = |yy: usize| bits[yy * w + x];
    if !dark(y) {
        return None;
    }
    let (mut top, mut bottom) = (y, y);
    while top > 0 && dark(top - 1) {
        top -= 1;
    }
    while bottom + 1 < h && dark(bottom + 1) {
        bottom += 1;
    }
    let run = |mut at: usize, up: bool, want_dark: bool| -> Option<(usize, usize)> {
        let mut n = 0;
        loop {
            let next = if up {
                at.checked_sub(1)?
            } else {
                Some(at + 1).filter(|&v| v < h)?
            };
            if dark(next) != want_dark {
                return (n > 0).then_some((n, at));
            }
            n += 1;
            at = next;
        }
    };
    let (l_up, at) = run(top, true, false)?;
    let (d_up, _) = run(at, true, true)?;
    let (l_down, at) = run(bottom, false, false)?;
    let (d_down, _) = run(at, false, true)?;
    let runs = [d_up, l_up, bottom - top + 1, l_down, d_down];
    Some((runs, (top + bottom) as f32 / 2.0))
}

/// Every finder pattern in a black-and-white image (`true` = dark), nearby hits merged.
pub(crate) fn finders(bits: &[bool], w: usize, h: usize) -> Vec<Finder> {
    let mut found: Vec<(Finder, u32)> = Vec::new();
    for y in 0..h {
        let row = &bits[y * w..(y + 1) * w];
        // Run lengths along the row, starting with the colour at x = 0.
        let mut runs: Vec<(usize, usize, bool)> = Vec::new(); // (start, len, dark)
        for (x, &b) in row.iter().enumerate() {
            match runs.last_mut() {
                Some(last) if last.2 == b => last.1 += 1,
                _ => runs.push((x, 1, b)),
            }
        }
        for win in runs.windows(5) {
            if !win[0].2 || !finder_ratio([win[0].1, win[1].1, win[2].1, win[3].1, win[4].1]) {
                continue;
            }
            let cx = win[2].0 + win[2].1 / 2;
            let Some((vruns, cy)) = vertical_runs(bits, w, h, cx, y) else {
                continue;
            };
            let (htotal, vtotal) = (
                win.iter().map(|r| r.1).sum::<usize>() as f32,
                vruns.iter().sum::<usize>() as f32,
            );
            if !finder_ratio(vruns) || (htotal - vtotal).abs() * 5.0 > 2.0 * htotal {
                continue;
            }
            let f = Finder {
                x: win[2].0 as f32 + win[2].1 as f32 / 2.0,
                y: cy + 0.5,
                module: (htotal + vtotal) / 14.0,
            };
            match found.iter_mut().find(|(g, _)| {
                (g.x - f.x).abs() <= 2.0 * g.module
                    && (g.y - f.y).abs() <= 2.0 * g.module
                    && (g.module - f.module).abs() <= g.module / 2.0
            }) {
                Some((g, n)) => {
                    let k = *n as f32;
                    g.x = (g.x * k + f.x) / (k + 1.0);
                    g.y = (g.y * k + f.y) / (k + 1.0);
                    g.module = (g.module * k + f.module) / (k + 1.0);
                    *n += 1;
                }
                None => found.push((f, 1)),
            }
        }
    }
    found.into_iter().map(|(f, _)| f).collect()
}

/// Whether the finder patterns imply a code that does not fit in a `w × h` image.
///
/// Three finders whose centres form a right isosceles triangle are a whole code: not cut. Otherwise
/// each pair of finders of similar module size, 14 to 170 modules apart (versions 1–40), is one side
/// or the diagonal of the code's finder triangle; if any place the third finder could be is outside
/// the image (its centre closer than 3.5 modules to an edge, so it cannot be whole), the code is cut.
/// A lone finder within the smallest code's reach (17.5 modules) of an edge counts as cut as well.
pub(crate) fn cut_off(finders: &[Finder], w: usize, h: usize) -> bool {
    let (w, h) = (w as f32, h as f32);
    let outside =
        |x: f32, y: f32, m: f32| x < 3.5 * m || y < 3.5 * m || x > w - 3.5 * m || y > h - 3.5 * m;
    let similar =
        |a: &Finder, b: &Finder| (a.module - b.module).abs() <= 0.5 * a.module.min(b.module);
    let dist = |a: &Finder, b: &Finder| ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt();
    let pairs: Vec<(usize, usize)> = (0..finders.len())
        .flat_map(|i| (i + 1..finders.len()).map(move |j| (i, j)))
        .filter(|&(i, j)| {
            let (a, b) = (&finders[i], &finders[j]);
            let modules = dist(a, b) / a.module.max(b.module);
            similar(a, b) && (13.0..=175.0).contains(&modules)
        })
        .collect();
    // A whole triangle: some finder is about equally far from two others at a right angle.
    let whole = finders.iter().enumerate().any(|(k, c)| {
        pairs.iter().any(|&(i, j)| {
            let (a, b) = (&finders[i], &finders[j]);
            if i == k || j == k || !similar(a, c) {
                return false;
            }
            let (ca, cb) = (dist(c, a), dist(c, b));
            let dot = (a.x - c.x) * (b.x - c.x) + (a.y - c.y) * (b.y - c.y);
            (ca - cb).abs() < 0.2 * ca.max(cb) && dot.abs() < 0.2 * ca * cb
        })
    });
    if whole {
        return false;
    }
    let pair_cut = pairs.iter().any(|&(i, j)| {
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
    });
    let lone_cut = pairs.is_empty()
        && finders.iter().any(|f| {
            let reach = 17.5 * f.module;
            f.x < reach || f.y < reach || f.x > w - reach || f.y > h - reach
        });
    pair_cut || lone_cut
}

/// Whether the image shows a QR code that runs off its edge, in either polarity.
pub(crate) fn code_cut_off(img: &Luma) -> bool {
    if img.w < 7 || img.h < 7 {
        return false;
    }
    let mut bits = hybrid_threshold(img);
    let normal = finders(&bits, img.w, img.h);
    if cut_off(&normal, img.w, img.h) {
        return true;
    }
    bits.iter_mut().for_each(|b| *b = !*b);
    cut_off(&finders(&bits, img.w, img.h), img.w, img.h)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(x: f32, y: f32) -> Finder {
        Finder { x, y, module: 4.0 }
    }

    #[test]
    fn ratio_accepts_finders_and_rejects_stripes() {
        assert!(finder_ratio([4, 4, 12, 4, 4]));
        assert!(finder_ratio([3, 5, 11, 4, 5]));
        assert!(!finder_ratio([4, 4, 4, 4, 4]));
        assert!(!finder_ratio([1, 1, 1, 1, 1]));
        assert!(!finder_ratio([0, 0, 0, 0, 0]));
    }

    #[test]
    fn a_whole_triangle_is_not_cut() {
        assert!(!cut_off(
            &[f(100.0, 100.0), f(200.0, 100.0), f(100.0, 200.0)],
            400,
            400
        ));
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
    fn finders_of_different_sizes_do_not_pair() {
        let small = Finder {
            x: 200.0,
            y: 200.0,
            module: 1.0,
        };
        assert!(!cut_off(&[f(100.0, 200.0), small], 2000, 2000));
    }

    #[test]
    fn no_finder_is_not_cut() {
        assert!(!cut_off(&[], 100, 100));
    }
}
