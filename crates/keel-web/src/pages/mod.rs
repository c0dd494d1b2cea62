//! The server-rendered pages, one module per page, and the kit they share. Every page works
//! without JavaScript; forms carry a CSRF token and come back with the message beside the
//! field and her values kept.

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub mod account;
pub mod auth;
pub mod bone;
pub mod breaks;
pub mod cycle;
pub mod desk;
pub mod journal;
pub mod kit;
pub mod learn;
pub mod perimenopause;
pub mod profile;
pub mod progress;
pub mod report;
pub mod session;
pub mod today;
pub mod week;

/// Every page's route.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(today::today))
        .route("/checkin", post(today::post_check_in))
        .route("/acknowledge", post(today::post_acknowledge))
        .route("/login", get(auth::login_page).post(auth::post_login))
        .route("/signup", get(auth::signup_page).post(auth::post_signup))
        .route("/logout", post(auth::post_logout))
        .route("/account", get(account::account_page))
        .route("/account/password", post(account::post_password))
        .route("/account/tokens", post(account::post_token))
        .route(
            "/account/tokens/{id}/revoke",
            post(account::post_revoke_token),
        )
        .route("/account/delete", post(account::post_delete))
        .route("/log", post(today::post_log))
        .route("/week", get(week::page))
        .route("/journal", get(journal::page))
        .route("/learn", get(learn::learn_index))
        .route("/learn/{slug}", get(learn::article_page))
        .route("/exercises", get(learn::library_page))
        .route("/exercises/{id}", get(learn::exercise_page))
        .route("/session", get(session::overview))
        .route("/session/{n}", get(session::step).post(session::post_step))
        .route("/static/session.js", get(session::script))
        .route("/cycle", get(cycle::page))
        .route("/cycle/period", post(cycle::post_period))
        .route("/cycle/day", post(cycle::post_day))
        .route("/profile", get(profile::page))
        .route("/profile/{section}", post(profile::post_section))
        .route("/welcome/done", post(profile::post_done))
        .route("/welcome/{step}", get(profile::step))
        .route("/progress", get(progress::page))
        .route("/report", get(report::page))
        .route("/report.pdf", get(report::pdf))
        .route(
            "/progress/questionnaires/{id}",
            post(progress::post_questionnaire),
        )
        .route("/bone", get(bone::page))
        .route("/bone/profile", post(bone::post_profile))
        .route("/bone/height", post(bone::post_height))
        .route("/bone/dexa", post(bone::post_dexa))
        .route("/static/keel.css", get(kit::stylesheet))
        .route("/favicon.ico", get(kit::favicon))
        .route("/static/breaks.js", get(breaks::breaks_script))
        .route("/desk", get(desk::desk_page).post(desk::post_desk))
        .route("/breaks", get(breaks::breaks_page))
        .route("/breaks/log", post(breaks::post_break))
        .route("/breaks/settings", post(breaks::post_break_settings))
        .route("/breaks/posture", post(breaks::post_posture))
        .route("/breaks/feed", post(breaks::post_feed))
        .route("/breaks/feed/revoke", post(breaks::post_feed_revoke))
        .route("/feeds/breaks/{file}", get(breaks::breaks_feed))
}
