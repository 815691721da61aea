//! The built SPA (`make spa`, see `tools/spa-dist`): `index.html` for `/` and every
//! client-side route, the assets by name.
//!
//! - Assets whose name carries a content hash (`shared::assets::is_content_hashed`) never
//!   change under that name: browsers keep them a year without asking
//!   (`public, max-age=31536000, immutable`). `index.html` and any other file are
//!   revalidated on every visit (`no-cache`; the ETag keeps that a 304), so a deploy
//!   reaches everyone at their next page load.
//! - The build writes brotli and gzip copies next to the wasm, JavaScript and CSS
//!   (`….br`, `….gz`); they are sent as they are to a client that accepts them, with
//!   `Content-Encoding` (which keeps the `Compress` middleware from compressing again) and
//!   `Vary: Accept-Encoding`. Compressing a 4 MB wasm on every request cost seconds of
//!   CPU and sent it at a lower quality than the build's.

use std::path::{Path, PathBuf};

use actix_files::NamedFile;
use actix_web::http::header::{self, ContentEncoding, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, dev::HttpServiceFactory, web};

/// `Cache-Control` of a content-hashed asset.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// `Cache-Control` of `index.html` and of files without a hash in their name.
pub const REVALIDATE: &str = "no-cache";

/// The page every client-side route answers.
const INDEX: &str = "index.html";

/// The SPA folder, as the handler's app data.
struct SpaDir(PathBuf);

/// GET and HEAD of any path the API scopes did not take: a file of `dir`, or
/// `index.html`. Registered after them.
pub fn service(dir: PathBuf) -> impl HttpServiceFactory {
    web::resource("/{path:.*}")
        .app_data(web::Data::new(SpaDir(dir)))
        .route(web::get().to(serve))
        .route(web::head().to(serve))
}

async fn serve(req: HttpRequest, dir: web::Data<SpaDir>) -> HttpResponse {
    let (mut response, cache) = match file_in(&dir.0, req.match_info().query("path")) {
        Some((path, name)) => {
            let cache = if shared::assets::is_content_hashed(&name) {
                IMMUTABLE
            } else {
                REVALIDATE
            };
            (asset_response(&req, &path, &name), cache)
        }
        None => (index_response(&req, &dir.0), REVALIDATE),
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    response
}

/// The regular file `tail` names inside `dir` (not `index.html`), and its name. Only
/// plain segments: no `..`, no hidden file, no backslash.
fn file_in(dir: &Path, tail: &str) -> Option<(PathBuf, String)> {
    let mut path = dir.to_path_buf();
    let mut name = None;
    for segment in tail.split('/') {
        if segment.is_empty() || segment.starts_with('.') || segment.contains(['\\', '\0']) {
            return None;
        }
        path.push(segment);
        name = Some(segment);
    }
    let name = name?;
    (name != INDEX && path.is_file()).then(|| (path, name.to_owned()))
}

/// The asset, or its brotli or gzip copy when the client takes it.
fn asset_response(req: &HttpRequest, path: &Path, name: &str) -> HttpResponse {
    let accepted = req
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let copies = [
        (ContentEncoding::Brotli, "br"),
        (ContentEncoding::Gzip, "gz"),
    ];
    let mut compressed = false;
    let mut chosen = None;
    for (encoding, suffix) in copies {
        let mut copy = path.as_os_str().to_owned();
        copy.push(".");
        copy.push(suffix);
        let copy = PathBuf::from(copy);
        if copy.is_file() {
            compressed = true;
            if chosen.is_none() && accepts(accepted, encoding.as_str()) {
                chosen = Some((copy, encoding));
            }
        }
    }
    let extension = Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default();
    let opened = match &chosen {
        Some((copy, encoding)) => NamedFile::open(copy).map(|file| {
            file.set_content_encoding(*encoding)
                .set_content_type(actix_files::file_extension_to_mime(extension))
        }),
        None => NamedFile::open(path),
    };
    let mut response = match opened {
        Ok(file) => file
            .prefer_utf8(true)
            .disable_content_disposition()
            .into_response(req),
        Err(_) => return HttpResponse::NotFound().finish(),
    };
    if compressed {
        response
            .headers_mut()
            .append(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}

fn index_response(req: &HttpRequest, dir: &Path) -> HttpResponse {
    match NamedFile::open(dir.join(INDEX)) {
        Ok(file) => file
            .prefer_utf8(true)
            .disable_content_disposition()
            .into_response(req),
        Err(_) => HttpResponse::NotFound().body("SPA not built: run `make spa`"),
    }
}

/// Whether an `Accept-Encoding` value takes `coding`: named (or `*`) with a q-value
/// above zero (RFC 9110 §12.5.3).
pub fn accepts(accept_encoding: &str, coding: &str) -> bool {
    let mut star = false;
    for item in accept_encoding.split(',') {
        let mut parts = item.split(';');
        let name = parts.next().unwrap_or_default().trim();
        let weight = parts
            .filter_map(|p| p.trim().strip_prefix("q=").or(p.trim().strip_prefix("Q=")))
            .map(|q| q.trim().parse::<f32>().unwrap_or(0.0))
            .next()
            .unwrap_or(1.0);
        if name.eq_ignore_ascii_case(coding) {
            return weight > 0.0;
        }
        if name == "*" {
            star = weight > 0.0;
        }
    }
    star
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use actix_web::{App, http::StatusCode, middleware::Compress, test as actix_test};

    #[test]
    fn accept_encoding_is_read_with_its_weights() {
        assert!(accepts("gzip, deflate, br, zstd", "br"));
        assert!(accepts("gzip, deflate, br, zstd", "gzip"));
        assert!(accepts("GZIP", "gzip"));
        assert!(!accepts("", "br"));
        assert!(!accepts("gzip", "br"));
        assert!(!accepts("br;q=0, gzip", "br"));
        assert!(accepts("br;q=0.5", "br"));
        assert!(accepts("*", "br"));
        assert!(!accepts("*, br;q=0", "br"));
        assert!(!accepts("identity", "gzip"));
    }

    const WASM: &str = "frontend-0123456789abcdef_bg.wasm";

    fn built() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, body: &[u8]| std::fs::write(dir.path().join(name), body).unwrap();
        write(INDEX, b"<!doctype html><title>Tuyen</title>");
        write(WASM, &[b'w'; 4000]);
        write(&format!("{WASM}.br"), b"brotli bytes");
        write(&format!("{WASM}.gz"), b"gzip bytes");
        write("frontend-0123456789abcdef.js", b"export default 1;");
        write("robots.txt", b"User-agent: *");
        dir
    }

    async fn get(
        dir: &Path,
        path: &str,
        accept_encoding: Option<&str>,
    ) -> (StatusCode, header::HeaderMap, Vec<u8>) {
        let app = actix_test::init_service(
            App::new()
                .wrap(Compress::default())
                .service(service(dir.to_path_buf())),
        )
        .await;
        let mut req = actix_test::TestRequest::get().uri(path);
        if let Some(value) = accept_encoding {
            req = req.insert_header((header::ACCEPT_ENCODING, value));
        }
        let res = actix_test::call_service(&app, req.to_request()).await;
        let status = res.status();
        let headers = res.headers().clone();
        let body = actix_test::read_body(res).await.to_vec();
        (status, headers, body)
    }

    fn value(headers: &header::HeaderMap, name: header::HeaderName) -> &str {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    #[actix_web::test]
    async fn hashed_assets_are_immutable_and_sent_precompressed() {
        let dir = built();
        let path = format!("/{WASM}");

        let (status, headers, body) = get(dir.path(), &path, Some("gzip, deflate, br")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(value(&headers, header::CONTENT_ENCODING), "br");
        assert_eq!(body, b"brotli bytes", "sent as built, not compressed again");
        assert_eq!(value(&headers, header::CONTENT_TYPE), "application/wasm");
        assert_eq!(value(&headers, header::CACHE_CONTROL), IMMUTABLE);
        assert!(value(&headers, header::VARY).contains("accept-encoding"));

        let (_, headers, body) = get(dir.path(), &path, Some("gzip")).await;
        assert_eq!(value(&headers, header::CONTENT_ENCODING), "gzip");
        assert_eq!(body, b"gzip bytes");
        assert_eq!(value(&headers, header::CACHE_CONTROL), IMMUTABLE);

        let (_, headers, body) = get(dir.path(), &path, None).await;
        assert_eq!(value(&headers, header::CONTENT_ENCODING), "");
        assert_eq!(body.len(), 4000);
        assert_eq!(value(&headers, header::CONTENT_TYPE), "application/wasm");
        assert!(value(&headers, header::VARY).contains("accept-encoding"));
        assert_eq!(value(&headers, header::CACHE_CONTROL), IMMUTABLE);
    }

    #[actix_web::test]
    async fn index_and_client_routes_are_revalidated() {
        let dir = built();
        for path in [
            "/",
            "/index.html",
            "/registry/facilities/3",
            "/../Cargo.toml",
        ] {
            let (status, headers, body) = get(dir.path(), path, None).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            assert!(value(&headers, header::CONTENT_TYPE).starts_with("text/html"));
            assert_eq!(value(&headers, header::CACHE_CONTROL), REVALIDATE, "{path}");
            assert!(headers.contains_key(header::ETAG), "{path}");
            assert!(body.starts_with(b"<!doctype html>"), "{path}");
        }
        let (_, headers, _) = get(dir.path(), "/robots.txt", None).await;
        assert_eq!(value(&headers, header::CACHE_CONTROL), REVALIDATE);
        let (_, headers, _) = get(dir.path(), "/frontend-0123456789abcdef.js", None).await;
        assert_eq!(value(&headers, header::CACHE_CONTROL), IMMUTABLE);
        assert!(value(&headers, header::CONTENT_TYPE).contains("javascript"));
    }
}
