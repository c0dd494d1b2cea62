//! Perimenopause through the API and the CLI (clinical-rules.md sections 6 and 8): the bleeding
//! log, her stage, bleeding findings in the day's triage, the heavy-symptom day, and every bad
//! input refused with its field named and nothing stored changed.

use serde_json::{Value, json};

use crate::helpers::{Server, both_backends, days_ago, run_cli, today};

async fn status_and_json(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| e["field"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

async fn put(s: &Server, path: &str, body: Value) -> (u16, Value) {
    status_and_json(s.client.put(s.url(path)).json(&body).send().await.unwrap()).await
}

async fn period(s: &Server, start: i64, end: i64) {
    let (status, v) = status_and_json(
        s.post_json(
            "/api/v1/bleeding/periods",
            &json!({"start": days_ago(start), "end": days_ago(end)}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201, "{v}");
}

both_backends! {
    async fn the_log_makes_her_stage_and_bad_entries_change_nothing(tdb: &TestDb) {
        let s = Server::start(&tdb.url);
        let stage: Value = s.get("/api/v1/stage").await.json().await.unwrap();
        assert_eq!(stage["stage"], Value::Null, "not enough data yet: {stage}");
        assert!(stage["reason"].as_str().unwrap().starts_with("Not enough data yet"));
        // Cycles of 28, 28, then 37 and 27: two differences of 7 or more, the early transition.
        for (start, end) in [(150, 146), (122, 118), (94, 90), (57, 53), (30, 26)] {
            period(&s, start, end).await;
        }
        let stage: Value = s.get("/api/v1/stage").await.json().await.unwrap();
        assert_eq!(stage["stage"], "PH-EARLY", "{stage}");
        assert_eq!(stage["cycle_lengths"], json!([28, 28, 37, 27]));
        assert_eq!(stage["words"], "Early menopause transition (stage -2)");
        assert!(stage["reason"].as_str().unwrap().contains("9-day difference"), "{stage}");
        assert_eq!(stage["cycles"].as_array().unwrap().len(), 4);
        let log: Value = s
            .get(&format!("/api/v1/bleeding?from={}&to={}", days_ago(200), today()))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(log["days"].as_array().unwrap().len(), 25);

        // Bad input: named, and the log unchanged.
        let tomorrow = (crate::helpers::today_date() + chrono::Duration::days(1)).to_string();
        let (status, p) = put(&s, &format!("/api/v1/bleeding/{tomorrow}"), json!({"flow": "light"})).await;
        assert_eq!((status, fields(&p)), (422, vec!["date".to_string()]));
        let (status, p) = put(&s, &format!("/api/v1/bleeding/{}", today()), json!({"flow": "gushing"})).await;
        assert_eq!((status, fields(&p)), (422, vec!["flow".to_string()]));
        let (status, p) = status_and_json(s.post_json("/api/v1/bleeding/periods", &json!({"start": days_ago(3), "end": days_ago(5)})).await).await;
        assert_eq!((status, fields(&p)), (422, vec!["end".to_string()]));
        let (status, p) = status_and_json(s.post_json("/api/v1/bleeding/periods", &json!({"start": days_ago(3), "end": tomorrow})).await).await;
        assert_eq!((status, fields(&p)), (422, vec!["end".to_string()]));
        let again: Value = s
            .get(&format!("/api/v1/bleeding?from={}&to={}", days_ago(200), today()))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(again, log, "nothing stored changed");

        // Hormonal contraception masks what bleeding says; overlapping entries of one kind are
        // refused and the profile keeps what it had.
        let (status, _) = put(&s, "/api/v1/profile", json!({"still_periods": "yes", "cycle_context": [{"kind": "hormonal_contraception", "from": days_ago(100), "to": null}]})).await;
        assert_eq!(status, 200);
        let stage: Value = s.get("/api/v1/stage").await.json().await.unwrap();
        assert_eq!(stage["stage"], "PH-UNKNOWN", "{stage}");
        let (status, p) = put(&s, "/api/v1/profile", json!({"cycle_context": [
            {"kind": "hormone_therapy_systemic", "from": days_ago(300), "to": days_ago(100)},
            {"kind": "hormone_therapy_systemic", "from": days_ago(150), "to": null}]})).await;
        assert_eq!((status, fields(&p)), (422, vec!["cycle_context[1]".to_string()]));
        let (status, p) = put(&s, "/api/v1/profile", json!({"cycle_context": [
            {"kind": "hysterectomy", "from": days_ago(10), "to": days_ago(20)}]})).await;
        assert_eq!((status, fields(&p)), (422, vec!["cycle_context[0].to".to_string()]));
        let profile: Value = s.get("/api/v1/profile").await.json().await.unwrap();
        assert_eq!(profile["cycle_context"][0]["kind"], "hormonal_contraception", "{profile}");

        // A day removed, then removing it again is not found.
        let r = s.client.delete(s.url(&format!("/api/v1/bleeding/{}", days_ago(26)))).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 204);
        let r = s.client.delete(s.url(&format!("/api/v1/bleeding/{}", days_ago(26)))).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 404);
    }
}

both_backends! {
    async fn bleeding_findings_are_the_days_triage_findings_and_never_stop_the_plan(tdb: &TestDb) {
        let s = Server::start(&tdb.url);
        // A period, then more than a year without bleeding, then spotting today: RF-PMB.
        period(&s, 420, 416).await;
        let r = s.post_json("/api/v1/checkins", &json!({"pain": 2, "sleep": 7, "energy": 7, "bleeding": {"flow": "spotting"}})).await;
        let (status, saved) = status_and_json(r).await;
        assert_eq!(status, 201, "{saved}");
        let plan: Value = s.get(&format!("/api/v1/plan/{}", today())).await.json().await.unwrap();
        let rules: Vec<&str> = plan["triage"]["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap()).collect();
        assert_eq!(rules, ["RF-PMB"], "{plan}");
        assert_eq!(plan["triage"]["level"], "soon");
        assert_eq!(plan["triage"]["findings"][0]["source"], "NICE-NG12");
        assert_ne!(plan["day_type"], "stop");
        assert!(!plan["items"].as_array().unwrap().is_empty(), "a plan as usual");
        let stage: Value = s.get("/api/v1/stage").await.json().await.unwrap();
        assert_eq!((stage["stage"].as_str(), stage["substage"].as_str()), (Some("PH-POST"), Some("+1b")), "{stage}");
        // The report's perimenopause page and its red-flag table both carry it.
        let report = s.get("/report").await.text().await.unwrap();
        assert!(report.contains("Stage (STRAW+10): Postmenopause (stage +1b)"), "the stage on the report");
        assert_eq!(report.matches("RF-PMB").count(), 3, "in the summary, the warning signs' table and the bleeding findings");
        let pdf = s.get("/report.pdf").await;
        assert_eq!(pdf.status().as_u16(), 200);
        // Acknowledged like any finding: still listed, muted.
        let r = s.post_json("/api/v1/acknowledgements", &json!({"rule": "RF-PMB"})).await;
        assert!(r.status().is_success(), "{}", r.status());
        let plan: Value = s.get(&format!("/api/v1/plan/{}", today())).await.json().await.unwrap();
        assert_eq!(plan["acknowledged"][0]["rule"], "RF-PMB", "{plan}");
        // Logged in the calendar after the check-in: the day's findings follow.
        let (status, _) = put(&s, &format!("/api/v1/bleeding/{}", today()), json!({"flow": "none"})).await;
        assert_eq!(status, 200);
        let plan: Value = s.get(&format!("/api/v1/plan/{}", today())).await.json().await.unwrap();
        assert_eq!(plan["triage"]["findings"], json!([]), "{plan}");
    }
}

both_backends! {
    async fn a_heavy_symptom_day_is_gentle_at_half_the_dose(tdb: &TestDb) {
        let s = Server::start(&tdb.url);
        let day = |symptoms: Value| json!({"pain": 1, "sleep": 8, "energy": 8, "symptoms": symptoms});
        let (status, _) = status_and_json(s.post_json("/api/v1/checkins", &day(json!({"hot_flushes": 1}))).await).await;
        assert_eq!(status, 201);
        let strong: Value = s.get(&format!("/api/v1/plan/{}", today())).await.json().await.unwrap();
        assert_eq!(strong["day_type"], "strong", "{strong}");
        assert_eq!(strong["advice"], json!([]));
        let (status, _) = status_and_json(s.post_json("/api/v1/checkins", &day(json!({"hot_flushes": 3, "night_sweats": 2}))).await).await;
        assert_eq!(status, 200, "replaced");
        let plan: Value = s.get(&format!("/api/v1/plan/{}", today())).await.json().await.unwrap();
        assert_eq!((plan["day_type"].as_str(), plan["rule"].as_str()), (Some("gentle"), Some("DT-GENTLE")));
        assert!(plan["reason"].as_str().unwrap().contains("hot flushes severe"), "{}", plan["reason"]);
        assert_eq!(plan["heavy_symptoms"], json!(["hot_flushes"]));
        let advice: Vec<&str> = plan["advice"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
        assert!(advice.iter().any(|a| a.starts_with("Start with 10 minutes")), "{advice:?}");
        assert!(advice.iter().any(|a| a.contains("cool room")), "{advice:?}");
        let walk = plan["items"].as_array().unwrap().iter().find(|i| i["family"] == "walking").unwrap();
        assert_eq!(walk["minutes"], 10, "a 20-minute walk halved: {walk}");
    }
}

both_backends! {
    async fn symptoms_are_kept_and_her_own_are_at_most_twenty(tdb: &TestDb) {
        let s = Server::start(&tdb.url);
        let names: serde_json::Map<String, Value> = (1..=20).map(|i| (format!("symptom {i}"), json!(1))).collect();
        let (status, v) = status_and_json(s.post_json("/api/v1/checkins", &json!({"date": days_ago(1), "pain": 2, "custom_symptoms": names})).await).await;
        assert_eq!(status, 201, "{v}");
        let profile: Value = s.get("/api/v1/profile").await.json().await.unwrap();
        assert_eq!(profile["custom_symptoms"].as_array().unwrap().len(), 20, "kept for the next day");
        // The same twenty again are fine; a 21st is refused and nothing changes.
        let (status, _) = status_and_json(s.post_json("/api/v1/checkins", &json!({"pain": 3, "custom_symptoms": {"symptom 7": 3}})).await).await;
        assert_eq!(status, 201);
        let list = format!("/api/v1/checkins?from={}&to={}", days_ago(1), today());
        let before: Value = s.get(&list).await.json().await.unwrap();
        assert_eq!(before["check_ins"].as_array().unwrap().len(), 2);
        let (status, p) = status_and_json(s.post_json("/api/v1/checkins", &json!({"pain": 5, "custom_symptoms": {"one more": 2}})).await).await;
        assert_eq!((status, fields(&p)), (422, vec!["custom_symptoms".to_string()]), "{p}");
        let after: Value = s.get(&list).await.json().await.unwrap();
        assert_eq!(before, after, "the day's check-in is as it was");
        let profile: Value = s.get("/api/v1/profile").await.json().await.unwrap();
        assert_eq!(profile["custom_symptoms"].as_array().unwrap().len(), 20);
        for (body, field) in [
            (json!({"pain": 2, "symptoms": {"hot_flushes": 5}}), "symptoms.hot_flushes"),
            (json!({"pain": 2, "symptoms": {"hot_flash": 2}}), "symptoms.hot_flash"),
            (json!({"pain": 2, "custom_symptoms": {"": 2}}), "custom_symptoms"),
            (json!({"pain": 2, "custom_symptoms": {"x".repeat(41): 2}}), "custom_symptoms"),
            (json!({"pain": 2, "hot_flush_count": 101}), "hot_flush_count"),
            (json!({"pain": 2, "bleeding": {"flow": "light", "after_sex": "no"}}), "bleeding.after_sex"),
        ] {
            let (status, p) = status_and_json(s.post_json("/api/v1/checkins", &body).await).await;
            assert_eq!((status, fields(&p)), (422, vec![field.to_string()]), "{body}");
        }
        let stored: Value = s.get(&list).await.json().await.unwrap();
        assert_eq!(stored["check_ins"][0]["check_in"]["custom_symptoms"]["symptom 20"], 1, "{stored}");
        assert_eq!(stored["check_ins"][1]["check_in"]["custom_symptoms"], json!({"symptom 7": 3}));
    }
}

both_backends! {
    async fn keel_period_logs_and_judges_from_the_command_line(tdb: &TestDb) {
        let db = tdb.url.as_str();
        for (start, end) in [(90, 86), (62, 58), (34, 30)] {
            let (code, out, err) = run_cli(db, &["period", "add", "--start", &days_ago(start), "--end", &days_ago(end)], None);
            assert_eq!(code, 0, "{out}{err}");
        }
        let (code, out, _) = run_cli(db, &["period", "stage", "--json"], None);
        assert_eq!(code, 0);
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["stage"], "PH-REPRO", "{v}");
        assert_eq!(v["cycle_lengths"], json!([28, 28]));
        let (code, out, _) = run_cli(db, &["period", "stage"], None);
        assert_eq!(code, 0);
        assert!(out.contains("Reproductive years"), "{out}");
        let (code, _, err) = run_cli(db, &["period", "add", "--start", &days_ago(3), "--end", &days_ago(9)], None);
        assert_eq!(code, 2);
        assert!(err.contains("end"), "{err}");
        let (code, _, err) = run_cli(db, &["period", "log", "--flow", "lots"], None);
        assert_eq!(code, 2);
        assert!(err.contains("flow"), "{err}");
        let (code, out, _) = run_cli(db, &["period", "list", "--json"], None);
        assert_eq!(code, 0);
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["days"].as_array().unwrap().len(), 15, "nothing refused was stored");
        let (code, out, err) = run_cli(db, &["checkin", "--pain", "2", "--sleep", "8", "--energy", "8", "--no-red-flags", "--symptom", "joint_aches=4"], None);
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("Gentle day") && out.contains("joint and muscle aches very severe"), "{out}");
        assert!(out.contains("Start with 10 minutes"), "{out}");
        let (code, _, err) = run_cli(db, &["checkin", "--pain", "2", "--symptom", "joint_aches=5"], None);
        assert_eq!(code, 2);
        assert!(err.contains("symptoms.joint_aches"), "{err}");
    }
}

both_backends! {
    async fn the_cycle_forms_save_and_refuse_beside_the_field(tdb: &TestDb) {
        let s = Server::start(&tdb.url);
        let html = s.get("/profile").await.text().await.unwrap();
        assert!(html.contains("Do you still have periods?"), "the profile's cycle section");
        let token = crate::helpers::csrf_token(&html);
        let post = |path: &'static str, form: Vec<(&'static str, String)>| {
            let s = &s;
            async move { s.client.post(s.url(path)).form(&form).send().await.unwrap() }
        };
        // An end before its start: refused beside that row's field, what she typed kept.
        let r = post("/profile/cycle", vec![("csrf", token.clone()), ("still_periods", "unsure".into()),
            ("ctx_hormone_therapy_systemic", "1".into()), ("ctx_hormone_therapy_systemic_from", days_ago(10)), ("ctx_hormone_therapy_systemic_to", days_ago(20))]).await;
        assert_eq!(r.status().as_u16(), 422);
        let page = r.text().await.unwrap();
        assert!(page.contains("id=\"ctx_hormone_therapy_systemic_to-error\""), "named beside the field");
        assert!(page.contains(&format!("value=\"{}\"", days_ago(20))), "her date kept");
        let profile: Value = s.get("/api/v1/profile").await.json().await.unwrap();
        assert_eq!(profile["cycle_context"], json!([]), "nothing stored changed");
        let r = post("/profile/cycle", vec![("csrf", token.clone()), ("still_periods", "unsure".into()),
            ("ctx_hormone_therapy_systemic", "1".into()), ("ctx_hormone_therapy_systemic_from", days_ago(30))]).await;
        assert_eq!(r.status().as_u16(), 303);
        let profile: Value = s.get("/api/v1/profile").await.json().await.unwrap();
        assert_eq!(profile["still_periods"], "unsure");
        assert_eq!(profile["cycle_context"], json!([{"kind": "hormone_therapy_systemic", "from": days_ago(30), "to": null}]));
        // Systemic hormone therapy masks what bleeding says.
        let stage: Value = s.get("/api/v1/stage").await.json().await.unwrap();
        assert_eq!(stage["stage"], "PH-UNKNOWN");

        // The Cycle page: a past period, then one refused beside its field.
        let html = s.get("/cycle").await.text().await.unwrap();
        let token = crate::helpers::csrf_token(&html);
        let r = post("/cycle/period", vec![("csrf", token.clone()), ("start", days_ago(12)), ("end", days_ago(8)), ("flow", "heavy".into())]).await;
        assert_eq!(r.status().as_u16(), 303);
        let r = post("/cycle/period", vec![("csrf", token.clone()), ("start", days_ago(3)), ("end", days_ago(6))]).await;
        assert_eq!(r.status().as_u16(), 422);
        let page = r.text().await.unwrap();
        assert!(page.contains("id=\"end-error\""), "named beside the field");
        let r = post("/cycle/day", vec![("csrf", token.clone()), ("date", days_ago(8)), ("action", "remove".into())]).await;
        assert_eq!(r.status().as_u16(), 303);
        let r = post("/cycle/day", vec![("csrf", token.clone()), ("date", days_ago(8)), ("action", "remove".into())]).await;
        assert_eq!(r.status().as_u16(), 422, "nothing left to remove that day");
        let log: Value = s.get(&format!("/api/v1/bleeding?from={}&to={}", days_ago(20), today())).await.json().await.unwrap();
        assert_eq!(log["days"].as_array().unwrap().len(), 4);
        assert_eq!(log["days"][0]["flow"], "heavy");
        // A check-in offers the bleeding row now that she has said she is unsure.
        let today_page = s.get("/").await.text().await.unwrap();
        assert!(today_page.contains("name=\"bleeding_flow\""), "the bleeding row");
        assert!(today_page.contains("Your cycle:"), "the stage line");
    }
}
