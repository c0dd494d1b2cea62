//! The Today page: the form works without JavaScript, keeps values and names errors.

use crate::helpers::{Server, both_backends, csrf_token, today};

async fn page(s: &Server, path: &str) -> (u16, String) {
    let r = s.get(path).await;
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn post_form(s: &Server, fields: &[(&str, &str)]) -> reqwest::Response {
    s.client
        .post(s.url("/checkin"))
        .form(fields)
        .send()
        .await
        .unwrap()
}

both_backends! {
    async fn today_page_check_in_and_plan(tdb: &TestDb) {
    let s = Server::start(&tdb.url);
    let (status, html) = page(&s, "/").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("<label for=\"pain-6\">"),
        "pain scale is labelled"
    );
    assert!(html.contains("Save check-in"));
    let token = csrf_token(&html);
    let date = today();
    let r = post_form(
        &s,
        &[
            ("csrf", &token),
            ("asked_other", "1"),
            ("date", &date),
            ("pain", "5"),
            ("locations", "lower_back"),
            ("sleep", "6"),
            ("energy", "5"),
            ("emergency_screen", "none"),
        ],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    assert!(location.contains("saved=new"));
    let (status, html) = page(&s, &location).await;
    assert_eq!(status, 200);
    assert!(html.contains("Check-in saved."));
    assert!(html.contains("Gentle day"));
    assert!(html.contains("DT-GENTLE"));
    assert!(html.contains("Your plan"));
    assert!(
        html.contains("each side") || html.contains(" min"),
        "doses shown"
    );
    // saving the same date again replaces it
    let r = post_form(
        &s,
        &[
            ("csrf", &token),
            ("date", &date),
            ("pain", "8"),
            ("emergency_screen", "none"),
        ],
    )
    .await;
    let location = r.headers()["location"].to_str().unwrap().to_string();
    assert!(location.contains("saved=replaced"));
    let (_, html) = page(&s, &location).await;
    assert!(html.contains("Flare day"));
}
}

both_backends! {
    async fn invalid_form_keeps_values_and_names_fields(tdb: &TestDb) {
    let s = Server::start(&tdb.url);
    let (_, html) = page(&s, "/").await;
    let token = csrf_token(&html);
    let r = post_form(
        &s,
        &[
            ("csrf", &token),
            ("pain", "4"),
            ("sleep", "14"),
            ("walking_minutes", "30"),
            ("notes", "after gardening"),
        ],
    )
    .await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"sleep-error\""), "error beside sleep");
    assert!(
        html.contains("id=\"emergency_screen-error\""),
        "safety questions must be answered when pain is recorded"
    );
    assert!(html.contains("value=\"30\""), "walking value kept");
    assert!(html.contains("after gardening"), "notes kept");
    assert!(
        html.contains("id=\"pain-4\" name=\"pain\" value=\"4\" checked"),
        "pain kept"
    );
    // nothing stored
    assert_eq!(
        s.get(&format!("/api/v1/plan/{}", today()))
            .await
            .status()
            .as_u16(),
        404
    );
}
}

both_backends! {
    async fn emergency_answer_on_the_page_shows_help_and_no_plan(tdb: &TestDb) {
    let s = Server::start(&tdb.url);
    let (_, html) = page(&s, "/").await;
    let token = csrf_token(&html);
    let r = post_form(
        &s,
        &[
            ("csrf", &token),
            ("pain", "3"),
            ("rf", "saddle_numbness"),
            ("emergency_screen", "none"),
        ],
    )
    .await;
    let location = r.headers()["location"].to_str().unwrap().to_string();
    let (_, html) = page(&s, &location).await;
    assert!(html.contains("role=\"alert\""));
    assert!(html.contains("Get help now"));
    assert!(html.contains("RF-CES-SADDLE"));
    assert!(html.contains("emergency number"));
    assert!(!html.contains("Your plan"), "no plan beneath an emergency");
}
}

both_backends! {
    async fn forged_form_posts_are_refused(tdb: &TestDb) {
    let s = Server::start(&tdb.url);
    let fresh = reqwest::Client::new();
    let r = fresh
        .post(s.url("/checkin"))
        .form(&[("pain", "3"), ("emergency_screen", "none")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let r = fresh
        .post(s.url("/checkin"))
        .header("cookie", format!("keel_csrf={}", "a".repeat(64)))
        .form(&[
            ("csrf", "b".repeat(64).as_str()),
            ("pain", "3"),
            ("emergency_screen", "none"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    assert_eq!(
        s.get(&format!("/api/v1/plan/{}", today()))
            .await
            .status()
            .as_u16(),
        404
    );
    let (status, html) = page(&s, "/no-such-page").await;
    assert_eq!(status, 404);
    assert!(html.contains("Page not found"));
}
}

both_backends! {
    async fn acknowledge_from_the_page_and_keep_the_bone_record(tdb: &TestDb) {
    let s = Server::start(&tdb.url);
    let (_, html) = page(&s, "/").await;
    let token = csrf_token(&html);
    post_form(
        &s,
        &[
            ("csrf", &token),
            ("pain", "2"),
            ("emergency_screen", "none"),
            ("rf", "fall_or_impact"),
        ],
    )
    .await;
    let (_, html) = page(&s, "/").await;
    assert!(html.contains("Contact a clinician today"));
    assert!(html.contains("I have seen a clinician about this"));
    let r = s
        .client
        .post(s.url("/acknowledge"))
        .form(&[
            ("csrf", token.as_str()),
            ("rule", "RF-FALL"),
            ("date", &today()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let (_, html) = page(&s, r.headers()["location"].to_str().unwrap()).await;
    assert!(
        !html.contains("id=\"urgent-title\""),
        "no urgent alert once acknowledged"
    );
    assert!(html.contains("Warnings you have discussed with a clinician"));
    assert!(html.contains("RF-FALL"), "still listed");
    // emergencies cannot be acknowledged, even by a hand-made form
    let r = s
        .client
        .post(s.url("/acknowledge"))
        .form(&[("csrf", token.as_str()), ("rule", "RF-CES-BOWEL")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);

    let (status, html) = page(&s, "/bone").await;
    assert_eq!(status, 200);
    assert!(html.contains("Add your age or birth date"));
    let r = s
        .client
        .post(s.url("/bone/profile"))
        .form(&[
            ("csrf", token.as_str()),
            ("age", "abc"),
            ("weight_kg", "60"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"age-error\""));
    assert!(html.contains("value=\"60\""), "entered weight kept");
    let r = s
        .client
        .post(s.url("/bone/profile"))
        .form(&[
            ("csrf", token.as_str()),
            ("age", "55"),
            ("weight_kg", "60"),
            ("risk_factors", "smoking"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let (_, html) = page(&s, "/bone").await;
    assert!(html.contains("A DEXA scan is due."));
    assert!(html.contains("BONE-DEXA-50"));
    let (_, html) = page(&s, "/").await;
    assert!(
        html.contains("A bone density scan is due"),
        "reminder on the Today page"
    );
    let r = s
        .client
        .post(s.url("/bone/dexa"))
        .form(&[
            ("csrf", token.as_str()),
            ("date", "2026-01-05"),
            ("site", "total_hip"),
            ("t_score", "-1.2"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let (_, html) = page(&s, "/bone").await;
    assert!(html.contains("No scan is due right now."));
    assert!(html.contains("low bone mass"));
}
}

both_backends! {
    async fn done_controls_and_the_week_page(tdb: &TestDb) {
    let s = Server::start(&tdb.url);
    let (_, html) = page(&s, "/").await;
    let token = csrf_token(&html);
    post_form(
        &s,
        &[
            ("csrf", &token),
            ("pain", "3"),
            ("emergency_screen", "none"),
            ("walking_minutes", "10"),
        ],
    )
    .await;
    let (_, html) = page(&s, "/").await;
    assert!(html.contains("Mark done"));
    assert!(html.contains("action=\"/log\""));
    let r = s
        .client
        .post(s.url("/log"))
        .form(&[
            ("csrf", token.as_str()),
            ("exercise_id", "brisk-walk"),
            ("level", "1"),
            ("date", &today()),
            ("minutes", "28"),
            ("pain_during", "2"),
            ("effort", "4"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let r = s
        .client
        .post(s.url("/log"))
        .form(&[
            ("csrf", token.as_str()),
            ("exercise_id", "brisk-walk"),
            ("pain_during", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("Pain during"));

    let (status, html) = page(&s, "/week").await;
    assert_eq!(status, 200);
    assert!(html.contains("<svg"));
    assert!(html.contains("<title id=\"chart-title\">"));
    assert!(html.contains("28 of 150 minutes"));
    assert!(html.contains("<caption>The week, day by day</caption>"));
}
}

both_backends! {
    /// A page that cannot do what was asked answers an HTML page (its status, a sentence she
    /// can act on, a way back), never a problem document; the API keeps problem+json.
    async fn pages_answer_errors_as_pages_and_the_api_as_problems(db: &TestDb) {
        let s = Server::start(&db.url);
        for (path, status, says) in [
            ("/report?from=nope", 422, "from: must be a date written YYYY-MM-DD"),
            ("/report?from=2026-11-20&to=2026-11-01", 422, "from: must not be after to"),
            ("/checkin", 405, "nothing was saved"),
            ("/no/such/page", 404, "There is nothing at this address"),
        ] {
            let r = s.get(path).await;
            assert_eq!(r.status().as_u16(), status, "{path}");
            assert_eq!(r.headers()["content-type"], "text/html; charset=utf-8", "{path}");
            let html = r.text().await.unwrap();
            assert!(html.contains(says), "{path}: {html}");
            assert!(html.contains(r#"href="/""#), "{path}: a way back");
            assert!(!html.contains("urn:keel:problem") && !html.contains("Unprocessable"), "{path}");
        }
        for (path, status) in [("/api/v1/plan/nope", 422), ("/api/v1/nothing", 404)] {
            let r = s.get(path).await;
            assert_eq!(r.status().as_u16(), status, "{path}");
            assert_eq!(r.headers()["content-type"], "application/problem+json", "{path}");
        }
        let r = s.client.get(s.url("/api/v1/checkins/x")).send().await.unwrap();
        assert!(r.headers()["content-type"].to_str().unwrap().contains("json"), "API fallbacks stay JSON");
    }
}

both_backends! {
    async fn same_as_yesterday_fills_the_day_but_never_a_safety_answer(tdb: &TestDb) {
    let s = Server::start(&tdb.url);
    let yesterday = crate::helpers::days_ago(1);
    let mut body = serde_json::json!({"date": yesterday, "pain": 4, "sleep": 5, "energy": 6,
        "walking_minutes": 25, "locations": ["neck"], "onset": "sudden", "night_pain": true});
    for q in ["saddle_numbness", "bladder_change", "bowel_change", "sexual_change", "both_legs_symptoms",
              "leg_weakness_worsening", "serious_accident", "chest_pain"] {
        body[q] = serde_json::json!(false);
    }
    let r = s.post_json("/api/v1/checkins", &body).await;
    assert_eq!(r.status().as_u16(), 201);

    let (status, html) = page(&s, "/?same=yesterday").await;
    assert_eq!(status, 200);
    assert!(html.contains("Filled in from yesterday"), "{html}");
    // whether the input with this id carries `checked` (within its own tag)
    let checked = |id: &str| {
        let at = html.find(&format!("id=\"{id}\" name=")).unwrap_or_else(|| panic!("{id}"));
        let tag = &html[at..at + html[at..].find('>').unwrap()];
        tag.contains("checked")
    };
    for id in ["pain-4", "sleep-5", "energy-6", "loc-neck"] {
        assert!(checked(id), "{id} filled from yesterday");
    }
    // 25 minutes is not a preset: it goes in the "other" field
    assert!(html.contains("id=\"walking_minutes_other\" name=\"walking_minutes_other\" min=\"0\" inputmode=\"decimal\" value=\"25\""), "{html}");
    // the safety answers, the onset among them, are asked again
    for id in ["rf-night_pain", "screen-none", "onset-sudden"] {
        assert!(!checked(id), "{id} must not be filled from yesterday");
    }
    // and with no check-in the day before, she is told so
    let (_, html) = page(&s, &format!("/?date={yesterday}&same=yesterday")).await;
    assert!(html.contains("no check-in for yesterday"), "{html}");
    }
}

both_backends! {
    async fn the_icon_is_served_and_an_error_page_marks_no_page_current(tdb: &TestDb) {
    let s = Server::start(&tdb.url);
    let r = s.get("/favicon.ico").await;
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["content-type"], "image/x-icon");
    let bytes = r.bytes().await.unwrap();
    assert_eq!(&bytes[..4], &[0, 0, 1, 0], "an ICO file");
    let (status, html) = page(&s, "/no-such-page").await;
    assert_eq!(status, 404);
    assert!(!html.contains("aria-current=\"page\""), "no page is current on a 404");
    // the break prompt is not dressed as an urgent warning
    let (_, html) = page(&s, "/breaks").await;
    assert!(html.contains("id=\"break-prompt\" class=\"alert prompt\""), "{html}");
    }
}

both_backends! {
    /// The first visit: a welcome and three skippable steps into one profile, which Bone,
    /// Desk and every check-in's triage read; afterwards Today opens on the check-in.
    async fn the_first_visit_welcomes_her_and_fills_one_profile(tdb: &TestDb) {
    let s = Server::start(&tdb.url);
    let (_, html) = page(&s, "/").await;
    assert!(html.contains("Welcome to Keel"), "the first visit is welcomed");
    assert!(html.contains("does not diagnose"));
    let token = csrf_token(&html);
    let post = |path: &'static str, fields: Vec<(&'static str, String)>| {
        let c = s.client.clone();
        let url = s.url(path);
        async move { c.post(url).form(&fields).send().await.unwrap() }
    };
    // step 1 with a mistake: the message beside the field, her values kept
    let r = post("/profile/about", vec![("csrf", token.clone()), ("next", "/welcome/history".into()), ("age", "fifty".into()), ("height_cm", "163".into())]).await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"age-error\""), "the age is named");
    assert!(html.contains("value=\"163\""), "the height she typed is kept");
    assert!(html.contains("Step 1 of 4"));
    let r = post("/profile/about", vec![("csrf", token.clone()), ("next", "/welcome/history".into()), ("age", "52".into()), ("height_cm", "163".into()), ("weight_kg", "61".into())]).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(r.headers()["location"], "/welcome/history");
    // going back shows what she saved, so that saving again loses nothing
    let (_, again) = page(&s, "/welcome/about").await;
    assert!(again.contains("value=\"52\"") && again.contains("value=\"163\""), "the saved values are shown");
    let r = post("/profile/history", vec![("csrf", token.clone()), ("next", "/welcome/goals".into()), ("cancer_history", "no".into()), ("known_low_bone_density", "yes".into()), ("fragility_fracture", "yes".into()), ("glucocorticoids", "no".into())]).await;
    assert_eq!(r.status().as_u16(), 303);
    let r = post("/profile/goals", vec![("csrf", token.clone()), ("next", "/welcome/finish".into()), ("goals", "back_pain".into()), ("goals", "bone".into())]).await;
    assert_eq!(r.status().as_u16(), 303);
    let r = post("/welcome/done", vec![("csrf", token.clone())]).await;
    assert_eq!(r.status().as_u16(), 303);

    let profile: serde_json::Value = s.get("/api/v1/profile").await.json().await.unwrap();
    assert_eq!(profile["age"], 52);
    assert_eq!(profile["height_cm"], 163.0);
    assert_eq!(profile["known_low_bone_density"], true);
    assert_eq!(profile["cancer_history"], false);
    assert_eq!(profile["risk_factors"], serde_json::json!(["fragility_fracture"]));
    assert_eq!(profile["goals"], serde_json::json!(["back_pain", "bone"]));
    assert_eq!(profile["welcomed"], true);
    // Bone shows the same answers, Desk uses her height
    let (_, bone) = page(&s, "/bone").await;
    let at = bone.find("id=\"rf-fragility_fracture\"").expect("the risk factor on Bone");
    assert!(bone[at..at + 120].contains("checked"), "a fracture answered once shows on Bone");
    let desk: serde_json::Value = s.get("/api/v1/desk").await.json().await.unwrap();
    assert!(desk.to_string().contains("163"), "Desk reads her height: {desk}");
    // the welcome is not shown again; the daily form asks nothing about her past
    let (_, html) = page(&s, "/").await;
    assert!(!html.contains("Welcome to Keel"));
    assert!(!html.contains("name=\"rf\" value=\"cancer_history\""));
    // and her standing answers reach the triage: a sudden onset with known low density
    let rec: serde_json::Value = s
        .post_json("/api/v1/checkins", &serde_json::json!({"pain": 5, "onset": "sudden"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rec["triage"]["findings"][0]["rule"], "RF-FRACTURE-RISK", "{rec}");
    // saving the Bone form keeps her history and goals
    let (_, bone) = page(&s, "/bone").await;
    let token = csrf_token(&bone);
    let r = post("/bone/profile", vec![("csrf", token), ("age", "53".into()), ("height_cm", "163".into()), ("risk_factors", "fragility_fracture".into())]).await;
    assert_eq!(r.status().as_u16(), 303);
    let profile: serde_json::Value = s.get("/api/v1/profile").await.json().await.unwrap();
    assert_eq!((profile["age"].clone(), profile["known_low_bone_density"].clone(), profile["welcomed"].clone()), (serde_json::json!(53), serde_json::json!(true), serde_json::json!(true)));
    assert_eq!(profile["goals"], serde_json::json!(["back_pain", "bone"]));
    }
}

both_backends! {
    /// After an urgent finding, each later check-in within 14 days asks whether she has reached
    /// a clinician: "yes" records an acknowledgement, "not yet" repeats the advice at the top.
    async fn an_urgent_finding_is_followed_up_on_later_days(tdb: &TestDb) {
    let s = Server::start(&tdb.url);
    let r = s.post_json("/api/v1/checkins", &serde_json::json!({"date": crate::helpers::days_ago(3), "pain": 4, "fever": true})).await;
    assert_eq!(r.status().as_u16(), 201);
    // before today's check-in, nothing is asked yet; after it, the question comes
    let (_, html) = page(&s, "/").await;
    assert!(!html.contains("Have you reached a clinician about this?"));
    let r = s.post_json("/api/v1/checkins", &serde_json::json!({"pain": 3})).await;
    assert_eq!(r.status().as_u16(), 201);
    let (_, html) = page(&s, "/").await;
    assert!(html.contains("Have you reached a clinician about this?"), "asked on the later check-in");
    assert!(html.contains("high temperature") || html.contains("fever") || html.contains("temperature"), "names the finding");
    // not yet: the advice again, at the top, with the number to call
    let (_, html) = page(&s, "/?not_yet=RF-FEVER").await;
    let main = &html[html.find("<main").unwrap()..];
    let advice = main.find("Please contact a clinician today").expect("the advice repeated");
    assert!(advice < main.find("Have you reached a clinician").unwrap(), "at the top");
    assert!(main.contains("href=\"tel:111\""));
    // yes: an acknowledgement, and the question is not asked again
    let token = csrf_token(&html);
    let r = s.client.post(s.url("/acknowledge")).form(&[("csrf", token.as_str()), ("rule", "RF-FEVER"), ("date", &today())]).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let acks: serde_json::Value = s.get("/api/v1/acknowledgements").await.json().await.unwrap();
    assert!(acks.to_string().contains("RF-FEVER"), "{acks}");
    let (_, html) = page(&s, "/").await;
    assert!(!html.contains("Have you reached a clinician about this?"));
    }
}

/// The text of a page's main element as she reads it: tags dropped, the "why?" disclosures
/// (where the evidence lives) left out.
fn main_words(html: &str) -> String {
    let main = &html[html.find("<main").unwrap()..html.find("</main>").unwrap()];
    let mut text = String::new();
    let mut rest = main;
    while let Some(at) = rest.find("<details class=\"why\">") {
        text.push_str(&rest[..at]);
        rest = &rest[at..];
        rest = &rest[rest.find("</details>").unwrap() + "</details>".len()..];
    }
    text.push_str(rest);
    let mut out = String::new();
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

both_backends! {
    /// Her words, not ours: no rule id, T1/T2 or rho in the main text of Today, Bone, Desk,
    /// Breaks or Progress; the evidence is one tap away.
    async fn rule_ids_stay_behind_a_why(tdb: &TestDb) {
    let s = Server::start(&tdb.url);
    for d in (1..30).rev() {
        s.post_json("/api/v1/checkins", &serde_json::json!({"date": crate::helpers::days_ago(d), "pain": 4, "sleep": 5})).await;
    }
    s.post_json("/api/v1/checkins", &serde_json::json!({"pain": 4, "night_pain": true})).await;
    s.client.put(s.url("/api/v1/profile")).json(&serde_json::json!({"age": 61, "weight_kg": 52.0, "height_cm": 160.0, "tallest_height_cm": 165.0})).send().await.unwrap();
    s.client.put(s.url("/api/v1/desk")).json(&serde_json::json!({"stature_cm": 160.0, "seat_height_cm": 52.0})).send().await.unwrap();
    let (_, progress) = page(&s, "/progress").await;
    assert!(main_words(&progress).contains("No clear links yet"), "one line, not one per factor");
    for path in ["/", "/bone", "/desk", "/breaks", "/progress"] {
        let (_, html) = page(&s, path).await;
        assert!(html.contains("<details class=\"why\">"), "{path}: the evidence one tap away");
        let words = main_words(&html);
        for id in ["RF-", "DT-", "BONE-", "ERG-", "T1", "T2", "rho", "Spearman"] {
            assert!(!words.contains(id), "{path}: {id} in the main text: {words}");
        }
    }
    }
}

both_backends! {
    /// After the check-in, Today names one next step; the pain chart spans the days she has.
    async fn today_names_the_next_step_and_the_chart_spans_her_data(tdb: &TestDb) {
    let s = Server::start(&tdb.url);
    for d in (0..20).rev() {
        s.post_json("/api/v1/checkins", &serde_json::json!({"date": crate::helpers::days_ago(d), "pain": 3, "sleep": 6, "energy": 5})).await;
    }
    let plan: serde_json::Value = s.get(&format!("/api/v1/plan/{}", today())).await.json().await.unwrap();
    let first = plan["items"][0]["exercise_id"].as_str().unwrap().to_string();
    let second = plan["items"][1]["exercise_id"].as_str().unwrap().to_string();
    let (_, html) = page(&s, "/").await;
    assert!(html.contains(&format!("<strong>Next: </strong><a href=\"#item-{first}\">")), "the first item is next");
    let r = s.post_json("/api/v1/activities", &serde_json::json!({"exercise_id": first, "pain_during": 2})).await;
    assert_eq!(r.status().as_u16(), 201);
    let (_, html) = page(&s, "/").await;
    assert!(html.contains(&format!("<a href=\"#item-{second}\">")), "then the second");
    // twenty days of data: the chart starts at the first of them, not 90 days back
    let (_, html) = page(&s, "/progress").await;
    let first_day = crate::helpers::today_date() - chrono::Duration::days(19);
    assert!(html.contains(&format!(">{}</text>", first_day.format("%-d %b"))), "the axis starts at her first day");
    }
}

both_backends! {
    /// Saving a questionnaire lands on that questionnaire with the notice beside it, its form
    /// folded away; the check-in asks walking and sitting for the day it credits them to.
    async fn a_saved_questionnaire_lands_where_she_was(tdb: &TestDb) {
    let s = Server::start(&tdb.url);
    let (_, html) = page(&s, "/progress").await;
    let token = csrf_token(&html);
    let r = s.client.post(s.url("/progress/questionnaires/peg"))
        .form(&[("csrf", token.as_str()), ("pain", "5"), ("enjoyment", "4"), ("activity", "6")])
        .send().await.unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    assert!(to.ends_with("#q-peg"), "{to}");
    let (_, html) = page(&s, &to).await;
    let anchor = html.find("id=\"q-peg\"").expect("the questionnaire's anchor");
    let notice = html.find("role=\"status\"").expect("the notice");
    assert!(notice > anchor && notice - anchor < 400, "the notice is beside the questionnaire");
    assert!(html.contains("Answer the PEG pain scale again"), "its form folded away");
    let (_, today) = page(&s, "/").await;
    assert!(today.contains("Walking today") && today.contains("Sitting today"));
    assert!(!today.contains("yesterday</legend>"));
    }
}

both_backends! {
    /// The report says each finding once, with the days it fired on, not once a day.
    async fn the_report_groups_a_finding_over_its_days(tdb: &TestDb) {
    let s = Server::start(&tdb.url);
    for (d, night) in [(5, true), (4, true), (3, true), (2, false), (1, true)] {
        let body = serde_json::json!({"date": crate::helpers::days_ago(d), "pain": 3, "night_pain": night});
        assert_eq!(s.post_json("/api/v1/checkins", &body).await.status().as_u16(), 201);
    }
    let (_, html) = page(&s, "/report").await;
    assert_eq!(html.matches("<td>RF-NIGHT-PAIN</td>").count(), 1, "one row for the rule");
    let day = |n: i64| (crate::helpers::today_date() - chrono::Duration::days(n)).format("%-d %B").to_string();
    let when = format!("{} to {}, every check-in (3); {}", day(5), day(3), day(1));
    assert!(html.contains(&when), "{when}");
    }
}
