//! The clean-up of a request whose rows were not written, and the check after a commit that
//! the objects it found already present are still there.

use object_store::path::Path as Key;
use object_store::PutPayload;
use std::future::Future;

use super::images::DesignImage;
use super::store::{hash_of, FileStore, StoreError, Variant};

impl FileStore {
    /// Removes objects a request created for rows that were never written, except those
    /// whose hash a row references by now (a concurrent request that found them present and
    /// committed). Runs under the exclusive hold, so no request of this process is between
    /// finding such an object and committing its row; across replicas the remaining window
    /// is closed by the other request's check after its commit ([`FileStore::restore`]).
    pub async fn remove_unreferenced<F, Fut>(&self, keys: &[Key], mut referenced: F) -> usize
    where
        F: FnMut(String) -> Fut,
        Fut: Future<Output = Result<bool, String>>,
    {
        let mut by_hash: std::collections::BTreeMap<String, Vec<&Key>> = Default::default();
        for key in keys {
            if let Some(sha) = hash_of(key) {
                by_hash.entry(sha).or_default().push(key);
            }
        }
        if by_hash.is_empty() {
            return 0;
        }
        let _exclusive = self.exclusive().await;
        let mut removed = 0;
        for (sha, keys) in by_hash {
            match referenced(sha.clone()).await {
                Ok(false) => {}
                Ok(true) => continue,
                Err(e) => {
                    tracing::warn!(sha, error = %e, "cannot check references; objects kept");
                    continue;
                }
            }
            for key in keys {
                match self.delete(key).await {
                    Ok(()) => removed += 1,
                    Err(e) => tracing::warn!(%key, error = %e, "cannot remove an unused object"),
                }
            }
        }
        removed
    }

    /// After a commit: puts back any of `keys` (objects the request found already present)
    /// that another replica removed in the meantime, from the request's own images.
    pub async fn restore(
        &self,
        images: &[&DesignImage],
        keys: &[Key],
    ) -> Result<usize, StoreError> {
        let mut restored = 0;
        for key in keys {
            if self.exists(key).await? {
                continue;
            }
            let Some(bytes) = images.iter().find_map(|img| bytes_of(img, key)) else {
                continue;
            };
            self.put_one(key.clone(), PutPayload::from(bytes)).await?;
            tracing::warn!(%key, "object removed by another process while referenced; put back");
            restored += 1;
        }
        Ok(restored)
    }
}

/// The bytes of the variant of `image` stored under `key`, if it is one of its keys.
fn bytes_of(image: &DesignImage, key: &Key) -> Option<Vec<u8>> {
    [
        (Variant::Original, image.ext(), &image.original),
        (Variant::Display, image.display_ext(), &image.display),
        (Variant::Thumb, image.display_ext(), &image.thumb),
    ]
    .into_iter()
    .find(|(variant, ext, _)| FileStore::key(&image.sha256, *variant, ext).as_ref() == Some(key))
    .map(|(_, _, bytes)| bytes.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::store::tests::image;

    #[tokio::test]
    async fn only_unreferenced_objects_are_removed_and_missing_ones_restored() {
        let store = FileStore::memory().unwrap();
        let (a, b) = (image(1), image(2));
        let created_a = store.put(&a).await.unwrap().created;
        let created_b = store.put(&b).await.unwrap().created;
        let keys: Vec<Key> = created_a.iter().chain(&created_b).cloned().collect();
        let kept = b.sha256.clone();
        let removed = store
            .remove_unreferenced(&keys, |sha| {
                let kept = kept.clone();
                async move { Ok(sha == kept) }
            })
            .await;
        assert_eq!(removed, 3);
        assert!(!store.exists(&created_a[0]).await.unwrap());
        assert!(store.exists(&created_b[0]).await.unwrap());
        // A request that had found `a` present puts back what was removed under it.
        assert_eq!(store.restore(&[&a], &created_a).await.unwrap(), 3);
        assert_eq!(
            store.get(&a.sha256, Variant::Display, "png").await.unwrap(),
            vec![4, 5]
        );
        assert_eq!(store.restore(&[&a], &created_a).await.unwrap(), 0);
        assert_eq!(hash_of(&Key::from("tmp/x.png")), None);
        assert_eq!(hash_of(&created_a[2]), Some(a.sha256.clone()));
    }
}
