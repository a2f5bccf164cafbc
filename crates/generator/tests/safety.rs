//! Nothing in a spec can inject code: for every fixture (the hostile one above all)
//! and for LlamaCloud's spec, the emitted code defines no item the model does not
//! explain, and no doc comment holds a code block rustdoc would compile other than
//! the generator's own `no_run` examples.

use std::collections::BTreeSet;
use std::path::Path;

use generator::ir::{Api, Resource, TypeKind};
use generator::{Config, Generated, generate};

fn fixtures() -> Vec<(String, Generated)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut out = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    paths.sort();
    for path in paths {
        let spec = std::fs::read(&path).expect("readable");
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let generated =
            generate(&spec, &name, &Config::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        out.push((name, generated));
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let config = Config::from_toml(
        &std::fs::read_to_string(root.join("spec/llama-cloud.toml")).expect("config"),
    )
    .expect("parses");
    let spec = std::fs::read(root.join("spec/openapi.json")).expect("spec");
    out.push((
        "llama-cloud".to_owned(),
        generate(&spec, "spec/openapi.json", &config).expect("generates"),
    ));
    out
}

/// Adds the names a resource subtree explains.
fn walk(resource: &Resource, add: &mut dyn FnMut(&str)) {
    add(&resource.type_name);
    add(&resource.module);
    add(&resource.accessor);
    for job in &resource.jobs {
        add(&job.wait_method);
        for helper in &job.helpers {
            add(&helper.name);
        }
    }
    for operation in &resource.operations {
        add(&operation.method_name);
        if let Some(params) = &operation.params {
            add(&params.name);
            for field in &params.fields {
                add(&field.rust_name);
                if let Some(null_setter) = &field.null_setter {
                    add(null_setter);
                }
            }
        }
    }
    for child in &resource.children {
        walk(child, add);
    }
}

/// Names the model explains: its types, params, resources, methods and fields.
fn explained(api: &Api) -> BTreeSet<String> {
    let mut names: BTreeSet<String> = [
        // Fixed names the emitter itself writes.
        "new",
        "decode",
        "as_str",
        "fmt",
        "deserialize",
        "serialize",
        // A struct's decoding (`runtime::object::FromObject`).
        "NAME",
        "from_object",
        // Trait methods of string enums, structs and unions.
        "from",
        "eq",
        "hash",
        "cmp",
        "partial_cmp",
        "default",
        "Client",
        "resources",
        "types",
        "blocking",
        "api",
        // `src/settings.rs`: the settings value and the constructors handing it over.
        "SETTINGS",
        "from_env",
        "builder",
        // `src/runtime/mod.rs` declares the runtime's modules.
        "runtime",
        // The round-trip test and its helper.
        "every_model_type_reserializes_what_it_decoded",
        // The round-trip tests' parts.
        "part_1",
        "no_model_type_to_check",
        // The conformance tests' helpers.
        "client",
        "value",
        "check",
        "check_request",
        "check_config_body",
        "decoded_or_schema_made",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    let mut add = |name: &str| {
        names.insert(name.trim_start_matches("r#").to_owned());
    };
    for module in &api.type_modules {
        add(&module.name);
        for part in &module.parts {
            add(&part.name);
        }
    }
    for def in &api.types {
        add(&def.name);
        match &def.kind {
            TypeKind::Struct(s) => {
                for field in &s.fields {
                    add(field.setter());
                    for name in field
                        .null_setter()
                        .into_iter()
                        .chain(field.default_getter())
                    {
                        add(name);
                    }
                }
            }
            TypeKind::StringEnum(variants) => {
                for variant in variants.iter() {
                    add(&variant.rust_name);
                }
            }
            TypeKind::TaggedUnion { variants, .. } | TypeKind::UntaggedUnion(variants) => {
                for variant in variants {
                    add(&variant.rust_name);
                    add(&variant.constructor);
                }
            }
            TypeKind::StatusUnion(variants) => {
                for variant in variants {
                    add(&variant.rust_name);
                }
            }
            TypeKind::Alias(_) => {}
        }
    }
    for body in &api.error_bodies {
        add(&body.accessor);
    }
    // The round-trip test's functions, numbered when there are several.
    for n in 1..=api.types.len() {
        add(&format!(
            "every_model_type_reserializes_what_it_decoded_{n}"
        ));
    }
    walk(&api.root, &mut add);
    conformance_test_names(&api.root, "", &mut names);
    names
}

/// A conformance test is named by its method's accessor chain (`beta_chat_create`).
fn conformance_test_names(
    resource: &generator::ir::Resource,
    chain: &str,
    names: &mut BTreeSet<String>,
) {
    for operation in &resource.operations {
        let name = format!("{chain}{}", operation.method_name.trim_start_matches("r#"));
        names.insert(name.clone());
        names.insert(format!("{name}_2"));
    }
    for child in &resource.children {
        let chain = format!("{chain}{}_", child.accessor.trim_start_matches("r#"));
        conformance_test_names(child, &chain, names);
    }
}

fn item_names(items: &[syn::Item], out: &mut Vec<String>) {
    for item in items {
        match item {
            syn::Item::Struct(s) => out.push(s.ident.to_string()),
            syn::Item::Enum(e) => out.push(e.ident.to_string()),
            syn::Item::Type(t) => out.push(t.ident.to_string()),
            syn::Item::Const(c) => out.push(c.ident.to_string()),
            syn::Item::Static(s) => out.push(s.ident.to_string()),
            syn::Item::Fn(f) => out.push(f.sig.ident.to_string()),
            syn::Item::Trait(t) => out.push(t.ident.to_string()),
            syn::Item::Macro(m) => out.push(format!(
                "macro {}",
                quote::ToTokens::to_token_stream(&m.mac.path)
            )),
            syn::Item::Mod(m) => {
                out.push(m.ident.to_string());
                if let Some((_, items)) = &m.content {
                    item_names(items, out);
                }
            }
            syn::Item::Impl(i) => {
                for inner in &i.items {
                    match inner {
                        syn::ImplItem::Fn(f) => out.push(f.sig.ident.to_string()),
                        syn::ImplItem::Const(c) => out.push(c.ident.to_string()),
                        syn::ImplItem::Type(t) => out.push(t.ident.to_string()),
                        _ => out.push("unexpected impl item".to_owned()),
                    }
                }
            }
            syn::Item::Use(_) => {}
            other => out.push(format!(
                "unexpected item {}",
                quote::ToTokens::to_token_stream(other)
            )),
        }
    }
}

fn is_rust(path: &str) -> bool {
    Path::new(path).extension().is_some_and(|ext| ext == "rs")
}

/// The runtime files (and the blocking client's hand-written half) are fixed text;
/// everything else is built from the model.
fn is_runtime(path: &str) -> bool {
    path == "src/blocking.rs"
        || path == "src/runtime/mod.rs"
        || generator::emit::RUNTIME_FILES
            .iter()
            .any(|(name, _)| path == format!("src/runtime/{name}.rs"))
}

#[test]
fn emitted_items_are_all_explained_by_the_model() {
    for (spec, generated) in fixtures() {
        let allowed = explained(&generated.api);
        for (path, contents) in &generated.files {
            if !is_rust(path) || is_runtime(path) || path == "src/lib.rs" {
                continue;
            }
            let file = syn::parse_file(contents).unwrap_or_else(|e| panic!("{spec} {path}: {e}"));
            let mut names = Vec::new();
            item_names(&file.items, &mut names);
            for name in names {
                let bare = name.trim_start_matches("r#");
                assert!(
                    allowed.contains(bare),
                    "{spec}: {path} defines `{name}`, which the model does not explain"
                );
            }
        }
        // lib.rs is an askama template: only module declarations and re-exports.
        let lib = syn::parse_file(&generated.files["src/lib.rs"]).expect("lib.rs parses");
        for item in &lib.items {
            assert!(
                matches!(item, syn::Item::Mod(m) if m.content.is_none())
                    || matches!(item, syn::Item::Use(_) | syn::Item::Type(_)),
                "{spec}: lib.rs has an unexpected item"
            );
        }
    }
}

/// The text of every doc comment, grouped by the item it documents.
fn doc_blocks(contents: &str) -> Vec<Vec<String>> {
    let mut blocks = Vec::new();
    let mut current: Vec<String> = Vec::new();
    for line in contents.lines() {
        let trimmed = line.trim_start();
        let text = if let Some(rest) = trimmed
            .strip_prefix("///")
            .or_else(|| trimmed.strip_prefix("//!"))
        {
            Some(rest.strip_prefix(' ').unwrap_or(rest).to_owned())
        } else if let Some(literal) = trimmed
            .strip_prefix("#![doc = ")
            .and_then(|r| r.strip_suffix(']'))
            .filter(|literal| !literal.starts_with("include_str!"))
        {
            let value = syn::parse_str::<syn::LitStr>(literal)
                .expect("doc literal")
                .value();
            Some(value.strip_prefix(' ').unwrap_or(&value).to_owned())
        } else {
            None
        };
        match text {
            Some(text) => current.push(text),
            None if !current.is_empty() => blocks.push(std::mem::take(&mut current)),
            None => {}
        }
    }
    if !current.is_empty() {
        blocks.push(current);
    }
    blocks
}

#[test]
fn no_doc_comment_holds_a_doctest_but_the_generators_examples() {
    for (spec, generated) in fixtures() {
        for (path, contents) in &generated.files {
            // The README is the crate's front page (`include_str!`): its blocks are
            // doctests too, and only the generator's own may be Rust.
            let blocks = if path == "README.md" {
                vec![contents.lines().map(str::to_owned).collect()]
            } else if !is_rust(path) || is_runtime(path) {
                continue;
            } else {
                doc_blocks(contents)
            };
            for block in blocks {
                let mut fence: Option<String> = None;
                let mut after_break = true;
                for line in &block {
                    let trimmed = line.trim_start();
                    let indent = line.len() - trimmed.len();
                    if let Some(open) = &fence {
                        if trimmed.starts_with(open.as_str()) && indent < 4 {
                            fence = None;
                            after_break = true;
                        }
                        continue;
                    }
                    if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
                        let info = trimmed.trim_start_matches(['`', '~']).trim();
                        assert!(
                            ["text", "no_run", "rust,no_run", "toml", "sh"].contains(&info),
                            "{spec}: {path}: a `{info}` code block would run as a doctest:\n{}",
                            block.join("\n")
                        );
                        fence = Some(
                            trimmed
                                .chars()
                                .take_while(|c| *c == '`' || *c == '~')
                                .collect(),
                        );
                        continue;
                    }
                    assert!(
                        !(indent >= 4 && after_break && !trimmed.is_empty()),
                        "{spec}: {path}: an indented code block would run as a doctest:\n{}",
                        block.join("\n")
                    );
                    after_break = trimmed.is_empty() || trimmed.starts_with('#');
                }
            }
        }
    }
}

#[test]
fn every_fixtures_command_line_tool_parses_and_defines_only_its_own_items() {
    for (spec, generated) in fixtures() {
        let files = &generated.cli;
        let manifest: toml::Table = toml::from_str(&files["Cargo.toml"])
            .unwrap_or_else(|e| panic!("{spec}: the tool's manifest is not TOML: {e}"));
        assert!(manifest["bin"][0]["name"].is_str(), "{spec}: no binary");
        let paths = files
            .keys()
            .filter(|path| *path == "src/main.rs" || path.starts_with("src/commands/"));
        for path in paths {
            let file =
                syn::parse_file(&files[path]).unwrap_or_else(|e| panic!("{spec} {path}: {e}"));
            // Spec text reaches these files only inside string literals: every item is
            // one the emitter writes (functions named after the model's methods).
            for item in &file.items {
                assert!(
                    matches!(
                        item,
                        syn::Item::Fn(_)
                            | syn::Item::Const(_)
                            | syn::Item::Use(_)
                            | syn::Item::Mod(_)
                    ),
                    "{spec}: {path} has an unexpected item"
                );
            }
            for block in doc_blocks(&files[path]) {
                assert!(
                    !block
                        .iter()
                        .any(|line| line.trim_start().starts_with("```")),
                    "{spec}: {path}: a code block in the tool's docs"
                );
            }
        }
    }
}

/// The spec's file name goes into every file's header: it must stay one comment line.
#[test]
fn a_hostile_file_name_stays_inside_its_header_comment() {
    let spec =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile.yaml"))
            .expect("fixture");
    let name = "evil.yaml\n[patch.crates-io]\nserde = { path = \"/tmp/evil\" }\n-->\n```\nfn pwned_file_name() {}\n```\u{202e}";
    let generated = generate(&spec, name, &Config::default()).expect("generates");
    let manifest: toml::Table =
        toml::from_str(&generated.files["Cargo.toml"]).expect("the manifest is TOML");
    let tables: Vec<&String> = manifest.keys().collect();
    assert_eq!(
        tables,
        [
            "package",
            "dependencies",
            "features",
            "dev-dependencies",
            "test"
        ]
    );
    for (path, contents) in &generated.files {
        for line in contents.lines() {
            assert!(!line.starts_with("[patch"), "{path}: {line}");
            assert!(
                !line.contains("pwned_file_name") || line.contains("@generated"),
                "{path}: the file name escaped its header: {line}"
            );
            assert!(!line.contains('\u{202e}'), "{path}: a raw bidi control");
        }
        let header: Vec<&str> = contents.lines().take(3).collect();
        assert!(
            header
                .iter()
                .any(|line| line.contains("@generated") && line.contains("evil.yaml")),
            "{path}: {header:?}"
        );
    }
}
