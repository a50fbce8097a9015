//! Layout rules: R3, R4, R5, R6, R7, R9, R10, R13, L1, L2 — arithmetic on the blocks' boxes
//! and on the text extents measured with the shipped fonts.

use super::validate::script_name;
use super::{fmt2, fmt_mm, num, range, Band, Detail, Findings};
use crate::spec::{Arrangement, Block, Fit, Orientation, Script, SignSpec, TextMeasurer};
use serde_json::json;

/// Boxes touching within this many millimetres count as touching, not overlapping.
const EPS_MM: f64 = 1e-6;

/// A block with its text measured.
struct Placed<'a> {
    block: &'a Block,
    index: usize,
    /// The text is empty (a pending translation): it has no extent to judge.
    empty: bool,
    /// Natural longest line, mm.
    natural: f64,
    lines: usize,
}

impl Placed<'_> {
    fn field(&self) -> String {
        format!("layout.blocks[{}]", self.index)
    }

    /// The stretch factor of a `stretch` block (None when the text has no length).
    fn factor(&self) -> Option<f64> {
        match self.block.fit {
            Fit::None => Some(1.0),
            Fit::Stretch if self.natural > 0.0 => Some(self.block.line_axis_len() / self.natural),
            Fit::Stretch => None,
        }
    }

    fn along(&self) -> f64 {
        self.natural * self.factor().unwrap_or(1.0)
    }

    fn across(&self) -> f64 {
        if self.empty {
            return 0.0;
        }
        self.block.font_size_mm * (1.0 + 1.2 * (self.lines.max(1) as f64 - 1.0))
    }

    fn extent_area(&self) -> f64 {
        self.along() * self.across()
    }
}

fn place<'a>(
    spec: &SignSpec,
    measurer: &dyn TextMeasurer,
    index: usize,
    block: &'a Block,
) -> Placed<'a> {
    let text = spec.block_text(block);
    let empty = text.trim().is_empty();
    let (natural, lines) = if empty {
        (0.0, 0)
    } else {
        let m = measurer.measure(block.script, text, block.orientation, block.font_size_mm);
        let natural = m
            .line_lengths_mm
            .iter()
            .copied()
            .filter(|v| v.is_finite())
            .fold(0.0, f64::max);
        (natural, m.line_lengths_mm.len().max(1))
    };
    Placed {
        block,
        index,
        empty,
        natural,
        lines,
    }
}

pub(crate) fn check(spec: &SignSpec, measurer: &dyn TextMeasurer, out: &mut Findings<'_>) {
    if spec.sign.arrangement == Arrangement::Ring {
        out.push("R5", "arrangement_unsupported", Detail::default());
    }
    let Some(layout) = &spec.layout else {
        return;
    };
    let placed: Vec<Placed<'_>> = layout
        .blocks
        .iter()
        .enumerate()
        .map(|(i, b)| place(spec, measurer, i, b))
        .collect();
    let first = |script: Script| placed.iter().find(|p| p.block.script == script);
    let mn = first(Script::Mn);
    let zh = first(Script::Zh);
    let foreign = first(Script::Foreign).filter(|p| !p.empty);
    let arrangement = spec.sign.arrangement;

    if let (Some(mn), Some(zh)) = (mn, zh) {
        check_pair(spec, mn, zh, out);
    }
    if let Some(f) = foreign {
        if arrangement != Arrangement::Ring {
            r13(f, mn, zh, out);
        }
    }
    if arrangement != Arrangement::Ring {
        for p in &placed {
            l1(p, out);
        }
    }
    l2(spec, &placed, mn, zh, out);
}

/// The rules between the first Mongolian and the first Chinese block: order and orientation
/// for the arrangement (R3, R4, R6), size and area ratios (R7), alignment (R9) and R10.
fn check_pair(spec: &SignSpec, mn: &Placed<'_>, zh: &Placed<'_>, out: &mut Findings<'_>) {
    let (m, z) = (mn.block, zh.block);
    let arrangement = spec.sign.arrangement;
    match arrangement {
        Arrangement::Horizontal => {
            if !(above(m, z) || before(m, z)) {
                out.push("R3", "order", pair_detail());
            }
        }
        Arrangement::Vertical => r4(mn, zh, out),
        Arrangement::SeparatePanels => {
            if !(above(m, z) || before(m, z)) {
                out.push("R6", "order", pair_detail());
            }
            let ratio = (m.w * m.h) / (z.w * z.h);
            ratio_finding(out, "R6", "area_ratio", "area_ratio_far", ratio);
        }
        Arrangement::Ring => {}
    }

    let s = m.font_size_mm / z.font_size_mm;
    ratio_finding(out, "R7", "size_ratio", "size_ratio_far", s);
    if !mn.empty && !zh.empty && arrangement != Arrangement::Ring {
        let a = mn.extent_area() / zh.extent_area();
        ratio_finding(out, "R7", "area_ratio", "area_ratio_far", a);
    }
    if arrangement != Arrangement::Ring {
        r9(spec, mn, zh, out);
    }
    r10(spec, m, z, out);
}

/// R4: on a vertical sign the Mongolian comes first and both texts run vertically.
fn r4(mn: &Placed<'_>, zh: &Placed<'_>, out: &mut Findings<'_>) {
    if !before(mn.block, zh.block) {
        out.push("R4", "order", pair_detail());
    }
    let horizontal: Vec<&str> = [mn, zh]
        .iter()
        .filter(|p| p.block.orientation != Orientation::Vertical)
        .map(|p| script_name(p.block.script))
        .collect();
    if !horizontal.is_empty() {
        out.push(
            "R4",
            "orientation",
            Detail {
                params: &[("blocks", horizontal.join("和"))],
                ..Detail::default()
            },
        );
    }
}

fn pair_detail() -> Detail<'static> {
    Detail {
        field: Some("layout.blocks".into()),
        ..Detail::default()
    }
}

/// `a` lies wholly above `b`.
fn above(a: &Block, b: &Block) -> bool {
    a.y + a.h <= b.y + EPS_MM
}

/// `a` lies wholly left of `b`.
fn before(a: &Block, b: &Block) -> bool {
    a.x + a.w <= b.x + EPS_MM
}

fn ratio_finding(
    out: &mut Findings<'_>,
    rule: &'static str,
    near: &'static str,
    far: &'static str,
    ratio: f64,
) {
    let t = out.profile().thresholds();
    let (pass, warn) = (t.ratio_pass, t.ratio_warn);
    if !ratio.is_finite() || pass.contains(ratio) {
        return;
    }
    let key = if warn.contains(ratio) { near } else { far };
    out.push(
        rule,
        key,
        Detail {
            field: Some("layout.blocks".into()),
            params: &[
                ("measured", fmt2(ratio)),
                ("min", fmt2(pass.min)),
                ("max", fmt2(pass.max)),
            ],
            measured: Some(num(ratio, 4)),
            expected: Some(range(pass)),
        },
    );
}

/// R9: side by side (apart horizontally, overlapping vertically), the tops align.
fn r9(spec: &SignSpec, mn: &Placed<'_>, zh: &Placed<'_>, out: &mut Findings<'_>) {
    let (m, z) = (mn.block, zh.block);
    let apart = before(m, z) || before(z, m);
    let stacked = above(m, z) || above(z, m);
    let horizontal = spec.sign.arrangement == Arrangement::Horizontal
        || m.orientation == Orientation::Horizontal;
    if !(apart && !stacked && horizontal) {
        return;
    }
    let max = out.profile().thresholds().top_align_fraction * spec.sign.height_mm;
    let offset = (m.y - z.y).abs();
    if offset > max + EPS_MM {
        out.push(
            "R9",
            "top_align",
            Detail {
                field: Some("layout.blocks".into()),
                params: &[("offset", fmt_mm(offset)), ("max", fmt_mm(max))],
                measured: Some(num(offset, 2)),
                expected: Some(json!({ "max": max })),
            },
        );
    }
}

fn r10(spec: &SignSpec, m: &Block, z: &Block, out: &mut Findings<'_>) {
    let material = |b: &Block| {
        b.material
            .as_deref()
            .or(spec.sign.material.as_deref())
            .map(str::trim)
            .map(str::to_lowercase)
    };
    let lit = |b: &Block| b.illuminated.or(spec.sign.illuminated);
    let mut diff = Vec::new();
    if m.color != z.color {
        diff.push("颜色");
    }
    if material(m) != material(z) {
        diff.push("材质");
    }
    if lit(m) != lit(z) {
        diff.push("发光（灯光）");
    }
    if diff.is_empty() {
        return;
    }
    out.push(
        "R10",
        "materials",
        Detail {
            field: Some("layout.blocks".into()),
            params: &[("differences", diff.join("、"))],
            measured: Some(json!({
                "mn": { "color": m.color, "material": material(m), "illuminated": lit(m) },
                "zh": { "color": z.color, "material": material(z), "illuminated": lit(z) },
            })),
            expected: None,
        },
    );
}

fn r13(f: &Placed<'_>, mn: Option<&Placed<'_>>, zh: Option<&Placed<'_>>, out: &mut Findings<'_>) {
    let others: Vec<&Block> = [mn, zh].into_iter().flatten().map(|p| p.block).collect();
    let fb = f.block;
    if !others.iter().all(|o| above(o, fb) || before(o, fb)) {
        out.push(
            "R13",
            "foreign_order",
            Detail {
                field: Some(f.field()),
                ..Detail::default()
            },
        );
    }
    let max = others
        .iter()
        .map(|o| o.font_size_mm)
        .fold(f64::INFINITY, f64::min);
    if max.is_finite() && fb.font_size_mm > max + EPS_MM {
        out.push(
            "R13",
            "foreign_size",
            Detail {
                field: Some(f.field()),
                params: &[("measured", fmt_mm(fb.font_size_mm)), ("max", fmt_mm(max))],
                measured: Some(num(fb.font_size_mm, 2)),
                expected: Some(json!({ "max": max })),
            },
        );
    }
}

fn l1(p: &Placed<'_>, out: &mut Findings<'_>) {
    if p.empty {
        return;
    }
    let name = script_name(p.block.script);
    let stretch: Band = out.profile().thresholds().stretch;
    if p.block.fit == Fit::Stretch {
        if let Some(factor) = p.factor() {
            if !stretch.contains(factor) {
                out.push(
                    "L1",
                    "overflow_stretch",
                    Detail {
                        field: Some(p.field()),
                        params: &[
                            ("block", name.to_string()),
                            ("measured", fmt2(factor)),
                            ("min", fmt2(stretch.min)),
                            ("max", fmt2(stretch.max)),
                        ],
                        measured: Some(json!({ "stretch_factor": num(factor, 4) })),
                        expected: Some(json!({ "stretch_factor": range(stretch) })),
                    },
                );
            }
        }
    }
    let (along, across) = (p.along(), p.across());
    let (box_along, box_across) = (p.block.line_axis_len(), p.block.cross_axis_len());
    let fits = |v: f64, room: f64| v <= room * (1.0 + 1e-9) + EPS_MM;
    if !(fits(along, box_along) && fits(across, box_across)) {
        out.push(
            "L1",
            "overflow",
            Detail {
                field: Some(p.field()),
                params: &[
                    ("block", name.to_string()),
                    ("along", fmt_mm(along)),
                    ("across", fmt_mm(across)),
                    ("box_along", fmt_mm(box_along)),
                    ("box_across", fmt_mm(box_across)),
                ],
                measured: Some(json!({ "along_mm": num(along, 2), "across_mm": num(across, 2) })),
                expected: Some(
                    json!({ "along_mm": { "max": box_along }, "across_mm": { "max": box_across } }),
                ),
            },
        );
    }
}

fn l2(
    spec: &SignSpec,
    placed: &[Placed<'_>],
    mn: Option<&Placed<'_>>,
    zh: Option<&Placed<'_>>,
    out: &mut Findings<'_>,
) {
    let (w, h) = (spec.sign.width_mm, spec.sign.height_mm);
    for p in placed {
        let b = p.block;
        let inside =
            b.x >= -EPS_MM && b.y >= -EPS_MM && b.x + b.w <= w + EPS_MM && b.y + b.h <= h + EPS_MM;
        if !inside {
            out.push(
                "L2",
                "bounds",
                Detail {
                    field: Some(p.field()),
                    params: &[
                        ("block", script_name(b.script).to_string()),
                        ("width", fmt_mm(w)),
                        ("height", fmt_mm(h)),
                    ],
                    measured: Some(json!({ "x": b.x, "y": b.y, "w": b.w, "h": b.h })),
                    expected: Some(json!({ "x": { "min": 0.0 }, "y": { "min": 0.0 },
                        "right": { "max": w }, "bottom": { "max": h } })),
                },
            );
        }
    }
    if let (Some(m), Some(z)) = (mn, zh) {
        let (m, z) = (m.block, z.block);
        let apart = above(m, z) || above(z, m) || before(m, z) || before(z, m);
        if !apart {
            out.push("L2", "overlap", pair_detail());
        }
    }
}
