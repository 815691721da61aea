//! One page per route, grouped by domain area.

pub mod admin;
pub mod consultations;
mod home;
mod login;
mod not_found;
pub mod plans;
mod query;
pub mod referrals;
pub mod registry;
pub mod rotations;

pub use home::HomePage;
pub use login::LoginPage;
pub use not_found::NotFoundPage;
