//! Starts the real `keel` binary on port 0 with a fresh SQLite file, and cleans up after.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A scratch directory removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("keel-it-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }

    pub fn db(&self) -> String {
        self.0.join("keel.db").to_string_lossy().into_owned()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn keel_bin() -> &'static str {
    env!("CARGO_BIN_EXE_keel")
}

/// A running `keel serve`.
pub struct Server {
    pub child: Child,
    pub base: String,
    pub client: reqwest::Client,
}

impl Server {
    pub fn start(database: &str) -> Server {
        Server::start_with(database, &[])
    }

    /// Starts the server with extra `keel serve` flags.
    pub fn start_with(database: &str, flags: &[&str]) -> Server {
        let mut command = Command::new(keel_bin());
        without_keel_settings(&mut command);
        let mut child = command
            .args(["serve", "--addr", "127.0.0.1:0", "--database", database])
            .args(flags)
            .env("KEEL_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start keel serve");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read the address line");
        let base = line
            .trim()
            .strip_prefix("Keel is running at ")
            .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
            .trim_end_matches('/')
            .to_string();
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Server {
            child,
            base,
            client,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn post_json(&self, path: &str, body: &serde_json::Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }

    /// How many views this server served as kept, and how many it worked out (`/metrics`).
    pub async fn view_counts(&self) -> (u64, u64) {
        let text = self.get("/metrics").await.text().await.unwrap();
        let count = |name: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(name)?.trim().parse::<u64>().ok())
                .unwrap_or_else(|| panic!("{name} in {text}"))
        };
        (
            count("keel_views_kept_total"),
            count("keel_views_worked_out_total"),
        )
    }

    /// SIGKILL: no chance to flush or clean up.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Whether the tests run under CI, where a missing browser, PostgreSQL or PDF reader is a
/// failure rather than a skip: any non-empty `CI` other than "false" and "0" (CI systems set
/// `CI=true`, `CI=1` or their own name).
pub fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| {
        let v = v.trim();
        !v.is_empty() && !v.eq_ignore_ascii_case("false") && v != "0"
    })
}

/// Clears every `KEEL_*` setting this test process inherited, so that a stray one (say
/// `KEEL_VIEW_CACHE_MB=0`, which would make the cache comparisons pass trivially) cannot
/// change what a test runs, and pins the date to [`TODAY`].
pub fn without_keel_settings(command: &mut Command) {
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("KEEL_") {
            command.env_remove(name);
        }
    }
    command.env("KEEL_TODAY", TODAY);
}

/// Runs the CLI against a database, with optional stdin, returning (code, stdout, stderr).
pub fn run_cli(database: &str, args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    use std::io::Write;
    let mut command = Command::new(keel_bin());
    without_keel_settings(&mut command);
    let mut child = command
        .args(args)
        .env("KEEL_DATABASE_URL", database)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run keel");
    {
        let mut input = child.stdin.take().expect("stdin");
        if let Some(s) = stdin {
            input.write_all(s.as_bytes()).expect("write stdin");
        }
    }
    let out = child.wait_with_output().expect("wait");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A client of its own, as a second browser: it keeps its cookies and does not follow
/// redirects.
pub fn cookie_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The day every test runs on: the binary is started with it as `KEEL_TODAY`, so that a run
/// across midnight sees one date. A Wednesday, with two years of history behind it.
pub const TODAY: &str = "2026-11-25";

pub fn today_date() -> chrono::NaiveDate {
    TODAY.parse().unwrap()
}

pub fn today() -> String {
    TODAY.to_string()
}

pub fn days_ago(n: i64) -> String {
    (today_date() - chrono::Duration::days(n)).to_string()
}

/// A fresh database for one test: a SQLite file, or a PostgreSQL database of its own.
pub struct TestDb {
    pub url: String,
    /// Scratch space for the test (a browser profile, files to import).
    #[allow(dead_code)]
    pub dir: TempDir,
    pg: Option<(String, String)>,
}

static PG_COUNTER: AtomicUsize = AtomicUsize::new(0);

impl TestDb {
    pub fn sqlite(tag: &str) -> TestDb {
        let dir = TempDir::new(tag);
        TestDb {
            url: dir.db(),
            dir,
            pg: None,
        }
    }

    /// A new database on the server named by KEEL_TEST_POSTGRES_URL. Without it the test is
    /// skipped locally, and fails under CI=true.
    pub async fn postgres(tag: &str) -> Option<TestDb> {
        let Ok(base) = std::env::var("KEEL_TEST_POSTGRES_URL") else {
            if under_ci() {
                panic!("KEEL_TEST_POSTGRES_URL must be set under CI=true");
            }
            eprintln!("SKIPPED PostgreSQL run of {tag}: KEEL_TEST_POSTGRES_URL is not set");
            return None;
        };
        use sqlx::Connection;
        let n = PG_COUNTER.fetch_add(1, Ordering::SeqCst);
        let name = format!("keel_it_{}_{n}", std::process::id());
        let mut admin = sqlx::PgConnection::connect(&base)
            .await
            .expect("PostgreSQL reachable at KEEL_TEST_POSTGRES_URL");
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
            .execute(&mut admin)
            .await
            .unwrap();
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .unwrap();
        admin.close().await.ok();
        let (prefix, _) = base.rsplit_once('/').expect("a database URL");
        let url = format!("{prefix}/{name}");
        Some(TestDb {
            url,
            dir: TempDir::new(tag),
            pg: Some((base, name)),
        })
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((base, name)) = self.pg.take() {
            // Drop runs outside any runtime guarantee, so use a small one on its own thread.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .ok()?;
                rt.block_on(async move {
                    use sqlx::Connection;
                    let mut admin = sqlx::PgConnection::connect(&base).await.ok()?;
                    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(&mut admin)
                        .await
                        .ok()?;
                    Some(())
                })
            })
            .join();
        }
    }
}

/// Runs one test body against SQLite and, when configured, against PostgreSQL: one
/// parameterised suite, not a copy.
macro_rules! both_backends {
    ($(#[$meta:meta])* async fn $name:ident($db:ident: &TestDb) $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            $(#[$meta])*
            async fn run($db: &crate::helpers::TestDb) $body

            #[tokio::test]
            async fn sqlite() {
                let db = crate::helpers::TestDb::sqlite(stringify!($name));
                run(&db).await
            }

            #[tokio::test]
            async fn postgres() {
                if let Some(db) = crate::helpers::TestDb::postgres(stringify!($name)).await {
                    run(&db).await
                }
            }
        }
    };
}
pub(crate) use both_backends;

/// The CSRF tokens in a page's forms, in order.
pub fn csrf_tokens(html: &str) -> Vec<String> {
    let marker = r#"name="csrf" value=""#;
    html.match_indices(marker)
        .map(|(at, _)| {
            let rest = &html[at + marker.len()..];
            rest[..rest.find('"').expect("the token's closing quote")].to_string()
        })
        .collect()
}

/// The CSRF token of a page's first form.
pub fn csrf_token(html: &str) -> String {
    csrf_tokens(html)
        .into_iter()
        .next()
        .expect("a form with a CSRF field")
}
