//! Opaque random tokens (refresh tokens, API tokens), stored only as SHA-256 hashes.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Prefix that marks an integration client's API token.
pub const API_TOKEN_PREFIX: &str = "tyn_";

/// 32 random bytes, base64url.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A new API token: `tyn_` + random.
pub fn new_api_token() -> String {
    format!("{API_TOKEN_PREFIX}{}", random_token())
}

/// Hex SHA-256, what the database keeps of a token (or of a request body).
pub fn sha256_hex(text: &[u8]) -> String {
    hex::encode(Sha256::digest(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashes_stable() {
        assert_ne!(random_token(), random_token());
        assert!(new_api_token().starts_with("tyn_"));
        assert_eq!(sha256_hex(b"a"), sha256_hex(b"a"));
        assert_eq!(sha256_hex(b"a").len(), 64);
    }
}
