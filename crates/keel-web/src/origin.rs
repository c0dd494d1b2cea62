//! Every state-changing request a browser sends must come from Keel's own pages: the browser's
//! own account of where a request comes from decides, before any handler runs.

use axum::extract::Request;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use maud::html;

/// Refuses a state-changing request that a browser sent from another site, whatever it
/// carries. Browsers say where a request comes from (`Sec-Fetch-Site`, and `Origin` on every
/// POST); clients that are not browsers send neither and are judged by their credentials
/// alone. A request with an `Authorization` header is let through: a browser never adds one
/// by itself, and a cross-site script cannot send one without a preflight Keel never allows.
pub async fn same_origin_only(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        || req.headers().contains_key(header::AUTHORIZATION)
        || from_this_site(req.headers())
    {
        return next.run(req).await;
    }
    let api = req.uri().path().starts_with("/api/");
    refused(api)
}

/// Whether the browser's own account of a request's origin (if it gave one) is this site.
fn from_this_site(headers: &HeaderMap) -> bool {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = text("sec-fetch-site") {
        return site == "same-origin" || site == "none";
    }
    let Some(origin) = text("origin") else {
        return true;
    };
    // `Origin` is scheme://host[:port]; "null" (a sandboxed or privacy-sensitive context)
    // has no host and is refused.
    let Some((_, authority)) = origin.split_once("://") else {
        return false;
    };
    [text("host"), text("x-forwarded-host")]
        .into_iter()
        .flatten()
        .any(|host| host.eq_ignore_ascii_case(authority))
}

fn refused(api: bool) -> Response {
    const DETAIL: &str =
        "This request came from another site. Keel only accepts changes made on its own pages.";
    if api {
        let problem = crate::error::Problem {
            kind: "urn:keel:problem:cross-site".into(),
            title: "Forbidden".into(),
            status: 403,
            detail: DETAIL.into(),
            errors: vec![],
        };
        return crate::error::problem_response(StatusCode::FORBIDDEN, &problem);
    }
    let page = crate::pages::kit::layout(
        "Refused",
        html! {
            h1 { "This came from another site" }
            p { (DETAIL) " Nothing was changed." }
            p { a href="/" { "Open Keel" } }
        },
    );
    (StatusCode::FORBIDDEN, page).into_response()
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn origins_are_judged_by_the_browsers_own_headers() {
        let mut h = HeaderMap::new();
        assert!(
            from_this_site(&h),
            "no browser headers: a script or the CLI"
        );
        h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8080"));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://127.0.0.1:8080"),
        );
        assert!(from_this_site(&h));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://evil.example"),
        );
        assert!(!from_this_site(&h));
        h.insert(header::ORIGIN, HeaderValue::from_static("null"));
        assert!(!from_this_site(&h));
        h.insert(
            "x-forwarded-host",
            HeaderValue::from_static("keel.example.org"),
        );
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://keel.example.org"),
        );
        assert!(from_this_site(&h), "behind a proxy that rewrites Host");
        h.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(
            !from_this_site(&h),
            "Sec-Fetch-Site outranks a matching Origin"
        );
        h.insert("sec-fetch-site", HeaderValue::from_static("same-site"));
        assert!(!from_this_site(&h), "a sibling site is another site");
        h.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
        assert!(from_this_site(&h));
    }
}
