//! The rules this engine implements (`META`): for each rule of docs/rules.md, where it is
//! enforced and the findings it can emit. A profile is validated against this table.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where a rule is enforced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EnforcedBy {
    /// By [`check`](super::check): findings on the sign spec.
    Check,
    /// By the upload handler (rejected with 413/415/422), not as a finding.
    Upload,
    /// By the review workflow (approval gate), not as a finding.
    Workflow,
}

/// One finding the engine can emit: the profile key of its message, the stable code it
/// carries, and the placeholders the engine fills in.
pub(crate) struct MsgMeta {
    pub key: &'static str,
    pub code: &'static str,
    pub params: &'static [&'static str],
}

pub(crate) struct RuleMeta {
    pub id: &'static str,
    pub enforced_by: EnforcedBy,
    pub messages: &'static [MsgMeta],
}

const fn m(key: &'static str, code: &'static str, params: &'static [&'static str]) -> MsgMeta {
    MsgMeta { key, code, params }
}

const RATIO: &[&str] = &["measured", "min", "max"];

/// Every rule of docs/rules.md in catalogue order; findings are reported in this order.
pub(crate) const META: &[RuleMeta] = &[
    RuleMeta {
        id: "R1",
        enforced_by: EnforcedBy::Check,
        messages: &[
            m("missing_mn", "missing_mn", &[]),
            m("missing_zh", "missing_zh", &[]),
            m("translation_pending", "translation_pending", &[]),
        ],
    },
    RuleMeta {
        id: "R2",
        enforced_by: EnforcedBy::Check,
        messages: &[
            m("cyrillic", "cyrillic", &["chars"]),
            m("latin", "latin", &["chars"]),
            m("han", "han", &["chars"]),
            m("other", "other", &["chars"]),
        ],
    },
    RuleMeta {
        id: "R2a",
        enforced_by: EnforcedBy::Check,
        messages: &[
            m("fvs_orphan", "fvs_orphan", &["positions"]),
            m("mvs_misplaced", "mvs_misplaced", &["positions"]),
            m("nnbsp_misplaced", "nnbsp_misplaced", &["positions"]),
            m("unrenderable", "unrenderable", &[]),
        ],
    },
    RuleMeta {
        id: "T1",
        enforced_by: EnforcedBy::Check,
        messages: &[
            m("zh_traditional", "zh_traditional", &["pairs"]),
            m("zh_nonstandard", "zh_nonstandard", &["chars"]),
        ],
    },
    RuleMeta {
        id: "T2",
        enforced_by: EnforcedBy::Check,
        messages: &[
            m("zh_foreign_script", "zh_foreign_script", &["chars"]),
            m("foreign_in_zh", "foreign_in_zh", &["chars"]),
        ],
    },
    RuleMeta {
        id: "R15",
        enforced_by: EnforcedBy::Check,
        messages: &[m("banned_term", "banned_term", &["field", "term"])],
    },
    RuleMeta {
        id: "T3",
        enforced_by: EnforcedBy::Check,
        messages: &[m("term_mismatch", "term_mismatch", &["term", "expected"])],
    },
    RuleMeta {
        id: "R3",
        enforced_by: EnforcedBy::Check,
        messages: &[m("order", "order", &[])],
    },
    RuleMeta {
        id: "R4",
        enforced_by: EnforcedBy::Check,
        messages: &[
            m("order", "order", &[]),
            m("orientation", "orientation", &["blocks"]),
        ],
    },
    RuleMeta {
        id: "R5",
        enforced_by: EnforcedBy::Check,
        messages: &[m("arrangement_unsupported", "arrangement_unsupported", &[])],
    },
    RuleMeta {
        id: "R6",
        enforced_by: EnforcedBy::Check,
        messages: &[
            m("order", "order", &[]),
            m("area_ratio", "area_ratio", RATIO),
            m("area_ratio_far", "area_ratio", RATIO),
        ],
    },
    RuleMeta {
        id: "R7",
        enforced_by: EnforcedBy::Check,
        messages: &[
            m("size_ratio", "size_ratio", RATIO),
            m("size_ratio_far", "size_ratio", RATIO),
            m("area_ratio", "area_ratio", RATIO),
            m("area_ratio_far", "area_ratio", RATIO),
        ],
    },
    RuleMeta {
        id: "R9",
        enforced_by: EnforcedBy::Check,
        messages: &[m("top_align", "top_align", &["offset", "max"])],
    },
    RuleMeta {
        id: "R10",
        enforced_by: EnforcedBy::Check,
        messages: &[m("materials", "materials", &["differences"])],
    },
    RuleMeta {
        id: "R13",
        enforced_by: EnforcedBy::Check,
        messages: &[
            m("foreign_order", "foreign_order", &[]),
            m("foreign_size", "foreign_size", &["measured", "max"]),
        ],
    },
    RuleMeta {
        id: "L1",
        enforced_by: EnforcedBy::Check,
        messages: &[
            m(
                "overflow",
                "overflow",
                &["block", "along", "across", "box_along", "box_across"],
            ),
            m(
                "overflow_stretch",
                "overflow",
                &["block", "measured", "min", "max"],
            ),
        ],
    },
    RuleMeta {
        id: "L2",
        enforced_by: EnforcedBy::Check,
        messages: &[
            m("bounds", "bounds", &["block", "width", "height"]),
            m("overlap", "overlap", &[]),
        ],
    },
    RuleMeta {
        id: "I1",
        enforced_by: EnforcedBy::Upload,
        messages: &[],
    },
    RuleMeta {
        id: "I2",
        enforced_by: EnforcedBy::Upload,
        messages: &[],
    },
    RuleMeta {
        id: "I3",
        enforced_by: EnforcedBy::Check,
        messages: &[m(
            "design_aspect",
            "design_aspect",
            &["index", "measured", "sign_aspect"],
        )],
    },
    RuleMeta {
        id: "I4",
        enforced_by: EnforcedBy::Check,
        messages: &[m(
            "design_resolution",
            "design_resolution",
            &["index", "measured", "min"],
        )],
    },
    RuleMeta {
        id: "R11",
        enforced_by: EnforcedBy::Workflow,
        messages: &[],
    },
    RuleMeta {
        id: "R12",
        enforced_by: EnforcedBy::Workflow,
        messages: &[],
    },
];
