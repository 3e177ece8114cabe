//! QR detection over images generated here with the `qrcode` crate (no binary fixtures needed).

#![allow(clippy::unwrap_used)] // tests may panic on what they check

use authbar_qr::{
    PayloadKind, code_cut_at_edge_luma, code_cut_at_edge_rgba, decode_luma, decode_rgba,
};
use qrcode::{Color, QrCode};

const URI: &str =
    "otpauth://totp/ACME%20Co:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co";
const URI2: &str = "otpauth://totp/Other:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Other";

/// A greyscale canvas, 255 = white.
struct Canvas {
    w: usize,
    h: usize,
    px: Vec<u8>,
}

impl Canvas {
    fn new(w: usize, h: usize, fill: u8) -> Self {
        Canvas {
            w,
            h,
            px: vec![fill; w * h],
        }
    }

    /// Draws `text` as a QR code with `module` pixels per module at (x, y), quiet zone included.
    fn draw(&mut self, text: &str, x: usize, y: usize, module: usize) -> usize {
        let code = QrCode::new(text.as_bytes()).unwrap();
        let n = code.width();
        let colors = code.to_colors();
        let side = (n + 8) * module;
        for py in 0..side {
            for px in 0..side {
                let (mx, my) = ((px / module) as isize - 4, (py / module) as isize - 4);
                let dark = mx >= 0
                    && my >= 0
                    && (mx as usize) < n
                    && (my as usize) < n
                    && colors[my as usize * n + mx as usize] == Color::Dark;
                self.px[(y + py) * self.w + x + px] = if dark { 0 } else { 255 };
            }
        }
        side
    }

    fn decode(&self) -> Vec<String> {
        decode_luma(&self.px, self.w as u32, self.h as u32)
            .unwrap()
            .into_iter()
            .map(|p| p.text)
            .collect()
    }
}

#[test]
fn one_code_is_found_and_classified() {
    let mut c = Canvas::new(400, 400, 255);
    c.draw(URI, 20, 20, 6);
    let found = decode_luma(&c.px, 400, 400).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].text, URI);
    assert_eq!(found[0].kind, PayloadKind::Otpauth);
    // Debug output never shows the payload (it holds the secret).
    assert!(!format!("{:?}", found[0]).contains("JBSW"));
}

#[test]
fn two_codes_on_one_page_are_both_found() {
    let mut c = Canvas::new(900, 450, 255);
    c.draw(URI, 10, 10, 6);
    c.draw(URI2, 460, 10, 6);
    let mut found = c.decode();
    found.sort();
    let mut want = vec![URI.to_string(), URI2.to_string()];
    want.sort();
    assert_eq!(found, want);
}

#[test]
fn light_on_dark_code_is_found() {
    let mut c = Canvas::new(400, 400, 255);
    c.draw(URI, 20, 20, 6);
    for v in &mut c.px {
        *v = 255 - *v;
    }
    assert_eq!(c.decode(), vec![URI.to_string()]);
}

#[test]
fn rgba_with_transparent_background() {
    // Black modules on a transparent background, as a PNG with alpha decodes.
    let mut c = Canvas::new(300, 300, 255);
    c.draw(URI, 10, 10, 5);
    let rgba: Vec<u8> =
        c.px.iter()
            .flat_map(|&v| if v == 0 { [0, 0, 0, 255] } else { [0, 0, 0, 0] })
            .collect();
    let found = decode_rgba(&rgba, 300, 300).unwrap();
    assert_eq!(
        found.iter().map(|p| p.text.as_str()).collect::<Vec<_>>(),
        vec![URI]
    );
}

#[test]
fn other_payloads_are_classified() {
    let mut c = Canvas::new(600, 300, 255);
    c.draw("https://example.com/login", 10, 10, 5);
    c.draw("otpauth-migration://offline?data=CgA%3D", 300, 10, 4);
    let found = decode_luma(&c.px, 600, 300).unwrap();
    let kinds: Vec<_> = found.iter().map(|p| (p.text.as_str(), p.kind)).collect();
    assert!(
        kinds.contains(&("https://example.com/login", PayloadKind::Other)),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&(
            "otpauth-migration://offline?data=CgA%3D",
            PayloadKind::Migration
        )),
        "{kinds:?}"
    );
}

#[test]
fn no_code_gives_an_empty_list() {
    // A gradient with stripes and squares: finder-pattern lookalikes but no code.
    let (w, h) = (640, 480);
    let mut px = vec![0u8; w * h];
    for y in 0..h {
        for x in 0..w {
            let stripe = if (x / 7 + y / 11) % 3 == 0 { 0 } else { 200 };
            px[y * w + x] = ((x * 255 / w) as u8 / 2).saturating_add(stripe / 2);
        }
    }
    assert!(decode_luma(&px, w as u32, h as u32).unwrap().is_empty());
    assert!(
        decode_luma(&vec![255; w * h], w as u32, h as u32)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn tiny_images_are_empty_not_errors() {
    assert!(decode_luma(&[0], 1, 1).unwrap().is_empty());
    assert!(decode_rgba(&[0, 0, 0, 255], 1, 1).unwrap().is_empty());
    assert!(decode_luma(&[], 0, 0).unwrap().is_empty());
    assert!(decode_luma(&[], 0, 1000).unwrap().is_empty());
}

#[test]
fn huge_blank_image_is_searched_in_bounded_memory() {
    // 10000×10000 is shrunk to 2000×2000 before the search; no panic, nothing found.
    let (w, h) = (10_000usize, 10_000usize);
    let px = vec![255u8; w * h];
    assert!(decode_luma(&px, w as u32, h as u32).unwrap().is_empty());
}

#[test]
fn large_image_with_a_code_is_still_read_after_shrinking() {
    // 4000×3000 (shrunk by 2): a code with 12-pixel modules keeps 6-pixel modules.
    let mut c = Canvas::new(4000, 3000, 255);
    c.draw(URI, 1500, 1000, 12);
    assert_eq!(c.decode(), vec![URI.to_string()]);
}

// ---- Each stage of the cascade, on codes degraded here (never the benchmark set) ----

impl Canvas {
    /// A new canvas whose pixel (x, y) is this one's at `from(x, y)`, bilinearly interpolated
    /// (white outside): rotation and perspective are written as their inverse maps.
    fn warp(&self, w: usize, h: usize, from: impl Fn(f32, f32) -> (f32, f32)) -> Canvas {
        let mut out = Canvas::new(w, h, 255);
        let at = |x: isize, y: isize| -> f32 {
            if x < 0 || y < 0 || x as usize >= self.w || y as usize >= self.h {
                255.0
            } else {
                f32::from(self.px[y as usize * self.w + x as usize])
            }
        };
        for y in 0..h {
            for x in 0..w {
                let (sx, sy) = from(x as f32 + 0.5, y as f32 + 0.5);
                let (fx, fy) = (sx - 0.5, sy - 0.5);
                let (x0, y0) = (fx.floor() as isize, fy.floor() as isize);
                let (ax, ay) = (fx - x0 as f32, fy - y0 as f32);
                let top = at(x0, y0) * (1.0 - ax) + at(x0 + 1, y0) * ax;
                let bottom = at(x0, y0 + 1) * (1.0 - ax) + at(x0 + 1, y0 + 1) * ax;
                out.px[y * w + x] = (top * (1.0 - ay) + bottom * ay).round() as u8;
            }
        }
        out
    }

    /// A separable box blur of the given radius (repeated, it approaches a Gaussian).
    fn blur(&mut self, radius: usize) {
        let (w, h) = (self.w, self.h);
        let mut tmp = self.px.clone();
        for y in 0..h {
            for x in 0..w {
                let (a, b) = (x.saturating_sub(radius), (x + radius).min(w - 1));
                let s: u32 = (a..=b).map(|xx| u32::from(self.px[y * w + xx])).sum();
                tmp[y * w + x] = (s / (b - a + 1) as u32) as u8;
            }
        }
        for y in 0..h {
            for x in 0..w {
                let (a, b) = (y.saturating_sub(radius), (y + radius).min(h - 1));
                let s: u32 = (a..=b).map(|yy| u32::from(tmp[yy * w + x])).sum();
                self.px[y * w + x] = (s / (b - a + 1) as u32) as u8;
            }
        }
    }

    /// Maps black to `dark` and white to `light`.
    fn contrast(&mut self, dark: u8, light: u8) {
        for v in &mut self.px {
            *v = (u32::from(dark) + u32::from(*v) * u32::from(light - dark) / 255) as u8;
        }
    }
}

/// A fixed pseudo-random sequence (xorshift), so the noisy fixtures are the same on every run.
fn noise(seed: u64) -> impl FnMut() -> u64 {
    let mut s = seed;
    move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    }
}

#[test]
fn blurred_code_is_read() {
    // Modules of 4 px blurred twice with a 3-px box: edges smeared over most of a module.
    let mut c = Canvas::new(300, 300, 255);
    c.draw(URI, 10, 10, 4);
    c.blur(1);
    c.blur(1);
    assert_eq!(c.decode(), vec![URI.to_string()]);
}

#[test]
fn noisy_code_is_read() {
    // Salt-and-pepper noise on 4 % of the pixels, and ±30 grain on the rest.
    let mut c = Canvas::new(320, 320, 255);
    c.draw(URI, 10, 10, 5);
    let mut rng = noise(0x5eed);
    for v in &mut c.px {
        let r = rng();
        *v = match r % 50 {
            0 => 0,
            1 => 255,
            _ => (i32::from(*v) + (r >> 8) as i32 % 61 - 30).clamp(0, 255) as u8,
        };
    }
    assert_eq!(c.decode(), vec![URI.to_string()]);
}

#[test]
fn rotated_small_code_is_read() {
    let mut src = Canvas::new(200, 200, 255);
    src.draw(URI, 0, 0, 3);
    let (cx, cy, angle) = (150.0f32, 150.0f32, 33f32.to_radians());
    let (sin, cos) = angle.sin_cos();
    let out = src.warp(300, 300, |x, y| {
        let (dx, dy) = (x - cx, y - cy);
        (cos * dx + sin * dy + 100.0, -sin * dx + cos * dy + 100.0)
    });
    assert_eq!(out.decode(), vec![URI.to_string()]);
}

#[test]
fn code_in_perspective_is_read() {
    // Seen from below and to the side: the top edge shorter than the bottom one.
    let mut src = Canvas::new(300, 300, 255);
    src.draw(URI, 0, 0, 5);
    let out = src.warp(400, 400, |x, y| {
        let w = 1.0 + 0.0012 * (x - 200.0) - 0.0010 * (y - 200.0);
        ((x - 50.0) / w, (y - 50.0) / w)
    });
    assert_eq!(out.decode(), vec![URI.to_string()]);
}

#[test]
fn low_contrast_and_uneven_light_are_read() {
    let mut c = Canvas::new(320, 320, 255);
    c.draw(URI2, 10, 10, 5);
    c.contrast(120, 170);
    // Light falling off to the right: the same module is 60 levels darker there.
    for y in 0..c.h {
        for x in 0..c.w {
            let v = &mut c.px[y * c.w + x];
            *v = v.saturating_sub((x * 60 / c.w) as u8);
        }
    }
    assert_eq!(c.decode(), vec![URI2.to_string()]);
}

#[test]
fn code_photographed_through_a_screen_grid_is_read() {
    // A photo of a monitor: the dark gaps between its pixels lie over the slightly turned code as
    // a grid of thin lines, one pixel in three. At full size the lines break the finder patterns'
    // runs; averaged over 2×2 pixels they fade into the modules.
    let mut src = Canvas::new(420, 420, 255);
    src.draw(URI2, 20, 20, 5);
    let (sin, cos) = 4f32.to_radians().sin_cos();
    let mut c = src.warp(460, 460, |x, y| {
        let (dx, dy) = (x - 230.0, y - 230.0);
        (cos * dx + sin * dy + 210.0, -sin * dx + cos * dy + 210.0)
    });
    for y in 0..c.h {
        for x in 0..c.w {
            if x % 3 == 0 || y % 3 == 0 {
                let v = &mut c.px[y * c.w + x];
                *v = v.saturating_sub(200);
            }
        }
    }
    assert_eq!(c.decode(), vec![URI2.to_string()]);
}

#[test]
fn low_contrast_code_on_a_grey_panel_in_a_white_page_is_read() {
    // Mid-grey modules on a light-grey panel (its quiet zone) inside a white 1280×800 page, as a
    // site's muted theme draws them: the flat panel and page must not pull the threshold beside
    // the finder patterns below the modules' grey.
    let long = "otpauth://totp/University%20of%20Example:noah.doe@users.example.io?\
                secret=K56AGLZPXRFPTEJXSOQCYNDNAAS5UJMOP5NJ6IHCVU&issuer=University%20of%20Example\
                &algorithm=SHA1&digits=6&period=30";
    let mut c = Canvas::new(1280, 800, 255);
    let side = c.draw(long, 265, 216, 4);
    for y in 216..216 + side {
        for x in 265..265 + side {
            let v = &mut c.px[y * c.w + x];
            *v = if *v == 0 { 160 } else { 210 };
        }
    }
    assert_eq!(c.decode(), vec![long.to_string()]);
}

#[test]
fn code_without_quiet_zone_among_clutter_is_read() {
    // The code drawn edge to edge with dark bars beside it (a label, a frame).
    let mut c = Canvas::new(360, 300, 255);
    let side = c.draw(URI, 40, 10, 5);
    for y in 0..300 {
        for x in 0..40 {
            c.px[y * 360 + x] = if (y / 6) % 2 == 0 { 0 } else { 255 };
        }
    }
    // Erase the quiet zone on the left: the bars touch the first column of modules.
    for y in 10..10 + side {
        for x in 40..60 {
            c.px[y * 360 + x] = if (y / 6) % 2 == 0 { 0 } else { 255 };
        }
    }
    assert_eq!(c.decode(), vec![URI.to_string()]);
}

// ---- Misreads: a damaged code is read right or not at all ----

#[test]
fn a_code_damaged_beyond_correction_reads_as_nothing_never_as_something_else() {
    // Flip 3 in 10 modules outside the finder corners: far past what ECC level M corrects.
    let code = QrCode::new(URI.as_bytes()).unwrap();
    let n = code.width();
    let mut rng = noise(42);
    let colors: Vec<bool> = code
        .to_colors()
        .iter()
        .enumerate()
        .map(|(k, &c)| {
            let (x, y) = (k % n, k / n);
            let (left, top) = (x < 9, y < 9);
            let corner = (top && (left || x + 9 > n)) || (left && y + 9 > n);
            (c == Color::Dark) ^ (!corner && rng() % 10 < 3)
        })
        .collect();
    let module = 5;
    let side = (n + 8) * module;
    let mut c = Canvas::new(side, side, 255);
    for y in 0..side {
        for x in 0..side {
            let (mx, my) = ((x / module) as isize - 4, (y / module) as isize - 4);
            let inside = mx >= 0 && my >= 0 && (mx as usize) < n && (my as usize) < n;
            if inside && colors[my as usize * n + mx as usize] {
                c.px[y * side + x] = 0;
            }
        }
    }
    assert_eq!(c.decode(), Vec::<String>::new());
}

#[test]
fn a_code_damaged_within_correction_reads_exactly() {
    // A bar of 3 × 12 modules painted over the middle: Reed–Solomon restores every byte.
    let mut c = Canvas::new(400, 400, 255);
    c.draw(URI, 20, 20, 6);
    let mid = 20 + 6 * (4 + 18);
    for y in mid..mid + 18 {
        for x in mid - 36..mid + 36 {
            c.px[y * 400 + x] = 0;
        }
    }
    assert_eq!(c.decode(), vec![URI.to_string()]);
}

/// Draws a finder pattern (7 × 7 modules: dark ring, light ring, dark 3 × 3 centre) centred at
/// (cx, cy) with `module` pixels per module.
fn finder_at(c: &mut Canvas, cx: usize, cy: usize, module: usize) {
    for my in 0..7 {
        for mx in 0..7 {
            let ring = mx.min(my).min(6 - mx).min(6 - my);
            let dark = ring != 1;
            for py in 0..module {
                for px in 0..module {
                    let (x, y) = (
                        cx - 7 * module / 2 + mx * module + px,
                        cy - 7 * module / 2 + my * module + py,
                    );
                    c.px[y * c.w + x] = if dark { 0 } else { 255 };
                }
            }
        }
    }
}

#[test]
fn a_code_beside_more_lookalike_triangles_than_are_tried_is_still_read() {
    // Seven empty "codes" (three finders 14 modules apart, nothing between) in larger modules than
    // the real one: with the triangles their finders also make across cells, more than the finder
    // step tries, and confirmed by more rows, so they rank first. The code must still be read, and
    // nothing else.
    let mut c = Canvas::new(840, 340, 255);
    for cell in 0..7 {
        let (x, y) = (20 + 160 * (cell % 4), 20 + 160 * (cell / 4));
        let (tl, far) = (x + 21, x + 21 + 14 * 6);
        let (top, low) = (y + 21, y + 21 + 14 * 6);
        finder_at(&mut c, tl, top, 6);
        finder_at(&mut c, far, top, 6);
        finder_at(&mut c, tl, low, 6);
    }
    c.draw(URI, 670, 20, 3);
    assert_eq!(c.decode(), vec![URI.to_string()]);
}

// ---- Must not panic ----

#[test]
fn degenerate_images_do_not_panic() {
    for (w, h, v) in [
        (1, 1, 0u8),
        (21, 21, 0),
        (500, 500, 0),
        (1, 5000, 0),
        (5000, 1, 255),
        (33, 20, 128),
    ] {
        let px = vec![v; w * h];
        assert!(
            decode_luma(&px, w as u32, h as u32).unwrap().is_empty(),
            "{w}×{h}"
        );
        assert!(
            !code_cut_at_edge_luma(&px, w as u32, h as u32).unwrap(),
            "{w}×{h}"
        );
    }
    // Every pixel a different pseudo-random value.
    let mut rng = noise(7);
    let px: Vec<u8> = (0..300 * 200).map(|_| rng() as u8).collect();
    assert!(decode_luma(&px, 300, 200).unwrap().is_empty());
}

// ---- A code cut off at the image's edge ("Scan this page" on a short window) ----

impl Canvas {
    /// The top-left `w × h` of the canvas: what a smaller window shows.
    fn window(&self, w: usize, h: usize) -> Canvas {
        let px = (0..h)
            .flat_map(|y| self.px[y * self.w..y * self.w + w].iter().copied())
            .collect();
        Canvas { w, h, px }
    }
}

#[test]
fn a_code_cut_off_at_the_bottom_edge_is_reported() {
    let mut page = Canvas::new(640, 520, 255);
    page.draw(URI, 200, 200, 6);
    // The window shows rows 0..330 only: the top finders are whole, the bottom-left is cut.
    let visible = page.window(640, 330);
    assert!(visible.decode().is_empty());
    assert!(code_cut_at_edge_luma(&visible.px, 640, 330).unwrap());
    // The same code fully visible is read, and is not reported as cut off.
    assert_eq!(page.decode(), vec![URI.to_string()]);
    assert!(!code_cut_at_edge_luma(&page.px, 640, 520).unwrap());
    // A page with no code says nothing either.
    assert!(!code_cut_at_edge_luma(&vec![255; 640 * 400], 640, 400).unwrap());
}

#[test]
fn a_light_on_dark_code_cut_off_at_the_right_edge_is_reported() {
    let mut page = Canvas::new(800, 400, 255);
    page.draw(URI, 440, 40, 5);
    for v in &mut page.px {
        *v = 255 - *v;
    }
    // 600 columns visible: the right-hand finder is past the edge.
    let visible = page.window(600, 400);
    let rgba: Vec<u8> = visible.px.iter().flat_map(|&v| [v, v, v, 255]).collect();
    assert!(decode_rgba(&rgba, 600, 400).unwrap().is_empty());
    assert!(code_cut_at_edge_rgba(&rgba, 600, 400).unwrap());
}

#[test]
fn cut_off_check_rejects_a_wrong_length() {
    let err = code_cut_at_edge_rgba(&[0; 7], 2, 1).unwrap_err();
    assert_eq!(err.code(), "bad_dimensions");
    assert_eq!(
        err.to_string(),
        "a 2×1 image with 4 byte(s) per pixel needs 8 bytes, got 7"
    );
    assert!(code_cut_at_edge_luma(&[0; 3], 2, 2).is_err());
}
