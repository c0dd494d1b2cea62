//! The server keeps the plan, the Today page and spans of the journal while her data is
//! unchanged. Whoever changes her data (the server itself, the CLI in another process,
//! another server), the next request must see it.

use serde_json::{Value, json};

use crate::helpers::{Server, both_backends, cookie_client, csrf_tokens, days_ago, run_cli, today};

async fn plan(s: &Server) -> Value {
    let r = s.get(&format!("/api/v1/plan/{}", today())).await;
    assert_eq!(r.status().as_u16(), 200);
    r.json().await.unwrap()
}

async fn page(s: &Server) -> String {
    let r = s.get("/").await;
    assert_eq!(r.status().as_u16(), 200);
    r.text().await.unwrap()
}

/// Saves her pain on a date through `s`; the saved record.
async fn save(s: &Server, date: String, pain: u8) -> Value {
    let r = s
        .post_json("/api/v1/checkins", &json!({"date": date, "pain": pain}))
        .await;
    assert!(r.status().is_success(), "{}", r.status());
    r.json().await.unwrap()
}

async fn journal(s: &Server) -> Vec<Value> {
    let r = s
        .get(&format!(
            "/api/v1/checkins?from={}&to={}",
            days_ago(30),
            today()
        ))
        .await;
    assert_eq!(r.status().as_u16(), 200);
    let v: Value = r.json().await.unwrap();
    v["check_ins"].as_array().unwrap().clone()
}

both_backends! {
    async fn what_the_server_kept_follows_a_writer_in_another_process(db: &TestDb) {
        let s = Server::start(&db.url);
        assert_eq!(
            s.get(&format!("/api/v1/plan/{}", today())).await.status().as_u16(),
            404,
            "no check-in yet"
        );
        let r = s.post_json("/api/v1/checkins", &json!({"pain": 2})).await;
        assert_eq!(r.status().as_u16(), 201);
        // Read each view twice, so that the second answer comes from what the server kept.
        for _ in 0..2 {
            let p = plan(&s).await;
            assert_eq!(p["triage"]["findings"].as_array().unwrap().len(), 0, "{p}");
            assert!(!page(&s).await.contains("RF-NIGHT-PAIN"));
            assert_eq!(journal(&s).await[0]["check_in"]["pain"], 2);
        }

        // The CLI, another process, replaces today's check-in with night pain.
        let (code, out, err) = run_cli(
            &db.url,
            &["checkin", "--json"],
            Some(r#"{"pain": 7, "night_pain": true}"#),
        );
        assert_eq!(code, 0, "{out}{err}");
        let p = plan(&s).await;
        assert_eq!(p["triage"]["findings"][0]["rule"], "RF-NIGHT-PAIN", "{p}");
        assert!(p["acknowledged"].as_array().unwrap().is_empty());
        let html = page(&s).await;
        assert!(html.contains("RF-NIGHT-PAIN"), "the Today page shows the finding");
        let list = journal(&s).await;
        assert_eq!(list.len(), 1);
        assert_eq!(list[0]["check_in"]["pain"], 7);

        // An acknowledgement from the CLI reaches the plan.
        let (code, out, err) = run_cli(&db.url, &["ack", "RF-NIGHT-PAIN"], None);
        assert_eq!(code, 0, "{out}{err}");
        let p = plan(&s).await;
        assert_eq!(p["acknowledged"][0]["rule"], "RF-NIGHT-PAIN", "{p}");
        assert_eq!(
            p["triage"]["findings"][0]["rule"], "RF-NIGHT-PAIN",
            "an acknowledged finding is still listed"
        );

        // Any writer at all: plain SQL on the database, as an administrator might run.
        sql(&db.url, "DELETE FROM acknowledgements").await;
        let p = plan(&s).await;
        assert!(p["acknowledged"].as_array().unwrap().is_empty(), "{p}");

        // Her age, set through the server, brings the scan reminder to the Today page.
        assert!(!page(&s).await.contains("A bone density scan is due"));
        let r = s
            .client
            .put(s.url("/api/v1/profile"))
            .json(&json!({"age": 66}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        assert!(
            page(&s).await.contains("A bone density scan is due"),
            "a change to her profile reaches the Today page"
        );

        // A check-in for an earlier day changes the journal span that was kept.
        let r = s
            .post_json("/api/v1/checkins", &json!({"date": days_ago(3), "pain": 4}))
            .await;
        assert_eq!(r.status().as_u16(), 201);
        let list = journal(&s).await;
        assert_eq!(list.len(), 2);
        assert_eq!(list[0]["check_in"]["pain"], 4);
    }
}

/// Runs one statement on the test database, outside Keel.
async fn sql(url: &str, statement: &str) {
    use sqlx::{Connection, Executor};
    if url.starts_with("postgres") {
        let mut c = sqlx::PgConnection::connect(url).await.unwrap();
        c.execute(statement).await.unwrap();
        c.close().await.unwrap();
    } else {
        let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{url}"))
            .await
            .unwrap();
        c.execute(statement).await.unwrap();
        c.close().await.unwrap();
    }
}

async fn sign_up_and_check_in(s: &Server, email: &str, check_in: Value) -> reqwest::Client {
    let c = cookie_client();
    let r = c
        .post(s.url("/api/v1/auth/signup"))
        .json(&json!({"email": email, "password": "a long enough secret"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let r = c
        .post(s.url("/api/v1/checkins"))
        .json(&check_in)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    c
}

async fn plan_of(s: &Server, c: &reqwest::Client) -> Value {
    let r = c
        .get(s.url(&format!("/api/v1/plan/{}", today())))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    r.json().await.unwrap()
}

both_backends! {
    async fn an_id_used_again_never_gets_the_views_kept_for_its_earlier_owner(db: &TestDb) {
        // Each first account takes over the local user's id, and deleting it makes that row
        // again, empty. Bea has it after Ana; another process deletes Bea's account and Cai
        // gets the id, with one check-in of her own, as Bea had: nothing the server kept for
        // Bea may reach Cai.
        let s = Server::start(&db.url);
        let delete = |email: &str| {
            let (code, out, err) = run_cli(&db.url, &["user", "delete", email, "--yes"], None);
            assert_eq!(code, 0, "{out}{err}");
        };
        sign_up_and_check_in(&s, "ana@example.org", json!({"pain": 1})).await;
        delete("ana@example.org");
        let bea = sign_up_and_check_in(
            &s,
            "bea@example.org",
            json!({"pain": 3, "night_pain": true}),
        )
        .await;
        assert_eq!(plan_of(&s, &bea).await["triage"]["findings"][0]["rule"], "RF-NIGHT-PAIN");
        assert!(bea.get(s.url("/")).send().await.unwrap().text().await.unwrap().contains("RF-NIGHT-PAIN"));
        delete("bea@example.org");
        let cai = sign_up_and_check_in(&s, "cai@example.org", json!({"pain": 3})).await;
        let p = plan_of(&s, &cai).await;
        assert!(p["triage"]["findings"].as_array().unwrap().is_empty(), "{p}");
        let html = cai.get(s.url("/")).send().await.unwrap().text().await.unwrap();
        assert!(!html.contains("RF-NIGHT-PAIN"));
    }
}

/// Tables with a `user_id` that are not her health data: writing them must leave her
/// revision alone (a session is touched as she browses; that must not empty the cache).
const NOT_HER_DATA: [&str; 5] = [
    "sessions",
    "api_tokens",
    "audit_events",
    "feed_tokens",
    "invites",
];

both_backends! {
    async fn every_table_of_her_data_moves_her_revision_on_every_kind_of_write(db: &TestDb) {
        use sqlx::{Connection, Row};
        let (code, out, err) = run_cli(&db.url, &["migrate"], None);
        assert_eq!(code, 0, "{out}{err}");
        // (table, trigger event) for every table with a user_id column.
        let (tables, triggers): (Vec<String>, Vec<(String, String)>) = if db.url.starts_with("postgres") {
            let mut c = sqlx::PgConnection::connect(&db.url).await.unwrap();
            let tables = sqlx::query_scalar(
                "SELECT table_name::TEXT FROM information_schema.columns
                 WHERE table_schema = 'public' AND column_name = 'user_id'",
            )
            .fetch_all(&mut c)
            .await
            .unwrap();
            let triggers = sqlx::query(
                "SELECT event_object_table::TEXT AS t, event_manipulation::TEXT AS e
                 FROM information_schema.triggers
                 WHERE action_statement LIKE '%keel_bump_revision%'",
            )
            .fetch_all(&mut c)
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get("t"), r.get("e")))
            .collect();
            (tables, triggers)
        } else {
            let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}", db.url))
                .await
                .unwrap();
            let tables = sqlx::query_scalar(
                "SELECT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
                 WHERE m.type = 'table' AND p.name = 'user_id'",
            )
            .fetch_all(&mut c)
            .await
            .unwrap();
            let triggers = sqlx::query(
                "SELECT tbl_name AS t, sql FROM sqlite_master
                 WHERE type = 'trigger' AND sql LIKE '%SET revision = revision + 1%'",
            )
            .fetch_all(&mut c)
            .await
            .unwrap()
            .iter()
            .map(|r| {
                let sql: String = r.get("sql");
                let event = ["INSERT", "UPDATE", "DELETE"]
                    .into_iter()
                    .find(|e| sql.contains(&format!("AFTER {e} ON")))
                    .unwrap_or("?");
                (r.get("t"), event.to_string())
            })
            .collect();
            (tables, triggers)
        };
        assert!(tables.len() >= 15, "{tables:?}");
        for table in &tables {
            let events: Vec<&str> = triggers
                .iter()
                .filter(|(t, _)| t == table)
                .map(|(_, e)| e.as_str())
                .collect();
            if NOT_HER_DATA.contains(&table.as_str()) {
                assert!(events.is_empty(), "{table} is not her data: {events:?}");
            } else {
                for e in ["INSERT", "UPDATE", "DELETE"] {
                    assert!(events.contains(&e), "{table} has no revision trigger on {e}");
                }
            }
        }
    }
}

/// The page without its per-visitor CSRF tokens, which differ on every visit.
fn without_tokens(html: &str) -> String {
    csrf_tokens(html)
        .iter()
        .fold(html.to_string(), |page, token| {
            page.replace(token.as_str(), "")
        })
}

/// What one server answers for every view the server keeps, over a range of days: the plans
/// (status and body), the Today pages and journal spans.
async fn every_view(s: &Server) -> Vec<String> {
    let mut answers = Vec::new();
    for n in [0, 4, 9, 16] {
        let r = s.get(&format!("/api/v1/plan/{}", days_ago(n))).await;
        answers.push(format!(
            "plan {n}: {} {}",
            r.status(),
            r.text().await.unwrap()
        ));
        let r = s.get(&format!("/?date={}", days_ago(n))).await;
        let html = without_tokens(&r.text().await.unwrap());
        answers.push(format!("page {n}: {html}"));
    }
    for (from, to) in [(30, 0), (12, 8), (3, 3)] {
        let r = s
            .get(&format!(
                "/api/v1/checkins?from={}&to={}",
                days_ago(from),
                days_ago(to)
            ))
            .await;
        answers.push(format!("journal {from}-{to}: {}", r.text().await.unwrap()));
    }
    answers
}

/// One write to her data of every kind a kept view may read, through the server's API or,
/// for tables the API writes only inside others, plain SQL as another process would.
async fn write(s: &Server, db_url: &str, kind: usize) -> &'static str {
    let post = |path: &'static str, body: Value| async move {
        let r = s.post_json(path, &body).await;
        assert!(r.status().is_success(), "{path}: {}", r.status());
    };
    let put = |path: &'static str, body: Value| async move {
        let r = s.client.put(s.url(path)).json(&body).send().await.unwrap();
        assert!(r.status().is_success(), "{path}: {}", r.status());
    };
    match kind {
        0 => {
            post("/api/v1/checkins", json!({"date": days_ago(4), "pain": 6})).await;
            "a check-in of an earlier day"
        }
        1 => {
            post("/api/v1/checkins", json!({"pain": 3, "night_pain": true})).await;
            "today's check-in"
        }
        2 => {
            post("/api/v1/activities", json!({"date": days_ago(9), "exercise_id": "glute-bridge", "pain_during": 2, "sets": 2, "reps": 10})).await;
            "an activity"
        }
        3 => {
            post("/api/v1/acknowledgements", json!({"rule": "RF-NIGHT-PAIN"})).await;
            "an acknowledgement"
        }
        4 => {
            put("/api/v1/profile", json!({"age": 66, "weight_kg": 52})).await;
            "her profile"
        }
        5 => {
            post(
                "/api/v1/dexa",
                json!({"date": days_ago(30), "site": "lumbar_spine", "t_score": -2.7}),
            )
            .await;
            "a DEXA result"
        }
        6 => {
            post("/api/v1/heights", json!({"date": days_ago(2), "cm": 160.5})).await;
            "a height"
        }
        7 => {
            put(
                "/api/v1/preferences",
                json!({"excluded_exercises": ["glute-bridge"]}),
            )
            .await;
            "her preferences"
        }
        8 => {
            sql(db_url, "UPDATE checkins SET body = REPLACE(body, '\"pain\":6', '\"pain\":9'), pain = 9 WHERE pain = 6").await;
            "a check-in changed in plain SQL"
        }
        9 => {
            sql(db_url, "DELETE FROM activities").await;
            "activities deleted in plain SQL"
        }
        10 => {
            sql(db_url, "DELETE FROM acknowledgements").await;
            "acknowledgements deleted in plain SQL"
        }
        _ => {
            sql(
                db_url,
                "DELETE FROM checkins WHERE date < (SELECT MAX(date) FROM checkins)",
            )
            .await;
            "earlier check-ins deleted in plain SQL"
        }
    }
}

both_backends! {
    /// Every view the server keeps (plans, Today pages, journal spans, over several days)
    /// answers, after each kind of write to her data, what a second server that keeps nothing
    /// (`--view-cache-mb 0`) works out from the database: read once after the write and once
    /// more (served as kept), both the same as the fresh answer.
    async fn every_kept_view_follows_every_kind_of_write(db: &TestDb) {
        let writer = Server::start(&db.url);
        let reader = Server::start_with(&db.url, &["--view-cache-mb", "0"]);
        for n in [14, 13, 12, 9, 4, 0] {
            save(&writer, days_ago(n), 3).await;
        }
        let start = writer.view_counts().await;
        let mut before = every_view(&writer).await;
        for kind in 0..12 {
            let what = write(&writer, &db.url, kind).await;
            let fresh = every_view(&reader).await;
            // A height alone shows on the Bone page, which is not kept; every other write shows
            // in some kept view, so the comparison below is not between unchanged answers.
            if kind != 6 {
                assert_ne!(before, fresh, "{what}: the write shows somewhere");
            }
            for round in ["worked out", "kept"] {
                let kept = every_view(&writer).await;
                for (k, f) in kept.iter().zip(&fresh) {
                    assert_eq!(k, f, "{what}, {round}");
                }
            }
            before = fresh;
        }
        // The comparison meant something: the writer served views it kept, the reader none.
        let (kept, _) = writer.view_counts().await;
        assert!(kept - start.0 >= 12 * 11, "the writer kept views: {kept}");
        assert_eq!(reader.view_counts().await.0, 0, "the reader keeps nothing");
    }
}

both_backends! {
    /// A second visit to a page whose data did not change is served as kept, and a save of
    /// that day makes the next visit work it out again.
    async fn a_page_seen_twice_is_served_as_kept(db: &TestDb) {
        let s = Server::start(&db.url);
        assert_eq!(s.post_json("/api/v1/checkins", &json!({"pain": 3})).await.status().as_u16(), 201);
        let start = s.view_counts().await;
        page(&s).await;
        page(&s).await;
        let (kept, worked_out) = s.view_counts().await;
        // Each visit reads two views: whether today is an emergency (see `safety`), and the page.
        assert_eq!((kept - start.0, worked_out - start.1), (2, 2), "worked out once, then kept");
        assert!(s.post_json("/api/v1/checkins", &json!({"pain": 5})).await.status().is_success());
        page(&s).await;
        assert_eq!(s.view_counts().await.1, worked_out + 2, "her save is seen");
    }
}

both_backends! {
    /// The Today page is kept rendered, with each visitor's own token put into every form:
    /// never another visitor's, never in place of text from her data (her notes hold the very
    /// placeholder the server uses), and a first visit gets the token it is sent as a cookie.
    async fn a_kept_today_page_carries_each_visitor_s_own_token(db: &TestDb) {
        let s = Server::start(&db.url);
        let notes = "<keel-csrf-token> is what I typed";
        let r = s
            .post_json("/api/v1/checkins", &json!({"pain": 4, "notes": notes}))
            .await;
        assert_eq!(r.status().as_u16(), 201);
        let mut pages = Vec::new();
        for visitor in 0..2 {
            let c = cookie_client();
            for visit in 0..2 {
                let r = c.get(s.url("/")).send().await.unwrap();
                let cookie = r
                    .headers()
                    .get("set-cookie")
                    .map(|v| v.to_str().unwrap().to_string());
                assert_eq!(cookie.is_some(), visit == 0, "a token is set on the first visit only");
                assert_eq!(r.headers()["content-type"], "text/html; charset=utf-8");
                let length: usize = r.headers()["content-length"].to_str().unwrap().parse().unwrap();
                let html = r.text().await.unwrap();
                assert_eq!(length, html.len(), "sent whole, with its length");
                let tokens = csrf_tokens(&html);
                assert!(tokens.len() >= 2, "the plan's forms and the check-in form: {tokens:?}");
                assert!(tokens.iter().all(|t| t == &tokens[0] && t.len() == 64), "{tokens:?}");
                if let Some(cookie) = cookie {
                    // The browser's own value, which the token is bound to: never the token.
                    let value = cookie.strip_prefix("keel_csrf=").and_then(|c| c.split(';').next()).unwrap();
                    assert!(value.len() == 64 && value != tokens[0], "{cookie}");
                }
                assert!(html.contains("&lt;keel-csrf-token&gt; is what I typed"), "her notes as she wrote them");
                assert!(!html.contains("<keel-csrf-token>"));
                pages.push((visitor, tokens[0].clone(), html));
            }
        }
        let (_, first_token, first) = &pages[0];
        for (visitor, token, html) in &pages {
            assert_eq!(token == first_token, *visitor == 0, "one token per visitor");
            assert_eq!(without_tokens(html), without_tokens(first), "the same page otherwise");
        }
        // Her form, posted with the kept page's token, is accepted.
        let c = cookie_client();
        let html = c.get(s.url("/")).send().await.unwrap().text().await.unwrap();
        let token = csrf_tokens(&html)[0].clone();
        let r = c
            .post(s.url("/checkin"))
            .form(&[
                ("csrf", token.as_str()),
                ("date", &today()),
                ("pain", "3"),
                ("emergency_screen", "none"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 303);
    }
}

both_backends! {
    async fn another_server_s_writes_reach_this_server_s_next_save(db: &TestDb) {
        // Six weeks at pain 2 saved through one server, then another server raises the last
        // six days to 4: the first one's next save must judge her trend on what is stored.
        // With stale days, the week would average 2.3 and the worsening trend (T1) would not
        // fire.
        let a = Server::start(&db.url);
        let b = Server::start(&db.url);
        for n in (1..=42).rev() {
            save(&a, days_ago(n), 2).await;
        }
        let saved = save(&a, today(), 2).await;
        assert_eq!(saved["triage"]["trend"]["t1"], json!(false), "{saved}");
        for n in 1..=6 {
            assert_eq!(save(&b, days_ago(n), 4).await["replaced"], json!(true));
        }
        let saved = save(&a, today(), 4).await;
        assert_eq!(saved["triage"]["trend"]["t1"], json!(true), "{saved}");
        let findings = saved["triage"]["findings"].as_array().unwrap();
        assert!(findings.iter().any(|f| f["rule"] == "RF-WORSENING-6W"), "{saved}");
        // And back: its own saves are seen by its next one too.
        for n in 1..=6 {
            save(&a, days_ago(n), 2).await;
        }
        let saved = save(&a, today(), 2).await;
        assert_eq!(saved["triage"]["trend"]["t1"], json!(false), "{saved}");
    }
}
