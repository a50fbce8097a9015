//! The public register (公示) of approvals: JSON or CSV, no login.

use actix_web::{get, web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use super::AppState;
use crate::error::{AppError, AppResult, ErrorBody, ErrorCode};
use crate::register::{self, RegisterFilter, RegisterPage, MAX_PER_PAGE};

#[derive(Debug, Deserialize, IntoParams)]
pub struct RegisterQuery {
    /// Year of the decision.
    pub year: Option<i32>,
    pub township: Option<String>,
    /// Part of the shop name, the address or the approval number.
    #[param(pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*$")]
    pub q: Option<String>,
    /// From 1 (default) to 1,000,000.
    #[param(minimum = 1, maximum = 1_000_000)]
    pub page: Option<i64>,
    /// From 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
    /// `json` (default) or `csv`.
    #[param(pattern = "^(json|csv)$")]
    pub format: Option<String>,
}

fn bad(name: &str, message: &str) -> AppError {
    AppError::explained(ErrorCode::InvalidQuery, message)
        .with_details(serde_json::json!({"parameter": name}))
}

impl RegisterQuery {
    fn filter(&self) -> AppResult<RegisterFilter> {
        let page = self.page.unwrap_or(1);
        let per_page = self.per_page.unwrap_or(20);
        if !(1..=1_000_000).contains(&page) {
            return Err(bad("page", "页码须在 1 到 1000000 之间"));
        }
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            return Err(bad("per_page", "每页须为 1–100 条"));
        }
        let text = |v: &Option<String>, name: &str| -> AppResult<Option<String>> {
            match v.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
                Some(t) if crate::rules::has_control_chars(t, false) => {
                    Err(bad(name, "查询内容含有不可见的控制字符"))
                }
                Some(t) => Ok(Some(t.chars().take(100).collect())),
                None => Ok(None),
            }
        };
        Ok(RegisterFilter {
            year: self.year,
            township: text(&self.township, "township")?,
            q: text(&self.q, "q")?,
            page,
            per_page,
        })
    }

    fn csv(&self) -> AppResult<bool> {
        match self.format.as_deref() {
            None | Some("json") => Ok(false),
            Some("csv") => Ok(true),
            Some(_) => Err(bad("format", "format 只能是 json 或 csv")),
        }
    }
}

#[utoipa::path(get, tag = "public", params(RegisterQuery),
    responses((status = 200, description = "a page of approvals; with ?format=csv CSV",
               content((RegisterPage = "application/json"), (String = "text/csv"))),
              (status = 400, body = ErrorBody)))]
#[get("/register")]
pub async fn list(
    state: web::Data<AppState>,
    query: web::Query<RegisterQuery>,
) -> AppResult<HttpResponse> {
    let (filter, csv) = (query.filter()?, query.csv()?);
    let public_url = state.workflow.public_url.clone();
    let page = state
        .db
        .run(move |conn| register::page(conn, &filter, &public_url))
        .await?;
    Ok(match csv {
        true => HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .body(register::csv(&page)),
        false => HttpResponse::Ok().json(page),
    })
}
