//! CSRF protection for forms: a random token in an HttpOnly cookie that every state-changing
//! form must echo back (double submit), compared in constant time.

use axum::http::{HeaderMap, HeaderValue, header};

pub const COOKIE: &str = "keel_csrf";
pub const FIELD: &str = "csrf";

/// The token the browser already holds, if it is well-formed.
pub fn from_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_string())
        .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()))
}

pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random source is available");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
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
        let t = new_token();
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("a=b; {COOKIE}={t}")).unwrap(),
        );
        assert_eq!(from_cookie(&h).as_deref(), Some(t.as_str()));
        assert!(verify(&h, Some(&t)));
        assert!(!verify(&h, Some(&new_token())));
        assert!(!verify(&h, None));
        assert!(!verify(&HeaderMap::new(), Some(&t)));
    }
}
