//! PNG encoding of a drawn picture: indexed colour when the canvas kept a palette (see
//! `canvas`), RGB otherwise. Deflate is `fdeflate` (the `png` crate's fast compression), which
//! codes runs of zero bytes and small values briefly; rows are filtered with Sub (no adaptive
//! filtering: it costs more than it saves here), so flat areas become runs of zeros.

use png::{BitDepth, ColorType, Compression, Encoder, Filter};

use super::error::RenderError;

/// An indexed PNG of `w × h` palette entries (one byte each, row by row).
pub(crate) fn indexed(
    indices: &[u8],
    w: u32,
    h: u32,
    palette: &[[u8; 3]],
) -> Result<Vec<u8>, RenderError> {
    let mut out = Vec::with_capacity(indices.len() / 8);
    let mut encoder = Encoder::new(&mut out, w, h);
    encoder.set_color(ColorType::Indexed);
    encoder.set_depth(BitDepth::Eight);
    encoder.set_palette(palette.concat());
    encoder.set_compression(Compression::Fast);
    // Sub turns a run of one entry into zeros, which fdeflate codes as a run: the files come
    // out less than half the size of unfiltered indices.
    encoder.set_filter(Filter::Sub);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(indices)?;
    writer.finish()?;
    Ok(out)
}

/// An RGB PNG of `w × h` pixels (three bytes each, row by row).
pub(crate) fn truecolour(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>, RenderError> {
    let mut out = Vec::with_capacity(rgb.len() / 8);
    let mut encoder = Encoder::new(&mut out, w, h);
    encoder.set_color(ColorType::Rgb);
    encoder.set_depth(BitDepth::Eight);
    encoder.set_compression(Compression::Fast);
    encoder.set_filter(Filter::Sub);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(rgb)?;
    writer.finish()?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(png: &[u8]) -> (png::ColorType, Vec<u8>) {
        let mut decoder = png::Decoder::new(std::io::Cursor::new(png));
        decoder.set_transformations(png::Transformations::EXPAND);
        let mut reader = decoder.read_info().unwrap_or_else(|e| panic!("{e}"));
        let colour = reader.info().color_type;
        let mut buf = vec![0; reader.output_buffer_size().unwrap_or(0)];
        let info = reader
            .next_frame(&mut buf)
            .unwrap_or_else(|e| panic!("{e}"));
        buf.truncate(info.buffer_size());
        (colour, buf)
    }

    #[test]
    fn indexed_pictures_decode_to_their_palette_colours() {
        let palette = [[0x8B, 0x1A, 0x1A], [255, 255, 255], [10, 20, 30]];
        let indices: Vec<u8> = (0..40u32 * 30).map(|i| (i % 7 % 3) as u8).collect();
        let png = indexed(&indices, 40, 30, &palette).unwrap_or_else(|e| panic!("{e}"));
        let (colour, rgb) = decode(&png);
        assert_eq!(colour, png::ColorType::Indexed);
        let expected: Vec<u8> = indices
            .iter()
            .flat_map(|&i| palette[usize::from(i)])
            .collect();
        assert_eq!(rgb, expected);
    }

    #[test]
    fn rgb_pictures_decode_exactly() {
        let rgb: Vec<u8> = (0..64u32 * 64)
            .flat_map(|i| [(i % 256) as u8, (i / 16) as u8, (i * 7 % 256) as u8])
            .collect();
        let png = truecolour(&rgb, 64, 64).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(decode(&png), (png::ColorType::Rgb, rgb));
    }
}
