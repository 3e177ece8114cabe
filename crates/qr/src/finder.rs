//! Finder patterns found the way ZXing's `FinderPatternFinder` does: a dark–light–dark–light–dark
//! run of widths 1:1:3:1:1 along a row, confirmed by the same ratio down its centre column
//! (ISO/IEC 18004:2015 §6.3.3). Used to tell a cut-off code ([`super::edge`]) and to sample a code
//! whose grid `rqrr` could not fit ([`super::fallback`]).

use super::detect::Polarity;

/// A confirmed finder-pattern centre, in pixels, with its module size.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Finder {
    pub x: f32,
    pub y: f32,
    pub module: f32,
    /// How many row scans confirmed it.
    pub hits: u32,
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
    invert: bool,
    x: usize,
    y: usize,
) -> Option<([usize; 5], f32)> {
    let dark = |yy: usize| bits[yy * w + x] != invert;
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

/// The finder patterns of one polarity in a binarised view (`bits`, `true` = dark), the most
/// confirmed first: what both the reading ([`super::fallback`]) and the cut-off check
/// ([`super::edge`]) start from.
pub(crate) fn scan(bits: &[bool], w: usize, h: usize, polarity: Polarity) -> Vec<Finder> {
    let mut found = finders(bits, w, h, polarity == Polarity::Inverted);
    found.sort_by_key(|f| std::cmp::Reverse(f.hits));
    found
}

/// Every finder pattern in a black-and-white image (`true` = dark, or light when `invert`), nearby
/// hits merged.
fn finders(bits: &[bool], w: usize, h: usize, invert: bool) -> Vec<Finder> {
    let mut found: Vec<Finder> = Vec::new();
    // Run lengths along a row, starting with the colour at x = 0: (start, length, dark).
    let mut runs: Vec<(usize, usize, bool)> = Vec::new();
    for y in 0..h {
        let row = &bits[y * w..(y + 1) * w];
        runs.clear();
        for (x, &b) in row.iter().enumerate() {
            let b = b != invert;
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
            let Some((vruns, cy)) = vertical_runs(bits, w, h, invert, cx, y) else {
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
                hits: 1,
            };
            match found.iter_mut().find(|g| {
                (g.x - f.x).abs() <= 2.0 * g.module
                    && (g.y - f.y).abs() <= 2.0 * g.module
                    && (g.module - f.module).abs() <= g.module / 2.0
            }) {
                Some(g) => {
                    let k = g.hits as f32;
                    g.x = (g.x * k + f.x) / (k + 1.0);
                    g.y = (g.y * k + f.y) / (k + 1.0);
                    g.module = (g.module * k + f.module) / (k + 1.0);
                    g.hits += 1;
                }
                None => found.push(f),
            }
        }
    }
    found
}

/// Finder pairs of similar module size 13 to 175 modules apart: candidates for two corners of one
/// code (versions 1–40 put finder centres 14 to 170 modules apart).
pub(crate) fn pairs(finders: &[Finder]) -> Vec<(usize, usize)> {
    (0..finders.len())
        .flat_map(|i| (i + 1..finders.len()).map(move |j| (i, j)))
        .filter(|&(i, j)| {
            let (a, b) = (&finders[i], &finders[j]);
            let modules = a.dist(b) / a.module.max(b.module);
            a.similar(b) && (13.0..=175.0).contains(&modules)
        })
        .collect()
}

/// Finder triples that can be one code's corners, as (top-left, top-right, bottom-left): the
/// top-left about equally far from the other two at a right angle, ordered so that the cross
/// product of top-left→top-right and top-left→bottom-left is positive (y points down).
pub(crate) fn triangles(finders: &[Finder], pairs: &[(usize, usize)]) -> Vec<[Finder; 3]> {
    let mut out = Vec::new();
    for (k, c) in finders.iter().enumerate() {
        for &(i, j) in pairs {
            let (a, b) = (&finders[i], &finders[j]);
            if i == k || j == k || !a.similar(c) {
                continue;
            }
            let (ca, cb) = (c.dist(a), c.dist(b));
            let (ax, ay, bx, by) = (a.x - c.x, a.y - c.y, b.x - c.x, b.y - c.y);
            let (dot, cross) = (ax * bx + ay * by, ax * by - ay * bx);
            if (ca - cb).abs() < 0.2 * ca.max(cb) && dot.abs() < 0.2 * ca * cb {
                out.push(if cross > 0.0 {
                    [*c, *a, *b]
                } else {
                    [*c, *b, *a]
                });
            }
        }
    }
    out
}

impl Finder {
    fn similar(&self, other: &Finder) -> bool {
        (self.module - other.module).abs() <= 0.5 * self.module.min(other.module)
    }

    fn dist(&self, other: &Finder) -> f32 {
        ((self.x - other.x).powi(2) + (self.y - other.y).powi(2)).sqrt()
    }
}

/// A finder of 4-px modules at (x, y), for the tests here and in [`super::edge`].
#[cfg(test)]
pub(crate) fn f(x: f32, y: f32) -> Finder {
    Finder {
        x,
        y,
        module: 4.0,
        hits: 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratio_accepts_finders_and_rejects_stripes() {
        assert!(finder_ratio([4, 4, 12, 4, 4]));
        assert!(finder_ratio([3, 5, 11, 4, 5]));
        assert!(!finder_ratio([4, 4, 4, 4, 4]));
        assert!(!finder_ratio([1, 1, 1, 1, 1]));
        assert!(!finder_ratio([0, 0, 0, 0, 0]));
    }

    #[test]
    fn triangles_come_in_reading_order() {
        // Top-left (100,100), top-right (200,100), bottom-left (100,200), listed shuffled.
        let fs = [f(200.0, 100.0), f(100.0, 200.0), f(100.0, 100.0)];
        let tri = triangles(&fs, &pairs(&fs));
        assert_eq!(tri.len(), 1);
        assert_eq!(
            tri[0].map(|g| (g.x, g.y)),
            [(100.0, 100.0), (200.0, 100.0), (100.0, 200.0)]
        );
    }

    #[test]
    fn finders_of_different_sizes_do_not_pair() {
        let small = Finder {
            module: 1.0,
            ..f(200.0, 200.0)
        };
        assert!(pairs(&[f(100.0, 200.0), small]).is_empty());
    }
}
