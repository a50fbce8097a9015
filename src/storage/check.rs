//! `storage check`: every object a row references is there; objects no row references are
//! listed (the sweeper removes them once they are old).

use object_store::path::Path as Key;
use std::collections::BTreeSet;

use super::images::{display_ext, DesignFormat};
use super::store::{FileStore, StoreError, Variant};

/// What a check found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckReport {
    /// Objects the rows reference.
    pub referenced: usize,
    /// Referenced objects that are not in the store.
    pub missing: Vec<String>,
    /// Stored objects no row references.
    pub orphans: Vec<String>,
}

impl std::fmt::Display for CheckReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for key in &self.missing {
            writeln!(f, "missing {key}")?;
        }
        for key in &self.orphans {
            writeln!(f, "orphan {key}")?;
        }
        write!(
            f,
            "{} referenced object(s), {} missing, {} orphan(s)",
            self.referenced,
            self.missing.len(),
            self.orphans.len()
        )
    }
}

/// The keys of the objects one attachment row references (its original, display copy and
/// thumbnail).
pub fn keys_of(sha: &str, content_type: &str) -> Vec<Key> {
    let Some(format) = DesignFormat::from_content_type(content_type) else {
        return Vec::new();
    };
    [
        (Variant::Original, format.ext()),
        (Variant::Display, display_ext(format)),
        (Variant::Thumb, display_ext(format)),
    ]
    .into_iter()
    .filter_map(|(variant, ext)| FileStore::key(sha, variant, ext))
    .collect()
}

impl FileStore {
    /// Compares the store with the rows' `(sha256, content_type)` pairs.
    pub async fn check(&self, rows: &[(String, String)]) -> Result<CheckReport, StoreError> {
        let expected: BTreeSet<Key> = rows
            .iter()
            .flat_map(|(sha, content_type)| keys_of(sha, content_type))
            .collect();
        let stored: BTreeSet<Key> = self
            .list()
            .await?
            .into_iter()
            .map(|meta| meta.location)
            .collect();
        let orphans = stored
            .difference(&expected)
            .map(ToString::to_string)
            .collect();
        Ok(CheckReport {
            referenced: expected.len(),
            missing: expected
                .difference(&stored)
                .map(ToString::to_string)
                .collect(),
            orphans,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn reports_missing_and_orphan_objects() {
        let store = FileStore::memory().unwrap();
        let kept = crate::storage::store::tests::image(3);
        let orphan = crate::storage::store::tests::image(4);
        store.put(&kept).await.unwrap();
        let orphan_keys = store.put(&orphan).await.unwrap().created;
        let gone = "ee".repeat(32);
        let rows = vec![
            (kept.sha256.clone(), "image/png".to_owned()),
            (gone.clone(), "image/jpeg".to_owned()),
        ];
        let report = store.check(&rows).await.unwrap();
        assert_eq!(report.referenced, 6);
        assert_eq!(
            report.missing,
            vec![
                format!("ee/{gone}.display.jpg"),
                format!("ee/{gone}.jpg"),
                format!("ee/{gone}.thumb.jpg"),
            ]
        );
        let mut expected: Vec<String> = orphan_keys.iter().map(ToString::to_string).collect();
        expected.sort();
        assert_eq!(report.orphans, expected);
        assert!(report
            .to_string()
            .ends_with("6 referenced object(s), 3 missing, 3 orphan(s)"));
    }
}
