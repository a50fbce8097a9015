//! The glyph coverage cache: pictures drawn from it match pictures drawn without it, hits are
//! counted, a small cache evicts and stays within its bound, and concurrent renders of the
//! same glyphs agree.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::sync::Arc;

use image::RgbImage;
use signboard::render::{compose, render_png, Fonts, GlyphCache};
use signboard::spec::SignSpec;

fn root() -> PathBuf {
    std::env::var_os("SIGNBOARD_ROOT")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
}

fn fonts(cache: GlyphCache) -> Fonts {
    Fonts::load(&root().join("fonts"))
        .unwrap()
        .with_glyph_cache(cache)
}

fn spec(name: &str) -> SignSpec {
    let path = root().join(format!("tests/data/render/{name}.json"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn draw(fonts: &Fonts, name: &str) -> Vec<u8> {
    let s = spec(name);
    let layout = compose(&s, fonts);
    render_png(&s, &layout, fonts, 1200).unwrap()
}

fn decode(png: &[u8]) -> RgbImage {
    image::load_from_memory_with_format(png, image::ImageFormat::Png)
        .unwrap()
        .to_rgb8()
}

fn max_difference(a: &RgbImage, b: &RgbImage) -> u8 {
    assert_eq!(a.dimensions(), b.dimensions());
    a.as_raw()
        .iter()
        .zip(b.as_raw())
        .map(|(x, y)| x.abs_diff(*y))
        .max()
        .unwrap_or(0)
}

#[test]
fn pictures_from_the_cache_match_pictures_without_it() {
    let exact = fonts(GlyphCache::disabled());
    let cached = fonts(GlyphCache::default());
    for name in ["typical", "vertical", "separate-panels", "long"] {
        let without = decode(&draw(&exact, name));
        let first = draw(&cached, name);
        let second = draw(&cached, name);
        assert_eq!(
            first, second,
            "{name}: a cached re-draw changed the picture"
        );
        let diff = max_difference(&decode(&first), &without);
        assert!(diff <= 2, "{name}: {diff}/255 from the uncached picture");
    }
    assert_eq!(exact.glyph_cache().stats().entries, 0);
}

#[test]
fn a_second_picture_is_drawn_from_cache_hits() {
    let f = fonts(GlyphCache::default());
    draw(&f, "typical");
    let first = f.glyph_cache().stats();
    assert!(first.misses > 20, "{first:?}");
    assert_eq!(first.entries as u64, first.misses);
    draw(&f, "typical");
    let second = f.glyph_cache().stats();
    assert_eq!(
        second.misses, first.misses,
        "the same glyphs were rasterized again"
    );
    assert_eq!(second.hits - first.hits, first.hits + first.misses);
    assert!(second.bytes <= second.limit_bytes);
}

#[test]
fn a_small_cache_evicts_and_stays_within_its_bound() {
    let limit = 64 * 1024;
    let f = fonts(GlyphCache::new(limit));
    let roomy = fonts(GlyphCache::default());
    for name in ["long", "typical", "long"] {
        let small = decode(&draw(&f, name));
        let stats = f.glyph_cache().stats();
        assert!(stats.bytes <= limit, "{stats:?}");
        assert!(stats.entries > 0, "{stats:?}");
        assert_eq!(small, decode(&draw(&roomy, name)), "{name}");
    }
    let stats = f.glyph_cache().stats();
    assert!(stats.evictions > 0, "{stats:?}");
    assert!(roomy.glyph_cache().stats().bytes > limit);
}

#[test]
fn concurrent_renders_of_the_same_glyphs_agree() {
    let f = Arc::new(fonts(GlyphCache::default()));
    let threads: Vec<_> = (0..6)
        .map(|_| {
            let f = Arc::clone(&f);
            std::thread::spawn(move || (0..3).map(|_| draw(&f, "long")).collect::<Vec<_>>())
        })
        .collect();
    let pictures: Vec<Vec<u8>> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    let alone = draw(&fonts(GlyphCache::default()), "long");
    for p in &pictures {
        assert_eq!(p, &alone);
    }
    let stats = f.glyph_cache().stats();
    assert!(stats.hits > stats.misses, "{stats:?}");
}
