//! Every refusal, in one place: specs (and configs) the generator must refuse with a
//! located error, never a panic, a hang or an SDK.
//!
//! Input: each file under `tests/refusals/` (with its config from
//! `tests/refusals/configs/<name>.toml` when there is one), plus the inputs too big
//! or too odd to keep as files, built below.
//! Output: one insta snapshot per input of the message as the `generator` command
//! prints it (every problem, with its JSON pointer, line, column and source line),
//! and for each input the facts that must stay in it ([`MUST_SAY`]).
//!
//! Each input runs under `common`'s watchdog: a hang is a failure, not a slow pass.

use std::path::Path;

use common::deep_block_yaml;
use generator::{Config, GenerateError};

mod common;

/// What each refused file's message must say, beyond its snapshot: the facts the
/// refusal exists for. A file under `tests/refusals/` missing here fails the test.
const MUST_SAY: &[(&str, &[&str])] = &[
    (
        "alias-cycle.yaml",
        &[
            "`A` refers only to itself (through `B`)",
            "alias-cycle.yaml:15:5 (#/components/schemas/A)",
            "`B` refers only to itself",
        ],
    ),
    (
        "self-alias.yaml",
        &[
            "`A` refers only to itself",
            "self-alias.yaml:15:5 (#/components/schemas/A)",
        ],
    ),
    (
        "self-list.yaml",
        &[
            "`A` refers only to itself",
            "self-list.yaml:15:5 (#/components/schemas/A)",
        ],
    ),
    (
        "percent-escapes.yaml",
        &[
            "`$ref: #/components/schemas/%€x`",
            "(#/components/schemas/A/properties/p0)",
            "`$ref: #/components/schemas/%e2%82`",
            "`$ref: #/components/schemas/%`",
            "`$ref: #/components/schemas/%zz`",
            "`$ref: #/components/schemas/%C3%28`",
            "5 error(s)",
        ],
    ),
    (
        "broken-templates.yaml",
        &[
            "`/a/{id` is broken",
            "broken-templates.yaml:5:3",
            "`id` is declared twice",
            "broken-templates.yaml:12:7",
            "operationId `same` is also used at",
            "1 warning(s)",
        ],
    ),
    (
        "number-overflow.yaml",
        &[
            "too large for a double",
            "number-overflow.yaml:12:15 (#/paths/~1a/get/responses/200/content/application~1json/schema/maximum)",
        ],
    ),
    (
        "version-3.10.0.yaml",
        &[
            "unsupported OpenAPI version `3.10.0`",
            "version-3.10.0.yaml:2:1 (#/openapi)",
        ],
    ),
    (
        "version-3.2.0.yaml",
        &["unsupported OpenAPI version `3.2.0`"],
    ),
    (
        "version-3.1.x.yaml",
        &["unsupported OpenAPI version `3.1.x`"],
    ),
    (
        "complex-keys.yaml",
        &["malformed YAML", "complex-keys.yaml:1:3"],
    ),
    ("list-key.yaml", &["not a list", "list-key.yaml:5:5"]),
    (
        "empty-path-key.yaml",
        &["must start with `/`", "empty-path-key.yaml:4:1 (#/paths/)"],
    ),
    (
        "external-ref.yaml",
        &[
            "cannot resolve `$ref: other.yaml#/components/schemas/A`",
            "external-ref.yaml:12:15",
        ],
    ),
    (
        "malformed-schema.yaml",
        &[
            "expected a sequence",
            "malformed-schema.yaml:15:5 (#/components/schemas/A)",
        ],
    ),
    (
        "malformed-path-item.yaml",
        &[
            "expected a string",
            "malformed-path-item.yaml:6:3 (#/paths/~1a)",
        ],
    ),
    (
        "missing-openapi.yaml",
        &["missing required field `openapi`"],
    ),
    (
        "missing-fields.yaml",
        &[
            "missing required field `title`",
            "missing required field `name`",
            "`in: body` is not one of",
        ],
    ),
    (
        "swagger-2.yaml",
        &["Swagger 2.0", "swagger-2.yaml:1:1 (#/swagger)"],
    ),
    (
        "malformed.json",
        &["malformed JSON: trailing comma", "malformed.json:5:37"],
    ),
    (
        "malformed-json-eof.json",
        &["malformed JSON", "malformed-json-eof.json:4:1"],
    ),
    ("malformed.yaml", &["malformed YAML", "malformed.yaml:4:11"]),
    ("not-utf8.yaml", &["not UTF-8", "not-utf8.yaml:2:17"]),
    (
        "unresolved-refs.yaml",
        &["`Missing`", "request body", "other-file.yaml", "3 error(s)"],
    ),
    (
        "unresolved-refs-at-once.yaml",
        &[
            "`$ref: #/components/schemas/Missing`",
            "unresolved-refs-at-once.yaml:11:15 (#/paths/~1a/get/responses/200/content/application~1json/schema)",
            "`$ref: #/components/schemas/AlsoMissing`",
            "2 error(s)",
        ],
    ),
    (
        "operation-matches-twice.yaml",
        &["matches 2 operations (GET /a, GET /b)"],
    ),
    (
        "job-config-misfits.yaml",
        &[
            "pagination style `offset` does not fit",
            "no query parameter or body field `skip`",
            // `id` is optional in the start answer, so no job id can be read from it.
            "helper `run`: the field `id` (of `id`) may be absent",
            "the helper name `create` is already taken",
            "`jobs` has no method `missing` (start)",
            "there is no resource `nowhere`",
        ],
    ),
];

/// The refusal of `spec` as the `generator` command prints it. Fails the test when
/// the spec is accepted, when generation panics, or when it hangs (the watchdog of
/// `common`).
fn refusal(spec: Vec<u8>, name: &str, config: Config) -> String {
    let source = String::from_utf8_lossy(&spec).into_owned();
    match common::generate_within(spec, name, config) {
        Err(GenerateError::Spec(diagnostics)) => diagnostics.render(&source, name),
        Err(other) => panic!("{name}: not a refusal but {other}"),
        Ok(_) => panic!("{name} must be refused"),
    }
}

fn assert_says(name: &str, message: &str, facts: &[&str]) {
    for fact in facts {
        assert!(
            message.contains(fact),
            "{name} must say {fact:?}:\n{message}"
        );
    }
}

#[test]
fn refused_with_every_problem_located() {
    insta::glob!("refusals/*.{yaml,json}", |path| {
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let spec = std::fs::read(path).expect("readable");
        let config_path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/refusals/configs")
            .join(Path::new(&name).with_extension("toml"));
        let config = match std::fs::read_to_string(&config_path) {
            Ok(text) => Config::from_toml(&text).expect("the config parses"),
            Err(_) => Config::default(),
        };
        let message = refusal(spec, &name, config);
        let facts = MUST_SAY
            .iter()
            .find(|(file, _)| *file == name)
            .map(|(_, facts)| *facts)
            .unwrap_or_else(|| panic!("{name}: add what its refusal must say to MUST_SAY"));
        assert_says(&name, &message, facts);
        insta::assert_snapshot!(message);
    });
}

#[test]
fn every_fact_names_a_file_that_exists() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/refusals");
    for (file, _) in MUST_SAY {
        assert!(
            dir.join(file).is_file(),
            "MUST_SAY names a missing file: {file}"
        );
    }
}

#[test]
fn deep_flow_nesting_is_refused_before_parsing() {
    // 200 KB of `[` took the YAML parser 17 s to refuse.
    let message = refusal(
        "[".repeat(200 * 1024).into_bytes(),
        "deep.yaml",
        Config::default(),
    );
    assert_says(
        "deep.yaml",
        &message,
        &["nests deeper than 1000 levels", "deep.yaml:1:1001"],
    );
}

#[test]
fn block_yaml_nested_past_the_limit_is_a_located_error() {
    let message = refusal(deep_block_yaml(600), "deep.yaml", Config::default());
    assert_says("deep.yaml", &message, &["malformed YAML", "line "]);
}

#[test]
fn invalid_config_names_are_refused() {
    for text in [
        "[package]\nname = \"foo bar\"\n",
        "[client]\nname = \"Not A Type\"\n",
        "[type_names]\n\"#/components/schemas/A\" = \"a-b\"\n",
        "[package.test_dependencies]\nwiremock = [\"a b\"]\n",
        "[cli.test_dependencies]\ntokio = [\"rt\\n[patch]\"]\n",
    ] {
        let error = Config::from_toml(text).expect_err(text);
        assert!(error.contains("is not a"), "{text}: {error}");
    }
}

/// A test dependency's version comes from the generator's table, so a crate it
/// does not know is refused, naming the table and the crates it knows, both at once.
#[test]
fn unknown_test_dependencies_are_refused_together() {
    let text =
        "[package.test_dependencies]\nleft-pad = []\n\n[cli.test_dependencies]\n\"x = 1\" = []\n";
    let error = Config::from_toml(text).expect_err(text);
    assert!(
        error.contains("`package.test_dependencies` names \"left-pad\"")
            && error.contains("`cli.test_dependencies` names \"x = 1\"")
            && error.contains("wiremock"),
        "{error}"
    );
}
