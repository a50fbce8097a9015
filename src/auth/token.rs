//! Access tokens: HS256 JWTs with `sub`, `role`, `iat`, `exp` (12 h) and `iss`.

use chrono::{DateTime, Utc};
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use super::Role;

pub const ISSUER: &str = "signboard";
pub const LIFETIME_SECS: i64 = 12 * 3600;

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub role: Role,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
}

#[derive(Clone)]
pub struct Keys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl Keys {
    pub fn new(secret: &[u8]) -> Self {
        Keys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
        }
    }

    pub fn issue(
        &self,
        user_id: &str,
        role: Role,
        now: DateTime<Utc>,
    ) -> Result<(String, DateTime<Utc>), String> {
        let exp = now + chrono::Duration::seconds(LIFETIME_SECS);
        let claims = Claims {
            sub: user_id.to_owned(),
            role,
            iat: now.timestamp(),
            exp: exp.timestamp(),
            iss: ISSUER.to_owned(),
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map(|t| (t, exp))
            .map_err(|e| e.to_string())
    }

    /// The claims of a valid, unexpired token of ours.
    pub fn verify(&self, token: &str) -> Option<Claims> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "iss", "sub"]);
        validation.leeway = 0;
        decode::<Claims>(token, &self.decoding, &validation)
            .ok()
            .map(|d| d.claims)
    }
}
