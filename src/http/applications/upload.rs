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
use crate::storage::{BudgetError, PutOutcome, StoreError};

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

/// A store failure as the client sees it: a missing object is 404, anything else 503.
pub fn storage_error(e: StoreError) -> AppError {
    match e {
        StoreError::NotFound(key) => {
            tracing::warn!(key, "a referenced object is missing from the store");
            AppError::not_found()
        }
        StoreError::Unavailable(_) => AppError::storage(e),
    }
}

/// Stores the images (each object only if absent), then runs `write`; nothing is referenced
/// by a row before its objects are stored, and when storing fails no row is written (503).
/// When `write` fails, the objects this request created are removed unless a row references
/// their hash by now; after a commit, objects the request found already present are checked
/// and put back if another replica removed them meanwhile (see `FileStore::restore`). The
/// store is held from the first object written to that check, so no deletion of this process
/// (the sweeper, another request's clean-up) falls in between; across replicas the sweeper's
/// age rule and the check after the commit are the safety net.
pub async fn store_then<T, F>(
    state: &web::Data<AppState>,
    uploads: Vec<Upload>,
    write: F,
) -> AppResult<T>
where
    F: FnOnce(&mut crate::db::DbConn, &[Upload]) -> AppResult<T> + Send + 'static,
    T: Send + 'static,
{
    let hold = state.store.hold().await;
    let mut stored = PutOutcome::default();
    for u in &uploads {
        match state.store.put(&u.image).await {
            Ok(outcome) => extend(&mut stored, outcome),
            Err((e, outcome)) => {
                extend(&mut stored, outcome);
                drop(hold);
                remove_created(state, &stored.created).await;
                return Err(storage_error(e));
            }
        }
    }
    let db = state.db.clone();
    let (written, uploads) = web::block(move || {
        let written = db
            .get()
            .map_err(AppError::from)
            .and_then(|mut conn| write(&mut conn, &uploads));
        (written, uploads)
    })
    .await
    .map_err(AppError::internal)?;
    match written {
        Ok(value) => {
            let images: Vec<_> = uploads.iter().map(|u| &u.image).collect();
            if let Err(e) = state.store.restore(&images, &stored.existing).await {
                tracing::error!(error = %e, "cannot check the objects a committed row references");
            }
            drop(hold);
            Ok(value)
        }
        Err(e) => {
            drop(hold);
            remove_created(state, &stored.created).await;
            Err(e)
        }
    }
}

fn extend(into: &mut PutOutcome, outcome: PutOutcome) {
    into.created.extend(outcome.created);
    into.existing.extend(outcome.existing);
}

/// Removes the objects this request created, except those a row references by now.
async fn remove_created(state: &web::Data<AppState>, created: &[object_store::path::Path]) {
    let db = state.db.clone();
    state
        .store
        .remove_unreferenced(created, move |sha| {
            let db = db.clone();
            async move {
                db.run(move |conn| crate::applications::repo::sha_referenced(conn, &sha))
                    .await
                    .map_err(|e| e.to_string())
            }
        })
        .await;
}
