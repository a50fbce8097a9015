//! The written documents of an application, as PDF: 受理回执 (receipt), 一次性补正告知书
//! (correction notice), 准予/不予行政许可决定书 (approval and rejection decisions) and the
//! 牌匾审批证 (sign certificate, with the approved preview and a QR code to its verification).
//!
//! - `pdf`: drawing on a page (shaped text, columns of Mongolian, QR, image);
//! - `layout`: the page of each kind, from a typed [`DocRecord`] (pure: no database);
//! - `load`: the record of an application from its stored rows, the list of its documents and
//!   the audit of their first issue.
//!
//! The same record gives the same bytes: the PDF's creation date is the time of the event the
//! document belongs to, never the time of the download.

mod layout;
pub mod load;
pub mod pdf;

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::applications::ChangeItem;
use crate::spec::SignSpec;

pub use pdf::PdfFonts;

/// The kinds of document, in the order they are issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    Receipt,
    CorrectionNotice,
    ApprovalDecision,
    RejectionDecision,
    Certificate,
}

impl DocKind {
    pub const ALL: [DocKind; 5] = [
        DocKind::Receipt,
        DocKind::CorrectionNotice,
        DocKind::ApprovalDecision,
        DocKind::RejectionDecision,
        DocKind::Certificate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Receipt => "receipt",
            DocKind::CorrectionNotice => "correction_notice",
            DocKind::ApprovalDecision => "approval_decision",
            DocKind::RejectionDecision => "rejection_decision",
            DocKind::Certificate => "certificate",
        }
    }

    pub fn parse(s: &str) -> Option<DocKind> {
        DocKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn title(self) -> &'static str {
        match self {
            DocKind::Receipt => "受理回执",
            DocKind::CorrectionNotice => "一次性补正告知书",
            DocKind::ApprovalDecision => "准予行政许可决定书",
            DocKind::RejectionDecision => "不予行政许可决定书",
            DocKind::Certificate => "牌匾审批证",
        }
    }
}

/// A request for changes, as the notice states it.
#[derive(Debug, Clone)]
pub struct Changes {
    pub at: DateTime<Utc>,
    pub items: Vec<ChangeItem>,
    pub comment: Option<String>,
}

/// A decision (approval or rejection).
#[derive(Debug, Clone)]
pub struct Decided {
    pub at: DateTime<Utc>,
    pub approval_no: Option<String>,
    /// The reviewer's comment; for a rejection, the reason.
    pub comment: Option<String>,
}

/// The certificate's own parts: where its QR code leads and the approved sign as drawn.
#[derive(Debug, Clone)]
pub struct CertificateParts {
    pub verify_url: String,
    /// The short code printed under the QR code (the token).
    pub short_code: String,
    pub preview_png: std::sync::Arc<Vec<u8>>,
}

/// Everything a document states, read from the stored application, its revision and events.
#[derive(Debug, Clone)]
pub struct DocRecord {
    pub reference: String,
    pub shop_name: String,
    pub licence_no: String,
    pub address: String,
    pub township: String,
    pub spec: SignSpec,
    pub submitted_at: DateTime<Utc>,
    /// The statutory due day as reckoned at submission (the receipt states it).
    pub due_on: Option<chrono::NaiveDate>,
    /// Names of the design images submitted.
    pub designs: Vec<String>,
    pub office: String,
    pub timezone: chrono_tz::Tz,
    pub changes: Option<Changes>,
    pub decided: Option<Decided>,
    pub certificate: Option<CertificateParts>,
}

/// Why a document cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum DocError {
    #[error("the record has no {0}")]
    Missing(&'static str),
    #[error("pdf: {0}")]
    Pdf(String),
}

/// The PDF of `kind` for `record`.
pub fn render(kind: DocKind, record: &DocRecord, fonts: &PdfFonts) -> Result<Vec<u8>, DocError> {
    layout::render(kind, record, fonts)
}
