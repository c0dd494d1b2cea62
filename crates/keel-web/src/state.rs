//! What every handler shares: the store, the exercise library, the clock, the settings of
//! this server and its kept views.

use std::sync::Arc;

use chrono::NaiveDate;
use keel_core::Library;
use keel_store::Store;

use crate::{cache, csrf};

pub use keel_app::login::SignupMode;

/// The user's current date; injected so tests can fix it.
pub type Today = Arc<dyn Fn() -> NaiveDate + Send + Sync>;

/// Everything a handler needs, behind one `Arc`: axum clones the state for every request, and
/// one reference count is cheaper than one per field (nine, with the store's). It dereferences
/// to its fields; changing one (while the server is set up) copies them if the state is shared.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// The fields of [`AppState`].
#[derive(Clone)]
pub struct Shared {
    pub store: Store,
    pub library: Arc<Library>,
    today: Today,
    /// Set once any account exists (see `auth`).
    pub(crate) accounts: Arc<std::sync::atomic::AtomicBool>,
    /// Mark cookies Secure (behind TLS).
    pub secure_cookies: bool,
    /// Who may sign up once the first account exists.
    pub signup: SignupMode,
    /// Views worked out from her data, kept while her revision holds (see `cache`).
    pub(crate) views: Arc<cache::ViewCache>,
    /// The server's secret for form tokens (see `csrf`).
    pub(crate) csrf: csrf::Key,
    /// The server's own counts, for `/metrics`.
    pub(crate) metrics: Arc<crate::metrics::Metrics>,
    /// The emergency and urgent-care numbers the pages offer to call.
    pub phones: crate::safety::Phones,
}

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl std::ops::DerefMut for AppState {
    fn deref_mut(&mut self) -> &mut Shared {
        Arc::make_mut(&mut self.0)
    }
}

impl AppState {
    /// The state for a server on `store`; reads (or, the first time, makes) the server's
    /// secrets there.
    pub async fn new(
        store: Store,
        library: Library,
        today: Today,
    ) -> Result<Self, keel_store::StoreError> {
        let csrf = csrf::Key::new(&store.server_secret(csrf::SECRET_NAME).await?);
        Ok(AppState(Arc::new(Shared {
            store,
            library: Arc::new(library),
            today,
            accounts: Arc::new(std::sync::atomic::AtomicBool::new(false)),
            secure_cookies: false,
            signup: SignupMode::Open,
            views: Arc::new(cache::ViewCache::new(cache::DEFAULT_BYTES)),
            csrf,
            metrics: Arc::default(),
            phones: crate::safety::Phones::default(),
        })))
    }

    /// The server's local date, used as the user's until accounts carry a time zone.
    pub fn local_today() -> Today {
        Arc::new(keel_app::clock::local_today)
    }

    pub fn today(&self) -> NaiveDate {
        (self.today)()
    }

    /// Bounds the memory kept views may take, in bytes (0 keeps none); it starts at
    /// [`cache::DEFAULT_BYTES`]. Views already kept are dropped.
    pub fn keep_views(&mut self, max_bytes: u64) {
        self.views = Arc::new(cache::ViewCache::new(max_bytes));
    }

    /// Saves a check-in (the one save, in the store) and counts it and its findings.
    pub async fn record_check_in(
        &self,
        user: keel_store::UserId,
        check_in: &keel_core::CheckIn,
    ) -> Result<keel_store::Saved, keel_store::StoreError> {
        let saved = self.store.record_check_in(user, check_in).await?;
        self.metrics.check_in_saved(&saved.stored.triage);
        Ok(saved)
    }
}
