//! The rule profile: thresholds, severities, sources and messages, loaded from data and
//! validated against the rules this engine implements (`META`), so a profile can neither name
//! a rule the engine does not know nor leave out a message the engine needs.

use crate::clock::ClockSettings;
use crate::spec::Severity;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use utoipa::ToSchema;

pub use super::meta::EnforcedBy;
pub(crate) use super::meta::META;
use super::meta::{MsgMeta, RuleMeta};
use super::notices::NoticeTemplate;

/// A closed range `[min, max]`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(from = "[f64; 2]", into = "[f64; 2]")]
pub struct Band {
    pub min: f64,
    pub max: f64,
}

impl From<[f64; 2]> for Band {
    fn from([min, max]: [f64; 2]) -> Self {
        Band { min, max }
    }
}

impl From<Band> for [f64; 2] {
    fn from(b: Band) -> Self {
        [b.min, b.max]
    }
}

/// Absorbs the rounding of products and quotients so that a value printed as 0.90 or 1.10
/// on the bounds counts as inside.
const EPS: f64 = 1e-9;

impl Band {
    pub fn contains(&self, v: f64) -> bool {
        v >= self.min - EPS && v <= self.max + EPS
    }

    fn is_valid(&self) -> bool {
        self.min.is_finite() && self.max.is_finite() && self.min > 0.0 && self.min <= self.max
    }
}

/// The numbers the checks compare against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    /// R7/R6: ratios in this band pass.
    #[schema(value_type = Vec<f64>)]
    pub ratio_pass: Band,
    /// R7/R6: ratios outside `ratio_pass` but in this band warn; outside it they are errors.
    #[schema(value_type = Vec<f64>)]
    pub ratio_warn: Band,
    /// L1: allowed stretch factor of `fit: stretch` blocks.
    #[schema(value_type = Vec<f64>)]
    pub stretch: Band,
    /// R9: largest top offset of side-by-side blocks, as a fraction of the sign height.
    pub top_align_fraction: f64,
    /// I3: allowed relative difference of the design's aspect ratio from the sign's.
    pub design_aspect_tolerance: f64,
    /// I4: smallest long side of a design image, in pixels.
    pub design_min_long_side_px: u32,
    /// I2: largest upload, in bytes.
    pub upload_max_file_bytes: u64,
    /// I2: largest image, in megapixels.
    pub upload_max_megapixels: u32,
    /// I2: most design files an application may carry.
    pub upload_max_files: u32,
}

/// A legal source a rule rests on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub title: String,
    pub quote: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Message {
    pub severity: Severity,
    pub message: String,
    #[serde(default)]
    pub message_mn: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleDef {
    pub title: String,
    pub check: String,
    pub sources: Vec<String>,
    #[serde(default)]
    pub enforced_by: Option<EnforcedBy>,
    #[serde(default)]
    pub messages: BTreeMap<String, Message>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    id: String,
    version: String,
    name: String,
    #[serde(default)]
    blocklist: Vec<String>,
    thresholds: Thresholds,
    sources: BTreeMap<String, Source>,
    rules: BTreeMap<String, RuleDef>,
    #[serde(default)]
    notifications: BTreeMap<String, NoticeTemplate>,
    /// The statutory clock; the defaults when the table is left out.
    #[serde(default)]
    clock: ClockSettings,
}

/// A validated rule profile (the default is `nmg`, embedded in the binary).
#[derive(Debug, Clone)]
pub struct Profile {
    id: String,
    version: String,
    name: String,
    blocklist: Vec<String>,
    thresholds: Thresholds,
    sources: BTreeMap<String, Source>,
    rules: HashMap<&'static str, RuleDef>,
    notifications: BTreeMap<String, NoticeTemplate>,
    clock: ClockSettings,
}

#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("cannot read rules profile {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("rules profile {origin} is not valid TOML of the profile shape: {source}")]
    Parse {
        origin: String,
        #[source]
        source: Box<toml::de::Error>,
    },
    #[error("rules profile {origin} is invalid:\n  - {}", problems.join("\n  - "))]
    Invalid {
        origin: String,
        problems: Vec<String>,
    },
}

const NMG_TOML: &str = include_str!("profiles/nmg.toml");

static NMG: LazyLock<Profile> = LazyLock::new(|| match Profile::from_toml_str(NMG_TOML, "nmg") {
    Ok(p) => p,
    // The embedded file is fixed at build time and a test parses it: this cannot happen in
    // a tested build.
    Err(e) => panic!("embedded rules profile is invalid: {e}"),
});

impl Profile {
    /// The embedded default profile `nmg`.
    pub fn nmg() -> &'static Profile {
        &NMG
    }

    /// Loads and validates a profile file (`SIGNBOARD_RULES_PROFILE`).
    pub fn from_path(path: &Path) -> Result<Profile, ProfileError> {
        let text = std::fs::read_to_string(path).map_err(|source| ProfileError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Profile::from_toml_str(&text, &path.display().to_string())
    }

    /// Parses and validates profile text; `origin` names it in error messages.
    pub fn from_toml_str(text: &str, origin: &str) -> Result<Profile, ProfileError> {
        let raw: RawProfile = toml::from_str(text).map_err(|source| ProfileError::Parse {
            origin: origin.to_string(),
            source: Box::new(source),
        })?;
        let problems = problems(&raw);
        if !problems.is_empty() {
            return Err(ProfileError::Invalid {
                origin: origin.to_string(),
                problems,
            });
        }
        let mut rules = HashMap::new();
        let mut defs = raw.rules;
        for meta in META {
            if let Some(def) = defs.remove(meta.id) {
                rules.insert(meta.id, def);
            }
        }
        Ok(Profile {
            id: raw.id,
            version: raw.version,
            name: raw.name,
            blocklist: raw.blocklist,
            thresholds: raw.thresholds,
            sources: raw.sources,
            rules,
            notifications: raw.notifications,
            clock: raw.clock,
        })
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn version(&self) -> &str {
        &self.version
    }

    /// Human name of the jurisdiction the profile is for.
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn thresholds(&self) -> &Thresholds {
        &self.thresholds
    }

    /// R15's banned terms.
    pub fn blocklist(&self) -> &[String] {
        &self.blocklist
    }

    pub fn sources(&self) -> &BTreeMap<String, Source> {
        &self.sources
    }

    /// The notification texts by event type (`approved`, `changes_requested`, …).
    pub fn notifications(&self) -> &BTreeMap<String, NoticeTemplate> {
        &self.notifications
    }

    /// The working days of the statutory clock.
    pub fn clock(&self) -> &ClockSettings {
        &self.clock
    }

    pub(crate) fn rule(&self, id: &str) -> Option<&RuleDef> {
        self.rules.get(id)
    }
}

fn placeholders(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                out.push(&after[..close]);
                rest = &after[close + 1..];
            }
            None => {
                out.push(after);
                break;
            }
        }
    }
    out
}

/// Everything wrong with a profile, at once.
fn problems(raw: &RawProfile) -> Vec<String> {
    let mut p = Vec::new();
    if raw.id.trim().is_empty() {
        p.push("`id` is empty".to_string());
    }
    if raw.version.trim().is_empty() {
        p.push("`version` is empty".to_string());
    }
    threshold_problems(&raw.thresholds, &mut p);
    super::notices::notice_problems(&raw.notifications, &mut p);
    p.extend(raw.clock.problems());
    for term in &raw.blocklist {
        if term.trim().is_empty() {
            p.push("blocklist holds an empty term".to_string());
        }
    }
    for id in raw.rules.keys() {
        if !META.iter().any(|meta| meta.id == id) {
            p.push(format!(
                "rules.{id}: no such rule in this version of the engine"
            ));
        }
    }
    for (id, source) in &raw.sources {
        if source.quote.trim().is_empty() || source.title.trim().is_empty() {
            p.push(format!("sources.{id}: title and quote must not be empty"));
        }
    }
    for meta in META {
        match raw.rules.get(meta.id) {
            Some(def) => rule_problems(raw, meta, def, &mut p),
            None => p.push(format!("rules.{} is missing", meta.id)),
        }
    }
    p
}

fn threshold_problems(t: &Thresholds, p: &mut Vec<String>) {
    for (name, band) in [
        ("ratio_pass", t.ratio_pass),
        ("ratio_warn", t.ratio_warn),
        ("stretch", t.stretch),
    ] {
        if !band.is_valid() {
            p.push(format!(
                "thresholds.{name} must be [min, max] with 0 < min <= max, got [{}, {}]",
                band.min, band.max
            ));
        }
        if !band.contains(1.0) {
            p.push(format!("thresholds.{name} must contain 1.0"));
        }
    }
    if t.ratio_warn.min > t.ratio_pass.min || t.ratio_warn.max < t.ratio_pass.max {
        p.push("thresholds.ratio_warn must enclose thresholds.ratio_pass".to_string());
    }
    if !(t.top_align_fraction.is_finite() && t.top_align_fraction >= 0.0) {
        p.push("thresholds.top_align_fraction must be a number >= 0".to_string());
    }
    if !(t.design_aspect_tolerance.is_finite() && t.design_aspect_tolerance >= 0.0) {
        p.push("thresholds.design_aspect_tolerance must be a number >= 0".to_string());
    }
}

/// What is wrong with the profile's definition of one rule the engine implements.
fn rule_problems(raw: &RawProfile, meta: &RuleMeta, def: &RuleDef, p: &mut Vec<String>) {
    if def.title.trim().is_empty() {
        p.push(format!("rules.{}.title is empty", meta.id));
    }
    if def.sources.is_empty() {
        p.push(format!(
            "rules.{}.sources is empty: name at least one",
            meta.id
        ));
    }
    for s in &def.sources {
        if !raw.sources.contains_key(s) {
            p.push(format!(
                "rules.{}.sources names unknown source {s}",
                meta.id
            ));
        }
    }
    if let Some(e) = def.enforced_by {
        if e != meta.enforced_by {
            p.push(format!(
                "rules.{}.enforced_by must be {:?} (or left out)",
                meta.id, meta.enforced_by
            ));
        }
    }
    for key in def.messages.keys() {
        if !meta.messages.iter().any(|mm| mm.key == key) {
            p.push(format!("rules.{}.messages.{key}: no such message", meta.id));
        }
    }
    for mm in meta.messages {
        match def.messages.get(mm.key) {
            Some(msg) => message_problems(meta, mm, msg, p),
            None => p.push(format!("rules.{}.messages.{} is missing", meta.id, mm.key)),
        }
    }
}

/// What is wrong with one message of a rule: empty text, a misplaced severity, or a
/// placeholder the engine does not fill.
fn message_problems(meta: &RuleMeta, mm: &MsgMeta, msg: &Message, p: &mut Vec<String>) {
    if msg.message.trim().is_empty() {
        p.push(format!(
            "rules.{}.messages.{}.message is empty",
            meta.id, mm.key
        ));
    }
    if msg.severity == Severity::Pending && meta.id != "R1" {
        p.push(format!(
            "rules.{}.messages.{}: severity `pending` is only for R1",
            meta.id, mm.key
        ));
    }
    let known = if mm.params.is_empty() {
        "none".to_string()
    } else {
        mm.params.join(", ")
    };
    for text in [&msg.message, &msg.message_mn] {
        for ph in placeholders(text) {
            if !mm.params.contains(&ph) {
                p.push(format!(
                    "rules.{}.messages.{}: unknown placeholder {{{ph}}} (known: {known})",
                    meta.id, mm.key,
                ));
            }
        }
    }
}

/// Fills `{name}` placeholders; the names were checked against `MsgMeta::params` at load.
pub(crate) fn fill(template: &str, params: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match params.iter().find(|(k, _)| *k == name) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}
