//! The officials' queue as CSV: every application of the filter (all pages), in the queue's
//! order, UTF-8 with a byte order mark so that Excel opens the Chinese text as such.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::list::{ordered, query, ListFilter, ListItem, Today};
use super::search::Dialect;
use crate::applications::rows::ApplicationRow;
use crate::applications::WorkflowSettings;
use crate::auth::{Role, User};
use crate::clock::ClockState;
use crate::db::DbConn;
use crate::error::{AppError, AppResult};

const HEADER: [&str; 10] = [
    "店铺名称",
    "统一社会信用代码",
    "苏木乡镇",
    "状态",
    "提交日期",
    "办结期限",
    "剩余工作日",
    "是否逾期",
    "承办人",
    "批准文号",
];

/// One field: quoted when it holds a separator, a quote or a line break; a leading `=`, `+`,
/// `-` or `@` (a formula to a spreadsheet) is defused with an apostrophe, unless the field is
/// a plain number (the days left of an overdue application).
fn field(out: &mut String, value: &str) {
    let defuse =
        value.starts_with(['=', '+', '-', '@', '\t', '\r']) && value.parse::<i64>().is_err();
    let quote = defuse || value.contains([',', '"', '\n', '\r']);
    if quote {
        out.push('"');
    }
    if defuse {
        out.push('\'');
    }
    for c in value.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    if quote {
        out.push('"');
    }
}

fn line(out: &mut String, values: &[String]) {
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        field(out, v);
    }
    out.push_str("\r\n");
}

fn row(item: &ListItem, settings: &WorkflowSettings) -> Vec<String> {
    let due = item.due_on.map(|d| d.to_string()).unwrap_or_default();
    let remaining = match item.clock_state {
        ClockState::Running => item
            .remaining_working_days
            .map(|r| r.to_string())
            .unwrap_or_default(),
        ClockState::Paused => "暂停（待商户修改）".to_owned(),
        ClockState::Stopped => "已办结".to_owned(),
    };
    vec![
        item.shop_name.clone(),
        item.license_no.clone(),
        item.township.clone(),
        item.status.label().to_owned(),
        settings.local_date(item.submitted_at).to_string(),
        due,
        remaining,
        if item.overdue { "是" } else { "否" }.to_owned(),
        item.assignee
            .as_ref()
            .map(|p| p.display_name.clone())
            .unwrap_or_default(),
        item.approval_no.clone().unwrap_or_default(),
    ]
}

/// The CSV of every application `actor` (an official) may see that passes `filter`.
pub fn export_csv(
    conn: &mut DbConn,
    settings: &WorkflowSettings,
    actor: &User,
    filter: &ListFilter,
    today: NaiveDate,
) -> AppResult<String> {
    if actor.role == Role::Merchant {
        return Err(AppError::forbidden());
    }
    let day = Today::new(settings, today);
    let rows: Vec<ApplicationRow> = ordered(
        query(actor, filter, &day, Dialect::of(conn)),
        actor,
        filter.sort,
    )
    .select(ApplicationRow::as_select())
    .load(conn)?;
    let items = day.items(conn, rows)?;
    let mut out = String::with_capacity(128 + items.len() * 160);
    out.push('\u{feff}');
    line(&mut out, &HEADER.map(str::to_owned));
    for item in &items {
        line(&mut out, &row(item, settings));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_escaped_and_formulas_defused() {
        let mut out = String::new();
        line(
            &mut out,
            &[
                "a,b".into(),
                "say \"hi\"".into(),
                "=1+1".into(),
                "-3".into(),
                "平常".into(),
            ],
        );
        assert_eq!(out, "\"a,b\",\"say \"\"hi\"\"\",\"'=1+1\",-3,平常\r\n");
    }
}
