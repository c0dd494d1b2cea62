//! Emergencies first, on every page: while today's check-in holds an emergency finding, every
//! page she opens starts with the emergency block (what to do, the numbers to call), before
//! its own heading, and the break prompt and plan are nowhere.
//!
//! A layer over the pages works out, once per request and kept with her revision, whether
//! today's check-in is an emergency, and runs the page inside [`EMERGENCY`]; the page layout
//! reads it. The layer hands its [`Auth`] to the page through the request's extensions, so a
//! page costs no second credentials read.

use axum::extract::{FromRequestParts, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use keel_core::TriageLevel;
use maud::{Markup, html};

use crate::cache::View;
use crate::identity::Auth;
use crate::state::AppState;

/// The numbers the emergency and urgent blocks offer to call (set per deployment).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phones {
    /// The local emergency number.
    pub emergency: String,
    /// The local urgent-care line.
    pub urgent: String,
}

impl Default for Phones {
    /// The numbers Keel's advice names: 999 and NHS 111 (the UK).
    fn default() -> Self {
        Phones {
            emergency: "999".into(),
            urgent: "111".into(),
        }
    }
}

/// Today's emergency, as the page layout shows it.
#[derive(Debug, Clone)]
pub struct Emergency {
    /// The emergency findings' messages.
    pub messages: Vec<String>,
    pub phones: Phones,
}

tokio::task_local! {
    /// Set while a page is rendered for a signed-in user whose check-in today is an emergency.
    pub static EMERGENCY: Option<Emergency>;
}

/// Today's emergency for the page being rendered, if any.
pub fn emergency_now() -> Option<Emergency> {
    EMERGENCY.try_with(Clone::clone).ok().flatten()
}

/// Paths whose responses are not pages she reads: left alone.
fn is_page(path: &str) -> bool {
    !(path.starts_with("/api/")
        || path.starts_with("/static/")
        || path.starts_with("/feeds/")
        || matches!(
            path,
            "/favicon.ico" | "/metrics" | "/healthz" | "/login" | "/signup" | "/report.pdf"
        ))
}

/// The layer: for a page asked with GET by someone signed in, today's emergency (kept with her
/// revision), and the page run inside it.
pub async fn emergency_first(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if request.method() != axum::http::Method::GET || !is_page(request.uri().path()) {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    let Ok(auth) = Auth::from_request_parts(&mut parts, &state).await else {
        // The page's own extractor answers (a redirect to log in, say).
        return next.run(Request::from_parts(parts, body)).await;
    };
    parts.extensions.insert(auth);
    let today = state.today();
    let found = state
        .views
        .get_or_load(
            (auth.user, auth.revision),
            View::EmergencyToday(today),
            |m: &Vec<String>| 64 + m.iter().map(|s| s.len() as u64).sum::<u64>(),
            || async {
                // The day's triage alone: this runs before every page.
                let day = state.store.triages(auth.user, today, today).await?;
                Ok::<_, keel_store::StoreError>(
                    day.iter()
                        .flat_map(|(_, t)| t.findings_at(TriageLevel::Emergency))
                        .map(|f| f.message.clone())
                        .collect(),
                )
            },
        )
        .await;
    let emergency = match found {
        Ok(messages) if !messages.is_empty() => Some(Emergency {
            messages: messages.to_vec(),
            phones: state.phones.clone(),
        }),
        // A failed read leaves the page to answer; it reads the store itself.
        _ => None,
    };
    EMERGENCY
        .scope(emergency, next.run(Request::from_parts(parts, body)))
        .await
}

/// A tap-to-call link.
pub fn call(number: &str, label: &str) -> Markup {
    let digits: String = number
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    html! { a class="call" href={"tel:" (digits)} { (label) " " (number) } }
}

/// The emergency block every page starts with.
pub fn emergency_block(e: &Emergency) -> Markup {
    html! {
        section class="alert emergency" role="alert" aria-labelledby="emergency-now-title" {
            h2 id="emergency-now-title" { "Get help now" }
            p class="action" { strong { (TriageLevel::Emergency.action()) } }
            ul { @for m in &e.messages { li { (m) } } }
            p class="calls" { (call(&e.phones.emergency, "Call")) }
            p { "There is no exercise plan or break reminder today. " a href="/" { "Today's check-in" } }
        }
    }
}
