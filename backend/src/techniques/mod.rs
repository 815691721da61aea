//! Techniques: the catalogue (danh mục kỹ thuật), the coverage of a facility's level, and
//! the regional specialty networks that routing prefers.

pub mod demo;
pub mod repo;
pub mod routes;
pub mod service;
