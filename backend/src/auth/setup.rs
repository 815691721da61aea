//! Setup mode: a database without any admin is completed from the server's command line
//! (`tuyen create-admin`), never over the network.

use shared::auth::{Role, SetupStatus};
use shared::registry::{FacilityInput, FacilityKind, User};
use shared::validation::{password_strength, username_format};
use validator::Validate;

use super::password;
use super::repo::{self, NewUserRow};
use crate::audit::{self, Entry};
use crate::db::{AnyConn, Db, DbEnum, now, write_tx};
use crate::error::ApiError;
use crate::registry::repo::{self as registry_repo, FacilityChanges};

/// What the sign-in page tells visitors: whether the first admin is still to be
/// created, and whether the database holds the demo network.
pub fn status(conn: &mut AnyConn) -> Result<SetupStatus, ApiError> {
    Ok(SetupStatus {
        needs_admin: !repo::active_admin_exists(conn)?,
        demo: crate::demo::is_loaded(conn)?,
    })
}

/// Code of the facility created for the first admin when none is named.
pub const DEFAULT_FACILITY_CODE: &str = "TTYT";

/// The facility a new admin joins: found by code, or created in an empty database.
#[derive(Debug, Clone)]
pub struct Facility {
    /// Facility code; `None`: the first facility, or `TTYT` in an empty database.
    pub code: Option<String>,
    /// Name, when it is created.
    pub name: String,
    /// Province, when it is created.
    pub province: String,
}

/// Why `tuyen create-admin` refused.
#[derive(Debug, thiserror::Error)]
pub enum CreateAdminError {
    /// The shared rules refused a value: which, and why (in Vietnamese).
    #[error("{0}: {1}")]
    Invalid(&'static str, String),
    /// The username is taken.
    #[error("tên đăng nhập {0} đã có")]
    Taken(String),
    /// The facility code names no facility while others exist.
    #[error("không có cơ sở mã {0}; dùng --facility-code với mã một cơ sở đã có")]
    NoFacility(String),
    /// The database refused.
    #[error("{0}")]
    Db(ApiError),
}

impl From<ApiError> for CreateAdminError {
    fn from(error: ApiError) -> Self {
        CreateAdminError::Db(error)
    }
}

impl From<diesel::result::Error> for CreateAdminError {
    fn from(error: diesel::result::Error) -> Self {
        CreateAdminError::Db(error.into())
    }
}

fn check(
    field: &'static str,
    rule: Result<(), validator::ValidationError>,
) -> Result<(), CreateAdminError> {
    rule.map_err(|error| {
        CreateAdminError::Invalid(field, shared::validation::message(&error, shared::Lang::Vi))
    })
}

/// Creates an admin account typed on the server (its password is the admin's own, so not
/// temporary), in the facility `facility.code`: an empty database gets that facility as a
/// regional health centre (to complete in the SPA); otherwise the code must exist, and
/// without a code the first facility is used. Audited as the system. Answers the user and
/// the facility's name.
pub fn create_admin(
    db: &Db,
    username: &str,
    full_name: &str,
    password: &str,
    facility: &Facility,
) -> Result<(User, String), CreateAdminError> {
    let username = username.trim().to_lowercase();
    check("username", username_format(&username))?;
    check("password", password_strength(password))?;
    let full_name = full_name.trim();
    check("full_name", shared::validation::not_blank(full_name))?;
    let hash = password::hash(password)?;
    let mut conn = db.conn()?;
    write_tx(&mut conn, |conn| {
        if repo::find_user_by_username(conn, &username)?.is_some() {
            return Err(CreateAdminError::Taken(username.clone()));
        }
        let at = now();
        let named = match &facility.code {
            Some(code) => repo::facility_by_code(conn, code)?,
            None => repo::first_facility(conn)?,
        };
        let any_facility = named.is_some() || repo::first_facility(conn)?.is_some();
        let (facility_id, facility_name) = match named {
            Some(found) => found,
            None if any_facility => {
                return Err(CreateAdminError::NoFacility(
                    facility.code.clone().unwrap_or_default(),
                ));
            }
            None => {
                let input = FacilityInput {
                    code: facility
                        .code
                        .clone()
                        .unwrap_or_else(|| DEFAULT_FACILITY_CODE.into()),
                    name: facility.name.trim().to_string(),
                    kind: FacilityKind::RegionalHealthCenter,
                    level: None,
                    supervising_id: None,
                    province: facility.province.trim().to_string(),
                    ward: None,
                    address: None,
                    latitude: None,
                    longitude: None,
                    phone: None,
                    active: true,
                    capabilities: Vec::new(),
                };
                if let Err(errors) = input.validate() {
                    let (field, messages) =
                        shared::validation::field_messages(&errors, shared::Lang::Vi)
                            .into_iter()
                            .next()
                            .unwrap_or_default();
                    return Err(CreateAdminError::Invalid(
                        "facility",
                        format!("{field}: {}", messages.join("; ")),
                    ));
                }
                let id = registry_repo::insert_facility(
                    conn,
                    &FacilityChanges::from_input(&input, 1, at),
                    at,
                )?;
                audit::record_as_user(
                    conn,
                    None,
                    audit::SYSTEM,
                    None,
                    Entry {
                        entity: "facility",
                        entity_id: id.to_string(),
                        action: "create",
                        facility_id: Some(id),
                        changes: audit::snapshot(&input),
                    },
                )?;
                (id, input.name)
            }
        };
        let id = repo::insert_user(
            conn,
            &NewUserRow {
                username: &username,
                password_hash: &hash,
                full_name,
                role: DbEnum(Role::Admin),
                facility_id,
                staff_id: None,
                active: true,
                version: 1,
                created_at: at,
                updated_at: at,
                must_change_password: false,
            },
        )?;
        let user = repo::find_user(conn, id)?
            .ok_or_else(|| ApiError::internal("user vanished"))?
            .into_api()?;
        audit::record_as_user(
            conn,
            None,
            audit::SYSTEM,
            None,
            Entry {
                entity: "user",
                entity_id: id.to_string(),
                action: "create_admin",
                facility_id: Some(facility_id),
                changes: audit::snapshot(&user),
            },
        )?;
        Ok((user, facility_name))
    })
}
