//! Cross-site request forgery: every state-changing form carries a token bound to its visitor,
//! and every state-changing request a browser sends must come from Keel's own pages (see
//! `origin`).
//!
//! The token is an HMAC, under a secret of the server's (kept in the database, so that every
//! server on one database shares it), of what identifies the visitor: her session cookie once
//! she is logged in, before that a random cookie of her browser's. A cookie planted by someone
//! else (a sibling site, a network attacker on plain HTTP) comes with no valid token, since
//! the token cannot be computed without the server's secret; a token seen in one session is
//! worthless in any other.

use axum::http::{HeaderMap, HeaderValue};
use hmac::{Hmac, Mac};
use maud::{Markup, PreEscaped, html};
use sha2::Sha256;

use crate::identity::{SESSION_COOKIE, cookie_value};

/// The browser's own random value, before she has a session.
pub const COOKIE: &str = "keel_csrf";
pub const FIELD: &str = "csrf";
/// The name of the server's secret in the database.
pub const SECRET_NAME: &str = "csrf_key";

/// Where a kept page's token goes: each visitor's own is put in its place. Written as it is
/// (not escaped), it can never come from her data, which is always escaped: a `<` in her
/// notes is written `&lt;`.
pub const PLACEHOLDER: &str = "<keel-csrf-token>";

/// The server's secret for form tokens.
#[derive(Clone)]
pub struct Key(Vec<u8>);

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(..)")
    }
}

impl Key {
    pub fn new(secret: &str) -> Key {
        Key(secret.as_bytes().to_vec())
    }

    fn token_for(&self, binding: &Binding) -> String {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes a key of any length");
        let (kind, value) = match binding {
            Binding::Session(v) => ("session", v.as_str()),
            Binding::Browser(v) => ("browser", v.as_str()),
        };
        mac.update(kind.as_bytes());
        mac.update(b":");
        mac.update(value.as_bytes());
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// This visitor's token, and the cookie to set when her browser has nothing to bind it to.
    pub fn token(&self, headers: &HeaderMap) -> (String, Option<HeaderValue>) {
        match binding(headers) {
            Some(b) => (self.token_for(&b), None),
            None => {
                let value = keel_app::secret::new_token();
                let token = self.token_for(&Binding::Browser(value.clone()));
                (token, Some(set_cookie(&value)))
            }
        }
    }

    /// True when the form's token is the one this visitor's pages carry.
    pub fn verify(&self, headers: &HeaderMap, form_token: Option<&str>) -> bool {
        let (Some(b), Some(form)) = (binding(headers), form_token) else {
            return false;
        };
        let expected = self.token_for(&b);
        expected.len() == form.len()
            && expected
                .bytes()
                .zip(form.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    }
}

/// What a visitor's token is bound to.
enum Binding {
    Session(String),
    Browser(String),
}

fn binding(headers: &HeaderMap) -> Option<Binding> {
    if let Some(session) = cookie_value(headers, SESSION_COOKIE).filter(|v| !v.is_empty()) {
        return Some(Binding::Session(session));
    }
    cookie_value(headers, COOKIE)
        .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(Binding::Browser)
}

/// The hidden field that carries the token in a form.
pub fn field(token: &str) -> Markup {
    if token == PLACEHOLDER {
        html! { input type="hidden" name=(FIELD) value=(PreEscaped(token)); }
    } else {
        html! { input type="hidden" name=(FIELD) value=(token); }
    }
}

fn set_cookie(value: &str) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict"
    ))
    .expect("hex token is a valid header value")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(cookies: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            axum::http::header::COOKIE,
            HeaderValue::from_str(cookies).unwrap(),
        );
        h
    }

    #[test]
    fn a_browser_without_cookies_gets_one_and_its_token_verifies() {
        let key = Key::new("server secret");
        let (token, cookie) = key.token(&HeaderMap::new());
        let cookie = cookie.expect("a new browser cookie");
        let value = cookie
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_string();
        let h = headers(&value);
        assert!(key.verify(&h, Some(&token)));
        assert_eq!(
            key.token(&h),
            (token.clone(), None),
            "the same token on the next page"
        );
        assert!(!key.verify(&h, Some(&keel_app::secret::new_token())));
        assert!(!key.verify(&h, None));
        assert!(
            !key.verify(&HeaderMap::new(), Some(&token)),
            "no cookie: nothing to bind to"
        );
    }

    #[test]
    fn a_planted_cookie_with_its_own_value_as_the_token_is_refused() {
        let key = Key::new("server secret");
        let planted = "c".repeat(64);
        assert!(!key.verify(&headers(&format!("{COOKIE}={planted}")), Some(&planted)));
        assert!(!key.verify(
            &headers(&format!("{SESSION_COOKIE}={planted}")),
            Some(&planted)
        ));
    }

    #[test]
    fn the_token_is_bound_to_the_session_and_to_the_servers_secret() {
        let key = Key::new("server secret");
        let browser = format!("{COOKIE}={}", "a".repeat(64));
        let (before, _) = key.token(&headers(&browser));
        let in_session = headers(&format!("{browser}; {SESSION_COOKIE}=s1"));
        let (session_token, cookie) = key.token(&in_session);
        assert!(cookie.is_none());
        assert_ne!(before, session_token, "log-in changes the token");
        assert!(!key.verify(&in_session, Some(&before)));
        assert!(key.verify(&in_session, Some(&session_token)));
        let other_session = headers(&format!("{browser}; {SESSION_COOKIE}=s2"));
        assert!(!key.verify(&other_session, Some(&session_token)));
        assert!(!Key::new("another server").verify(&in_session, Some(&session_token)));
    }
}
