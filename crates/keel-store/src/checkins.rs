//! The check-in journal: one check-in per user and date, stored with its triage and day type.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate, SecondsFormat, Utc};
use keel_core::bone::BoneProfile;
use keel_core::daytype::{self, DayTypeDecision, RecentDay};
use keel_core::stage::{BleedingDay, StageInput};
use keel_core::symptoms::CUSTOM_MAX;
use keel_core::triage::{self, TriageInput, TriageResult};
use keel_core::{CheckIn, DayType};
use sqlx::Row as _;

use crate::read::Row;
use crate::{Store, StoreError, UserId};

/// A check-in's columns with the day's entry of the bleeding log.
macro_rules! check_in_select {
    () => {
        "SELECT c.date AS date, c.body AS body, c.triage AS triage, c.decision AS decision, \
         c.created_at AS created_at, c.updated_at AS updated_at, b.flow AS bleeding_flow, \
         b.after_sex AS bleeding_after_sex FROM checkins c \
         LEFT JOIN bleeding b ON b.user_id = c.user_id AND b.date = c.date"
    };
}

/// A check-in as saved, with what Keel decided from it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredCheckIn {
    pub check_in: CheckIn,
    pub triage: TriageResult,
    pub decision: DayTypeDecision,
    pub created_at: String,
    pub updated_at: String,
}

/// The outcome of saving: what was stored, and whether it replaced an earlier one that day.
#[derive(Debug, Clone, PartialEq)]
pub struct Saved {
    pub stored: StoredCheckIn,
    pub replaced: bool,
}

/// How far back triage and the day-type rules look: six 7-day windows, or an episode's start.
pub(crate) const HISTORY_DAYS: i64 = 366;

impl Store {
    /// Saves a check-in, replacing any for the same date, with its triage and day type worked
    /// out from the stored history as it stands when the write is made: in one transaction, or
    /// on SQLite, for a check-in that writes only its own row, with a write guarded by her
    /// revision (see `save_alone`).
    pub async fn record_check_in(
        &self,
        user: UserId,
        check_in: &CheckIn,
    ) -> Result<Saved, StoreError> {
        if self.backend == crate::Backend::Sqlite
            && let Some(saved) = self.save_alone(user, check_in).await?
        {
            return Ok(saved);
        }
        // IMMEDIATE takes the write lock first, so a concurrent writer waits instead of
        // failing on a read-to-write upgrade.
        let mut tx = self.begin_write(user).await?;
        let saved = assess_and_write(&mut tx, user, check_in).await?;
        tx.commit().await?;
        Ok(saved)
    }

    pub async fn check_in(
        &self,
        user: UserId,
        date: NaiveDate,
    ) -> Result<Option<StoredCheckIn>, StoreError> {
        let rows = self
            .read_rows(
                CHECK_IN,
                &[user.0.into(), date.to_string().into()],
                stored_from_row,
            )
            .await?;
        Ok(rows.into_iter().next())
    }

    /// Check-ins from `from` to `to`, both included, oldest first.
    pub async fn check_ins(
        &self,
        user: UserId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<StoredCheckIn>, StoreError> {
        self.read_rows(
            concat!(
                check_in_select!(),
                " WHERE c.user_id = $1 AND c.date >= $2 AND c.date <= $3 ORDER BY c.date"
            ),
            &[
                user.0.into(),
                from.to_string().into(),
                to.to_string().into(),
            ],
            stored_from_row,
        )
        .await
    }

    /// The triage of each check-in from `from` to `to`, both included, oldest first: for what
    /// needs only the findings (the safety-netting on Today), without reading and checking
    /// each day's whole check-in again.
    pub async fn triages(
        &self,
        user: UserId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<(NaiveDate, TriageResult)>, StoreError> {
        self.read_rows(
            "SELECT date, triage FROM checkins WHERE user_id = $1 AND date >= $2 AND date <= $3 ORDER BY date",
            &[
                user.0.into(),
                from.to_string().into(),
                to.to_string().into(),
            ],
            |r| {
                let triage: String = r.get("triage")?;
                Ok((
                    parse_date(r.get("date")?)?,
                    serde_json::from_str(&triage).map_err(corrupt)?,
                ))
            },
        )
        .await
    }
}

/// What a save reads before its write, in one row: the day's own creation time if it was
/// checked in already (kept when it is replaced), the rules acknowledged within the mute
/// window, her profile, her bleeding log up to the day, her days the rules look at (from
/// [`HISTORY_DAYS`] before the day up to, not including, the day) as one JSON array of
/// `[date, pain, day_type]`, and her revision, which any later change to all this moves on.
/// One row, because every statement is a hand-off to the SQLite driver's thread and back, and
/// a year of rows one by one was most of a save (docs/benchmarks.md). Keyed lookups and a
/// primary-key range (on SQLite, the `checkins_days` index).
fn context_query(postgres: bool) -> &'static str {
    if postgres {
        "SELECT (SELECT created_at FROM checkins WHERE user_id = $1 AND date = $2) AS existing,
           (SELECT string_agg(rule, ',') FROM acknowledgements
             WHERE user_id = $1 AND acknowledged_on <= $2 AND acknowledged_on >= $3) AS muted,
           (SELECT COALESCE(json_agg(json_build_array(date, pain, day_type) ORDER BY date), '[]')::TEXT
             FROM checkins WHERE user_id = $1 AND date >= $4 AND date < $2) AS days,
           (SELECT body FROM profiles WHERE user_id = $1) AS profile,
           (SELECT updated_at FROM profiles WHERE user_id = $1) AS profile_updated,
           (SELECT MAX(acknowledged_on) FROM acknowledgements
             WHERE user_id = $1 AND rule = 'RF-CANCER-HISTORY' AND acknowledged_on <= $2) AS cancer_ack,
           (SELECT COALESCE(json_agg(json_build_array(date, flow, after_sex) ORDER BY date), '[]')::TEXT
             FROM bleeding WHERE user_id = $1 AND date <= $2) AS bleeding,
           (SELECT revision FROM users WHERE id = $1) AS revision"
    } else {
        "SELECT (SELECT created_at FROM checkins WHERE user_id = $1 AND date = $2) AS existing,
           (SELECT group_concat(rule, ',') FROM acknowledgements
             WHERE user_id = $1 AND acknowledged_on <= $2 AND acknowledged_on >= $3) AS muted,
           (SELECT json_group_array(json_array(date, pain, day_type))
             FROM checkins WHERE user_id = $1 AND date >= $4 AND date < $2) AS days,
           (SELECT body FROM profiles WHERE user_id = $1) AS profile,
           (SELECT updated_at FROM profiles WHERE user_id = $1) AS profile_updated,
           (SELECT MAX(acknowledged_on) FROM acknowledgements
             WHERE user_id = $1 AND rule = 'RF-CANCER-HISTORY' AND acknowledged_on <= $2) AS cancer_ack,
           (SELECT json_group_array(json_array(date, flow, after_sex))
             FROM (SELECT date, flow, after_sex FROM bleeding WHERE user_id = $1 AND date <= $2 ORDER BY date)) AS bleeding,
           (SELECT revision FROM users WHERE id = $1) AS revision"
    }
}

/// Reads [`context_query`]'s array of days, oldest first.
fn parse_days(json: &str) -> Result<Vec<RecentDay>, StoreError> {
    let rows: Vec<(String, i64, String)> = serde_json::from_str(json).map_err(corrupt)?;
    let mut days = rows
        .into_iter()
        .map(|(date, pain, day_type)| {
            Ok(RecentDay {
                date: parse_date(date)?,
                pain: u8::try_from(pain)
                    .map_err(|_| StoreError::Corrupt(format!("pain {pain}")))?,
                day_type: DayType::from_name(&day_type),
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    days.sort_unstable_by_key(|d| d.date);
    Ok(days)
}

/// What [`context_query`] answers.
#[derive(Debug)]
struct Context {
    existing: Option<String>,
    muted: Option<String>,
    /// Her profile's body, holding her standing answers, and when it was saved.
    profile: Option<String>,
    profile_updated: Option<String>,
    /// Her latest acknowledgement of RF-CANCER-HISTORY, on or before the day.
    cancer_ack: Option<String>,
    /// Her bleeding log up to the day, as `[date, flow, after_sex]` rows.
    bleeding: String,
}

impl Context {
    fn profile(&self) -> Result<Option<BoneProfile>, StoreError> {
        match (&self.profile, &self.profile_updated) {
            (Some(body), Some(updated)) => crate::bone::profile_from(body, updated).map(Some),
            _ => Ok(None),
        }
    }

    /// When she last acknowledged a cancer history finding.
    fn cancer_ack(&self) -> Result<Option<NaiveDate>, StoreError> {
        self.cancer_ack.clone().map(parse_date).transpose()
    }
}

/// The bleeding findings of section 8 on the check-in's day, from her log (with the day's own
/// entry) and her context.
fn bleeding_findings(
    check_in: &CheckIn,
    log: &str,
    profile: Option<&BoneProfile>,
) -> Result<Vec<keel_core::Finding>, StoreError> {
    let mut bleeding = crate::cycle::log_from_json(log)?;
    if let Some(b) = check_in.symptoms.bleeding {
        bleeding.insert(
            check_in.date,
            BleedingDay {
                date: check_in.date,
                flow: b.flow,
                after_sex: b.after_sex,
            },
        );
    }
    if bleeding.is_empty() {
        return Ok(Vec::new());
    }
    let input = StageInput {
        date: check_in.date,
        bleeding,
        context: profile.map(|p| p.cycle_context.clone()).unwrap_or_default(),
    };
    Ok(keel_core::stage::assess(&input)
        .findings
        .into_iter()
        .map(|f| keel_core::Finding {
            rule: f.rule,
            level: f.level,
            source: f.source,
            message: f.message,
        })
        .collect())
}

/// Her own symptoms once this check-in's are added, when it names new ones: at most
/// [`CUSTOM_MAX`] over all her check-ins (section 8), refused with the field named.
fn new_custom_names(
    check_in: &CheckIn,
    profile: Option<&BoneProfile>,
) -> Result<Option<Vec<String>>, StoreError> {
    let mut names: Vec<String> = profile
        .map(|p| p.custom_symptoms.clone())
        .unwrap_or_default();
    let before = names.len();
    for n in check_in.symptoms.custom.keys() {
        if !names.iter().any(|k| k == n) {
            names.push(n.clone());
        }
    }
    if names.len() == before {
        return Ok(None);
    }
    if names.len() > CUSTOM_MAX {
        return Err(StoreError::Invalid(keel_core::ValidationErrors::single(
            "custom_symptoms",
            format!(
                "you can keep at most {CUSTOM_MAX} symptoms of your own and have {before} already: rate one of those, or remove one on your Profile"
            ),
        )));
    }
    Ok(Some(names))
}

/// The dates the context takes after the user: the day, the earliest acknowledgement that
/// still mutes, and the first of the days the rules read.
fn context_dates(date: NaiveDate) -> [String; 3] {
    [
        date.to_string(),
        (date - Duration::days(keel_core::rules::MUTE_DAYS - 1)).to_string(),
        (date - Duration::days(HISTORY_DAYS)).to_string(),
    ]
}

const UPSERT: &str = "INSERT INTO checkins (user_id, date, pain, body, triage, day_type, decision, created_at, updated_at, walking_minutes)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (user_id, date) DO UPDATE SET
           pain = excluded.pain, body = excluded.body, triage = excluded.triage,
           walking_minutes = excluded.walking_minutes,
           day_type = excluded.day_type, decision = excluded.decision, updated_at = excluded.updated_at";

/// The stored columns of a check-in, in [`UPSERT`]'s order after the user and before the
/// times: what the app writes, and what the bulk seed writes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Columns {
    pub date: String,
    pub pain: i64,
    pub body: String,
    pub triage: String,
    pub day_type: &'static str,
    pub decision: String,
    pub walking_minutes: Option<i64>,
}

impl Columns {
    pub(crate) fn of(
        check_in: &CheckIn,
        triage: &TriageResult,
        decision: &DayTypeDecision,
    ) -> Result<Columns, StoreError> {
        Ok(Columns {
            date: check_in.date.to_string(),
            pain: i64::from(check_in.pain),
            body: body_of(check_in).to_string(),
            triage: to_json(triage)?,
            day_type: decision.day_type.name(),
            decision: to_json(decision)?,
            walking_minutes: check_in.walking_minutes.map(i64::from),
        })
    }
}

/// The stored body: the compact form without the day's bleeding, which lives in the log.
fn body_of(check_in: &CheckIn) -> serde_json::Value {
    let mut v = check_in.to_compact_json();
    if let Some(m) = v.as_object_mut() {
        m.remove("bleeding");
    }
    v
}

/// Works out triage and the day type of `check_in` from the days before it (oldest first, its
/// window only): the row to store and what the caller is told.
fn assess(
    check_in: &CheckIn,
    days: &[RecentDay],
    context: Context,
) -> Result<(Columns, Saved), StoreError> {
    let muted: Vec<&str> = context
        .muted
        .as_deref()
        .map_or(Vec::new(), |m| m.split(',').collect());
    // Oldest first and one per date: the map is built from sorted entries.
    let pains: BTreeMap<NaiveDate, u8> = days.iter().map(|d| (d.date, d.pain)).collect();
    // Her standing answers count as answered that day (clinical-rules.md section 1).
    let profile = context.profile()?;
    let standing = profile
        .as_ref()
        .map(BoneProfile::standing_answers)
        .unwrap_or_default();
    let input = TriageInput::from_check_in(check_in, pains)
        .with_standing_answers(&standing, context.cancer_ack()?);
    let mut triage = triage::evaluate(&input);
    // The bleeding findings of section 8 are the day's triage findings too.
    triage.add_findings(bleeding_findings(
        check_in,
        &context.bleeding,
        profile.as_ref(),
    )?);
    let decision = daytype::decide(check_in, &triage, triage.open_urgent(&muted), days);

    let now = Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true);
    let replaced = context.existing.is_some();
    let created_at = context.existing.unwrap_or_else(|| now.clone());
    let columns = Columns::of(check_in, &triage, &decision)?;
    let saved = Saved {
        stored: StoredCheckIn {
            check_in: check_in.clone(),
            triage,
            decision,
            created_at,
            updated_at: now,
        },
        replaced,
    };
    Ok((columns, saved))
}

/// What a save writes: the check-in's row, and her log and profile when it adds to them.
struct Write {
    columns: Columns,
    saved: Saved,
    bleeding: Option<BleedingDay>,
    custom: Option<(BoneProfile, Vec<String>)>,
}

/// Reads what the rules need about the days before `check_in` ([`context_query`]) and works
/// out what to write; with her revision as it was read.
async fn read_and_assess(
    conn: &mut sqlx::AnyConnection,
    user: UserId,
    check_in: &CheckIn,
) -> Result<(Write, i64), StoreError> {
    let postgres = conn.backend_name().eq_ignore_ascii_case("postgresql");
    let [date, earliest_ack, first_day] = context_dates(check_in.date);
    let row = sqlx::query(context_query(postgres))
        .bind(user.0)
        .bind(date)
        .bind(earliest_ack)
        .bind(first_day)
        .fetch_one(&mut *conn)
        .await?;
    let context = Context {
        existing: row.try_get("existing")?,
        muted: row.try_get("muted")?,
        profile: row.try_get("profile")?,
        profile_updated: row.try_get("profile_updated")?,
        cancer_ack: row.try_get("cancer_ack")?,
        bleeding: row.try_get("bleeding")?,
    };
    let revision: Option<i64> = row.try_get("revision")?;
    let days = parse_days(&row.try_get::<String, _>("days")?)?;
    let profile = context.profile()?;
    let custom = new_custom_names(check_in, profile.as_ref())?
        .map(|names| (profile.unwrap_or_default(), names));
    let (columns, saved) = assess(check_in, &days, context)?;
    let bleeding = check_in.symptoms.bleeding.map(|b| BleedingDay {
        date: check_in.date,
        flow: b.flow,
        after_sex: b.after_sex,
    });
    let write = Write {
        columns,
        saved,
        bleeding,
        custom,
    };
    Ok((write, revision.unwrap_or(0)))
}

/// Writes what [`read_and_assess`] worked out, inside the caller's transaction.
async fn write(
    conn: &mut sqlx::AnyConnection,
    user: UserId,
    w: Write,
) -> Result<Saved, StoreError> {
    if let Some(day) = &w.bleeding {
        crate::cycle::write_day(conn, user, day).await?;
    }
    if let Some((mut profile, names)) = w.custom {
        profile.custom_symptoms = names;
        crate::bone::write_profile(conn, user, &profile).await?;
    }
    bind_row(sqlx::query(UPSERT), user, w.columns, &w.saved)
        .execute(&mut *conn)
        .await?;
    Ok(w.saved)
}

/// [`UPSERT`]'s parameters, $1 to $10.
fn bind_row<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    user: UserId,
    c: Columns,
    saved: &Saved,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    query
        .bind(user.0)
        .bind(c.date)
        .bind(c.pain)
        .bind(c.body)
        .bind(c.triage)
        .bind(c.day_type)
        .bind(c.decision)
        .bind(saved.stored.created_at.clone())
        .bind(saved.stored.updated_at.clone())
        .bind(c.walking_minutes)
}

/// Works out triage and the day type from the stored history and writes the check-in, inside
/// the caller's transaction: the one save, used by a single check-in and by every bulk write
/// (imports, seeds).
pub(crate) async fn assess_and_write(
    conn: &mut sqlx::AnyConnection,
    user: UserId,
    check_in: &CheckIn,
) -> Result<Saved, StoreError> {
    let (w, _) = read_and_assess(conn, user, check_in).await?;
    write(conn, user, w).await
}

/// [`UPSERT`] made only while her revision is still $11, the one its context was read at.
fn guarded_upsert() -> String {
    UPSERT.replacen(
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        "SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 WHERE (SELECT revision FROM users WHERE id = $1) = $11",
        1,
    )
}

impl Store {
    /// A single check-in on SQLite, when it writes nothing but its own row: the context read
    /// and the write are one statement each, with no transaction around them, and the write
    /// is made only while her revision is the one the context was read at. Every change to
    /// what the rules read moves her revision on, so a write that lands was worked out from
    /// her data as it stands. This process's writers take turns at the gate; another process
    /// that wrote in between makes the write miss, and the save starts again. `None` when the
    /// save needs the transaction (it adds to her bleeding log or her own symptoms, or kept
    /// missing).
    ///
    /// Each statement is a hand-off to the SQLite driver's thread and back: the BEGIN and the
    /// COMMIT of the transaction were two of a save's five (docs/benchmarks.md).
    async fn save_alone(
        &self,
        user: UserId,
        check_in: &CheckIn,
    ) -> Result<Option<Saved>, StoreError> {
        static GUARDED: std::sync::LazyLock<String> = std::sync::LazyLock::new(guarded_upsert);
        let _gate = self.write_gate(user).await;
        for _ in 0..3 {
            let mut conn = self.conn().await?;
            let (w, revision) = read_and_assess(&mut conn, user, check_in).await?;
            if w.bleeding.is_some() || w.custom.is_some() {
                return Ok(None);
            }
            let written = bind_row(sqlx::query(&GUARDED), user, w.columns, &w.saved)
                .bind(revision)
                .execute(&mut *conn)
                .await?
                .rows_affected();
            if written == 1 {
                return Ok(Some(w.saved));
            }
        }
        Ok(None)
    }
}

pub(crate) async fn load_check_in(
    conn: &mut sqlx::AnyConnection,
    user: UserId,
    date: NaiveDate,
) -> Result<Option<StoredCheckIn>, StoreError> {
    let row = sqlx::query(CHECK_IN)
        .bind(user.0)
        .bind(date.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|r| stored_from_row(&Row(&r))).transpose()
}

/// One day's check-in.
const CHECK_IN: &str = concat!(check_in_select!(), " WHERE c.user_id = $1 AND c.date = $2");

fn stored_from_row(row: &Row) -> Result<StoredCheckIn, StoreError> {
    stored_from_parts(StoredColumns {
        date: row.get("date")?,
        body: row.get("body")?,
        triage: row.get("triage")?,
        decision: row.get("decision")?,
        created_at: row.get("created_at")?,
        updated_at: row.get("updated_at")?,
        bleeding_flow: row.get("bleeding_flow")?,
        bleeding_after_sex: row.get("bleeding_after_sex")?,
    })
}

/// A stored check-in's columns, as read.
#[derive(Debug, serde::Deserialize)]
pub(crate) struct StoredColumns {
    pub date: String,
    pub body: String,
    pub triage: String,
    pub decision: String,
    pub created_at: String,
    pub updated_at: String,
    /// The day's entry of the bleeding log, when read with it.
    #[serde(default)]
    pub bleeding_flow: Option<String>,
    #[serde(default)]
    pub bleeding_after_sex: Option<i64>,
}

pub(crate) fn stored_from_parts(c: StoredColumns) -> Result<StoredCheckIn, StoreError> {
    let date = parse_date(c.date)?;
    let body: serde_json::Value = serde_json::from_str(&c.body).map_err(corrupt)?;
    // The stored body went through the same constructor when it was saved; parsing it again
    // with its own date as "today" keeps one definition of a valid check-in.
    let mut check_in = CheckIn::parse(&body, date).map_err(|e| StoreError::Corrupt(e.summary()))?;
    if let Some(flow) = c.bleeding_flow {
        check_in.symptoms.bleeding = Some(keel_core::symptoms::DayBleeding {
            flow: crate::cycle::flow_from(&flow)?,
            after_sex: c.bleeding_after_sex.unwrap_or(0) != 0,
        });
    }
    Ok(StoredCheckIn {
        check_in,
        triage: serde_json::from_str(&c.triage).map_err(corrupt)?,
        decision: serde_json::from_str(&c.decision).map_err(corrupt)?,
        created_at: c.created_at,
        updated_at: c.updated_at,
    })
}

pub(crate) fn parse_date(s: String) -> Result<NaiveDate, StoreError> {
    keel_core::validate::parse_date(&s).ok_or_else(|| StoreError::Corrupt(format!("date {s:?}")))
}

pub(crate) fn corrupt(e: serde_json::Error) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Other(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::LOCAL_USER;
    use crate::test_support::{add_user, temp_store};
    use serde_json::json;

    fn check_in(date: &str, pain: u8) -> CheckIn {
        let today = NaiveDate::from_ymd_opt(2030, 1, 1).unwrap();
        CheckIn::parse(&json!({"date": date, "pain": pain}), today).unwrap()
    }

    /// Every save moves her revision on, new and replacing (what the view cache keys on).
    #[tokio::test]
    async fn a_save_moves_her_revision() {
        let (store, dir) = temp_store("step").await;
        for pain in [3, 6] {
            let before = store.revision(LOCAL_USER).await.unwrap().unwrap();
            store
                .record_check_in(LOCAL_USER, &check_in("2026-11-20", pain))
                .await
                .unwrap();
            let after = store.revision(LOCAL_USER).await.unwrap().unwrap();
            assert!(after > before, "pain {pain}: the save moved her revision");
        }
        store.close().await;
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// A row updated in place moves its user's revision once and nobody else's; a row moved
    /// to another user moves both (the SQLite triggers, each a keyed update).
    #[tokio::test]
    async fn an_update_moves_the_revision_of_every_user_it_touches() {
        let (store, dir) = temp_store("update-trigger").await;
        let other = UserId(2);
        add_user(&store, 2).await;
        store
            .record_check_in(LOCAL_USER, &check_in("2026-11-20", 3))
            .await
            .unwrap();
        let revisions = || async {
            (
                store.revision(LOCAL_USER).await.unwrap().unwrap(),
                store.revision(other).await.unwrap().unwrap(),
            )
        };
        let (mine, theirs) = revisions().await;
        sqlx::query("UPDATE checkins SET pain = 4 WHERE user_id = 1")
            .execute(&mut *store.conn().await.unwrap())
            .await
            .unwrap();
        assert_eq!(revisions().await, (mine + 1, theirs), "hers, once");
        sqlx::query("UPDATE checkins SET user_id = 2 WHERE user_id = 1")
            .execute(&mut *store.conn().await.unwrap())
            .await
            .unwrap();
        assert_eq!(revisions().await, (mine + 2, theirs + 1), "both");
        store.close().await;
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test]
    async fn same_date_replaces_and_says_so() {
        let (store, dir) = temp_store("replace").await;
        let first = store
            .record_check_in(LOCAL_USER, &check_in("2026-11-20", 3))
            .await
            .unwrap();
        assert!(!first.replaced);
        let second = store
            .record_check_in(LOCAL_USER, &check_in("2026-11-20", 5))
            .await
            .unwrap();
        assert!(second.replaced);
        assert_eq!(second.stored.created_at, first.stored.created_at);
        let d = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let all = store.check_ins(LOCAL_USER, d, d).await.unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].check_in.pain, 5);
        store.close().await;
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test]
    async fn day_type_uses_stored_history() {
        let (store, dir) = temp_store("history").await;
        for (d, p) in [("2026-11-18", 1), ("2026-11-19", 1), ("2026-11-20", 1)] {
            store
                .record_check_in(LOCAL_USER, &check_in(d, p))
                .await
                .unwrap();
        }
        // 4 is three above the median of 1: a flare day, which needs the history
        let saved = store
            .record_check_in(LOCAL_USER, &check_in("2026-11-21", 4))
            .await
            .unwrap();
        assert_eq!(saved.stored.decision.day_type, DayType::Flare);
        let loaded = store
            .check_in(LOCAL_USER, NaiveDate::from_ymd_opt(2026, 11, 21).unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(loaded, saved.stored);
        store.close().await;
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// A save reads her history as stored: a change the store did not make (plain SQL here, as
    /// another process or server would) is seen by the next save. Six weeks at pain 2, then
    /// the last six days raised to 4 behind the store's back: with stale days, the week would
    /// average 2.3 and the worsening trend (T1) would not fire.
    #[tokio::test]
    async fn a_change_made_elsewhere_reaches_the_next_save_s_trend_rules() {
        let (store, dir) = temp_store("kept-elsewhere").await;
        for (driver, s, user) in [
            ("her", &store, LOCAL_USER),
            ("another user", &store, UserId(2)),
        ] {
            if user != LOCAL_USER {
                add_user(s, user.0).await;
            }
            let d = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
            for back in (1..=42).rev() {
                let date = (d - Duration::days(back)).to_string();
                s.record_check_in(user, &check_in(&date, 2)).await.unwrap();
            }
            sqlx::query("UPDATE checkins SET pain = 4 WHERE user_id = $1 AND date >= $2")
                .bind(user.0)
                .bind((d - Duration::days(6)).to_string())
                .execute(&mut *s.conn().await.unwrap())
                .await
                .unwrap();
            let saved = s
                .record_check_in(user, &check_in(&d.to_string(), 4))
                .await
                .unwrap();
            assert_eq!(saved.stored.triage.trend.t1, Some(true), "{driver}");
        }
        store.close().await;
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test]
    async fn a_save_worked_out_before_another_writer_changed_her_data_is_not_written() {
        let (store, dir) = temp_store("guarded").await;
        let d = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        for back in (1..=42).rev() {
            let date = (d - Duration::days(back)).to_string();
            store
                .record_check_in(LOCAL_USER, &check_in(&date, 2))
                .await
                .unwrap();
        }
        // Worked out from six calm weeks...
        let today = check_in(&d.to_string(), 4);
        let mut conn = store.conn().await.unwrap();
        let (w, revision) = read_and_assess(&mut conn, LOCAL_USER, &today)
            .await
            .unwrap();
        assert_eq!(w.saved.stored.triage.trend.t1, Some(false));
        // ...while another process writes a worse last week.
        sqlx::query("UPDATE checkins SET pain = 4 WHERE user_id = $1 AND date >= $2")
            .bind(LOCAL_USER.0)
            .bind((d - Duration::days(6)).to_string())
            .execute(&mut *store.conn().await.unwrap())
            .await
            .unwrap();
        let written = bind_row(
            sqlx::query(&guarded_upsert()),
            LOCAL_USER,
            w.columns,
            &w.saved,
        )
        .bind(revision)
        .execute(&mut *conn)
        .await
        .unwrap()
        .rows_affected();
        assert_eq!(written, 0, "worked out from data that is no longer hers");
        drop(conn);
        assert!(store.check_in(LOCAL_USER, d).await.unwrap().is_none());
        // The save itself starts again from her data as it now stands.
        let saved = store.record_check_in(LOCAL_USER, &today).await.unwrap();
        assert_eq!(saved.stored.triage.trend.t1, Some(true));
        let stored = store.check_in(LOCAL_USER, d).await.unwrap().unwrap();
        assert_eq!(stored.triage, saved.stored.triage);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test]
    async fn closing_the_store_closes_every_connection() {
        let (store, dir) = temp_store("close").await;
        let db = dir.join("keel.db");
        // The process's open descriptors on the database file (Linux).
        let open_on_db = || {
            std::fs::read_dir("/proc/self/fd")
                .unwrap()
                .filter_map(|e| std::fs::read_link(e.ok()?.path()).ok())
                .filter(|target| *target == db)
                .count()
        };
        store
            .record_check_in(LOCAL_USER, &check_in("2026-11-20", 3))
            .await
            .unwrap();
        let d = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        assert_eq!(store.check_ins(LOCAL_USER, d, d).await.unwrap().len(), 1);
        assert!(open_on_db() >= 1, "the pool's connections");
        store.close().await;
        // sqlx closes its handles on its own worker threads, a moment after `close` returns.
        for _ in 0..100 {
            if open_on_db() == 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        assert_eq!(open_on_db(), 0, "no connection left open after close");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test]
    async fn other_users_data_is_invisible() {
        let (store, dir) = temp_store("scope").await;
        add_user(&store, 2).await;
        store
            .record_check_in(LOCAL_USER, &check_in("2026-11-20", 3))
            .await
            .unwrap();
        let d = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        assert!(store.check_in(UserId(2), d).await.unwrap().is_none());
        assert!(store.check_ins(UserId(2), d, d).await.unwrap().is_empty());
        assert!(store.triages(UserId(2), d, d).await.unwrap().is_empty());
        store.close().await;
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test]
    async fn triages_are_the_stored_check_ins_triages_in_date_order() {
        let (store, dir) = temp_store("triages").await;
        for (d, pain) in [("2026-11-18", 9), ("2026-11-20", 3), ("2026-11-19", 8)] {
            store
                .record_check_in(LOCAL_USER, &check_in(d, pain))
                .await
                .unwrap();
        }
        let from = NaiveDate::from_ymd_opt(2026, 11, 18).unwrap();
        let to = NaiveDate::from_ymd_opt(2026, 11, 19).unwrap();
        let whole: Vec<_> = store
            .check_ins(LOCAL_USER, from, to)
            .await
            .unwrap()
            .into_iter()
            .map(|s| (s.check_in.date, s.triage))
            .collect();
        assert_eq!(
            whole.len(),
            2,
            "the span's ends are included, the day after is not"
        );
        assert_eq!(store.triages(LOCAL_USER, from, to).await.unwrap(), whole);
        store.close().await;
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test]
    async fn migrations_apply_to_an_empty_database_and_again() {
        let (store, dir) = temp_store("migrate").await;
        store.migrate().await.unwrap();
        store.ping().await.unwrap();
        store.close().await;
        std::fs::remove_dir_all(dir).unwrap();
    }
}
