//! The rules of `docs/rules.md`: the rule profile (thresholds, severities, sources, messages, as
//! data) and every check, as pure functions from a sign spec to findings. No database, no
//! HTTP, no fonts: text is measured through the [`TextMeasurer`] the renderer implements, so
//! the preview and the checks never disagree.
//!
//! Flow: [`validate`] rejects a structurally broken spec (a 422 for the caller); [`check`]
//! reports every finding at once, in catalogue order, with the [`Verdict`].

mod catalogue;
mod design;
mod hanzi;
mod layout;
mod meta;
mod notices;
mod profile;
mod terms;
mod text;
mod validate;

pub use catalogue::{catalogue, Catalogue, CatalogueCode, CatalogueRule, CatalogueSource};
pub(crate) use hanzi::is_han;
pub use notices::{NoticeTemplate, NOTICE_PLACEHOLDERS, SMS_CHARS};
pub use profile::{Band, EnforcedBy, Profile, ProfileError, Source, Thresholds};
pub use terms::{key_lengths, segment, squeeze_spaces, Piece, TermBase};
pub(crate) use text::{is_cyrillic, is_latin_letter, is_mongolian_letter};
pub use validate::{has_control_chars, validate, InvalidField, ValidSpec};

use crate::spec::{DesignInfo, Finding, SignSpec, TextMeasurer, Verdict};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

/// Which profile (and version) produced a report; stored with every revision so that a later
/// profile change never rewrites past findings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ProfileRef {
    pub id: String,
    pub version: String,
}

impl ProfileRef {
    pub fn of(profile: &Profile) -> ProfileRef {
        ProfileRef {
            id: profile.id().to_string(),
            version: profile.version().to_string(),
        }
    }
}

/// The result of a check: every finding and the verdict they add up to.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Report {
    pub verdict: Verdict,
    pub findings: Vec<Finding>,
    pub profile: ProfileRef,
}

/// Every rule at once, findings in catalogue order (R1, R2, R2a, T1, T2, R15, T3, R3 … L2,
/// I3, I4); T3 runs only with terms ([`check_with_terms`]). Layout rules are skipped when
/// `spec.layout` is `None` (the caller composes a layout first); R5 judges the arrangement and
/// runs either way.
///
/// Expects a spec that passed [`validate`]; on any other spec it still returns a report and
/// never panics, but the findings may be meaningless.
pub fn check(
    spec: &SignSpec,
    designs: &[DesignInfo],
    measurer: &dyn TextMeasurer,
    profile: &Profile,
) -> Report {
    check_with_terms(spec, designs, measurer, profile, &TermBase::default())
}

/// [`check`] with the commission's approved terms, so that T3 runs too.
pub fn check_with_terms(
    spec: &SignSpec,
    designs: &[DesignInfo],
    measurer: &dyn TextMeasurer,
    profile: &Profile,
    terms: &TermBase,
) -> Report {
    let mut out = Findings::new(profile);
    text::check(spec, measurer, &mut out);
    terms::t3(spec, terms, &mut out);
    layout::check(spec, measurer, &mut out);
    design::check(spec, designs, &mut out);
    let findings = out.finish();
    Report {
        verdict: Verdict::of(&findings),
        findings,
        profile: ProfileRef::of(profile),
    }
}

/// The findings of R2 and R2a on a Mongolian text alone (a term of the term base): what the
/// sign's Mongolian would be refused or warned for, and whether the shipped font draws it.
pub fn mongolian_findings(
    mn: &str,
    measurer: &dyn TextMeasurer,
    profile: &Profile,
) -> Vec<Finding> {
    let mut out = Findings::new(profile);
    text::mongolian(mn, measurer, &mut out);
    out.finish()
}

/// Checks the data the rules are built on: the embedded profile, the 《通用规范汉字表》 list
/// and OpenCC's table. Call once at start-up; an `Err` names what is broken.
pub fn self_test() -> Result<(), String> {
    let _ = Profile::nmg();
    let n = hanzi::standard_count();
    if n != 8105 {
        return Err(format!(
            "通用规范汉字表 holds {n} characters, expected 8105"
        ));
    }
    if !hanzi::t2s_loaded() {
        return Err("OpenCC traditional-to-simplified table failed to load".to_string());
    }
    Ok(())
}

/// Collects findings, turning a rule id and message key into a [`Finding`] with the profile's
/// severity and words.
pub(crate) struct Findings<'p> {
    profile: &'p Profile,
    list: Vec<(usize, Finding)>,
}

/// What a check knows about one finding besides its rule and message key.
#[derive(Default)]
pub(crate) struct Detail<'a> {
    pub field: Option<String>,
    pub params: &'a [(&'a str, String)],
    pub measured: Option<Value>,
    pub expected: Option<Value>,
}

impl<'p> Findings<'p> {
    fn new(profile: &'p Profile) -> Self {
        Findings {
            profile,
            list: Vec::new(),
        }
    }

    pub fn profile(&self) -> &'p Profile {
        self.profile
    }

    pub fn push(&mut self, rule: &'static str, key: &'static str, detail: Detail<'_>) {
        let Some(rank) = profile::META.iter().position(|r| r.id == rule) else {
            tracing::error!(rule, "finding for a rule missing from the rule table");
            return;
        };
        let Some(code) = profile::META[rank]
            .messages
            .iter()
            .find(|m| m.key == key)
            .map(|m| m.code)
        else {
            tracing::error!(
                rule,
                key,
                "finding with a message key missing from the rule table"
            );
            return;
        };
        // A validated profile has every (rule, key) of META.
        let Some(msg) = self.profile.rule(rule).and_then(|r| r.messages.get(key)) else {
            tracing::error!(
                rule,
                key,
                "profile lacks a message it was validated to have"
            );
            return;
        };
        let message_mn = if msg.message_mn.trim().is_empty() {
            None
        } else {
            Some(profile::fill(&msg.message_mn, detail.params))
        };
        self.list.push((
            rank,
            Finding {
                rule: rule.to_string(),
                severity: msg.severity,
                code: code.to_string(),
                message: profile::fill(&msg.message, detail.params),
                message_mn,
                field: detail.field,
                measured: detail.measured,
                expected: detail.expected,
            },
        ));
    }

    fn finish(mut self) -> Vec<Finding> {
        // Stable: findings of one rule keep the order they were found in.
        self.list.sort_by_key(|(rank, _)| *rank);
        self.list.into_iter().map(|(_, f)| f).collect()
    }
}

/// A JSON number rounded for display in `measured`; non-finite numbers become `null`.
pub(crate) fn num(v: f64, decimals: i32) -> Value {
    let p = 10f64.powi(decimals);
    let r = (v * p).round() / p;
    serde_json::Number::from_f64(r).map_or(Value::Null, Value::Number)
}

/// `{"min": …, "max": …}`.
pub(crate) fn range(b: Band) -> Value {
    serde_json::json!({ "min": b.min, "max": b.max })
}

/// A number as a merchant reads it in a message.
pub(crate) fn fmt2(v: f64) -> String {
    format!("{v:.2}")
}

/// Millimetres in a message: whole when whole, else one decimal.
pub(crate) fn fmt_mm(v: f64) -> String {
    if (v - v.round()).abs() < 0.05 {
        format!("{:.0}", v.round())
    } else {
        format!("{v:.1}")
    }
}

/// The list of offending characters as quoted in a message: deduplicated, in order, at most
/// a handful.
pub(crate) fn quote_chars(chars: &[char]) -> String {
    const MAX: usize = 10;
    let mut seen: Vec<char> = Vec::new();
    for &c in chars {
        if !seen.contains(&c) {
            seen.push(c);
        }
    }
    let mut s: Vec<String> = seen.iter().take(MAX).map(|c| display_char(*c)).collect();
    if seen.len() > MAX {
        s.push("…".to_string());
    }
    s.join("、")
}

/// A character quoted for a message; invisible ones by their code point.
pub(crate) fn display_char(c: char) -> String {
    if c.is_whitespace() || c.is_control() || is_format(c) {
        format!("「U+{:04X}」", c as u32)
    } else {
        format!("「{c}」")
    }
}

fn is_format(c: char) -> bool {
    matches!(c as u32, 0x180B..=0x180F | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0xFEFF)
}
