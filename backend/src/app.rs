//! Builds the actix application: state, middleware, API routes, docs, metrics and the
//! SPA. `main` and the tests start the same [`Application`].

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::{Server, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::{Compress, DefaultHeaders};
use actix_web::{App, HttpMessage, HttpResponse, HttpServer, web};
use actix_web_prom::{PrometheusMetrics, PrometheusMetricsBuilder};
use futures_util::FutureExt;
use futures_util::future::{Either, ready};
use tracing_actix_web::{RequestId, TracingLogger};
use utoipa::OpenApi;
use utoipa_actix_web::service_config::ServiceConfig;
use utoipa_actix_web::{AppExt, scope};
use utoipa_swagger_ui::{Config, SwaggerUi};

use crate::auth::jwt::Keys;
use crate::auth::service::TokenIssuer;
use crate::config::Settings;
use crate::db::Db;
use crate::error::{ApiError, extractors};
use crate::openapi::ApiDoc;

/// Largest JSON body accepted (a referral with attachments metadata fits easily).
pub const JSON_LIMIT: usize = 256 * 1024;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub db: Db,
    /// Token issuing and verification.
    pub tokens: TokenIssuer,
    /// Access-token keys (also inside `tokens`).
    pub keys: Keys,
    /// Settings.
    pub settings: Arc<Settings>,
    /// This server's side of the rotation generator's queue.
    pub generations: Arc<crate::rotations::generator::Queue>,
    /// Sign-in rate limits and the password-check semaphore.
    pub signin: Arc<crate::auth::throttle::SignInGuard>,
}

/// Every `/api/v1` route, in one place: each module registers its own.
pub fn api(cfg: &mut ServiceConfig) {
    crate::auth::routes::configure(cfg);
    crate::registry::routes::configure(cfg);
    crate::techniques::routes::configure(cfg);
    crate::code_lists::routes::configure(cfg);
    crate::registry::import::routes::configure(cfg);
    crate::referrals::routes::configure(cfg);
    crate::consultations::routes::configure(cfg);
    crate::rotations::routes::configure(cfg);
    crate::plans::routes::configure(cfg);
    crate::work_queue::routes::configure(cfg);
    crate::supervision::routes::configure(cfg);
    crate::transfers::routes::configure(cfg);
    cfg.service(crate::system::audit_events_csv);
    cfg.service(crate::system::audit_events)
        .service(crate::system::setup);
}

/// The OpenAPI document generated from the routes.
pub fn spec() -> utoipa::openapi::OpenApi {
    let (_, mut spec) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .service(crate::system::healthz)
        .service(crate::system::readyz)
        .service(scope::scope("/api/v1").configure(api))
        .split_for_parts();
    crate::openapi::add_common_problems(&mut spec);
    crate::openapi::add_ready_to_send(&mut spec);
    spec
}

/// The spec as committed in `openapi/openapi.json` and served at `/api/v1/openapi.json`
/// (and `/openapi.json`), its descriptions written for integrators.
pub fn spec_json() -> anyhow::Result<String> {
    Ok(format!(
        "{}\n",
        crate::openapi::for_integrators(&spec().to_pretty_json()?)
    ))
}

const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
     font-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add((header::REFERRER_POLICY, "no-referrer"))
        .add((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
}

/// Answers errors in the request's language with its id, and echoes the id as a header
/// on every response, so a user's report can be matched to the server's log.
fn finish_problem<B>(
    response: ServiceResponse<B>,
    lang: shared::Lang,
    request_id: Option<String>,
) -> ServiceResponse<actix_web::body::EitherBody<B>> {
    let problem = response
        .response()
        .error()
        .and_then(|error| error.as_error::<ApiError>())
        .map(|error| error.response(lang, request_id.clone()));
    let mut response = match problem {
        Some(problem) => response.into_response(problem).map_into_right_body(),
        None => response.map_into_left_body(),
    };
    if let Some(id) = request_id
        && let Ok(value) = HeaderValue::from_str(&id)
    {
        response
            .headers_mut()
            .insert(HeaderName::from_static("x-request-id"), value);
    }
    response
}

/// Where the contract is served; `/openapi.json` answers it too.
const CONTRACT_URL: &str = "/api/v1/openapi.json";

/// The OpenAPI document's text, as committed.
struct Contract(String);

async fn contract(document: web::Data<Contract>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(document.0.clone())
}

/// A path of the contract with a method it does not answer: 405 with `Allow`; any
/// other path: 404.
async fn api_not_found(
    req: actix_web::HttpRequest,
    paths: web::Data<crate::http::KnownPaths>,
) -> Result<HttpResponse, ApiError> {
    match paths.allowed(req.path()) {
        Some(allowed) => Err(ApiError::method_not_allowed(allowed)),
        None => Err(ApiError::not_found(shared::message::Record::ApiResource)),
    }
}

/// A running server bound to a port.
pub struct Application {
    server: Server,
    port: u16,
    state: AppState,
    /// The generator's workers, stopped with the application.
    _workers: crate::rotations::generator::Workers,
}

impl Application {
    /// Connects the database (migrating, loading demo data into an empty one), binds the
    /// listener and prepares the server; [`Application::run`] serves.
    pub fn build(settings: Settings) -> anyhow::Result<Application> {
        crate::config::secure_data_dir(&settings.data_dir, &settings.database_url)?;
        let db = Db::connect(&settings.database_url)?;
        if settings.load_demo {
            crate::demo::load_if_empty(&db)?;
        }
        db.refresh_statistics()
            .map_err(|e| anyhow::anyhow!("planner statistics: {e}"))?;
        let keys = Keys::new(&settings.jwt_secret);
        let state = AppState {
            tokens: TokenIssuer::new(&settings, keys.clone()),
            keys,
            db,
            generations: crate::rotations::generator::Queue::new(settings.generator),
            signin: Arc::new(crate::auth::throttle::SignInGuard::new(&settings)),
            settings: Arc::new(settings),
        };
        let listener = TcpListener::bind(state.settings.bind)?;
        let port = listener.local_addr()?.port();
        // `/metrics` itself is served by `system::metrics`, behind its token.
        let metrics = PrometheusMetricsBuilder::new("tuyen")
            .mask_unmatched_patterns("unmatched")
            .build()
            .map_err(|e| anyhow::anyhow!("metrics: {e}"))?;
        let server = serve(listener, state.clone(), metrics)?;
        // Runs another server left are taken over by the workers once their lease lapses.
        let workers = state.generations.start_workers(&state.db)?;
        Ok(Application {
            server,
            port,
            state,
            _workers: workers,
        })
    }

    /// The bound port (useful with port 0).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The shared state (tests use its database).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until stopped, refreshing the planner's statistics every hour as the
    /// data grows (and forgetting sign-in throttles that hold nothing back).
    pub async fn run(self) -> std::io::Result<()> {
        let db = self.state.db.clone();
        let statistics = actix_web::rt::spawn(async move {
            let mut every = actix_web::rt::time::interval(std::time::Duration::from_secs(3600));
            every.tick().await;
            loop {
                every.tick().await;
                let db = db.clone();
                let refreshed = actix_web::web::block(move || {
                    let pruned = db
                        .conn()
                        .and_then(|mut conn| crate::auth::throttle::prune(&mut conn));
                    if let Err(error) = pruned {
                        tracing::warn!(%error, "could not prune sign-in throttles");
                    }
                    db.refresh_statistics()
                })
                .await;
                if let Ok(Err(error)) = refreshed {
                    tracing::warn!(%error, "could not refresh planner statistics");
                }
            }
        });
        let served = self.server.await;
        statistics.abort();
        served
    }
}

fn serve(
    listener: TcpListener,
    state: AppState,
    metrics: PrometheusMetrics,
) -> anyhow::Result<Server> {
    let static_dir = state.settings.static_dir.clone();
    let data = web::Data::new(state);
    let registry = web::Data::new(metrics.registry.clone());
    let spec = spec();
    let paths = web::Data::new(crate::http::KnownPaths::of(&spec));
    let document = web::Data::new(Contract(spec_json()?));
    let server = HttpServer::new(move || {
        let app = App::new()
            .into_utoipa_app()
            .openapi(ApiDoc::openapi())
            .app_data(data.clone())
            .app_data(paths.clone())
            .app_data(web::QueryConfig::default().error_handler(extractors::query))
            .app_data(web::PathConfig::default().error_handler(extractors::path))
            .app_data(web::PayloadConfig::default().limit(JSON_LIMIT))
            .service(crate::system::healthz)
            .service(crate::system::readyz)
            // Before the API scope, whose fallback would otherwise answer the spec's URL.
            .map(|app| {
                app.service(SwaggerUi::new("/docs/{_:.*}").config(Config::new([CONTRACT_URL])))
                    .service(
                        web::resource([CONTRACT_URL, "/openapi.json"])
                            .app_data(document.clone())
                            .route(web::get().to(contract)),
                    )
            })
            .service(
                scope::scope("/api/v1")
                    .configure(api)
                    .default_service(web::to(api_not_found)),
            )
            .into_app()
            .app_data(registry.clone())
            .route("/metrics", web::get().to(crate::system::metrics))
            .route(
                "/docs",
                web::get().to(|| async {
                    HttpResponse::PermanentRedirect()
                        .insert_header((header::LOCATION, "/docs/"))
                        .finish()
                }),
            )
            .service(web::scope("/api").default_service(web::to(api_not_found)));
        let app = match &static_dir {
            // Content-hashed assets cached for a year, index.html revalidated, brotli and
            // gzip copies from the build: see `static_files`.
            Some(dir) => app.service(crate::static_files::service(dir.clone())),
            None => app,
        };
        // Innermost first: problems are finished before headers and compression apply.
        app.wrap_fn(|req, srv| {
            let request_id = req.extensions().get::<RequestId>().map(|id| id.to_string());
            let lang = crate::http::request_lang(req.request());
            let api = req.path().starts_with("/api/");
            // A query string no handler could read sensibly is refused before routing.
            let checked =
                crate::http::check_query_string(req.query_string()).and_then(|()| match req
                    .app_data::<web::Data<crate::http::KnownPaths>>()
                {
                    Some(paths) => paths.check_request(
                        req.method().as_str(),
                        req.path(),
                        req.query_string(),
                        api,
                    ),
                    None => Ok(()),
                });
            let answer = match checked {
                Ok(()) => Either::Left(
                    actix_web::dev::Service::call(srv, req)
                        .map(|result| result.map(ServiceResponse::map_into_boxed_body)),
                ),
                Err(error) => Either::Right(ready(Ok(req.error_response(error)))),
            };
            answer.map(move |result| {
                result.map(|response| {
                    let mut response = finish_problem(response, lang, request_id);
                    // API answers, problems included, carry patient data: no browser or
                    // proxy may keep a copy. A route that sets its own policy keeps it.
                    let headers = response.headers_mut();
                    if api && !headers.contains_key(header::CACHE_CONTROL) {
                        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
                    }
                    response
                })
            })
        })
        .wrap(security_headers())
        .wrap(Compress::default())
        .wrap(metrics.clone())
        .wrap(TracingLogger::<crate::request_log::RequestLog>::new())
    })
    // Small JSON answers go out at once instead of waiting ~40 ms for Nagle's algorithm.
    .tcp_nodelay(true)
    .listen(listener)?
    .shutdown_timeout(10)
    .run();
    Ok(server)
}
