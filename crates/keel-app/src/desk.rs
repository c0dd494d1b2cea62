//! Her workstation answers and break settings, as stored, and the Breaks page's day.

use chrono::NaiveDateTime;
use keel_core::Library;
use keel_core::desk::{self, BreakRoutine, BreakSettings, DeskFinding, DeskInput};
use keel_store::{BreakTaken, PostureBalance, Store, StoreError, UserId};

pub const DESK: &str = "desk";
pub const BREAKS: &str = "breaks";

/// Her stored workstation answers (empty until she saves some). Her height comes from her
/// profile when the desk answers do not give one: she is never asked it twice.
pub async fn desk_input(store: &Store, user: UserId) -> Result<DeskInput, StoreError> {
    let mut input = match store.setting(user, DESK).await? {
        Some(v) => DeskInput::parse(&v).map_err(|e| StoreError::Corrupt(e.summary()))?,
        None => DeskInput::default(),
    };
    if input.stature_cm.is_none() {
        input.stature_cm = store
            .profile(user)
            .await?
            .and_then(|p| p.height_cm)
            .filter(|h| (120.0..=220.0).contains(h));
    }
    Ok(input)
}

/// Her break settings (the defaults until she saves some).
pub async fn break_settings(store: &Store, user: UserId) -> Result<BreakSettings, StoreError> {
    match store.setting(user, BREAKS).await? {
        Some(v) => BreakSettings::parse(&v).map_err(|e| StoreError::Corrupt(e.summary())),
        None => Ok(BreakSettings::default()),
    }
}

/// The local date and time now, the clock the break schedule runs on.
pub fn local_now() -> NaiveDateTime {
    crate::clock::local_now()
}

/// Her breaks today, as the Breaks page shows them.
pub struct BreaksToday {
    pub settings: BreakSettings,
    pub input: DeskInput,
    /// The breaks taken today, in order.
    pub taken: Vec<BreakTaken>,
    /// Minutes sitting and standing today, as she logged them.
    pub balance: PostureBalance,
    /// Whether her private calendar of breaks is on.
    pub has_feed: bool,
    /// The next break in her working hours, if any.
    pub next: Option<NaiveDateTime>,
    /// What to do in the next break (the routine goes round the break exercises).
    pub routine: Option<BreakRoutine>,
    /// What the sit-stand rule says of today's balance, with a standing desk.
    pub sit_stand: Option<DeskFinding>,
}

/// Reads her breaks for the day of `now`.
pub async fn breaks_today(
    store: &Store,
    library: &Library,
    user: UserId,
    now: NaiveDateTime,
) -> Result<BreaksToday, StoreError> {
    let today = now.date();
    let settings = break_settings(store, user).await?;
    let input = desk_input(store, user).await?;
    let taken = store.breaks(user, today, today).await?;
    let balance = store.posture_balance(user, today).await?;
    let has_feed = store.has_feed_token(user, BREAKS).await?;
    let sit_stand = desk::assess(&DeskInput {
        standing_desk: Some(true),
        sitting_hours: Some(f64::from(balance.sitting_minutes) / 60.0),
        standing_hours: Some(f64::from(balance.standing_minutes) / 60.0),
        ..Default::default()
    })
    .findings
    .into_iter()
    .next();
    Ok(BreaksToday {
        next: settings.next_break(now),
        routine: desk::break_routine(library, taken.len()),
        settings,
        input,
        taken,
        balance,
        has_feed,
        sit_stand,
    })
}
