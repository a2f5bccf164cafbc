//! Snapshot tests: the intermediate model and the emitted code, for each fixture spec
//! under `tests/fixtures/` (one hazard each) and for the LlamaCloud chat SDK.
//!
//! Review changes with `cargo insta review`, or `INSTA_UPDATE=always cargo test`
//! followed by `git diff`. CI runs with `INSTA_UPDATE=no`, so a changed output fails.

use std::fmt::Write as _;
use std::path::Path;

use generator::{Config, Generated, generate};

fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .and_then(Path::parent)
        .expect("workspace root")
}

/// The emitted Rust code that carries the spec's content, one banner per file.
fn code_of(generated: &Generated) -> String {
    let mut out = String::new();
    for (path, contents) in &generated.files {
        let is_spec_code = path == "src/types.rs"
            || path.starts_with("src/resources/")
            || path == "src/settings.rs";
        if is_spec_code {
            let _ = writeln!(out, "==> {path}\n{contents}");
        }
    }
    out
}

#[test]
fn fixtures() {
    insta::glob!("fixtures/*.yaml", |path| {
        let spec = std::fs::read(path).expect("fixture readable");
        let generated = generate(&spec, "fixture.yaml", &Config::default())
            .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        insta::assert_snapshot!("model", format!("{:#?}", generated.api));
        insta::assert_snapshot!("code", code_of(&generated));
    });
}

fn llama_cloud() -> Generated {
    let root = workspace_root();
    let spec = std::fs::read(root.join("spec/openapi.json")).expect("spec");
    let config = Config::from_toml(
        &std::fs::read_to_string(root.join("spec/llama-cloud.toml")).expect("config"),
    )
    .expect("config parses");
    generate(&spec, "spec/openapi.json", &config).expect("the LlamaCloud SDK generates")
}

#[test]
fn llama_cloud_chat_sdk() {
    let generated = llama_cloud();
    insta::assert_snapshot!("llama_cloud_model", format!("{:#?}", generated.api));
    insta::assert_snapshot!("llama_cloud_code", code_of(&generated));
}
