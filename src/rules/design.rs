//! Design image rules that judge content already decoded: I3 (aspect ratio matches the sign)
//! and I4 (resolution). I1 and I2 are enforced by the upload handler.

use super::{fmt2, num, Detail, Findings};
use crate::spec::{DesignInfo, SignSpec};
use serde_json::json;

pub(crate) fn check(spec: &SignSpec, designs: &[DesignInfo], out: &mut Findings<'_>) {
    let t = out.profile().thresholds();
    let (tolerance, min_long) = (t.design_aspect_tolerance, t.design_min_long_side_px);
    let sign_aspect = spec.sign.width_mm / spec.sign.height_mm;
    for (i, d) in designs.iter().enumerate() {
        if d.width_px == 0 || d.height_px == 0 {
            continue;
        }
        let aspect = f64::from(d.width_px) / f64::from(d.height_px);
        if sign_aspect.is_finite() && sign_aspect > 0.0 {
            let (lo, hi) = (
                sign_aspect * (1.0 - tolerance),
                sign_aspect * (1.0 + tolerance),
            );
            if !(aspect >= lo * (1.0 - 1e-9) && aspect <= hi * (1.0 + 1e-9)) {
                out.push(
                    "I3",
                    "design_aspect",
                    Detail {
                        field: Some(format!("designs[{i}]")),
                        params: &[
                            ("index", (i + 1).to_string()),
                            ("measured", fmt2(aspect)),
                            ("sign_aspect", fmt2(sign_aspect)),
                        ],
                        measured: Some(num(aspect, 4)),
                        expected: Some(json!({ "min": num(lo, 4), "max": num(hi, 4) })),
                    },
                );
            }
        }
        let long = d.width_px.max(d.height_px);
        if long < min_long {
            out.push(
                "I4",
                "design_resolution",
                Detail {
                    field: Some(format!("designs[{i}]")),
                    params: &[
                        ("index", (i + 1).to_string()),
                        ("measured", long.to_string()),
                        ("min", min_long.to_string()),
                    ],
                    measured: Some(json!(long)),
                    expected: Some(json!({ "min": min_long })),
                },
            );
        }
    }
}
