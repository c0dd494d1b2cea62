//! The JSON API: check-ins, plan, triage, errors as problem+json.

use serde_json::{Value, json};

use crate::helpers::{Server, both_backends, days_ago, today};

async fn problem(resp: reqwest::Response, status: u16) -> Value {
    assert_eq!(resp.status().as_u16(), status);
    assert_eq!(
        resp.headers()["content-type"].to_str().unwrap(),
        "application/problem+json"
    );
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["status"], status);
    assert!(body["title"].is_string() && body["detail"].is_string());
    body
}

fn error_fields(p: &Value) -> Vec<String> {
    p["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| e["field"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

both_backends! {
    async fn check_in_then_replace_then_list_and_plan(tdb: &TestDb) {
    let s = Server::start(&tdb.url);
    let body = json!({"date": today(), "pain": 5, "locations": ["lower_back"], "sleep": 6, "energy": 5,
        "saddle_numbness": false, "bladder_change": false, "bowel_change": false, "sexual_change": false,
        "both_legs_symptoms": false, "leg_weakness_worsening": false, "serious_accident": false, "chest_pain": false});
    let r = s.post_json("/api/v1/checkins", &body).await;
    assert_eq!(r.status().as_u16(), 201);
    let saved: Value = r.json().await.unwrap();
    assert_eq!(saved["replaced"], false);
    assert_eq!(saved["day_type"]["day_type"], "gentle");
    assert_eq!(saved["day_type"]["rule"], "DT-GENTLE");
    assert_eq!(saved["triage"]["missing"], json!([]));

    let mut again = body.clone();
    again["pain"] = json!(2);
    let r = s.post_json("/api/v1/checkins", &again).await;
    assert_eq!(r.status().as_u16(), 200);
    let replaced: Value = r.json().await.unwrap();
    assert_eq!(replaced["replaced"], true);
    assert_eq!(replaced["check_in"]["pain"], 2);

    let list: Value = s
        .get(&format!(
            "/api/v1/checkins?from={}&to={}",
            days_ago(3),
            today()
        ))
        .await
        .json()
        .await
        .unwrap();
    let items = list["check_ins"].as_array().unwrap();
    assert_eq!(items.len(), 1, "one check-in per date");
    assert_eq!(items[0]["check_in"]["pain"], 2);

    let plan: Value = s
        .get(&format!("/api/v1/plan/{}", today()))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(plan["day_type"], "steady");
    assert!(plan["reason"].as_str().unwrap().contains("2/10"));
    let plan_items = plan["items"].as_array().unwrap();
    // walk, deep core, glutes, strength for bone, upper back, hip flexors, balance
    assert_eq!(plan_items.len(), 7);
    for item in plan_items {
        assert!(!item["dose"].as_str().unwrap().is_empty());
        assert!(item["cues"].as_array().unwrap().len() >= 2);
    }
}
}

both_backends! {
    async fn an_emergency_stops_the_plan_and_says_what_to_do(tdb: &TestDb) {
    let s = Server::start(&tdb.url);
    let r = s
        .post_json(
            "/api/v1/checkins",
            &json!({"pain": 2, "bladder_change": true}),
        )
        .await;
    assert_eq!(r.status().as_u16(), 201);
    let plan: Value = s
        .get(&format!("/api/v1/plan/{}", today()))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(plan["day_type"], "stop");
    assert_eq!(plan["rule"], "DT-STOP");
    assert_eq!(plan["items"], json!([]));
    assert_eq!(plan["triage"]["level"], "emergency");
    assert_eq!(plan["triage"]["findings"][0]["rule"], "RF-CES-BLADDER");
    assert!(plan["action"].as_str().unwrap().contains("emergency"));
    // the unanswered emergency questions are listed
    assert!(
        plan["triage"]["missing"]
            .as_array()
            .unwrap()
            .contains(&json!("saddle_numbness"))
    );
}
}

both_backends! {
    async fn every_field_is_validated_with_its_name(tdb: &TestDb) {
    let s = Server::start(&tdb.url);
    let tomorrow = (crate::helpers::today_date() + chrono::Duration::days(1)).to_string();
    let cases = vec![
        (json!({}), "pain"),
        (json!({"pain": 11}), "pain"),
        (json!({"pain": "x"}), "pain"),
        (json!({"pain": 1, "date": tomorrow}), "date"),
        (json!({"pain": 1, "date": "yesterday"}), "date"),
        (json!({"pain": 1, "locations": ["elbow"]}), "locations[0]"),
        (json!({"pain": 1, "onset": "fast"}), "onset"),
        (
            json!({"pain": 1, "stiffness_minutes": 601}),
            "stiffness_minutes",
        ),
        (json!({"pain": 1, "sleep": -1}), "sleep"),
        (json!({"pain": 1, "energy": 10.5}), "energy"),
        (json!({"pain": 1, "sitting_hours": 25}), "sitting_hours"),
        (
            json!({"pain": 1, "walking_minutes": 1441}),
            "walking_minutes",
        ),
        (json!({"pain": 1, "notes": "n".repeat(2001)}), "notes"),
        (json!({"pain": 1, "fever": "no"}), "fever"),
        (json!({"pain": 1, "colour": "red"}), "colour"),
        (json!([1]), "body"),
    ];
    for (body, field) in cases {
        let p = problem(s.post_json("/api/v1/checkins", &body).await, 422).await;
        assert!(
            error_fields(&p).contains(&field.to_string()),
            "{body} should name {field}: {p}"
        );
    }
    // nothing invalid was stored
    let list: Value = s.get("/api/v1/checkins").await.json().await.unwrap();
    assert_eq!(list["check_ins"], json!([]));
}
}

both_backends! {
    async fn bad_bodies_and_routes_get_problem_documents(tdb: &TestDb) {
    let s = Server::start(&tdb.url);
    s.post_json("/api/v1/checkins", &json!({"pain": 4})).await;

    let r = s
        .client
        .post(s.url("/api/v1/checkins"))
        .header("content-type", "application/json")
        .body("{\"pain\": 3,")
        .send()
        .await
        .unwrap();
    problem(r, 400).await;

    let big = format!("{{\"pain\": 3, \"notes\": \"{}\"}}", "a".repeat(70 * 1024));
    let r = s
        .client
        .post(s.url("/api/v1/checkins"))
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    problem(r, 413).await;

    let r = s
        .client
        .post(s.url("/api/v1/checkins"))
        .header("content-type", "text/plain")
        .body("{\"pain\": 3}")
        .send()
        .await
        .unwrap();
    problem(r, 415).await;

    problem(s.get("/api/v1/nothing-here").await, 404).await;
    problem(
        s.client
            .delete(s.url("/api/v1/checkins"))
            .send()
            .await
            .unwrap(),
        405,
    )
    .await;
    problem(s.get("/api/v1/plan/2001-01-01").await, 404).await;
    let p = problem(s.get("/api/v1/plan/not-a-date").await, 422).await;
    assert_eq!(error_fields(&p), ["date"]);
    let p = problem(s.get("/api/v1/checkins?from=2026-02-31").await, 422).await;
    assert_eq!(error_fields(&p), ["from"]);
    let p = problem(
        s.get("/api/v1/checkins?from=2026-02-02&to=2026-02-01")
            .await,
        422,
    )
    .await;
    assert_eq!(error_fields(&p), ["from"]);

    // the earlier check-in survived every bad request
    let plan = s.get(&format!("/api/v1/plan/{}", today())).await;
    assert_eq!(plan.status().as_u16(), 200);
}
}

both_backends! {
    async fn health_openapi_and_security_headers(tdb: &TestDb) {
    let s = Server::start(&tdb.url);
    let r = s.get("/healthz").await;
    assert_eq!(r.status().as_u16(), 200);
    assert!(
        r.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert!(r.headers().contains_key("x-request-id"));
    let h: Value = r.json().await.unwrap();
    assert_eq!(h["status"], "ok");

    let doc: Value = s.get("/api/v1/openapi.json").await.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/v1/checkins",
        "/api/v1/plan/{date}",
        "/api/v1/triage",
        "/healthz",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} documented");
    }
    let checkin = &doc["components"]["schemas"]["CheckInBody"];
    assert_eq!(checkin["required"], json!(["pain"]));
    assert!(checkin["properties"]["saddle_numbness"].is_object());
}
}

both_backends! {
    async fn stateless_triage_contract(tdb: &TestDb) {
    let s = Server::start(&tdb.url);
    let r = s.post_json("/api/v1/triage", &json!({"date": "2026-11-24", "age": 48, "pain": 6, "onset": "sudden", "known_low_bone_density": true})).await;
    assert_eq!(r.status().as_u16(), 200);
    let t: Value = r.json().await.unwrap();
    assert_eq!(t["level"], "urgent");
    assert_eq!(t["findings"][0]["rule"], "RF-FRACTURE-RISK");
    assert_eq!(t["missing"].as_array().unwrap().len(), 8);
    assert_eq!(t["trend"]["t1"], Value::Null);
    let p = problem(
        s.post_json(
            "/api/v1/triage",
            &json!({"pain": 6, "history": [{"date": "2026-11-01", "pain": 12}]}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(error_fields(&p), ["history[0].pain"]);
    // nothing is stored by triage
    let list: Value = s.get("/api/v1/checkins").await.json().await.unwrap();
    assert_eq!(list["check_ins"], json!([]));
}
}

both_backends! {
    async fn stateless_bone_contract(tdb: &TestDb) {
    let s = Server::start(&tdb.url);
    let r = s
        .post_json(
            "/api/v1/bone/assess",
            &json!({"date": "2026-11-24", "age": 52, "weight_kg": 60.0, "dexa": [{"date": "2024-05-01", "site": "total_hip", "t_score": -2.6}]}),
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);
    let a: Value = r.json().await.unwrap();
    assert_eq!(a["t_score_class"], "osteoporosis");
    assert_eq!(a["rescan_years"], Value::Null);
    assert_eq!(a["exercise_caution"], true);
    assert_eq!(a["ost"], 1.6);
    assert_eq!(a["dexa_due"], false);
    let p = problem(
        s.post_json("/api/v1/bone/assess", &json!({"date": "2026-11-24"}))
            .await,
        422,
    )
    .await;
    assert_eq!(error_fields(&p), ["age"]);
}
}

both_backends! {
    async fn acknowledging_an_urgent_finding_mutes_it_but_keeps_it_listed(tdb: &TestDb) {
    let s = Server::start(&tdb.url);
    let r = s
        .post_json(
            "/api/v1/checkins",
            &json!({"pain": 1, "sleep": 8, "energy": 8, "night_pain": true}),
        )
        .await;
    let rec: Value = r.json().await.unwrap();
    assert_eq!(rec["day_type"]["day_type"], "flare");

    let p = problem(
        s.post_json(
            "/api/v1/acknowledgements",
            &json!({"rule": "RF-CES-SADDLE"}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(error_fields(&p), ["rule"]);
    let r = s
        .post_json(
            "/api/v1/acknowledgements",
            &json!({"rule": "RF-NIGHT-PAIN"}),
        )
        .await;
    assert_eq!(r.status().as_u16(), 201);
    let ack: Value = r.json().await.unwrap();
    assert_eq!(ack["acknowledged_on"], today());

    let plan: Value = s
        .get(&format!("/api/v1/plan/{}", today()))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(plan["day_type"], "strong", "{plan}");
    assert_eq!(
        plan["triage"]["findings"][0]["rule"], "RF-NIGHT-PAIN",
        "never hidden"
    );
    assert_eq!(plan["acknowledged"][0]["rule"], "RF-NIGHT-PAIN");
    let list: Value = s
        .get("/api/v1/acknowledgements")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["acknowledgements"].as_array().unwrap().len(), 1);
}
}

both_backends! {
    async fn stored_bone_record_drives_status_and_plan_exclusions(tdb: &TestDb) {
    let s = Server::start(&tdb.url);
    let status: Value = s.get("/api/v1/bone").await.json().await.unwrap();
    assert_eq!(status["assessment"], Value::Null);
    assert_eq!(status["missing"], json!(["age"]));

    let p = problem(
        s.client
            .put(s.url("/api/v1/profile"))
            .json(&json!({"age": 62, "weight_kg": "heavy"}))
            .send()
            .await
            .unwrap(),
        422,
    )
    .await;
    assert_eq!(error_fields(&p), ["weight_kg"]);
    let r = s
        .client
        .put(s.url("/api/v1/profile"))
        .json(&json!({"age": 62, "weight_kg": 61.0, "height_cm": 160.0}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let status: Value = s.get("/api/v1/bone").await.json().await.unwrap();
    assert_eq!(status["assessment"]["dexa_due"], true);
    assert_eq!(status["assessment"]["findings"][0]["rule"], "BONE-DEXA-50");

    let r = s
        .post_json(
            "/api/v1/dexa",
            &json!({"date": days_ago(30), "site": "lumbar_spine", "t_score": -2.7}),
        )
        .await;
    assert_eq!(r.status().as_u16(), 201);
    let r = s
        .post_json(
            "/api/v1/dexa",
            &json!({"date": days_ago(30), "site": "lumbar_spine", "t_score": -2.6}),
        )
        .await;
    assert_eq!(r.status().as_u16(), 200, "same date and site replaces");
    let r = s
        .post_json(
            "/api/v1/heights",
            &json!({"date": days_ago(30), "cm": 160.0}),
        )
        .await;
    assert_eq!(r.status().as_u16(), 201);
    problem(
        s.post_json(
            "/api/v1/dexa",
            &json!({"date": days_ago(1), "site": "wrist", "t_score": -1}),
        )
        .await,
        422,
    )
    .await;

    let status: Value = s.get("/api/v1/bone").await.json().await.unwrap();
    let a = &status["assessment"];
    assert_eq!(a["t_score_class"], "osteoporosis");
    assert_eq!(a["exercise_caution"], true);
    assert_eq!(a["dexa_due"], false);

    // a strong day still leaves out the excluded movements
    s.post_json(
        "/api/v1/checkins",
        &json!({"pain": 0, "sleep": 8, "energy": 8}),
    )
    .await;
    let plan: Value = s
        .get(&format!("/api/v1/plan/{}", today()))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(plan["day_type"], "strong");
    assert_eq!(plan["exclusion_rule"], "BONE-EXERCISE-CAUTION");
    assert_eq!(
        plan["excluded_movements"],
        json!(["end_range_flexion", "end_range_rotation", "loaded_flexion", "loaded_rotation", "high_impact"])
    );
    let ids: Vec<&str> = plan["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["exercise_id"].as_str().unwrap())
        .collect();
    for id in ["band-woodchop", "curl-up"] {
        assert!(!ids.contains(&id), "{id} must not appear");
    }
    // low density alone keeps the moderate impact of heel drops
    assert!(ids.contains(&"heel-drops"), "{ids:?}");
    for item in plan["items"].as_array().unwrap() {
        if ["open-book", "cat-cow", "knee-rocking"].contains(&item["exercise_id"].as_str().unwrap()) {
            assert_eq!(item["level"], 1, "{item}");
        }
    }

    // a vertebral fracture on record takes heel drops out too
    let r = s
        .client
        .put(s.url("/api/v1/profile"))
        .json(&json!({"age": 62, "weight_kg": 61.0, "height_cm": 160.0, "vertebral_fracture": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200, "{:?}", r.text().await);
    let plan: Value = s
        .get(&format!("/api/v1/plan/{}", today()))
        .await
        .json()
        .await
        .unwrap();
    assert!(plan["excluded_movements"].as_array().unwrap().contains(&json!("moderate_impact")));
    assert!(
        !plan["items"].as_array().unwrap().iter().any(|i| i["exercise_id"] == "heel-drops"),
        "{plan}"
    );
}
}

both_backends! {
    async fn an_open_fracture_risk_leaves_walking_and_position_changes_only(tdb: &TestDb) {
    let s = Server::start(&tdb.url);
    let r = s
        .post_json(
            "/api/v1/checkins",
            &json!({"pain": 5, "onset": "sudden", "known_low_bone_density": true}),
        )
        .await;
    assert_eq!(r.status().as_u16(), 201);
    let plan_of = || async {
        let v: Value = s
            .get(&format!("/api/v1/plan/{}", today()))
            .await
            .json()
            .await
            .unwrap();
        v
    };
    let plan = plan_of().await;
    assert_eq!(plan["day_type"], "flare");
    assert_eq!(plan["triage"]["findings"][0]["rule"], "RF-FRACTURE-RISK");
    assert_eq!(plan["exclusion_rules"], json!(["RF-FRACTURE-RISK"]));
    let ids: Vec<&str> = plan["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["exercise_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["walk-short-bouts", "position-change"]);
    // the Today page says why
    let page = s.get(&format!("/?date={}", today())).await.text().await.unwrap();
    assert!(page.contains("walking and changes of position only"), "{page}");

    // once she has seen a clinician about it, the day is judged by her pain again (5/10: gentle)
    let r = s
        .post_json("/api/v1/acknowledgements", &json!({"rule": "RF-FRACTURE-RISK"}))
        .await;
    assert_eq!(r.status().as_u16(), 201);
    let plan = plan_of().await;
    assert_eq!(plan["day_type"], "gentle");
    assert_eq!(plan["exclusion_rules"], json!([]));
    assert!(plan["items"].as_array().unwrap().len() > 2, "{plan}");
}
}

both_backends! {
    /// The standing answers are asked once, on her profile, and count in every check-in's
    /// triage as if answered that day; a cancer history runs through an episode until she
    /// acknowledges it.
    async fn standing_answers_feed_every_check_in(tdb: &TestDb) {
    let s = Server::start(&tdb.url);
    let r = s
        .client
        .put(s.url("/api/v1/profile"))
        .json(&json!({"age": 54, "known_low_bone_density": true, "cancer_history": true, "history_answered": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let rules = |rec: &Value| -> Vec<String> {
        rec["triage"]["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap().to_string()).collect()
    };
    // the first day of an episode, with a sudden onset: both standing answers count
    let rec: Value = s
        .post_json("/api/v1/checkins", &json!({"date": days_ago(2), "pain": 5, "onset": "sudden"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rules(&rec), ["RF-CANCER-HISTORY", "RF-FRACTURE-RISK"], "{rec}");
    // her check-in itself is stored as she gave it
    assert_eq!(rec["check_in"]["cancer_history"], Value::Null, "{rec}");
    // acknowledged, the cancer history stays quiet for the rest of the episode
    let r = s
        .post_json("/api/v1/acknowledgements", &json!({"rule": "RF-CANCER-HISTORY", "date": days_ago(2)}))
        .await;
    assert_eq!(r.status().as_u16(), 201);
    let rec: Value = s
        .post_json("/api/v1/checkins", &json!({"date": days_ago(1), "pain": 4, "onset": "gradual"}))
        .await
        .json()
        .await
        .unwrap();
    assert!(rules(&rec).is_empty(), "{rec}");
    // an answer given on the day still counts as given
    let rec: Value = s
        .post_json("/api/v1/checkins", &json!({"pain": 4, "onset": "sudden", "known_low_bone_density": false}))
        .await
        .json()
        .await
        .unwrap();
    assert!(!rules(&rec).contains(&"RF-FRACTURE-RISK".to_string()), "{rec}");
    }
}
