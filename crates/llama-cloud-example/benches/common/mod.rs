//! What the benchmarks share: the key, the summary answer, and the SDK's request
//! written by hand with raw reqwest, which both compare against.
//!
//! Input: a raw reqwest client and a URL. Output: the request builder.

use std::time::Duration;

/// The API key both variants send.
pub const KEY: &str = "sk-bench";

/// The answer of `GET /api/v1/chat/{id}/summary`, a `ChatSessionSummary`.
pub const SUMMARY: &str = r#"{"session_id":"ses-abc123","last_updated_at":"2026-04-22T12:34:41.342245","generated_title":"What were the main findings in Q3?...","index_ids":["idx-abc123","idx-def456"],"job_metadata":{"duration_ms":0,"error":null,"export_config_ids":["string"],"is_error":false,"total_input_tokens":0,"total_output_tokens":0,"turns":1}}"#;

/// The same request on the wire as the SDK's: its default headers and its
/// per-attempt timeout, written by hand.
pub fn same_request(raw: &reqwest::Client, url: &str) -> reqwest::RequestBuilder {
    raw.get(url)
        .bearer_auth(KEY)
        .header("accept", "application/json")
        .header("user-agent", concat!("LlamaCloud/Rust ", "0.1.0"))
        .header("x-stainless-lang", "rust")
        .header("x-stainless-package-version", "0.1.0")
        .header("x-stainless-os", std::env::consts::OS)
        .header("x-stainless-arch", std::env::consts::ARCH)
        .header("x-stainless-runtime", "tokio")
        .header("x-stainless-timeout", "60")
        .header("x-stainless-retry-count", "0")
        .timeout(Duration::from_secs(60))
}
