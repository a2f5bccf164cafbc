//! Configuration from the environment, and what the logs it switches on may show.
//!
//! Each test re-runs itself as a child process with the variables set, so no test
//! changes the environment another test reads.

mod common;

use llama_cloud::Client;
use llama_cloud::types::ChatGetSummaryParams;
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "sk-env-secret-0123456789";
/// In the child: one request to a mock server with a client from the environment.
async fn one_request() -> Vec<wiremock::Request> {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "session_id": "s", "last_updated_at": "t"
        })))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .build()
        .expect("the key comes from the environment");
    client
        .beta()
        .chat()
        .get_summary("s", ChatGetSummaryParams::default())
        .await
        .expect("request succeeds");
    server.received_requests().await.expect("recorded")
}

#[tokio::test]
async fn custom_headers_come_from_the_environment() {
    if !common::in_child() {
        common::run_child(
            "custom_headers_come_from_the_environment",
            &[
                ("LLAMA_CLOUD_API_KEY", KEY),
                (
                    "LLAMA_CLOUD_CUSTOM_HEADERS",
                    "X-One: 1\nX-Two:  second value \n\nnot a header",
                ),
            ],
        );
        return;
    }
    let seen = one_request().await;
    let header = |name: &str| {
        seen[0]
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    assert_eq!(header("x-one").as_deref(), Some("1"));
    assert_eq!(header("x-two").as_deref(), Some("second value"));
}

#[tokio::test]
async fn debug_logs_show_requests_but_never_the_key() {
    if !common::in_child() {
        let output = common::run_child(
            "debug_logs_show_requests_but_never_the_key",
            &[("LLAMA_CLOUD_API_KEY", KEY), ("LLAMA_CLOUD_LOG", "debug")],
        );
        let logs = String::from_utf8_lossy(&output.stderr);
        assert!(
            logs.contains("sending request"),
            "debug logs the request:\n{logs}"
        );
        assert!(logs.contains("beta.chat.get_summary"), "{logs}");
        assert!(
            logs.contains("authorization"),
            "the header is listed:\n{logs}"
        );
        assert!(
            logs.contains("[redacted]"),
            "with its value redacted:\n{logs}"
        );
        assert!(!logs.contains(KEY), "the key never reaches a log:\n{logs}");
        assert!(!String::from_utf8_lossy(&output.stdout).contains(KEY));
        return;
    }
    one_request().await;
}

#[tokio::test]
async fn info_logs_are_quieter_and_off_is_silent() {
    if !common::in_child() {
        for (level, expect_any) in [("info", false), ("off", false), ("error", false)] {
            let output = common::run_child(
                "info_logs_are_quieter_and_off_is_silent",
                &[("LLAMA_CLOUD_API_KEY", KEY), ("LLAMA_CLOUD_LOG", level)],
            );
            let logs = String::from_utf8_lossy(&output.stderr);
            assert_eq!(
                logs.contains("sending request"),
                expect_any,
                "{level}: {logs}"
            );
            assert!(!logs.contains(KEY), "{level}: {logs}");
        }
        return;
    }
    one_request().await;
}

#[tokio::test]
async fn debug_logs_redact_every_secret_header_and_leave_bodies_out() {
    if !common::in_child() {
        let output = common::run_child(
            "debug_logs_redact_every_secret_header_and_leave_bodies_out",
            &[
                ("LLAMA_CLOUD_API_KEY", KEY),
                ("LLAMA_CLOUD_LOG", "debug"),
                ("LLAMA_CLOUD_CUSTOM_HEADERS", "X-Env-Token: env-secret"),
            ],
        );
        let logs = String::from_utf8_lossy(&output.stderr);
        assert!(logs.contains("sending request"), "{logs}");
        for secret in [
            "env-secret",
            "builder-secret",
            "call-secret",
            "body-secret",
            KEY,
        ] {
            assert!(!logs.contains(secret), "{secret} reached the log:\n{logs}");
        }
        assert!(
            logs.contains("x-env-token"),
            "the header is listed:\n{logs}"
        );
        return;
    }
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(201).set_body_json(
            serde_json::json!({"session_id": "s", "last_updated_at": "t", "note": "body-secret"}),
        ))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .header("x-service-key", "builder-secret")
        .build()
        .unwrap();
    let _ = client
        .beta()
        .chat()
        .create(llama_cloud::types::ChatCreateParams::default().index_ids(["body-secret"]))
        .header("x-session-token", "call-secret")
        .await;
}
