//! Keel's persistence: one `Store` over SQLite (the embedded default), migrations included.
#![forbid(unsafe_code)]

mod accounts;
mod activity;
mod bone;
mod checkins;
mod cycle;
mod desk;
mod error;
mod export;
mod questionnaires;
mod read;
mod record;
mod safety;
mod seed;

use std::str::FromStr;
use std::sync::{Arc, Once};
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
use sqlx::{AnyConnection, AnyPool, ConnectOptions, Connection, Executor, TransactionManager};

pub use accounts::{Account, ApiToken, AuditEvent};
pub use bone::BoneRecord;
pub use checkins::{Saved, StoredCheckIn};
pub use desk::{BreakTaken, PostureBalance};
pub use error::StoreError;
pub use export::{PostureEntry, UserData};
pub use questionnaires::Response;
pub use record::{PlanInputs, PlanRecord, TodayInputs};
pub use safety::Acknowledgement;

/// How a local date and time is written in the database and in exports: to the second, and
/// with the fraction when there is one (`2026-11-24T10:15:00`, `2026-11-24T10:15:00.250113`).
/// Text in this form sorts in time order.
pub const MOMENT_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.f";

/// A moment written as [`MOMENT_FORMAT`] says.
pub fn moment_text(at: chrono::NaiveDateTime) -> String {
    at.format(MOMENT_FORMAT).to_string()
}

/// A moment cut to the microsecond, the finest the database keeps.
pub fn to_microsecond(at: chrono::NaiveDateTime) -> chrono::NaiveDateTime {
    use chrono::Timelike;
    at.with_nanosecond(at.nanosecond() / 1_000 * 1_000)
        .unwrap_or(at)
}

/// Whose data a query touches. Every repository method takes one first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UserId(pub i64);

/// The single local user that owns data before accounts exist.
pub const LOCAL_USER: UserId = UserId(1);

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Which database a store talks to. The SQL is shared; only locking and migrations differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A handle on the database; cheap to clone.
#[derive(Clone)]
pub struct Store {
    db: Db,
    backend: Backend,
    /// PostgreSQL's own connection options, for what the `Any` driver cannot do (COPY).
    pg: Option<sqlx::postgres::PgConnectOptions>,
    /// This process's writers queue here, in order, before they take a connection: on SQLite
    /// one gate for the database's single write lock, on PostgreSQL one per stripe of users
    /// for the user's advisory lock.
    write_gates: Arc<[Arc<tokio::sync::Mutex<()>>]>,
    /// SQLite files only: this process's shared hold on the file (see [`restore_sqlite`]).
    _in_use: Option<Arc<std::fs::File>>,
}

/// Stripes of users for PostgreSQL's in-process write gates: two users share a gate one time
/// in this many, and then only take turns within this process.
const PG_WRITE_STRIPES: usize = 64;

fn gates(n: usize) -> Arc<[Arc<tokio::sync::Mutex<()>>]> {
    (0..n)
        .map(|_| Arc::new(tokio::sync::Mutex::new(())))
        .collect()
}

/// The connections of a store: sqlx's pool for PostgreSQL; for SQLite, connections of the
/// same driver in a pool that hands them back without a word to the database.
///
/// sqlx's pool pings every connection as it comes back (a round trip to the server, which
/// finds a PostgreSQL connection that a cancelled query left with an unread answer). On
/// SQLite that ping is a hand-off to the connection's thread and back, as dear as the query it
/// follows, for nothing: an embedded database cannot drop a connection, and a SQLite
/// connection's commands run in the order they were sent, each with its own answer channel,
/// so a cancelled query leaves nothing for the next one. What it can leave is a transaction
/// still open, and [`SqliteConnections::recycle`] refuses a connection in one.
#[derive(Clone)]
enum Db {
    Sqlite(deadpool::managed::Pool<SqliteConnections>),
    Postgres(AnyPool),
}

/// How the SQLite pool opens and checks its connections.
struct SqliteConnections {
    options: AnyConnectOptions,
}

impl deadpool::managed::Manager for SqliteConnections {
    type Type = AnyConnection;
    type Error = sqlx::Error;

    async fn create(&self) -> Result<AnyConnection, sqlx::Error> {
        let mut conn = AnyConnection::connect_with(&self.options).await?;
        // NORMAL sync is durable against process crashes, the failure a local app meets; the
        // busy timeout lets the CLI and the server share the file. secure_delete overwrites
        // what a deletion frees with zeros, so that a deleted account's notes and email do
        // not linger in free pages.
        conn.execute("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000; PRAGMA secure_delete = ON;")
            .await?;
        Ok(conn)
    }

    async fn recycle(
        &self,
        conn: &mut AnyConnection,
        _: &deadpool::managed::Metrics,
    ) -> deadpool::managed::RecycleResult<sqlx::Error> {
        // A request cancelled at the wrong moment (a client that hangs up mid-write) can leave
        // a connection inside a transaction: closed instead of handed out, it rolls back and
        // releases its locks.
        if conn.is_in_transaction() {
            tracing::warn!("closing a pooled connection left inside a transaction");
            return Err(deadpool::managed::RecycleError::message(
                "left inside a transaction",
            ));
        }
        Ok(())
    }
}

/// A connection taken from the store's pool, given back when dropped.
pub(crate) enum Conn {
    Sqlite(deadpool::managed::Object<SqliteConnections>),
    Postgres(sqlx::pool::PoolConnection<sqlx::Any>),
}

impl std::ops::Deref for Conn {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        match self {
            Conn::Sqlite(c) => c,
            Conn::Postgres(c) => c,
        }
    }
}

impl std::ops::DerefMut for Conn {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        match self {
            Conn::Sqlite(c) => c,
            Conn::Postgres(c) => c,
        }
    }
}

/// How long a request waits for a free connection before it fails.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

/// A transaction begun on a connection (see [`Store::begin`]); it dereferences to the
/// connection, and dropped without `commit`, it rolls back.
pub(crate) struct OpenTx {
    conn: Conn,
    open: bool,
}

impl OpenTx {
    pub(crate) async fn commit(mut self) -> Result<(), sqlx::Error> {
        <sqlx::Any as sqlx::Database>::TransactionManager::commit(&mut self.conn).await?;
        self.open = false;
        Ok(())
    }
}

impl Drop for OpenTx {
    fn drop(&mut self) {
        if self.open {
            // Queued on the connection, run before anything else it is asked.
            <sqlx::Any as sqlx::Database>::TransactionManager::start_rollback(&mut self.conn);
        }
    }
}

impl std::ops::Deref for OpenTx {
    type Target = AnyConnection;
    fn deref(&self) -> &Self::Target {
        &self.conn
    }
}

impl std::ops::DerefMut for OpenTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.conn
    }
}

/// A write transaction that holds the user's write lock (see [`Store::begin_write`]).
/// It dereferences to the connection; dropped without `commit`, it rolls back.
pub(crate) struct WriteTx {
    // Declared first, so dropped first: the rollback is queued before the gate opens.
    tx: OpenTx,
    _gate: tokio::sync::OwnedMutexGuard<()>,
}

impl WriteTx {
    pub(crate) async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

impl std::ops::Deref for WriteTx {
    type Target = AnyConnection;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

impl std::fmt::Debug for Store {
    // The connection options hold the password: only the backend is shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (creating if needed) the database at `url`, a `sqlite://` URL, a plain file path
    /// or a `postgres://` URL, and applies pending migrations.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        let store = Store::connect(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Opens without migrating.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        static DRIVERS: Once = Once::new();
        DRIVERS.call_once(sqlx::any::install_default_drivers);
        let config = |e: sqlx::Error| StoreError::Config(e.to_string());
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = AnyConnectOptions::from_str(url).map_err(config)?;
            let pg = sqlx::postgres::PgConnectOptions::from_str(url).map_err(config)?;
            let pool = AnyPoolOptions::new()
                .before_acquire(not_in_transaction)
                // No ping before each use (a round trip to the server per query): a
                // connection the server dropped fails its next query and leaves the pool.
                .test_before_acquire(false)
                .max_connections(16)
                .acquire_timeout(ACQUIRE_TIMEOUT)
                .connect_with(options)
                .await?;
            return Ok(Store {
                db: Db::Postgres(pool),
                backend: Backend::Postgres,
                pg: Some(pg),
                write_gates: gates(PG_WRITE_STRIPES),
                _in_use: None,
            });
        }
        let sqlite = if url.starts_with("sqlite:") {
            SqliteConnectOptions::from_str(url).map_err(config)?
        } else {
            SqliteConnectOptions::new().filename(url)
        };
        let file = sqlite.get_filename().to_path_buf();
        let in_use = if file == std::path::Path::new(":memory:") {
            None
        } else {
            Some(Arc::new(hold_in_use(&file)?))
        };
        // Create the file and switch it to WAL once (the journal mode is stored in the file):
        // WAL keeps every committed transaction across a killed process.
        let first = sqlite
            .clone()
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .connect()
            .await?;
        first.close().await?;
        let options = AnyConnectOptions::from_url(&sqlite.to_url_lossy()).map_err(config)?;
        let pool = deadpool::managed::Pool::builder(SqliteConnections { options })
            .max_size(4)
            // The connection used last first: its page cache is the warmest, and after its
            // own write the only one still valid.
            .queue_mode(deadpool::managed::QueueMode::Lifo)
            .wait_timeout(Some(ACQUIRE_TIMEOUT))
            .runtime(deadpool::Runtime::Tokio1)
            .build()
            .map_err(|e| StoreError::Config(e.to_string()))?;
        Ok(Store {
            db: Db::Sqlite(pool),
            backend: Backend::Sqlite,
            pg: None,
            write_gates: gates(1),
            _in_use: in_use,
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The pool's connections: open, and of those idle (for `/metrics`).
    pub fn pool_connections(&self) -> (u32, usize) {
        match &self.db {
            Db::Sqlite(pool) => {
                let status = pool.status();
                (status.size as u32, status.available)
            }
            Db::Postgres(pool) => (pool.size(), pool.num_idle()),
        }
    }

    /// A connection from the pool, waiting while all are in use (at most [`ACQUIRE_TIMEOUT`]).
    pub(crate) async fn conn(&self) -> Result<Conn, StoreError> {
        match &self.db {
            Db::Sqlite(pool) => pool.get().await.map(Conn::Sqlite).map_err(|e| match e {
                deadpool::managed::PoolError::Backend(e) => StoreError::from(e),
                deadpool::managed::PoolError::Timeout(_) => {
                    StoreError::Database(sqlx::Error::PoolTimedOut)
                }
                deadpool::managed::PoolError::Closed => {
                    StoreError::Database(sqlx::Error::PoolClosed)
                }
                other => StoreError::Other(other.to_string()),
            }),
            Db::Postgres(pool) => Ok(Conn::Postgres(pool.acquire().await?)),
        }
    }

    pub async fn migrate(&self) -> Result<(), StoreError> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        let mut conn = self.conn().await?;
        migrator
            .run(&mut *conn)
            .await
            .map_err(StoreError::Migration)
    }

    /// Starts a write transaction that holds the user's write lock, so that two writers for
    /// one user (two processes, or two servers on PostgreSQL) take turns: SQLite takes the
    /// database write lock at once (IMMEDIATE), PostgreSQL a transaction-scoped advisory lock
    /// keyed by the user.
    ///
    /// This process's writers first queue in order on an in-process gate, without holding a
    /// connection. On SQLite, the database's own wait for a busy lock is a sleep of growing
    /// length, which let concurrent saves take up to a second and more; on PostgreSQL, writers
    /// waiting for one user's lock held pooled connections that reads then waited for. Other
    /// processes (the CLI, other servers) still meet the database's own lock.
    pub(crate) async fn begin_write(&self, user: UserId) -> Result<WriteTx, StoreError> {
        let gate = self.write_gate(user).await;
        let statement = match self.backend {
            Backend::Sqlite => "BEGIN IMMEDIATE".to_string(),
            // One round trip: BEGIN and the lock go as one simple query. The user id is an
            // integer, so formatting it into the text is safe. COUNT gives a plain integer
            // column: the lock function itself returns `void`.
            Backend::Postgres => format!(
                "BEGIN; SELECT COUNT(*) FROM (SELECT pg_advisory_xact_lock({})) AS l",
                user.0
            ),
        };
        let tx = self.begin_with(statement).await?;
        Ok(WriteTx { tx, _gate: gate })
    }

    /// Starts a transaction without the user's write lock (a bulk load).
    pub(crate) async fn begin(&self) -> Result<OpenTx, StoreError> {
        self.begin_with("BEGIN".to_string()).await
    }

    async fn begin_with(&self, statement: String) -> Result<OpenTx, StoreError> {
        // The BEGIN runs on a task of its own, so that it always finishes. Cancelled half-way
        // (a client that hangs up while the lock is awaited), sqlx 0.8 can leave a session
        // inside a transaction it does not count, holding the lock, and hand it out again.
        // On its own task, a transaction that nobody awaits any more is dropped there, and
        // [`OpenTx`] rolls it back.
        let store = self.clone();
        tokio::spawn(async move {
            let mut conn = store.conn().await?;
            <sqlx::Any as sqlx::Database>::TransactionManager::begin(
                &mut conn,
                Some(statement.into()),
            )
            .await?;
            Ok(OpenTx { conn, open: true })
        })
        .await
        .map_err(|e| StoreError::Other(format!("the write could not start: {e}")))?
    }

    /// Waits for this process's write gate of the user (see [`Store::begin_write`]).
    pub(crate) async fn write_gate(&self, user: UserId) -> tokio::sync::OwnedMutexGuard<()> {
        let stripe = user.0.rem_euclid(self.write_gates.len() as i64) as usize;
        self.write_gates[stripe].clone().lock_owned().await
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1")
            .execute(&mut *self.conn().await?)
            .await?;
        Ok(())
    }

    pub async fn close(&self) {
        match &self.db {
            Db::Sqlite(pool) => {
                // Each idle connection is closed here, so that its file is closed when this
                // returns; one in use is dropped as it comes back to the closed pool, and its
                // thread closes it.
                let idle = pool.retain(|_, _| false).removed;
                pool.close();
                for conn in idle {
                    conn.close().await.ok();
                }
            }
            Db::Postgres(pool) => {
                pool.close().await;
                // sqlx 0.8 can miss a connection that was on its way back to the pool when
                // `close` began (its return runs as a task of its own): the connection then
                // sits idle in the closed pool. Closing again closes it; a few rounds at most.
                for _ in 0..100 {
                    if pool.size() == 0 {
                        break;
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(1)).await;
                    pool.close().await;
                }
            }
        }
    }
}

/// Refuses a pooled connection that is still inside a transaction, so that the pool closes it
/// (which rolls the transaction back and releases its locks) instead of handing it out.
/// A request cancelled at the wrong moment (a client that hangs up mid-write) has been seen to
/// leave a connection that way under load; handed out again, it made every later write fail.
fn not_in_transaction(
    conn: &mut sqlx::AnyConnection,
    _: sqlx::pool::PoolConnectionMetadata,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<bool, sqlx::Error>> + Send + '_>> {
    let idle = !conn.is_in_transaction();
    if !idle {
        tracing::warn!("closing a pooled connection left inside a transaction");
    }
    Box::pin(std::future::ready(Ok(idle)))
}

impl Store {
    /// A consistent copy of a SQLite database while it is in use (`VACUUM INTO`).
    pub async fn backup_to(&self, path: &std::path::Path) -> Result<(), StoreError> {
        if self.backend != Backend::Sqlite {
            return Err(StoreError::Config(
                "backups of PostgreSQL are made with pg_dump".into(),
            ));
        }
        if path.exists() {
            return Err(StoreError::Conflict(format!(
                "{} already exists",
                path.display()
            )));
        }
        sqlx::query("VACUUM INTO $1")
            .bind(path.to_string_lossy().into_owned())
            .execute(&mut *self.conn().await?)
            .await?;
        Ok(())
    }
}

/// The file beside a SQLite database that says it is in use: every process with the database
/// open holds a shared lock on it for as long as it has the store, and a restore takes it
/// alone. (Not the database file itself: closing any other handle on that file would drop
/// SQLite's own locks in this process.)
fn in_use_path(db: &std::path::Path) -> std::path::PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".in-use");
    std::path::PathBuf::from(name)
}

/// Takes this process's shared hold on a SQLite database, waiting while a restore replaces it.
fn hold_in_use(db: &std::path::Path) -> Result<std::fs::File, StoreError> {
    let path = in_use_path(db);
    let io = |e: std::io::Error| StoreError::Config(format!("{}: {e}", path.display()));
    if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io)?;
    file.lock_shared().map_err(io)?;
    Ok(file)
}

/// Puts a verified backup in place of the SQLite database at `target`, refusing while any
/// other process (a running server, a command) has it open: writes it acknowledged after the
/// copy would be lost at its next restart. Returns the backup's number of check-ins.
pub async fn restore_sqlite(
    backup: &std::path::Path,
    target: &std::path::Path,
) -> Result<u64, StoreError> {
    let check_ins = verify_backup(backup).await?;
    let path = in_use_path(target);
    let io = |source: std::io::Error| StoreError::File {
        what: path.display().to_string(),
        source,
    };
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io)?;
    match lock.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            return Err(StoreError::Conflict(format!(
                "{} is open in another process (a running `keel serve`?): stop it, then restore",
                target.display()
            )));
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
    }
    let staging = target.with_extension("restoring");
    let copy_error = |source: std::io::Error| StoreError::File {
        what: "cannot put the backup in place".into(),
        source,
    };
    std::fs::copy(backup, &staging).map_err(copy_error)?;
    for suffix in ["-wal", "-shm"] {
        let mut side = target.as_os_str().to_owned();
        side.push(suffix);
        let _ = std::fs::remove_file(std::path::PathBuf::from(side));
    }
    std::fs::rename(&staging, target).map_err(copy_error)?;
    drop(lock);
    Ok(check_ins)
}

/// Checks that a file is a healthy Keel SQLite database: it opens read-only, passes
/// `PRAGMA integrity_check`, and has Keel's migrations and check-ins.
pub async fn verify_backup(path: &std::path::Path) -> Result<u64, StoreError> {
    let options = SqliteConnectOptions::new().filename(path).read_only(true);
    let mut conn = options
        .connect()
        .await
        .map_err(|e| StoreError::Corrupt(format!("not a SQLite database: {e}")))?;
    let check: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    if check != "ok" {
        return Err(StoreError::Corrupt(format!(
            "integrity check failed: {check}"
        )));
    }
    let migrations: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success")
        .fetch_one(&mut conn)
        .await
        .map_err(|_| StoreError::Corrupt("not a Keel database (no migrations table)".into()))?;
    let check_ins: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM checkins")
        .fetch_one(&mut conn)
        .await
        .map_err(|_| StoreError::Corrupt("not a Keel database (no check-ins table)".into()))?;
    conn.close().await.ok();
    if migrations == 0 {
        return Err(StoreError::Corrupt(
            "not a Keel database (no migrations applied)".into(),
        ));
    }
    Ok(check_ins as u64)
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::Store;

    /// A date written YYYY-MM-DD.
    pub fn day(s: &str) -> chrono::NaiveDate {
        s.parse().unwrap()
    }

    /// A store on a fresh file of its own, and the directory to remove.
    pub async fn temp_store(name: &str) -> (Store, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!("keel-store-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("keel.db");
        (Store::open(path.to_str().unwrap()).await.unwrap(), dir)
    }

    /// Adds a bare user row (no account), as a second user beside the local one.
    pub async fn add_user(store: &Store, id: i64) {
        sqlx::query("INSERT INTO users (id, name, created_at) VALUES ($1, $2, 'x')")
            .bind(id)
            .bind(format!("user-{id}"))
            .execute(&mut *store.conn().await.unwrap())
            .await
            .unwrap();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{day, temp_store};

    fn check_in(date: &str) -> keel_core::CheckIn {
        let body = serde_json::json!({"date": date, "pain": 3, "sleep": 7, "energy": 6});
        keel_core::CheckIn::parse(&body, day("2026-12-31")).unwrap()
    }

    /// All of the pool's connections at once: none may be inside a transaction.
    async fn assert_no_connection_in_a_transaction(store: &Store) {
        let mut held = Vec::new();
        for _ in 0..4 {
            held.push(store.conn().await.unwrap());
        }
        assert!(held.iter().all(|c| !c.is_in_transaction()));
    }

    #[tokio::test]
    async fn a_write_dropped_before_its_commit_is_undone_and_leaves_no_lock() {
        let (store, dir) = temp_store("dropped-write").await;
        {
            let mut tx = store.begin_write(LOCAL_USER).await.unwrap();
            sqlx::query("INSERT INTO users (id, name, created_at) VALUES (7, 'x', 'x')")
                .execute(&mut *tx)
                .await
                .unwrap();
        }
        assert_no_connection_in_a_transaction(&store).await;
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE id = 7")
            .fetch_one(&mut *store.conn().await.unwrap())
            .await
            .unwrap();
        assert_eq!(n, 0, "the dropped write is rolled back");
        // Had the transaction stayed open, it would hold SQLite's write lock and this would
        // wait out the busy timeout and fail.
        store
            .record_check_in(LOCAL_USER, &check_in("2026-11-20"))
            .await
            .unwrap();
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test]
    async fn saves_cancelled_at_any_point_leave_the_store_as_good_as_new() {
        let (store, dir) = temp_store("cancelled-saves").await;
        // A client that hangs up: the save's future is dropped wherever it has got to.
        let c = check_in("2026-11-21");
        for i in 0..60u64 {
            let save = store.record_check_in(LOCAL_USER, &c);
            let _ = tokio::time::timeout(Duration::from_micros(i * 20), save).await;
        }
        assert_no_connection_in_a_transaction(&store).await;
        let saved = store
            .record_check_in(LOCAL_USER, &check_in("2026-11-22"))
            .await
            .unwrap();
        assert!(!saved.replaced);
        let d = day("2026-11-22");
        assert_eq!(store.check_ins(LOCAL_USER, d, d).await.unwrap().len(), 1);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
