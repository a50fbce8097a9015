//! The preview's decoded pixels against pictures recorded from the renderer before the glyph
//! cache and the palette encoder (tests/data/render/*.png): every channel of every pixel
//! within 2/255. Re-record (only after a deliberate change of the pictures) with
//! `SIGNBOARD_RECORD_RENDER_FIXTURES=1 cargo test --test render_fixtures`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::sync::OnceLock;

use image::RgbImage;
use signboard::render::{compose, render_png, Fonts};
use signboard::spec::SignSpec;

/// The largest difference allowed on any channel of any pixel.
const TOLERANCE: u8 = 2;

/// Sizes of the PNGs the renderer produced when the fixtures were recorded (the stored files
/// are re-encoded smaller); a new picture may be at most 1.5 times as large.
const RECORDED_SIZES: [(&str, usize); 4] = [
    ("typical", 111_055),
    ("vertical", 119_345),
    ("separate-panels", 112_313),
    ("long", 330_961),
];

fn root() -> PathBuf {
    std::env::var_os("SIGNBOARD_ROOT")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
}

fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| Fonts::load(&root().join("fonts")).unwrap())
}

fn fixture_dir() -> PathBuf {
    root().join("tests/data/render")
}

fn spec(name: &str) -> SignSpec {
    let json = std::fs::read_to_string(fixture_dir().join(format!("{name}.json"))).unwrap();
    serde_json::from_str(&json).unwrap()
}

fn decode(png: &[u8]) -> RgbImage {
    image::load_from_memory_with_format(png, image::ImageFormat::Png)
        .unwrap()
        .to_rgb8()
}

/// The largest channel difference between two pictures of the same size, and where.
fn max_difference(a: &RgbImage, b: &RgbImage) -> (u8, (u32, u32)) {
    assert_eq!(a.dimensions(), b.dimensions());
    let mut worst = (0u8, (0, 0));
    for ((x, y, p), q) in a.enumerate_pixels().zip(b.pixels()) {
        for (c, d) in p.0.iter().zip(q.0) {
            let diff = c.abs_diff(d);
            if diff > worst.0 {
                worst = (diff, (x, y));
            }
        }
    }
    worst
}

/// Stores the pixels losslessly at the best compression (the files live in the repository) and
/// prints the size the renderer produced, for `RECORDED_SIZES`.
fn record(path: &std::path::Path, png: &[u8]) {
    use image::codecs::png::{CompressionType, FilterType, PngEncoder};
    use image::ImageEncoder;
    let img = decode(png);
    let file = std::fs::File::create(path).unwrap();
    PngEncoder::new_with_quality(file, CompressionType::Best, FilterType::Adaptive)
        .write_image(
            img.as_raw(),
            img.width(),
            img.height(),
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
    println!("{}: renderer's PNG {} bytes", path.display(), png.len());
}

fn recorded_size(name: &str) -> usize {
    RECORDED_SIZES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|&(_, size)| size)
        .unwrap()
}

fn check(name: &str) {
    let s = spec(name);
    let layout = compose(&s, fonts());
    let png = render_png(&s, &layout, fonts(), 1200).unwrap();
    let path = fixture_dir().join(format!("{name}.png"));
    if std::env::var_os("SIGNBOARD_RECORD_RENDER_FIXTURES").is_some() {
        record(&path, &png);
        return;
    }
    let expected = decode(&std::fs::read(&path).unwrap());
    // Twice: the second picture is drawn from cached glyph coverage.
    for round in 0..2 {
        let png = render_png(&s, &layout, fonts(), 1200).unwrap();
        let got = decode(&png);
        let (diff, at) = max_difference(&got, &expected);
        println!(
            "{name}: largest difference {diff}/255, {} bytes (recorded {})",
            png.len(),
            recorded_size(name)
        );
        assert!(
            diff <= TOLERANCE,
            "{name} (round {round}): a channel differs by {diff}/255 at {at:?}"
        );
        let recorded = recorded_size(name) as f64;
        assert!(
            png.len() as f64 <= 1.5 * recorded,
            "{name}: {} bytes, more than 1.5 × the recorded {recorded}",
            png.len()
        );
    }
}

#[test]
fn typical_sign_matches_the_recorded_picture() {
    check("typical");
}

#[test]
fn vertical_sign_matches_the_recorded_picture() {
    check("vertical");
}

#[test]
fn separate_panels_match_the_recorded_picture() {
    check("separate-panels");
}

#[test]
fn long_sign_matches_the_recorded_picture() {
    check("long");
}
