//! JPEG streams read marker by marker: whether a picture is progressive, and a copy without
//! its metadata (EXIF, GPS, comments, …) that keeps every byte decoding needs.

/// Whether a JPEG's frame header (found before the first scan) is progressive (SOF2, SOF6,
/// SOF10, SOF14).
pub fn is_progressive(jpeg: &[u8]) -> bool {
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
pub fn strip_metadata(jpeg: &[u8]) -> Option<Vec<u8>> {
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use image::codecs::jpeg::JpegEncoder;

    fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
        let mut s = vec![0xFF, marker];
        s.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        s.extend_from_slice(payload);
        s
    }

    pub(crate) fn small_jpeg() -> Vec<u8> {
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
        let stripped = strip_metadata(&tagged).unwrap();
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
    fn stripping_a_jpeg_keeps_its_pixels_and_drops_exif_and_comments() {
        let jpeg = small_jpeg();
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
        let stripped = strip_metadata(&tagged).unwrap();
        assert!(!stripped.windows(8).any(|w| w == b"GPS-HERE"));
        assert!(!stripped.windows(10).any(|w| w == b"shot by me"));
        assert_eq!(stripped.len(), jpeg.len(), "only the added segments go");
        let a = image::load_from_memory(&stripped).unwrap().to_rgb8();
        let b = image::load_from_memory(&jpeg).unwrap().to_rgb8();
        assert_eq!(a, b);
        assert_eq!(strip_metadata(&tagged[..tagged.len() / 2]), None);
    }
}
