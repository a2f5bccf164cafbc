//! The blocking client (cargo feature `blocking`) against a mock server that runs on
//! its own Tokio runtime, as a program without an async runtime would use it.
#![cfg(feature = "blocking")]

use llama_cloud::blocking::Client;
use llama_cloud::types::{ChatCreateParams, ChatEvent, ChatListParams, ChatStreamParams};
use serde_json::json;
use wiremock::matchers::{body_json, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn server() -> (tokio::runtime::Runtime, MockServer) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime for the mock server");
    let server = runtime.block_on(MockServer::start());
    (runtime, server)
}

fn client(server: &MockServer) -> Client {
    let inner = llama_cloud::Client::builder()
        .api_key("sk-blocking")
        .base_url(server.uri())
        .build()
        .expect("builds");
    Client::new(inner).expect("blocking client")
}

#[test]
fn create_returns_the_result_directly() {
    let (runtime, server) = server();
    runtime.block_on(
        Mock::given(method("POST"))
            .and(path("/api/v1/chat"))
            .and(body_json(json!({"index_ids": ["idx-1"]})))
            .respond_with(ResponseTemplate::new(201).set_body_json(json!({
                "session_id": "ses-blocking", "last_updated_at": "t"
            })))
            .expect(1)
            .mount(&server),
    );
    let chat = client(&server)
        .beta()
        .chat()
        .create(ChatCreateParams::default().index_ids(["idx-1"]))
        .expect("create succeeds");
    assert_eq!(chat.session_id, "ses-blocking");
}

#[test]
fn list_iterates_over_every_page() {
    let (runtime, server) = server();
    runtime.block_on(async {
        Mock::given(query_param_is_missing("page_token"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "items": [{"session_id": "a", "last_updated_at": "t"}], "next_page_token": "p2"
            })))
            .mount(&server)
            .await;
        Mock::given(query_param("page_token", "p2"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "items": [{"session_id": "b", "last_updated_at": "t"}]
            })))
            .mount(&server)
            .await;
    });
    let page = client(&server)
        .beta()
        .chat()
        .list(ChatListParams::default())
        .expect("first page");
    assert_eq!(page.items().len(), 1);
    assert!(page.has_next_page());
    let ids: Vec<String> = page
        .into_iter()
        .map(|item| item.expect("item").session_id)
        .collect();
    assert_eq!(ids, ["a", "b"]);
}

#[test]
fn stream_yields_typed_events() {
    let (runtime, server) = server();
    let body = "data: {\"type\": \"text_delta\", \"content\": \"hi\"}\n\ndata: [DONE]\n\n";
    runtime.block_on(
        Mock::given(path("/api/v1/chat/s/messages/stream"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_raw(body.as_bytes().to_vec(), "text/event-stream"),
            )
            .mount(&server),
    );
    let events: Vec<_> = client(&server)
        .beta()
        .chat()
        .stream("s", ChatStreamParams::new(["idx"], "q"))
        .expect("stream opens")
        .collect();
    assert!(
        matches!(&events[..], [Ok(ChatEvent::TextDelta(e))] if e.content == "hi"),
        "{events:?}"
    );
}

#[test]
fn per_call_options_go_through_send() {
    let (runtime, server) = server();
    runtime.block_on(
        Mock::given(wiremock::matchers::header("x-extra", "1"))
            .respond_with(ResponseTemplate::new(201).set_body_json(json!({
                "session_id": "s", "last_updated_at": "t"
            })))
            .expect(1)
            .mount(&server),
    );
    let client = client(&server);
    let call = client
        .async_client()
        .beta()
        .chat()
        .create(ChatCreateParams::default())
        .header("x-extra", "1");
    assert_eq!(client.send(call).expect("sent").session_id, "s");
}

#[test]
fn a_job_is_waited_for_without_an_async_runtime() {
    let (runtime, server) = server();
    let polls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = std::sync::Arc::clone(&polls);
    runtime.block_on(
        Mock::given(method("GET"))
            .and(path("/api/v2/parse/pjb-1"))
            .respond_with(move |_: &wiremock::Request| {
                let n = counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let status = if n == 0 { "RUNNING" } else { "COMPLETED" };
                ResponseTemplate::new(200).set_body_json(json!({
                    "job": {"id": "pjb-1", "project_id": "prj-1", "status": status}
                }))
            })
            .mount(&server),
    );
    let options = llama_cloud::PollOptions::default().interval(std::time::Duration::from_millis(5));
    let done = client(&server)
        .parsing()
        .wait_for_completion(
            "pjb-1",
            llama_cloud::types::ParsingGetParams::default(),
            &options,
        )
        .expect("the job completes");
    assert_eq!(done.job.status.as_str(), "COMPLETED");
    assert_eq!(polls.load(std::sync::atomic::Ordering::SeqCst), 2);
}
