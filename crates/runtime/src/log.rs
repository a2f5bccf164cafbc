//! Logging switched on from the environment.
//!
//! The SDK logs through `tracing`: requests and responses at `debug` (secrets
//! redacted), retries at `info`. An application that installs its own subscriber
//! sees these events as usual. When the SDK's log variable (for LlamaCloud,
//! `LLAMA_CLOUD_LOG`) is `debug`, `info`, `warn` or `error` and no subscriber is
//! installed yet, building a client installs one that writes this crate's events at
//! that level to stderr, as the published SDKs do. `off`, or the variable unset,
//! installs nothing. The `env-log` cargo feature (on by default) provides it.

/// The level the log variable (the settings' `log_env`) asks for; `None` for `off`,
/// unset or unknown values, or an SDK without one.
pub(crate) fn level_from_env(variable: Option<&str>) -> Option<tracing::Level> {
    let value = std::env::var(variable?).ok()?;
    match value.trim().to_ascii_lowercase().as_str() {
        "debug" | "trace" => Some(tracing::Level::DEBUG),
        "info" => Some(tracing::Level::INFO),
        "warn" | "warning" => Some(tracing::Level::WARN),
        "error" => Some(tracing::Level::ERROR),
        _ => None,
    }
}

/// Installs the stderr subscriber once, if the environment asks for one.
pub(crate) fn init_from_env(variable: Option<&str>) {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if let Some(level) = level_from_env(variable) {
            install(level);
        }
    });
}

#[cfg(feature = "env-log")]
fn install(level: tracing::Level) {
    use tracing_subscriber::layer::SubscriberExt as _;

    let only_this_crate =
        tracing_subscriber::filter::Targets::new().with_target(env!("CARGO_CRATE_NAME"), level);
    let subscriber = tracing_subscriber::registry()
        .with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr))
        .with(only_this_crate);
    // An application's own subscriber, if it has one, stays in charge.
    let _ = tracing::subscriber::set_global_default(subscriber);
}

#[cfg(not(feature = "env-log"))]
fn install(_level: tracing::Level) {}
