//! The page of each document kind. One A4 page each: the office, the title, the reference, the
//! body and the date; the certificate adds the sign, its picture and the QR code.

use chrono::{DateTime, Datelike, Timelike, Utc};
use krilla::metadata::{DateTime as PdfDate, Metadata};
use krilla::page::PageSettings;
use krilla::surface::Surface;
use krilla::Document;

use super::pdf::{self, PdfFonts, MARGIN, PAGE_H, PAGE_W};
use super::{DocError, DocKind, DocRecord};
use crate::spec::{Arrangement, Script, SignKind};

const BODY: f32 = 11.5;
const WIDTH: f32 = PAGE_W - 2.0 * MARGIN;

/// `2026年11月29日` in the office's zone.
fn date_zh(record: &DocRecord, at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&record.timezone);
    format!("{}年{}月{}日", local.year(), local.month(), local.day())
}

fn kind_zh(kind: SignKind) -> &'static str {
    match kind {
        SignKind::ShopPlaque => "店铺牌匾",
        SignKind::UnitPlaque => "单位牌匾",
        SignKind::Lightbox => "灯箱",
        SignKind::VerticalPlaque => "竖牌",
        SignKind::LedScreen => "电子屏",
        SignKind::Billboard => "广告牌",
    }
}

fn arrangement_zh(a: Arrangement) -> &'static str {
    match a {
        Arrangement::Horizontal => "横排（蒙古文在上）",
        Arrangement::Vertical => "竖排（蒙古文在左）",
        Arrangement::SeparatePanels => "蒙汉分两块牌",
        Arrangement::Ring => "环形",
    }
}

/// The time the document belongs to: its creation date.
fn issued_at(kind: DocKind, r: &DocRecord) -> Result<DateTime<Utc>, DocError> {
    match kind {
        DocKind::Receipt => Ok(r.submitted_at),
        DocKind::CorrectionNotice => r
            .changes
            .as_ref()
            .map(|c| c.at)
            .ok_or(DocError::Missing("request for changes")),
        _ => r
            .decided
            .as_ref()
            .map(|d| d.at)
            .ok_or(DocError::Missing("decision")),
    }
}

fn pdf_date(at: DateTime<Utc>) -> PdfDate {
    PdfDate::new(at.year() as u16)
        .month(at.month() as u8)
        .day(at.day() as u8)
        .hour(at.hour() as u8)
        .minute(at.minute() as u8)
        .second(at.second() as u8)
        .utc_offset_hour(0)
        .utc_offset_minute(0)
}

pub fn render(kind: DocKind, r: &DocRecord, fonts: &PdfFonts) -> Result<Vec<u8>, DocError> {
    let at = issued_at(kind, r)?;
    let mut doc = Document::new();
    doc.set_metadata(
        Metadata::new()
            .title(format!("{} {}", kind.title(), r.reference))
            .creator(r.office.clone())
            .producer("signboard".into())
            .language("zh-CN".into())
            .creation_date(pdf_date(at))
            .document_id(format!("{}-{}", r.reference, kind.as_str())),
    );
    let settings =
        PageSettings::from_wh(PAGE_W, PAGE_H).ok_or(DocError::Pdf("page size".into()))?;
    let mut page = doc.start_page_with(settings);
    let mut s = page.surface();
    let y = head(&mut s, fonts, r, kind);
    match kind {
        DocKind::Receipt => receipt(&mut s, fonts, r, y),
        DocKind::CorrectionNotice => correction(&mut s, fonts, r, y)?,
        DocKind::ApprovalDecision => approval(&mut s, fonts, r, y)?,
        DocKind::RejectionDecision => rejection(&mut s, fonts, r, y)?,
        DocKind::Certificate => certificate(&mut s, fonts, r, y)?,
    };
    foot(&mut s, fonts, r, at);
    s.finish();
    page.finish();
    doc.finish().map_err(|e| DocError::Pdf(format!("{e:?}")))
}

/// The office, the title and the reference; answers the y below them.
fn head(s: &mut Surface, fonts: &PdfFonts, r: &DocRecord, kind: DocKind) -> f32 {
    pdf::centred(s, fonts, &r.office, 14.0, PAGE_W / 2.0, 80.0);
    pdf::centred(s, fonts, kind.title(), 22.0, PAGE_W / 2.0, 118.0);
    let number = match (&r.decided, kind) {
        (Some(d), DocKind::ApprovalDecision | DocKind::Certificate) => {
            d.approval_no.clone().unwrap_or_default()
        }
        _ => format!("受理编号：{}", r.reference),
    };
    pdf::centred(s, fonts, &number, 11.0, PAGE_W / 2.0, 142.0);
    pdf::rule(s, MARGIN, PAGE_W - MARGIN, 154.0);
    166.0
}

/// The office and the date at the bottom right.
fn foot(s: &mut Surface, fonts: &PdfFonts, r: &DocRecord, at: DateTime<Utc>) {
    let right = PAGE_W - MARGIN;
    let date = date_zh(r, at);
    for (text, y) in [
        (r.office.as_str(), PAGE_H - 110.0),
        (date.as_str(), PAGE_H - 90.0),
    ] {
        let w = pdf::text_width(fonts, Script::Zh, text, BODY);
        pdf::text(s, fonts, Script::Zh, text, BODY, right - w, y);
    }
}

fn para(s: &mut Surface, fonts: &PdfFonts, text: &str, y: f32) -> f32 {
    pdf::paragraph(s, fonts, text, BODY, MARGIN, y, WIDTH)
}

/// Label–value lines.
fn facts(s: &mut Surface, fonts: &PdfFonts, rows: &[(&str, String)], mut y: f32) -> f32 {
    let label_w = 110.0;
    for (label, value) in rows {
        pdf::text(s, fonts, Script::Zh, label, BODY, MARGIN, y + BODY * 1.6);
        let below = pdf::paragraph(s, fonts, value, BODY, MARGIN + label_w, y, WIDTH - label_w);
        y = below - BODY * 0.6;
    }
    y + BODY * 0.6
}

fn shop_facts(r: &DocRecord) -> Vec<(&'static str, String)> {
    vec![
        ("店铺名称", r.shop_name.clone()),
        ("统一社会信用代码", r.licence_no.clone()),
        ("地址", r.address.clone()),
        ("苏木乡镇", r.township.clone()),
    ]
}

fn sign_facts(r: &DocRecord) -> Vec<(&'static str, String)> {
    let sign = &r.spec.sign;
    let yes_no = |v: Option<bool>| match v {
        Some(true) => "有",
        Some(false) => "无",
        None => "未填写",
    };
    vec![
        (
            "牌匾规格",
            format!(
                "{}，宽 {} 毫米 × 高 {} 毫米",
                kind_zh(sign.kind),
                sign.width_mm,
                sign.height_mm
            ),
        ),
        ("排列方式", arrangement_zh(sign.arrangement).to_owned()),
        (
            "材质",
            sign.material.clone().unwrap_or_else(|| "未填写".into()),
        ),
        ("灯光照明", yes_no(sign.illuminated).to_owned()),
        ("汉文", r.spec.texts.zh.clone()),
    ]
}

fn receipt(s: &mut Surface, fonts: &PdfFonts, r: &DocRecord, y: f32) -> f32 {
    let y = para(s, fonts, &format!("{}：", r.shop_name), y);
    let y = para(
        s,
        fonts,
        &format!(
            "　　你（单位）于{}提交的牌匾设置申请已收到，受理编号为 {}。我们将依法审查，审查结果将在系统中通知你。",
            date_zh(r, r.submitted_at),
            r.reference
        ),
        y,
    );
    let mut rows = shop_facts(r);
    rows.push(("收到日期", date_zh(r, r.submitted_at)));
    if let Some(due) = r.due_on {
        rows.push((
            "办结期限",
            format!(
                "{}前（不含节假日，补正时间不计入）",
                due.format("%Y年%-m月%-d日")
            ),
        ));
    }
    rows.push(("牌匾汉文", r.spec.texts.zh.clone()));
    let y = facts(s, fonts, &rows, y);
    let list: Vec<String> = r
        .designs
        .iter()
        .enumerate()
        .map(|(i, name)| format!("{}. {}", i + 1, name))
        .collect();
    let y = para(s, fonts, "提交的设计图：", y);
    para(s, fonts, &list.join("\n"), y - BODY)
}

fn correction(s: &mut Surface, fonts: &PdfFonts, r: &DocRecord, y: f32) -> Result<f32, DocError> {
    let c = r
        .changes
        .as_ref()
        .ok_or(DocError::Missing("request for changes"))?;
    let y = para(s, fonts, &format!("{}：", r.shop_name), y);
    let y = para(
        s,
        fonts,
        &format!(
            "　　你（单位）提交的牌匾设置申请（受理编号 {}）经审查，需要补正以下 {} 项内容。现一次性告知如下：",
            r.reference,
            c.items.len()
        ),
        y,
    );
    let mut y = y;
    for (i, item) in c.items.iter().enumerate() {
        let rule = item
            .rule
            .as_deref()
            .map(|r| format!("（规则 {r}）"))
            .unwrap_or_default();
        y = para(
            s,
            fonts,
            &format!("{}. {}{}", i + 1, item.message, rule),
            y - BODY * 0.4,
        );
    }
    if let Some(comment) = &c.comment {
        y = para(s, fonts, &format!("说明：{comment}"), y);
    }
    Ok(para(
        s,
        fonts,
        "　　请按上述内容修改后，在系统中重新提交申请。",
        y,
    ))
}

fn approval(s: &mut Surface, fonts: &PdfFonts, r: &DocRecord, y: f32) -> Result<f32, DocError> {
    let d = r.decided.as_ref().ok_or(DocError::Missing("decision"))?;
    let y = para(s, fonts, &format!("{}：", r.shop_name), y);
    let y = para(
        s,
        fonts,
        &format!(
            "　　你（单位）于{}提出的牌匾设置申请（受理编号 {}），经审查，符合牌匾蒙汉两种文字并用的有关规定，决定准予行政许可。批准文号：{}。",
            date_zh(r, r.submitted_at),
            r.reference,
            d.approval_no.as_deref().unwrap_or("")
        ),
        y,
    );
    let mut rows = shop_facts(r);
    rows.extend(sign_facts(r));
    let mut y = facts(s, fonts, &rows, y);
    if let Some(comment) = &d.comment {
        y = para(s, fonts, &format!("审批意见：{comment}"), y);
    }
    Ok(para(
        s,
        fonts,
        "　　请按批准的内容制作和设置牌匾，并将牌匾审批证妥善保管。",
        y,
    ))
}

fn rejection(s: &mut Surface, fonts: &PdfFonts, r: &DocRecord, y: f32) -> Result<f32, DocError> {
    let d = r.decided.as_ref().ok_or(DocError::Missing("decision"))?;
    let y = para(s, fonts, &format!("{}：", r.shop_name), y);
    let y = para(
        s,
        fonts,
        &format!(
            "　　你（单位）于{}提出的牌匾设置申请（受理编号 {}），经审查，决定不予行政许可。",
            date_zh(r, r.submitted_at),
            r.reference
        ),
        y,
    );
    let y = para(
        s,
        fonts,
        &format!("理由：{}", d.comment.as_deref().unwrap_or("")),
        y,
    );
    let y = facts(s, fonts, &shop_facts(r), y);
    Ok(para(
        s,
        fonts,
        "　　如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议，或者自收到本决定书之日起六个月内依法向人民法院提起行政诉讼。",
        y,
    ))
}

fn certificate(s: &mut Surface, fonts: &PdfFonts, r: &DocRecord, y: f32) -> Result<f32, DocError> {
    let cert = r
        .certificate
        .as_ref()
        .ok_or(DocError::Missing("certificate parts"))?;
    let mut rows = shop_facts(r);
    rows.extend(sign_facts(r));
    if let Some(d) = &r.decided {
        rows.push(("批准日期", date_zh(r, d.at)));
    }
    let y = facts(s, fonts, &rows, y);
    pdf::text(s, fonts, Script::Zh, "蒙古文", BODY, MARGIN, y + BODY * 1.6);
    let mn = r.spec.texts.mn.trim();
    // The picture across the page; the QR code bottom left, the office and date bottom right.
    let qr_side = 120.0;
    let qr_y = PAGE_H - 250.0;
    let used = if r.spec.sign.arrangement == Arrangement::Vertical {
        // Columns as on the sign, the picture beside them.
        let room = (qr_y - y - 16.0).max(60.0);
        let longest = mn
            .split('\n')
            .map(|l| pdf::text_width(fonts, Script::Mn, l, 1.0))
            .fold(0.0, f32::max);
        let size = if longest > 0.0 {
            (room / longest).min(16.0)
        } else {
            16.0
        };
        let across = pdf::mongolian_columns(s, fonts, mn, size, MARGIN + 110.0, y + 4.0);
        let left = MARGIN + 110.0 + across + 24.0;
        pdf::png(
            s,
            &cert.preview_png,
            left,
            y + 4.0,
            PAGE_W - MARGIN - left,
            room,
        );
        room
    } else {
        let mut y2 = y;
        for line in mn.split('\n') {
            pdf::text(s, fonts, Script::Mn, line, 14.0, MARGIN + 110.0, y2 + 18.0);
            y2 += 24.0;
        }
        let top = y2 + 8.0;
        top - y
            + pdf::png(
                s,
                &cert.preview_png,
                MARGIN,
                top,
                WIDTH,
                (qr_y - top - 12.0).max(60.0),
            )
    };
    let qr_x = MARGIN;
    pdf::qr(s, &cert.verify_url, qr_x, qr_y, qr_side).ok_or(DocError::Pdf("QR code".into()))?;
    let code_w = pdf::text_width(fonts, Script::Zh, &cert.short_code, 10.0);
    pdf::text(
        s,
        fonts,
        Script::Zh,
        &cert.short_code,
        10.0,
        qr_x + (qr_side - code_w) / 2.0,
        qr_y + qr_side + 12.0,
    );
    let hint = "扫码核验";
    let hint_w = pdf::text_width(fonts, Script::Zh, hint, 9.0);
    pdf::text(
        s,
        fonts,
        Script::Zh,
        hint,
        9.0,
        qr_x + (qr_side - hint_w) / 2.0,
        qr_y + qr_side + 26.0,
    );
    Ok(y + used)
}
