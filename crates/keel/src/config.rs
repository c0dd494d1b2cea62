//! Where the database lives: flag, then KEEL_DATABASE_URL, then the user's data directory.

use std::path::PathBuf;

use clap::Args;

#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// Database: a sqlite:// URL or a plain file path [default: keel.db in your data directory]
    #[arg(long = "database", env = "KEEL_DATABASE_URL", value_name = "URL")]
    pub database: Option<String>,
}

impl DatabaseArgs {
    /// The URL or path to open, creating the default data directory when it is used.
    pub fn resolve(&self) -> anyhow::Result<String> {
        if let Some(url) = self.database.as_deref().filter(|u| !u.is_empty()) {
            return Ok(url.to_string());
        }
        let dir = default_data_dir()?;
        std::fs::create_dir_all(&dir).map_err(|e| {
            anyhow::anyhow!("cannot create the data directory {}: {e}", dir.display())
        })?;
        Ok(dir.join("keel.db").to_string_lossy().into_owned())
    }
}

fn default_data_dir() -> anyhow::Result<PathBuf> {
    directories::ProjectDirs::from("", "", "keel")
        .map(|d| d.data_dir().to_path_buf())
        .ok_or_else(|| {
            anyhow::anyhow!(
                "cannot find a home directory; pass --database or set KEEL_DATABASE_URL"
            )
        })
}

/// A database URL fit for a log line: any password is replaced.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_never_reach_the_log() {
        assert_eq!(
            redact("postgres://keel:s3cret@db/keel"),
            "postgres://keel:***@db/keel"
        );
        assert_eq!(redact("postgres://keel@db/keel"), "postgres://keel@db/keel");
        assert_eq!(redact("/home/a/keel.db"), "/home/a/keel.db");
    }
}
