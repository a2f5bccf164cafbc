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
        let is_spec_code = path.starts_with("src/types/")
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

/// The command-line tool and the conformance tests for the fixtures whose bodies and
/// parameters cover every flag kind (JSON fields, whole JSON, multipart files, raw
/// and text bodies, query styles, path parameters).
#[test]
fn tools_and_conformance_tests() {
    for fixture in [
        "bodies.yaml",
        "query-styles.yaml",
        "path-params.yaml",
        "bad-examples.yaml",
    ] {
        let path = workspace_root()
            .join("crates/generator/tests/fixtures")
            .join(fixture);
        let spec = std::fs::read(&path).expect("fixture readable");
        let generated = generate(&spec, "fixture.yaml", &Config::default())
            .unwrap_or_else(|error| panic!("{fixture}: {error}"));
        let cli = &generated.cli;
        let mut out = String::new();
        for (path, contents) in cli
            .iter()
            .filter(|(path, _)| path.starts_with("src/commands/"))
        {
            let _ = writeln!(out, "==> cli/{path}\n{contents}");
        }
        let _ = writeln!(
            out,
            "==> tests/conformance.rs\n{}",
            generated.files["tests/conformance.rs"]
        );
        insta::assert_snapshot!(format!("tool_and_conformance_{fixture}"), out);
    }
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

/// The type names a type mentions, to follow what the chat resource reaches.
fn mentioned(ty: &generator::ir::TypeRef, out: &mut Vec<String>) {
    use generator::ir::TypeRef;
    match ty {
        TypeRef::Named(name) => out.push(name.clone()),
        TypeRef::Vec(inner)
        | TypeRef::Map(inner)
        | TypeRef::Option(inner)
        | TypeRef::Boxed(inner) => {
            mentioned(inner, out);
        }
        _ => {}
    }
}

/// The chat SDK: the `beta.chat` resource as modelled and emitted, and every type it
/// reaches. (The whole API is locked by the freshness check on `crates/llama-cloud`.)
#[test]
fn llama_cloud_chat_sdk() {
    use generator::ir::{ResponseBody, TypeKind};
    let generated = llama_cloud();
    let beta = generated
        .api
        .root
        .children
        .iter()
        .find(|r| r.module == "beta")
        .expect("beta");
    let chat = beta
        .children
        .iter()
        .find(|r| r.module == "chat")
        .expect("beta.chat");
    let mut pending: Vec<String> = Vec::new();
    for operation in &chat.operations {
        for field in operation.params.iter().flat_map(|p| &p.fields) {
            mentioned(&field.ty, &mut pending);
        }
        match &operation.response {
            ResponseBody::Json(ty) | ResponseBody::EventStream(ty) => mentioned(ty, &mut pending),
            _ => {}
        }
        if let Some(alias) = &operation.response_alias {
            pending.push(alias.clone());
        }
    }
    let mut reached = std::collections::BTreeSet::new();
    while let Some(name) = pending.pop() {
        if !reached.insert(name.clone()) {
            continue;
        }
        let Some(def) = generated.api.types.iter().find(|d| d.name == name) else {
            continue;
        };
        match &def.kind {
            TypeKind::Struct(s) => {
                for field in &s.fields {
                    mentioned(&field.ty, &mut pending);
                }
            }
            TypeKind::TaggedUnion { variants, .. } | TypeKind::UntaggedUnion(variants) => {
                for variant in variants {
                    mentioned(&variant.ty, &mut pending);
                }
            }
            TypeKind::Alias(ty) => mentioned(ty, &mut pending),
            TypeKind::StatusUnion(variants) => {
                for ty in variants.iter().filter_map(|v| v.ty.as_ref()) {
                    mentioned(ty, &mut pending);
                }
            }
            TypeKind::StringEnum(_) => {}
        }
    }
    let types: Vec<_> = generated
        .api
        .types
        .iter()
        .filter(|d| reached.contains(&d.name))
        .collect();
    insta::assert_snapshot!("llama_cloud_chat_model", format!("{chat:#?}\n{types:#?}"));
    insta::assert_snapshot!(
        "llama_cloud_chat_code",
        generated.files["src/resources/beta/chat.rs"].clone()
    );
}
