//! The adaptive plan: the log moves levels, the week adds up, the calendar parses back.

use serde_json::{Value, json};

use crate::helpers::{Server, both_backends, days_ago, run_cli, today};

async fn check_in(s: &Server, date: &str, pain: u8) {
    let r = s
        .post_json(
            "/api/v1/checkins",
            &json!({"date": date, "pain": pain, "sleep": 7, "energy": 7, "walking_minutes": 20}),
        )
        .await;
    assert!(r.status().is_success());
}

both_backends! {
    async fn three_comfortable_sessions_raise_the_level_the_plan_uses(tdb: &TestDb) {
    let s = Server::start(&tdb.url);
    for n in (1..=6).rev() {
        check_in(&s, &days_ago(n), 2).await;
    }
    check_in(&s, &today(), 2).await;
    for n in [6, 4, 2] {
        let r = s
            .post_json("/api/v1/activities", &json!({"date": days_ago(n), "exercise_id": "glute-bridge", "pain_during": 3, "effort": 5, "sets": 2, "reps": 10}))
            .await;
        assert_eq!(r.status().as_u16(), 201);
        let a: Value = r.json().await.unwrap();
        assert_eq!(a["level"], 1, "logged at her current level");
    }
    let levels: Value = s.get("/api/v1/levels").await.json().await.unwrap();
    let glutes = levels["levels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["family"] == "glutes")
        .unwrap()
        .clone();
    assert_eq!(glutes["level"], 2);
    assert_eq!(
        glutes["reason"],
        "Up to level 2: three sessions at level 1 with pain at most 5/10."
    );
    let plan: Value = s
        .get(&format!("/api/v1/plan/{}", today()))
        .await
        .json()
        .await
        .unwrap();
    let item = plan["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["family"] == "glutes")
        .unwrap()
        .clone();
    assert!(item["level"].as_u64().unwrap() >= 2, "{item}");

    // a painful session brings it back down
    let r = s.post_json("/api/v1/activities", &json!({"date": days_ago(1), "exercise_id": "hip-thrust", "pain_during": 7, "level": 2})).await;
    assert_eq!(r.status().as_u16(), 201);
    let levels: Value = s.get("/api/v1/levels").await.json().await.unwrap();
    let glutes = levels["levels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["family"] == "glutes")
        .unwrap()
        .clone();
    assert_eq!(glutes["level"], 1);
    assert!(
        glutes["reason"]
            .as_str()
            .unwrap()
            .starts_with("Down to level 1: pain during it was 7/10")
    );
}
}

both_backends! {
    async fn activity_log_validates_and_week_counts_walks_once(tdb: &TestDb) {
    let s = Server::start(&tdb.url);
    let bad = [
        (
            json!({"exercise_id": "moonwalk", "pain_during": 1}),
            "exercise_id",
        ),
        (json!({"exercise_id": "dead-bug"}), "pain_during"),
        (
            json!({"exercise_id": "dead-bug", "pain_during": 1, "level": 9}),
            "level",
        ),
        (
            json!({"exercise_id": "dead-bug", "pain_during": 1, "date": "2999-01-01"}),
            "date",
        ),
    ];
    for (body, field) in bad {
        let r = s.post_json("/api/v1/activities", &body).await;
        assert_eq!(r.status().as_u16(), 422, "{body}");
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["errors"][0]["field"], field);
    }
    check_in(&s, &today(), 2).await; // 20 walking minutes in the check-in
    let r = s
        .post_json(
            "/api/v1/activities",
            &json!({"exercise_id": "brisk-walk", "pain_during": 1, "minutes": 30}),
        )
        .await;
    assert_eq!(r.status().as_u16(), 201);
    let r = s
        .post_json(
            "/api/v1/activities",
            &json!({"exercise_id": "brisk-walk", "pain_during": 1, "minutes": 35}),
        )
        .await;
    assert_eq!(
        r.status().as_u16(),
        200,
        "the same exercise and day replaces"
    );
    s.post_json(
        "/api/v1/activities",
        &json!({"exercise_id": "dead-bug", "pain_during": 2}),
    )
    .await;
    s.post_json(
        "/api/v1/activities",
        &json!({"exercise_id": "standing-hip-flexor", "pain_during": 0}),
    )
    .await;
    let week: Value = s.get("/api/v1/week").await.json().await.unwrap();
    let day = week["days"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["date"] == today())
        .unwrap()
        .clone();
    assert_eq!(
        day["moderate_minutes"], 35,
        "the larger of check-in and log, not the sum"
    );
    assert_eq!(day["strength"], true);
    assert_eq!(week["strength_days"], 1);
    assert_eq!(week["moderate_target"], 150);
    assert_eq!(week["hip_flexor_streak"], 1);
}
}

both_backends! {
    async fn calendar_parses_back_with_stable_uids(tdb: &TestDb) {
    let s = Server::start(&tdb.url);
    check_in(&s, &today(), 8).await;
    let r = s.get("/api/v1/calendar.ics").await;
    assert_eq!(r.status().as_u16(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let first = r.text().await.unwrap();
    for line in first.split("\r\n") {
        assert!(line.len() <= 75, "unfolded line: {line}");
    }
    let unfolded = icalendar::parser::unfold(&first);
    let cal = icalendar::parser::read_calendar(&unfolded).expect("valid iCalendar");
    let events: Vec<_> = cal
        .components
        .iter()
        .filter(|c| c.name == "VEVENT")
        .collect();
    assert_eq!(events.len(), 7);
    let prop = |c: &icalendar::parser::Component, name: &str| {
        c.properties
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.val.to_string())
            .unwrap_or_default()
    };
    let uids: std::collections::BTreeSet<String> = events.iter().map(|e| prop(e, "UID")).collect();
    assert_eq!(uids.len(), 7);
    assert_eq!(prop(events[0], "DTSTART"), today().replace('-', ""));
    assert!(
        prop(events[0], "SUMMARY").contains("flare"),
        "today's real plan"
    );
    assert!(
        prop(events[1], "SUMMARY").contains("steady"),
        "later days are planned as steady"
    );
    let again = s.get("/api/v1/calendar.ics").await.text().await.unwrap();
    let uids_again: std::collections::BTreeSet<String> =
        icalendar::parser::read_calendar(&icalendar::parser::unfold(&again))
            .unwrap()
            .components
            .iter()
            .filter(|c| c.name == "VEVENT")
            .map(|e| prop(e, "UID"))
            .collect();
    assert_eq!(uids, uids_again, "UIDs are stable across exports");
}
}

both_backends! {
    async fn preferences_keep_exercises_and_equipment_out_of_the_plan(tdb: &TestDb) {
    let s = Server::start(&tdb.url);
    let r = s
        .client
        .put(s.url("/api/v1/preferences"))
        .json(&json!({"excluded_exercises": ["nope"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let r = s
        .client
        .put(s.url("/api/v1/preferences"))
        .json(&json!({"excluded_exercises": ["dead-bug", "bird-dog"], "missing_equipment": ["resistance_band", "bench"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    for n in 0..7 {
        check_in(&s, &days_ago(n), 1).await;
        let plan: Value = s
            .get(&format!("/api/v1/plan/{}", days_ago(n)))
            .await
            .json()
            .await
            .unwrap();
        for item in plan["items"].as_array().unwrap() {
            let id = item["exercise_id"].as_str().unwrap();
            assert!(
                ![
                    "dead-bug",
                    "bird-dog",
                    "pallof-press",
                    "hip-thrust",
                    "band-row",
                    "band-woodchop"
                ]
                .contains(&id),
                "{id}"
            );
        }
    }
}
}

both_backends! {
    async fn log_and_week_from_the_cli(tdb: &TestDb) {
    let db = tdb.url.clone();
    let (code, _, err) = run_cli(
        &db,
        &["log", "dead-bug", "--pain-during", "3", "--effort", "4"],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run_cli(&db, &["log", "dead-bug", "--pain-during", "12"], None);
    assert_eq!(code, 2);
    assert!(err.contains("pain_during"), "{err}");
    let (code, out, _) = run_cli(
        &db,
        &["log", "--json"],
        Some(r#"{"exercise_id": "brisk-walk", "pain_during": 0, "minutes": 25}"#),
    );
    assert_eq!(code, 0);
    assert_eq!(serde_json::from_str::<Value>(&out).unwrap()["minutes"], 25);
    let (code, out, _) = run_cli(&db, &["week", "--json"], None);
    assert_eq!(code, 0);
    let week: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(week["moderate_minutes"], 25);
    assert_eq!(week["strength_days"], 1);
    let (_, out, _) = run_cli(&db, &["week"], None);
    assert!(out.contains("25 of 150 minutes"), "{out}");
}
}
