//! The set-up QR code as a 400×400 PNG.

use anyhow::Result;
use image::{GrayImage, Luma};
use qrcode::{EcLevel, QrCode};

/// The PNG's width and height.
pub const SIZE: u32 = 400;

/// Renders `text` as a QR code centred on a white 400×400 PNG with whole-pixel modules and at least
/// the 4-module quiet zone.
pub fn png(text: &str) -> Result<Vec<u8>> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)?;
    let n = code.width() as u32;
    let module = (SIZE / (n + 8)).max(1);
    let offset = (SIZE - n * module) / 2;
    let colors = code.to_colors();
    let image = GrayImage::from_fn(SIZE, SIZE, |x, y| {
        let (mx, my) = (
            x.wrapping_sub(offset) / module,
            y.wrapping_sub(offset) / module,
        );
        let dark = x >= offset
            && y >= offset
            && mx < n
            && my < n
            && colors[(my * n + mx) as usize] == qrcode::Color::Dark;
        Luma([if dark { 0 } else { 255 }])
    });
    let mut out = Vec::new();
    image.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn decodes_back() {
        let uri = "otpauth://totp/Authbar%20Flexi:novak?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Authbar%20Flexi";
        let bytes = super::png(uri).unwrap();
        let img = image::load_from_memory(&bytes).unwrap().to_luma8();
        assert_eq!(img.dimensions(), (400, 400));
        let found = authbar_core::qr::decode_luma(img.as_raw(), 400, 400).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].text, uri);
    }
}
