//! Accounts through the API: sign-up, log-in and log-out, the password, personal tokens, the
//! security log, invitations and deleting the account.

use crate::auth::{self, Auth};
use crate::error::{ApiError, Problem, problem_response};
use crate::extract::JsonBody;
use crate::login::{Outcome, end_session, too_many, try_login, try_signup, with_session};
use crate::state::AppState;
use axum::Json;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use keel_app::accounts::{change_password, create_token};
use keel_app::secret::hash_token;
use keel_core::ValidationErrors;
use keel_core::validate::unknown_fields;
use keel_store::{ApiToken, AuditEvent};
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;
use std::net::SocketAddr;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(Debug, Serialize, ToSchema)]
pub struct Invite {
    /// Give this to the person joining; shown once.
    pub code: String,
}

/// Creates a single-use invitation code (administrators only).
#[utoipa::path(post, path = "/api/v1/invites", tag = "account",
    responses((status = 201, body = Invite), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn api_create_invite(
    auth: Auth,
    State(state): State<AppState>,
) -> Result<Response, ApiError> {
    let account = state.store.account(auth.user).await?;
    if account.is_none_or(|a| a.role != "admin") {
        let problem = Problem {
            kind: "about:blank".into(),
            title: "Forbidden".into(),
            status: 403,
            detail: "Only an administrator can invite people.".into(),
            errors: vec![],
        };
        return Ok(problem_response(StatusCode::FORBIDDEN, &problem));
    }
    let code = keel_app::secret::new_token()[..20].to_string();
    state
        .store
        .create_invite(auth.user, &hash_token(&code))
        .await?;
    state.store.audit(auth.user, "invite-created", "").await?;
    Ok((StatusCode::CREATED, Json(Invite { code })).into_response())
}

// ---------------------------------------------------------------- JSON API

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionInfo {
    pub user_id: i64,
    pub first_account: bool,
}

fn credentials(body: &Value) -> Result<(String, String), ApiError> {
    let object = keel_core::validate::as_object(body)?;
    let mut errors = unknown_fields(object, &["email", "password", "invite"], "");
    let get = |k: &str, errors: &mut ValidationErrors| match object.get(k).and_then(Value::as_str) {
        Some(s) => s.to_string(),
        None => {
            errors.add(k, "is required and must be a string");
            String::new()
        }
    };
    let email = get("email", &mut errors);
    let password = get("password", &mut errors);
    if !matches!(
        object.get("invite"),
        None | Some(Value::Null | Value::String(_))
    ) {
        errors.add("invite", "must be a string: the invitation code");
    }
    errors
        .into_result(|| (email, password))
        .map_err(ApiError::from)
}

fn api_outcome(state: &AppState, headers: &HeaderMap, outcome: Outcome, created: bool) -> Response {
    match outcome {
        Outcome::In(user, token) => {
            let first = created && user == keel_store::LOCAL_USER;
            let status = if created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            with_session(
                (
                    status,
                    Json(SessionInfo {
                        user_id: user.0,
                        first_account: first,
                    }),
                )
                    .into_response(),
                &token,
                auth::wants_secure(state, headers),
            )
        }
        Outcome::Invalid(errors) => ApiError::Validation(errors).into_response(),
        Outcome::Refused(r, errors) => {
            ApiError::Refused(crate::login::status_of(r), errors).into_response()
        }
        Outcome::Limited(wait) => too_many(wait),
    }
}

/// Creates an account and signs in (a session cookie). The first account becomes the
/// administrator and keeps everything recorded before accounts existed.
#[utoipa::path(post, path = "/api/v1/auth/signup", tag = "account",
    request_body(content = keel_app::schema::CredentialsBody, content_type = "application/json"),
    responses((status = 201, body = SessionInfo),
        (status = 403, description = "Sign-up is closed, or needs a valid invitation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The email already has an account", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"), (status = 429, body = Problem, content_type = "application/problem+json")))]
pub async fn api_signup(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let (email, password) = credentials(&body)?;
    let invite = body.get("invite").and_then(Value::as_str);
    let outcome = try_signup(&state, &addr.ip().to_string(), &email, &password, invite).await?;
    Ok(api_outcome(&state, &headers, outcome, true))
}

/// Signs in with email and password; the session cookie is HttpOnly and SameSite=Lax.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "account",
    request_body(content = keel_app::schema::CredentialsBody, content_type = "application/json"),
    responses((status = 200, body = SessionInfo),
        (status = 401, description = "The email or password is not right", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"), (status = 429, body = Problem, content_type = "application/problem+json")))]
pub async fn api_login(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let (email, password) = credentials(&body)?;
    let outcome = try_login(&state, &addr.ip().to_string(), &email, &password).await?;
    Ok(api_outcome(&state, &headers, outcome, false))
}

/// Ends the current session.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "account", responses((status = 204, description = "Logged out")))]
pub async fn api_logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    end_session(&state, &headers).await;
    let mut r = StatusCode::NO_CONTENT.into_response();
    r.headers_mut()
        .append(header::SET_COOKIE, auth::clear_session_cookie());
    r
}

/// Changes her password: every session ends (this one too) and every personal token is
/// revoked, so that whoever knew the old password keeps nothing they made with it.
#[utoipa::path(post, path = "/api/v1/auth/password", tag = "account",
    request_body(content = keel_app::schema::PasswordBody, content_type = "application/json"),
    responses((status = 204, description = "Changed; log in again"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn api_change_password(
    auth: Auth,
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let object = keel_core::validate::as_object(&body)?;
    let mut errors = unknown_fields(object, &["current", "password"], "");
    let text = |name: &str, errors: &mut ValidationErrors| match object.get(name) {
        Some(Value::String(s)) => s.clone(),
        _ => {
            errors.add(name, "is required, as a string");
            String::new()
        }
    };
    let current = text("current", &mut errors);
    let new = text("password", &mut errors);
    if !errors.is_empty() {
        return Err(errors.into());
    }
    change_password(&state.store, auth.user, &current, &new).await??;
    let mut r = StatusCode::NO_CONTENT.into_response();
    r.headers_mut()
        .append(header::SET_COOKIE, auth::clear_session_cookie());
    Ok(r)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenCreated {
    pub id: String,
    pub name: String,
    pub scope: String,
    /// The secret, shown this once.
    pub token: String,
}

/// Creates a personal API token (`read` or `write`); send it as `Authorization: Bearer`.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "account",
    request_body(content = keel_app::schema::TokenBody, content_type = "application/json"),
    responses((status = 201, body = TokenCreated), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn api_create_token(
    auth: Auth,
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let object = keel_core::validate::as_object(&body)?;
    let unknown = unknown_fields(object, &["name", "scope"], "");
    if !unknown.is_empty() {
        return Err(unknown.into());
    }
    let name = object.get("name").and_then(Value::as_str).unwrap_or("");
    let scope = object.get("scope").and_then(Value::as_str).unwrap_or("");
    match create_token(&state.store, auth.user, name, scope).await? {
        Ok((t, secret)) => Ok((
            StatusCode::CREATED,
            Json(TokenCreated {
                id: t.id,
                name: t.name,
                scope: t.scope,
                token: secret,
            }),
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenList {
    #[schema(value_type = Vec<Object>)]
    pub tokens: Vec<ApiToken>,
}

/// Her tokens (never their secrets).
#[utoipa::path(get, path = "/api/v1/tokens", tag = "account", responses((status = 200, body = TokenList)))]
pub async fn api_list_tokens(
    auth: Auth,
    State(state): State<AppState>,
) -> Result<Json<TokenList>, ApiError> {
    Ok(Json(TokenList {
        tokens: state.store.tokens(auth.user).await?,
    }))
}

/// Revokes one of her tokens.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "account", params(("id" = String, Path)),
    responses((status = 204, description = "Revoked"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn api_revoke_token(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    if keel_app::accounts::revoke_token(&state.store, auth.user, &id).await? {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(ApiError::NotFound("No such token.".into()))
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditList {
    #[schema(value_type = Vec<Object>)]
    pub events: Vec<AuditEvent>,
}

/// Her security events: sign-ins, failed sign-ins, tokens, password changes; newest first.
#[utoipa::path(get, path = "/api/v1/audit", tag = "account", responses((status = 200, body = AuditList)))]
pub async fn api_audit(
    auth: Auth,
    State(state): State<AppState>,
) -> Result<Json<AuditList>, ApiError> {
    Ok(Json(AuditList {
        events: state.store.audit_events(auth.user, 200).await?,
    }))
}

/// Deletes her account and all of her data. In single-user mode (no accounts yet) it
/// deletes everything recorded on this Keel, which then starts afresh. Like the page's form,
/// it asks for the word: `?confirm=DELETE`, so that no script (or stolen token) deletes an
/// account by sending one request it did not mean.
#[utoipa::path(delete, path = "/api/v1/account", tag = "account",
    params(("confirm" = String, Query, description = "DELETE, in capitals, to confirm")),
    responses((status = 204, description = "Deleted"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn api_delete_account(
    auth: Auth,
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let mut errors = ValidationErrors::new();
    if q.get("confirm").map(String::as_str) != Some("DELETE") {
        errors.add(
            "confirm",
            "must be DELETE, in capitals, to confirm the deletion",
        );
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    state.store.delete_account(auth.user).await?;
    state.views.forget(auth.user);
    let mut r = StatusCode::NO_CONTENT.into_response();
    r.headers_mut()
        .append(header::SET_COOKIE, auth::clear_session_cookie());
    Ok(r)
}

/// This resource's routes, with their OpenAPI entries.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api_signup))
        .routes(routes!(api_login))
        .routes(routes!(api_logout))
        .routes(routes!(api_change_password))
        .routes(routes!(api_create_token, api_list_tokens))
        .routes(routes!(api_revoke_token))
        .routes(routes!(api_audit))
        .routes(routes!(api_delete_account))
        .routes(routes!(api_create_invite))
}
