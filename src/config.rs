//! How the report is set up: demo or HTTP mode, the API's address and credentials. Read from a
//! JSON file beside `index.html` (`config.json`) and from the mount element's data attributes,
//! which win over the file. Nothing here needs a rebuild to change.

use std::fmt;

use serde::Deserialize;

use crate::model::demo::{DEFAULT_SEED, DEFAULT_SIZE, MAX_SIZE, MIN_SIZE};

/// Where the entries come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Generated in the browser; nothing leaves the page.
    Demo,
    /// A backend implementing docs/api.md.
    Http,
}

impl Default for Mode {
    /// The demo, unless this build has no demo (`--no-default-features --features http`).
    fn default() -> Self {
        if cfg!(feature = "demo") {
            Mode::Demo
        } else {
            Mode::Http
        }
    }
}

impl Mode {
    pub const ALL: [Mode; 2] = [Mode::Demo, Mode::Http];

    /// Whether this build has the mode's data source (the `demo` and `http` features).
    pub fn built_in(self) -> bool {
        match self {
            Mode::Demo => cfg!(feature = "demo"),
            Mode::Http => cfg!(feature = "http"),
        }
    }

    /// How configuration spells it (`config.json`, `data-mode`).
    pub fn key(self) -> &'static str {
        match self {
            Mode::Demo => "demo",
            Mode::Http => "http",
        }
    }
}

/// Whether the browser sends cookies with API requests (the Fetch API's `credentials`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Credentials {
    Omit,
    /// Cookies to the page's own origin only (the browser's default).
    #[default]
    SameOrigin,
    /// Cookies to another origin too (needs CORS with credentials on the server).
    Include,
}

/// The colour scheme of one report.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    /// Follows the browser's `prefers-color-scheme`.
    #[default]
    Auto,
    Light,
    Dark,
}

impl Theme {
    pub fn key(self) -> &'static str {
        match self {
            Theme::Auto => "auto",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

/// What a host page passes to `mount(element, options)` (and to `handle.update(options)`):
/// the configuration keys in camelCase, plus what only an embedded report has. Every key is
/// optional; unknown keys are an error.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MountOptions {
    pub mode: Option<Mode>,
    pub api_base: Option<String>,
    pub token: Option<String>,
    pub credentials: Option<Credentials>,
    pub timeout_seconds: Option<u32>,
    pub demo_size: Option<usize>,
    pub demo_seed: Option<u64>,
    pub auto_refresh: Option<bool>,
    pub refresh_seconds: Option<u32>,
    pub theme: Option<Theme>,
    /// The initial view, as the query string of a shared link (`status=Failed&days=7`).
    pub filters: Option<String>,
    /// Mirror the view in the page URL under keys with this prefix (off unless given).
    pub url_prefix: Option<String>,
}

impl MountOptions {
    /// Parses the options object (as JSON), naming the key that is wrong.
    pub fn parse(json: &str) -> Result<MountOptions, ConfigError> {
        crate::json_path::from_str(json).map_err(|e| ConfigError::Value {
            key: e.path_or("(options)"),
            reason: e.error.to_string(),
        })
    }

    /// Later options win, key by key.
    pub fn merge(&mut self, later: MountOptions) {
        macro_rules! take {
            ($($f:ident),*) => { $( if later.$f.is_some() { self.$f = later.$f; } )* };
        }
        take!(
            mode,
            api_base,
            token,
            credentials,
            timeout_seconds,
            demo_size,
            demo_seed,
            auto_refresh,
            refresh_seconds,
            theme,
            filters,
            url_prefix
        );
    }

    /// Whether going from `self` to `next` needs a new data source (not just a new look).
    pub fn changes_source(&self, next: &MountOptions) -> bool {
        (
            &self.mode,
            &self.api_base,
            &self.token,
            &self.credentials,
            &self.timeout_seconds,
            &self.demo_size,
            &self.demo_seed,
            (&self.auto_refresh, &self.refresh_seconds),
        ) != (
            &next.mode,
            &next.api_base,
            &next.token,
            &next.credentials,
            &next.timeout_seconds,
            &next.demo_size,
            &next.demo_seed,
            (&next.auto_refresh, &next.refresh_seconds),
        )
    }
}

/// The whole configuration.
#[derive(Clone, PartialEq, Eq)]
pub struct Config {
    pub mode: Mode,
    pub demo_size: usize,
    pub demo_seed: u64,
    /// Pins the demo's clock at start-up (the data is generated relative to it; time then runs
    /// on from there): the same seed, size and clock give the same entries, for reproducible
    /// screenshots and the benchmark harness.
    pub demo_now: Option<chrono::DateTime<chrono::Utc>>,
    /// Where the API lives, e.g. `/api` or `https://reports.example.com/v1`.
    pub api_base: String,
    /// Sent as `Authorization: Bearer …`; never put in a URL, a CSV or a log.
    pub token: Option<String>,
    pub credentials: Credentials,
    /// Per request, 1 to 300.
    pub timeout_seconds: u32,
    /// Whether "Auto-refresh" starts on (off on the standalone page).
    pub auto_refresh: bool,
    /// How often auto-refresh asks for changes: 5 to 3,600 seconds.
    pub refresh_seconds: u32,
}

/// The shortest auto-refresh interval: a backend is never asked more often.
pub const MIN_REFRESH_SECONDS: u32 = 5;

impl Default for Config {
    fn default() -> Self {
        Config {
            mode: Mode::Demo,
            demo_size: DEFAULT_SIZE,
            demo_seed: DEFAULT_SEED,
            demo_now: None,
            api_base: "/api".into(),
            token: None,
            credentials: Credentials::SameOrigin,
            timeout_seconds: 20,
            auto_refresh: false,
            refresh_seconds: 15,
        }
    }
}

/// Debug output never shows the token.
impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("mode", &self.mode)
            .field("demo_size", &self.demo_size)
            .field("demo_seed", &self.demo_seed)
            .field("demo_now", &self.demo_now)
            .field("api_base", &self.api_base)
            .field("token", &self.token.as_ref().map(|_| "(set, hidden)"))
            .field("credentials", &self.credentials)
            .field("timeout_seconds", &self.timeout_seconds)
            .field("auto_refresh", &self.auto_refresh)
            .field("refresh_seconds", &self.refresh_seconds)
            .finish()
    }
}

/// `config.json`. Every key is optional; unknown keys are an error (a typo must not be silently
/// ignored).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    pub mode: Option<Mode>,
    pub demo_size: Option<usize>,
    pub demo_seed: Option<u64>,
    /// RFC 3339, e.g. `"2026-11-27T12:00:00Z"`.
    #[serde(
        default,
        deserialize_with = "crate::wire::lenient::opt_lenient_datetime"
    )]
    pub demo_now: Option<chrono::DateTime<chrono::Utc>>,
    pub api_base: Option<String>,
    pub token: Option<String>,
    pub credentials: Option<Credentials>,
    pub timeout_seconds: Option<u32>,
    pub auto_refresh: Option<bool>,
    pub refresh_seconds: Option<u32>,
}

/// A configuration that cannot be used, said so that whoever deployed it can fix it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("The configuration file could not be read: field `{field}`: {message}")]
    File { field: String, message: String },
    #[error("The configuration value {key} is not usable: {reason}")]
    Value { key: String, reason: String },
}

/// The data attributes read from the mount element.
pub const ATTRIBUTES: [&str; 9] = [
    "data-mode",
    "data-demo-size",
    "data-demo-seed",
    "data-api-base",
    "data-api-token",
    "data-api-credentials",
    "data-timeout-seconds",
    "data-auto-refresh",
    "data-refresh-seconds",
];

fn bad(key: &str, reason: impl Into<String>) -> ConfigError {
    ConfigError::Value {
        key: key.into(),
        reason: reason.into(),
    }
}

impl ConfigFile {
    /// Parses `config.json`, naming the field that is wrong.
    pub fn parse(text: &str) -> Result<ConfigFile, ConfigError> {
        crate::json_path::from_str(text).map_err(|e| ConfigError::File {
            field: e.path_or("(root)"),
            message: e.error.to_string(),
        })
    }
}

impl Config {
    /// Applies a config file over the current values.
    pub fn apply_file(&mut self, f: ConfigFile) -> Result<(), ConfigError> {
        if let Some(m) = f.mode {
            self.mode = m;
        }
        if let Some(n) = f.demo_size {
            self.demo_size = n.clamp(MIN_SIZE, MAX_SIZE);
        }
        if let Some(s) = f.demo_seed {
            self.demo_seed = s;
        }
        if let Some(t) = f.demo_now {
            self.demo_now = Some(t);
        }
        if let Some(b) = f.api_base {
            self.api_base = b;
        }
        if let Some(t) = f.token {
            self.token = (!t.trim().is_empty()).then(|| t.trim().to_string());
        }
        if let Some(c) = f.credentials {
            self.credentials = c;
        }
        if let Some(t) = f.timeout_seconds {
            self.timeout_seconds = t;
        }
        if let Some(a) = f.auto_refresh {
            self.auto_refresh = a;
        }
        if let Some(r) = f.refresh_seconds {
            self.refresh_seconds = r;
        }
        self.validate()
    }

    /// Applies the mount element's data attributes over the current values. A value that
    /// cannot be used is an error naming the attribute (never silently ignored).
    pub fn apply_attributes(
        &mut self,
        get: impl Fn(&str) -> Option<String>,
    ) -> Result<(), ConfigError> {
        if let Some(v) = get("data-mode") {
            let v = v.trim().to_ascii_lowercase();
            self.mode = Mode::ALL
                .into_iter()
                .find(|m| m.key() == v)
                .ok_or_else(|| bad("data-mode", format!("\"{v}\" is not demo or http")))?;
        }
        if let Some(v) = get("data-demo-size") {
            let n = v
                .replace(['_', ','], "")
                .trim()
                .parse::<usize>()
                .map_err(|_| bad("data-demo-size", "expected a whole number"))?;
            self.demo_size = n.clamp(MIN_SIZE, MAX_SIZE);
        }
        if let Some(v) = get("data-demo-seed") {
            self.demo_seed = v
                .trim()
                .parse()
                .map_err(|_| bad("data-demo-seed", "expected a whole number"))?;
        }
        if let Some(v) = get("data-api-base") {
            self.api_base = v.trim().to_string();
        }
        if let Some(v) = get("data-api-token") {
            self.token = (!v.trim().is_empty()).then(|| v.trim().to_string());
        }
        if let Some(v) = get("data-api-credentials") {
            self.credentials = match v.trim() {
                "omit" => Credentials::Omit,
                "same-origin" => Credentials::SameOrigin,
                "include" => Credentials::Include,
                other => {
                    return Err(bad(
                        "data-api-credentials",
                        format!("\"{other}\" is not omit, same-origin or include"),
                    ))
                }
            };
        }
        if let Some(v) = get("data-timeout-seconds") {
            self.timeout_seconds = v
                .trim()
                .parse()
                .map_err(|_| bad("data-timeout-seconds", "expected a whole number"))?;
        }
        if let Some(v) = get("data-auto-refresh") {
            self.auto_refresh = match v.trim().to_ascii_lowercase().as_str() {
                "" | "true" | "on" | "1" => true,
                "false" | "off" | "0" => false,
                other => {
                    return Err(bad(
                        "data-auto-refresh",
                        format!("\"{other}\" is not true or false"),
                    ))
                }
            };
        }
        if let Some(v) = get("data-refresh-seconds") {
            self.refresh_seconds = v
                .trim()
                .parse()
                .map_err(|_| bad("data-refresh-seconds", "expected a whole number"))?;
        }
        self.validate()
    }

    /// Applies a host page's mount options over the current values.
    pub fn apply_options(&mut self, o: &MountOptions) -> Result<(), ConfigError> {
        self.apply_file(ConfigFile {
            mode: o.mode,
            demo_size: o.demo_size,
            demo_seed: o.demo_seed,
            demo_now: None,
            api_base: o.api_base.clone(),
            token: o.token.clone(),
            credentials: o.credentials,
            timeout_seconds: o.timeout_seconds,
            auto_refresh: o.auto_refresh,
            refresh_seconds: o.refresh_seconds,
        })
    }

    /// Checks the values together.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if !self.mode.built_in() {
            return Err(bad(
                "mode",
                format!(
                    "this build of the report has no {0} mode (it was built without the `{0}` \
                     feature); use the full build, or the one for this mode",
                    self.mode.key()
                ),
            ));
        }
        if !(MIN_REFRESH_SECONDS..=3600).contains(&self.refresh_seconds) {
            return Err(bad(
                "refresh_seconds",
                format!(
                    "{} is not between {MIN_REFRESH_SECONDS} and 3600",
                    self.refresh_seconds
                ),
            ));
        }
        if !(1..=300).contains(&self.timeout_seconds) {
            return Err(bad(
                "timeout_seconds",
                format!("{} is not between 1 and 300", self.timeout_seconds),
            ));
        }
        if self.mode == Mode::Http {
            let b = self.api_base.trim();
            if b.is_empty() {
                return Err(bad("api_base", "HTTP mode needs the API's address"));
            }
            let lower = b.to_ascii_lowercase();
            let scheme_ok = lower.starts_with("https://")
                || lower.starts_with("http://")
                || b.starts_with('/')
                || b.starts_with('.');
            if !scheme_ok {
                return Err(bad(
                    "api_base",
                    "expected an http(s) address or a path such as /api",
                ));
            }
            // Credentials belong in the token setting, never in an address that ends up in
            // logs and browser history.
            let authority = lower
                .split("://")
                .nth(1)
                .map(|r| r.split('/').next().unwrap_or(""));
            if authority.is_some_and(|a| a.contains('@')) || b.contains('?') || b.contains('#') {
                return Err(bad(
                    "api_base",
                    "it must not carry credentials, a query or a fragment; use the token setting",
                ));
            }
        }
        if self.token.as_ref().is_some_and(|t| {
            t.chars()
                .any(|c| c.is_control() || c == ' ' || !c.is_ascii())
        }) {
            return Err(bad(
                "token",
                "a bearer token is printable ASCII without spaces",
            ));
        }
        Ok(())
    }

    /// The API base without a trailing slash.
    pub fn api_base(&self) -> &str {
        self.api_base.trim().trim_end_matches('/')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |n| {
            pairs
                .iter()
                .find(|(k, _)| *k == n)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn attributes_win_over_the_file() {
        let mut c = Config::default();
        c.apply_file(
            ConfigFile::parse(r#"{"mode":"http","api_base":"/api","timeout_seconds":5}"#).unwrap(),
        )
        .unwrap();
        assert_eq!((c.mode, c.timeout_seconds), (Mode::Http, 5));
        c.apply_attributes(attrs(&[
            ("data-api-base", "https://reports.example.com/v1/"),
            ("data-api-credentials", "include"),
        ]))
        .unwrap();
        assert_eq!(c.api_base(), "https://reports.example.com/v1");
        assert_eq!(c.credentials, Credentials::Include);
        c.apply_attributes(attrs(&[("data-mode", "demo")])).unwrap();
        assert_eq!(c.mode, Mode::Demo);
    }

    #[test]
    fn demo_size_is_clamped() {
        let mut c = Config::default();
        c.apply_attributes(attrs(&[("data-demo-size", "2,000,000")]))
            .unwrap();
        assert_eq!(c.demo_size, MAX_SIZE);
        c.apply_attributes(attrs(&[
            ("data-demo-size", "100_000"),
            ("data-demo-seed", "7"),
        ]))
        .unwrap();
        assert_eq!((c.demo_size, c.demo_seed), (100_000, 7));
    }

    #[test]
    fn bad_values_are_named() {
        let e = Config::default()
            .apply_attributes(attrs(&[("data-mode", "ftp")]))
            .unwrap_err();
        assert!(e.to_string().contains("data-mode"), "{e}");
        let e = Config::default()
            .apply_attributes(attrs(&[("data-demo-size", "lots")]))
            .unwrap_err();
        assert!(e.to_string().contains("data-demo-size"), "{e}");
        let e = ConfigFile::parse(r#"{"mode":"http","api_bsae":"/x"}"#).unwrap_err();
        assert!(e.to_string().contains("api_bsae"), "{e}");
        let e = ConfigFile::parse(r#"{"timeout_seconds":"ten"}"#).unwrap_err();
        assert!(e.to_string().contains("timeout_seconds"), "{e}");
        assert!(ConfigFile::parse("<!doctype html>").is_err());
        let e = ConfigFile::parse(r#"{"demo_now":"yesterday"}"#).unwrap_err();
        assert!(e.to_string().contains("demo_now"), "{e}");
    }

    /// A build with one data source (`--no-default-features --features http` or `demo`)
    /// refuses the other mode with a message saying why, and starts in the mode it has. The
    /// test command runs this in all three builds.
    #[test]
    fn a_mode_this_build_lacks_is_refused_with_the_reason() {
        assert!(Config::default().mode.built_in());
        for mode in Mode::ALL {
            let json = format!(r#"{{"mode":"{}","api_base":"/api"}}"#, mode.key());
            let applied = Config::default().apply_file(ConfigFile::parse(&json).unwrap());
            if mode.built_in() {
                assert!(applied.is_ok(), "{mode:?}: {applied:?}");
            } else {
                let e = applied.unwrap_err().to_string();
                assert!(
                    e.contains("mode") && e.contains(&format!("no {} mode", mode.key())),
                    "{e}"
                );
            }
        }
    }

    #[test]
    fn the_demo_clock_can_be_pinned() {
        let mut c = Config::default();
        c.apply_file(ConfigFile::parse(r#"{"demo_now":"2026-11-27T12:00:00Z"}"#).unwrap())
            .unwrap();
        assert_eq!(
            c.demo_now.map(|t| t.to_rfc3339()).as_deref(),
            Some("2026-11-27T12:00:00+00:00")
        );
    }

    #[test]
    fn http_mode_needs_a_clean_address() {
        for (base, ok) in [
            ("/api", true),
            ("./api", true),
            ("https://x.test/v1", true),
            ("", false),
            ("javascript:alert(1)", false),
            ("https://user:pw@x.test/", false),
            ("https://x.test/api?token=abc", false),
        ] {
            let mut c = Config {
                mode: Mode::Http,
                ..Config::default()
            };
            let r = c.apply_attributes(attrs(&[("data-api-base", base)]));
            assert_eq!(r.is_ok(), ok, "{base}: {r:?}");
        }
        let mut c = Config::default();
        assert!(c
            .apply_attributes(attrs(&[("data-timeout-seconds", "0")]))
            .is_err());
        let mut c = Config::default();
        assert!(c
            .apply_attributes(attrs(&[("data-api-token", "abc\ndef")]))
            .is_err());
    }

    #[test]
    fn mount_options_parse_merge_and_apply() {
        let mut o = MountOptions::parse(
            r#"{"mode":"http","apiBase":"/api","theme":"dark","filters":"status=Failed","urlPrefix":"r1_"}"#,
        )
        .unwrap();
        assert_eq!((o.mode, o.theme), (Some(Mode::Http), Some(Theme::Dark)));
        let e = MountOptions::parse(r#"{"apiBsae":"/x"}"#).unwrap_err();
        assert!(e.to_string().contains("apiBsae"), "{e}");
        let e = MountOptions::parse(r#"{"theme":"pink"}"#).unwrap_err();
        assert!(e.to_string().contains("theme"), "{e}");
        let next = MountOptions {
            theme: Some(Theme::Light),
            ..MountOptions::default()
        };
        let mut merged = o.clone();
        merged.merge(next);
        assert!(
            !o.changes_source(&merged),
            "a theme change keeps the source"
        );
        assert_eq!(merged.theme, Some(Theme::Light));
        assert_eq!(merged.filters.as_deref(), Some("status=Failed"));
        merged.merge(MountOptions {
            api_base: Some("/v2".into()),
            ..MountOptions::default()
        });
        assert!(o.changes_source(&merged));
        let mut c = Config::default();
        c.apply_options(&o).unwrap();
        assert_eq!(c.mode, Mode::Http);
        o.api_base = Some("ftp://x".into());
        assert!(Config::default().apply_options(&o).is_err());
    }

    #[test]
    fn auto_refresh_from_file_attributes_and_options() {
        let mut c = Config::default();
        assert!(!c.auto_refresh);
        assert_eq!(c.refresh_seconds, 15);
        c.apply_file(
            ConfigFile::parse(r#"{"auto_refresh": true, "refresh_seconds": 30}"#).unwrap(),
        )
        .unwrap();
        assert_eq!((c.auto_refresh, c.refresh_seconds), (true, 30));
        c.apply_attributes(|n| (n == "data-auto-refresh").then(|| "off".to_string()))
            .unwrap();
        assert!(!c.auto_refresh);
        let o = MountOptions::parse(r#"{"autoRefresh": true, "refreshSeconds": 5}"#).unwrap();
        c.apply_options(&o).unwrap();
        assert_eq!((c.auto_refresh, c.refresh_seconds), (true, 5));
        // Never more often than every 5 seconds; a value that is not a switch is named.
        let err = c
            .apply_file(ConfigFile::parse(r#"{"refresh_seconds": 2}"#).unwrap())
            .unwrap_err();
        assert!(err.to_string().contains("refresh_seconds"), "{err}");
        let err = Config::default()
            .apply_attributes(|n| (n == "data-auto-refresh").then(|| "maybe".to_string()))
            .unwrap_err();
        assert!(err.to_string().contains("data-auto-refresh"), "{err}");
    }

    #[test]
    fn debug_hides_the_token() {
        let c = Config {
            token: Some("s3cret".into()),
            ..Config::default()
        };
        assert!(!format!("{c:?}").contains("s3cret"));
    }
}
