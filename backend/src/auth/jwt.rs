//! HS256 access tokens.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use shared::message::Message;

/// What an access token says. Only `sub` is trusted for identity; role and facility are
/// re-read from the database on every request, so a change takes effect at once.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// User id.
    pub sub: String,
    /// Role at issue time (informational).
    pub role: String,
    /// Facility at issue time (informational).
    pub fac: i64,
    /// Issued at (Unix seconds).
    pub iat: i64,
    /// Expires at (Unix seconds).
    pub exp: i64,
}

/// Signing and verifying keys.
#[derive(Clone)]
pub struct Keys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl Keys {
    /// Keys from the shared secret.
    pub fn new(secret: &[u8]) -> Keys {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 5;
        validation.set_required_spec_claims(&["exp", "sub"]);
        Keys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
        }
    }

    /// Signs claims.
    pub fn sign(&self, claims: &Claims) -> Result<String, ApiError> {
        encode(&Header::new(Algorithm::HS256), claims, &self.encoding).map_err(ApiError::internal)
    }

    /// Verifies signature, algorithm and expiry.
    pub fn verify(&self, token: &str) -> Result<Claims, ApiError> {
        decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|error| {
                ApiError::unauthorized(match error.kind() {
                    jsonwebtoken::errors::ErrorKind::ExpiredSignature => Message::SessionExpired,
                    _ => Message::InvalidAccessToken,
                })
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(exp: i64) -> Claims {
        Claims {
            sub: "7".into(),
            role: "planner".into(),
            fac: 1,
            iat: 0,
            exp,
        }
    }

    #[test]
    fn tokens_verify_only_with_the_same_secret_and_before_expiry() -> Result<(), ApiError> {
        let keys = Keys::new(b"0123456789abcdef0123456789abcdef");
        let future = chrono::Utc::now().timestamp() + 600;
        let token = keys.sign(&claims(future))?;
        assert_eq!(keys.verify(&token)?.sub, "7");
        let other = Keys::new(b"another-secret-another-secret-xx");
        assert!(other.verify(&token).is_err());
        let expired = keys.sign(&claims(chrono::Utc::now().timestamp() - 600))?;
        assert!(keys.verify(&expired).is_err());
        // alg: none with the same payload is refused.
        let mut parts = token.split('.');
        let _header = parts.next();
        let payload = parts.next().unwrap_or_default();
        let none_header = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0";
        assert!(keys.verify(&format!("{none_header}.{payload}.")).is_err());
        Ok(())
    }
}
