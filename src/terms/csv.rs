//! The CSV of the term base: the import (UTF-8, a header naming the columns `zh`, `mn` and
//! optionally `note`, `source`; RFC 4180 quoting) and the export (the same columns and the
//! status, readable by spreadsheet programs).

use serde_json::json;

use super::input::NewTerm;
use super::model::TermRow;
use crate::error::{AppError, ErrorCode};

/// Largest import body.
pub const MAX_IMPORT_BYTES: usize = 1024 * 1024;
/// Most terms one import may hold.
pub const MAX_IMPORT_ROWS: usize = 10_000;

/// A problem of an import: line (1 is the header), column, message.
pub type LineProblem = (usize, String, String);

/// A 422 `invalid_import` listing every problem as `{"line", "field", "message"}`.
pub fn refusal(problems: Vec<LineProblem>) -> AppError {
    let shown: Vec<String> = problems
        .iter()
        .take(10)
        .map(|(line, _, m)| format!("第 {line} 行：{m}"))
        .collect();
    let more = if problems.len() > 10 { "……" } else { "" };
    let message = format!(
        "导入的文件有 {} 处错误，没有导入任何术语。{}{more}",
        problems.len(),
        shown.join("；")
    );
    let details: Vec<_> = problems
        .into_iter()
        .map(|(line, field, message)| json!({"line": line, "field": field, "message": message}))
        .collect();
    AppError::explained(ErrorCode::InvalidImport, message).with_details(details)
}

/// One record and the line it starts on.
struct Record {
    line: usize,
    fields: Vec<String>,
}

/// Splits CSV text into records (quoted fields may hold commas, quotes and line breaks).
fn records(text: &str) -> Result<Vec<Record>, LineProblem> {
    let mut out = Vec::new();
    let (mut line, mut start_line) = (1, 1);
    let mut fields = Vec::new();
    let mut field = String::new();
    let (mut quoted, mut was_quoted) = (false, false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => {
                if c == '\n' {
                    line += 1;
                }
                field.push(c);
            }
            (false, '"') if field.is_empty() && !was_quoted => (quoted, was_quoted) = (true, true),
            (false, ',') => {
                fields.push(std::mem::take(&mut field));
                was_quoted = false;
            }
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n') => {
                fields.push(std::mem::take(&mut field));
                was_quoted = false;
                out.push(Record {
                    line: start_line,
                    fields: std::mem::take(&mut fields),
                });
                line += 1;
                start_line = line;
            }
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return Err((start_line, String::new(), "引号没有闭合".into()));
    }
    if !field.is_empty() || !fields.is_empty() || was_quoted {
        fields.push(field);
        out.push(Record {
            line: start_line,
            fields,
        });
    }
    out.retain(|r| !(r.fields.len() == 1 && r.fields[0].trim().is_empty()));
    Ok(out)
}

/// The column positions the header names.
struct Columns {
    zh: usize,
    mn: usize,
    note: Option<usize>,
    source: Option<usize>,
    count: usize,
}

fn columns(header: &Record) -> Result<Columns, Vec<LineProblem>> {
    let names: Vec<String> = header
        .fields
        .iter()
        .map(|f| f.trim().to_ascii_lowercase())
        .collect();
    let find = |n: &str| names.iter().position(|x| x == n);
    let mut problems = Vec::new();
    for (i, n) in names.iter().enumerate() {
        let known = ["zh", "mn", "note", "source", "status"].contains(&n.as_str());
        if !known || find(n) != Some(i) {
            problems.push((1, n.clone(), format!("表头中的“{n}”无法识别或重复")));
        }
    }
    let (zh, mn) = (find("zh"), find("mn"));
    if zh.is_none() || mn.is_none() {
        problems.push((1, String::new(), "表头须为 zh,mn,note".into()));
    }
    match (zh, mn, problems.is_empty()) {
        (Some(zh), Some(mn), true) => Ok(Columns {
            zh,
            mn,
            note: find("note"),
            source: find("source"),
            count: names.len(),
        }),
        _ => Err(problems),
    }
}

/// A field as written by [`export`]: a formula guard (`'`) taken off again.
fn unguard(s: &str) -> String {
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest.to_owned(),
        _ => s.to_owned(),
    }
}

/// The terms of an import body with their line numbers, or every structural problem (bad
/// encoding, a bad header, a row with the wrong number of fields, too many rows).
pub fn parse(body: &[u8]) -> Result<Vec<(usize, NewTerm)>, Vec<LineProblem>> {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let text = std::str::from_utf8(body)
        .map_err(|_| vec![(1, String::new(), "文件不是 UTF-8 编码".to_string())])?;
    let mut recs = records(text).map_err(|p| vec![p])?.into_iter();
    let header = recs
        .next()
        .ok_or_else(|| vec![(1, String::new(), "文件是空的".to_string())])?;
    let cols = columns(&header)?;
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for r in recs {
        if r.fields.len() != cols.count {
            problems.push((
                r.line,
                String::new(),
                format!("应有 {} 列，实有 {} 列", cols.count, r.fields.len()),
            ));
            continue;
        }
        let get = |i: Option<usize>| i.map(|i| unguard(&r.fields[i]));
        out.push((
            r.line,
            NewTerm {
                zh: unguard(&r.fields[cols.zh]),
                mn: unguard(&r.fields[cols.mn]),
                note: get(cols.note),
                source: get(cols.source),
            },
        ));
    }
    if out.len() > MAX_IMPORT_ROWS {
        problems.push((
            1,
            String::new(),
            format!("一次最多导入 {MAX_IMPORT_ROWS} 条术语"),
        ));
    }
    if out.is_empty() && problems.is_empty() {
        problems.push((1, String::new(), "文件中没有术语".into()));
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// One field, quoted when it must be, with a guard before what a spreadsheet would run as a
/// formula.
fn field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    if s.contains([',', '"', '\n', '\r']) || s.starts_with(' ') || s.ends_with(' ') {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// The whole base as CSV (`zh,mn,note,source,status`), with a BOM so that spreadsheet
/// programs read it as UTF-8.
pub fn export(rows: &[TermRow]) -> String {
    let mut out = String::from("\u{FEFF}zh,mn,note,source,status\r\n");
    for r in rows {
        let cells = [&r.zh, &r.mn, &r.note, &r.source].map(|s| field(s));
        out.push_str(&cells.join(","));
        out.push(',');
        out.push_str(r.status.as_str());
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_and_line_numbers() {
        let text = "zh,mn,note\n超市,ᠬᠤᠳᠠᠯᠳᠤᠭᠠ,\"a, \"\"b\"\"\nc\"\r\n\n饭店,ᠬᠣᠣᠯᠠ,\n";
        let got = parse(text.as_bytes()).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].0, 2);
        assert_eq!(got[0].1.note.as_deref(), Some("a, \"b\"\nc"));
        assert_eq!(got[1].0, 5);
        assert_eq!(got[1].1.zh, "饭店");
    }

    #[test]
    fn structural_problems_name_their_lines() {
        let text = "zh,mn,note\n超市,ᠬᠤᠳᠠᠯᠳᠤᠭᠠ\n饭店,ᠬᠣᠣᠯᠠ,\n";
        let problems = parse(text.as_bytes()).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].0, 2);
        assert!(parse(b"name,mn\n").is_err());
        assert!(parse(b"zh,mn\n\"open,x\n").is_err());
        assert!(parse(b"\xff\xfe").is_err());
    }

    #[test]
    fn export_guards_formulas_and_the_import_takes_them_back() {
        assert_eq!(field("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(unguard("'=SUM(A1)"), "=SUM(A1)");
        assert_eq!(unguard("'plain"), "'plain");
    }
}
