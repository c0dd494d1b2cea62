//! Plan computation from a two-year history: levels from the log, the day type from recent
//! check-ins, triage with its trend rules, and the session itself.

use std::collections::BTreeMap;
use std::hint::black_box;

use chrono::{Duration, NaiveDate};
use criterion::{Criterion, criterion_group, criterion_main};
use keel_core::activity::{Activity, family_levels};
use keel_core::daytype::{self, RecentDay};
use keel_core::plan::{self, PlanContext};
use keel_core::triage::{self, TriageInput, TriageLevel};
use keel_core::{CheckIn, DayType, Library};

struct History {
    pain: BTreeMap<NaiveDate, u8>,
    recent: Vec<RecentDay>,
    activities: Vec<Activity>,
    today: CheckIn,
}

/// Two years of daily check-ins and four logged exercises a day, deterministic.
fn two_years(library: &Library) -> History {
    let end = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
    let start = end - Duration::days(730);
    let mut pain = BTreeMap::new();
    let mut recent = Vec::new();
    let mut activities = Vec::new();
    let picks = ["dead-bug", "glute-bridge", "open-book", "brisk-walk"];
    for i in 0..730 {
        let date = start + Duration::days(i);
        let p = ((i * 7 + i / 11) % 6) as u8;
        pain.insert(date, p);
        recent.push(RecentDay {
            date,
            pain: p,
            day_type: Some(if p >= 5 {
                DayType::Gentle
            } else {
                DayType::Steady
            }),
        });
        for (k, id) in picks.iter().enumerate() {
            let e = library.get(id).unwrap();
            activities.push(Activity {
                date,
                exercise_id: e.id.clone(),
                family: e.family,
                level: 1 + ((i as u8 / 40) % 3),
                sets: Some(2),
                reps: Some(10),
                hold_seconds: None,
                minutes: if k == 3 { Some(25) } else { None },
                pain_during: ((i + k as i64) % 7) as u8,
                effort: Some(5),
            });
        }
    }
    let today = CheckIn::parse(
        &serde_json::json!({"date": end.to_string(), "pain": 2, "sleep": 7, "energy": 7}),
        end,
    )
    .unwrap();
    History {
        pain,
        recent,
        activities,
        today,
    }
}

fn plan_for_today(library: &Library, h: &History) -> plan::Plan {
    let date = h.today.date;
    let levels = family_levels(&h.activities, &h.pain, date, library);
    let history: BTreeMap<NaiveDate, u8> = h
        .pain
        .range(date - Duration::days(366)..date)
        .map(|(d, p)| (*d, *p))
        .collect();
    let t = triage::evaluate(&TriageInput::from_check_in(&h.today, history));
    let recent: Vec<RecentDay> = h
        .recent
        .iter()
        .filter(|r| r.date >= date - Duration::days(14))
        .copied()
        .collect();
    let decision = daytype::decide(&h.today, &t, t.level == TriageLevel::Urgent, &recent);
    let ctx = PlanContext {
        levels: levels.values().map(|l| (l.family, l.level)).collect(),
        ..Default::default()
    };
    plan::compose(library, date, &decision, &ctx)
}

fn bench(c: &mut Criterion) {
    let library = Library::builtin();
    let h = two_years(&library);
    c.bench_function("plan from a two-year history", |b| {
        b.iter(|| plan_for_today(black_box(&library), black_box(&h)))
    });
    c.bench_function("family levels over two years", |b| {
        b.iter(|| {
            family_levels(
                black_box(&h.activities),
                black_box(&h.pain),
                h.today.date,
                &library,
            )
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
