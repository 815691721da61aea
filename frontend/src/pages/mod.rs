//! One page per route, grouped by domain area.

pub mod admin;
mod change_password;
pub mod consultations;
mod home;
mod login;
mod not_found;
pub mod plans;
pub(crate) mod query;
pub mod referrals;
pub mod registry;
pub mod rotations;
// Supervision and quality criteria.
pub mod supervision;
// Technique transfer.
pub mod transfers;

pub use change_password::ChangePasswordPage;
pub use home::HomePage;
pub use login::LoginPage;
pub use not_found::NotFoundPage;
