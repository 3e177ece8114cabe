//! QR detection over images generated here with the `qrcode` crate (no binary fixtures needed).

#![allow(clippy::unwrap_used)] // tests may panic on what they check

use authbar_core::qr::{PayloadKind, decode_luma, decode_rgba};
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
