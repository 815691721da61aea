//! Rebuilds when a migration is added or changed: `embed_migrations!` reads the
//! `migrations/` folders at compile time, but cargo does not watch them by itself.
fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
