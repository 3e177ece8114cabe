//! Writes a PNG with QR codes for test fixtures: `qr_fixture OUT.png [--invert] TEXT...`
//! (codes side by side, 6-pixel modules, white background).

use image::{GrayImage, Luma};
use qrcode::QrCode;

fn main() -> anyhow::Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let out = args.remove(0);
    let invert = args.first().is_some_and(|a| a == "--invert");
    if invert {
        args.remove(0);
    }
    let codes: Vec<GrayImage> = args
        .iter()
        .map(|t| {
            Ok(QrCode::new(t.as_bytes())?
                .render::<Luma<u8>>()
                .module_dimensions(6, 6)
                .build())
        })
        .collect::<anyhow::Result<_>>()?;
    let width = codes.iter().map(|c| c.width() + 24).sum::<u32>() + 24;
    let height = codes.iter().map(GrayImage::height).max().unwrap_or(0) + 48;
    let mut canvas = GrayImage::from_pixel(width, height, Luma([255]));
    let mut x = 24;
    for code in &codes {
        image::imageops::overlay(&mut canvas, code, i64::from(x), 24);
        x += code.width() + 24;
    }
    if invert {
        image::imageops::invert(&mut canvas);
    }
    canvas.save(out)?;
    Ok(())
}
