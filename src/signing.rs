//! The office's seal for verification records: an Ed25519 key (generated once into the data
//! dir, mode 0600, or given as the base64url of its 32-byte seed), the canonical form of a
//! record (compact JSON with sorted keys) and the random tokens printed in QR codes.
//!
//! Pure: no database, no HTTP.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ed25519_dalek::{Signer as _, SigningKey};
use rand::RngCore;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::path::Path;

/// The file in the data dir holding the generated seed (base64url).
pub const KEY_FILE: &str = "signing_key";

/// Bytes of randomness in a verification token (96 bits).
pub const TOKEN_BYTES: usize = 12;

/// The key that signs verification records. Its seed never appears in `Debug` output.
pub struct Seal {
    key: SigningKey,
}

impl std::fmt::Debug for Seal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Seal")
            .field("public_key", &self.public_key())
            .finish_non_exhaustive()
    }
}

/// Why the key cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("the signing key is not the base64url of a 32-byte Ed25519 seed")]
    BadSeed,
    #[error("cannot read or write {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

impl Seal {
    /// The key of a base64url 32-byte seed (as `SIGNBOARD_SIGNING_KEY` gives it).
    pub fn from_seed_b64(seed: &str) -> Result<Seal, SealError> {
        let bytes = URL_SAFE_NO_PAD
            .decode(seed.trim().trim_end_matches('='))
            .map_err(|_| SealError::BadSeed)?;
        let seed: [u8; 32] = bytes.try_into().map_err(|_| SealError::BadSeed)?;
        Ok(Seal {
            key: SigningKey::from_bytes(&seed),
        })
    }

    /// The key kept in `dir/signing_key`, generated (mode 0600) when the file is absent.
    pub fn load_or_generate(dir: &Path) -> Result<Seal, SealError> {
        let path = dir.join(KEY_FILE);
        let io = |source| SealError::Io {
            path: path.display().to_string(),
            source,
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => return Seal::from_seed_b64(&text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(e)),
        }
        let mut seed = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut seed);
        crate::write_private(&path, URL_SAFE_NO_PAD.encode(seed).as_bytes()).map_err(io)?;
        Ok(Seal {
            key: SigningKey::from_bytes(&seed),
        })
    }

    /// The base64url of the 32 raw bytes of the public key.
    pub fn public_key(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.key.verifying_key().to_bytes())
    }

    /// The base64url Ed25519 signature of `canonical`'s UTF-8 bytes.
    pub fn sign(&self, canonical: &str) -> String {
        URL_SAFE_NO_PAD.encode(self.key.sign(canonical.as_bytes()).to_bytes())
    }
}

/// The canonical text of a JSON value: compact, object keys sorted by their UTF-8 bytes at
/// every level, strings escaped as serde_json escapes them.
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                if let Some(v) = map.get(k) {
                    write_canonical(v, out);
                }
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(v, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// A new random verification token: [`TOKEN_BYTES`] random bytes as base64url (16 characters).
pub fn new_token() -> String {
    let mut bytes = [0u8; TOKEN_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// How a token is looked up: the hex SHA-256 of its text (an index on it answers in the same
/// few steps whether or not the token exists).
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Whether `s` could be a token at all (16 base64url characters).
pub fn is_token_shaped(s: &str) -> bool {
    s.len() == 16
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The licence number as published: the first 8 and the last 2 characters, the rest as `*`.
pub fn mask_licence(licence: &str) -> String {
    let chars: Vec<char> = licence.chars().collect();
    if chars.len() <= 10 {
        return "*".repeat(chars.len());
    }
    let hidden = chars.len() - 10;
    chars[..8]
        .iter()
        .chain(std::iter::repeat_n(&'*', hidden))
        .chain(&chars[chars.len() - 2..])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_json_sorts_keys_at_every_level() {
        let v = serde_json::json!({"b": 1, "a": {"z": "汉", "c": [2, {"y": null, "x": true}]}});
        assert_eq!(
            canonical_json(&v),
            r#"{"a":{"c":[2,{"x":true,"y":null}],"z":"汉"},"b":1}"#
        );
    }

    #[test]
    fn the_licence_is_masked_but_its_ends() {
        assert_eq!(mask_licence("91350100M000100Y43"), "91350100********43");
    }

    #[test]
    fn tokens_are_random_and_shaped() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert!(is_token_shaped(&a) && is_token_shaped(&b));
        assert!(!is_token_shaped("short"));
    }

    #[test]
    fn a_seed_round_trips_and_signs() {
        let seal = Seal::from_seed_b64(&URL_SAFE_NO_PAD.encode([7u8; 32])).unwrap();
        let sig = URL_SAFE_NO_PAD.decode(seal.sign("x")).unwrap();
        assert_eq!(sig.len(), 64);
        assert!(Seal::from_seed_b64("abc").is_err());
    }
}
