//! `create-session [INDEX_ID ...]`: creates a LlamaCloud chat session and prints its id.
//!
//! Input: `LLAMA_CLOUD_API_KEY` (and optionally `LLAMA_CLOUD_BASE_URL`) from the
//! environment, index ids as arguments. Output: the new session's id on stdout.

#[tokio::main]
async fn main() -> Result<(), llama_cloud::Error> {
    let client = llama_cloud::Client::from_env()?;
    let index_ids: Vec<String> = std::env::args().skip(1).collect();
    let index_ids: Vec<&str> = index_ids.iter().map(String::as_str).collect();
    let chat = llama_cloud_example::start_session(&client, &index_ids).await?;
    println!("{}", chat.session_id);
    Ok(())
}
