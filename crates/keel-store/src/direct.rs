//! SQLite only: a few connections of the store's own, used synchronously for the questions
//! every request asks (who is this, and at what revision is her data), for the reads behind
//! the plan, the Today page and the journal (`read::read_rows`), and for the check-in save's
//! one transaction.
//!
//! sqlx runs each SQLite statement on a worker thread of its connection and hands every
//! command and every row across threads: about 40 µs of machine time a statement on this
//! project's 2-core machine, several times what SQLite itself spends on a keyed lookup. These
//! connections run the statement where they are asked. A read in WAL mode never waits for a
//! writer, so the lookups run on the request's own thread. So does the save, one transaction
//! on one connection kept for writing, which waits only briefly for the file's write lock.
//! Its commit sometimes checkpoints the WAL into the file (every 1,000 pages, SQLite's
//! default): that runs on the request's thread too, a few milliseconds now and then, while
//! the runtime's other threads go on serving.
//!
//! Whatever goes wrong here (the file cannot be opened, the database is busy or being
//! recovered), the caller falls back to the sqlx path, which reports errors the usual way.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

/// How long a save on the writer connection waits for the file's write lock before it leaves
/// the save to sqlx.
const WRITE_LOCK_WAIT: Duration = Duration::from_millis(2);

/// A small pool of direct connections to one database file. As many are kept open between
/// uses as can be in use at once: one per runtime thread for the reads, and one for the save.
pub(crate) struct Direct {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    keep: usize,
    /// The connection saves use, always the same one. In WAL mode a connection that sees
    /// another connection's commit when its next transaction starts drops its whole page
    /// cache; a connection's own commits leave its cache as it is. With one connection for
    /// all of this process's saves, the pages a save reads (her year of history, the
    /// indexes) stay cached from one save to the next instead of being read from the file
    /// again. Saves queue at the store's write gate first, so this lock is not contended.
    writer: Mutex<Option<Connection>>,
    /// Once closed, connections are dropped as they come back instead of kept.
    closed: AtomicBool,
}

impl std::fmt::Debug for Direct {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Direct").field("path", &self.path).finish()
    }
}

impl Direct {
    /// Direct access to the file at `path`, if it opens; `None` otherwise (an in-memory
    /// database, say), and the store uses sqlx alone.
    pub(crate) fn open(path: &Path) -> Option<Direct> {
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
        let direct = Direct {
            path: path.to_path_buf(),
            idle: Mutex::new(Vec::new()),
            keep: threads,
            writer: Mutex::new(None),
            closed: AtomicBool::new(false),
        };
        let conn = direct.connect().ok()?;
        direct.put(conn);
        Some(direct)
    }

    fn connect(&self) -> rusqlite::Result<Connection> {
        let conn = Connection::open_with_flags(
            &self.path,
            // No mutex in SQLite: the pool hands a connection to one thread at a time.
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        // As the sqlx connections: foreign keys on, NORMAL sync in WAL, deleted content zeroed. A short busy
        // timeout: a read in WAL mode meets a lock only while the file is being recovered,
        // and a caller that meets one falls back to the sqlx path rather than block here.
        conn.execute_batch(
            "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA secure_delete = ON;",
        )?;
        conn.busy_timeout(Duration::from_millis(20))?;
        Ok(conn)
    }

    fn put(&self, conn: Connection) {
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        if idle.len() < self.keep && !self.closed.load(Ordering::Relaxed) {
            idle.push(conn);
        }
    }

    /// Closes the kept connections (the last connection to close checkpoints the WAL into
    /// the file); later uses open and close their own.
    pub(crate) fn close(&self) {
        self.closed.store(true, Ordering::Relaxed);
        self.idle.lock().unwrap_or_else(|e| e.into_inner()).clear();
        self.writer.lock().unwrap_or_else(|e| e.into_inner()).take();
    }

    /// Runs `f`, a write, on the writer connection, on the caller's thread. As
    /// [`Direct::run`], a connection whose work failed is closed, and the next write opens
    /// another.
    ///
    /// The caller is a request on one of the runtime's threads. It waits at most
    /// [`WRITE_LOCK_WAIT`] for the file's write lock (held by another process, or by one of
    /// this process's sqlx writes); past that the save fails here and goes through sqlx, which
    /// waits without holding the thread.
    pub(crate) fn run_write<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> rusqlite::Result<T>,
    ) -> rusqlite::Result<T> {
        let mut writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        let mut conn = match writer.take() {
            Some(c) => c,
            None => {
                let c = self.connect()?;
                c.busy_timeout(WRITE_LOCK_WAIT)?;
                c
            }
        };
        let result = f(&mut conn);
        if result.is_ok() && conn.is_autocommit() && !self.closed.load(Ordering::Relaxed) {
            *writer = Some(conn);
        }
        result
    }

    /// Runs `f` on a connection of the pool. A connection whose work failed is closed rather
    /// than kept, so a transaction left open cannot be handed out again.
    ///
    /// A read goes to the writer connection when no save is using it: that connection's page
    /// cache survives this process's saves, while every other connection drops its whole cache
    /// at the first read after any commit. Under a steady stream of saves the pooled
    /// connections read nearly every page from the file again (the token index, the users,
    /// her days), and the writer's cache already holds them.
    pub(crate) fn run<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> rusqlite::Result<T>,
    ) -> rusqlite::Result<T> {
        if let Ok(mut writer) = self.writer.try_lock()
            && let Some(mut conn) = writer.take()
        {
            let result = f(&mut conn);
            if result.is_ok() && conn.is_autocommit() && !self.closed.load(Ordering::Relaxed) {
                *writer = Some(conn);
            }
            return result;
        }
        let conn = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let mut conn = match conn {
            Some(c) => c,
            None => self.connect()?,
        };
        let result = f(&mut conn);
        if result.is_ok() && conn.is_autocommit() {
            self.put(conn);
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::temp_store;

    /// The SQLite in this binary is built as `.cargo/config.toml` asks: allocations skip the
    /// global statistics mutex, each connection keeps a page cache of its own rather than
    /// one shared behind a process-wide mutex (both were contended under load), and a new
    /// page cache starts empty instead of with one large block (benchmarks.md).
    #[tokio::test]
    async fn sqlite_is_built_without_its_process_wide_mutexes() {
        let (store, dir) = temp_store("compile-options").await;
        let options = store
            .direct
            .as_ref()
            .expect("a file database has direct connections")
            .run(|c| {
                let mut s = c.prepare("PRAGMA compile_options")?;
                let rows = s.query_map([], |r| r.get::<_, String>(0))?;
                rows.collect::<rusqlite::Result<Vec<String>>>()
            })
            .unwrap();
        assert!(
            options.iter().any(|o| o == "DEFAULT_MEMSTATUS=0"),
            "{options:?}"
        );
        assert!(
            !options.iter().any(|o| o == "ENABLE_MEMORY_MANAGEMENT"),
            "{options:?}"
        );
        assert!(
            options.iter().any(|o| o == "DEFAULT_PCACHE_INITSZ=0"),
            "{options:?}"
        );
        store.close().await;
        std::fs::remove_dir_all(dir).unwrap();
    }
}
