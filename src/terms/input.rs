//! What clients send about a term, parsed into a [`ValidTerm`]: the Chinese a run of Chinese
//! characters, the Mongolian checked like a sign's Mongolian (rules R2 and R2a, the shipped font
//! drawing every letter), bounded notes.

use serde::Deserialize;
use utoipa::ToSchema;

use super::model::TermStatus;
use crate::engine::Engine;
use crate::error::{AppError, ErrorCode};
use crate::rules::{
    has_control_chars, is_cyrillic, is_han, is_latin_letter, is_mongolian_letter, squeeze_spaces,
};

pub const MAX_ZH_CHARS: usize = 50;
pub const MAX_MN_CHARS: usize = 300;
pub const MAX_NOTE_CHARS: usize = 500;
pub const MAX_SOURCE_CHARS: usize = 200;

/// A new term; it starts `proposed`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTerm {
    #[schema(max_length = 50)]
    pub zh: String,
    #[schema(max_length = 300)]
    pub mn: String,
    #[serde(default)]
    #[schema(max_length = 500)]
    pub note: Option<String>,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub source: Option<String>,
}

/// A change of a term: only the fields sent change. Changing `zh` or `mn` makes an approved
/// term `proposed` again unless the same change approves it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TermPatch {
    pub zh: Option<String>,
    pub mn: Option<String>,
    pub note: Option<String>,
    pub source: Option<String>,
    pub status: Option<TermStatus>,
    /// The version the change was made on; a stale one is refused with 409.
    pub version: Option<i32>,
}

/// A term whose every field passed its checks; built only by [`ValidTerm::parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidTerm {
    zh: String,
    mn: String,
    note: String,
    source: String,
}

impl ValidTerm {
    /// Checks every field at once; the problems as `(field, message)`.
    pub fn parse(term: NewTerm, engine: &Engine) -> Result<ValidTerm, Vec<(String, String)>> {
        let mut problems = Vec::new();
        let zh = term.zh.trim().to_string();
        if let Some(p) = zh_problem(&zh) {
            problems.push(("zh".to_string(), p));
        }
        let mn = squeeze_spaces(&term.mn);
        problems.extend(
            mn_problems(&mn, engine)
                .into_iter()
                .map(|p| ("mn".into(), p)),
        );
        let note = term.note.unwrap_or_default().trim().to_string();
        if let Some(p) = plain_problem(&note, "备注", MAX_NOTE_CHARS) {
            problems.push(("note".to_string(), p));
        }
        let source = term.source.unwrap_or_default().trim().to_string();
        if let Some(p) = plain_problem(&source, "出处", MAX_SOURCE_CHARS) {
            problems.push(("source".to_string(), p));
        }
        if problems.is_empty() {
            Ok(ValidTerm {
                zh,
                mn,
                note,
                source,
            })
        } else {
            Err(problems)
        }
    }

    pub fn zh(&self) -> &str {
        &self.zh
    }

    pub fn mn(&self) -> &str {
        &self.mn
    }

    pub fn note(&self) -> &str {
        &self.note
    }

    pub fn source(&self) -> &str {
        &self.source
    }
}

fn zh_problem(zh: &str) -> Option<String> {
    let n = zh.chars().count();
    if n == 0 {
        return Some("请填写汉文术语".into());
    }
    if n > MAX_ZH_CHARS {
        return Some(format!("汉文术语最多 {MAX_ZH_CHARS} 个字"));
    }
    if !zh.chars().any(is_han) {
        return Some("汉文术语须含有汉字".into());
    }
    let foreign: String = zh
        .chars()
        .filter(|&c| {
            c.is_whitespace()
                || c.is_control()
                || is_mongolian_letter(c)
                || is_cyrillic(c)
                || is_latin_letter(c)
        })
        .collect();
    if !foreign.is_empty() {
        return Some("汉文术语只能含有汉字、数字和标点，不能有空格、字母或蒙古文".into());
    }
    None
}

/// Everything wrong with a term's Mongolian: length, letters, and the findings of R2/R2a.
fn mn_problems(mn: &str, engine: &Engine) -> Vec<String> {
    let n = mn.chars().count();
    if n == 0 || !mn.chars().any(is_mongolian_letter) {
        return vec!["请填写传统蒙古文写法".into()];
    }
    if n > MAX_MN_CHARS {
        return vec![format!("蒙古文写法最多 {MAX_MN_CHARS} 个字符")];
    }
    if has_control_chars(mn, false) {
        return vec!["蒙古文写法含有不可见的控制字符".into()];
    }
    engine
        .mongolian_findings(mn)
        .into_iter()
        .map(|f| f.message)
        .collect()
}

fn plain_problem(text: &str, what: &str, max: usize) -> Option<String> {
    if text.chars().count() > max {
        return Some(format!("{what}最多 {max} 个字"));
    }
    if has_control_chars(text, false) {
        return Some(format!("{what}含有不可见的控制字符"));
    }
    None
}

/// A 422 `invalid_term` listing every problem as `{"field", "message"}`.
pub fn refusal(problems: Vec<(String, String)>) -> AppError {
    AppError::listing(ErrorCode::InvalidTerm, "术语", problems)
}
