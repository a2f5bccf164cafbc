//! The generated chat resource against an in-process mock server (wiremock).
//!
//! Each test checks the exact request a method sends (method, path, query string,
//! `Authorization` header and JSON body) and what it makes of the response.
//! Hand-written: `cargo xtask generate` leaves files without its header alone.

use llama_cloud::types::{
    ChatCreateParams, ChatDeleteParams, ChatEvent, ChatGetSummaryParams, ChatListParams,
    ChatRetrieveParams, ChatStreamParams,
};
use llama_cloud::{ApiErrorKind, Client, Error, Nullable, Number};

mod common;
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const KEY: &str = "sk-test-key";

/// The seeds' example response for `Create Session`.
fn seed_summary() -> Value {
    json!({
        "last_updated_at": "2026-04-22T12:34:41.342245",
        "session_id": "ses-abc123",
        "generated_title": "What were the main findings in Q3?...",
        "index_ids": ["idx-abc123", "idx-def456"],
        "job_metadata": {
            "duration_ms": 0,
            "error": "error",
            "export_config_ids": ["string"],
            "is_error": true,
            "total_input_tokens": 0,
            "total_output_tokens": 0,
            "turns": 0
        }
    })
}

async fn setup(response: ResponseTemplate) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(response)
        .mount(&server)
        .await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .max_retries(0)
        .build()
        .expect("client builds");
    (server, client)
}

async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.expect("recording is on");
    assert_eq!(requests.len(), 1, "exactly one request");
    requests.remove(0)
}

fn body_json(request: &Request) -> Value {
    serde_json::from_slice(&request.body).expect("JSON body")
}

fn assert_auth(request: &Request) {
    assert_eq!(
        request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok()),
        Some("Bearer sk-test-key")
    );
}

#[tokio::test]
async fn create_sends_query_params_and_index_ids() {
    let (server, client) = setup(ResponseTemplate::new(201).set_body_json(seed_summary())).await;
    let chat = client
        .beta()
        .chat()
        .create(
            ChatCreateParams::default()
                .project_id("5b7c0f00-0000-4000-8000-000000000001")
                .index_ids(["idx-a", "idx-b"]),
        )
        .await
        .expect("create succeeds");
    assert_eq!(chat.session_id, "ses-abc123");

    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), "/api/v1/chat");
    assert_eq!(
        request.url.query(),
        Some("project_id=5b7c0f00-0000-4000-8000-000000000001")
    );
    assert_auth(&request);
    assert_eq!(
        request
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/json")
    );
    assert_eq!(
        body_json(&request),
        json!({"index_ids": ["idx-a", "idx-b"]})
    );
}

#[tokio::test]
async fn create_index_ids_has_three_states() {
    let cases = [
        (ChatCreateParams::default(), json!({})),
        (
            ChatCreateParams::default().index_ids_null(),
            json!({"index_ids": null}),
        ),
        (
            ChatCreateParams::default().index_ids(["idx-1"]),
            json!({"index_ids": ["idx-1"]}),
        ),
    ];
    for (params, expected) in cases {
        let (server, client) =
            setup(ResponseTemplate::new(201).set_body_json(seed_summary())).await;
        client
            .beta()
            .chat()
            .create(params)
            .await
            .expect("create succeeds");
        let request = only_request(&server).await;
        assert_eq!(
            request.url.query(),
            None,
            "omitted query params are left out"
        );
        assert_eq!(body_json(&request), expected);
    }
    // The field itself says which state it is in.
    let params = ChatCreateParams::default();
    assert_eq!(params.index_ids, Nullable::Omitted);
    assert_eq!(params.index_ids_null().index_ids, Nullable::Null);
}

#[tokio::test]
async fn seed_response_decodes_to_exact_values() {
    let (_server, client) = setup(ResponseTemplate::new(201).set_body_json(seed_summary())).await;
    let chat = client
        .beta()
        .chat()
        .create(ChatCreateParams::default())
        .await
        .expect("create succeeds");
    assert_eq!(chat.session_id, "ses-abc123");
    assert_eq!(chat.last_updated_at, "2026-04-22T12:34:41.342245");
    assert_eq!(
        chat.generated_title.as_deref(),
        Some("What were the main findings in Q3?...")
    );
    assert_eq!(
        chat.index_ids,
        Nullable::Value(vec!["idx-abc123".to_owned(), "idx-def456".to_owned()])
    );
    let metadata = chat
        .job_metadata
        .into_value()
        .expect("job_metadata is present");
    // The seed sends `0`; it stays an integer.
    assert_eq!(metadata.duration_ms, Some(Number::from(0)));
    assert_eq!(metadata.error.as_deref(), Some("error"));
    assert_eq!(
        metadata.export_config_ids,
        Nullable::Value(vec!["string".to_owned()])
    );
    assert_eq!(metadata.is_error, Some(true));
    assert_eq!(metadata.total_input_tokens, Nullable::Value(0));
    assert_eq!(metadata.total_output_tokens, Nullable::Value(0));
    assert_eq!(metadata.turns, Some(0));
    assert!(chat.extra_fields.is_empty());
    assert!(metadata.extra_fields.is_empty());
}

#[tokio::test]
async fn spec_defaults_are_read_through_getters_and_never_filled_in() {
    let body = json!({"session_id": "s", "last_updated_at": "t", "job_metadata": {}});
    let (_server, client) = setup(ResponseTemplate::new(200).set_body_json(body)).await;
    let summary = client
        .beta()
        .chat()
        .get_summary("s", ChatGetSummaryParams::default())
        .await
        .expect("decodes");
    let metadata = summary.job_metadata.as_value().expect("present");
    assert_eq!(metadata.turns, None, "absent stays absent");
    assert_eq!(
        metadata.turns_or_default(),
        1,
        "spec default of `turns` is 1"
    );
    assert!(!metadata.is_error_or_default());
    assert_eq!(summary.generated_title, Nullable::Omitted);
    // Nothing the server did not send comes back out.
    assert_eq!(
        serde_json::to_value(&summary).unwrap(),
        json!({"session_id": "s", "last_updated_at": "t", "job_metadata": {}})
    );
}

#[tokio::test]
async fn list_sends_paging_query() {
    let body = json!({"items": [seed_summary()], "next_page_token": "tok-2"});
    let (server, client) = setup(ResponseTemplate::new(200).set_body_json(body)).await;
    let page = client
        .beta()
        .chat()
        .list(ChatListParams::default().page_size(10).page_token("tok-1"))
        .await
        .expect("list succeeds");
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.next_cursor.as_deref(), Some("tok-2"));
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(request.url.path(), "/api/v1/chat");
    assert_eq!(request.url.query(), Some("page_size=10&page_token=tok-1"));
    assert_auth(&request);
    assert!(request.body.is_empty(), "GET sends no body");
}

#[tokio::test]
async fn a_repeated_cursor_ends_the_listing_with_an_error() {
    // A server that keeps answering with the same cursor must not be read forever.
    let body = json!({"items": [seed_summary()], "next_page_token": "tok-2"});
    let (server, client) = setup(ResponseTemplate::new(200).set_body_json(body)).await;
    let items: Vec<_> = llama_cloud::StreamExt::collect(
        client
            .beta()
            .chat()
            .list(ChatListParams::default())
            .into_stream(),
    )
    .await;
    assert_eq!(
        items.len(),
        3,
        "the first page, the page for tok-2 repeating it, then the error"
    );
    assert!(
        matches!(&items[2], Err(Error::RepeatedCursor { cursor }) if cursor == "tok-2"),
        "{:?}",
        items[2]
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

fn session_detail(events: Value) -> Value {
    json!({
        "session_id": "ses-1",
        "last_updated_at": "2026-04-22T12:34:41.342245",
        "events": events
    })
}

#[tokio::test]
async fn retrieve_encodes_path_and_decodes_event_union() {
    let events = json!([
        {"type": "user_input", "content": "hi"},
        {"type": "text_delta", "content": "Hel"},
        {"type": "tool_call", "arguments": {"q": 1}, "name": "search", "call_id": "c1"},
        {"type": "stop", "usage": {"turns": 2}, "is_error": false, "error": null}
    ]);
    let (server, client) =
        setup(ResponseTemplate::new(200).set_body_json(session_detail(events))).await;
    let detail = client
        .beta()
        .chat()
        .retrieve(
            "ses/1 a",
            ChatRetrieveParams::default().organization_id("org-1"),
        )
        .await
        .expect("retrieve succeeds");
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(request.url.path(), "/api/v1/chat/ses%2F1%20a");
    assert_eq!(request.url.query(), Some("organization_id=org-1"));
    assert_auth(&request);

    assert_eq!(detail.events.len(), 4);
    match &detail.events[0] {
        ChatEvent::UserInput(event) => assert_eq!(event.content, "hi"),
        other => panic!("expected user_input, got {other:?}"),
    }
    match &detail.events[1] {
        ChatEvent::TextDelta(event) => assert_eq!(event.content, "Hel"),
        other => panic!("expected text_delta, got {other:?}"),
    }
    match &detail.events[2] {
        ChatEvent::ToolCall(event) => {
            assert_eq!(event.name, "search");
            assert_eq!(event.arguments.get("q"), Some(&json!(1)));
        }
        other => panic!("expected tool_call, got {other:?}"),
    }
    match &detail.events[3] {
        ChatEvent::Stop(event) => {
            assert_eq!(event.usage.turns, Some(2));
            assert!(!event.is_error);
        }
        other => panic!("expected stop, got {other:?}"),
    }
}

#[tokio::test]
async fn unknown_fields_and_event_types_survive_a_round_trip() {
    let mut body = session_detail(json!([
        {"type": "text", "content": "done", "citations": [1, 2]},
        {"type": "handoff", "to": "agent-b"}
    ]));
    body["shared_access"] = json!("org");
    let (_server, client) = setup(ResponseTemplate::new(200).set_body_json(body.clone())).await;
    let detail = client
        .beta()
        .chat()
        .retrieve("ses-1", ChatRetrieveParams::default())
        .await
        .expect("decodes despite unknown data");
    assert_eq!(
        detail.extra_fields.get("shared_access"),
        Some(&json!("org"))
    );
    match &detail.events[0] {
        ChatEvent::Text(event) => {
            assert_eq!(event.extra_fields.get("citations"), Some(&json!([1, 2])))
        }
        other => panic!("expected text, got {other:?}"),
    }
    assert_eq!(
        detail.events[1],
        ChatEvent::Unknown(json!({"type": "handoff", "to": "agent-b"}))
    );
    let reserialized = serde_json::to_value(&detail).expect("serializes");
    assert_eq!(reserialized, body, "nothing the server sent is lost");
}

#[tokio::test]
async fn known_event_with_wrong_shape_is_a_decode_error() {
    let body = session_detail(json!([{"type": "text_delta"}]));
    let (_server, client) = setup(ResponseTemplate::new(200).set_body_json(body)).await;
    let error = client
        .beta()
        .chat()
        .retrieve("ses-1", ChatRetrieveParams::default())
        .await
        .expect_err("a text_delta without content is not valid");
    match error {
        Error::Decode { path, body, .. } => {
            assert!(path.starts_with("events"), "path names the field: {path}");
            assert!(!body.is_empty(), "the raw body is kept");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn delete_returns_unit_on_204() {
    let (server, client) = setup(ResponseTemplate::new(204)).await;
    let result: () = client
        .beta()
        .chat()
        .delete("ses-1", ChatDeleteParams::default().project_id("p-1"))
        .await
        .expect("delete succeeds");
    let () = result;
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "DELETE");
    assert_eq!(request.url.path(), "/api/v1/chat/ses-1");
    assert_eq!(request.url.query(), Some("project_id=p-1"));
    assert_auth(&request);
}

#[tokio::test]
async fn get_summary_hits_summary_path() {
    let (server, client) = setup(ResponseTemplate::new(200).set_body_json(seed_summary())).await;
    let summary = client
        .beta()
        .chat()
        .get_summary("ses-abc123", ChatGetSummaryParams::default())
        .await
        .expect("summary succeeds");
    assert_eq!(summary.session_id, "ses-abc123");
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(request.url.path(), "/api/v1/chat/ses-abc123/summary");
    assert_eq!(request.url.query(), None);
    assert_auth(&request);
}

#[tokio::test]
async fn stream_sends_required_body() {
    let events = "data: {\"type\": \"text\", \"content\": \"Q3 grew.\"}\n\n";
    let (server, client) = setup(
        ResponseTemplate::new(200).set_body_raw(events.as_bytes().to_vec(), "text/event-stream"),
    )
    .await;
    let stream = client
        .beta()
        .chat()
        .stream(
            "ses-1",
            ChatStreamParams::new(["idx-1"], "What changed?").project_id("p-1"),
        )
        .await
        .expect("stream call succeeds");
    let events: Vec<_> = llama_cloud::StreamExt::collect(stream).await;
    assert!(
        matches!(&events[..], [Ok(ChatEvent::Text(event))] if event.content == "Q3 grew."),
        "{events:?}"
    );
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), "/api/v1/chat/ses-1/messages/stream");
    assert_eq!(request.url.query(), Some("project_id=p-1"));
    assert_auth(&request);
    assert_eq!(
        body_json(&request),
        json!({"index_ids": ["idx-1"], "prompt": "What changed?"})
    );
}

#[tokio::test]
async fn error_status_keeps_status_headers_and_body() {
    let body =
        json!({"detail": [{"loc": ["body", "index_ids"], "msg": "bad", "type": "value_error"}]});
    let response = ResponseTemplate::new(422)
        .insert_header("x-request-id", "req-42")
        .set_body_json(body.clone());
    let (_server, client) = setup(response).await;
    let error = client
        .beta()
        .chat()
        .create(ChatCreateParams::default())
        .await
        .expect_err("422 is an error");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(422));
    let api = error.as_api_error().expect("an API error");
    assert_eq!(api.kind, ApiErrorKind::UnprocessableEntity);
    assert_eq!(api.request_id.as_deref(), Some("req-42"));
    assert_eq!(
        serde_json::from_slice::<Value>(&api.body).expect("json"),
        body
    );
    let text = error.to_string();
    assert!(text.starts_with("Error code: 422 - "), "{text}");
    assert!(!text.contains(KEY), "the key never appears in an error");
}

#[tokio::test]
async fn builder_accepts_a_callers_reqwest_client() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/chat/s/summary"))
        .and(header("authorization", "Bearer sk-test-key"))
        .and(header("x-from-caller", "yes"))
        .respond_with(ResponseTemplate::new(200).set_body_json(seed_summary()))
        .expect(1)
        .mount(&server)
        .await;
    let mut default_headers = reqwest::header::HeaderMap::new();
    default_headers.insert(
        "x-from-caller",
        reqwest::header::HeaderValue::from_static("yes"),
    );
    let http = reqwest::Client::builder()
        .default_headers(default_headers)
        .build()
        .expect("reqwest client");
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .http_client(http)
        .build()
        .expect("client builds");
    client
        .beta()
        .chat()
        .get_summary("s", ChatGetSummaryParams::default())
        .await
        .expect("the caller's client is used");
}

#[test]
fn debug_output_hides_the_key() {
    let client = Client::builder()
        .api_key(KEY)
        .base_url("http://127.0.0.1:9")
        .build()
        .expect("builds");
    let shown = format!("{client:?}");
    assert!(!shown.contains(KEY), "{shown}");
    assert!(shown.contains("[redacted]"));
    let builder = Client::builder().api_key(KEY);
    assert!(!format!("{builder:?}").contains(KEY));
}

#[test]
fn from_env_without_a_key_is_an_error() {
    if !common::in_child() {
        common::run_child("from_env_without_a_key_is_an_error", &[]);
        return;
    }
    match Client::from_env() {
        Err(Error::Config(message)) => {
            assert!(message.contains("LLAMA_CLOUD_API_KEY"), "{message}")
        }
        other => panic!("expected a config error, got {other:?}"),
    }
}

#[test]
fn from_env_reads_key_and_base_url() {
    if !common::in_child() {
        common::run_child(
            "from_env_reads_key_and_base_url",
            &[
                ("LLAMA_CLOUD_API_KEY", "sk-env"),
                ("LLAMA_CLOUD_BASE_URL", "http://127.0.0.1:1234/prefix"),
            ],
        );
        return;
    }
    let client = Client::from_env().expect("configured from the environment");
    assert_eq!(client.base_url().as_str(), "http://127.0.0.1:1234/prefix");
}

#[test]
fn from_env_defaults_base_url_and_falls_back_to_parse_key() {
    if !common::in_child() {
        common::run_child(
            "from_env_defaults_base_url_and_falls_back_to_parse_key",
            &[("LLAMA_PARSE_API_KEY", "sk-parse")],
        );
        return;
    }
    let client = Client::from_env().expect("the fallback key variable is read");
    assert_eq!(
        client.base_url().as_str(),
        "https://api.cloud.llamaindex.ai/"
    );
}
