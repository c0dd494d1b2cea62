//! What an attacker and a careless client tried (issue 19), each tried again: every test here
//! failed before its fix.

use serde_json::{Value, json};

use crate::helpers::{Server, TestDb, both_backends, cookie_client, csrf_token, run_cli, today};

const PASSWORD: &str = "a long enough secret";

/// Signs `email` up on `client`, which must be answered 201.
async fn sign_up_on(s: &Server, client: &reqwest::Client, email: &str) -> reqwest::Response {
    let r = client
        .post(s.url("/api/v1/auth/signup"))
        .json(&json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    r
}

/// Signs up on a client that keeps its cookies.
async fn signed_up(s: &Server, email: &str) -> reqwest::Client {
    let c = cookie_client();
    sign_up_on(s, &c, email).await;
    c
}

/// A client without a cookie store, for requests whose cookies the test writes itself.
fn bare_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The session cookie a sign-up sets, as `keel_session=...`.
async fn session_cookie(s: &Server, email: &str) -> String {
    let r = sign_up_on(s, &bare_client(), email).await;
    let cookie = r.headers()["set-cookie"].to_str().unwrap();
    cookie.split(';').next().unwrap().to_string()
}

async fn check_in_count(s: &Server, c: &reqwest::Client) -> usize {
    let v: Value = c
        .get(s.url("/api/v1/checkins"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["check_ins"].as_array().map_or(0, Vec::len)
}

fn problem_fields(v: &Value) -> Vec<String> {
    v["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["field"].as_str().map(str::to_string))
        .collect()
}

both_backends! {
    /// Item 1: a file of many bad rows costs a bounded answer: the first 100 rows listed and
    /// a count of the rest; a file past the row limit is refused as a whole.
    async fn csv_imports_answer_in_bounded_space(db: &TestDb) {
        let s = Server::start(&db.url);
        let mut csv = String::from("day,pain,sitting\n");
        for i in 0..5000 {
            csv.push_str(&format!("2026-01-{:02},eleven,{}\n", i % 28 + 1, if i == 0 { "NaN" } else { "2" }));
        }
        let body = json!({"csv": csv, "mapping": {"date": "day", "pain": "pain", "sitting_hours": "sitting"}, "dry_run": true});
        let r = s.post_json("/api/v1/import/csv", &body).await;
        assert_eq!(r.status().as_u16(), 200);
        let report: Value = r.json().await.unwrap();
        assert_eq!(report["rows"], 5000);
        assert_eq!(report["rejected_count"], 5000);
        assert_eq!(report["rejected"].as_array().unwrap().len(), 100);
        let first = report["rejected"][0]["errors"].to_string();
        assert!(first.contains("sitting_hours"), "NaN is refused, not read as blank: {first}");

        let mut real = body.clone();
        real["dry_run"] = json!(false);
        let r = s.post_json("/api/v1/import/csv", &real).await;
        assert_eq!(r.status().as_u16(), 422);
        let text = r.text().await.unwrap();
        assert!(text.len() < 32 * 1024, "a bounded answer: {} bytes", text.len());
        let p: Value = serde_json::from_str(&text).unwrap();
        let fields = problem_fields(&p);
        assert!(fields.len() <= 101, "{}", fields.len());
        assert!(fields.contains(&"rows[2].pain".to_string()), "{fields:?}");
        assert!(p["detail"].as_str().unwrap().contains("5000 rows are refused; the first 100 are listed"), "the rest are counted: {}", p["detail"]);
        assert_eq!(check_in_count(&s, &s.client).await, 0, "nothing imported");

        let mut long = String::from("day,pain\n");
        for _ in 0..40_001 {
            long.push_str("x,1\n");
        }
        let r = s.post_json("/api/v1/import/csv", &json!({"csv": long, "mapping": {"date": "day", "pain": "pain"}, "dry_run": true})).await;
        assert_eq!(r.status().as_u16(), 422);
        let p: Value = r.json().await.unwrap();
        assert_eq!(problem_fields(&p), ["csv"]);
    }
}

both_backends! {
    /// Item 2: a planted cookie with its own value as the token is refused; so is a request
    /// from another site, whatever token it carries; body-less JSON posts with cookie auth
    /// refuse another site too, while a bearer token is not a browser's and goes through.
    async fn forms_and_cookie_posts_only_from_her_own_pages(db: &TestDb) {
        let s = Server::start(&db.url);
        let session = session_cookie(&s, "ana@example.org").await;
        let planted = "c".repeat(64);
        let c = bare_client();
        let cookies = format!("{session}; keel_csrf={planted}");
        for (path, form) in [
            ("/checkin", vec![("csrf", planted.as_str()), ("pain", "3"), ("emergency_screen", "none")]),
            ("/account/tokens", vec![("csrf", planted.as_str()), ("name", "x"), ("scope", "write")]),
            ("/account/delete", vec![("csrf", planted.as_str()), ("confirm", "DELETE")]),
        ] {
            let r = c.post(s.url(path)).header("cookie", &cookies).header("origin", "https://evil.example").form(&form).send().await.unwrap();
            assert_eq!(r.status().as_u16(), 403, "{path}");
            let r = c.post(s.url(path)).header("cookie", &cookies).form(&form).send().await.unwrap();
            assert_eq!(r.status().as_u16(), 403, "{path}, planted token without an Origin");
        }
        let v: Value = c.get(s.url("/api/v1/checkins")).header("cookie", &session).send().await.unwrap().json().await.unwrap();
        assert_eq!(v["check_ins"], json!([]), "nothing saved");
        let v: Value = c.get(s.url("/api/v1/tokens")).header("cookie", &session).send().await.unwrap().json().await.unwrap();
        assert_eq!(v["tokens"], json!([]), "no token made, and the account is still there");

        // Her own token, from her own page, but sent from another site.
        let html = c.get(s.url("/")).header("cookie", &session).send().await.unwrap().text().await.unwrap();
        let token = csrf_token(&html);
        let form = [("csrf", token.as_str()), ("pain", "3"), ("emergency_screen", "none")];
        for (header, value) in [("origin", "https://evil.example"), ("origin", "null"), ("sec-fetch-site", "cross-site"), ("sec-fetch-site", "same-site")] {
            let r = c.post(s.url("/checkin")).header("cookie", &session).header(header, value).form(&form).send().await.unwrap();
            assert_eq!(r.status().as_u16(), 403, "{header}: {value}");
        }
        let host = s.base.trim_start_matches("http://").to_string();
        let r = c.post(s.url("/checkin")).header("cookie", &session).header("origin", format!("http://{host}")).header("sec-fetch-site", "same-origin").form(&form).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 303, "from her own page");

        for path in ["/api/v1/breaks", "/api/v1/feeds/breaks", "/api/v1/auth/logout"] {
            let r = c.post(s.url(path)).header("cookie", &session).header("origin", "https://evil.example").send().await.unwrap();
            assert_eq!(r.status().as_u16(), 403, "{path}");
            assert_eq!(r.headers()["content-type"], "application/problem+json");
        }
        let v: Value = c.get(s.url("/api/v1/breaks")).header("cookie", &session).send().await.unwrap().json().await.unwrap();
        assert_eq!(v["taken"], json!([]), "no break logged from another site");
        let r = c.post(s.url("/api/v1/tokens")).header("cookie", &session).json(&json!({"name": "script", "scope": "write"})).send().await.unwrap();
        let bearer = r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_string();
        let r = c.post(s.url("/api/v1/breaks")).bearer_auth(&bearer).header("origin", "https://evil.example").send().await.unwrap();
        assert_eq!(r.status().as_u16(), 201, "a script's bearer token is not a browser's cookie");
    }
}

both_backends! {
    /// Item 3: only a path on this site is followed after log-in; CR or LF are not a 500.
    async fn log_in_goes_only_to_paths_on_this_site(db: &TestDb) {
        let s = Server::start(&db.url);
        signed_up(&s, "ana@example.org").await;
        for (next, decoded) in [
            ("/%09/evil.example", "/\t/evil.example"),
            ("/%0d%0aSet-Cookie:%20x=y", "/\r\nSet-Cookie: x=y"),
            ("/%5Cevil.example", "/\\evil.example"),
            ("//evil.example", "//evil.example"),
            ("https:evil.example", "https:evil.example"),
        ] {
            let c = cookie_client();
            let html = c.get(s.url(&format!("/login?next={next}"))).send().await.unwrap().text().await.unwrap();
            assert!(html.contains("name=\"next\" value=\"/\""), "{next}");
            let token = csrf_token(&html);
            let r = c.post(s.url("/login")).form(&[("csrf", token.as_str()), ("email", "ana@example.org"), ("password", PASSWORD), ("next", decoded)]).send().await.unwrap();
            assert_eq!(r.status().as_u16(), 303, "{next}");
            assert_eq!(r.headers()["location"], "/", "{next}");
        }
    }
}

both_backends! {
    /// Item 4: NaN, infinities and numbers past a double's range are refused with the field
    /// named, on forms, in CSV and on the command line; what was stored stays.
    async fn non_finite_numbers_are_refused_and_lose_nothing(db: &TestDb) {
        let s = Server::start(&db.url);
        let r = s.client.put(s.url("/api/v1/profile")).json(&json!({"age": 51, "height_cm": 165.0, "tallest_height_cm": 168.0})).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200);
        let html = s.get("/bone").await.text().await.unwrap();
        let token = csrf_token(&html);
        for (field, value) in [("height_cm", "Infinity"), ("tallest_height_cm", "NaN"), ("height_cm", "1e309")] {
            let r = s.client.post(s.url("/bone/profile")).form(&[("csrf", token.as_str()), ("age", "51"), ("height_cm", "165"), ("tallest_height_cm", "168"), (field, value)]).send().await.unwrap();
            assert_eq!(r.status().as_u16(), 422, "{field}={value}");
            let html = r.text().await.unwrap();
            assert!(html.contains(&format!("id=\"{field}-error\"")), "{field}={value}");
        }
        let profile: Value = s.get("/api/v1/profile").await.json().await.unwrap();
        assert_eq!((profile["height_cm"].as_f64(), profile["tallest_height_cm"].as_f64()), (Some(165.0), Some(168.0)), "kept: {profile}");

        let html = s.get("/").await.text().await.unwrap();
        let token = csrf_token(&html);
        for (field, value) in [("sitting_hours", "NaN"), ("walking_minutes", "1e309"), ("sleep", "inf")] {
            let r = s.client.post(s.url("/checkin")).form(&[("csrf", token.as_str()), ("pain", "3"), ("emergency_screen", "none"), (field, value)]).send().await.unwrap();
            assert_eq!(r.status().as_u16(), 422, "{field}={value}");
            assert!(r.text().await.unwrap().contains(&format!("id=\"{field}-error\"")), "{field}={value}");
        }
        let html = s.get("/desk").await.text().await.unwrap();
        let token = csrf_token(&html);
        let r = s.client.post(s.url("/desk")).form(&[("csrf", token.as_str()), ("stature_cm", "Infinity")]).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 422);

        for (flag, value) in [("--sitting-hours", "NaN"), ("--sitting-hours", "inf"), ("--walking-minutes", "1e309"), ("--pain", "NaN")] {
            let field = flag.trim_start_matches("--").replace('-', "_");
            let mut args = vec!["checkin", "--no-red-flags", flag, value];
            if flag != "--pain" {
                args.extend(["--pain", "3"]);
            }
            let (code, _, err) = run_cli(&db.url, &args, None);
            assert_eq!(code, 2, "{flag} {value}: {err}");
            assert!(err.contains(&format!("{field}: must be")), "{flag} {value}: {err}");
        }
        assert_eq!(check_in_count(&s, &s.client).await, 0);
    }
}

/// Item 5: a restore over a database in use is refused, and says to stop the server.
#[tokio::test]
async fn restore_is_refused_while_the_server_has_the_database_open() {
    let db = TestDb::sqlite("restore-busy");
    let backup = db.dir.0.join("copy.db");
    let s = Server::start(&db.url);
    assert_eq!(
        s.post_json("/api/v1/checkins", &json!({"pain": 2}))
            .await
            .status()
            .as_u16(),
        201
    );
    let (code, _, err) = run_cli(&db.url, &["backup", backup.to_str().unwrap()], None);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        s.post_json(
            "/api/v1/checkins",
            &json!({"pain": 5, "date": crate::helpers::days_ago(1)})
        )
        .await
        .status()
        .as_u16(),
        201
    );
    let (code, _, err) = run_cli(&db.url, &["restore", backup.to_str().unwrap()], None);
    assert_ne!(code, 0);
    assert!(err.contains("stop it"), "{err}");
    assert_eq!(check_in_count(&s, &s.client).await, 2, "nothing replaced");
    drop(s);
    let (code, out, err) = run_cli(&db.url, &["restore", backup.to_str().unwrap()], None);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("1 check-ins"), "{out}");
}

both_backends! {
    /// Item 6: control characters other than tab and line breaks are refused in every text,
    /// on both backends alike (PostgreSQL cannot store a NUL at all).
    async fn control_characters_are_refused_with_the_field_named(db: &TestDb) {
        let s = Server::start(&db.url);
        let r = s.post_json("/api/v1/checkins", &json!({"pain": 2, "notes": "a\u{0}b"})).await;
        assert_eq!(r.status().as_u16(), 422);
        assert_eq!(problem_fields(&r.json().await.unwrap()), ["notes"]);
        let r = s.post_json("/api/v1/checkins", &json!({"pain": 2, "notes": "two lines\r\nand a\ttab"})).await;
        assert_eq!(r.status().as_u16(), 201, "tabs and line breaks are text");
        for path in ["/api/v1/auth/signup", "/api/v1/auth/login"] {
            let r = cookie_client().post(s.url(path)).json(&json!({"email": "a\u{0}@example.org", "password": PASSWORD})).send().await.unwrap();
            assert_eq!(r.status().as_u16(), 422, "{path}");
            assert_eq!(problem_fields(&r.json().await.unwrap()), ["email"], "{path}");
        }
        let c = signed_up(&s, "ana@example.org").await;
        let r = c.post(s.url("/api/v1/tokens")).json(&json!({"name": "x\u{0}y", "scope": "read"})).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 422);
        assert_eq!(problem_fields(&r.json().await.unwrap()), ["name"]);
        let html = c.get(s.url("/")).send().await.unwrap().text().await.unwrap();
        let token = csrf_token(&html);
        let r = c.post(s.url("/checkin")).form(&[("csrf", token.as_str()), ("pain", "3"), ("emergency_screen", "none"), ("notes", "esc \u{1b}[31m")]).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 422);
        assert!(r.text().await.unwrap().contains("id=\"notes-error\""));
    }
}

both_backends! {
    /// Item 7: each form answers a mistake with its page, the message beside the field and
    /// her values kept; none answers with JSON.
    async fn forms_answer_mistakes_with_their_page(db: &TestDb) {
        let s = Server::start(&db.url);
        let c = signed_up(&s, "ana@example.org").await;
        let r = c.post(s.url("/api/v1/checkins")).json(&json!({"pain": 4, "night_pain": true})).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 201);
        let html = c.get(s.url("/")).send().await.unwrap().text().await.unwrap();
        let token = csrf_token(&html);
        let html_422 = |r: &reqwest::Response| {
            assert_eq!(r.status().as_u16(), 422, "{}", r.url());
            assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/html"), "{}", r.url());
        };
        let r = c.post(s.url("/acknowledge")).form(&[("csrf", token.as_str()), ("rule", "RF-NIGHT-PAIN"), ("date", "2999-01-01")]).send().await.unwrap();
        html_422(&r);
        assert!(r.text().await.unwrap().contains("class=\"error\" id=\"rule-error\""));
        // An item of the plan whose form asks for sets.
        let item = html
            .split("name=\"exercise_id\" value=\"")
            .skip(1)
            .map(|rest| rest.split('"').next().unwrap().to_string())
            .find(|id| html.contains(&format!("id=\"sets-{id}\"")))
            .expect("a plan item with sets");
        let r = c.post(s.url("/log")).form(&[("csrf", token.as_str()), ("exercise_id", item.as_str()), ("date", today().as_str()), ("level", "1"), ("sets", "2"), ("pain_during", "11")]).send().await.unwrap();
        html_422(&r);
        let page = r.text().await.unwrap();
        assert!(page.contains("id=\"pain_during-error\""), "beside the field");
        assert!(page.contains(&format!("id=\"sets-{item}\" name=\"sets\" value=\"2\"")), "her values kept");
        let html = c.get(s.url("/account")).send().await.unwrap().text().await.unwrap();
        let token = csrf_token(&html);
        let r = c.post(s.url("/account/tokens")).form(&[("csrf", token.as_str()), ("name", "   "), ("scope", "write")]).send().await.unwrap();
        html_422(&r);
        let page = r.text().await.unwrap();
        assert!(page.contains("id=\"name-error\"") && page.contains("<option value=\"write\" selected>"));
        let r = c.post(s.url("/account/password")).form(&[("csrf", token.as_str()), ("current", "not it at all"), ("password", "another long secret")]).send().await.unwrap();
        html_422(&r);
        let page = r.text().await.unwrap();
        assert!(page.contains("id=\"current-error\"") && !page.contains("not it at all"), "never a password echoed");
        let r = c.post(s.url("/account/delete")).form(&[("csrf", token.as_str()), ("confirm", "delete")]).send().await.unwrap();
        html_422(&r);
        let page = r.text().await.unwrap();
        assert!(page.contains("id=\"confirm-error\"") && page.contains("value=\"delete\""));
        assert_eq!(check_in_count(&s, &c).await, 1, "still there");
    }
}

both_backends! {
    /// Item 8: a new password revokes her personal tokens, on the page, in the API and with
    /// `keel user reset-password`.
    async fn a_new_password_revokes_every_token(db: &TestDb) {
        let s = Server::start(&db.url);
        let c = signed_up(&s, "ana@example.org").await;
        let make = |c: reqwest::Client| {
            let url = s.url("/api/v1/tokens");
            async move {
                let r = c.post(url).json(&json!({"name": "script", "scope": "read"})).send().await.unwrap();
                r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_string()
            }
        };
        let works = |token: String| {
            let url = s.url("/api/v1/checkins");
            async move { bare_client().get(url).bearer_auth(token).send().await.unwrap().status().as_u16() }
        };
        let token = make(c.clone()).await;
        assert_eq!(works(token.clone()).await, 200);
        let r = c.post(s.url("/api/v1/auth/password")).json(&json!({"current": PASSWORD, "password": "a second long secret"})).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 204);
        assert_eq!(works(token).await, 401, "revoked with the password change");
        assert_eq!(c.get(s.url("/api/v1/checkins")).send().await.unwrap().status().as_u16(), 401, "her session ended too");

        let c = cookie_client();
        let r = c.post(s.url("/api/v1/auth/login")).json(&json!({"email": "ana@example.org", "password": "a second long secret"})).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200);
        let token = make(c.clone()).await;
        let (code, out, err) = run_cli(&db.url, &["user", "reset-password", "ana@example.org"], Some("a third long secret\n"));
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("token"), "{out}");
        assert_eq!(works(token).await, 401, "revoked by keel user reset-password");

        let c = cookie_client();
        c.post(s.url("/api/v1/auth/login")).json(&json!({"email": "ana@example.org", "password": "a third long secret"})).send().await.unwrap();
        let token = make(c.clone()).await;
        let html = c.get(s.url("/account")).send().await.unwrap().text().await.unwrap();
        assert!(html.contains("revokes every personal token"), "the page says so");
        let csrf = csrf_token(&html);
        let r = c.post(s.url("/account/password")).form(&[("csrf", csrf.as_str()), ("current", "a third long secret"), ("password", "a fourth long secret")]).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(works(token).await, 401, "revoked by the page");
    }
}

both_backends! {
    /// Item 9: no answer with her data may be kept by a browser or a proxy; a new secret is
    /// shown in the answer to the form that made it, never in an address.
    async fn answers_with_her_data_are_never_stored(db: &TestDb) {
        let s = Server::start(&db.url);
        let c = signed_up(&s, "ana@example.org").await;
        c.post(s.url("/api/v1/checkins")).json(&json!({"pain": 3})).send().await.unwrap();
        for path in ["/", "/account", "/breaks", "/report", "/report.pdf", "/week", "/progress", "/bone", "/desk", "/api/v1/checkins", "/api/v1/profile", "/api/v1/export?format=json", "/api/v1/nothing-here"] {
            let r = c.get(s.url(path)).send().await.unwrap();
            assert_eq!(r.headers().get("cache-control").map(|v| v.to_str().unwrap()), Some("no-store"), "{path}");
        }
        let r = c.get(s.url("/static/keel.css")).send().await.unwrap();
        assert!(r.headers()["cache-control"].to_str().unwrap().starts_with("public"), "the stylesheet may be kept");
        let html = c.get(s.url("/account")).send().await.unwrap().text().await.unwrap();
        let token = csrf_token(&html);
        let r = c.post(s.url("/account/tokens")).form(&[("csrf", token.as_str()), ("name", "phone"), ("scope", "read")]).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 201);
        assert!(r.headers().get("location").is_none());
        let page = r.text().await.unwrap();
        let secret = page.split("keel_").nth(1).map(|rest| format!("keel_{}", &rest[..64])).expect("the token is on the page");
        assert_eq!(bare_client().get(s.url("/api/v1/checkins")).bearer_auth(&secret).send().await.unwrap().status().as_u16(), 200);
        let again = c.get(s.url("/account")).send().await.unwrap().text().await.unwrap();
        assert!(!again.contains(&secret), "shown once");
    }
}

/// Item 10: what a deletion removes is not left in the file's free pages or its log.
#[tokio::test]
async fn deleted_accounts_leave_nothing_readable_in_the_file() {
    let db = TestDb::sqlite("secure-delete");
    let s = Server::start(&db.url);
    let note = "unmistakable-note-of-hers-7f3a";
    signed_up(&s, "first@example.org").await;
    let c = signed_up(&s, "ana-erased@example.org").await;
    for days in 0..40 {
        let r = c.post(s.url("/api/v1/checkins")).json(&json!({"pain": 3, "date": crate::helpers::days_ago(days), "notes": format!("{note} {}", "x".repeat(900))})).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 201);
    }
    let r = c
        .delete(s.url("/api/v1/account?confirm=DELETE"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 204);
    let mut bytes = Vec::new();
    for suffix in ["", "-wal"] {
        if let Ok(b) = std::fs::read(format!("{}{suffix}", db.url)) {
            bytes.extend(b);
        }
    }
    let text = String::from_utf8_lossy(&bytes);
    assert!(!text.contains(note), "her notes");
    assert!(!text.contains("ana-erased@example.org"), "her email");
}

both_backends! {
    /// Item 11: once any account has existed, the server stays in account mode, even with
    /// every account deleted and after a restart.
    async fn deleting_the_last_account_does_not_reopen_the_server(db: &TestDb) {
        let mut s = Server::start(&db.url);
        let c = signed_up(&s, "ana@example.org").await;
        let r = c.delete(s.url("/api/v1/account?confirm=DELETE")).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 204);
        for round in ["running", "restarted"] {
            let anon = bare_client();
            assert_eq!(anon.get(s.url("/api/v1/checkins")).send().await.unwrap().status().as_u16(), 401, "{round}");
            assert_eq!(anon.post(s.url("/api/v1/checkins")).json(&json!({"pain": 2})).send().await.unwrap().status().as_u16(), 401, "{round}");
            s.kill();
            s = Server::start(&db.url);
        }
    }
}

both_backends! {
    /// Item 12, the smaller ones.
    async fn the_smaller_holes_are_closed(db: &TestDb) {
        let s = Server::start(&db.url);
        // Duplicate keys: which was meant cannot be known.
        let r = s.client.post(s.url("/api/v1/checkins")).header("content-type", "application/json").body(r#"{"pain": 3, "pain": 9}"#).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 422);
        assert_eq!(problem_fields(&r.json().await.unwrap()), ["pain"]);
        // Stateless contracts refuse dates ahead.
        let tomorrow = (crate::helpers::today_date() + chrono::Duration::days(1)).to_string();
        for (path, body) in [("/api/v1/triage", json!({"pain": 3, "date": tomorrow})), ("/api/v1/bone/assess", json!({"age": 50, "date": tomorrow}))] {
            let r = s.post_json(path, &body).await;
            assert_eq!(r.status().as_u16(), 422, "{path}");
            assert_eq!(problem_fields(&r.json().await.unwrap()), ["date"], "{path}");
        }
        // The import's limit is named as it is.
        let big = format!("{{\"csv\": \"{}\"}}", "x".repeat(33 * 1024 * 1024));
        // (On a client of its own: the server closes a connection it will not read to the end.)
        let r = bare_client().post(s.url("/api/v1/import/csv")).header("content-type", "application/json").body(big).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 413);
        assert!(r.text().await.unwrap().contains("32 MiB"));
        // Forty breaks at once are forty breaks.
        let mut posts = tokio::task::JoinSet::new();
        for _ in 0..40 {
            posts.spawn(s.client.post(s.url("/api/v1/breaks")).send());
        }
        while let Some(r) = posts.join_next().await {
            assert_eq!(r.unwrap().unwrap().status().as_u16(), 201);
        }
        let day: Value = s.get("/api/v1/breaks").await.json().await.unwrap();
        assert_eq!(day["taken"].as_array().unwrap().len(), 40);
        // The CSV export holds everything, and no cell runs as a formula.
        s.post_json("/api/v1/checkins", &json!({"pain": 2, "notes": "=HYPERLINK(\"http://evil.example\")"})).await;
        s.client.put(s.url("/api/v1/profile")).json(&json!({"age": 50})).send().await.unwrap();
        let zip = s.get("/api/v1/export?format=csv").await.bytes().await.unwrap();
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip.to_vec())).unwrap();
        let names: Vec<String> = archive.file_names().map(|n| n.unwrap().into_owned()).collect();
        for file in ["check_ins.csv", "profile.csv", "desk.csv", "preferences.csv", "acknowledgements.csv", "posture.csv", "break_settings.csv", "breaks.csv"] {
            assert!(names.contains(&file.to_string()), "{file}: {names:?}");
        }
        let mut check_ins = String::new();
        std::io::Read::read_to_string(&mut archive.by_name("check_ins.csv").unwrap(), &mut check_ins).unwrap();
        assert!(check_ins.contains("\"'=HYPERLINK(\"\"http://evil.example\"\")\""), "{check_ins}");
        let mut profile = String::new();
        std::io::Read::read_to_string(&mut archive.by_name("profile.csv").unwrap(), &mut profile).unwrap();
        assert!(profile.contains("age,50"), "{profile}");
    }
}

both_backends! {
    /// Item 12: five wrong passwords from one address lock that address out, not her; a
    /// slower limit holds for the account from everywhere.
    async fn a_guesser_cannot_lock_her_out(db: &TestDb) {
        let s = Server::start(&db.url);
        signed_up(&s, "ana@example.org").await;
        let from = |ip: &str| {
            reqwest::Client::builder()
                .local_address(ip.parse::<std::net::IpAddr>().unwrap())
                .build()
                .unwrap()
        };
        let guesser = from("127.0.0.2");
        let login = |c: &reqwest::Client, password: &str| {
            c.post(s.url("/api/v1/auth/login")).json(&json!({"email": "ana@example.org", "password": password})).send()
        };
        for _ in 0..5 {
            assert_eq!(login(&guesser, "wrong wrong wrong").await.unwrap().status().as_u16(), 401);
        }
        assert_eq!(login(&guesser, PASSWORD).await.unwrap().status().as_u16(), 429, "the guesser's address is held back");
        assert_eq!(login(&from("127.0.0.1"), PASSWORD).await.unwrap().status().as_u16(), 200, "she still gets in");
    }
}
