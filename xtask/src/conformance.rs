//! `cargo xtask conformance [--require-node]`: every generated method against a mock
//! server built from its spec.
//!
//! Input: the checked-in LlamaCloud SDK (`crates/llama-cloud`, spec
//! `spec/openapi.json`), the corpus specs in [`CORPUS`] and the generator fixtures in
//! [`FIXTURES`], generated here into
//! `target/conformance/`.
//! Output: for each, Prism (`@stoplight/prism-cli`, pinned in `xtask/prism/`,
//! installed with `npm ci` into `target/prism/`) is started on 127.0.0.1 with the
//! spec, and the SDK's generated `tests/conformance.rs` runs against it (one test per
//! method, `#[ignore]`d in plain `cargo test`). Prism validates every request against
//! the spec and answers `422` with an `sl-violations` header when one is wrong, which
//! the test reports. The corpus SDKs' doctests (their README and method examples)
//! run too. The command fails if any test fails.
//!
//! Without Node.js the command prints why and does nothing, unless `--require-node`
//! or `CONFORMANCE_REQUIRE_NODE=1` (CI) makes that an error.
//!
//! `cargo xtask conformance --spec PATH [--config FILE]` runs any one spec's suite the
//! same way (generate, build, start Prism, run, stop) and prints how many methods
//! passed. `cargo xtask conformance --corpus [--write-docs]` does that for every spec
//! in `../shared/corpus` and tabulates the pass rate per spec, with each failure's
//! first line (`docs/CONFORMANCE.md` with `--write-docs`).

use std::io::Read as _;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use generator::Config;

use crate::scratch::{self, Scratch};

/// Corpus specs whose generated SDKs are also run against Prism: 3.0 with `allOf`,
/// array query parameters and a `DELETE` (petstore-expanded); 3.0 with an API-key
/// header on some operations and OAuth on others, form bodies, an octet-stream
/// upload and a relative server (swagger-petstore3); 3.1 with basic auth, `const`,
/// dates and an image response (redocly-museum); 3.1 with OAuth, problem+json and
/// `links` (train-travel); a form-urlencoded body and server variables (uspto); a
/// header parameter named `Authorization` (keeper); and the minimal petstore.
///
/// `scalar-galaxy-3.1.yaml` is left out: Prism requires the `readOnly` `id` in
/// requests that reach it through a discriminated `oneOf`, and its mock responses
/// cut recursive schemas short (a planet without its required `name`), so its tests
/// would fail on the mock, not on the SDK.
const CORPUS: &[&str] = &[
    "oai-petstore-expanded.yaml",
    "swagger-petstore3.yaml",
    "redocly-museum.yaml",
    "train-travel.yaml",
    "oai-uspto.yaml",
    "progenitor-keeper.json",
    "oai-petstore.yaml",
];

/// Generator fixtures run against Prism too: each holds a hazard only a mock server
/// shows (examples that contradict their schemas, served back by the mock).
const FIXTURES: &[&str] = &["bad-examples.yaml"];

/// One SDK to test: a name, its spec, and the crate (a workspace member, or one
/// generated under `target/conformance/`).
struct Suite {
    name: String,
    spec: PathBuf,
    package: String,
    workspace: PathBuf,
}

pub fn run(root: &Path, args: &[&str]) -> Result<(), String> {
    let require_node = args.contains(&"--require-node")
        || std::env::var_os("CONFORMANCE_REQUIRE_NODE").is_some_and(|v| !v.is_empty());
    if Command::new("node").arg("--version").output().is_err() {
        let message = "conformance: skipped, Node.js is not installed (Prism, the mock server, runs on it); install Node.js 18 or later to run these tests";
        if require_node {
            return Err(message.replace("skipped", "cannot run"));
        }
        eprintln!("{message}");
        return Ok(());
    }
    let prism = install_prism(root)?;

    if let Some(index) = args.iter().position(|arg| *arg == "--spec") {
        let spec = args
            .get(index + 1)
            .map(PathBuf::from)
            .ok_or("--spec needs a path")?;
        let config = match args.iter().position(|arg| *arg == "--config") {
            Some(index) => {
                let path = args.get(index + 1).ok_or("--config needs a path")?;
                let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
                Config::from_toml(&text).map_err(|e| format!("{path}: {e}"))?
            }
            None => Config::default(),
        };
        let suite = generate_one(root, &spec, config, "conformance-spec")?;
        let tally = tally_suite(root, &prism, &suite)?;
        println!(
            "{}: {} of {} methods pass",
            suite.name,
            tally.passed,
            tally.passed + tally.failed.len()
        );
        for (test, reason) in &tally.failed {
            println!("  FAILED {test}: {reason}");
        }
        return if tally.failed.is_empty() {
            Ok(())
        } else {
            Err(format!("{} method(s) failed", tally.failed.len()))
        };
    }
    if args.contains(&"--corpus") {
        return corpus_report(root, &prism, args.contains(&"--write-docs"));
    }

    let mut suites = vec![Suite {
        name: "llama-cloud".to_owned(),
        spec: root.join("spec/openapi.json"),
        package: "llama-cloud".to_owned(),
        workspace: root.to_path_buf(),
    }];
    suites.extend(generate_corpus(root)?);

    let mut failed = Vec::new();
    for suite in &suites {
        eprintln!(
            "== conformance: {} against Prism ({})",
            suite.name,
            suite.spec.display()
        );
        if let Err(error) = run_suite(root, &prism, suite) {
            eprintln!("{}: {error}", suite.name);
            failed.push(suite.name.clone());
        }
        if suite.workspace != root {
            scratch::clean(root, &suite.workspace, &[&suite.package])?;
        }
    }
    if failed.is_empty() {
        eprintln!("conformance: {} SDK(s) passed", suites.len());
        Ok(())
    } else {
        Err(format!("conformance failed for: {}", failed.join(", ")))
    }
}

/// Installs the pinned Prism into `target/prism` (again only when the pin changed);
/// returns the path of its executable.
fn install_prism(root: &Path) -> Result<PathBuf, String> {
    let pinned = root.join("xtask/prism");
    let dir = root.join("target/prism");
    let executable = dir.join("node_modules/.bin/prism");
    let lock = std::fs::read(pinned.join("package-lock.json")).map_err(|e| e.to_string())?;
    let installed_lock = std::fs::read(dir.join("package-lock.json")).unwrap_or_default();
    if executable.exists() && installed_lock == lock {
        return Ok(executable);
    }
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    for file in ["package.json", "package-lock.json"] {
        std::fs::copy(pinned.join(file), dir.join(file)).map_err(|e| e.to_string())?;
    }
    eprintln!("conformance: installing Prism with npm ci");
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(&dir)
        .status()
        .map_err(|e| format!("cannot run npm: {e}"))?;
    if !status.success() || !executable.exists() {
        return Err("npm ci failed to install @stoplight/prism-cli".to_owned());
    }
    Ok(executable)
}

/// One suite's outcome: methods passed, and each failure with its first line.
struct Tally {
    passed: usize,
    failed: Vec<(String, String)>,
    /// Passes that say why they are passes of another kind: the mock could not make
    /// the response, or the spec's own response example is wrong and a response made
    /// from the schema was decoded instead. `(test, the test's note)`.
    noted: Vec<(String, String)>,
}

/// Generates one spec's SDK into its own workspace under `target/<dir>/`.
fn generate_one(root: &Path, spec: &Path, mut config: Config, dir: &str) -> Result<Suite, String> {
    let file_name = spec
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let bytes = std::fs::read(spec).map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
    let package = format!(
        "conformance-{}",
        file_name
            .trim_end_matches(".yaml")
            .trim_end_matches(".yml")
            .trim_end_matches(".json")
            .replace(['.', '_'], "-")
            .to_ascii_lowercase()
    );
    config.package.name.clone_from(&package);
    let generated = generator::generate(&bytes, &file_name, &config)
        .map_err(|e| format!("{file_name}: {e}"))?;
    let mut workspace = Scratch::create(root, dir)?;
    workspace.add(&package, &generated.files)?;
    workspace.finish(root)?;
    Ok(Suite {
        name: file_name,
        spec: spec.to_path_buf(),
        package,
        workspace: workspace.dir.clone(),
    })
}

/// Runs a suite against Prism without stopping at failures; counts what passed.
fn tally_suite(root: &Path, prism: &Path, suite: &Suite) -> Result<Tally, String> {
    let build = cargo_test(root, suite)
        .arg("--no-run")
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !build.success() {
        return Err(format!(
            "{}: the conformance tests do not build",
            suite.name
        ));
    }
    let port = free_port()?;
    let mut server = MockServer::start(prism, &suite.spec, port)?;
    // Not `--quiet`: each test's own line is what is counted.
    let output = scratch::cargo(root)
        .args(["test", "--package", &suite.package, "--test", "conformance"])
        .current_dir(&suite.workspace)
        .env("RUST_BACKTRACE", "0")
        // The passes' output too: a pass's note says what kind of pass it was.
        .args(["--", "--ignored", "--test-threads=2", "--show-output"])
        .env("CONFORMANCE_BASE_URL", format!("http://127.0.0.1:{port}"))
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"));
    server.stop();
    let output = output?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut passed = Vec::new();
    let mut failed = Vec::new();
    for line in stdout.lines() {
        if let Some(rest) = line.strip_prefix("test ") {
            if let Some(test) = rest.strip_suffix(" ... ok") {
                passed.push(test.to_owned());
            } else if let Some(test) = rest.strip_suffix(" ... FAILED") {
                failed.push((test.to_owned(), String::new()));
            }
        }
    }
    // Each failure's panic message, and each pass's note, from the test's
    // `---- name stdout ----` section.
    let mut noted = Vec::new();
    let mut current: Option<(String, bool)> = None;
    let mut panic_next = false;
    for line in stdout.lines() {
        if let Some(name) = line
            .strip_prefix("---- ")
            .and_then(|rest| rest.strip_suffix(" stdout ----"))
        {
            let failing = failed.iter().any(|(test, _)| test == name);
            current = Some((name.to_owned(), failing));
            panic_next = false;
            continue;
        }
        let Some((name, failing)) = &current else {
            continue;
        };
        if line.trim().is_empty() {
            continue;
        }
        let text: String = line.chars().take(300).collect();
        if *failing {
            // The panic's message, on the line after `thread '…' panicked at`; a
            // note the test printed before it is only kept when there is no panic.
            if let Some(entry) = failed.iter_mut().find(|(test, _)| test == name) {
                if line.starts_with("thread ") {
                    panic_next = true;
                    continue;
                }
                if panic_next || entry.1.is_empty() {
                    entry.1 = text;
                }
                if panic_next {
                    panic_next = false;
                    current = None;
                }
            }
            continue;
        }
        if line.starts_with("thread ") {
            continue;
        }
        if passed.contains(name) {
            noted.push((name.clone(), text));
        }
        current = None;
    }
    Ok(Tally {
        passed: passed.len(),
        failed,
        noted,
    })
}

/// Where the hand-written part of `docs/CONFORMANCE.md` starts; `--write-docs` keeps
/// it and writes the measured tables after it.
const ANALYSIS_MARKER: &str = "<!-- Everything above is kept by `cargo xtask conformance --corpus --write-docs`; the measurements below are rewritten. -->";

/// Every corpus spec's suite against Prism: a table of pass rates and failures.
fn corpus_report(root: &Path, prism: &Path, write_docs: bool) -> Result<(), String> {
    let dir = root.join("../shared/corpus");
    let specs = crate::corpus::spec_files(&dir)?;
    let mut table = String::from(
        "| spec | methods | pass | fail | pass rate |\n| --- | ---: | ---: | ---: | ---: |\n",
    );
    let mut failures = String::new();
    let mut notes = String::new();
    for spec in &specs {
        let name = spec
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        eprintln!("== conformance: {name}");
        let outcome =
            generate_one(root, spec, Config::default(), "conformance-corpus").and_then(|suite| {
                let tally = tally_suite(root, prism, &suite);
                scratch::clean(root, &suite.workspace, &[&suite.package])?;
                tally
            });
        match outcome {
            Ok(tally) => {
                let total = tally.passed + tally.failed.len();
                #[allow(clippy::cast_precision_loss, reason = "small counts")]
                let rate = if total == 0 {
                    100.0
                } else {
                    100.0 * tally.passed as f64 / total as f64
                };
                let _ = std::fmt::Write::write_fmt(
                    &mut table,
                    format_args!(
                        "| {name} | {total} | {} | {} | {rate:.1} % |\n",
                        tally.passed,
                        tally.failed.len()
                    ),
                );
                for (test, reason) in &tally.failed {
                    let _ = std::fmt::Write::write_fmt(
                        &mut failures,
                        format_args!("- `{name}` `{test}`: {reason}\n"),
                    );
                }
                for (test, note) in &tally.noted {
                    let _ = std::fmt::Write::write_fmt(
                        &mut notes,
                        format_args!("- `{name}` `{test}`: {note}\n"),
                    );
                }
            }
            Err(error) => {
                let first = error
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .chars()
                    .take(200)
                    .collect::<String>();
                let _ = std::fmt::Write::write_fmt(
                    &mut table,
                    format_args!(
                        "| {name} | - | - | - | not run: {} |\n",
                        first.replace('|', "/")
                    ),
                );
            }
        }
    }
    println!("{table}\n{failures}\n{notes}");
    if write_docs {
        let doc = format!(
            "## Measurements\n\nWritten by `cargo xtask conformance --corpus --write-docs`: each spec in `shared/corpus` is generated, its `tests/conformance.rs` built and run against Prism started with the same spec; one test per method.\n\n{table}\n### Failures\n\n{failures}\n### Passes of another kind\n\nThese passed, and say how: the mock validated the request but could not make the response (an event stream, a redirect off the mock, no example for the media type), or the spec's own response example contradicts its schema (the pointer and the violation are named; the generator warns about each) and the SDK decoded a response the mock made from the schema instead.\n\n{notes}"
        );
        // The hand-written analysis after the marker (why each failure is a mock
        // limit or a spec defect) is kept; the measured part above it is replaced.
        let path = root.join("docs/CONFORMANCE.md");
        let kept = std::fs::read_to_string(&path)
            .ok()
            .and_then(|old| {
                let end = old.find(ANALYSIS_MARKER)? + ANALYSIS_MARKER.len();
                Some(old[..end].to_owned())
            })
            .unwrap_or_else(|| {
                format!(
                    "# Conformance of generated SDKs on the real-spec corpus\n\n{ANALYSIS_MARKER}"
                )
            });
        std::fs::write(&path, format!("{kept}\n{doc}")).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Generates the corpus SDKs into one workspace under `target/conformance/`.
fn generate_corpus(root: &Path) -> Result<Vec<Suite>, String> {
    let mut workspace = Scratch::create(root, "conformance")?;
    let mut suites = Vec::new();
    let specs = CORPUS
        .iter()
        .map(|file_name| (*file_name, root.join("../shared/corpus").join(file_name)))
        .chain(FIXTURES.iter().map(|file_name| {
            let dir = root.join("crates/generator/tests/fixtures");
            (*file_name, dir.join(file_name))
        }));
    for (file_name, spec) in specs {
        let bytes =
            std::fs::read(&spec).map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
        let package = format!(
            "conformance-{}",
            file_name
                .trim_end_matches(".yaml")
                .trim_end_matches(".json")
                .replace('.', "-")
        );
        let mut config = Config::default();
        config.package.name.clone_from(&package);
        let generated = generator::generate(&bytes, file_name, &config)
            .map_err(|e| format!("{file_name}: {e}"))?;
        workspace.add(&package, &generated.files)?;
        suites.push(Suite {
            name: file_name.to_owned(),
            spec,
            package,
            workspace: workspace.dir.clone(),
        });
    }
    workspace.finish(root)?;
    Ok(suites)
}

/// Starts Prism on a free port, runs the suite's conformance tests against it, and
/// stops Prism whatever happened.
fn run_suite(root: &Path, prism: &Path, suite: &Suite) -> Result<(), String> {
    // Build first, so Prism is not left waiting through a compile.
    let build = cargo_test(root, suite)
        .arg("--no-run")
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !build.success() {
        return Err("the conformance tests do not build".to_owned());
    }
    let port = free_port()?;
    let mut server = MockServer::start(prism, &suite.spec, port)?;
    if suite.workspace == root {
        // The control: a wrongly typed body must be refused, or passing proves nothing.
        if let Err(error) = refuses_a_wrong_request(port) {
            server.stop();
            return Err(error);
        }
    }
    let status = cargo_test(root, suite)
        .args(["--", "--ignored"])
        .env("CONFORMANCE_BASE_URL", format!("http://127.0.0.1:{port}"))
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"));
    server.stop();
    if !status?.success() {
        return Err(format!(
            "conformance tests failed; Prism's log: {}",
            server.log_path.display()
        ));
    }
    // The README and method examples of the corpus SDKs are doctests; the workspace's
    // own test command runs LlamaCloud's.
    if suite.workspace != root {
        let docs = scratch::cargo(root)
            .args(["test", "--quiet", "--package", &suite.package, "--doc"])
            .current_dir(&suite.workspace)
            .status()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        if !docs.success() {
            return Err("the generated README's or docs' examples do not compile".to_owned());
        }
    }
    Ok(())
}

/// Sends `POST /api/v1/chat` with `index_ids` as a string (the spec says list) and
/// checks that the mock refuses it with its list of violations.
fn refuses_a_wrong_request(port: u16) -> Result<(), String> {
    use std::io::Write as _;
    let body = r#"{"index_ids": "not-a-list"}"#;
    let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .map_err(|e| e.to_string())?;
    write!(
        stream,
        "POST /api/v1/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer k\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .map_err(|e| e.to_string())?;
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    let status_line = response.lines().next().unwrap_or_default();
    if status_line.contains(" 422 ") && response.to_ascii_lowercase().contains("sl-violations:") {
        eprintln!(
            "conformance: control passed: the mock refuses a wrongly typed body ({status_line})"
        );
        Ok(())
    } else {
        Err(format!(
            "the mock accepted a wrongly typed body ({status_line}); its verdicts would prove nothing"
        ))
    }
}

fn cargo_test(root: &Path, suite: &Suite) -> Command {
    let mut command = scratch::cargo(root);
    command
        .args([
            "test",
            "--quiet",
            "--package",
            &suite.package,
            "--test",
            "conformance",
        ])
        .current_dir(&suite.workspace)
        .env("RUST_BACKTRACE", "0");
    command
}

fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}

/// A running Prism, its output going to a log file under `target/prism/`.
struct MockServer {
    child: Child,
    log_path: PathBuf,
}

impl MockServer {
    fn start(prism: &Path, spec: &Path, port: u16) -> Result<Self, String> {
        let log_path = prism
            .ancestors()
            .nth(3)
            .unwrap_or(Path::new("."))
            .join(format!("prism-{port}.log"));
        let log = std::fs::File::create(&log_path).map_err(|e| e.to_string())?;
        let child = Command::new(prism)
            .args(["mock", "--host", "127.0.0.1", "--port", &port.to_string()])
            // A response made from the schema (asked for with `Prefer: dynamic=true`
            // where the spec's own example is wrong) is the same on every run.
            .args(["--seed", "conformance"])
            .arg(spec)
            .stdin(Stdio::null())
            .stdout(log.try_clone().map_err(|e| e.to_string())?)
            .stderr(log)
            .spawn()
            .map_err(|e| format!("cannot start Prism: {e}"))?;
        let mut server = Self { child, log_path };
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(300) {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Ok(server);
            }
            if let Ok(Some(status)) = server.child.try_wait() {
                let mut log = String::new();
                let _ = std::fs::File::open(&server.log_path)
                    .and_then(|mut f| f.read_to_string(&mut log));
                return Err(format!("Prism exited ({status}) before listening:\n{log}"));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        server.stop();
        Err("Prism did not start listening within 300 s".to_owned())
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.stop();
    }
}
