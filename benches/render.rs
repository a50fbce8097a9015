//! Preview renderer benchmarks: a typical sign (10 Mongolian words, 8 hanzi) at 1200×400 px
//! (shape + rasterize + PNG encode; with the glyph coverage cache warm, as in the service, and
//! without a cache), font loading, and composing a layout.
//! Run: `cargo bench --bench render` (set SIGNBOARD_ROOT to read the fonts from elsewhere).

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion};
use signboard::render::{compose, render_png, Fonts, GlyphCache};
use signboard::spec::SignSpec;

fn fonts_dir() -> PathBuf {
    std::env::var_os("SIGNBOARD_ROOT")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
        .join("fonts")
}

fn typical_sign() -> SignSpec {
    let json = r##"{"sign": {"kind": "shop_plaque", "width_mm": 6000, "height_mm": 2000,
        "arrangement": "horizontal", "material": "acrylic", "illuminated": true,
        "background": "#8B1A1A"},
      "texts": {"mn": "ᠨᠠᠢᠮᠠᠨ ᠬᠣᠰᠢᠭᠤ ᠤ ᠦᠨᠳᠦᠰᠦᠲᠡᠨ ᠦ ᠬᠣᠳᠠᠯᠳᠤᠭᠠ ᠶᠢᠨ ᠲᠥᠪ ᠬᠣᠲᠠ ᠳᠡᠯᠭᠡᠭᠦᠷ",
                "zh": "奈曼旗民族商贸城"}}"##;
    serde_json::from_str(json).unwrap_or_else(|e| panic!("bench spec: {e}"))
}

/// 40 hanzi and about 120 Mongolian letters on a 2000×1500 mm sign: the composer breaks
/// both texts into four lines.
fn long_sign() -> SignSpec {
    let json = r##"{"sign": {"kind": "shop_plaque", "width_mm": 2000, "height_mm": 1500,
        "arrangement": "horizontal", "material": "acrylic", "illuminated": true,
        "background": "#8B1A1A"},
      "texts": {"mn": "ᠨᠠᠢᠮᠠᠨ ᠬᠣᠰᠢᠭᠤ ᠤ ᠦᠨᠳᠦᠰᠦᠲᠡᠨ ᠦ ᠬᠣᠳᠠᠯᠳᠤᠭᠠ ᠶᠢᠨ ᠲᠥᠪ ᠬᠣᠲᠠ ᠳᠡᠯᠭᠡᠭᠦᠷ ᠮᠣᠩᠭᠣᠯ ᠬᠡᠯᠡ ᠪᠢᠴᠢᠭ ᠤᠨ ᠬᠣᠰ ᠬᠡᠯᠡᠨ ᠦ ᠲᠡᠮᠳᠡᠭ ᠦᠨ ᠦᠯᠦᠭᠡᠷ ᠳᠡᠯᠭᠡᠭᠦᠷ ᠦᠢᠯᠡᠴᠢᠯᠡᠭᠡᠨ ᠦ ᠲᠥᠪ",
                "zh": "内蒙古自治区通辽市奈曼旗大沁他拉镇民族商贸城蒙汉双语标识牌示范店铺综合服务中心站"}}"##;
    serde_json::from_str(json).unwrap_or_else(|e| panic!("bench spec: {e}"))
}

fn bench(c: &mut Criterion) {
    let dir = fonts_dir();
    let fonts = Fonts::load(&dir).unwrap_or_else(|e| panic!("{e}"));
    let spec = typical_sign();
    let layout = compose(&spec, &fonts);

    c.bench_function("render_png 1200x400 (shape + rasterize + encode)", |b| {
        b.iter(|| render_png(black_box(&spec), black_box(&layout), &fonts, 1200))
    });
    let uncached = Fonts::load(&dir)
        .unwrap_or_else(|e| panic!("{e}"))
        .with_glyph_cache(GlyphCache::disabled());
    c.bench_function("render_png 1200x400, no glyph cache", |b| {
        b.iter(|| render_png(black_box(&spec), black_box(&layout), &uncached, 1200))
    });
    c.bench_function("compose typical sign", |b| {
        b.iter(|| compose(black_box(&spec), &fonts))
    });
    let long = long_sign();
    c.bench_function(
        "compose long sign (40 hanzi, 120 letters, broken into lines)",
        |b| b.iter(|| compose(black_box(&long), &fonts)),
    );
    c.bench_function("Fonts::load (read + sha256 + parse)", |b| {
        b.iter(|| Fonts::load(black_box(&dir)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
