//! CSRF protection for forms: a random token in an HttpOnly cookie that every state-changing
//! form must echo back (double submit), compared in constant time.

use axum::http::{HeaderMap, HeaderValue};
use maud::{Markup, PreEscaped, html};

pub const COOKIE: &str = "keel_csrf";
pub const FIELD: &str = "csrf";

/// Where a kept page's token goes: each visitor's own is put in its place. Written as it is
/// (not escaped), it can never come from her data, which is always escaped: a `<` in her
/// notes is written `&lt;`.
pub const PLACEHOLDER: &str = "<keel-csrf-token>";

/// The hidden field that carries the token in a form.
pub fn field(token: &str) -> Markup {
    if token == PLACEHOLDER {
        html! { input type="hidden" name=(FIELD) value=(PreEscaped(token)); }
    } else {
        html! { input type="hidden" name=(FIELD) value=(token); }
    }
}

/// The token the browser already holds, if it is well-formed.
pub fn from_cookie(headers: &HeaderMap) -> Option<String> {
    crate::secret::cookie_value(headers, COOKIE)
        .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()))
}

pub fn set_cookie(token: &str) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict"
    ))
    .expect("hex token is a valid header value")
}

/// True when the form's token matches the cookie's.
pub fn verify(headers: &HeaderMap, form_token: Option<&str>) -> bool {
    match (from_cookie(headers), form_token) {
        (Some(cookie), Some(form)) if cookie.len() == form.len() => {
            cookie
                .bytes()
                .zip(form.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_round_trips_through_the_cookie() {
        let t = crate::secret::new_token();
        let mut h = HeaderMap::new();
        h.insert(
            axum::http::header::COOKIE,
            HeaderValue::from_str(&format!("a=b; {COOKIE}={t}")).unwrap(),
        );
        assert_eq!(from_cookie(&h).as_deref(), Some(t.as_str()));
        assert!(verify(&h, Some(&t)));
        assert!(!verify(&h, Some(&crate::secret::new_token())));
        assert!(!verify(&h, None));
        assert!(!verify(&HeaderMap::new(), Some(&t)));
    }
}
