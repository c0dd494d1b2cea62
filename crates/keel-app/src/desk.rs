//! Her workstation answers and break settings, as stored.

use chrono::NaiveDateTime;
use keel_core::desk::{BreakSettings, DeskInput};
use keel_store::{Store, StoreError, UserId};

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
