//! Argon2id password hashes (PHC strings, parameters stored with each hash).
//!
//! Argon2's working memory (19 MiB) is kept by each thread that hashes and reused from one
//! run to the next. Allocating and freeing it per run made the allocator keep a copy in every
//! arena that ever served one, so RSS grew by 19 MiB per run until all arenas held one (over
//! 1 GiB after a flood of registrations, whatever bounded the runs at once).

use argon2::password_hash::{rand_core::OsRng, Output, PasswordHash, Salt, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use std::cell::RefCell;

/// OWASP's Argon2id setting: 19 MiB, 2 passes, 1 lane.
pub const DEFAULT_MEMORY_KIB: u32 = 19 * 1024;

thread_local! {
    static BLOCKS: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Gives back this thread's Argon2 memory (for threads that hash once, e.g. at start-up).
pub fn release_thread_memory() {
    BLOCKS.with_borrow_mut(|blocks| *blocks = Vec::new());
}

/// Argon2 `argon` over `password` and `salt`, in this thread's reused memory.
fn output(
    argon: &Argon2<'_>,
    params: &Params,
    password: &[u8],
    salt: Salt<'_>,
) -> argon2::password_hash::Result<Output> {
    let mut salt_buf = [0u8; 64];
    let salt = salt.decode_b64(&mut salt_buf)?;
    let len = params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN);
    BLOCKS.with_borrow_mut(|blocks| {
        if blocks.len() < params.block_count() {
            blocks.resize(params.block_count(), Block::default());
        }
        Output::init_with(len, |out| {
            argon
                .hash_password_into_with_memory(password, salt, out, &mut blocks[..])
                .map_err(Into::into)
        })
    })
}

#[derive(Clone, Copy, Debug)]
pub struct Hasher {
    memory_kib: u32,
}

impl Hasher {
    pub fn new(memory_kib: u32) -> Self {
        Hasher { memory_kib }
    }

    pub fn hash(&self, password: &str) -> Result<String, String> {
        let params = Params::new(self.memory_kib, 2, 1, None).map_err(|e| e.to_string())?;
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
        let salt = SaltString::generate(&mut OsRng);
        let hash = output(&argon, &params, password.as_bytes(), salt.as_salt())
            .map_err(|e| e.to_string())?;
        let phc = PasswordHash {
            algorithm: Algorithm::Argon2id.ident(),
            version: Some(Version::V0x13.into()),
            params: (&params).try_into().map_err(|e| format!("{e}"))?,
            salt: Some(salt.as_salt()),
            hash: Some(hash),
        };
        Ok(phc.to_string())
    }

    /// Whether `password` matches `hash`; a malformed hash never matches. The parameters
    /// come from the hash itself.
    pub fn verify(&self, password: &str, hash: &str) -> bool {
        let Ok(parsed) = PasswordHash::new(hash) else {
            return false;
        };
        let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
            return false;
        };
        let (Ok(algorithm), Ok(params)) = (
            Algorithm::try_from(parsed.algorithm),
            Params::try_from(&parsed),
        ) else {
            return false;
        };
        let version = match parsed.version.map(Version::try_from) {
            None => Version::default(),
            Some(Ok(v)) => v,
            Some(Err(_)) => return false,
        };
        let argon = Argon2::new(algorithm, version, params.clone());
        // `Output`'s equality is constant-time.
        output(&argon, &params, password.as_bytes(), salt).is_ok_and(|got| got == expected)
    }

    /// A hash of a password nobody knows, made once at start: unknown users are verified
    /// against it, so a login costs one verification whether or not the user exists.
    pub fn dummy_hash(&self) -> Result<String, String> {
        self.hash(&super::random_password())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::PasswordVerifier;

    #[test]
    fn hashes_are_standard_argon2id_and_verify_both_ways() {
        let hasher = Hasher::new(256);
        let hash = hasher.hash("correct horse").unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=256,t=2,p=1$"), "{hash}");
        assert!(hasher.verify("correct horse", &hash));
        assert!(!hasher.verify("correct horsE", &hash));
        assert!(!hasher.verify("correct horse", "not a hash"));
        // The argon2 crate's own verifier agrees, and ours accepts its hashes.
        let parsed = PasswordHash::new(&hash).unwrap();
        assert!(Argon2::default()
            .verify_password(b"correct horse", &parsed)
            .is_ok());
        use argon2::PasswordHasher;
        let theirs = Argon2::default()
            .hash_password(b"pw-12345", &SaltString::generate(&mut OsRng))
            .unwrap()
            .to_string();
        assert!(hasher.verify("pw-12345", &theirs));
        assert!(!hasher.verify("pw-12346", &theirs));
    }
}
