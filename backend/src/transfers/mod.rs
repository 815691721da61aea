//! Technique transfer (chuyển giao kỹ thuật): responsibility agreements between a
//! transferring and a receiving facility, stepped through the shared agreement
//! workflow, with trainees, training sessions and attendance, the receiving facility's
//! readiness checklist, the sign-off by both sides that makes the technique performed
//! there, six-monthly reviews and the trainees' retention.

pub mod demo;
pub mod repo;
pub mod routes;
pub mod service;
