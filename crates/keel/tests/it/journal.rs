//! The Journal page: a month of her days, each a link to that day; Today links to the days
//! either side.

use serde_json::json;

use crate::helpers::{Server, both_backends, days_ago, today, today_date};

both_backends! {
    async fn the_journal_shows_each_day_and_opens_it(tdb: &TestDb) {
    let s = Server::start(&tdb.url);
    // yesterday a steady day with pain 3, today an urgent sign (night pain)
    let yesterday = days_ago(1);
    for body in [
        json!({"date": yesterday, "pain": 3, "sleep": 6, "energy": 5}),
        json!({"date": today(), "pain": 2, "night_pain": true}),
    ] {
        let r = s.post_json("/api/v1/checkins", &body).await;
        assert_eq!(r.status().as_u16(), 201);
    }
    let r = s
        .post_json("/api/v1/activities", &json!({"date": yesterday, "exercise_id": "dead-bug", "pain_during": 2}))
        .await;
    assert_eq!(r.status().as_u16(), 201);

    let month = today_date().format("%Y-%m").to_string();
    let html = s.get(&format!("/journal?month={month}")).await.text().await.unwrap();
    let y = chrono::NaiveDate::parse_from_str(&yesterday, "%Y-%m-%d").unwrap();
    if y.format("%Y-%m").to_string() == month {
        let label = format!("{}: steady day, pain 3 out of 10, 1 exercise done", y.format("%A %-d %B"));
        assert!(html.contains(&label), "{label} in {html}");
        assert!(html.contains(&format!("href=\"/?date={yesterday}\"")));
    }
    let label = format!("{}: flare day, pain 2 out of 10, a sign to see a clinician today", today_date().format("%A %-d %B"));
    assert!(html.contains(&label), "{label}");
    assert!(html.contains("aria-current=\"date\""));
    // this month has no next month to open yet; the month before does
    let next = (today_date().with_day(1).unwrap() + chrono::Months::new(1)).format("%Y-%m").to_string();
    assert!(!html.contains(&format!("/journal?month={next}")));
    let before = (today_date().with_day(1).unwrap() - chrono::Months::new(1)).format("%Y-%m").to_string();
    assert!(html.contains(&format!("/journal?month={before}")));
    let earlier = s.get(&format!("/journal?month={before}")).await.text().await.unwrap();
    assert!(earlier.contains(&format!("/journal?month={month}")), "the month before links forward");
    // a month in the future or nonsense shows this month
    for asked in ["2999-01", "soon"] {
        let other = s.get(&format!("/journal?month={asked}")).await.text().await.unwrap();
        assert!(other.contains(&label), "{asked}");
    }

    // Today links to yesterday and the journal; yesterday links back to today
    let today_page = s.get("/").await.text().await.unwrap();
    assert!(today_page.contains(&format!("href=\"/?date={yesterday}\"")));
    assert!(today_page.contains(&format!("href=\"/journal?month={month}\"")));
    let past = s.get(&format!("/?date={yesterday}")).await.text().await.unwrap();
    assert!(past.contains("href=\"/\""));
    assert!(past.contains("Update this check-in"));
    }
}

use chrono::Datelike;
