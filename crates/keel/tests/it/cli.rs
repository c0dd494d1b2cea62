//! The CLI on the same database as the server: the same rules, the same answers.

use serde_json::{Value, json};

use crate::helpers::{Server, both_backends, run_cli, today};

both_backends! {
    async fn cli_and_api_agree_on_one_database(tdb: &TestDb) {
    let db = tdb.url.clone();
    let (code, out, err) = run_cli(
        &db,
        &[
            "checkin",
            "--pain",
            "5",
            "--location",
            "lower_back,buttock",
            "--sleep",
            "6",
            "--energy",
            "5",
            "--no-red-flags",
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("saved"), "{out}");
    assert!(out.contains("Gentle day"), "{out}");

    let s = Server::start(&db);
    let plan: Value = s
        .get(&format!("/api/v1/plan/{}", today()))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(plan["day_type"], "gentle");

    let (code, out, _) = run_cli(&db, &["plan", "--json"], None);
    assert_eq!(code, 0);
    let cli_plan: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(cli_plan, plan, "CLI and API plans agree");

    // a check-in through the API shows in the CLI
    let r = s.post_json("/api/v1/checkins", &json!({"pain": 8})).await;
    assert_eq!(r.status().as_u16(), 200);
    let (_, out, _) = run_cli(&db, &["plan"], None);
    assert!(out.contains("Flare day"), "{out}");
    assert!(out.contains("Unanswered safety questions"), "{out}");
}
}

both_backends! {
    async fn checkin_json_on_stdin_and_its_errors(tdb: &TestDb) {
    let db = tdb.url.clone();
    let (code, out, err) = run_cli(
        &db,
        &["checkin", "--json"],
        Some(r#"{"pain": 3, "chest_pain": true}"#),
    );
    assert_eq!(code, 0, "{err}");
    let rec: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(rec["day_type"]["day_type"], "stop");
    assert_eq!(rec["replaced"], false);

    let (code, _, err) = run_cli(
        &db,
        &["checkin", "--json"],
        Some(r#"{"pain": 3, "sleep": 12}"#),
    );
    assert_eq!(code, 2);
    assert!(err.contains("sleep"), "{err}");
    let (code, _, err) = run_cli(&db, &["checkin", "--json"], Some("{not json"));
    assert_eq!(code, 2);
    assert!(err.contains("JSON"), "{err}");
    let (code, _, err) = run_cli(&db, &["checkin", "--pain", "11"], None);
    assert_eq!(code, 2);
    assert!(err.contains("pain"), "{err}");
    let (code, _, err) = run_cli(&db, &["checkin", "--pain", "3", "--yes", "fevr"], None);
    assert_eq!(code, 2);
    assert!(err.contains("fevr"), "{err}");
    let (code, _, err) = run_cli(&db, &["plan", "--date", "2026-13-01"], None);
    assert_eq!(code, 2);
    assert!(err.contains("date"), "{err}");
    let (code, _, err) = run_cli(&db, &["plan", "--date", "2001-01-01"], None);
    assert_eq!(code, 1);
    assert!(err.contains("no check-in"), "{err}");

    // the first check-in is still there and unchanged
    let (code, out, _) = run_cli(&db, &["plan", "--json"], None);
    assert_eq!(code, 0);
    let plan: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(plan["day_type"], "stop");
}
}

both_backends! {
    async fn triage_cli_contract(tdb: &TestDb) {
    let (code, out, _) = run_cli(
        &tdb.url,
        &["triage", "--json"],
        Some(r#"{"pain": 4, "saddle_numbness": true, "fever": true}"#),
    );
    assert_eq!(code, 0);
    let t: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(t["level"], "emergency");
    assert_eq!(t["findings"][0]["rule"], "RF-CES-SADDLE");
    assert_eq!(t["findings"][1]["rule"], "RF-FEVER");
    let (code, _, err) = run_cli(
        &tdb.url,
        &["triage", "--json"],
        Some(r#"{"pain": 4, "age": "old"}"#),
    );
    assert_eq!(code, 2);
    assert!(err.contains("age"), "{err}");
}
}

both_backends! {
    async fn migrate_creates_and_reports_the_database(tdb: &TestDb) {
    let postgres = tdb.url.starts_with("postgres");
    let url = if postgres { tdb.url.clone() } else { format!("sqlite://{}", tdb.url) };
    let (code, out, err) = run_cli(&url, &["migrate"], None);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("up to date"));
    if !postgres {
        assert!(std::path::Path::new(&tdb.url).exists());
    }
    // migrating again is a no-op
    let (code, _, err) = run_cli(&url, &["migrate"], None);
    assert_eq!(code, 0, "{err}");
}
}

both_backends! {
    async fn bone_cli_contract(tdb: &TestDb) {
    let (code, out, err) = run_cli(
        &tdb.url,
        &["bone", "--json"],
        Some(r#"{"date": "2026-11-24", "age": 50}"#),
    );
    assert_eq!(code, 0, "{err}");
    let a: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(a["dexa_due"], true);
    assert_eq!(a["findings"][0]["rule"], "BONE-DEXA-50");
    let (code, _, err) = run_cli(
        &tdb.url,
        &["bone", "--json"],
        Some(
            r#"{"date": "2026-11-24", "age": 50, "dexa": [{"date": "2026-01-01", "site": "spine", "t_score": -1}]}"#,
        ),
    );
    assert_eq!(code, 2);
    assert!(err.contains("dexa[0].site"), "{err}");
}
}

both_backends! {
    async fn ack_and_stored_bone_from_the_cli(tdb: &TestDb) {
    let db = tdb.url.clone();
    let (code, _, err) = run_cli(
        &db,
        &["checkin", "--pain", "2", "--no-red-flags", "--yes", "fever"],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run_cli(&db, &["ack", "RF-CHEST-PAIN"], None);
    assert_eq!(code, 2);
    assert!(err.contains("cannot be muted"), "{err}");
    let (code, out, err) = run_cli(&db, &["ack", "RF-FEVER", "--json"], None);
    assert_eq!(code, 0, "{err}");
    let ack: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(ack["rule"], "RF-FEVER");
    let (_, out, _) = run_cli(&db, &["plan", "--json"], None);
    let plan: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(plan["acknowledged"][0]["rule"], "RF-FEVER");
    assert_ne!(plan["day_type"], "flare");

    let (code, _, err) = run_cli(&db, &["bone", "--stored"], None);
    assert_eq!(code, 1);
    assert!(err.contains("age"), "{err}");
}
}

both_backends! {
    async fn seed_bulk_loads_history_and_keeps_what_exists(tdb: &TestDb) {
    let db = tdb.url.clone();
    // The local user and user 2: 60 days each (COPY on PostgreSQL: nothing there yet).
    let (code, out, err) = run_cli(&db, &["seed", "--users", "2", "--days", "60", "--first-user", "1"], None);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("120 check-ins"), "{out}");

    let s = Server::start(&db);
    let from = crate::helpers::days_ago(59);
    let list: Value = s
        .get(&format!("/api/v1/checkins?from={from}&to={}", today()))
        .await
        .json()
        .await
        .unwrap();
    let days = list["check_ins"].as_array().unwrap();
    assert_eq!(days.len(), 60, "one check-in a day, ending today");
    let plan = s.get(&format!("/api/v1/plan/{}", today())).await;
    assert_eq!(plan.status().as_u16(), 200, "a seeded day has a plan");
    // Seeded rows are what the app itself would store: saving the same answers again through
    // the API (triage over the stored history, day type over the last two weeks) agrees.
    for day in [&days[0], &days[45], &days[59]] {
        let again: Value = s
            .post_json("/api/v1/checkins", &day["check_in"])
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(again["replaced"], true);
        assert_eq!(again["triage"], day["triage"], "{}", day["check_in"]["date"]);
        assert_eq!(again["day_type"], day["day_type"], "{}", day["check_in"]["date"]);
    }

    // The same range again writes nothing; a range overlapping it adds only the new user.
    let (code, out, err) = run_cli(&db, &["seed", "--users", "2", "--days", "60", "--first-user", "1"], None);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(": 0 check-ins"), "{out}");
    let (code, out, err) = run_cli(&db, &["seed", "--users", "2", "--days", "60", "--first-user", "2"], None);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(": 60 check-ins"), "{out}");

    let (code, _, err) = run_cli(&db, &["seed", "--days", "0"], None);
    assert_eq!(code, 2);
    assert!(err.contains("days"), "{err}");
}
}

both_backends! {
    async fn seed_tokens_act_as_each_seeded_user_and_only_her(tdb: &TestDb) {
    let db = tdb.url.clone();
    let file = tdb.dir.0.join("tokens.txt");
    let file_arg = file.to_str().unwrap();
    // Users 2 and 3, ten days each, and a token for each.
    let (code, _, err) = run_cli(&db, &["seed", "--users", "2", "--days", "10", "--first-user", "2", "--tokens", file_arg], None);
    assert_eq!(code, 0, "{err}");
    let tokens: Vec<String> = std::fs::read_to_string(&file).unwrap().lines().map(str::to_string).collect();
    assert_eq!(tokens.len(), 2, "one token per seeded user");
    assert_ne!(tokens[0], tokens[1]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "secrets readable by their owner only");
    }
    // An existing file is never overwritten (nor its permissions trusted).
    let (code, _, err) = run_cli(&db, &["seed", "--users", "1", "--days", "1", "--first-user", "9", "--tokens", file_arg], None);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("tokens") && err.contains("tokens.txt"), "{err}");

    let s = Server::start(&db);
    let as_user = |token: &str| {
        s.client.get(s.url(&format!("/api/v1/checkins?from={}&to={}", crate::helpers::days_ago(30), today())))
            .bearer_auth(token.to_string())
    };
    let pains = |v: &Value| -> Vec<i64> {
        v["check_ins"].as_array().unwrap().iter().map(|c| c["check_in"]["pain"].as_i64().unwrap()).collect()
    };
    let first: Value = as_user(&tokens[0]).send().await.unwrap().json().await.unwrap();
    let second: Value = as_user(&tokens[1]).send().await.unwrap().json().await.unwrap();
    assert_eq!(pains(&first).len(), 10, "her ten seeded days");
    assert_eq!(pains(&second).len(), 10);
    // The tokens can write, and write to their own user's journal only.
    let saved = s.client.post(s.url("/api/v1/checkins")).bearer_auth(&tokens[0])
        .json(&json!({"date": today().to_string(), "pain": 9})).send().await.unwrap();
    assert_eq!(saved.status().as_u16(), 200, "today was seeded: replaced");
    let first: Value = as_user(&tokens[0]).send().await.unwrap().json().await.unwrap();
    let second_again: Value = as_user(&tokens[1]).send().await.unwrap().json().await.unwrap();
    assert_eq!(*pains(&first).last().unwrap(), 9);
    assert_eq!(second_again, second, "the other seeded user is untouched");
    // The local user (no token) has none of their history.
    let local: Value = s.get(&format!("/api/v1/checkins?from={}&to={}", crate::helpers::days_ago(30), today())).await.json().await.unwrap();
    assert!(pains(&local).is_empty());
}
}

/// The binary's today is the tests' today (`KEEL_TODAY`, honoured by debug builds only), so
/// that no test computes a date the binary disagrees with.
#[test]
fn the_binary_and_its_tests_share_one_today() {
    let dir = crate::helpers::TempDir::new("today");
    let db = dir.db();
    let (code, _, err) = run_cli(&db, &["checkin", "--pain", "2", "--no-red-flags"], None);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = run_cli(&db, &["plan", "--json"], None);
    assert_eq!(code, 0, "{err}");
    let plan: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(plan["date"], crate::helpers::TODAY, "{plan}");
}

/// The stateless stage contract, the same through the CLI and the API, storing nothing.
#[tokio::test]
async fn stage_contract_on_the_cli_and_the_api() {
    let dir = crate::helpers::TempDir::new("stage");
    let body = r#"{"date": "2026-11-24", "bleeding": [
        {"date": "2026-08-01", "flow": "medium"}, {"date": "2026-08-02", "flow": "light"},
        {"date": "2026-08-29", "flow": "heavy"},
        {"date": "2026-10-05", "flow": "medium"}, {"date": "2026-10-20", "flow": "spotting", "after_sex": true}],
        "context": [{"kind": "hormone_therapy_vaginal", "from": "2026-01-01", "to": null}]}"#;
    let (code, out, err) = run_cli(&dir.db(), &["stage", "--json"], Some(body));
    assert_eq!(code, 0, "{err}");
    let cli: Value = serde_json::from_str(&out).unwrap();
    // cycles 28 and 37 (one difference of 9: not yet persistent); 50 days since the last
    assert_eq!(cli["cycle_lengths"], serde_json::json!([28, 37]));
    assert_eq!(cli["stage"], "PH-REPRO");
    assert_eq!(
        cli["periods"][0],
        serde_json::json!({"start": "2026-08-01", "end": "2026-08-02"})
    );
    assert_eq!(cli["findings"][0]["rule"], "RF-BLEED-BETWEEN");
    let s = Server::start(&dir.db());
    let api: Value = s
        .post_json(
            "/api/v1/stage/assess",
            &serde_json::from_str::<Value>(body).unwrap(),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(api, cli, "one contract");
    // bad input: the field named, exit 2 and 422
    let bad = r#"{"date": "2026-11-24", "context": [{"kind": "hysterectomy", "from": "2025-01-01", "to": "2024-01-01"}]}"#;
    let (code, _, err) = run_cli(&dir.db(), &["stage", "--json"], Some(bad));
    assert_eq!(code, 2);
    assert!(err.contains("context[0].to"), "{err}");
    let r = s
        .post_json(
            "/api/v1/stage/assess",
            &serde_json::from_str::<Value>(bad).unwrap(),
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let p: Value = r.json().await.unwrap();
    assert_eq!(p["errors"][0]["field"], "context[0].to");
    let doc: Value = s.get("/api/v1/openapi.json").await.json().await.unwrap();
    assert!(doc["paths"]["/api/v1/stage/assess"]["post"].is_object());
}
