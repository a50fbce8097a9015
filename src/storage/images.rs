//! One uploaded design image, checked and prepared in memory before anything is written.

use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use std::io::Cursor;

use super::FileStore;

/// I2: at most 10 MiB a file, 40 megapixels, 8 files an application.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
pub const MAX_PIXELS: u64 = 40_000_000;
pub const MAX_FILES: usize = 8;
/// Long side of the thumbnail.
pub const THUMB_SIDE: u32 = 480;
/// Decoder allocations are capped whatever the header claims (a decompression bomb stops here).
const MAX_DECODE_ALLOC: u64 = 512 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DesignFormat {
    Png,
    Jpeg,
    Webp,
}

impl DesignFormat {
    pub fn content_type(self) -> &'static str {
        match self {
            DesignFormat::Png => "image/png",
            DesignFormat::Jpeg => "image/jpeg",
            DesignFormat::Webp => "image/webp",
        }
    }

    pub fn ext(self) -> &'static str {
        match self {
            DesignFormat::Png => "png",
            DesignFormat::Jpeg => "jpg",
            DesignFormat::Webp => "webp",
        }
    }

    /// By magic bytes only; the name and the declared type are never trusted.
    fn sniff(bytes: &[u8]) -> Option<DesignFormat> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(DesignFormat::Png)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(DesignFormat::Jpeg)
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(DesignFormat::Webp)
        } else {
            None
        }
    }

    fn image_format(self) -> ImageFormat {
        match self {
            DesignFormat::Png => ImageFormat::Png,
            DesignFormat::Jpeg => ImageFormat::Jpeg,
            DesignFormat::Webp => ImageFormat::WebP,
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum ImageError {
    /// I1: not PNG, JPEG or WebP by content, or does not decode (415).
    Unsupported,
    /// I2: over 10 MiB (413).
    TooLarge,
    /// I2: over 40 megapixels (413).
    TooManyPixels { width: u32, height: u32 },
}

/// A design image ready to store: the original bytes, a metadata-free display copy and a
/// thumbnail.
#[derive(Debug, Clone)]
pub struct DesignImage {
    pub sha256: String,
    pub format: DesignFormat,
    pub width: u32,
    pub height: u32,
    pub original: Vec<u8>,
    pub display: Vec<u8>,
    pub thumb: Vec<u8>,
}

impl DesignImage {
    pub fn ext(&self) -> &'static str {
        self.format.ext()
    }

    /// Display copies and thumbnails are JPEG for photos, PNG for the rest.
    pub fn display_ext(&self) -> &'static str {
        display_ext(self.format)
    }
}

pub fn display_ext(format: DesignFormat) -> &'static str {
    match format {
        DesignFormat::Jpeg => "jpg",
        DesignFormat::Png | DesignFormat::Webp => "png",
    }
}

/// Checks and prepares one upload. Nothing is written.
pub fn prepare(bytes: Vec<u8>) -> Result<DesignImage, ImageError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(ImageError::TooLarge);
    }
    let format = DesignFormat::sniff(&bytes).ok_or(ImageError::Unsupported)?;
    let mut reader = ImageReader::with_format(Cursor::new(&bytes), format.image_format());
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_DECODE_ALLOC);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|_| ImageError::Unsupported)?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(ImageError::TooManyPixels { width, height });
    }
    if width == 0 || height == 0 {
        return Err(ImageError::Unsupported);
    }
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(|_| ImageError::Unsupported)?;
    img.apply_orientation(orientation);
    // An upright JPEG keeps its compressed data: only the metadata segments are dropped,
    // which is lossless and far cheaper than encoding again.
    let stripped = (format == DesignFormat::Jpeg
        && orientation == image::metadata::Orientation::NoTransforms)
        .then(|| strip_jpeg_metadata(&bytes))
        .flatten();
    let display = match stripped {
        Some(jpeg) => jpeg,
        None => encode(&img, format).ok_or(ImageError::Unsupported)?,
    };
    let thumb_img = if img.width().max(img.height()) > THUMB_SIDE {
        img.thumbnail(THUMB_SIDE, THUMB_SIDE)
    } else {
        img.clone()
    };
    let thumb = encode(&thumb_img, format).ok_or(ImageError::Unsupported)?;
    Ok(DesignImage {
        sha256: FileStore::sha256_hex(&bytes),
        format,
        width: img.width(),
        height: img.height(),
        original: bytes,
        display,
        thumb,
    })
}

/// A JPEG without its metadata: APP1 (EXIF, GPS, XMP), APP3–APP13, APP15 and comments are
/// dropped; APP0 (JFIF), APP2 (the colour profile), APP14 (Adobe colour transform), the tables
/// and the image data are kept byte for byte. `None` when the stream is not a JPEG this walk
/// understands (the caller then encodes the pixels again).
pub fn strip_jpeg_metadata(jpeg: &[u8]) -> Option<Vec<u8>> {
    if !jpeg.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut out = Vec::with_capacity(jpeg.len());
    out.extend_from_slice(&jpeg[..2]);
    let mut i = 2;
    loop {
        // Markers may be padded with extra 0xFF bytes.
        while jpeg.get(i) == Some(&0xFF) && jpeg.get(i + 1) == Some(&0xFF) {
            i += 1;
        }
        if jpeg.get(i) != Some(&0xFF) {
            return None;
        }
        let marker = *jpeg.get(i + 1)?;
        if marker == 0xD9 {
            out.extend_from_slice(&[0xFF, 0xD9]);
            return Some(out);
        }
        let len = usize::from(u16::from_be_bytes([*jpeg.get(i + 2)?, *jpeg.get(i + 3)?]));
        if len < 2 {
            return None;
        }
        let end = i.checked_add(2 + len)?;
        let segment = jpeg.get(i..end)?;
        let dropped = matches!(marker, 0xE1 | 0xE3..=0xED | 0xEF | 0xFE);
        if !dropped {
            out.extend_from_slice(segment);
        }
        i = end;
        if marker == 0xDA {
            // Entropy-coded data runs to the next marker that is neither a stuffed 0xFF00 nor
            // a restart marker.
            let start = i;
            while i + 1 < jpeg.len() {
                if jpeg[i] == 0xFF && jpeg[i + 1] != 0x00 && !(0xD0..=0xD7).contains(&jpeg[i + 1]) {
                    break;
                }
                i += 1;
            }
            if i + 1 >= jpeg.len() {
                return None;
            }
            out.extend_from_slice(&jpeg[start..i]);
        }
    }
}

/// Re-encodes pixels only: EXIF, GPS and every other metadata is left behind.
fn encode(img: &DynamicImage, format: DesignFormat) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    match format {
        DesignFormat::Jpeg => {
            let rgb = img.to_rgb8();
            JpegEncoder::new_with_quality(&mut out, 85)
                .encode_image(&rgb)
                .ok()?;
        }
        DesignFormat::Png | DesignFormat::Webp => {
            img.write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
                .ok()?;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_pixel(w, h, image::Rgb([200, 10, 10]));
        let mut out = Vec::new();
        DynamicImage::ImageRgb8(img)
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn accepts_png_and_makes_a_thumbnail() {
        let img = prepare(png(1000, 250)).unwrap();
        assert_eq!((img.width, img.height), (1000, 250));
        let thumb = image::load_from_memory(&img.thumb).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (480, 120));
    }

    #[test]
    fn stripping_a_jpeg_keeps_its_pixels_and_drops_exif_and_comments() {
        let img =
            image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8 * 4, y as u8 * 5, 77]));
        let mut jpeg = Vec::new();
        JpegEncoder::new_with_quality(&mut jpeg, 90)
            .encode_image(&img)
            .unwrap();
        let mut tagged = jpeg[..2].to_vec();
        for (marker, payload) in [
            (0xE1u8, &b"Exif\0\0GPS-HERE"[..]),
            (0xFE, &b"shot by me"[..]),
        ] {
            tagged.extend_from_slice(&[0xFF, marker]);
            tagged.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
            tagged.extend_from_slice(payload);
        }
        tagged.extend_from_slice(&jpeg[2..]);
        let stripped = strip_jpeg_metadata(&tagged).unwrap();
        assert!(!stripped.windows(8).any(|w| w == b"GPS-HERE"));
        assert!(!stripped.windows(10).any(|w| w == b"shot by me"));
        assert_eq!(stripped.len(), jpeg.len(), "only the added segments go");
        let a = image::load_from_memory(&stripped).unwrap().to_rgb8();
        let b = image::load_from_memory(&jpeg).unwrap().to_rgb8();
        assert_eq!(a, b);
        assert_eq!(strip_jpeg_metadata(&tagged[..tagged.len() / 2]), None);
    }

    #[test]
    fn rejects_by_content_not_name() {
        assert_eq!(
            prepare(b"GIF89a....".to_vec()).unwrap_err(),
            ImageError::Unsupported
        );
        let mut truncated = png(100, 100);
        truncated.truncate(60);
        assert_eq!(prepare(truncated).unwrap_err(), ImageError::Unsupported);
    }
}
