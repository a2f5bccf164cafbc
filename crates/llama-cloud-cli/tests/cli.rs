//! End-to-end tests of the `llamacloud` binary against an in-process mock server.
//!
//! Each test runs the built binary (as a user would) with `--base-url` pointing at a
//! wiremock server, then checks the request it sent, what it printed and its exit
//! code. One test per kind of flag: scalar, repeated list, optional nullable, JSON
//! body, path parameter, and each global flag.
//!
//! These tests are hand-written; the crate around them is generated.

use std::io::Write as _;
use std::process::Output;
use std::time::Duration;

use assert_cmd::assert::OutputAssertExt as _;
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn session() -> Value {
    json!({
        "session_id": "ses-abc123",
        "generated_title": "Q3",
        "last_updated_at": "2026-04-22T12:34:41.342245",
        "index_ids": ["a"],
        "job_metadata": {
            "total_input_tokens": 0, "total_output_tokens": 0, "turns": 0,
            "duration_ms": 0, "is_error": false, "error": null, "export_config_ids": []
        }
    })
}

/// The binary, with the SDK's environment cleared so only the test's flags count.
fn llamacloud() -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_llamacloud"));
    for name in [
        "LLAMA_CLOUD_API_KEY",
        "LLAMA_PARSE_API_KEY",
        "LLAMA_CLOUD_BASE_URL",
        "LLAMA_CLOUD_CUSTOM_HEADERS",
        "LLAMA_CLOUD_LOG",
    ] {
        command.env_remove(name);
    }
    command
}

/// Runs the binary against the server with a key, off the async runtime.
async fn run(server: &MockServer, args: &[&str]) -> Output {
    let mut command = llamacloud();
    command
        .args(["--base-url", &server.uri(), "--api-key", "test-key"])
        .args(args);
    run_command(command, None).await
}

async fn run_command(mut command: std::process::Command, stdin: Option<&str>) -> Output {
    let stdin = stdin.map(str::to_owned);
    tokio::task::spawn_blocking(move || {
        command
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = command.spawn().expect("the binary starts");
        let mut pipe = child.stdin.take().expect("stdin");
        if let Some(text) = stdin {
            pipe.write_all(text.as_bytes()).expect("stdin written");
        }
        drop(pipe);
        child.wait_with_output().expect("the binary runs")
    })
    .await
    .expect("the blocking task")
}

async fn server_answering(response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.expect("recording is on")
}

async fn only_request(server: &MockServer) -> Request {
    let mut all = requests(server).await;
    assert_eq!(all.len(), 1, "expected one request");
    all.remove(0)
}

fn body_of(request: &Request) -> Value {
    serde_json::from_slice(&request.body).expect("a JSON body")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn create_sends_the_index_and_prints_the_response() {
    let server = server_answering(ResponseTemplate::new(201).set_body_json(session())).await;
    let output = run(&server, &["beta:chat", "create", "--index-id", "a"]).await;
    output.clone().assert().success();
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), "/api/v1/chat");
    assert_eq!(body_of(&request), json!({"index_ids": ["a"]}));
    assert_eq!(
        request
            .headers
            .get("authorization")
            .map(|v| v.to_str().unwrap_or_default()),
        Some("Bearer test-key")
    );
    // Not a terminal: one compact JSON document, the response as the SDK decoded it.
    let printed: Value = serde_json::from_str(stdout(&output).trim()).expect("JSON on stdout");
    assert_eq!(printed["session_id"], "ses-abc123");
    assert_eq!(printed["index_ids"], json!(["a"]));
    assert_eq!(stdout(&output).trim().lines().count(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_repeated_flag_sends_a_list_and_the_plural_is_accepted() {
    let server = server_answering(ResponseTemplate::new(201).set_body_json(session())).await;
    run(
        &server,
        &["beta:chat", "create", "--index-id", "a", "--index-id", "b"],
    )
    .await
    .assert()
    .success();
    run(&server, &["beta:chat", "create", "--index-ids", "c"])
        .await
        .assert()
        .success();
    let sent: Vec<Value> = requests(&server).await.iter().map(body_of).collect();
    assert_eq!(
        sent,
        [
            json!({"index_ids": ["a", "b"]}),
            json!({"index_ids": ["c"]})
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_optional_nullable_flag_sends_null_or_nothing() {
    let server = server_answering(ResponseTemplate::new(201).set_body_json(session())).await;
    run(&server, &["beta:chat", "create", "--index-id", "null"])
        .await
        .assert()
        .success();
    run(&server, &["beta:chat", "create"])
        .await
        .assert()
        .success();
    let sent: Vec<Value> = requests(&server).await.iter().map(body_of).collect();
    assert_eq!(sent, [json!({"index_ids": null}), json!({})]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_scalar_flag_is_typed_and_a_bad_value_is_a_usage_error() {
    let server = server_answering(
        ResponseTemplate::new(200).set_body_json(json!({"items": [], "next_page_token": null})),
    )
    .await;
    run(
        &server,
        &[
            "beta:chat",
            "list",
            "--page-size",
            "5",
            "--project-id",
            "p-1",
        ],
    )
    .await
    .assert()
    .success();
    let request = only_request(&server).await;
    assert_eq!(request.url.query(), Some("project_id=p-1&page_size=5"));

    let output = run(&server, &["beta:chat", "list", "--page-size", "five"]).await;
    output.clone().assert().code(2);
    assert!(stderr(&output).contains("--page-size expects an integer, got `five`"));
    assert_eq!(
        requests(&server).await.len(),
        1,
        "nothing sent on a usage error"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn body_takes_json_inline_from_a_file_or_stdin_and_flags_override_it() {
    let server = server_answering(ResponseTemplate::new(201).set_body_json(session())).await;
    run(
        &server,
        &[
            "beta:chat",
            "create",
            "--body",
            r#"{"index_ids": ["x"], "shared_access": "org"}"#,
        ],
    )
    .await
    .assert()
    .success();
    run(
        &server,
        &[
            "beta:chat",
            "create",
            "--body",
            r#"{"index_ids": ["x"]}"#,
            "--index-id",
            "y",
        ],
    )
    .await
    .assert()
    .success();
    let file = std::env::temp_dir().join(format!("llamacloud-body-{}.json", std::process::id()));
    std::fs::write(&file, r#"{"index_ids": ["from-file"]}"#).expect("temp file");
    let at_file = format!("@{}", file.display());
    run(&server, &["beta:chat", "create", "--body", &at_file])
        .await
        .assert()
        .success();
    let _ = std::fs::remove_file(&file);
    let mut command = llamacloud();
    command.args([
        "--base-url",
        &server.uri(),
        "--api-key",
        "k",
        "beta:chat",
        "create",
        "--body",
        "-",
    ]);
    run_command(command, Some(r#"{"index_ids": ["from-stdin"]}"#))
        .await
        .assert()
        .success();

    let sent: Vec<Value> = requests(&server).await.iter().map(body_of).collect();
    assert_eq!(
        sent,
        [
            // A field the spec does not declare is sent as given.
            json!({"index_ids": ["x"], "shared_access": "org"}),
            json!({"index_ids": ["y"]}),
            json!({"index_ids": ["from-file"]}),
            json!({"index_ids": ["from-stdin"]}),
        ]
    );

    let output = run(&server, &["beta:chat", "create", "--body", "{not json"]).await;
    output.clone().assert().code(2);
    assert!(stderr(&output).contains("--body is not JSON"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_path_parameter_is_a_flag_and_is_required() {
    let server = server_answering(ResponseTemplate::new(200).set_body_json(session())).await;
    run(
        &server,
        &["beta:chat", "get-summary", "--session-id", "ses 1/2"],
    )
    .await
    .assert()
    .success();
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(request.url.path(), "/api/v1/chat/ses%201%2F2/summary");

    let output = run(&server, &["beta:chat", "get-summary"]).await;
    output.clone().assert().code(2);
    assert!(stderr(&output).contains("--session-id is required"));
}

#[tokio::test(flavor = "multi_thread")]
async fn api_errors_exit_1_with_the_status_and_body_on_stderr() {
    let server = server_answering(
        ResponseTemplate::new(404).set_body_json(json!({"detail": "Session not found"})),
    )
    .await;
    let output = run(
        &server,
        &["beta:chat", "get-summary", "--session-id", "nope"],
    )
    .await;
    output.clone().assert().code(1);
    assert!(stdout(&output).is_empty());
    let err = stderr(&output);
    assert!(err.contains("404 Not Found"), "{err}");
    assert!(err.contains("Session not found"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn usage_errors_exit_2_and_help_comes_from_the_spec() {
    let output = run_command(
        {
            let mut command = llamacloud();
            command.args(["beta:chat", "create", "--no-such-flag"]);
            command
        },
        None,
    )
    .await;
    output.clone().assert().code(2);

    let output = run_command(
        {
            let mut command = llamacloud();
            command.args(["beta:chat", "create", "--help"]);
            command
        },
        None,
    )
    .await;
    output.clone().assert().success();
    let help = stdout(&output);
    assert!(
        help.contains("Create a chat session, optionally bound to indexes"),
        "{help}"
    );
    assert!(help.contains("--index-id"), "{help}");
    assert!(help.contains("--body"), "{help}");

    // No key anywhere: a usage error naming how to give one, before any request.
    let server = server_answering(ResponseTemplate::new(201).set_body_json(session())).await;
    let output = run_command(
        {
            let mut command = llamacloud();
            command.args(["--base-url", &server.uri(), "beta:chat", "create"]);
            command
        },
        None,
    )
    .await;
    output.clone().assert().code(2);
    assert!(stderr(&output).contains("LLAMA_CLOUD_API_KEY"));
    assert!(requests(&server).await.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_key_and_base_url_default_to_the_environment() {
    let server = server_answering(ResponseTemplate::new(201).set_body_json(session())).await;
    let mut command = llamacloud();
    command
        .env("LLAMA_CLOUD_API_KEY", "env-key")
        .env("LLAMA_CLOUD_BASE_URL", server.uri())
        .args(["beta:chat", "create"]);
    run_command(command, None).await.assert().success();
    let request = only_request(&server).await;
    assert_eq!(
        request
            .headers
            .get("authorization")
            .map(|v| v.to_str().unwrap_or_default()),
        Some("Bearer env-key")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn max_retries_and_timeout_are_passed_to_the_client() {
    let server = server_answering(ResponseTemplate::new(500).set_body_string("down")).await;
    let output = run(
        &server,
        &[
            "--max-retries",
            "0",
            "beta:chat",
            "get-summary",
            "--session-id",
            "s",
        ],
    )
    .await;
    output.clone().assert().code(1);
    assert_eq!(
        requests(&server).await.len(),
        1,
        "no retry with --max-retries 0"
    );
    assert!(stderr(&output).contains("500"));

    let slow = server_answering(
        ResponseTemplate::new(200)
            .set_body_json(session())
            .set_delay(Duration::from_secs(5)),
    )
    .await;
    let started = std::time::Instant::now();
    let output = run(
        &slow,
        &[
            "--timeout",
            "0.2",
            "--max-retries",
            "0",
            "beta:chat",
            "get-summary",
            "--session-id",
            "s",
        ],
    )
    .await;
    output.clone().assert().code(1);
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "the timeout cut the call short"
    );
    assert!(
        stderr(&output).to_lowercase().contains("timed out"),
        "{}",
        stderr(&output)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn debug_logs_the_request_and_response_with_the_key_redacted() {
    let server = server_answering(ResponseTemplate::new(201).set_body_json(session())).await;
    let output = run(
        &server,
        &["--debug", "beta:chat", "create", "--index-id", "a"],
    )
    .await;
    output.clone().assert().success();
    let log = stderr(&output);
    assert!(log.contains("sending request"), "{log}");
    assert!(log.contains("/api/v1/chat"), "{log}");
    assert!(
        !log.contains("index_ids"),
        "bodies only with --log-bodies: {log}"
    );
    assert!(!log.contains("test-key"), "the key leaked: {log}");
    let output = run(
        &server,
        &[
            "--debug",
            "--log-bodies",
            "beta:chat",
            "create",
            "--index-id",
            "a",
        ],
    )
    .await;
    let log = stderr(&output);
    assert!(log.contains("index_ids"), "{log}");
    assert!(log.contains("response body"), "{log}");
    assert!(log.contains("ses-abc123"), "{log}");
    assert!(!log.contains("test-key"), "the key leaked: {log}");
}

#[tokio::test(flavor = "multi_thread")]
async fn format_yaml_and_raw() {
    let raw_body = r#"{"session_id":"ses-abc123","generated_title":"Q3","last_updated_at":"2026-04-22T12:34:41.342245","index_ids":["a"],"job_metadata":{"total_input_tokens":0,"total_output_tokens":0,"turns":0,"duration_ms":0,"is_error":false,"error":null,"export_config_ids":[]},"unknown_field":1}"#;
    let server = server_answering(
        ResponseTemplate::new(201).set_body_raw(raw_body.as_bytes().to_vec(), "application/json"),
    )
    .await;
    let output = run(&server, &["--format", "yaml", "beta:chat", "create"]).await;
    output.clone().assert().success();
    assert!(
        stdout(&output).contains("session_id: ses-abc123\n"),
        "{}",
        stdout(&output)
    );

    let output = run(&server, &["--format", "raw", "beta:chat", "create"]).await;
    output.clone().assert().success();
    assert_eq!(stdout(&output), format!("{raw_body}\n"));
}

#[tokio::test(flavor = "multi_thread")]
async fn list_reads_every_page_and_stops_at_max_items() {
    let server = MockServer::start().await;
    let summary = |id: &str| {
        let mut item = session();
        item["session_id"] = json!(id);
        item
    };
    Mock::given(method("GET"))
        .and(path("/api/v1/chat"))
        .and(query_param("page_token", "tok-2"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"items": [summary("s3")], "next_page_token": null})),
        )
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/chat"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"items": [summary("s1"), summary("s2")], "next_page_token": "tok-2"}),
        ))
        .with_priority(2)
        .mount(&server)
        .await;

    let output = run(&server, &["beta:chat", "list"]).await;
    output.clone().assert().success();
    let ids: Vec<Value> = stdout(&output)
        .lines()
        .map(|line| {
            serde_json::from_str::<Value>(line).expect("one JSON item per line")["session_id"]
                .clone()
        })
        .collect();
    assert_eq!(ids, [json!("s1"), json!("s2"), json!("s3")]);
    assert_eq!(requests(&server).await.len(), 2);

    let output = run(&server, &["--max-items", "1", "beta:chat", "list"]).await;
    output.clone().assert().success();
    assert_eq!(stdout(&output).lines().count(), 1);
    assert_eq!(
        requests(&server).await.len(),
        3,
        "one page read for one item"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn stream_prints_each_event_as_a_json_line() {
    let events = concat!(
        "data: {\"type\": \"text\", \"content\": \"Q3 \"}\n\n",
        "data: {\"type\": \"text\", \"content\": \"grew.\"}\n\n",
    );
    let server = server_answering(
        ResponseTemplate::new(200).set_body_raw(events.as_bytes().to_vec(), "text/event-stream"),
    )
    .await;
    let output = run(
        &server,
        &[
            "beta:chat",
            "stream",
            "--session-id",
            "ses-1",
            "--index-id",
            "idx-1",
            "--prompt",
            "What changed?",
        ],
    )
    .await;
    output.clone().assert().success();
    let request = only_request(&server).await;
    assert_eq!(request.url.path(), "/api/v1/chat/ses-1/messages/stream");
    assert_eq!(
        body_of(&request),
        json!({"index_ids": ["idx-1"], "prompt": "What changed?"})
    );
    let lines: Vec<Value> = stdout(&output)
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON event per line"))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["content"], "Q3 ");
    assert_eq!(lines[1]["type"], "text");
}

#[tokio::test(flavor = "multi_thread")]
async fn help_never_shows_a_secret_from_the_environment() {
    let mut command = llamacloud();
    command
        .env("LLAMA_CLOUD_API_KEY", "sk-help-secret")
        .env(
            "LLAMA_CLOUD_BASE_URL",
            "https://user:pw-help-secret@api.example.com",
        )
        .arg("--help");
    let output = run_command(command, None).await;
    let help = stdout(&output);
    assert!(help.contains("--base-url"), "{help}");
    assert!(!help.contains("help-secret"), "{help}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_post_search_pages_with_the_cursor_in_its_body() {
    let server = MockServer::start().await;
    let entry = |id: &str| json!({"file_id": id, "file_name": format!("{id}.pdf")});
    Mock::given(method("POST"))
        .and(path("/api/v1/retrieval/files/find"))
        .and(wiremock::matchers::body_partial_json(
            json!({"page_token": "t2"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"items": [entry("f3")]})))
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/retrieval/files/find"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"items": [entry("f1"), entry("f2")], "next_page_token": "t2"}),
            ),
        )
        .with_priority(2)
        .mount(&server)
        .await;

    let output = run(&server, &["retrieval", "find", "--index-id", "idx-1"]).await;
    output.clone().assert().success();
    let ids: Vec<Value> = stdout(&output)
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).expect("JSON")["file_id"].clone())
        .collect();
    assert_eq!(ids, [json!("f1"), json!("f2"), json!("f3")]);
    let bodies: Vec<Value> = requests(&server).await.iter().map(body_of).collect();
    assert_eq!(
        bodies,
        [
            json!({"index_id": "idx-1"}),
            json!({"index_id": "idx-1", "page_token": "t2"}),
        ]
    );

    let output = run(
        &server,
        &[
            "--max-items",
            "2",
            "retrieval",
            "find",
            "--index-id",
            "idx-1",
        ],
    )
    .await;
    output.clone().assert().success();
    assert_eq!(stdout(&output).lines().count(), 2);
    assert_eq!(
        requests(&server).await.len(),
        3,
        "one page read for two items"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_offset_list_pages_until_its_total_and_stops_at_max_items() {
    let server = MockServer::start().await;
    let file = |id: &str| json!({"id": id, "pipeline_id": "pl-1"});
    Mock::given(method("GET"))
        .and(path("/api/v1/pipelines/pl-1/files2"))
        .and(query_param("offset", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"files": [file("c")], "limit": 2, "offset": 2, "total_count": 3}),
        ))
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/pipelines/pl-1/files2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"files": [file("a"), file("b")], "limit": 2, "offset": 0, "total_count": 3}),
        ))
        .with_priority(2)
        .mount(&server)
        .await;

    let output = run(
        &server,
        &["pipelines:files", "list", "--pipeline-id", "pl-1"],
    )
    .await;
    output.clone().assert().success();
    assert_eq!(stdout(&output).lines().count(), 3);
    assert_eq!(
        requests(&server).await.len(),
        2,
        "no request past the total"
    );

    let output = run(
        &server,
        &[
            "--max-items",
            "1",
            "pipelines:files",
            "list",
            "--pipeline-id",
            "pl-1",
        ],
    )
    .await;
    output.clone().assert().success();
    assert_eq!(stdout(&output).lines().count(), 1);
    assert_eq!(requests(&server).await.len(), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn parsing_parse_uploads_waits_and_prints_the_result() {
    let server = MockServer::start().await;
    let job = |status: &str| json!({"id": "pjb-1", "project_id": "prj-1", "status": status});
    Mock::given(method("POST"))
        .and(path("/api/v2/parse/upload"))
        .respond_with(ResponseTemplate::new(200).set_body_json(job("PENDING")))
        .mount(&server)
        .await;
    let polls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = std::sync::Arc::clone(&polls);
    Mock::given(method("GET"))
        .and(path("/api/v2/parse/pjb-1"))
        .respond_with(move |_: &Request| {
            let n = counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let body = if n < 2 {
                json!({"job": job("RUNNING")})
            } else {
                json!({"job": job("COMPLETED"), "markdown": {"pages": [
                    {"page_number": 1, "markdown": "# Q3", "success": true}
                ]}})
            };
            ResponseTemplate::new(200).set_body_json(body)
        })
        .mount(&server)
        .await;
    let mut file = tempfile_path("report.pdf");
    std::fs::File::create(&file)
        .and_then(|mut f| f.write_all(b"%PDF-1.7"))
        .expect("temp file");

    let output = run(
        &server,
        &[
            "parsing",
            "parse",
            "--file",
            file.to_str().expect("utf-8 path"),
            "--configuration",
            r#"{"tier": "fast", "version": "latest"}"#,
            "--expand",
            "markdown",
            "--poll-interval",
            "0.01",
            "--project-id",
            "prj-1",
        ],
    )
    .await;
    output.clone().assert().success();
    let printed: Value = serde_json::from_str(&stdout(&output)).expect("one JSON document");
    assert_eq!(printed["job"]["status"], "COMPLETED");
    assert_eq!(printed["markdown"]["pages"][0]["markdown"], "# Q3");
    let requests = requests(&server).await;
    assert_eq!(requests.len(), 4, "the upload, then three polls");
    assert_eq!(
        requests[0].url.query(),
        Some("project_id=prj-1"),
        "the shared flag reaches the upload"
    );
    for poll in &requests[1..] {
        assert_eq!(
            poll.url.query(),
            Some("expand=markdown&project_id=prj-1"),
            "and every poll"
        );
    }
    let body = String::from_utf8_lossy(&requests[0].body);
    assert!(body.contains("filename=\"report.pdf\""), "{body}");

    let bad = run(
        &server,
        &[
            "parsing",
            "parse",
            "--file",
            file.to_str().unwrap(),
            "--configuration",
            "{}",
            "--poll-interval",
            "-1",
        ],
    )
    .await;
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));
    file.pop();
    let _ = std::fs::remove_dir_all(&file);
}

/// A fresh path `name` in a new temporary directory.
fn tempfile_path(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "llamacloud-cli-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join(name)
}
