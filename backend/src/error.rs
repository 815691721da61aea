//! The one error type of the API, answered as RFC 9457 `application/problem+json`.

use std::collections::BTreeMap;
use std::fmt;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use shared::error::{ErrorCode, Problem};
use shared::message::{Message, Record};
use shared::validation::field_messages;
use shared::{Labelled, Lang};
use validator::ValidationErrors;

/// Field path → the messages about that field.
pub type FieldMessages = BTreeMap<String, Vec<Message>>;

/// A failed request: a stable code, an optional explanation and field errors. The texts
/// stay [`Message`]s until the answer is written, so they follow the request's language.
#[derive(Debug, Clone)]
pub struct ApiError {
    code: ErrorCode,
    detail: Option<Message>,
    errors: Option<FieldMessages>,
    retry_after: Option<u64>,
}

impl ApiError {
    /// An error with a code and an explanation.
    pub fn new(code: ErrorCode, detail: impl Into<Message>) -> ApiError {
        ApiError {
            code,
            detail: Some(detail.into()),
            errors: None,
            retry_after: None,
        }
    }

    fn bare(code: ErrorCode) -> ApiError {
        ApiError {
            code,
            detail: None,
            errors: None,
            retry_after: None,
        }
    }

    /// 400: the request cannot be read (malformed JSON, a parameter that does not
    /// parse, a header of the wrong shape).
    pub fn bad_request(detail: impl Into<Message>) -> ApiError {
        ApiError::new(ErrorCode::BadRequest, detail)
    }

    /// 422 `validation_failed`: the request was read, but fields break the contract or a
    /// rule (RFC 9110's "unprocessable content"); or 422 `invalid_reference` when
    /// every failure is a field naming a record that does not exist, so that a client
    /// tells a typo in its data from a stale id by the code alone (docs/API.md).
    pub fn validation(errors: FieldMessages) -> ApiError {
        let unknown_record = |message: &Message| {
            matches!(
                message,
                Message::NotFound(_) | Message::NoSuch(_) | Message::UnknownStation(_)
            )
        };
        let code = if !errors.is_empty() && errors.values().flatten().all(unknown_record) {
            ErrorCode::InvalidReference
        } else {
            ErrorCode::ValidationFailed
        };
        ApiError {
            errors: Some(errors),
            ..ApiError::bare(code)
        }
    }

    /// 422: the shared `validator` rules refused the input; their messages are kept in
    /// both languages.
    pub fn invalid(errors: &ValidationErrors) -> ApiError {
        let vi = field_messages(errors, Lang::Vi);
        let mut en = field_messages(errors, Lang::En);
        let errors = vi
            .into_iter()
            .map(|(field, vi)| {
                let en = en.remove(&field).unwrap_or_default();
                let messages = vi
                    .into_iter()
                    .enumerate()
                    .map(|(i, vi)| {
                        let en = en.get(i).cloned().unwrap_or_else(|| vi.clone());
                        Message::Localised { vi, en }
                    })
                    .collect();
                (field, messages)
            })
            .collect();
        ApiError::validation(errors)
    }

    /// 422: an assignment breaks rotation rules; `errors` maps each rule code to its
    /// messages.
    pub fn rotation_rules_broken(errors: FieldMessages) -> ApiError {
        ApiError {
            errors: Some(errors),
            ..ApiError::bare(ErrorCode::RotationRulesBroken)
        }
    }

    /// 422: a request breaks a rule that no one field carries (a file without the
    /// template's columns, an export over its limit).
    pub fn unprocessable(detail: impl Into<Message>) -> ApiError {
        ApiError::new(ErrorCode::ValidationFailed, detail)
    }

    /// 400 `bad_request` with the field that could not be read (the body's JSON syntax).
    pub fn unreadable(field: &str, message: impl Into<Message>) -> ApiError {
        ApiError {
            errors: Some(BTreeMap::from([(field.to_string(), vec![message.into()])])),
            ..ApiError::bare(ErrorCode::BadRequest)
        }
    }

    /// 422: one field is wrong.
    pub fn field(field: &str, message: impl Into<Message>) -> ApiError {
        ApiError::validation(BTreeMap::from([(field.to_string(), vec![message.into()])]))
    }

    /// 401: no or bad credentials.
    pub fn unauthorized(detail: impl Into<Message>) -> ApiError {
        ApiError::new(ErrorCode::Unauthorized, detail)
    }

    /// 401: wrong username or password.
    pub fn invalid_credentials() -> ApiError {
        ApiError::bare(ErrorCode::InvalidCredentials)
    }

    /// 403: signed in, but not allowed.
    pub fn forbidden() -> ApiError {
        ApiError::bare(ErrorCode::Forbidden)
    }

    /// 403: the account is disabled.
    pub fn account_disabled() -> ApiError {
        ApiError::bare(ErrorCode::AccountDisabled)
    }

    /// 403: the password was set by someone else and must be changed first.
    pub fn password_change_required() -> ApiError {
        ApiError::new(
            ErrorCode::PasswordChangeRequired,
            Message::PasswordChangeFirst,
        )
    }

    /// 404: the named thing does not exist (or is not visible).
    pub fn not_found(what: impl Into<Message>) -> ApiError {
        ApiError::new(ErrorCode::NotFound, what)
    }

    /// 405: the resource exists but does not answer this method; `allow` lists the
    /// methods it answers (`GET, PUT`), sent as `Allow`.
    pub fn method_not_allowed(allow: String) -> ApiError {
        ApiError::new(
            ErrorCode::MethodNotAllowed,
            Message::MethodNotAllowed(allow),
        )
    }

    /// 409: conflicts with existing data.
    pub fn conflict(detail: impl Into<Message>) -> ApiError {
        ApiError::new(ErrorCode::Conflict, detail)
    }

    /// 409: an `Idempotency-Key` reused with a different body.
    pub fn idempotency_conflict() -> ApiError {
        ApiError::bare(ErrorCode::IdempotencyConflict)
    }

    /// 422: refers to a record that does not exist.
    pub fn invalid_reference(detail: impl Into<Message>) -> ApiError {
        ApiError::new(ErrorCode::InvalidReference, detail)
    }

    /// 422: a field names records the caller may not use, with the field map.
    pub fn field_reference(field: &str, message: impl Into<Message>) -> ApiError {
        ApiError {
            errors: Some(BTreeMap::from([(field.to_string(), vec![message.into()])])),
            ..ApiError::new(ErrorCode::InvalidReference, Message::MissingReference)
        }
    }

    /// 412: the `If-Match` version is stale.
    pub fn precondition_failed() -> ApiError {
        ApiError::bare(ErrorCode::PreconditionFailed)
    }

    /// 428: an update without `If-Match`.
    pub fn precondition_required() -> ApiError {
        ApiError::bare(ErrorCode::PreconditionRequired)
    }

    /// 429 with `Retry-After`.
    pub fn too_many_requests(retry_after_secs: u64) -> ApiError {
        ApiError {
            retry_after: Some(retry_after_secs.max(1)),
            ..ApiError::bare(ErrorCode::TooManyRequests)
        }
    }

    /// 503: the database cannot be reached; logged.
    pub fn unavailable(error: impl fmt::Display) -> ApiError {
        tracing::error!(%error, "database unavailable");
        ApiError::bare(ErrorCode::ServiceUnavailable)
    }

    /// 500: a fault of ours; logged, never echoed to the client.
    pub fn internal(error: impl fmt::Display) -> ApiError {
        tracing::error!(%error, "internal error");
        ApiError::bare(ErrorCode::Internal)
    }

    /// The error code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The problem document this error is answered with, every text in `lang`.
    pub fn problem(&self, lang: Lang, request_id: Option<String>) -> Problem {
        Problem {
            type_uri: self.code.type_uri(),
            title: self.code.label(lang).to_string(),
            status: self.code.status(),
            detail: self.detail.as_ref().map(|detail| detail.text(lang)),
            code: self.code,
            errors: self.errors.as_ref().map(|errors| {
                errors
                    .iter()
                    .map(|(field, messages)| {
                        let texts = messages.iter().map(|m| m.text(lang)).collect();
                        (field.clone(), texts)
                    })
                    .collect()
            }),
            request_id,
        }
    }

    /// The full answer: status, headers and problem document. The app's middleware
    /// calls it again with the request's language and id (see `app::finish_problem`).
    pub fn response(&self, lang: Lang, request_id: Option<String>) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CONTENT_TYPE, "application/problem+json"));
        if let Some(seconds) = self.retry_after
            && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
        {
            response.insert_header((header::RETRY_AFTER, value));
        }
        // The methods a 405 names in its detail are its `Allow` header.
        if let Some(Message::MethodNotAllowed(allow)) = &self.detail
            && let Ok(value) = HeaderValue::from_str(allow)
        {
            response.insert_header((header::ALLOW, value));
        }
        if self.code == ErrorCode::Unauthorized || self.code == ErrorCode::InvalidCredentials {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        response.body(serde_json::to_string(&self.problem(lang, request_id)).unwrap_or_default())
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.detail {
            Some(detail) => write!(f, "{}: {}", self.code, detail.text(Lang::Vi)),
            None => write!(f, "{}", self.code),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        self.response(Lang::Vi, None)
    }
}

impl From<DieselError> for ApiError {
    fn from(error: DieselError) -> ApiError {
        match error {
            DieselError::NotFound => ApiError::not_found(Record::Record),
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                tracing::debug!(message = info.message(), "unique violation");
                ApiError::conflict(Message::RecordExists)
            }
            DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, info) => {
                tracing::debug!(message = info.message(), "foreign key violation");
                ApiError::invalid_reference(Message::MissingReference)
            }
            DieselError::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => {
                ApiError::conflict(Message::ConcurrentWrite)
            }
            // SQLite's write lock stayed taken longer than a writer waits for it.
            DieselError::DatabaseError(_, info)
                if info.message() == crate::db::SQLITE_BUSY_MESSAGE =>
            {
                tracing::warn!("SQLite write lock not obtained in time");
                ApiError {
                    retry_after: Some(1),
                    ..ApiError::bare(ErrorCode::ServiceUnavailable)
                }
            }
            other => ApiError::internal(other),
        }
    }
}

/// Maps actix's extractor errors (path, query) into problem documents. JSON bodies are
/// read by `http::ValidJson`, which reports every fault at its field.
pub mod extractors {
    use actix_web::error::{PathError, QueryPayloadError};
    use actix_web::{Error, HttpRequest};

    use super::ApiError;
    use shared::message::Message;

    /// Error handler for `web::QueryConfig`: serde's report names the parameter, but in
    /// the parser's words, which an integrator cannot act on; the parameters are the
    /// operation's, listed in the contract.
    pub fn query(error: QueryPayloadError, _req: &HttpRequest) -> Error {
        tracing::debug!(%error, "query not read");
        ApiError::bad_request(Message::InvalidQuery(query_fault(&error.to_string()))).into()
    }

    /// Error handler for `web::PathConfig`. A path that only a parameter route took
    /// (`PUT /rotation-assignments/check` reaching `PUT /rotation-assignments/{id}`) is
    /// a method the fixed path does not answer: 405, as for any undeclared method.
    pub fn path(error: PathError, req: &HttpRequest) -> Error {
        tracing::debug!(%error, "path not read");
        let allowed = req
            .app_data::<actix_web::web::Data<crate::http::KnownPaths>>()
            .and_then(|paths| paths.allowed(req.path()))
            .filter(|allowed| !allowed.split(", ").any(|m| m == req.method().as_str()));
        match allowed {
            Some(allowed) => ApiError::method_not_allowed(allowed).into(),
            None => ApiError::bad_request(Message::InvalidPath(req.path().to_string())).into(),
        }
    }

    /// The parameter a query error names, without the parser's internals: "`limit`"
    /// for "Query deserialize error: invalid digit found in string" is not known, so
    /// the field is named only when serde names it (`unknown variant`, `missing field`).
    fn query_fault(report: &str) -> String {
        let named = |prefix: &str| {
            report
                .split(prefix)
                .nth(1)
                .and_then(|rest| rest.split('`').next())
                .map(str::to_string)
        };
        named("missing field `")
            .or_else(|| named("unknown field `"))
            .map(|field| format!("`{field}`"))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use validator::Validate;

    /// Every code, raised with a message, answers in both languages: a title and a
    /// detail in each, different from each other.
    #[test]
    fn every_code_is_titled_and_explained_in_both_languages() {
        for code in ErrorCode::all() {
            let error = ApiError::new(*code, Record::Record);
            let (vi, en) = (error.problem(Lang::Vi, None), error.problem(Lang::En, None));
            assert!(!vi.title.is_empty() && !en.title.is_empty(), "{code}");
            assert_ne!(vi.title, en.title, "{code}");
            assert_eq!(vi.title, code.label(Lang::Vi));
            assert_eq!(en.title, code.label(Lang::En));
            assert_eq!(vi.detail.as_deref(), Some("Không tìm thấy bản ghi"));
            assert_eq!(en.detail.as_deref(), Some("Record not found"));
            assert_eq!((vi.code, vi.status), (*code, code.status()));
        }
    }

    #[test]
    fn field_messages_follow_the_language() {
        let error = ApiError::field("facility_id", Message::NoSuch(Record::Facility));
        let field = |lang| {
            error
                .problem(lang, None)
                .field_errors("facility_id")
                .to_vec()
        };
        assert_eq!(field(Lang::Vi), ["Không tìm thấy cơ sở này"]);
        assert_eq!(field(Lang::En), ["No such facility"]);
    }

    #[derive(Validate)]
    struct Named {
        #[validate(length(min = 1, max = 5))]
        name: String,
    }

    #[test]
    fn validator_messages_are_kept_in_both_languages() {
        let Err(errors) = (Named {
            name: String::new(),
        })
        .validate() else {
            panic!("an empty name must be refused");
        };
        let error = ApiError::invalid(&errors);
        let field = |lang| error.problem(lang, None).field_errors("name").to_vec();
        assert_eq!(field(Lang::Vi), ["Bắt buộc nhập, tối đa 5 ký tự"]);
        assert_eq!(field(Lang::En), ["Required, at most 5 characters"]);
    }
}
