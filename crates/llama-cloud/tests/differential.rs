//! The Rust SDK against the official Python SDK: the same inputs, the same requests.
//!
//! Each case is written twice with the same inputs: here with the Rust SDK, and in
//! `tests/differential/oracle.py` with LlamaCloud's published Python SDK
//! (`llama-cloud` 2.19.0 from PyPI, in a venv under `target/pyoracle`, which
//! `.ci/run` installs). Both run against recording mock servers of their own, one per
//! case, and the requests are compared: method, path, query, body (JSON parsed with
//! its types; multipart parsed into parts), and the headers either SDK decides.
//! Every difference must be listed in [`KNOWN_DIFFERENCES`] with its reason (they are
//! documented in `docs/DIFFERENCES.md`), and every listed difference must still occur.
//!
//! Without the venv the test says so and passes; with `DIFFERENTIAL_REQUIRE_PYTHON=1`
//! (CI) a missing venv fails it. `LLAMA_CLOUD_ORACLE_PYTHON` names another interpreter.
//! Hand-written: `cargo xtask generate` leaves files without its header alone.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;

use llama_cloud::types::{
    AgentDataSearchParams, ChatCreateParams, ChatDeleteParams, ChatGetSummaryParams,
    ChatListParams, ChatRetrieveParams, ChatStreamParams, CloudDocumentCreate,
    DocumentsCreateParams, ExtractConfiguration, ExtractConfigurationDataSchemaValue,
    ExtractCreateParams, FilesCreateParams, FilterOperation, FilterOperationEq, FilterOperationLte,
    LlamaParseCropBox, OpenAIEmbedding, OpenAIEmbeddingConfig, ParseRequestConfiguration,
    ParsingCreateParams, ParsingUploadParams, PipelineFileCreate, PipelinesFilesCreateParams,
    PipelinesListParams, PipelinesUpdateParams, RetrieverPipeline, RetrieversSearchParams,
};
use llama_cloud::{Client, FileUpload};
use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

type Run = for<'a> fn(&'a Client) -> Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

/// Ignores what a call returned: the request is what is compared.
async fn sent<T>(call: llama_cloud::Call<T>) {
    let _ = call.send_raw().await;
}

/// The Rust half of each case; the Python half has the same name in `oracle.py`.
const CASES: &[(&str, Run)] = &[
    ("chat_create", |c| {
        Box::pin(sent(
            c.beta().chat().create(
                ChatCreateParams::default()
                    .index_ids(["idx-1", "idx-2"])
                    .project_id("proj-1"),
            ),
        ))
    }),
    ("chat_create_unbound", |c| {
        Box::pin(sent(
            c.beta()
                .chat()
                .create(ChatCreateParams::default().index_ids_null()),
        ))
    }),
    ("chat_list", |c| {
        Box::pin(sent(c.beta().chat().list(
            ChatListParams::default().page_size(10).page_token("tok-1"),
        )))
    }),
    ("chat_retrieve", |c| {
        Box::pin(sent(c.beta().chat().retrieve(
            "ses-1",
            ChatRetrieveParams::default().organization_id("org-1"),
        )))
    }),
    ("chat_delete", |c| {
        Box::pin(sent(
            c.beta().chat().delete("ses-1", ChatDeleteParams::default()),
        ))
    }),
    ("chat_get_summary", |c| {
        Box::pin(sent(
            c.beta()
                .chat()
                .get_summary("ses-1", ChatGetSummaryParams::default()),
        ))
    }),
    ("chat_stream", |c| {
        Box::pin(sent(c.beta().chat().stream(
            "ses-1",
            ChatStreamParams::new(["idx-1"], "What changed in Q3?"),
        )))
    }),
    ("pipelines_update_embedding_key", |c| {
        let embedding = OpenAIEmbeddingConfig::default()
            .component(OpenAIEmbedding::default().api_key("sk-emb"));
        #[allow(deprecated, reason = "the published SDK's `pipelines.update` route")]
        let call = c.pipelines().update(
            "pl-1",
            PipelinesUpdateParams::default().embedding_config(embedding),
        );
        Box::pin(sent(call))
    }),
    ("pipelines_update_name_null", |c| {
        #[allow(deprecated, reason = "the published SDK's `pipelines.update` route")]
        let call = c.pipelines().update(
            "pl-1",
            PipelinesUpdateParams::default()
                .name_null()
                .data_sink_id("ds-1"),
        );
        Box::pin(sent(call))
    }),
    ("extract_create", |c| {
        let properties = json!({"total": {"type": "number"}});
        let schema = BTreeMap::from([
            (
                "type".to_owned(),
                Some(ExtractConfigurationDataSchemaValue::string("object")),
            ),
            (
                "properties".to_owned(),
                Some(ExtractConfigurationDataSchemaValue::object(
                    properties.as_object().cloned().unwrap_or_default(),
                )),
            ),
        ]);
        Box::pin(sent(
            c.extract().create(
                ExtractCreateParams::new("file-1")
                    .configuration(ExtractConfiguration::new(schema).tier("agentic")),
            ),
        ))
    }),
    ("parsing_create", |c| {
        Box::pin(sent(
            c.parsing().create(
                ParsingCreateParams::new("fast", "latest")
                    .source_url("https://example.com/report.pdf")
                    .crop_box(LlamaParseCropBox::default().top(0.1).left(0))
                    .disable_cache(true),
            ),
        ))
    }),
    ("parsing_create_upload", |c| {
        Box::pin(sent(c.parsing().upload(ParsingUploadParams::new(
            FileUpload::new(&b"%PDF-1.7 test"[..]).filename("report.pdf"),
            ParseRequestConfiguration::new("cost_effective", "2026-06-15"),
        ))))
    }),
    ("files_create", |c| {
        Box::pin(sent(
            c.files().create(FilesCreateParams::new(
                "user_data",
                FileUpload::new(&b"hello world"[..])
                    .filename("notes.txt")
                    .content_type("text/plain"),
            )),
        ))
    }),
    ("pipelines_documents_create", |c| {
        let metadata = json!({"page": 1, "score": 0.5, "tag": null});
        let document =
            CloudDocumentCreate::new("hello", metadata.as_object().cloned().unwrap_or_default());
        #[allow(
            deprecated,
            reason = "the published SDK's `pipelines.documents.create` route"
        )]
        Box::pin(sent(
            c.pipelines()
                .documents()
                .create("pl-1", DocumentsCreateParams::new([document])),
        ))
    }),
    ("pipelines_files_create", |c| {
        let custom = json!({"k": "v"});
        let files = vec![
            PipelineFileCreate::new("f-1"),
            PipelineFileCreate::new("f-2")
                .custom_metadata(serde_json::from_value(custom).unwrap_or_default()),
        ];
        #[allow(
            deprecated,
            reason = "the published SDK's `pipelines.files.create` route"
        )]
        let call = c
            .pipelines()
            .files()
            .create("pl-1", PipelinesFilesCreateParams::new(files));
        Box::pin(sent(call))
    }),
    ("agent_data_search", |c| {
        let filter = BTreeMap::from([
            (
                "status".to_owned(),
                FilterOperation::default().eq(FilterOperationEq::string("done")),
            ),
            (
                "n".to_owned(),
                FilterOperation::default().lte(FilterOperationLte::number(3)),
            ),
        ]);
        Box::pin(sent(
            c.beta().agent_data().search(
                AgentDataSearchParams::new("agent-1")
                    .filter(filter)
                    .page_size(5),
            ),
        ))
    }),
    ("pipelines_list", |c| {
        #[allow(deprecated, reason = "the published SDK's `pipelines.list` route")]
        Box::pin(sent(
            c.pipelines().list(
                PipelinesListParams::default()
                    .project_id("proj-1")
                    .pipeline_name("docs"),
            ),
        ))
    }),
    ("retrievers_search", |c| {
        let pipeline = RetrieverPipeline::new("pl-1")
            .name("docs")
            .description("All docs");
        Box::pin(sent(
            c.retrievers().search(
                RetrieversSearchParams::new("q3 revenue")
                    .pipelines([pipeline])
                    .rerank_top_n(3),
            ),
        ))
    }),
];

/// Differences kept on purpose: (case or `*` for every case, what differs, why).
/// `docs/DIFFERENCES.md` gives the same list for readers.
const KNOWN_DIFFERENCES: &[(&str, &str, &str)] = &[
    (
        "chat_delete",
        "header content-type",
        "a request without a body carries no Content-Type; the Python SDK sends `application/json` with an empty DELETE",
    ),
    (
        "chat_delete",
        "header accept",
        "every Rust call asks for `application/json` unless the response is another media type; the Python SDK asks for `*/*` where it expects no body",
    ),
    (
        "chat_stream",
        "header accept",
        "the spec declares the turn as JSON, but the server streams events: the Rust SDK asks for `text/event-stream` and returns typed events",
    ),
];

/// Headers that name the SDK rather than the request: each SDK sends its own.
const OWN_HEADERS: &[&str] = &[
    "user-agent",
    "x-stainless-lang",
    "x-stainless-package-version",
    "x-stainless-runtime",
    "x-stainless-runtime-version",
    // Python says whether its client is the sync or the async one.
    "x-stainless-async",
    // httpx asks for gzip and deflate; reqwest's decoders take gzip, br and zstd.
    "accept-encoding",
    // Transport details: both send a length for in-memory bodies.
    "host",
    "connection",
    "content-length",
];

/// A request reduced to what either SDK decides.
fn normalize(request: &Request) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    out.insert("method".to_owned(), request.method.to_string());
    out.insert("path".to_owned(), request.url.path().to_owned());
    let mut query: Vec<(String, String)> = request
        .url
        .query_pairs()
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    query.sort();
    out.insert("query".to_owned(), format!("{query:?}"));
    for (name, value) in &request.headers {
        let name = name.as_str().to_ascii_lowercase();
        if OWN_HEADERS.contains(&name.as_str()) {
            continue;
        }
        let value = value.to_str().unwrap_or("<binary>");
        // The boundary is random; the media type is what matters.
        let value = if name == "content-type" {
            value.split(';').next().unwrap_or("").trim().to_owned()
        } else {
            value.to_owned()
        };
        out.insert(format!("header {name}"), value);
    }
    out.insert(
        "chunked".to_owned(),
        request
            .headers
            .contains_key("transfer-encoding")
            .to_string(),
    );
    out.insert("body".to_owned(), body_view(request));
    out
}

/// The body as a comparable text: JSON parsed (so spacing and key order do not
/// count, but `3` and `3.0` do), multipart split into its parts.
fn body_view(request: &Request) -> String {
    let content_type = request
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if request.body.is_empty() {
        return String::new();
    }
    if let Some(boundary) = content_type
        .split(';')
        .find_map(|part| part.trim().strip_prefix("boundary="))
    {
        let boundary = format!("--{}", boundary.trim_matches('"'));
        let text = String::from_utf8_lossy(&request.body);
        let mut parts: Vec<String> = text
            .split(boundary.as_str())
            .filter(|part| !part.trim().is_empty() && part.trim() != "--")
            .map(|part| {
                let (head, content) = part.split_once("\r\n\r\n").unwrap_or((part, ""));
                let content = content.trim_end_matches("\r\n");
                let mut head: Vec<String> = head
                    .lines()
                    .map(str::trim)
                    .filter(|line| !line.is_empty())
                    .map(str::to_ascii_lowercase)
                    .collect();
                head.sort();
                let content = serde_json::from_str::<Value>(content).map_or_else(
                    |_| content.to_owned(),
                    |v| format!("json {}", canonical(&v)),
                );
                format!("{head:?} => {content}")
            })
            .collect();
        parts.sort();
        return parts.join("\n");
    }
    match serde_json::from_slice::<Value>(&request.body) {
        Ok(value) => format!("json {}", canonical(&value)),
        Err(_) => String::from_utf8_lossy(&request.body).into_owned(),
    }
}

/// A JSON value with its object keys sorted, numbers as parsed (`3` is not `3.0`).
fn canonical(value: &Value) -> String {
    match value {
        Value::Object(map) => {
            let sorted: BTreeMap<&String, String> =
                map.iter().map(|(k, v)| (k, canonical(v))).collect();
            format!("{sorted:?}")
        }
        Value::Array(items) => format!("{:?}", items.iter().map(canonical).collect::<Vec<_>>()),
        other => format!("{other:?}"),
    }
}

fn python() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("LLAMA_CLOUD_ORACLE_PYTHON") {
        return Some(PathBuf::from(path));
    }
    let venv = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/pyoracle/bin/python");
    venv.exists().then_some(venv)
}

async fn recording_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&server)
        .await;
    server
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_match_the_official_python_sdk() {
    let Some(python) = python() else {
        assert!(
            std::env::var_os("DIFFERENTIAL_REQUIRE_PYTHON").is_none(),
            "DIFFERENTIAL_REQUIRE_PYTHON is set but there is no venv at target/pyoracle (`.ci/run` makes it)"
        );
        eprintln!(
            "skipped: no Python SDK venv at target/pyoracle (run `bash .ci/run`, or set LLAMA_CLOUD_ORACLE_PYTHON)"
        );
        return;
    };
    let mut python_servers = Vec::new();
    let mut targets = serde_json::Map::new();
    for (name, _) in CASES {
        let server = recording_server().await;
        targets.insert((*name).to_owned(), Value::String(server.uri()));
        python_servers.push(server);
    }
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/differential/oracle.py");
    let input = Value::Object(targets).to_string();
    // The oracle blocks this thread; the mock servers answer it from the others.
    let oracle = tokio::task::spawn_blocking(move || {
        use std::io::Write as _;
        let mut child = std::process::Command::new(&python)
            .arg(&script)
            .stdin(std::process::Stdio::piped())
            .spawn()
            .expect("the oracle starts");
        child
            .stdin
            .take()
            .expect("stdin is piped")
            .write_all(input.as_bytes())
            .expect("the oracle reads its cases");
        child.wait().expect("the oracle runs")
    });
    let status = tokio::time::timeout(std::time::Duration::from_secs(120), oracle)
        .await
        .expect("the oracle finishes within two minutes")
        .expect("the oracle thread ends");
    assert!(status.success(), "the oracle failed: {status}");

    let mut differences = BTreeSet::new();
    for ((name, run), python_server) in CASES.iter().zip(&python_servers) {
        let rust_server = recording_server().await;
        let client = Client::builder()
            .api_key("sk-test")
            .base_url(rust_server.uri())
            .max_retries(0)
            .build()
            .expect("client builds");
        run(&client).await;
        let python_requests = python_server.received_requests().await.unwrap_or_default();
        let rust_requests = rust_server.received_requests().await.unwrap_or_default();
        assert_eq!(
            python_requests.len(),
            1,
            "{name}: the Python SDK sent one request"
        );
        assert_eq!(
            rust_requests.len(),
            1,
            "{name}: the Rust SDK sent one request"
        );
        let (python_view, rust_view) =
            (normalize(&python_requests[0]), normalize(&rust_requests[0]));
        let keys: BTreeSet<&String> = python_view.keys().chain(rust_view.keys()).collect();
        for key in keys {
            let (p, r) = (python_view.get(key), rust_view.get(key));
            if p != r {
                differences.insert((
                    (*name).to_owned(),
                    key.clone(),
                    format!("python: {p:?}\n      rust:   {r:?}"),
                ));
            }
        }
    }
    let known = |case: &str, what: &str| {
        KNOWN_DIFFERENCES
            .iter()
            .any(|(c, w, _)| (*c == case || *c == "*") && *w == what)
    };
    let unexpected: Vec<String> = differences
        .iter()
        .filter(|(case, what, _)| !known(case, what))
        .map(|(case, what, detail)| format!("{case}: {what}\n      {detail}"))
        .collect();
    assert!(
        unexpected.is_empty(),
        "requests differ from the Python SDK's:\n  {}",
        unexpected.join("\n  ")
    );
    for (case, what, reason) in KNOWN_DIFFERENCES {
        assert!(
            differences
                .iter()
                .any(|(c, w, _)| (*case == "*" || c == case) && w == what),
            "the known difference `{case}: {what}` ({reason}) no longer occurs: take it off the list"
        );
    }
}
