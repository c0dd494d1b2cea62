//! What Keel worked out from a user's data (a day's plan, the Today page, a span of the
//! journal), kept while her revision stays where it was.
//!
//! Every change to her data moves her revision on in the database, inside the write's own
//! transaction, whoever makes it: this server, another server on the same PostgreSQL, the
//! CLI, an import (triggers; see the store's `revisions` migration). Each request reads her
//! revision in the same query as its credentials, and an entry is used only when it was made
//! at that very revision. An entry is made from reads that start after its revision was read,
//! so it can be newer than its revision says, never older: after any write, the next request
//! sees the new revision and works everything out again.
//!
//! Only reads use it. A handler that writes must not: its request's revision is from before
//! its own write.
//!
//! That is the whole rule: an entry is served at the revision it was made at and at no other.
//! `tests/it/cache.rs` proves, for every view kept here, that each kind of write to her data
//! (through the server, the CLI or plain SQL) moves the revision and so reaches the view.

use chrono::NaiveDate;

/// The kept views of this server.
pub type ViewCache = keel_app::kept::ViewCache<View>;
pub use keel_app::kept::DEFAULT_BYTES;

/// Which view of her data an entry holds.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum View {
    /// `GET /api/v1/plan/{date}`: the response body, or `None` without a check-in.
    PlanJson(NaiveDate),
    /// The Today page for a day, as rendered on a date (its heading says "Today" on that day
    /// only), with a placeholder for each visitor's CSRF token.
    Today(NaiveDate, NaiveDate),
    /// `GET /api/v1/checkins`: the response body for a span.
    CheckInsJson(NaiveDate, NaiveDate),
    /// The emergency findings of the day's check-in (empty without one), which every page
    /// shows first (see `safety`).
    EmergencyToday(NaiveDate),
}
