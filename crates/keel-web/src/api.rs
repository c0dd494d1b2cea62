//! The versioned JSON API under `/api/v1`, and its OpenAPI document.

use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{Duration, NaiveDate};
use keel_core::activity::{Activity, FamilyLevel, WeekSummary};
use keel_core::bone::{
    self, BoneAssessment, BoneInput, BoneProfile, DexaResult, HeightMeasurement,
};
use keel_core::desk::{self, BreakSettings, DeskAssessment, DeskInput};
use keel_core::preferences::Preferences;
use keel_core::rules;
use keel_core::triage::{self, TriageInput, TriageResult};
use keel_core::validate::parse_date;
use keel_core::{CheckIn, ValidationErrors};
use keel_store::BreakTaken;
use serde::Serialize;
use serde_json::Value;
use utoipa::{OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::cache::{CheckInDays, View};
use crate::desk_page;
use crate::error::{ApiError, Problem};
use crate::extract::JsonBody;
use crate::progress_page::{self, ProgressView, QuestionnaireStatus, ScoredResponse};
use crate::schema::{
    AcknowledgementBody, ActivityBody, BoneBody, BreakSettingsBody, CheckInBody, DeskBody,
    PreferencesBody, ProfileBody, TriageBody,
};
use crate::views::{self, AcknowledgementView, CheckInList, CheckInRecord, PlanView};

/// Longest span one history request may cover.
pub const MAX_RANGE_DAYS: i64 = 3660;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Keel API",
        version = "1",
        description = "Check-ins, red-flag triage and the daily plan. Keel informs and never diagnoses."
    ),
    components(schemas(
        Problem,
        CheckInRecord,
        CheckInList,
        PlanView,
        Health,
        CheckInBody,
        TriageBody
    ))
)]
pub struct ApiDoc;

/// Saves a check-in. The same date again replaces the earlier one (200 instead of 201).
#[utoipa::path(
    post, path = "/api/v1/checkins", tag = "check-ins",
    request_body(content = CheckInBody, content_type = "application/json"),
    responses(
        (status = 201, description = "Saved as a new check-in", body = CheckInRecord),
        (status = 200, description = "Replaced the check-in for that date", body = CheckInRecord),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over 64 KiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn post_check_in(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let check_in = CheckIn::parse(&body, state.today())?;
    let saved = state.record_check_in(auth.user, &check_in).await?;
    let status = if saved.replaced {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(CheckInRecord::from_saved(&saved))).into_response())
}

/// Check-ins between two dates, both included, oldest first.
#[utoipa::path(
    get, path = "/api/v1/checkins", tag = "check-ins",
    params(
        ("from" = Option<String>, Query, format = Date, description = "First day (default: 30 days before `to`)"),
        ("to" = Option<String>, Query, format = Date, description = "Last day (default: today)"),
    ),
    responses(
        (status = 200, body = CheckInList),
        (status = 422, description = "A bad date or range", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_check_ins(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let (from, to) = date_range(&state, &query)?;
    let body = state
        .views
        .get_or_load(
            &auth,
            View::CheckInsJson(from, to),
            |b: &Bytes| b.len() as u64,
            |_| CheckInDays::span(from, to),
            || async {
                let rows = state.store.check_ins(auth.user, from, to).await?;
                let list = CheckInList {
                    check_ins: rows.iter().map(CheckInRecord::from_stored).collect(),
                };
                Ok::<_, ApiError>(json_bytes(&list))
            },
        )
        .await?;
    Ok(json_response(Bytes::clone(&body)))
}

/// A value as a JSON body. Keel's views always serialise.
fn json_bytes<T: serde::Serialize>(value: &T) -> Bytes {
    Bytes::from(serde_json::to_vec(value).expect("views serialise to JSON"))
}

/// A 200 response with a JSON body made earlier.
fn json_response(body: Bytes) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

/// The plan for a day with a check-in: day type, reason, safety findings first, then items.
#[utoipa::path(
    get, path = "/api/v1/plan/{date}", tag = "plan",
    params(("date" = String, Path, format = Date, description = "The day (YYYY-MM-DD)")),
    responses(
        (status = 200, body = PlanView),
        (status = 404, description = "No check-in for that date yet", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a date", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_plan(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    Path(date): Path<String>,
) -> Result<Response, ApiError> {
    let date = parse_date(&date)
        .ok_or_else(|| ValidationErrors::single("date", "must be a date written YYYY-MM-DD"))?;
    let body = state
        .views
        .get_or_load(
            &auth,
            View::PlanJson(date),
            |(b, _): &(Option<Bytes>, CheckInDays)| b.as_ref().map_or(0, |b| b.len() as u64),
            |(_, reads): &(Option<Bytes>, CheckInDays)| *reads,
            || async {
                let view = views::plan_for(&state.store, &state.library, auth.user, date).await?;
                let reads = views::plan_reads(view.as_ref(), date);
                Ok::<_, ApiError>((view.as_ref().map(json_bytes), reads))
            },
        )
        .await?;
    match &body.0 {
        Some(body) => Ok(json_response(body.clone())),
        None => Err(ApiError::NotFound(format!(
            "There is no check-in for {date} yet. Check in first to get a plan."
        ))),
    }
}

/// Stateless red-flag triage (clinical-rules.md section 1): nothing is stored.
#[utoipa::path(
    post, path = "/api/v1/triage", tag = "safety",
    request_body(content = TriageBody, content_type = "application/json"),
    responses(
        (status = 200, body = TriageResult),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn post_triage(
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> Result<Json<TriageResult>, ApiError> {
    let input = TriageInput::parse(&body, state.today())?;
    Ok(Json(triage::evaluate(&input)))
}

/// Acknowledges a non-emergency finding ("I have seen a clinician about this"): repeats of
/// the rule are muted for 14 days. Emergency rules are refused.
#[utoipa::path(
    post, path = "/api/v1/acknowledgements", tag = "safety",
    request_body(content = AcknowledgementBody, content_type = "application/json"),
    responses(
        (status = 201, body = AcknowledgementView),
        (status = 422, description = "Unknown or emergency rule, or a bad date", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn post_acknowledgement(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let (rule, date) = rules::parse_acknowledgement(&body, state.today())?;
    let ack = state.store.acknowledge(auth.user, &rule, date).await?;
    Ok((StatusCode::CREATED, Json(AcknowledgementView::from(&ack))).into_response())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AcknowledgementList {
    pub acknowledgements: Vec<AcknowledgementView>,
}

/// Every acknowledgement she has made, one per rule (the latest).
#[utoipa::path(get, path = "/api/v1/acknowledgements", tag = "safety", responses((status = 200, body = AcknowledgementList)))]
pub async fn list_acknowledgements(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
) -> Result<Json<AcknowledgementList>, ApiError> {
    let acks = state.store.acknowledgements(auth.user).await?;
    Ok(Json(AcknowledgementList {
        acknowledgements: acks.iter().map(AcknowledgementView::from).collect(),
    }))
}

/// Her bone-health profile (age or birth date, weight, heights, risk factors).
#[utoipa::path(get, path = "/api/v1/profile", tag = "bone", responses((status = 200, body = ProfileBody)))]
pub async fn get_profile(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
) -> Result<Json<Value>, ApiError> {
    let profile = state.store.profile(auth.user).await?.unwrap_or_default();
    Ok(Json(profile.to_json()))
}

/// Replaces her bone-health profile.
#[utoipa::path(
    put, path = "/api/v1/profile", tag = "bone",
    request_body(content = ProfileBody, content_type = "application/json"),
    responses(
        (status = 200, body = ProfileBody),
        (status = 422, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_profile(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> Result<Json<Value>, ApiError> {
    let profile = BoneProfile::parse(&body, state.today())?;
    state.store.save_profile(auth.user, &profile).await?;
    Ok(Json(profile.to_json()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HeightList {
    pub heights: Vec<HeightMeasurement>,
}

/// Her height measurements, oldest first.
#[utoipa::path(get, path = "/api/v1/heights", tag = "bone", responses((status = 200, body = HeightList)))]
pub async fn list_heights(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
) -> Result<Json<HeightList>, ApiError> {
    Ok(Json(HeightList {
        heights: state.store.heights(auth.user).await?,
    }))
}

/// Records a height (a second one on the same date replaces the first: 200 instead of 201).
#[utoipa::path(
    post, path = "/api/v1/heights", tag = "bone",
    request_body(content = HeightMeasurement, content_type = "application/json"),
    responses(
        (status = 201, body = HeightMeasurement),
        (status = 200, body = HeightMeasurement),
        (status = 422, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn post_height(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let h = bone::parse_height(&body, state.today())?;
    let replaced = state.store.add_height(auth.user, &h).await?;
    Ok((
        if replaced {
            StatusCode::OK
        } else {
            StatusCode::CREATED
        },
        Json(h),
    )
        .into_response())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DexaList {
    pub dexa: Vec<DexaResult>,
}

/// Her DEXA results, oldest first.
#[utoipa::path(get, path = "/api/v1/dexa", tag = "bone", responses((status = 200, body = DexaList)))]
pub async fn list_dexa(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
) -> Result<Json<DexaList>, ApiError> {
    Ok(Json(DexaList {
        dexa: state.store.dexa_results(auth.user).await?,
    }))
}

/// Records a DEXA result (the same date and site again replaces it: 200 instead of 201).
#[utoipa::path(
    post, path = "/api/v1/dexa", tag = "bone",
    request_body(content = DexaResult, content_type = "application/json"),
    responses(
        (status = 201, body = DexaResult),
        (status = 200, body = DexaResult),
        (status = 422, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn post_dexa(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let d = bone::parse_dexa(&body, state.today())?;
    let replaced = state.store.add_dexa(auth.user, &d).await?;
    Ok((
        if replaced {
            StatusCode::OK
        } else {
            StatusCode::CREATED
        },
        Json(d),
    )
        .into_response())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BoneStatus {
    #[schema(value_type = String, format = Date)]
    pub date: NaiveDate,
    /// `null` until her age or birth date is recorded.
    pub assessment: Option<BoneAssessment>,
    /// Profile fields the assessment still needs.
    pub missing: Vec<String>,
}

/// The bone-health status of her stored record today.
#[utoipa::path(get, path = "/api/v1/bone", tag = "bone", responses((status = 200, body = BoneStatus)))]
pub async fn get_bone(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
) -> Result<Json<BoneStatus>, ApiError> {
    let date = state.today();
    let record = state.store.bone_record(auth.user).await?;
    let assessment = views::bone_assessment(&record, date);
    let missing = if assessment.is_none() {
        vec!["age".to_string()]
    } else {
        vec![]
    };
    Ok(Json(BoneStatus {
        date,
        assessment,
        missing,
    }))
}

/// `from` and `to` query parameters: `to` defaults to today, `from` to 30 days before it.
fn date_range(
    state: &AppState,
    query: &HashMap<String, String>,
) -> Result<(NaiveDate, NaiveDate), ApiError> {
    let mut errors = ValidationErrors::new();
    let to = date_param(query, "to", &mut errors);
    let from = date_param(query, "from", &mut errors);
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let to = to.unwrap_or_else(|| state.today());
    let from = from.unwrap_or(to - Duration::days(30));
    if from > to {
        return Err(ValidationErrors::single("from", "must not be after to").into());
    }
    if (to - from).num_days() > MAX_RANGE_DAYS {
        return Err(ValidationErrors::single(
            "from",
            format!("the range may cover at most {MAX_RANGE_DAYS} days"),
        )
        .into());
    }
    Ok((from, to))
}

/// Reads an optional date query parameter, recording an error naming it when malformed.
fn date_param(
    query: &HashMap<String, String>,
    name: &str,
    errors: &mut ValidationErrors,
) -> Option<NaiveDate> {
    let s = query.get(name)?;
    let d = parse_date(s);
    if d.is_none() {
        errors.add(name, "must be a date written YYYY-MM-DD, from 1900 on");
    }
    d
}

/// Logs an exercise done: actual dose, pain during (0-10) and effort (0-10).
#[utoipa::path(
    post, path = "/api/v1/activities", tag = "plan",
    request_body(content = ActivityBody, content_type = "application/json"),
    responses(
        (status = 201, description = "Logged", body = Activity),
        (status = 200, description = "Replaced the entry for that exercise and date", body = Activity),
        (status = 422, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn post_activity(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let today = state.today();
    let on = body
        .get("date")
        .and_then(Value::as_str)
        .and_then(parse_date)
        .filter(|d| *d <= today)
        .unwrap_or(today);
    let levels = views::levels_on(&state.store, &state.library, auth.user, on).await?;
    let activity = Activity::parse(&body, today, &state.library, |f| {
        levels
            .iter()
            .find(|l| l.family == f)
            .map(|l| l.level)
            .unwrap_or(1)
    })?;
    let replaced = state.store.log_activity(auth.user, &activity).await?;
    Ok((
        if replaced {
            StatusCode::OK
        } else {
            StatusCode::CREATED
        },
        Json(activity),
    )
        .into_response())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityList {
    pub activities: Vec<Activity>,
}

/// Logged exercises between two dates, both included.
#[utoipa::path(
    get, path = "/api/v1/activities", tag = "plan",
    params(
        ("from" = Option<String>, Query, format = Date, description = "First day (default: 30 days before `to`)"),
        ("to" = Option<String>, Query, format = Date, description = "Last day (default: today)"),
    ),
    responses((status = 200, body = ActivityList), (status = 422, body = Problem, content_type = "application/problem+json"))
)]
pub async fn list_activities(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<ActivityList>, ApiError> {
    let (from, to) = date_range(&state, &query)?;
    Ok(Json(ActivityList {
        activities: state.store.activities(auth.user, from, to).await?,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LevelList {
    #[schema(value_type = String, format = Date)]
    pub date: NaiveDate,
    pub levels: Vec<FamilyLevel>,
}

/// Each exercise family's level on a date, with the reason (the progression rule).
#[utoipa::path(
    get, path = "/api/v1/levels", tag = "plan",
    params(("date" = Option<String>, Query, format = Date, description = "The day (default: today)")),
    responses((status = 200, body = LevelList), (status = 422, body = Problem, content_type = "application/problem+json"))
)]
pub async fn get_levels(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<LevelList>, ApiError> {
    let mut errors = ValidationErrors::new();
    let date = date_param(&query, "date", &mut errors);
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let date = date.unwrap_or_else(|| state.today());
    let levels = views::levels_on(&state.store, &state.library, auth.user, date).await?;
    Ok(Json(LevelList { date, levels }))
}

/// The week (Monday to Sunday) holding a date, against the weekly activity targets.
#[utoipa::path(
    get, path = "/api/v1/week", tag = "plan",
    params(("date" = Option<String>, Query, format = Date, description = "A day in the week (default: today)")),
    responses((status = 200, body = WeekSummary), (status = 422, body = Problem, content_type = "application/problem+json"))
)]
pub async fn get_week(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<WeekSummary>, ApiError> {
    let mut errors = ValidationErrors::new();
    let date = date_param(&query, "date", &mut errors);
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let date = date.unwrap_or_else(|| state.today());
    Ok(Json(views::week_for(&state.store, auth.user, date).await?))
}

/// The next seven days' sessions as iCalendar (RFC 5545), one all-day event a day with a
/// stable UID. Days without a check-in are planned as steady days.
#[utoipa::path(
    get, path = "/api/v1/calendar.ics", tag = "plan",
    responses((status = 200, description = "An iCalendar file", content_type = "text/calendar", body = String))
)]
pub async fn get_calendar(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
) -> Result<Response, ApiError> {
    let ics =
        views::sessions_calendar(&state.store, &state.library, auth.user, state.today()).await?;
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/calendar; charset=utf-8",
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                "attachment; filename=\"keel-sessions.ics\"",
            ),
        ],
        ics,
    )
        .into_response())
}

/// Her plan preferences: exercises to leave out and equipment she lacks.
#[utoipa::path(get, path = "/api/v1/preferences", tag = "plan", responses((status = 200, body = PreferencesBody)))]
pub async fn get_preferences(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        state
            .store
            .preferences(auth.user, &state.library)
            .await?
            .to_json(),
    ))
}

/// Replaces her plan preferences.
#[utoipa::path(
    put, path = "/api/v1/preferences", tag = "plan",
    request_body(content = PreferencesBody, content_type = "application/json"),
    responses((status = 200, body = PreferencesBody), (status = 422, body = Problem, content_type = "application/problem+json"))
)]
pub async fn put_preferences(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> Result<Json<Value>, ApiError> {
    let p = Preferences::parse(&body, &state.library)?;
    state.store.save_preferences(auth.user, &p).await?;
    Ok(Json(p.to_json()))
}

/// Stateless workstation check (clinical-rules.md section 4): nothing is stored.
#[utoipa::path(
    post, path = "/api/v1/desk/assess", tag = "desk",
    request_body(content = DeskBody, content_type = "application/json"),
    responses((status = 200, body = DeskAssessment), (status = 422, body = Problem, content_type = "application/problem+json"))
)]
pub async fn post_desk_assess(JsonBody(body): JsonBody) -> Result<Json<DeskAssessment>, ApiError> {
    Ok(Json(desk::assess(&DeskInput::parse(&body)?)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeskStatus {
    #[schema(schema_with = crate::schema::desk)]
    pub setup: Value,
    pub assessment: DeskAssessment,
}

/// Her stored workstation answers and what follows from them.
#[utoipa::path(get, path = "/api/v1/desk", tag = "desk", responses((status = 200, body = DeskStatus)))]
pub async fn get_desk(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
) -> Result<Json<DeskStatus>, ApiError> {
    let d = desk_page::desk_input(&state.store, auth.user).await?;
    Ok(Json(DeskStatus {
        setup: d.to_json(),
        assessment: desk::assess(&d),
    }))
}

/// Replaces her stored workstation answers.
#[utoipa::path(
    put, path = "/api/v1/desk", tag = "desk",
    request_body(content = DeskBody, content_type = "application/json"),
    responses((status = 200, body = DeskStatus), (status = 422, body = Problem, content_type = "application/problem+json"))
)]
pub async fn put_desk(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> Result<Json<DeskStatus>, ApiError> {
    let d = DeskInput::parse(&body)?;
    state
        .store
        .save_setting(auth.user, desk_page::DESK, &d.to_json())
        .await?;
    Ok(Json(DeskStatus {
        setup: d.to_json(),
        assessment: desk::assess(&d),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BreakDay {
    #[schema(value_type = String, format = Date)]
    pub date: NaiveDate,
    /// Local date-times of the breaks taken.
    #[schema(value_type = Vec<String>)]
    pub taken: Vec<String>,
    pub minutes: u32,
    pub sitting_minutes: u32,
    pub standing_minutes: u32,
}

/// Breaks taken and the sit/stand balance on a day (default today).
#[utoipa::path(
    get, path = "/api/v1/breaks", tag = "desk",
    params(("date" = Option<String>, Query, format = Date)),
    responses((status = 200, body = BreakDay), (status = 422, body = Problem, content_type = "application/problem+json"))
)]
pub async fn get_breaks(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<BreakDay>, ApiError> {
    let mut errors = ValidationErrors::new();
    let date = date_param(&query, "date", &mut errors);
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let date = date.unwrap_or_else(|| state.today());
    let taken = state.store.breaks(auth.user, date, date).await?;
    let balance = state.store.posture_balance(auth.user, date).await?;
    Ok(Json(BreakDay {
        date,
        minutes: taken.iter().map(|b| u32::from(b.minutes)).sum(),
        taken: taken
            .iter()
            .map(|b| b.taken_at.format("%Y-%m-%dT%H:%M:%S").to_string())
            .collect(),
        sitting_minutes: balance.sitting_minutes,
        standing_minutes: balance.standing_minutes,
    }))
}

/// Logs a 2-minute break taken now; it counts as movement in the week.
#[utoipa::path(post, path = "/api/v1/breaks", tag = "desk", responses((status = 201, body = BreakDay)))]
pub async fn post_break(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
) -> Result<Response, ApiError> {
    let now = desk_page::local_now();
    let taken = state
        .store
        .breaks(auth.user, now.date(), now.date())
        .await?;
    let routine = desk::break_routine(&state.library, taken.len());
    let at = state
        .store
        .log_break(
            auth.user,
            &BreakTaken {
                taken_at: now,
                minutes: desk::BREAK_MINUTES,
                exercise_id: routine.map(|r| r.exercise_id),
            },
        )
        .await?;
    let day = get_breaks(
        auth,
        State(state),
        Query(HashMap::from([("date".to_string(), at.date().to_string())])),
    )
    .await?;
    Ok((StatusCode::CREATED, day).into_response())
}

/// Her break settings: working hours, interval and working days.
#[utoipa::path(get, path = "/api/v1/breaks/settings", tag = "desk", responses((status = 200, body = BreakSettingsBody)))]
pub async fn get_break_settings(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        desk_page::break_settings(&state.store, auth.user)
            .await?
            .to_json(),
    ))
}

/// Replaces her break settings.
#[utoipa::path(
    put, path = "/api/v1/breaks/settings", tag = "desk",
    request_body(content = BreakSettingsBody, content_type = "application/json"),
    responses((status = 200, body = BreakSettingsBody), (status = 422, body = Problem, content_type = "application/problem+json"))
)]
pub async fn put_break_settings(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> Result<Json<Value>, ApiError> {
    let s = BreakSettings::parse(&body)?;
    state
        .store
        .save_setting(auth.user, desk_page::BREAKS, &s.to_json())
        .await?;
    Ok(Json(s.to_json()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FeedLink {
    /// The feed's path with its secret; shown once, only a hash is kept.
    pub path: String,
}

/// Creates (or replaces, revoking the old) the secret address of her break-reminder calendar.
#[utoipa::path(post, path = "/api/v1/feeds/breaks", tag = "desk", responses((status = 201, body = FeedLink)))]
pub async fn post_feed(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
) -> Result<Response, ApiError> {
    let token = crate::secret::new_token();
    state
        .store
        .set_feed_token(
            auth.user,
            desk_page::BREAKS,
            &crate::secret::hash_token(&token),
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(FeedLink {
            path: format!("/feeds/breaks/{token}.ics"),
        }),
    )
        .into_response())
}

/// Turns the break-reminder calendar address off.
#[utoipa::path(delete, path = "/api/v1/feeds/breaks", tag = "desk", responses((status = 204, description = "Revoked"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn delete_feed(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
) -> Result<Response, ApiError> {
    if state
        .store
        .revoke_feed_token(auth.user, desk_page::BREAKS)
        .await?
    {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(ApiError::NotFound(
            "There is no calendar address to turn off.".into(),
        ))
    }
}

/// Trends, what goes with better days, and questionnaire status as of a date (default today).
#[utoipa::path(
    get, path = "/api/v1/progress", tag = "progress",
    params(("date" = Option<String>, Query, format = Date)),
    responses((status = 200, body = ProgressView), (status = 422, body = Problem, content_type = "application/problem+json"))
)]
pub async fn get_progress(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<ProgressView>, ApiError> {
    let mut errors = ValidationErrors::new();
    let date = date_param(&query, "date", &mut errors);
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let date = date.unwrap_or_else(|| state.today());
    Ok(Json(
        progress_page::progress_for(&state.store, auth.user, date).await?,
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionnaireList {
    pub questionnaires: Vec<QuestionnaireStatus>,
}

/// The questionnaires (items, answer range, scoring, bands), whether each is due, and her scores.
#[utoipa::path(get, path = "/api/v1/questionnaires", tag = "progress", responses((status = 200, body = QuestionnaireList)))]
pub async fn list_questionnaires(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
) -> Result<Json<QuestionnaireList>, ApiError> {
    Ok(Json(QuestionnaireList {
        questionnaires: progress_page::questionnaires(&state.store, auth.user, state.today())
            .await?,
    }))
}

/// Saves answers to a questionnaire (`peg` or `mrs`): `{"date": optional, "answers": {item: score}}`.
#[utoipa::path(
    post, path = "/api/v1/questionnaires/{id}/responses", tag = "progress",
    params(("id" = String, Path, description = "peg or mrs")),
    request_body(content = crate::schema::ResponseBody, content_type = "application/json"),
    responses(
        (status = 201, body = ScoredResponse),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn post_response(
    auth: crate::auth::Auth,
    State(state): State<AppState>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let instrument = keel_core::progress::instruments()
        .iter()
        .find(|i| i.id == id)
        .ok_or_else(|| ApiError::NotFound(format!("There is no questionnaire called {id}.")))?;
    let object = keel_core::validate::as_object(&body)?;
    let mut errors = keel_core::validate::unknown_fields(object, &["date", "answers"], "");
    let today = state.today();
    let date = match object.get("date") {
        None | Some(Value::Null) => Some(today),
        Some(v) => match v.as_str().and_then(parse_date).filter(|d| *d <= today) {
            Some(d) => Some(d),
            None => {
                errors.add("date", "must be a date written YYYY-MM-DD, not after today");
                None
            }
        },
    };
    let answers = object.get("answers").cloned().unwrap_or(Value::Null);
    if !answers.is_object() {
        errors.add("answers", "must be an object of item scores");
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    match progress_page::save(
        &state.store,
        auth.user,
        instrument,
        &answers,
        date.unwrap_or(today),
    )
    .await?
    {
        Ok(scored) => Ok((StatusCode::CREATED, Json(scored)).into_response()),
        Err(item_errors) => {
            let mut named = ValidationErrors::new();
            for e in item_errors.errors() {
                named.add(format!("answers.{}", e.field), e.message.clone());
            }
            Err(named.into())
        }
    }
}

/// Stateless bone-health assessment (clinical-rules.md section 2): nothing is stored.
#[utoipa::path(
    post, path = "/api/v1/bone/assess", tag = "bone",
    request_body(content = BoneBody, content_type = "application/json"),
    responses(
        (status = 200, body = BoneAssessment),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn post_bone_assess(
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> Result<Json<BoneAssessment>, ApiError> {
    let input = BoneInput::parse(&body, state.today())?;
    Ok(Json(bone::assess(&input)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    pub status: String,
    pub database: String,
}

/// Process up and database reachable.
#[utoipa::path(
    get, path = "/healthz", tag = "operations",
    responses((status = 200, body = Health), (status = 503, body = Health))
)]
pub async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    match state.store.ping().await {
        Ok(()) => (
            StatusCode::OK,
            Json(Health {
                status: "ok".into(),
                database: "ok".into(),
            }),
        ),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(Health {
                    status: "unavailable".into(),
                    database: "unreachable".into(),
                }),
            )
        }
    }
}

/// Date strings Keel accepts: YYYY-MM-DD from 1900 on.
pub const DATE_PATTERN: &str = "^(19|[2-9][0-9])[0-9]{2}-[0-9]{2}-[0-9]{2}$";

/// Completes the generated document with what holds for every operation: each date carries
/// its pattern, and each operation with a body documents the body errors (400, 413, 415).
pub fn finish_document(doc: &utoipa::openapi::OpenApi) -> Value {
    fn walk(v: &mut Value) {
        match v {
            Value::Object(m) => {
                if m.get("format").and_then(Value::as_str) == Some("date")
                    && !m.contains_key("pattern")
                {
                    m.insert("pattern".into(), Value::from(DATE_PATTERN));
                }
                m.values_mut().for_each(walk);
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    let mut json = serde_json::to_value(doc).unwrap_or_default();
    walk(&mut json);
    let problem = serde_json::json!({
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    });
    if let Some(paths) = json.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            // Routes that need no account: the stateless contracts, health and signing in.
            let public = [
                "/api/v1/triage",
                "/api/v1/bone/assess",
                "/api/v1/desk/assess",
                "/healthz",
            ]
            .contains(&path.as_str())
                || path.starts_with("/api/v1/auth/");
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for (method, op) in item.iter_mut() {
                let Some(op) = op.as_object_mut() else {
                    continue;
                };
                let read_only = method == "get" || method == "head";
                let has_body = op.contains_key("requestBody");
                let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
                    continue;
                };
                let mut add = |code: &str, description: &str| {
                    if !responses.contains_key(code) {
                        let mut r = problem.clone();
                        r["description"] = Value::from(description);
                        responses.insert(code.into(), r);
                    }
                };
                if has_body {
                    add("400", "The body is not well-formed JSON");
                    add("413", "The body is larger than 64 KiB");
                    add("415", "The body is not application/json");
                }
                if !public {
                    add(
                        "401",
                        "Accounts exist and the request has no valid session or token",
                    );
                    if !read_only {
                        add("403", "The token may only read");
                    }
                }
            }
        }
    }
    json
}

/// The API's routes with their OpenAPI entries.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(post_check_in, list_check_ins))
        .routes(routes!(get_plan))
        .routes(routes!(post_triage))
        .routes(routes!(post_acknowledgement, list_acknowledgements))
        .routes(routes!(get_profile, put_profile))
        .routes(routes!(post_height, list_heights))
        .routes(routes!(post_dexa, list_dexa))
        .routes(routes!(get_bone))
        .routes(routes!(post_activity, list_activities))
        .routes(routes!(get_levels))
        .routes(routes!(get_week))
        .routes(routes!(get_calendar))
        .routes(routes!(get_preferences, put_preferences))
        .routes(routes!(post_desk_assess))
        .routes(routes!(get_desk, put_desk))
        .routes(routes!(get_breaks, post_break))
        .routes(routes!(get_break_settings, put_break_settings))
        .routes(routes!(post_feed, delete_feed))
        .routes(routes!(get_progress))
        .routes(routes!(list_questionnaires))
        .routes(routes!(post_response))
        .routes(routes!(crate::account::api_signup))
        .routes(routes!(crate::account::api_login))
        .routes(routes!(crate::account::api_logout))
        .routes(routes!(crate::account::api_change_password))
        .routes(routes!(
            crate::account::api_create_token,
            crate::account::api_list_tokens
        ))
        .routes(routes!(crate::account::api_revoke_token))
        .routes(routes!(crate::account::api_audit))
        .routes(routes!(crate::account::api_delete_account))
        .routes(routes!(crate::account::export))
        .routes(routes!(crate::account::api_import))
        .routes(routes!(crate::account::api_import_csv))
        .routes(routes!(crate::account::api_create_invite))
        .routes(routes!(post_bone_assess))
        .routes(routes!(healthz))
}

pub async fn method_not_allowed() -> Response {
    let problem = Problem {
        kind: "about:blank".into(),
        title: "Method Not Allowed".into(),
        status: 405,
        detail: "This address does not accept that method.".into(),
        errors: vec![],
    };
    crate::error::problem_response(StatusCode::METHOD_NOT_ALLOWED, &problem)
}

pub async fn not_found() -> ApiError {
    ApiError::NotFound("There is nothing at this address.".into())
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    fn document() -> Value {
        let (_, doc) = super::routes().split_for_parts();
        super::finish_document(&doc)
    }

    fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get("$ref") {
                    out.push(r);
                }
                m.values().for_each(|v| refs(v, out));
            }
            Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }

    /// A client generated from the document (or a fuzzer driven by it) can follow every
    /// reference in it.
    #[test]
    fn every_reference_in_the_document_resolves() {
        let doc = document();
        let mut found = Vec::new();
        refs(&doc, &mut found);
        assert!(!found.is_empty());
        for r in found {
            let name = r
                .strip_prefix("#/components/schemas/")
                .unwrap_or_else(|| panic!("{r}: not a schema reference"));
            assert!(
                doc["components"]["schemas"][name].is_object(),
                "{r} does not resolve"
            );
        }
    }

    /// Every JSON body the API reads is described field by field, with what it requires:
    /// none is a bare "object".
    #[test]
    fn every_json_request_body_names_its_fields() {
        let doc = document();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                let Some(schema) = op
                    .pointer("/requestBody/content/application~1json/schema")
                    .map(|s| match s.get("$ref").and_then(Value::as_str) {
                        Some(r) => {
                            &doc["components"]["schemas"]
                                [r.trim_start_matches("#/components/schemas/")]
                        }
                        None => s,
                    })
                else {
                    continue;
                };
                assert!(
                    schema["properties"].is_object(),
                    "{method} {path}: {schema}"
                );
            }
        }
    }
}
