//! Checking a sign: the active rule profile and the shipped fonts together. A spec without a
//! layout gets a composed one first, and the rules measure text with the same fonts the
//! preview draws with, so preview and check never disagree.

use serde::Serialize;
use std::sync::{Arc, RwLock};
use utoipa::ToSchema;

use crate::render::{self, Fonts, PreviewCache};
use crate::rules::{self, Profile, TermBase, ValidSpec};
use crate::spec::{DesignInfo, Finding, Layout, SignSpec, Verdict};

/// The outcome of checking one revision: the layout that was checked (given or composed)
/// and the findings.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Evaluation {
    pub layout: Option<Layout>,
    pub verdict: Verdict,
    pub findings: Vec<Finding>,
    pub profile: crate::rules::ProfileRef,
}

pub struct Engine {
    profile: Profile,
    fonts: Arc<Fonts>,
    previews: PreviewCache,
    /// The approved terms T3 checks against; replaced whole when the term base changes.
    terms: RwLock<Arc<TermBase>>,
}

impl Engine {
    pub fn new(profile: Profile, fonts: Arc<Fonts>) -> Engine {
        Engine {
            profile,
            fonts,
            previews: PreviewCache::new(128),
            terms: RwLock::new(Arc::new(TermBase::default())),
        }
    }

    /// The approved terms the checks use from now on.
    pub fn set_terms(&self, terms: Arc<TermBase>) {
        match self.terms.write() {
            Ok(mut guard) => *guard = terms,
            Err(poisoned) => *poisoned.into_inner() = terms,
        }
    }

    /// The approved terms the checks use now.
    pub fn terms(&self) -> Arc<TermBase> {
        match self.terms.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// R2 and R2a on a Mongolian text alone, measured with the shipped fonts.
    pub fn mongolian_findings(&self, mn: &str) -> Vec<Finding> {
        rules::mongolian_findings(mn, self.fonts.as_ref(), &self.profile)
    }

    /// The shipped fonts (shared with the PDF documents).
    pub fn fonts(&self) -> &Arc<Fonts> {
        &self.fonts
    }

    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// The spec's own layout, or one composed for it.
    pub fn layout_for(&self, spec: &SignSpec) -> Layout {
        render::layout_of(spec, &self.fonts).into_owned()
    }

    /// Every finding for a spec that passed `rules::validate`.
    pub fn evaluate(&self, spec: &ValidSpec, designs: &[DesignInfo]) -> Evaluation {
        let layout = self.layout_for(spec);
        let checked = SignSpec {
            layout: Some(layout.clone()),
            ..spec.spec().clone()
        };
        let terms = self.terms();
        let report = rules::check_with_terms(
            &checked,
            designs,
            self.fonts.as_ref(),
            &self.profile,
            &terms,
        );
        Evaluation {
            layout: Some(layout),
            verdict: report.verdict,
            findings: report.findings,
            profile: report.profile,
        }
    }

    /// The PNG preview of a spec (its layout, or a composed one), from the cache when the same
    /// picture was drawn before.
    pub fn preview_png(
        &self,
        spec: &ValidSpec,
        long_side_px: u32,
    ) -> Result<Arc<Vec<u8>>, render::RenderError> {
        self.previews.get_or_render(spec, &self.fonts, long_side_px)
    }

    /// Previews answered from the cache and drawn, for metrics.
    pub fn preview_stats(&self) -> render::PreviewCacheStats {
        self.previews.stats()
    }
}
