//! A text's natural shape at a font size of 1 mm, and the stretched lengths that equalise the
//! Mongolian and Chinese text areas (see the composer).

use super::fonts::Fonts;
use super::raster::LINE_PITCH_EM;
use crate::spec::{Fit, Orientation, Script, TextMeasurer};

/// A text's shape at a font size of 1 mm: longest line and extent across, in em.
#[derive(Debug, Clone, Copy)]
pub(super) struct Natural {
    pub longest: f64,
    pub across: f64,
}

impl Natural {
    pub fn of(fonts: &Fonts, script: Script, text: &str, orientation: Orientation) -> Natural {
        let m = fonts.measure(script, text, orientation, 1.0);
        let longest = m
            .line_lengths_mm
            .iter()
            .copied()
            .filter(|v| v.is_finite())
            .fold(0.0f64, f64::max);
        let lines = m.line_lengths_mm.len().max(1) as f64;
        Natural {
            longest,
            across: 1.0 + LINE_PITCH_EM * (lines - 1.0),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.longest <= 1e-9
    }
}

/// The length of each block along its lines (em), and whether it stretches.
pub(super) struct Lengths {
    pub mn: f64,
    pub zh: f64,
    pub mn_fit: Fit,
    pub zh_fit: Fit,
}

/// The lengths that make the two text areas equal (R7), within stretch factors 0.5–2.0.
pub(super) fn solve_lengths(mn: Natural, zh: Natural) -> Lengths {
    match (mn.is_empty(), zh.is_empty()) {
        (false, false) => {
            let ratio = (mn.longest * mn.across) / (zh.longest * zh.across);
            let s_mn = (1.0 / ratio.sqrt()).clamp(0.5, 2.0);
            let s_zh = ratio.sqrt().clamp(0.5, 2.0);
            Lengths {
                mn: mn.longest * s_mn,
                zh: zh.longest * s_zh,
                mn_fit: Fit::Stretch,
                zh_fit: Fit::Stretch,
            }
        }
        // An empty text (a translation still pending) keeps a box the size of the other.
        (true, false) => Lengths {
            mn: zh.longest,
            zh: zh.longest,
            mn_fit: Fit::None,
            zh_fit: Fit::None,
        },
        (false, true) => Lengths {
            mn: mn.longest,
            zh: mn.longest,
            mn_fit: Fit::None,
            zh_fit: Fit::None,
        },
        (true, true) => Lengths {
            mn: 1.0,
            zh: 1.0,
            mn_fit: Fit::None,
            zh_fit: Fit::None,
        },
    }
}
