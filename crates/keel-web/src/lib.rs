//! Keel's HTTP face: server-rendered pages (`pages`), the JSON API under /api/v1 (`api`),
//! sessions and tokens (`auth`), and their wiring (`router`). The use cases they share with
//! the CLI live in keel-app.
#![forbid(unsafe_code)]

pub mod api;
pub mod auth;
mod cache;
mod csrf;
mod download;
pub mod error;
mod extract;
mod identity;
mod login;
mod metrics;
mod origin;
mod pages;
mod router;
pub mod safety;
mod state;

pub use error::{ApiError, BODY_LIMIT_BYTES};
pub use router::router;
pub use state::{AppState, Shared, SignupMode, Today};
