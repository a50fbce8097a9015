//! Design uploads: decoded and checked off the async workers within the shared decode budget,
//! then written to the store before the rows that reference them.

use actix_web::web;

use super::super::AppState;
use crate::applications::repo::Upload;
use crate::applications::Evaluation;
use crate::engine::Engine;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::rules::ValidSpec;
use crate::spec::DesignInfo;
use crate::storage::images::{self, ImageError};
use crate::storage::BudgetError;

/// A revision ready to be stored: its spec, its decoded images and its check.
pub struct Prepared {
    pub spec: ValidSpec,
    pub uploads: Vec<Upload>,
    pub evaluation: Evaluation,
}

fn image_error(name: &str, e: ImageError) -> AppError {
    match e {
        ImageError::Unsupported => AppError::explained(
            ErrorCode::UnsupportedImage,
            format!("“{name}”不是 PNG、JPEG 或 WebP 图片，或文件已损坏"),
        ),
        ImageError::TooLarge => AppError::explained(
            ErrorCode::FileTooLarge,
            format!("设计图“{name}”超过 10 MB，请压缩后再上传"),
        ),
        ImageError::TooManyPixels { width, height } => AppError::explained(
            ErrorCode::TooManyPixels,
            format!("设计图“{name}”尺寸过大（{width}×{height}），请不要超过 4000 万像素"),
        ),
    }
    .with_details(serde_json::json!({"file": name}))
}

fn budget_error(state: &AppState, name: &str, probe: &images::Probe, e: BudgetError) -> AppError {
    match e {
        BudgetError::TooBig {
            need_mib,
            budget_mib,
        } => AppError::explained(ErrorCode::ImageTooDemanding,
            format!(
                "设计图“{name}”（{}×{}）解码需要约 {need_mib} MB 内存，超过服务器允许的 {budget_mib} MB，请缩小尺寸或转为 8 位色深后再上传",
                probe.width, probe.height
            ),
        )
        .with_details(serde_json::json!({
            "file": name, "width": probe.width, "height": probe.height,
            "need_mb": need_mib, "budget_mb": budget_mib,
        })),
        BudgetError::Busy => AppError::busy("服务器正在处理其他图片，请稍后再试")
            .with_retry_after(state.decode.retry_after_secs()),
    }
}

/// Decodes and checks every upload and checks the spec: CPU work, off the async workers.
/// The headers are read first, so the memory the decodes need is reserved from the shared
/// budget before any pixel is decoded; the uploads of one request are decoded one by one.
pub async fn prepare_revision(
    state: &web::Data<AppState>,
    spec: ValidSpec,
    designs: Vec<(String, Vec<u8>)>,
    carried: Vec<DesignInfo>,
) -> AppResult<Prepared> {
    state.terms.before_check(&state.db, &state.engine).await;
    let max_alloc = state.decode.total_bytes();
    let (designs, worst) = web::block(move || {
        let mut worst: Option<(String, images::Probe)> = None;
        for (name, bytes) in &designs {
            let probe = images::probe(bytes, max_alloc).map_err(|e| image_error(name, e))?;
            if worst.as_ref().is_none_or(|(_, w)| probe.cost > w.cost) {
                worst = Some((name.clone(), probe));
            }
        }
        Ok::<_, AppError>((designs, worst))
    })
    .await
    .map_err(AppError::internal)??;
    let _permit = match &worst {
        Some((name, probe)) => Some(
            state
                .decode
                .acquire(probe.cost)
                .await
                .map_err(|e| budget_error(state, name, probe, e))?,
        ),
        None => None,
    };
    let engine = state.engine.clone();
    web::block(move || decode_and_check(&engine, spec, designs, carried, max_alloc))
        .await
        .map_err(AppError::internal)?
}

/// Decodes every upload, then checks the spec against the images (or the carried ones).
fn decode_and_check(
    engine: &Engine,
    spec: ValidSpec,
    designs: Vec<(String, Vec<u8>)>,
    carried: Vec<DesignInfo>,
    max_alloc: u64,
) -> AppResult<Prepared> {
    let mut uploads = Vec::with_capacity(designs.len());
    for (name, bytes) in designs {
        let image = images::prepare(bytes, max_alloc).map_err(|e| image_error(&name, e))?;
        uploads.push(Upload {
            image,
            original_name: name,
        });
    }
    let infos: Vec<DesignInfo> = if uploads.is_empty() {
        carried
    } else {
        uploads
            .iter()
            .map(|u| DesignInfo {
                width_px: u.image.width,
                height_px: u.image.height,
            })
            .collect()
    };
    let evaluation = engine.evaluate(&spec, &infos);
    Ok(Prepared {
        spec,
        uploads,
        evaluation,
    })
}

/// Writes the files, then runs `write`. Files are content-addressed and may be shared with a
/// concurrent request, so nothing is removed when the write fails: files no row references
/// are left to the sweeper. The store is held from the first file written to the commit, so
/// the sweeper of this process cannot remove a file in between.
pub async fn store_then<T, F>(
    state: &web::Data<AppState>,
    uploads: Vec<Upload>,
    write: F,
) -> AppResult<T>
where
    F: FnOnce(&mut crate::db::DbConn, &[Upload]) -> AppResult<T> + Send + 'static,
    T: Send + 'static,
{
    let store = state.store.clone();
    let db = state.db.clone();
    web::block(move || {
        let _hold = store.hold();
        for u in &uploads {
            store
                .put(&u.image)
                .map_err(|e| AppError::internal(format!("storing upload: {e}")))?;
        }
        let mut conn = db.get()?;
        write(&mut conn, &uploads)
    })
    .await
    .map_err(AppError::internal)?
}
