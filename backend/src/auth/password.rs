//! Argon2id password hashing.

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use crate::error::ApiError;

/// Hashes a password with Argon2id (the crate's default parameters) and a random salt.
pub fn hash(password: &str) -> Result<String, ApiError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(ApiError::internal)
}

/// Whether `password` matches the stored PHC string.
pub fn verify(stored: &str, password: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A valid hash of no password anyone knows, verified against when the username does
/// not exist so that a wrong username and a wrong password take the same time.
pub fn dummy_hash() -> &'static str {
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0kWjzY1hbS8o0FQ2bSsk1qdTjU0qZ2gA0q9bWcSx6mI"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_verifies_only_the_same_password() -> Result<(), ApiError> {
        let stored = hash("thuanan2026")?;
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify(&stored, "thuanan2026"));
        assert!(!verify(&stored, "thuanan2027"));
        assert!(!verify("not a hash", "x"));
        assert!(!verify(dummy_hash(), "thuanan2026"));
        Ok(())
    }

    #[test]
    fn the_dummy_hash_costs_what_a_real_one_does() -> Result<(), ApiError> {
        // An unknown username must take argon2's full time: the dummy parses (a hash
        // that did not would be refused at once) with the parameters of a real hash.
        let real = hash("thuanan2026")?;
        let real = PasswordHash::new(&real).map_err(ApiError::internal)?;
        let dummy = PasswordHash::new(dummy_hash()).map_err(ApiError::internal)?;
        assert_eq!(dummy.algorithm, real.algorithm);
        assert_eq!(dummy.version, real.version);
        assert_eq!(dummy.params, real.params);
        assert_eq!(
            dummy.hash.map(|output| output.len()),
            real.hash.map(|output| output.len())
        );
        Ok(())
    }
}
