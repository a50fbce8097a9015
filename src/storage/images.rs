//! One uploaded design image, checked and prepared in memory before anything is written.

use image::codecs::jpeg::JpegEncoder;
use image::metadata::Orientation;
use image::{ColorType, DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use std::io::Cursor;

use super::jpeg;
use super::FileStore;

/// I2: at most 10 MiB a file, 40 megapixels, 8 files an application.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
pub const MAX_PIXELS: u64 = 40_000_000;
pub const MAX_FILES: usize = 8;
/// Long side of the thumbnail.
pub const THUMB_SIDE: u32 = 480;
/// Memory of the thumbnail step (a 480 px picture, its encoding and the scaler's rows).
const THUMB_ALLOWANCE: u64 = 4 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DesignFormat {
    Png,
    Jpeg,
    Webp,
}

impl DesignFormat {
    /// The format of a stored attachment's content type.
    pub fn from_content_type(content_type: &str) -> Option<DesignFormat> {
        match content_type {
            "image/png" => Some(DesignFormat::Png),
            "image/jpeg" => Some(DesignFormat::Jpeg),
            "image/webp" => Some(DesignFormat::Webp),
            _ => None,
        }
    }

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

/// What the header of an upload tells before any pixel is decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Probe {
    pub format: DesignFormat,
    pub width: u32,
    pub height: u32,
    pub color: ColorType,
    /// Bytes the whole of [`prepare`] needs at its peak.
    pub cost: u64,
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

/// Reads the header of an upload: its format, size and the memory its preparation needs.
/// Nothing is decoded; `max_alloc` caps what the header reader may allocate.
pub fn probe(bytes: &[u8], max_alloc: u64) -> Result<Probe, ImageError> {
    let (format, mut decoder) = open(bytes, max_alloc)?;
    let (width, height) = decoder.dimensions();
    let color = decoder.color_type();
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let progressive = format == DesignFormat::Jpeg && jpeg::is_progressive(bytes);
    let cost = preparation_cost(format, color, width, height, orientation, progressive);
    Ok(Probe {
        format,
        width,
        height,
        color,
        cost,
    })
}

/// Sniffs the format, applies the I2 limits and opens a decoder capped at `max_alloc`.
fn open(
    bytes: &[u8],
    max_alloc: u64,
) -> Result<(DesignFormat, impl ImageDecoder + '_), ImageError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(ImageError::TooLarge);
    }
    let format = DesignFormat::sniff(bytes).ok_or(ImageError::Unsupported)?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format.image_format());
    let mut limits = Limits::default();
    limits.max_alloc = Some(max_alloc);
    reader.limits(limits);
    let decoder = reader.into_decoder().map_err(|_| ImageError::Unsupported)?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(ImageError::TooManyPixels { width, height });
    }
    if width == 0 || height == 0 {
        return Err(ImageError::Unsupported);
    }
    Ok((format, decoder))
}

/// The peak memory of [`prepare`], phase by phase: the decoded pixels with the decoder's own
/// buffers; a rotated copy; the 8-bit copy of a 16-bit image; the display encoding (the
/// pixels, a converted copy and the encoded output, counted at its raw size); then the
/// thumbnail. Compressed input is not counted: it is at most [`MAX_FILE_BYTES`].
pub fn preparation_cost(
    format: DesignFormat,
    color: ColorType,
    width: u32,
    height: u32,
    orientation: Orientation,
    progressive_jpeg: bool,
) -> u64 {
    let pixels = u64::from(width) * u64::from(height);
    let decoded = pixels * u64::from(color.bytes_per_pixel());
    let channels = u64::from(color.channel_count());
    let eight_bit = pixels * channels;
    // zune-jpeg keeps every coefficient of a progressive scan as i16 per sample; WebP decodes
    // through a YUV or ARGB buffer about the size of the output; PNG works row by row.
    let scratch = match format {
        DesignFormat::Jpeg if progressive_jpeg => 2 * decoded,
        DesignFormat::Jpeg | DesignFormat::Png => 0,
        DesignFormat::Webp => decoded,
    };
    let upright = orientation == Orientation::NoTransforms;
    let rotate = if upright { 0 } else { 2 * decoded };
    let reduce = if decoded > eight_bit {
        decoded + eight_bit
    } else {
        0
    };
    let display = match format {
        // An upright JPEG keeps its compressed data; the display copy is a byte walk.
        DesignFormat::Jpeg if upright => 0,
        DesignFormat::Jpeg => eight_bit + 2 * pixels * 3,
        DesignFormat::Png | DesignFormat::Webp => 2 * eight_bit,
    };
    let peak = (decoded + scratch).max(rotate).max(reduce).max(display);
    peak + THUMB_ALLOWANCE
}

/// Checks and prepares one upload. Nothing is written. `max_alloc` caps every allocation
/// of the decoder (a decompression bomb stops there); the caller has reserved
/// [`Probe::cost`] of its budget.
pub fn prepare(bytes: Vec<u8>, max_alloc: u64) -> Result<DesignImage, ImageError> {
    let (format, mut decoder) = open(&bytes, max_alloc)?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(|_| ImageError::Unsupported)?;
    img.apply_orientation(orientation);
    // The display copy and thumbnail are 8 bits a channel: a screen shows no more, and a
    // 16-bit picture would double the memory of every later step.
    img = to_eight_bit(img);
    // An upright JPEG keeps its compressed data: only the metadata segments are dropped,
    // which is lossless and far cheaper than encoding again.
    let stripped = (format == DesignFormat::Jpeg && orientation == Orientation::NoTransforms)
        .then(|| jpeg::strip_metadata(&bytes))
        .flatten();
    let display = match stripped {
        Some(jpeg) => jpeg,
        None => encode(&img, format).ok_or(ImageError::Unsupported)?,
    };
    let thumb = if img.width().max(img.height()) > THUMB_SIDE {
        encode(&img.thumbnail(THUMB_SIDE, THUMB_SIDE), format)
    } else {
        encode(&img, format)
    }
    .ok_or(ImageError::Unsupported)?;
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

fn to_eight_bit(img: DynamicImage) -> DynamicImage {
    match img {
        DynamicImage::ImageLuma16(_) => DynamicImage::ImageLuma8(img.to_luma8()),
        DynamicImage::ImageLumaA16(_) => DynamicImage::ImageLumaA8(img.to_luma_alpha8()),
        DynamicImage::ImageRgb16(_) | DynamicImage::ImageRgb32F(_) => {
            DynamicImage::ImageRgb8(img.to_rgb8())
        }
        DynamicImage::ImageRgba16(_) | DynamicImage::ImageRgba32F(_) => {
            DynamicImage::ImageRgba8(img.to_rgba8())
        }
        other => other,
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

    const ALLOC: u64 = 512 * 1024 * 1024;

    use crate::storage::jpeg::tests::small_jpeg;

    #[test]
    fn the_cost_of_a_large_sixteen_bit_png_fits_the_default_budget_once() {
        let cost = |color, w, h| {
            preparation_cost(
                DesignFormat::Png,
                color,
                w,
                h,
                Orientation::NoTransforms,
                false,
            )
        };
        let rgba16 = cost(ColorType::Rgba16, 6324, 6324);
        let decoded = 6324u64 * 6324 * 8;
        // The 16-bit pixels and their 8-bit copy live together once.
        assert_eq!(rgba16, decoded + decoded / 2 + THUMB_ALLOWANCE);
        assert!(rgba16 < 512 * 1024 * 1024 && 2 * rgba16 > 512 * 1024 * 1024);
        let rgb8 = cost(ColorType::Rgb8, 4000, 3000);
        assert_eq!(rgb8, 2 * 4000 * 3000 * 3 + THUMB_ALLOWANCE);
        let jpeg = |progressive, orientation| {
            preparation_cost(
                DesignFormat::Jpeg,
                ColorType::Rgb8,
                4000,
                3000,
                orientation,
                progressive,
            )
        };
        let px = 4000 * 3000 * 3;
        assert_eq!(jpeg(false, Orientation::NoTransforms), px + THUMB_ALLOWANCE);
        assert_eq!(
            jpeg(true, Orientation::NoTransforms),
            3 * px + THUMB_ALLOWANCE
        );
        assert_eq!(jpeg(false, Orientation::Rotate90), 3 * px + THUMB_ALLOWANCE);
    }

    #[test]
    fn probing_reads_the_header_only() {
        let p = probe(&png(1000, 250), ALLOC).unwrap();
        assert_eq!(
            (p.format, p.width, p.height),
            (DesignFormat::Png, 1000, 250)
        );
        assert_eq!(p.color, ColorType::Rgb8);
        assert!(!jpeg::is_progressive(&small_jpeg()));
    }

    #[test]
    fn a_sixteen_bit_png_is_displayed_at_eight_bits() {
        let img = image::ImageBuffer::<image::Rgba<u16>, _>::from_pixel(
            40,
            10,
            image::Rgba([65535, 0, 32768, 65535]),
        );
        let mut bytes = Vec::new();
        DynamicImage::ImageRgba16(img)
            .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
            .unwrap();
        let prepared = prepare(bytes, ALLOC).unwrap();
        let shown = image::load_from_memory(&prepared.display).unwrap();
        assert_eq!(shown.color(), ColorType::Rgba8);
        assert_eq!(shown.to_rgba8().get_pixel(0, 0).0, [255, 0, 128, 255]);
    }

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
        let img = prepare(png(1000, 250), ALLOC).unwrap();
        assert_eq!((img.width, img.height), (1000, 250));
        let thumb = image::load_from_memory(&img.thumb).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (480, 120));
    }

    #[test]
    fn rejects_by_content_not_name() {
        assert_eq!(
            prepare(b"GIF89a....".to_vec(), ALLOC).unwrap_err(),
            ImageError::Unsupported
        );
        let mut truncated = png(100, 100);
        truncated.truncate(60);
        assert_eq!(
            prepare(truncated, ALLOC).unwrap_err(),
            ImageError::Unsupported
        );
    }
}
