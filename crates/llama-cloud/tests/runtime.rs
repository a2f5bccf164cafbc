//! What this SDK hands the runtime and adds to it, against an in-process mock
//! server: its settings (the `User-Agent`, the key's header) and its typed errors,
//! events and unions. The runtime's own behaviour (retries, timeouts, pages,
//! streams ...) is tested where it is written, in `crates/runtime/src/tests/`.
//! Hand-written: `cargo xtask generate` leaves files without its header alone.

use std::time::Duration;

use llama_cloud::types::{ChatCreateParams, ChatEvent, ChatGetSummaryParams, ChatStreamParams};
use llama_cloud::{Client, Error, StreamExt};
use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const KEY: &str = "sk-secret-runtime-key";

fn summary() -> Value {
    json!({"session_id": "ses-1", "last_updated_at": "2026-04-22T12:34:41"})
}

fn client_for(server: &MockServer) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .retry_base_delay(Duration::from_millis(5))
        .build()
        .expect("client builds")
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.expect("recording is on")
}

fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

/// The SDK's settings reach the runtime: its product name and version in the
/// `User-Agent`, and its bearer scheme for the key.
#[tokio::test]
async fn the_sdks_settings_name_it_and_send_its_key() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(summary()))
        .mount(&server)
        .await;
    client_for(&server)
        .beta()
        .chat()
        .get_summary("ses-1", ChatGetSummaryParams::default())
        .await
        .expect("sent");
    let seen = requests(&server).await;
    let version = env!("CARGO_PKG_VERSION");
    assert_eq!(
        header(&seen[0], "user-agent"),
        Some(format!("LlamaCloud/Rust {version}").as_str())
    );
    assert_eq!(
        header(&seen[0], "x-stainless-package-version"),
        Some(version)
    );
    assert_eq!(
        header(&seen[0], "authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
}

#[tokio::test]
async fn a_422_has_the_typed_validation_error() {
    let server = MockServer::start().await;
    let body = json!({"detail": [{"loc": ["body", "index_ids", 0], "msg": "too many", "type": "too_long", "ctx": {"max": 10}}]});
    Mock::given(any())
        .respond_with(ResponseTemplate::new(422).set_body_json(body))
        .mount(&server)
        .await;
    let error = client_for(&server)
        .beta()
        .chat()
        .create(ChatCreateParams::default())
        .await
        .expect_err("422");
    let validation = error
        .as_api_error()
        .and_then(llama_cloud::ApiError::http_validation_error)
        .expect("the typed body");
    let detail = validation.detail.expect("detail");
    assert_eq!(detail[0].msg, "too many");
    assert_eq!(detail[0].r#type, "too_long");
    assert_eq!(detail[0].loc.len(), 3);
}

/// A 422's body decodes as the SDK's `HTTPValidationError`, whose location items
/// print as they read.
#[tokio::test]
async fn a_422_s_typed_body_prints_its_location_items() {
    let server = MockServer::start().await;
    let body = json!({"detail": [
        {"loc": ["body", "index_ids", 0], "msg": "Input should be a valid string", "type": "string_type"}
    ]});
    Mock::given(any())
        .respond_with(ResponseTemplate::new(422).set_body_json(body))
        .mount(&server)
        .await;
    let error = client_for(&server)
        .beta()
        .chat()
        .get_summary("ses-1", ChatGetSummaryParams::default())
        .await
        .expect_err("422");
    let typed: llama_cloud::types::HTTPValidationError =
        error.as_api_error().unwrap().body_as().expect("typed body");
    let first = &typed.detail.as_ref().expect("detail")[0];
    let location: Vec<String> = first.loc.iter().map(ToString::to_string).collect();
    assert_eq!(location, ["body", "index_ids", "0"]);
}

fn sse_response(body: &str) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("content-type", "text/event-stream")
        .set_body_raw(body.as_bytes().to_vec(), "text/event-stream")
}

async fn stream_turn(client: &Client) -> Result<llama_cloud::EventStream<ChatEvent>, Error> {
    client
        .beta()
        .chat()
        .stream("ses-1", ChatStreamParams::new(["idx-1"], "hello"))
        .await
}

#[tokio::test]
async fn a_chat_turn_streams_typed_events() {
    let server = MockServer::start().await;
    let body = ": ping\n\nretry: 1000\n\n\
        event: text_delta\ndata: {\"type\": \"text_delta\",\ndata: \"content\": \"Hel\"}\n\n\
        data: {\"type\": \"text_delta\", \"content\": \"lo\"}\n\n\
        data: {\"type\": \"future_event\", \"x\": 1}\n\n\
        data: {\"type\": \"stop\", \"usage\": {}, \"is_error\": false, \"error\": null}\n\n\
        data: [DONE]\n\n\
        data: {\"type\": \"text\", \"content\": \"after done\"}\n\n";
    Mock::given(any())
        .respond_with(sse_response(body))
        .mount(&server)
        .await;
    let events: Vec<ChatEvent> = stream_turn(&client_for(&server))
        .await
        .expect("stream opens")
        .map(|event| event.expect("no error"))
        .collect()
        .await;
    assert_eq!(events.len(), 4, "{events:?}");
    assert!(matches!(&events[0], ChatEvent::TextDelta(e) if e.content == "Hel"));
    assert!(matches!(&events[1], ChatEvent::TextDelta(e) if e.content == "lo"));
    assert!(matches!(&events[2], ChatEvent::Unknown(v) if v["type"] == "future_event"));
    assert!(matches!(&events[3], ChatEvent::Stop(e) if !e.is_error));
    let seen = requests(&server).await;
    assert_eq!(header(&seen[0], "accept"), Some("text/event-stream"));
    assert_eq!(seen[0].url.path(), "/api/v1/chat/ses-1/messages/stream");
}

#[test]
fn a_success_union_reads_its_common_case_without_a_match() {
    use llama_cloud::types::MarkdownResult;
    let result: MarkdownResult = serde_json::from_value(json!({"pages": [
        {"page_number": 1, "markdown": "# Title", "success": true},
        {"page_number": 2, "error": "unreadable", "success": false}
    ]}))
    .expect("decodes");
    let markdown: Vec<Option<&str>> = result.pages.iter().map(|page| page.markdown()).collect();
    assert_eq!(markdown, [Some("# Title"), None]);
    let numbers: Vec<Option<&i64>> = result.pages.iter().map(|page| page.page_number()).collect();
    assert_eq!(numbers, [Some(&1), Some(&2)]);
    assert_eq!(result.pages[1].error(), Some("unreadable"));
}
