//! The catalogue served by `GET /api/v1/rules`: every rule of the active profile with its
//! title, what is checked, its severities and the sources it rests on, so merchants can read
//! the rules the service applies.

use super::profile::{EnforcedBy, Thresholds, META};
use super::{Profile, ProfileRef};
use crate::spec::Severity;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Catalogue {
    pub profile: ProfileRef,
    /// The jurisdiction the profile is for.
    pub name: String,
    pub thresholds: Thresholds,
    /// R15's banned terms.
    pub blocklist: Vec<String>,
    pub rules: Vec<CatalogueRule>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CatalogueRule {
    /// `R1`, `T1`, `L2`, …
    pub id: String,
    pub title: String,
    /// What is checked, in Chinese.
    pub check: String,
    /// The most severe outcome (`null` for rules enforced outside the check).
    pub severity: Option<Severity>,
    pub enforced_by: EnforcedBy,
    pub codes: Vec<CatalogueCode>,
    pub sources: Vec<CatalogueSource>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct CatalogueCode {
    pub code: String,
    pub severity: Severity,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct CatalogueSource {
    /// `S1` … `S5`.
    pub id: String,
    pub title: String,
    pub quote: String,
}

/// Every rule of the profile, in catalogue order.
pub fn catalogue(profile: &Profile) -> Catalogue {
    let rules = META
        .iter()
        .filter_map(|meta| {
            let def = profile.rule(meta.id)?;
            let mut codes: Vec<CatalogueCode> = Vec::new();
            for mm in meta.messages {
                let Some(msg) = def.messages.get(mm.key) else {
                    continue;
                };
                match codes.iter_mut().find(|c| c.code == mm.code) {
                    Some(c) => c.severity = c.severity.max(msg.severity),
                    None => codes.push(CatalogueCode {
                        code: mm.code.to_string(),
                        severity: msg.severity,
                    }),
                }
            }
            let sources = def
                .sources
                .iter()
                .filter_map(|id| {
                    let s = profile.sources().get(id)?;
                    Some(CatalogueSource {
                        id: id.clone(),
                        title: s.title.clone(),
                        quote: s.quote.clone(),
                    })
                })
                .collect();
            Some(CatalogueRule {
                id: meta.id.to_string(),
                title: def.title.clone(),
                check: def.check.clone(),
                severity: codes.iter().map(|c| c.severity).max(),
                enforced_by: meta.enforced_by,
                codes,
                sources,
            })
        })
        .collect();
    Catalogue {
        profile: ProfileRef::of(profile),
        name: profile.name().to_string(),
        thresholds: profile.thresholds().clone(),
        blocklist: profile.blocklist().to_vec(),
        rules,
    }
}
