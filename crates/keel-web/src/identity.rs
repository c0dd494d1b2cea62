//! Who a request acts for (see `auth` for how that is decided), and the cookie that carries
//! her session.

use axum::http::{HeaderMap, header};
use keel_store::UserId;

pub const SESSION_COOKIE: &str = "keel_session";

/// How a request was authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// No accounts exist yet: everything belongs to the local user.
    Local,
    Session,
    Token {
        write: bool,
    },
}

/// The user a request acts for.
#[derive(Debug, Clone, Copy)]
pub struct Auth {
    pub user: UserId,
    pub via: Via,
    /// Her revision when the request came in (read with the credentials, in the same query):
    /// what was worked out from her data at this revision is still right (see `cache`).
    pub revision: i64,
}

/// The value of the cookie `name`, if the request carries it.
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.to_string())
}
