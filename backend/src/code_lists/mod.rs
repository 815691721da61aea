//! Reference code lists shipped with the server (`backend/reference/`), loaded once and searched in
//! memory: the Ministry of Health's Vietnamese ICD-10 list.

pub mod icd10;
pub mod routes;
