//! Authentication (passwords, JWTs, refresh tokens, API tokens), the signed-in
//! [`Principal`] with its facility scope, the one authorization policy, and the
//! account resources (users, integration clients).

pub mod jwt;
pub mod password;
pub mod policy;
pub mod principal;
pub mod repo;
pub mod routes;
pub mod service;
pub mod setup;
pub mod throttle;
pub mod tokens;

pub use policy::{Action, authorize};
pub use principal::{Actor, FacilityScope, Principal, SelfService};
