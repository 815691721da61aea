//! Demo plans (filled in below).
