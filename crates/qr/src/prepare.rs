//! Stage 1 of the pipeline: pixels → 8-bit luma at a bounded size, the rescaled and smoothed copies
//! the cascade retries with, and a local-threshold binariser.
//!
//! Every function here is total: any width and height (including 0 and 1) gives a result of the
//! matching size, never a panic.

/// A greyscale image, row-major, 0 = black.
#[derive(Clone)]
pub(crate) struct Luma {
    pub w: usize,
    pub h: usize,
    pub px: Vec<u8>,
}

/// Luma of one pixel (ITU-R BT.601 weights), alpha composited over white.
pub(crate) fn luma_of(px: &[u8]) -> u8 {
    match *px {
        [v] => v,
        [r, g, b, a] => {
            let y = (299 * u32::from(r) + 587 * u32::from(g) + 114 * u32::from(b) + 500) / 1000;
            if a == 255 {
                // Opaque, as every screenshot pixel is: no compositing needed.
                return y as u8;
            }
            let a = u32::from(a);
            ((y * a + 255 * (255 - a) + 127) / 255) as u8
        }
        _ => 255,
    }
}

/// Converts to luma and, when the longest side exceeds `max_side`, averages `factor × factor` blocks
/// with the smallest integer factor that brings it within `max_side`.
pub(crate) fn to_luma(pixels: &[u8], w: usize, h: usize, channels: usize, max_side: usize) -> Luma {
    let factor = w.max(h).div_ceil(max_side.max(1)).max(1);
    if factor == 1 {
        let px = pixels.chunks_exact(channels).map(luma_of).collect();
        return Luma { w, h, px };
    }
    let (ow, oh) = (w / factor, h / factor);
    let mut px = vec![0u8; ow * oh];
    let mut row_sums = vec![0u32; ow];
    let area = (factor * factor) as u32;
    for oy in 0..oh {
        row_sums.fill(0);
        for y in oy * factor..(oy + 1) * factor {
            let row = &pixels[y * w * channels..(y + 1) * w * channels];
            for (ox, sum) in row_sums.iter_mut().enumerate() {
                let block = &row[ox * factor * channels..(ox + 1) * factor * channels];
                *sum += block
                    .chunks_exact(channels)
                    .map(|p| u32::from(luma_of(p)))
                    .sum::<u32>();
            }
        }
        for (o, sum) in px[oy * ow..(oy + 1) * ow].iter_mut().zip(&row_sums) {
            *o = ((sum + area / 2) / area) as u8;
        }
    }
    Luma { w: ow, h: oh, px }
}

impl Luma {
    /// The pixels inside `[x0, y0, x1, y1]` (clamped to the image), and the crop's top-left corner.
    pub fn crop(&self, [x0, y0, x1, y1]: [f32; 4]) -> (Luma, (usize, usize)) {
        let clamp = |v: f32, max: usize| (v.max(0.0) as usize).min(max);
        let (x0, x1) = (clamp(x0, self.w), clamp(x1.ceil(), self.w));
        let (y0, y1) = (clamp(y0, self.h), clamp(y1.ceil(), self.h));
        let (w, h) = (x1.saturating_sub(x0), y1.saturating_sub(y0));
        let mut px = Vec::with_capacity(w * h);
        for y in y0..y0 + h {
            px.extend_from_slice(&self.px[y * self.w + x0..y * self.w + x0 + w]);
        }
        (Luma { w, h, px }, (x0, y0))
    }

    /// Half the size, each pixel the mean of a 2×2 block: averages away pixel noise, JPEG ringing and
    /// a monitor's sub-pixel grid while a module of ≥ 4 px stays ≥ 2 px.
    pub fn half(&self) -> Luma {
        let (w, h) = (self.w / 2, self.h / 2);
        let mut px = Vec::with_capacity(w * h);
        for y in 0..h {
            let (r0, r1) = (&self.px[2 * y * self.w..], &self.px[(2 * y + 1) * self.w..]);
            for x in 0..w {
                let s = u16::from(r0[2 * x])
                    + u16::from(r0[2 * x + 1])
                    + u16::from(r1[2 * x])
                    + u16::from(r1[2 * x + 1]);
                px.push(((s + 2) / 4) as u8);
            }
        }
        Luma { w, h, px }
    }

    /// Twice the size by bilinear interpolation: the finder-pattern scan needs a few pixels per
    /// module, and a small or rotated code with 1–2 px modules gets them back this way.
    pub fn double(&self) -> Luma {
        let (w, h) = (self.w * 2, self.h * 2);
        let mut px = Vec::with_capacity(w * h);
        let at =
            |x: usize, y: usize| u32::from(self.px[y.min(self.h - 1) * self.w + x.min(self.w - 1)]);
        for y in 0..h {
            // Output pixel centre (y + 0.5) / 2 - 0.5 in source coordinates, in quarters.
            let sy4 = (2 * y).saturating_sub(1);
            let (y0, fy) = (sy4 / 4, (sy4 % 4) as u32);
            for x in 0..w {
                let sx4 = (2 * x).saturating_sub(1);
                let (x0, fx) = (sx4 / 4, (sx4 % 4) as u32);
                let top = at(x0, y0) * (4 - fx) + at(x0 + 1, y0) * fx;
                let bottom = at(x0, y0 + 1) * (4 - fx) + at(x0 + 1, y0 + 1) * fx;
                px.push(((top * (4 - fy) + bottom * fy + 8) / 16) as u8);
            }
        }
        Luma { w, h, px }
    }

    /// A 3×3 box blur (edges replicated): removes salt-and-pepper noise that would otherwise break
    /// the 1:1:3:1:1 runs of a finder pattern.
    pub fn blur3(&self) -> Luma {
        let (w, h) = (self.w, self.h);
        let mut rows = vec![0u16; w * h];
        for y in 0..h {
            let row = &self.px[y * w..(y + 1) * w];
            for x in 0..w {
                let l = row[x.saturating_sub(1)];
                let r = row[(x + 1).min(w - 1)];
                rows[y * w + x] = u16::from(l) + u16::from(row[x]) + u16::from(r);
            }
        }
        let mut px = Vec::with_capacity(w * h);
        for y in 0..h {
            let (up, down) = (y.saturating_sub(1), (y + 1).min(h - 1));
            for x in 0..w {
                let s = rows[up * w + x] + rows[y * w + x] + rows[down * w + x];
                px.push(((s + 4) / 9) as u8);
            }
        }
        Luma { w, h, px }
    }
}

/// Side of the square blocks the local threshold is computed over (ZXing's HybridBinarizer uses 8).
const BLOCK: usize = 8;
/// A block whose darkest and lightest pixels differ by no more than this is treated as flat (all
/// light or all dark), as in ZXing's HybridBinarizer (`MIN_DYNAMIC_RANGE`).
const MIN_DYNAMIC_RANGE: u8 = 24;

/// What a flat block's guessed black point does in [`hybrid_threshold`]'s 5×5 averages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flat {
    /// Counts like a measured one, as in ZXing. A flat area then pulls the thresholds beside it
    /// down, so it reads light however dark it is: a brand-coloured page around a code printed
    /// without a quiet zone becomes the quiet zone the finder patterns need.
    Counted,
    /// Counts only where no block in the 5×5 holds a measured point (one with both dark and light
    /// pixels). The guess says where a flat block's own pixels fall, nothing about an edge beside
    /// it: averaged in, the light quiet zone around a low-contrast code (mid-grey modules on light
    /// grey) pulls the threshold next to it below the modules' grey, and the finder patterns' outer
    /// rings read as light.
    Skipped,
}

/// Local-threshold binarisation after ZXing's `HybridBinarizer`: each 8×8 block gets a black point
/// (its mean, or for a flat block half its minimum, so a flat light block stays light), and each pixel
/// is compared with the mean black point of the 5×5 blocks around its own. Unlike one global or
/// row-wise threshold this follows uneven light, gradients and low contrast. `true` = dark.
///
/// `flat` says whether flat blocks' guessed black points are averaged in (see [`Flat`]).
pub(crate) fn hybrid_threshold(img: &Luma, flat: Flat) -> Vec<bool> {
    let (w, h) = (img.w, img.h);
    let (bw, bh) = (w.div_ceil(BLOCK), h.div_ceil(BLOCK));
    // Each block's black point, and whether it was measured (not guessed for a flat block).
    let mut black = vec![(0u8, false); bw * bh];
    for by in 0..bh {
        for bx in 0..bw {
            let (mut min, mut max, mut sum, mut n) = (u8::MAX, 0u8, 0u32, 0u32);
            for y in by * BLOCK..((by + 1) * BLOCK).min(h) {
                for &v in &img.px[y * w + bx * BLOCK..y * w + ((bx + 1) * BLOCK).min(w)] {
                    min = min.min(v);
                    max = max.max(v);
                    sum += u32::from(v);
                    n += 1;
                }
            }
            let mut point = ((sum / n.max(1)) as u8, true);
            if max - min <= MIN_DYNAMIC_RANGE {
                // A flat block: assume it is light (half its minimum is below every pixel in it)
                // unless its already-computed neighbours say it sits in a dark region.
                point = (min / 2, false);
                if by > 0 && bx > 0 {
                    let nb = (u32::from(black[(by - 1) * bw + bx].0)
                        + 2 * u32::from(black[by * bw + bx - 1].0)
                        + u32::from(black[(by - 1) * bw + bx - 1].0))
                        / 4;
                    if u32::from(min) < nb {
                        point.0 = nb as u8;
                    }
                }
            }
            black[by * bw + bx] = point;
        }
    }
    let mut out = vec![false; w * h];
    for by in 0..bh {
        for bx in 0..bw {
            let (y0, y1) = (by.saturating_sub(2), (by + 2).min(bh - 1));
            let (x0, x1) = (bx.saturating_sub(2), (bx + 2).min(bw - 1));
            // (sum, count) over every block, and over the measured ones.
            let (mut all, mut measured) = ((0u32, 0u32), (0u32, 0u32));
            for row in black[y0 * bw..(y1 + 1) * bw].chunks(bw) {
                for &(v, m) in &row[x0..=x1] {
                    all = (all.0 + u32::from(v), all.1 + 1);
                    if m {
                        measured = (measured.0 + u32::from(v), measured.1 + 1);
                    }
                }
            }
            let (sum, n) = if flat == Flat::Skipped && measured.1 > 0 {
                measured
            } else {
                all
            };
            let t = (sum / n) as u8;
            for y in by * BLOCK..((by + 1) * BLOCK).min(h) {
                for x in bx * BLOCK..((bx + 1) * BLOCK).min(w) {
                    out[y * w + x] = img.px[y * w + x] <= t;
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn luma(w: usize, h: usize, f: impl Fn(usize, usize) -> u8) -> Luma {
        let px = (0..h)
            .flat_map(|y| (0..w).map(move |x| (x, y)))
            .map(|(x, y)| f(x, y))
            .collect();
        Luma { w, h, px }
    }

    #[test]
    fn transparency_is_white() {
        assert_eq!(luma_of(&[0, 0, 0, 0]), 255);
        assert_eq!(luma_of(&[0, 0, 0, 255]), 0);
        assert_eq!(luma_of(&[255, 255, 255, 255]), 255);
    }

    #[test]
    fn shrink_bounds_the_side() {
        let out = to_luma(&vec![200u8; 5000 * 10], 5000, 10, 1, 2048);
        assert_eq!((out.w, out.h), (1666, 3));
        assert!(out.px.iter().all(|&v| v == 200));
    }

    #[test]
    fn rescaling_keeps_sizes_and_flat_values() {
        for (w, h) in [(0, 0), (1, 1), (1, 7), (9, 2), (33, 17)] {
            let img = luma(w, h, |_, _| 77);
            let (half, double, blur) = (img.half(), img.double(), img.blur3());
            assert_eq!((half.w, half.h), (w / 2, h / 2));
            assert_eq!((double.w, double.h), (2 * w, 2 * h));
            assert_eq!((blur.w, blur.h), (w, h));
            for px in [half.px, double.px, blur.px] {
                assert!(px.iter().all(|&v| v == 77), "{w}×{h}");
            }
        }
    }

    #[test]
    fn crop_clamps_to_the_image() {
        let img = luma(10, 8, |x, y| (y * 10 + x) as u8);
        let (c, origin) = img.crop([2.0, 3.0, 5.0, 4.0]);
        assert_eq!((c.w, c.h, origin), (3, 1, (2, 3)));
        assert_eq!(c.px, vec![32, 33, 34]);
        let (c, origin) = img.crop([-50.0, -50.0, 500.0, 500.0]);
        assert_eq!((c.w, c.h, origin), (10, 8, (0, 0)));
        let (c, _) = img.crop([9.5, 7.5, 3.0, 2.0]);
        assert_eq!((c.w, c.h), (0, 0));
    }

    #[test]
    fn double_interpolates_between_neighbours() {
        let img = luma(2, 1, |x, _| if x == 0 { 0 } else { 200 });
        assert_eq!(img.double().px, vec![0, 50, 150, 200, 0, 50, 150, 200]);
    }

    #[test]
    fn blur_spreads_one_dark_pixel() {
        let img = luma(3, 3, |x, y| if (x, y) == (1, 1) { 0 } else { 180 });
        assert_eq!(img.blur3().px[4], 160);
    }

    #[test]
    fn hybrid_follows_a_gradient() {
        // Dark stripes on a background that brightens from left to right: one global threshold
        // would lose the stripes on one side; the local one keeps every stripe dark and the
        // background light.
        let img = luma(96, 32, |x, _| {
            let bg = 60 + (x as u32 * 190 / 96) as u8;
            if (x / 4) % 2 == 0 { bg - 50 } else { bg }
        });
        let bits = hybrid_threshold(&img, Flat::Counted);
        for x in 8..88 {
            assert_eq!(bits[16 * 96 + x], (x / 4) % 2 == 0, "x = {x}");
        }
    }

    #[test]
    fn hybrid_keeps_flat_light_areas_light() {
        for flat in [Flat::Counted, Flat::Skipped] {
            let bits = hybrid_threshold(&luma(40, 40, |_, _| 230), flat);
            assert!(bits.iter().all(|&b| !b), "{flat:?}");
            assert!(hybrid_threshold(&luma(0, 0, |_, _| 0), flat).is_empty());
            assert_eq!(hybrid_threshold(&luma(1, 1, |_, _| 0), flat), vec![true]);
        }
    }

    #[test]
    fn skipped_flat_blocks_keep_a_low_contrast_edge_beside_them_dark() {
        // A light-grey panel (210) whose right part holds grey-160 stripes 4 px wide, from x = 44:
        // the stripes' blocks are measured, the panel's are flat.
        let img = luma(96, 32, |x, _| {
            if x >= 44 && (x / 4) % 2 == 1 {
                160
            } else {
                210
            }
        });
        let counted = hybrid_threshold(&img, Flat::Counted);
        let skipped = hybrid_threshold(&img, Flat::Skipped);
        // Counted, the flat panel's guess (105) drags the first stripe's threshold below 160.
        assert!(!counted[16 * 96 + 45]);
        // Skipped: every stripe dark, every gap and the panel light.
        for x in 0..96 {
            assert_eq!(skipped[16 * 96 + x], x >= 44 && (x / 4) % 2 == 1, "x = {x}");
        }
    }
}
