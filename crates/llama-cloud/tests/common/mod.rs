//! Shared by the test files: running a test again in a child process, so that a test
//! can set environment variables without changing what another test reads.

use std::process::Output;

const CHILD: &str = "LLAMA_CLOUD_TEST_CHILD";

/// Runs the test named `test` of this test binary in a child process with `env` set
/// (and the SDK's own variables cleared), and asserts that it passed.
pub fn run_child(test: &str, env: &[(&str, &str)]) -> Output {
    let mut command = std::process::Command::new(std::env::current_exe().expect("test binary"));
    command
        .args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env(CHILD, "1");
    for name in [
        "LLAMA_CLOUD_API_KEY",
        "LLAMA_PARSE_API_KEY",
        "LLAMA_CLOUD_BASE_URL",
        "LLAMA_CLOUD_CUSTOM_HEADERS",
        "LLAMA_CLOUD_LOG",
        "RUST_LOG",
    ] {
        command.env_remove(name);
    }
    for (name, value) in env {
        command.env(name, value);
    }
    let output = command.output().expect("child runs");
    assert!(
        output.status.success(),
        "child failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Whether this process is such a child.
pub fn in_child() -> bool {
    std::env::var_os(CHILD).is_some()
}
