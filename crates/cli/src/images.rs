//! Reading image files into pixels for the core's QR search.

use std::io::Cursor;
use std::path::Path;

use authbar_core::QrPayload;
use authbar_core::qr::{decode_luma, decode_rgba};
use image::{ImageReader, Limits};

use crate::failure::Failure;

const FORMATS: &str = "PNG, JPEG, GIF, WebP or BMP";

/// Decodes the image at `path` and returns the payloads of all its QR codes.
pub fn qr_payloads(path: &Path) -> Result<Vec<QrPayload>, Failure> {
    let shown = path.display();
    let bytes = std::fs::read(path).map_err(|e| {
        Failure::bad_input(
            format!("cannot read {shown}: {e}"),
            "check the file's path and permissions",
        )
    })?;
    // The format comes from the content alone: a screenshot saved as `.txt` still opens, and a text
    // file named `.png` is reported as not an image rather than as a broken PNG.
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| {
            Failure::bad_input(
                format!("cannot read {shown}: {e}"),
                "check the file's path and permissions",
            )
        })?;
    if reader.format().is_none() {
        return Err(Failure::bad_input(
            format!("{shown} is not an image ({FORMATS})"),
            format!("give an image file in one of these formats: {FORMATS}"),
        ));
    }
    // 1 GiB bounds what a hostile file can make us allocate (a 16000×16000 RGBA image fits).
    let mut limits = Limits::default();
    limits.max_alloc = Some(1 << 30);
    reader.limits(limits);
    let image = reader.decode().map_err(|e| {
        Failure::bad_input(
            format!("{shown} cannot be decoded as an image: {e}"),
            "the file may be truncated or damaged; save or screenshot the QR code again",
        )
    })?;
    let (width, height) = (image.width(), image.height());
    let found = if image.color().has_alpha() {
        decode_rgba(image.to_rgba8().as_raw(), width, height)
    } else {
        decode_luma(image.to_luma8().as_raw(), width, height)
    };
    found.map_err(|e| {
        Failure::bad_input(
            format!("{shown}: {e}"),
            "this is a bug in authbar; please report it",
        )
    })
}
