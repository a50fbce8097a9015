//! One uploaded design image, checked and prepared in memory before anything is written.

use image::codecs::jpeg::JpegEncoder;
use image::metadata::Orientation;
use image::{ColorType, DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use std::io::Cursor;

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
    let progressive = format == DesignFormat::Jpeg && jpeg_is_progressive(bytes);
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
        .then(|| strip_jpeg_metadata(&bytes))
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

/// Whether a JPEG's frame header (found before the first scan) is progressive (SOF2, SOF6,
/// SOF10, SOF14).
fn jpeg_is_progressive(jpeg: &[u8]) -> bool {
    let mut i = 2;
    while let (Some(&0xFF), Some(&marker)) = (jpeg.get(i), jpeg.get(i + 1)) {
        if marker == 0xFF {
            i += 1;
            continue;
        }
        if matches!(marker, 0xC2 | 0xC6 | 0xCA | 0xCE) {
            return true;
        }
        if marker == 0xDA || marker == 0xD9 {
            return false;
        }
        let (Some(&hi), Some(&lo)) = (jpeg.get(i + 2), jpeg.get(i + 3)) else {
            return false;
        };
        i += 2 + usize::from(u16::from_be_bytes([hi, lo]));
    }
    false
}

/// A JPEG without its metadata: only what decoding needs is kept — APP0 when it is JFIF
/// (its fixed header only, without the optional thumbnail), APP2 when it is an ICC colour
/// profile, APP14 when it is Adobe's fixed 12-byte colour-transform block — with the tables
/// and the image data byte for byte. Every other APPn (EXIF, XMP, JFXX, FlashPix, MPF, …) and
/// every comment is dropped. `None` when the stream is not a JPEG this walk understands (the
/// caller then encodes the pixels again).
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
        match kept_segment(marker, segment) {
            Kept::Whole => out.extend_from_slice(segment),
            Kept::JfifHeader(header) => out.extend_from_slice(&header),
            Kept::Nothing => {}
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

enum Kept {
    Whole,
    JfifHeader([u8; 18]),
    Nothing,
}

/// What of one marker segment (marker, length and payload) a stripped JPEG keeps.
fn kept_segment(marker: u8, segment: &[u8]) -> Kept {
    let payload = segment.get(4..).unwrap_or_default();
    match marker {
        0xE0 if payload.starts_with(b"JFIF\0") && payload.len() >= 14 => {
            // Version, units and densities; the thumbnail size is set to 0×0 and its
            // pixels are left out.
            let mut header = [0u8; 18];
            header[..4].copy_from_slice(&[0xFF, 0xE0, 0x00, 0x10]);
            header[4..16].copy_from_slice(&payload[..12]);
            Kept::JfifHeader(header)
        }
        0xE2 if payload.starts_with(b"ICC_PROFILE\0") => Kept::Whole,
        0xEE if payload.starts_with(b"Adobe") && payload.len() == 12 => Kept::Whole,
        0xE0..=0xEF | 0xFE => Kept::Nothing,
        _ => Kept::Whole,
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

    fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
        let mut s = vec![0xFF, marker];
        s.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        s.extend_from_slice(payload);
        s
    }

    fn small_jpeg() -> Vec<u8> {
        let img =
            image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8 * 4, y as u8 * 5, 77]));
        let mut jpeg = Vec::new();
        JpegEncoder::new_with_quality(&mut jpeg, 90)
            .encode_image(&img)
            .unwrap();
        jpeg
    }

    fn contains(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn stripping_keeps_only_jfif_icc_and_adobe_segments() {
        let jpeg = small_jpeg();
        let html = b"<html><script>alert(1)</script></html>";
        let with = |prefix: &[u8]| [prefix, &html[..]].concat();
        let mut jfif_with_thumb = b"JFIF\0\x01\x02\x00\x00\x01\x00\x01\x01\x01".to_vec();
        jfif_with_thumb.extend_from_slice(b"<b>");
        let adobe = b"Adobe\x00\x64\x00\x00\x00\x00\x01".to_vec();
        let icc = with(b"ICC_PROFILE\0\x01\x01");
        let segments = [
            segment(0xE0, &with(b"JFXX\0\x10")),
            segment(0xE0, &jfif_with_thumb),
            segment(0xE2, &with(b"FPXR\0")),
            segment(0xE2, &with(b"MPF\0")),
            segment(0xE2, &icc),
            segment(0xEE, &with(b"Adobe")),
            segment(0xEE, &adobe),
            segment(0xEF, &with(b"")),
            segment(0xE5, &with(b"")),
            segment(0xFE, &with(b"")),
        ];
        let mut tagged = jpeg[..2].to_vec();
        for s in &segments {
            tagged.extend_from_slice(s);
        }
        tagged.extend_from_slice(&jpeg[2..]);
        let stripped = strip_jpeg_metadata(&tagged).unwrap();
        // Only the ICC profile keeps the payload; its bytes belong to the profile.
        assert!(contains(&stripped, &segment(0xE2, &icc)));
        assert!(contains(&stripped, &segment(0xEE, &adobe)));
        assert!(!contains(&stripped, b"JFXX"));
        assert!(!contains(&stripped, b"FPXR"));
        assert!(!contains(&stripped, b"MPF"));
        assert!(
            !contains(&stripped, b"<b>"),
            "the JFIF thumbnail is dropped"
        );
        assert!(contains(
            &stripped,
            b"\xFF\xE0\x00\x10JFIF\0\x01\x02\x00\x00\x01\x00\x01\x00\x00"
        ));
        let html_copies = stripped.windows(html.len()).filter(|w| *w == html).count();
        assert_eq!(html_copies, 1, "only inside the kept ICC segment");
        let a = image::load_from_memory(&stripped).unwrap().to_rgb8();
        let b = image::load_from_memory(&jpeg).unwrap().to_rgb8();
        assert_eq!(a, b);
    }

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
        assert!(!jpeg_is_progressive(&small_jpeg()));
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
