//! Argon2id password hashes (PHC strings, parameters stored with each hash).

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Params, PasswordVerifier, Version};

/// OWASP's Argon2id setting: 19 MiB, 2 passes, 1 lane.
pub const DEFAULT_MEMORY_KIB: u32 = 19 * 1024;

#[derive(Clone, Copy, Debug)]
pub struct Hasher {
    memory_kib: u32,
}

impl Hasher {
    pub fn new(memory_kib: u32) -> Self {
        Hasher { memory_kib }
    }

    fn argon2(&self) -> Result<Argon2<'static>, String> {
        let params = Params::new(self.memory_kib, 2, 1, None).map_err(|e| e.to_string())?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }

    pub fn hash(&self, password: &str) -> Result<String, String> {
        let salt = SaltString::generate(&mut OsRng);
        self.argon2()?
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| e.to_string())
    }

    /// Whether `password` matches `hash`; a malformed hash never matches.
    pub fn verify(&self, password: &str, hash: &str) -> bool {
        let Ok(parsed) = PasswordHash::new(hash) else {
            return false;
        };
        // The parameters come from the hash itself.
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    }

    /// A hash of a password nobody knows, made once at start: unknown users are verified
    /// against it, so a login costs one verification whether or not the user exists.
    pub fn dummy_hash(&self) -> Result<String, String> {
        self.hash(&super::random_password())
    }
}
