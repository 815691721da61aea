//! HTTP conventions shared by every resource: validated JSON bodies, `ETag`/`If-Match`
//! versions, `Idempotency-Key`, cursor pagination and the request language.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, HttpResponse, HttpResponseBuilder, web};
use futures_util::future::LocalBoxFuture;
use serde::Serialize;
use serde::de::DeserializeOwned;
use shared::Lang;
use shared::error::ErrorCode;
use shared::message::{JsonKind, Message};
use shared::validation::FORM_FIELD;
use validator::Validate;

use crate::app::AppState;
use crate::db::AnyConn;
use crate::error::ApiError;

/// The longest query string the API reads. Filters are short: anything longer is a
/// mistake or an attack, and is refused before it reaches a database query.
pub const MAX_QUERY_BYTES: usize = 2048;

/// Refuses a query string that is too long or whose percent-decoded bytes are not UTF-8
/// (actix would otherwise replace them silently and search for something else).
pub fn check_query_string(query: &str) -> Result<(), ApiError> {
    if query.len() > MAX_QUERY_BYTES {
        return Err(ApiError::bad_request(Message::QueryTooLong(
            MAX_QUERY_BYTES,
        )));
    }
    let decoded: Vec<u8> = percent_encoding::percent_decode_str(query).collect();
    if std::str::from_utf8(&decoded).is_err() {
        return Err(ApiError::bad_request(Message::QueryNotUtf8));
    }
    Ok(())
}

/// The language a person asked for with `Accept-Language` (Vietnamese by default).
pub fn request_lang(req: &HttpRequest) -> Lang {
    req.headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok())
        .map(Lang::from_accept_language)
        .unwrap_or_default()
}

/// The deepest nesting of arrays and objects a JSON body may have (docs/API.md), also
/// inside fields the operation ignores: serde skips those without counting.
pub const MAX_JSON_DEPTH: usize = 128;

/// A JSON body that has passed its `validator` rules. Every fault answers 400
/// `validation_failed` with the `errors` map keyed by field path, in the request's
/// language: a missing field, a wrong type, an unknown enum value or field, malformed
/// JSON (under `__all__`, with its line and column), a rule of `validator`.
#[derive(Debug)]
pub struct ValidJson<T>(pub T);

impl<T> FromRequest for ValidJson<T>
where
    T: DeserializeOwned + Validate + 'static,
{
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_json = is_json(req);
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if !is_json {
                return Err(ApiError::new(
                    ErrorCode::UnsupportedMediaType,
                    Message::JsonContentTypeRequired,
                )
                .into());
            }
            let bytes = body.await.map_err(body_not_read)?;
            let value = read_json::<T>(&bytes)?;
            value
                .validate()
                .map_err(|errors| ApiError::invalid(&errors))?;
            Ok(ValidJson(value))
        })
    }
}

/// `Content-Type: application/json` or a `+json` type.
fn is_json(req: &HttpRequest) -> bool {
    use actix_web::HttpMessage;
    matches!(
        req.mime_type(),
        Ok(Some(mime)) if mime.subtype() == actix_web::mime::JSON || mime.suffix() == Some(actix_web::mime::JSON)
    )
}

fn body_not_read(error: actix_web::Error) -> actix_web::Error {
    use actix_web::error::PayloadError;
    let api = match error.as_error::<PayloadError>() {
        Some(PayloadError::Overflow) => ApiError::new(
            ErrorCode::PayloadTooLarge,
            Message::BodyTooLarge(crate::app::JSON_LIMIT),
        ),
        _ => {
            tracing::debug!(%error, "body not read");
            ApiError::bad_request(Message::UnreadableBody(String::new()))
        }
    };
    api.into()
}

/// Reads a JSON body into `T`, each fault reported at its field path.
pub fn read_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if json_depth(bytes) > MAX_JSON_DEPTH {
        return Err(ApiError::field(
            FORM_FIELD,
            Message::JsonTooDeep(MAX_JSON_DEPTH),
        ));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|error| body_fault(field_path(error.path()), error.inner()))?;
    deserializer
        .end()
        .map_err(|error| body_fault(".".to_string(), &error))?;
    Ok(value)
}

/// A field path as the `errors` map writes it (`leaves[0].end_date`, `.` for the body
/// itself). A map key serde cannot name (an enum key such as a profession) ends the
/// path at the map.
fn field_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Unknown => break,
        }
    }
    if out.is_empty() { ".".to_string() } else { out }
}

/// The deepest nesting of arrays and objects in `bytes`, brackets inside strings aside.
/// Malformed JSON is left to the parser.
fn json_depth(bytes: &[u8]) -> usize {
    let (mut depth, mut deepest, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for &byte in bytes {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// One body fault as a field error. serde reports a fault in its own words ("invalid
/// type: string \"x\", expected i64"): they are sorted into a few messages an
/// integrator can act on, and the path names the field.
fn body_fault(path: String, error: &serde_json::Error) -> ApiError {
    use serde_json::error::Category;
    let at = |field: &str| match path.as_str() {
        "." | "" => field.to_string(),
        parent => format!("{parent}.{field}"),
    };
    let field = if path == "." || path.is_empty() {
        FORM_FIELD.to_string()
    } else {
        path.clone()
    };
    match error.classify() {
        Category::Syntax | Category::Eof | Category::Io => {
            if error.to_string().starts_with("recursion limit exceeded") {
                return ApiError::field(FORM_FIELD, Message::JsonTooDeep(MAX_JSON_DEPTH));
            }
            ApiError::unreadable(
                FORM_FIELD,
                Message::MalformedJson {
                    line: error.line(),
                    column: error.column(),
                },
            )
        }
        Category::Data => {
            let report = error.to_string();
            let quoted = |prefix: &str| {
                report
                    .strip_prefix(prefix)
                    .and_then(|rest| rest.split('`').next())
                    .map(str::to_string)
            };
            if let Some(name) = quoted("missing field `") {
                ApiError::field(&at(&name), Message::BodyFieldRequired)
            } else if let Some(name) = quoted("unknown field `") {
                ApiError::field(&at(&name), Message::BodyUnknownField)
            } else if report.starts_with("unknown variant `") {
                ApiError::field(&field, Message::BodyUnknownValue(allowed_values(&report)))
            } else if let Some(rest) = report.strip_prefix("invalid type: ") {
                let expected = rest.split(", expected ").nth(1).unwrap_or_default();
                ApiError::field(&field, Message::BodyWrongType(json_kind(expected)))
            } else {
                ApiError::field(&field, Message::BodyInvalidValue)
            }
        }
    }
}

/// The values serde lists after "expected one of": `a`, `b` (or "expected `a`").
fn allowed_values(report: &str) -> Vec<String> {
    let Some((_, expected)) = report.split_once("expected ") else {
        return Vec::new();
    };
    let expected = expected.split(" at line ").next().unwrap_or(expected);
    expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// The JSON type behind serde's name of what it expected.
fn json_kind(expected: &str) -> JsonKind {
    let expected = expected.split(" at line ").next().unwrap_or(expected);
    let has = |words: &[&str]| words.iter().any(|word| expected.contains(word));
    if has(&[
        "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "f32", "f64", "integer", "number",
        "float",
    ]) {
        JsonKind::Number
    } else if has(&["bool"]) {
        JsonKind::Boolean
    } else if has(&["sequence", "array", "tuple", "Vec"]) {
        JsonKind::List
    } else if has(&["struct", "map", "object"]) {
        JsonKind::Object
    } else if has(&[
        "string",
        "str",
        "char",
        "date",
        "time",
        "variant",
        "identifier",
    ]) {
        JsonKind::Text
    } else {
        JsonKind::Value
    }
}

/// What an `If-Match` header asks for (RFC 9110 §13.1.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Precondition {
    /// `*`: any current version.
    Any,
    /// A list of strong entity tags, as versions; weak tags (`W/"2"`) are dropped, as
    /// the strong comparison If-Match uses never matches them.
    Versions(Vec<i64>),
}

impl Precondition {
    /// Whether the current version satisfies the precondition.
    pub fn matches(&self, current: i64) -> bool {
        match self {
            Precondition::Any => true,
            Precondition::Versions(versions) => versions.contains(&current),
        }
    }

    /// Parses an `If-Match` value: `*`, or a comma-separated list of entity tags, each
    /// a quoted version number (`openapi::IF_MATCH_PATTERN` in the contract).
    pub fn parse(value: &str) -> Option<Precondition> {
        // Optional whitespace in HTTP is spaces and tabs only.
        let ows = |c: char| c == ' ' || c == '\t';
        let value = value.trim_matches(ows);
        if value == "*" {
            return Some(Precondition::Any);
        }
        let mut versions = Vec::new();
        for tag in value.split(',').map(|tag| tag.trim_matches(ows)) {
            if let Some(weak) = tag.strip_prefix("W/") {
                // Well-formed, but never matches.
                let inner = weak.strip_prefix('"')?.strip_suffix('"')?;
                if inner.is_empty() || !inner.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                continue;
            }
            let inner = tag.strip_prefix('"')?.strip_suffix('"')?;
            if inner.is_empty() || !inner.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            versions.push(inner.parse::<i64>().ok()?);
        }
        Some(Precondition::Versions(versions))
    }
}

/// A version no record has: what a precondition that matches nothing resolves to, so
/// that the service still answers 404 or 403 first and 412 only for a record the caller
/// may change.
pub const NO_VERSION: i64 = i64::MIN;

/// The version a client read, from `If-Match` (RFC 9110): `"7"`, or `*` and lists of
/// tags resolved against the record's current version (the current version when one
/// matches, [`NO_VERSION`] when none does); a weak tag (`W/"7"`) never matches.
#[derive(Debug, Clone, Copy)]
pub struct IfMatch(pub Option<i64>);

impl IfMatch {
    /// The version, or 428 when the header is missing.
    pub fn required(self) -> Result<i64, ApiError> {
        self.0.ok_or_else(ApiError::precondition_required)
    }
}

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let precondition = match req.headers().get(header::IF_MATCH) {
            None => return Box::pin(ready(Ok(IfMatch(None)))),
            Some(value) => value.to_str().ok().and_then(Precondition::parse),
        };
        let precondition = match precondition {
            None => {
                // No current version matches a value that is not an entity tag: the
                // precondition fails (RFC 9110 13.1.1), and the detail says why.
                return Box::pin(ready(Err(ApiError::new(
                    ErrorCode::PreconditionFailed,
                    Message::InvalidIfMatch,
                ))));
            }
            Some(Precondition::Versions(versions)) if versions.len() <= 1 => {
                let version = versions.first().copied().unwrap_or(NO_VERSION);
                return Box::pin(ready(Ok(IfMatch(Some(version)))));
            }
            Some(precondition) => precondition,
        };
        // `*` or several tags: which one holds depends on the record's current version.
        let collection = req
            .path()
            .strip_prefix("/api/v1/")
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_default()
            .to_string();
        let id = req.match_info().get("id").and_then(|id| id.parse().ok());
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let Some(state) = state else {
                return Err(ApiError::internal("no application state"));
            };
            let current = state
                .db
                .run(move |conn| current_version(conn, &collection, id))
                .await?;
            Ok(IfMatch(Some(match current {
                Some(current) if precondition.matches(current) => current,
                _ => NO_VERSION,
            })))
        })
    }
}

/// The collections whose records are updated with `If-Match`, as the first segment of
/// their path under `/api/v1/`.
pub const VERSIONED_COLLECTIONS: &[&str] = &[
    "consultation-cases",
    "consultation-sessions",
    "departments",
    "evaluations",
    "facilities",
    "plan-activities",
    "plans",
    "referral-rules",
    "referrals",
    "rotation-assignments",
    "rotation-demands",
    "rotation-plans",
    "staff",
    "support-requests",
    "users",
    // Supervision and quality criteria.
    "supervision-templates",
    "supervision-visits",
    "corrective-actions",
];

/// The current version of the record at `/api/v1/{collection}/{id}` (the referral
/// rules have no id), `None` when there is none.
fn current_version(
    conn: &mut AnyConn,
    collection: &str,
    id: Option<i64>,
) -> Result<Option<i64>, ApiError> {
    use crate::schema::*;
    use diesel::prelude::*;
    macro_rules! version_of {
        ($table:ident) => {
            match id {
                Some(id) => $table::table
                    .find(id)
                    .select($table::version)
                    .first::<i64>(conn)
                    .optional()?,
                None => None,
            }
        };
    }
    Ok(match collection {
        "consultation-cases" => version_of!(consultation_cases),
        "consultation-sessions" => version_of!(consultation_sessions),
        "departments" => version_of!(departments),
        "evaluations" => version_of!(evaluations),
        "facilities" => version_of!(facilities),
        "plan-activities" => version_of!(plan_activities),
        "plans" => version_of!(plans),
        // Rules never stored read as version 0 (see `db::settings::store`).
        "referral-rules" => Some(
            app_settings::table
                .find(crate::referrals::service::RULES_KEY)
                .select(app_settings::version)
                .first::<i64>(conn)
                .optional()?
                .unwrap_or(0),
        ),
        "referrals" => version_of!(referrals),
        "rotation-assignments" => version_of!(rotation_assignments),
        "rotation-demands" => version_of!(rotation_demands),
        "rotation-plans" => version_of!(rotation_plans),
        "staff" => version_of!(staff),
        "support-requests" => version_of!(support_requests),
        "users" => version_of!(users),
        "supervision-templates" => version_of!(supervision_templates),
        "supervision-visits" => version_of!(supervision_visits),
        "corrective-actions" => version_of!(corrective_actions),
        _ => None,
    })
}

/// A file to download: its type, its name and its bytes.
pub fn attachment(content_type: &'static str, filename: &str, bytes: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .body(bytes)
}

/// The ETag of a record version.
pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

/// `200 OK` with the record and its `ETag`.
pub fn ok_versioned<T: Serialize>(version: i64, body: &T) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::ETAG, etag(version)))
        .json(body)
}

/// `201 Created` with `Location`, `ETag` and the record.
pub fn created<T: Serialize>(location: String, version: Option<i64>, body: &T) -> HttpResponse {
    let mut response: HttpResponseBuilder = HttpResponse::Created();
    response.insert_header((header::LOCATION, location));
    if let Some(version) = version {
        response.insert_header((header::ETAG, etag(version)));
    }
    response.json(body)
}

/// A record answered with its version as `ETag`, and created at `…/{id}`.
pub trait Versioned {
    /// The record's id, the last segment of its address.
    fn id(&self) -> i64;
    /// The record's version.
    fn version(&self) -> i64;
}

/// Implements [`Versioned`] for records with `id` and `version` fields.
macro_rules! versioned {
    ($($record:ty),* $(,)?) => {$(
        impl $crate::http::Versioned for $record {
            fn id(&self) -> i64 {
                self.id
            }
            fn version(&self) -> i64 {
                self.version
            }
        }
    )*};
}
pub(crate) use versioned;

/// How a handler answers once its service has done the work: the work runs on a pooled
/// connection off the server's threads ([`crate::db::Db::run`]), so that a handler is
/// its extractors and one call.
impl AppState {
    /// `200 OK` with what `work` returns.
    pub async fn json<T, F>(&self, work: F) -> Result<HttpResponse, ApiError>
    where
        T: Serialize + Send + 'static,
        F: FnOnce(&mut AnyConn) -> Result<T, ApiError> + Send + 'static,
    {
        let body = self.db.run(work).await?;
        Ok(HttpResponse::Ok().json(body))
    }

    /// `200 OK` with the record `work` returns and its `ETag`.
    pub async fn versioned<T, F>(&self, work: F) -> Result<HttpResponse, ApiError>
    where
        T: Versioned + Serialize + Send + 'static,
        F: FnOnce(&mut AnyConn) -> Result<T, ApiError> + Send + 'static,
    {
        let record = self.db.run(work).await?;
        Ok(ok_versioned(record.version(), &record))
    }

    /// `201 Created` with the record `work` returns, its `ETag` and its `Location`
    /// `/api/v1/{collection}/{id}`.
    pub async fn created<T, F>(&self, collection: &str, work: F) -> Result<HttpResponse, ApiError>
    where
        T: Versioned + Serialize + Send + 'static,
        F: FnOnce(&mut AnyConn) -> Result<T, ApiError> + Send + 'static,
    {
        let record = self.db.run(work).await?;
        let location = format!("/api/v1/{collection}/{}", record.id());
        Ok(created(location, Some(record.version()), &record))
    }

    /// `204 No Content` once `work` is done.
    pub async fn no_content<F>(&self, work: F) -> Result<HttpResponse, ApiError>
    where
        F: FnOnce(&mut AnyConn) -> Result<(), ApiError> + Send + 'static,
    {
        self.db.run(work).await?;
        Ok(HttpResponse::NoContent().finish())
    }
}

/// The client's `Idempotency-Key`, if it sent one (1–200 visible ASCII characters, no
/// space: `openapi::IDEMPOTENCY_KEY_PATTERN`).
#[derive(Debug, Clone)]
pub struct IdempotencyKey(pub Option<String>);

impl FromRequest for IdempotencyKey {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let parsed = match req.headers().get("Idempotency-Key") {
            None => Ok(IdempotencyKey(None)),
            Some(value) => match value.to_str() {
                Ok(text)
                    if (1..=200).contains(&text.len())
                        && text.bytes().all(|b| b.is_ascii_graphic()) =>
                {
                    Ok(IdempotencyKey(Some(text.to_string())))
                }
                _ => Err(ApiError::bad_request(Message::InvalidIdempotencyKey)),
            },
        };
        ready(parsed)
    }
}

/// The paths of the contract, the methods each answers and the bounds each operation
/// declares on its query parameters: the server refuses what the contract does not
/// allow (405 with `Allow` for a method a path does not answer, 404 for an unknown
/// path, 400 `validation_failed` for a `limit` out of its range or a `cursor` or
/// `period` of the wrong shape), from the one declaration in the query types.
#[derive(Debug, Default)]
pub struct KnownPaths(Vec<KnownPath>);

#[derive(Debug)]
struct KnownPath {
    segments: Vec<String>,
    /// Each method and the rules of its query parameters.
    methods: Vec<(&'static str, Vec<QueryRule>)>,
}

/// What the contract declares about one query parameter.
#[derive(Debug)]
struct QueryRule {
    name: String,
    minimum: Option<i64>,
    maximum: Option<i64>,
    pattern: Option<regex::Regex>,
}

impl QueryRule {
    fn of(parameter: &utoipa::openapi::path::Parameter) -> Option<QueryRule> {
        use utoipa::openapi::path::ParameterIn;
        if parameter.parameter_in != ParameterIn::Query {
            return None;
        }
        let schema = serde_json::to_value(parameter.schema.as_ref()?).ok()?;
        let bound = |key: &str| schema.get(key).and_then(serde_json::Value::as_i64);
        let pattern = schema
            .get("pattern")
            .and_then(serde_json::Value::as_str)
            .and_then(|pattern| regex::Regex::new(pattern).ok());
        let rule = QueryRule {
            name: parameter.name.clone(),
            minimum: bound("minimum"),
            maximum: bound("maximum"),
            pattern,
        };
        (rule.minimum.is_some() || rule.maximum.is_some() || rule.pattern.is_some()).then_some(rule)
    }

    /// The message for a value that breaks the rule, if it does.
    fn check(&self, value: &str) -> Option<Message> {
        if let Some(pattern) = &self.pattern
            && !pattern.is_match(value)
        {
            return Some(match self.name.as_str() {
                "cursor" => Message::InvalidCursor,
                name => rule_message(if name == "period" { "period" } else { "format" }, None),
            });
        }
        // A value that is not a number is the extractor's to refuse.
        let number = value.parse::<i64>().ok()?;
        let below = self.minimum.is_some_and(|minimum| number < minimum);
        let above = self.maximum.is_some_and(|maximum| number > maximum);
        (below || above).then(|| rule_message("range", Some((self.minimum, self.maximum))))
    }
}

/// A message of the shared validation rules (`range`, `period`, …), in both languages.
fn rule_message(code: &'static str, bounds: Option<(Option<i64>, Option<i64>)>) -> Message {
    let mut error = validator::ValidationError::new(code);
    if let Some((minimum, maximum)) = bounds {
        if let Some(minimum) = minimum {
            error.add_param("min".into(), &minimum);
        }
        if let Some(maximum) = maximum {
            error.add_param("max".into(), &maximum);
        }
    }
    Message::localised(|lang| shared::validation::message(&error, lang))
}

impl KnownPaths {
    /// The paths of an OpenAPI document.
    pub fn of(spec: &utoipa::openapi::OpenApi) -> KnownPaths {
        let paths = spec
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let methods = [
                    ("GET", &item.get),
                    ("PUT", &item.put),
                    ("POST", &item.post),
                    ("DELETE", &item.delete),
                    ("PATCH", &item.patch),
                ]
                .into_iter()
                .filter_map(|(method, operation)| {
                    let operation = operation.as_ref()?;
                    let rules = operation
                        .parameters
                        .iter()
                        .flatten()
                        .filter_map(QueryRule::of)
                        .collect();
                    Some((method, rules))
                })
                .collect();
                KnownPath {
                    segments: path.split('/').map(str::to_string).collect(),
                    methods,
                }
            })
            .collect();
        KnownPaths(paths)
    }

    /// The paths `path` matches: where a fixed segment and a parameter both match
    /// (`/referrals/export` and `/referrals/{id}`), the fixed one, which actix takes.
    fn matching(&self, path: &str) -> Vec<&KnownPath> {
        let segments: Vec<&str> = path.split('/').collect();
        let fixed = |known: &KnownPath| {
            known
                .segments
                .iter()
                .filter(|s| !s.starts_with('{'))
                .count()
        };
        let matching: Vec<&KnownPath> = self
            .0
            .iter()
            .filter(|known| {
                known.segments.len() == segments.len()
                    && known
                        .segments
                        .iter()
                        .zip(&segments)
                        .all(|(expected, actual)| {
                            if expected.starts_with('{') {
                                !actual.is_empty()
                            } else {
                                expected == actual
                            }
                        })
            })
            .collect();
        let most_fixed = matching.iter().map(|known| fixed(known)).max().unwrap_or(0);
        matching
            .into_iter()
            .filter(|known| fixed(known) == most_fixed)
            .collect()
    }

    /// The methods `path` answers (`GET, PUT`), or `None` for an unknown path.
    pub fn allowed(&self, path: &str) -> Option<String> {
        let matching = self.matching(path);
        if matching.is_empty() {
            return None;
        }
        let mut methods: Vec<&str> = matching
            .iter()
            .flat_map(|known| known.methods.iter().map(|(method, _)| *method))
            .collect();
        methods.sort_unstable();
        methods.dedup();
        Some(methods.join(", "))
    }

    /// Refuses, before routing, a method a known path does not answer (405 with
    /// `Allow`, also outside `/api`: `/healthz`) and, under `/api`, query parameters out
    /// of their declared bounds.
    pub fn check_request(
        &self,
        method: &str,
        path: &str,
        query: &str,
        api: bool,
    ) -> Result<(), ApiError> {
        if let Some(allowed) = self.allowed(path)
            && !allowed.split(", ").any(|known| known == method)
        {
            return Err(ApiError::method_not_allowed(allowed));
        }
        if api {
            self.check_query(method, path, query)
        } else {
            Ok(())
        }
    }

    /// Refuses query parameters out of the bounds the operation declares, each at its
    /// name.
    pub fn check_query(&self, method: &str, path: &str, query: &str) -> Result<(), ApiError> {
        if query.is_empty() {
            return Ok(());
        }
        let rules: Vec<&QueryRule> = self
            .matching(path)
            .into_iter()
            .flat_map(|known| known.methods.iter())
            .filter(|(known, _)| *known == method)
            .flat_map(|(_, rules)| rules.iter())
            .collect();
        if rules.is_empty() {
            return Ok(());
        }
        let mut errors = crate::error::FieldMessages::new();
        for pair in query.split('&') {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let decode = |text: &str| {
                percent_encoding::percent_decode_str(&text.replace('+', " "))
                    .decode_utf8_lossy()
                    .into_owned()
            };
            let (name, value) = (decode(name), decode(value));
            for rule in rules.iter().filter(|rule| rule.name == name) {
                if let Some(message) = rule.check(&value) {
                    errors.entry(name.clone()).or_default().push(message);
                }
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::validation(errors))
        }
    }
}

/// Reads a cursor (the last id of the previous page).
pub fn parse_cursor(cursor: Option<&str>) -> Result<Option<i64>, ApiError> {
    cursor
        .map(|text| {
            text.parse::<i64>()
                .map_err(|_| ApiError::field("cursor", Message::InvalidCursor))
        })
        .transpose()
}

/// Builds a page from `limit + 1` fetched rows ordered by id.
pub fn page_of<T>(mut rows: Vec<T>, limit: i64, id: impl Fn(&T) -> i64) -> shared::page::Page<T> {
    let limit = usize::try_from(limit).unwrap_or(0);
    let next_cursor = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|last| id(last).to_string())
    } else {
        None
    };
    shared::page::Page {
        items: rows,
        next_cursor,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_match_reads_rfc_9110_lists_stars_and_weak_tags() {
        assert_eq!(Precondition::parse("*"), Some(Precondition::Any));
        assert_eq!(
            Precondition::parse(r#""3""#),
            Some(Precondition::Versions(vec![3]))
        );
        assert_eq!(
            Precondition::parse(r#" "3" , W/"4", "5" "#),
            Some(Precondition::Versions(vec![3, 5]))
        );
        assert_eq!(
            Precondition::parse(r#"W/"3""#),
            Some(Precondition::Versions(vec![]))
        );
        for bad in [
            "3",
            "",
            r#""""#,
            r#""3",,"#,
            r#""-3""#,
            r#"W/3"#,
            "**",
            r#""3" "4""#,
        ] {
            assert_eq!(Precondition::parse(bad), None, "{bad:?}");
        }
        let pattern = regex::Regex::new(crate::openapi::IF_MATCH_PATTERN).ok();
        for good in ["*", r#""3""#, r#""3", W/"4""#] {
            assert!(pattern.as_ref().is_some_and(|p| p.is_match(good)), "{good}");
            assert!(Precondition::parse(good).is_some(), "{good}");
        }
        assert!(Precondition::Any.matches(9));
        assert!(!Precondition::Versions(vec![]).matches(9));
    }

    #[test]
    fn a_method_a_known_path_does_not_answer_is_told_from_an_unknown_path() {
        let paths = KnownPaths::of(&crate::app::spec());
        assert_eq!(
            paths.allowed("/api/v1/referrals").as_deref(),
            Some("GET, POST")
        );
        assert_eq!(
            paths
                .allowed("/api/v1/rotation-assignments/check")
                .as_deref(),
            Some("POST")
        );
        assert_eq!(paths.allowed("/api/v1/nothing"), None);
        assert!(
            paths
                .check_query("GET", "/api/v1/referrals", "limit=0")
                .is_err()
        );
        assert!(
            paths
                .check_query("GET", "/api/v1/referrals", "limit=200")
                .is_ok()
        );
        assert!(
            paths
                .check_query("GET", "/api/v1/referrals", "cursor=")
                .is_err()
        );
    }

    #[test]
    fn pages_cut_at_limit_and_point_past_the_last_item() {
        let page = page_of(vec![1, 2, 3], 2, |n| *n);
        assert_eq!(page.items, vec![1, 2]);
        assert_eq!(page.next_cursor.as_deref(), Some("2"));
        let last = page_of(vec![1, 2], 2, |n| *n);
        assert_eq!(last.next_cursor, None);
        assert!(parse_cursor(Some("x")).is_err());
        assert_eq!(parse_cursor(Some("42")).ok().flatten(), Some(42));
    }
}
