//! Logging what she did: one use case for the API, the Today page's "Mark done" and `keel log`.

use chrono::NaiveDate;
use keel_core::Library;
use keel_core::activity::Activity;
use keel_core::validate::parse_date;
use keel_store::{Store, UserId};
use serde_json::Value;

use crate::error::AppError;
use crate::views;

/// Validates an activity (the API's JSON body; a level left out is her current level on its
/// day) and stores it: the activity, and whether it replaced one logged before for the same
/// day and exercise.
pub async fn log_activity(
    store: &Store,
    library: &Library,
    user: UserId,
    body: &Value,
    today: NaiveDate,
) -> Result<(Activity, bool), AppError> {
    // The levels of the day it is for (a date not yet valid is judged by the parser below).
    let on = body
        .get("date")
        .and_then(Value::as_str)
        .and_then(parse_date)
        .filter(|d| *d <= today)
        .unwrap_or(today);
    let levels = views::levels_on(store, library, user, on).await?;
    let activity = Activity::parse(body, today, library, |f| {
        levels
            .iter()
            .find(|l| l.family == f)
            .map(|l| l.level)
            .unwrap_or(1)
    })?;
    let replaced = store.log_activity(user, &activity).await?;
    Ok((activity, replaced))
}
