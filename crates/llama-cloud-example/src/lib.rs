//! A consumer of the generated SDK: it depends on `llama-cloud` like any other crate.
//!
//! Input: a configured [`llama_cloud::Client`].
//! Output: a new chat session bound to the given indexes, as the published SDKs'
//! `Create Session` example does.
//!
//! The workspace README is included below as this crate's documentation, so every
//! Rust example in it is compiled by `cargo test` (as a doctest).
#![doc = ""]
#![doc = include_str!("../../../README.md")]

use llama_cloud::types::{ChatCreateParams, ChatCreateResponse};

/// Creates a chat session bound to `index_ids` (an unbound one when empty).
pub async fn start_session(
    client: &llama_cloud::Client,
    index_ids: &[&str],
) -> Result<ChatCreateResponse, llama_cloud::Error> {
    let params = if index_ids.is_empty() {
        ChatCreateParams::default().index_ids_null()
    } else {
        ChatCreateParams::default().index_ids(index_ids.iter().copied())
    };
    client.beta().chat().create(params).await
}
