//! A second reading of a grid `rqrr` located but could not decode: sample the *grey* image (not the
//! binarised one) at each module through the code's perspective, average a few pixels per module,
//! and threshold the module values against each other. Blur, JPEG ringing and noise flip single
//! binarised pixels at module centres; a small average and a threshold chosen from the code's own
//! modules often read them right. The result goes through the same format and Reed–Solomon checks.

use rqrr::{BitGrid, Point};

use super::decode::{self, Decoded};
use super::prepare::Luma;

/// A projective map (x, y) = ((a u + b v + c) / w, (d u + e v + f) / w), w = g u + h v + 1.
pub(crate) struct Homography([f32; 8]);

impl Homography {
    /// `q` = the images of (0,0), (1,0), (1,1), (0,1).
    fn square_to_quad(q: [(f32, f32); 4]) -> Option<Self> {
        let [(x0, y0), (x1, y1), (x2, y2), (x3, y3)] = q;
        let (sx, sy) = (x0 - x1 + x2 - x3, y0 - y1 + y2 - y3);
        let (dx1, dx2, dy1, dy2) = (x1 - x2, x3 - x2, y1 - y2, y3 - y2);
        let den = dx1 * dy2 - dx2 * dy1;
        if den.abs() < 1e-6 {
            return None;
        }
        let g = (sx * dy2 - dx2 * sy) / den;
        let h = (dx1 * sy - sx * dy1) / den;
        Some(Homography([
            x1 - x0 + g * x1,
            x3 - x0 + h * x3,
            x0,
            y1 - y0 + g * y1,
            y3 - y0 + h * y3,
            y0,
            g,
            h,
        ]))
    }

    /// The map taking each of the four `from` points to the matching `to` point (Heckbert: the
    /// unit square to `to`, after `from` to the unit square, the inverse of its square-to-quad).
    pub fn between(from: [(f32, f32); 4], to: [(f32, f32); 4]) -> Option<Self> {
        let (s, t) = (
            Self::square_to_quad(from)?.matrix(),
            Self::square_to_quad(to)?.matrix(),
        );
        // The adjugate inverts up to a scale, which a projective map ignores.
        let a = [
            s[4] * s[8] - s[5] * s[7],
            s[2] * s[7] - s[1] * s[8],
            s[1] * s[5] - s[2] * s[4],
            s[5] * s[6] - s[3] * s[8],
            s[0] * s[8] - s[2] * s[6],
            s[2] * s[3] - s[0] * s[5],
            s[3] * s[7] - s[4] * s[6],
            s[1] * s[6] - s[0] * s[7],
            s[0] * s[4] - s[1] * s[3],
        ];
        let mut m = [0f32; 9];
        for r in 0..3 {
            for c in 0..3 {
                m[r * 3 + c] = (0..3).map(|k| t[r * 3 + k] * a[k * 3 + c]).sum();
            }
        }
        if m[8].abs() < 1e-9 {
            return None;
        }
        let k = m[8];
        Some(Homography([
            m[0] / k,
            m[1] / k,
            m[2] / k,
            m[3] / k,
            m[4] / k,
            m[5] / k,
            m[6] / k,
            m[7] / k,
        ]))
    }

    fn matrix(&self) -> [f32; 9] {
        let [a, b, c, d, e, f, g, h] = self.0;
        [a, b, c, d, e, f, g, h, 1.0]
    }

    pub fn map(&self, u: f32, v: f32) -> (f32, f32) {
        let [a, b, c, d, e, f, g, h] = self.0;
        let w = g * u + h * v + 1.0;
        ((a * u + b * v + c) / w, (d * u + e * v + f) / w)
    }
}

/// Module values (mean luma around each module centre) of a `size × size` grid.
pub(crate) struct Samples {
    size: usize,
    values: Vec<u8>,
}

impl Samples {
    /// Samples the grid whose corners `rqrr` reports in `bounds` (its perspective maps module
    /// coordinates 0…size+1 onto them, so module (i, j)'s centre is at ((j + ½)/(size + 1), …)).
    pub fn read(img: &Luma, bounds: &[Point; 4], size: usize) -> Option<Self> {
        let hom = Homography::square_to_quad(bounds.map(|p| (p.x as f32, p.y as f32)))?;
        let extent = (size + 1) as f32;
        Self::read_with(img, size, |u, v| hom.map(u / extent, v / extent))
    }

    /// Samples a `size × size` grid through `at`, which maps a module centre (column + ½, row + ½)
    /// to image coordinates; `None` if any centre falls outside the image.
    pub fn read_with(img: &Luma, size: usize, at: impl Fn(f32, f32) -> (f32, f32)) -> Option<Self> {
        if size == 0 {
            return None;
        }
        let mut values = Vec::with_capacity(size * size);
        for i in 0..size {
            for j in 0..size {
                let (x, y) = at(j as f32 + 0.5, i as f32 + 0.5);
                values.push(mean3(img, x, y)?);
            }
        }
        Some(Samples { size, values })
    }

    /// The first reading of the grid that passes the full decode: one global threshold, then
    /// thresholds local to 3×3, 5×5 and 7×7 modules (the smaller the window, the better an isolated
    /// module survives blur). Each reading is made only if the one before it failed, so a clean
    /// code costs one.
    pub fn decode(&self, invert: bool) -> Option<Decoded> {
        (0..4).find_map(|radius| {
            let bits = match radius {
                0 => self.global(invert),
                r => self.local(r, invert),
            };
            decode::decode(&bits).ok()
        })
    }

    /// How two-toned the samples are: the mean distance of a module's value from the mean of all,
    /// over the mean. It is highest when every module is sampled at its centre (each value near
    /// the dark or the light level); sampled astride the modules' edges, as a wrong perspective
    /// does, dark and light mix toward the mean and it falls.
    pub fn contrast(&self) -> f32 {
        let n = self.values.len().max(1) as f32;
        let mean = self.values.iter().map(|&v| f32::from(v)).sum::<f32>() / n;
        let spread = self
            .values
            .iter()
            .map(|&v| (f32::from(v) - mean).abs())
            .sum::<f32>()
            / n;
        spread / mean.max(1.0)
    }

    /// The grid read with one threshold for every module: the isodata point between the mean dark
    /// and mean light module (Ridler–Calvard), which follows the code's own contrast.
    pub fn global(&self, invert: bool) -> Bits {
        let mut t = self.values.iter().map(|&v| u32::from(v)).sum::<u32>()
            / self.values.len().max(1) as u32;
        for _ in 0..8 {
            let (mut lo, mut nlo, mut hi, mut nhi) = (0u32, 0u32, 0u32, 0u32);
            for &v in &self.values {
                if u32::from(v) <= t {
                    (lo, nlo) = (lo + u32::from(v), nlo + 1);
                } else {
                    (hi, nhi) = (hi + u32::from(v), nhi + 1);
                }
            }
            let next = (lo / nlo.max(1) + hi / nhi.max(1)) / 2;
            if next == t {
                break;
            }
            t = next;
        }
        let dark = self
            .values
            .iter()
            .map(|&v| (u32::from(v) <= t) != invert)
            .collect();
        Bits {
            size: self.size,
            dark,
        }
    }

    /// The grid read with a threshold per module: the mean of the modules within `radius` of it,
    /// which follows shading across the code.
    pub fn local(&self, radius: usize, invert: bool) -> Bits {
        let n = self.size;
        // Summed-area table: any window's sum in four lookups.
        let mut sat = vec![0u32; (n + 1) * (n + 1)];
        for i in 0..n {
            for j in 0..n {
                sat[(i + 1) * (n + 1) + j + 1] = u32::from(self.values[i * n + j])
                    + sat[i * (n + 1) + j + 1]
                    + sat[(i + 1) * (n + 1) + j]
                    - sat[i * (n + 1) + j];
            }
        }
        let mut dark = Vec::with_capacity(n * n);
        for i in 0..n {
            let (i0, i1) = (i.saturating_sub(radius), (i + radius + 1).min(n));
            for j in 0..n {
                let (j0, j1) = (j.saturating_sub(radius), (j + radius + 1).min(n));
                let sum = sat[i1 * (n + 1) + j1] + sat[i0 * (n + 1) + j0]
                    - sat[i0 * (n + 1) + j1]
                    - sat[i1 * (n + 1) + j0];
                let count = ((i1 - i0) * (j1 - j0)) as u32;
                dark.push((u32::from(self.values[i * n + j]) * count <= sum) != invert);
            }
        }
        Bits { size: n, dark }
    }
}

/// The luma at (x, y), interpolated bilinearly between the four nearest pixel centres; `None`
/// outside the image. One point per module, not an area: with blur an area mixes in the
/// neighbours' modules.
fn mean3(img: &Luma, x: f32, y: f32) -> Option<u8> {
    if !(x >= 0.0 && y >= 0.0) {
        return None;
    }
    if x as usize >= img.w || y as usize >= img.h {
        return None;
    }
    let (fx, fy) = ((x - 0.5).max(0.0), (y - 0.5).max(0.0));
    let (x0, y0) = (fx as usize, fy as usize);
    let (x1, y1) = ((x0 + 1).min(img.w - 1), (y0 + 1).min(img.h - 1));
    let (ax, ay) = (fx - x0 as f32, fy - y0 as f32);
    let p = |x: usize, y: usize| f32::from(img.px[y * img.w + x]);
    let top = p(x0, y0) * (1.0 - ax) + p(x1, y0) * ax;
    let bottom = p(x0, y1) * (1.0 - ax) + p(x1, y1) * ax;
    Some((top * (1.0 - ay) + bottom * ay + 0.5) as u8)
}

/// A grid of module colours, `true` = dark.
pub(crate) struct Bits {
    size: usize,
    dark: Vec<bool>,
}

impl BitGrid for Bits {
    fn size(&self) -> usize {
        self.size
    }
    fn bit(&self, y: usize, x: usize) -> bool {
        self.dark[y * self.size + x]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn homography_maps_the_corners() {
        let q = [(10.0, 20.0), (110.0, 25.0), (120.0, 130.0), (5.0, 115.0)];
        let h = Homography::square_to_quad(q).unwrap();
        for ((u, v), (x, y)) in [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)]
            .into_iter()
            .zip(q)
        {
            let (mx, my) = h.map(u, v);
            assert!((mx - x).abs() < 1e-3 && (my - y).abs() < 1e-3, "({u}, {v})");
        }
        assert!(Homography::square_to_quad([(0.0, 0.0); 4]).is_none());
        // Between two quadrilaterals: every corner lands on its partner.
        let from = [(3.5, 3.5), (41.5, 3.5), (3.5, 41.5), (38.5, 38.5)];
        let from_quad = [from[0], from[1], from[3], from[2]];
        let to_quad = [q[0], q[1], q[2], q[3]];
        let h = Homography::between(from_quad, to_quad).unwrap();
        for ((u, v), (x, y)) in from_quad.into_iter().zip(to_quad) {
            let (mx, my) = h.map(u, v);
            assert!((mx - x).abs() < 1e-2 && (my - y).abs() < 1e-2, "({u}, {v})");
        }
    }

    #[test]
    fn thresholds_split_dark_from_light_modules() {
        // Low contrast (100 vs 140) with a brightening to the right: the local threshold still
        // splits it, the global one too because the contrast exceeds the shading.
        let n = 21;
        let values: Vec<u8> = (0..n * n)
            .map(|k| {
                let (i, j) = (k / n, k % n);
                (if (i + j) % 2 == 0 { 100 } else { 140 }) + j as u8
            })
            .collect();
        let s = Samples { size: n, values };
        for bits in [s.global(false), s.local(2, false)] {
            for k in 0..n * n {
                assert_eq!(bits.dark[k], (k / n + k % n) % 2 == 0, "module {k}");
            }
        }
        assert!(s.global(true).dark[1]);
    }

    #[test]
    fn sampling_outside_the_image_is_refused() {
        let img = Luma {
            w: 10,
            h: 10,
            px: vec![0; 100],
        };
        let far = [
            Point { x: 0, y: 0 },
            Point { x: 50, y: 0 },
            Point { x: 50, y: 50 },
            Point { x: 0, y: 50 },
        ];
        assert!(Samples::read(&img, &far, 21).is_none());
        let inside = [
            Point { x: 0, y: 0 },
            Point { x: 9, y: 0 },
            Point { x: 9, y: 9 },
            Point { x: 0, y: 9 },
        ];
        assert_eq!(
            Samples::read(&img, &inside, 3).map(|s| s.values),
            Some(vec![0; 9])
        );
    }
}
