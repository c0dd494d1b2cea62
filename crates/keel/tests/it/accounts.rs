//! Accounts as a household and as an attacker would try them: the first account keeps the
//! local data, a second account sees none of it, stolen cookies die at logout, guessing is
//! throttled, tokens obey their scope.

use serde_json::{Value, json};

use crate::helpers::{Server, both_backends, csrf_token, days_ago, run_cli, today};

use crate::helpers::cookie_client as client;

async fn signup(s: &Server, c: &reqwest::Client, email: &str) -> reqwest::Response {
    c.post(s.url("/api/v1/auth/signup"))
        .json(&json!({"email": email, "password": "a long enough secret"}))
        .send()
        .await
        .unwrap()
}

/// A PDF's text, through poppler's pdftotext.
fn pdf_text(bytes: &[u8]) -> String {
    use std::io::Write;
    let mut child = std::process::Command::new("pdftotext")
        .args(["-", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("pdftotext (poppler-utils) reads the report");
    child.stdin.take().unwrap().write_all(bytes).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "pdftotext read the report");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Every GET operation of the OpenAPI document as a path to request, its parameters filled
/// so that all of the first account's data is in range: a date is today (`from` is long
/// before her first entry), an enumerated parameter is walked value by value, and `{id}`
/// names something of hers (`id`). A parameter of another kind stops the test, to be given
/// a value here, rather than be left out unseen.
fn read_paths(doc: &Value, id: &str) -> Vec<String> {
    // Public by design and about nobody's data: the liveness check, and the OpenAPI document
    // (served beside `paths`, skipped should it ever be listed there).
    const PUBLIC: [&str; 2] = ["/healthz", "/api/v1/openapi.json"];
    let mut out = Vec::new();
    for (template, item) in doc["paths"].as_object().unwrap() {
        let Some(get) = item.get("get") else { continue };
        if PUBLIC.contains(&template.as_str()) {
            continue;
        }
        // The report takes a period of at most two years and sections by name: the longest
        // preset, every section (her notes included), so that all of hers it can show is in.
        if template == "/api/v1/report" {
            out.push(
                "/api/v1/report?days=180&sections=bone,desk,questionnaires,notes,symptoms,cycle"
                    .to_string(),
            );
            continue;
        }
        let mut path = template.clone();
        let mut queries: Vec<Vec<String>> = vec![vec![]];
        for p in get["parameters"].as_array().into_iter().flatten() {
            let name = p["name"].as_str().unwrap();
            let values: Vec<String> = if p["schema"]["format"] == "date" {
                vec![if name == "from" {
                    days_ago(800)
                } else {
                    today()
                }]
            } else if let Some(options) = p["schema"]["enum"].as_array() {
                options
                    .iter()
                    .map(|o| o.as_str().unwrap().to_string())
                    .collect()
            } else if name == "id" {
                vec![id.to_string()]
            } else {
                panic!("{template}: no value for the parameter {name}; give this test one");
            };
            match p["in"].as_str() {
                Some("path") => path = path.replace(&format!("{{{name}}}"), &values[0]),
                Some("query") => {
                    queries = queries
                        .iter()
                        .flat_map(|q| {
                            values.iter().map(move |v| {
                                let mut q = q.clone();
                                q.push(format!("{name}={v}"));
                                q
                            })
                        })
                        .collect()
                }
                other => panic!("{template}: a parameter {name} in {other:?}"),
            }
        }
        assert!(
            !path.contains('{'),
            "{path}: a path parameter left unfilled"
        );
        for q in queries {
            out.push(if q.is_empty() {
                path.clone()
            } else {
                format!("{path}?{}", q.join("&"))
            });
        }
    }
    out
}

/// What an account reads at `path`: the status and the body as text, a zip's files unpacked,
/// with what differs between two accounts with no data blanked: the moment of the request
/// (an export's time, the audit log's times, a calendar's DTSTAMP) and the account's own id
/// (in calendar UIDs).
async fn read(s: &Server, c: &reqwest::Client, path: &str, user_id: &str) -> (u16, String) {
    fn steady(v: &mut Value) {
        match v {
            Value::Object(fields) => {
                for (name, v) in fields {
                    if ["exported_at", "timestamp", "at"].contains(&name.as_str()) {
                        *v = json!("<moment>");
                    } else {
                        steady(v);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(steady),
            _ => {}
        }
    }
    let r = c.get(s.url(path)).send().await.unwrap();
    let status = r.status().as_u16();
    let kind = r
        .headers()
        .get("content-type")
        .map(|t| t.to_str().unwrap().to_string())
        .unwrap_or_default();
    let bytes = r.bytes().await.unwrap();
    let text = if kind == "application/pdf" {
        pdf_text(&bytes)
    } else if kind == "application/zip" {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let mut files = String::new();
        for i in 0..zip.len() {
            let mut file = zip.by_index(i).unwrap();
            files.push_str(&format!("== {}\n", file.name().unwrap()));
            std::io::Read::read_to_string(&mut file, &mut files).unwrap();
        }
        files
    } else if kind.contains("json") {
        let mut v: Value = serde_json::from_slice(&bytes).unwrap();
        steady(&mut v);
        v.to_string()
    } else {
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        text.lines()
            .map(|l| {
                if l.starts_with("DTSTAMP:") {
                    "DTSTAMP:<moment>"
                } else {
                    l
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    (status, text.replace(&format!("-{user_id}@"), "-<user>@"))
}

both_backends! {
    async fn first_account_keeps_local_data_and_second_sees_none(tdb: &TestDb) {
        let s = Server::start(&tdb.url);
        // local mode: data of every kind recorded before accounts exist, today's check-in
        // (which replaces the one fill made) carrying a marker and a red flag
        crate::data::fill(&s).await;
        let r = s.post_json("/api/v1/checkins", &json!({"pain": 4, "notes": "before accounts", "fever": true})).await;
        assert!(r.status().is_success(), "{}", r.status());

        let a = client();
        let r = signup(&s, &a, "ana@example.org").await;
        assert_eq!(r.status().as_u16(), 201);
        let cookie = r.headers().get("set-cookie").unwrap().to_str().unwrap().to_string();
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
        let info: Value = r.json().await.unwrap();
        assert_eq!(info["first_account"], true);
        let a_id = info["user_id"].to_string();
        let plan: Value = a.get(s.url(&format!("/api/v1/plan/{}", today()))).send().await.unwrap().json().await.unwrap();
        assert_eq!(plan["triage"]["findings"][0]["rule"], "RF-FEVER", "her earlier data is hers");

        // without a session: 401 for the API, the log-in page for a browser
        let anon = client();
        let r = anon.get(s.url("/api/v1/checkins")).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 401);
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        let r = anon.get(s.url("/")).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 303);
        assert!(r.headers()["location"].to_str().unwrap().starts_with("/login"));
        assert_eq!(anon.get(s.url("/healthz")).send().await.unwrap().status().as_u16(), 200);

        let b = client();
        let r = signup(&s, &b, "bea@example.org").await;
        assert_eq!(r.status().as_u16(), 201);
        let b_id = r.json::<Value>().await.unwrap()["user_id"].to_string();
        let r = signup(&s, &client(), "ANA@example.org").await;
        assert_eq!(r.status().as_u16(), 409, "one account per email");
        let p: Value = r.json().await.unwrap();
        assert_eq!((p["type"].as_str(), p["errors"][0]["field"].as_str()), (Some("urn:keel:problem:conflict"), Some("email")));
        let r = client().post(s.url("/api/v1/auth/signup")).json(&json!({"email": "cai@example.org", "password": "short"})).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 422, "a password too short is a validation problem");
        let p: Value = r.json().await.unwrap();
        assert_eq!((p["type"].as_str(), p["errors"][0]["field"].as_str()), (Some("urn:keel:problem:validation"), Some("password")));
        // B walks every read operation the API documents and sees there exactly what an
        // account with no data sees (C, a control), none of A's markers among it; A sees her
        // own data there, so that B's view is worth something.
        let token: Value = a.post(s.url("/api/v1/tokens")).json(&json!({"name": "a", "scope": "read"})).send().await.unwrap().json().await.unwrap();
        let id = token["id"].as_str().unwrap();
        let c = client();
        let r = signup(&s, &c, "dan@example.org").await;
        assert_eq!(r.status().as_u16(), 201);
        let c_id = r.json::<Value>().await.unwrap()["user_id"].to_string();
        let doc: Value = anon.get(s.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
        let paths = read_paths(&doc, id);
        assert!(paths.len() >= 20, "{paths:?}");
        let mut shows_nothing_of_hers = Vec::new();
        for path in &paths {
            let (b_status, b_seen) = read(&s, &b, path, &b_id).await;
            let (c_status, c_seen) = read(&s, &c, path, &c_id).await;
            assert!(matches!(b_status, 200 | 404), "{path}: {b_status} {b_seen}");
            for marker in ["before accounts", "with a comma, and", "ana@example.org"] {
                assert!(!b_seen.contains(marker), "{path} shows B {marker:?} of A's: {b_seen}");
            }
            assert_eq!((b_status, &b_seen), (c_status, &c_seen), "{path}: B sees what an account with no data sees");
            let (a_status, a_seen) = read(&s, &a, path, &a_id).await;
            assert!(matches!(a_status, 200 | 404), "{path}: {a_status} {a_seen}");
            if (a_status, &a_seen) == (c_status, &c_seen) {
                shows_nothing_of_hers.push(path.as_str());
            }
        }
        assert_eq!(shows_nothing_of_hers, Vec::<&str>::new(), "read operations where A's data does not show, so B's view of them proves nothing");
        for page in ["/", "/report", "/progress", "/bone"] {
            let html = b.get(s.url(page)).send().await.unwrap().text().await.unwrap();
            assert!(!html.contains("before accounts") && !html.contains("RF-FEVER"), "{page} shows A's data");
        }
        // A's token, addressed by its id, is not B's to revoke
        assert_eq!(b.delete(s.url(&format!("/api/v1/tokens/{id}"))).send().await.unwrap().status().as_u16(), 404);
        let r = reqwest::Client::new().get(s.url("/api/v1/checkins")).header("authorization", format!("Bearer {}", token["token"].as_str().unwrap())).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200, "still A's and still working");
        let export = b.get(s.url("/api/v1/export")).send().await.unwrap().text().await.unwrap();
        assert!(!export.contains("before accounts"), "B's export holds none of A's data");
        // B's writes stay B's
        let r = b.post(s.url("/api/v1/checkins")).json(&json!({"pain": 1, "date": days_ago(1)})).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 201);
        let mine: Value = a.get(s.url("/api/v1/checkins")).send().await.unwrap().json().await.unwrap();
        assert_eq!(mine["check_ins"].as_array().unwrap().len(), 12, "A's 12 days, none of B's");
    }
}

both_backends! {
    async fn stolen_cookie_dies_at_logout_and_guessing_is_throttled(tdb: &TestDb) {
        let s = Server::start(&tdb.url);
        let a = client();
        let r = signup(&s, &a, "ana@example.org").await;
        let cookie = r.headers().get("set-cookie").unwrap().to_str().unwrap().split(';').next().unwrap().to_string();
        let thief = reqwest::Client::new();
        let r = thief.get(s.url("/api/v1/checkins")).header("cookie", &cookie).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200, "the cookie works while the session lives");
        assert_eq!(a.post(s.url("/api/v1/auth/logout")).send().await.unwrap().status().as_u16(), 204);
        let r = thief.get(s.url("/api/v1/checkins")).header("cookie", &cookie).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 401, "replayed after logout");

        // a new log-in gets a new session id
        let r = a.post(s.url("/api/v1/auth/login")).json(&json!({"email": "ana@example.org", "password": "a long enough secret"})).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200);
        let again = r.headers().get("set-cookie").unwrap().to_str().unwrap().split(';').next().unwrap().to_string();
        assert_ne!(again, cookie);

        let guesser = client();
        for n in 0..5 {
            let r = guesser.post(s.url("/api/v1/auth/login")).json(&json!({"email": "ana@example.org", "password": format!("guess number {n}")})).send().await.unwrap();
            assert_eq!(r.status().as_u16(), 401, "a wrong password is refused as such");
            let p: Value = r.json().await.unwrap();
            assert_eq!(p["type"], "urn:keel:problem:credentials");
        }
        let r = guesser.post(s.url("/api/v1/auth/login")).json(&json!({"email": "ana@example.org", "password": "a long enough secret"})).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 429, "locked after 5 failures, even with the right password");
        assert!(r.headers().contains_key("retry-after"));
        let audit: Value = a.get(s.url("/api/v1/audit")).send().await.unwrap().json().await.unwrap();
        assert!(audit["events"].as_array().unwrap().iter().any(|e| e["kind"] == "login-failed"));
    }
}

both_backends! {
    async fn tokens_obey_their_scope_and_die_when_revoked(tdb: &TestDb) {
        let s = Server::start(&tdb.url);
        let a = client();
        signup(&s, &a, "ana@example.org").await;
        let read: Value = a.post(s.url("/api/v1/tokens")).json(&json!({"name": "charts", "scope": "read"})).send().await.unwrap().json().await.unwrap();
        let write: Value = a.post(s.url("/api/v1/tokens")).json(&json!({"name": "sync", "scope": "write"})).send().await.unwrap().json().await.unwrap();
        let bare = reqwest::Client::new();
        let bearer = |t: &Value| format!("Bearer {}", t["token"].as_str().unwrap());
        let r = bare.get(s.url("/api/v1/checkins")).header("authorization", bearer(&read)).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200);
        let r = bare.post(s.url("/api/v1/checkins")).header("authorization", bearer(&read)).json(&json!({"pain": 2})).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 403);
        let r = bare.post(s.url("/api/v1/checkins")).header("authorization", bearer(&write)).json(&json!({"pain": 2})).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 201);
        let tokens: Value = a.get(s.url("/api/v1/tokens")).send().await.unwrap().json().await.unwrap();
        assert!(!tokens.to_string().contains(write["token"].as_str().unwrap()), "secrets are never listed");
        let id = write["id"].as_str().unwrap();
        assert_eq!(a.delete(s.url(&format!("/api/v1/tokens/{id}"))).send().await.unwrap().status().as_u16(), 204);
        let r = bare.get(s.url("/api/v1/checkins")).header("authorization", bearer(&write)).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 401);
        let r = bare.get(s.url("/api/v1/checkins")).header("authorization", "Bearer keel_nonsense").send().await.unwrap();
        assert_eq!(r.status().as_u16(), 401);
    }
}

both_backends! {
    async fn users_from_the_cli(tdb: &TestDb) {
        let (code, out, err) = run_cli(&tdb.url, &["user", "add", "ana@example.org"], Some("a long enough secret\n"));
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("administrator"));
        let (code, _, err) = run_cli(&tdb.url, &["user", "add", "bea@example.org"], Some("short\n"));
        assert_eq!(code, 2);
        assert!(err.contains("password"), "{err}");
        run_cli(&tdb.url, &["user", "add", "bea@example.org"], Some("another long secret\n"));
        let (_, out, _) = run_cli(&tdb.url, &["user", "list", "--json"], None);
        let list: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(list.as_array().unwrap().len(), 2);
        let (code, _, _) = run_cli(&tdb.url, &["user", "reset-password", "bea@example.org"], Some("a brand new secret\n"));
        assert_eq!(code, 0);
        let s = Server::start(&tdb.url);
        let r = client().post(s.url("/api/v1/auth/login")).json(&json!({"email": "bea@example.org", "password": "a brand new secret"})).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200);
        let (code, _, _) = run_cli(&tdb.url, &["user", "delete", "bea@example.org"], None);
        assert_eq!(code, 2, "needs --yes");
        let (code, _, _) = run_cli(&tdb.url, &["user", "delete", "bea@example.org", "--yes"], None);
        assert_eq!(code, 0);
        let (_, out, _) = run_cli(&tdb.url, &["user", "list"], None);
        assert!(!out.contains("bea@"));
    }
}

both_backends! {
    async fn login_pages_work_without_javascript(tdb: &TestDb) {
        let s = Server::start(&tdb.url);
        let c = client();
        let html = c.get(s.url("/signup")).send().await.unwrap().text().await.unwrap();
        let token = csrf_token(&html);
        let r = c.post(s.url("/signup")).form(&[("csrf", token.as_str()), ("email", "ana@example.org"), ("password", "short")]).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 422);
        assert!(r.text().await.unwrap().contains("value=\"ana@example.org\""), "email kept");
        let r = c.post(s.url("/signup")).form(&[("csrf", token.as_str()), ("email", "ana@example.org"), ("password", "a long enough secret"), ("next", "/week")]).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(r.headers()["location"], "/week");
        let html = c.get(s.url("/account")).send().await.unwrap().text().await.unwrap();
        assert!(html.contains("Signed in as"));
        // The form token is bound to the session: the one from before log-in no longer works.
        let r = c.post(s.url("/logout")).form(&[("csrf", token.as_str())]).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 403, "a token from before the session");
        let token = csrf_token(&html);
        // an open redirect is refused
        let r = c.post(s.url("/login")).form(&[("csrf", token.as_str()), ("email", "ana@example.org"), ("password", "a long enough secret"), ("next", "//evil.example")]).send().await.unwrap();
        assert_eq!(r.headers()["location"], "/");
        let html = c.get(s.url("/account")).send().await.unwrap().text().await.unwrap();
        let token = csrf_token(&html);
        let r = c.post(s.url("/logout")).form(&[("csrf", token.as_str())]).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(c.get(s.url("/")).send().await.unwrap().status().as_u16(), 303, "logged out");
        // signed out, the navigation offers only what can be used
        let html = c.get(s.url("/login")).send().await.unwrap().text().await.unwrap();
        assert!(html.contains("href=\"/signup\""));
        for gone in ["href=\"/week\"", "href=\"/journal\"", "href=\"/account\""] {
            assert!(!html.contains(gone), "{gone} shown to nobody");
        }
        // a wrong password reads as a sentence, beside the field and in the summary
        let token = csrf_token(&html);
        let r = c.post(s.url("/login")).form(&[("csrf", token.as_str()), ("email", "ana@example.org"), ("password", "not the secret at all")]).send().await.unwrap();
        assert!(matches!(r.status().as_u16(), 401 | 422), "{}", r.status());
        let html = r.text().await.unwrap();
        assert!(html.contains("Password or email is not right: please try again"), "{html}");
        assert!(!html.contains("This field"), "{html}");
    }
}

both_backends! {
    async fn invite_only_and_closed_sign_up(tdb: &TestDb) {
        let s = Server::start_with(&tdb.url, &["--signup", "invite"]);
        let admin = client();
        assert_eq!(signup(&s, &admin, "ana@example.org").await.status().as_u16(), 201, "the first account needs no invite");
        let r = signup(&s, &client(), "bea@example.org").await;
        assert_eq!(r.status().as_u16(), 403, "no invitation: not allowed here");
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["errors"][0]["field"], "invite");
        let r = client().post(s.url("/api/v1/auth/signup")).json(&json!({"email": "bea@example.org", "password": "a long enough secret", "invite": {}})).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 422, "an invitation code is a string");
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["errors"][0]["field"], "invite");
        let invite: Value = admin.post(s.url("/api/v1/invites")).send().await.unwrap().json().await.unwrap();
        let code = invite["code"].as_str().unwrap().to_string();
        let bea = client();
        let r = bea.post(s.url("/api/v1/auth/signup")).json(&json!({"email": "bea@example.org", "password": "a long enough secret", "invite": code})).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 201);
        let r = client().post(s.url("/api/v1/auth/signup")).json(&json!({"email": "cai@example.org", "password": "a long enough secret", "invite": code})).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 403, "an invite works once");
        assert_eq!(bea.post(s.url("/api/v1/invites")).send().await.unwrap().status().as_u16(), 403, "only an administrator invites");
        drop(s);
        let closed = Server::start_with(&tdb.url, &["--signup", "closed"]);
        assert_eq!(signup(&closed, &client(), "dan@example.org").await.status().as_u16(), 403);
    }
}
