//! Specs written to make the generator hang, panic or overwrite its own output.
//!
//! Each input must end, within a watchdog's generous bound (a hang is a failure, not
//! a slow pass; speed is measured by `cargo xtask bench`), in either a generated SDK
//! whose files do not collide or a located error, and never in a panic.

use std::fmt::Write as _;
use std::sync::mpsc;
use std::time::Duration;

use generator::{Config, GenerateError, Generated, generate};

/// Generates on another thread; fails the test if that takes longer than `limit`
/// (a hang) or panics.
fn generate_within(spec: Vec<u8>, limit: Duration) -> Result<Generated, GenerateError> {
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = send.send(generate(&spec, "hostile.yaml", &Config::default()));
    });
    match receive.recv_timeout(limit) {
        Ok(result) => result,
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("the generator did not finish within {limit:?}")
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("the generator panicked"),
    }
}

fn errors(result: &Result<Generated, GenerateError>) -> String {
    match result {
        Ok(_) => String::new(),
        Err(error) => error.to_string(),
    }
}

fn spec_with_schemas(schemas: &str) -> Vec<u8> {
    format!(
        "openapi: 3.0.3\ninfo: {{title: T, version: '1'}}\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/A'}}\ncomponents:\n  schemas:\n{schemas}"
    )
    .into_bytes()
}

/// Every `types/` file, joined in path order.
fn types_of(generated: &Generated) -> String {
    generated
        .files
        .iter()
        .filter(|(path, _)| path.starts_with("src/types/"))
        .map(|(_, text)| text.as_str())
        .collect()
}

const LIMIT: Duration = Duration::from_secs(60);

#[test]
fn alias_cycles_are_refused_with_a_located_error() {
    for schemas in [
        "    A: {$ref: '#/components/schemas/B'}\n    B: {$ref: '#/components/schemas/A'}\n",
        "    A: {$ref: '#/components/schemas/A'}\n",
        "    A: {type: array, items: {$ref: '#/components/schemas/A'}}\n",
    ] {
        let result = generate_within(spec_with_schemas(schemas), LIMIT);
        let message = errors(&result);
        assert!(
            message.contains("refers only to itself"),
            "{schemas}: {message}"
        );
        assert!(
            message.contains("#/components/schemas/"),
            "{schemas}: {message}"
        );
    }
}

#[test]
fn all_of_fan_out_is_linear() {
    // 20 levels of 4 references each: 4^20 paths, 21 distinct schemas.
    let mut schemas = String::new();
    for level in 0..20 {
        let next = format!("'#/components/schemas/L{}'", level + 1);
        let name = if level == 0 {
            "A".to_owned()
        } else {
            format!("L{level}")
        };
        let _ = writeln!(
            schemas,
            "    {name}:\n      allOf: [{{$ref: {next}}}, {{$ref: {next}}}, {{$ref: {next}}}, {{$ref: {next}}}]"
        );
    }
    schemas.push_str("    L20: {type: object, properties: {leaf: {type: string}}}\n");
    let generated = generate_within(spec_with_schemas(&schemas), LIMIT).expect("generates");
    assert!(types_of(&generated).contains("pub leaf"));
}

#[test]
fn deep_yaml_flow_nesting_is_refused_before_parsing() {
    let spec = "[".repeat(200 * 1024).into_bytes();
    let message = errors(&generate_within(spec, LIMIT));
    assert!(message.contains("nest"), "{message}");
}

#[test]
fn a_percent_escape_inside_a_character_does_not_panic() {
    for reference in ["%€x", "%e2%82", "%", "%zz", "%C3%28"] {
        let schemas = format!("    A: {{$ref: '#/components/schemas/{reference}'}}\n");
        let message = errors(&generate_within(spec_with_schemas(&schemas), LIMIT));
        assert!(message.contains("cannot resolve"), "{reference}: {message}");
    }
}

#[test]
fn resources_named_like_the_crates_own_files_get_files_of_their_own() {
    let mut paths = String::new();
    for tag in ["mod", "lib", "types", "client", "resources", "blocking"] {
        let _ = writeln!(
            paths,
            "  /{tag}:\n    get:\n      tags: [{tag}]\n      operationId: list_{tag}\n      responses:\n        '204': {{description: ok}}"
        );
    }
    let spec = format!("openapi: 3.0.3\ninfo: {{title: T, version: '1'}}\npaths:\n{paths}");
    let generated = generate_within(spec.into_bytes(), LIMIT).expect("generates");
    let root = &generated.files["src/resources/mod.rs"];
    for tag in ["mod", "lib", "types", "client", "resources", "blocking"] {
        assert!(
            root.contains(&format!("pub fn {tag}(")) || root.contains(&format!("pub fn r#{tag}(")),
            "the root still reaches `{tag}`:\n{root}"
        );
    }
}

// ---- diagnostics: right and complete ----

fn refusal(spec: &[u8]) -> String {
    match generate(spec, "bad.yaml", &Config::default()) {
        Ok(_) => String::new(),
        Err(error) => error.to_string(),
    }
}

#[test]
fn broken_templates_and_repeated_parameters_are_errors_and_a_repeated_operation_id_warns() {
    let spec = b"openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /a/{id:\n    get:\n      operationId: same\n      responses: {'204': {description: ok}}\n  /b/{id}:\n    get:\n      operationId: same\n      parameters:\n        - {name: id, in: path, required: true, schema: {type: string}}\n        - {name: id, in: path, required: true, schema: {type: string}}\n      responses: {'204': {description: ok}}\n";
    let message = refusal(spec);
    assert!(message.contains("`/a/{id` is broken"), "{message}");
    assert!(message.contains("declared twice"), "{message}");
    assert!(
        message.contains("operationId `same` is also used at"),
        "{message}"
    );
}

#[test]
fn a_number_too_large_is_located_at_its_keyword() {
    let spec = b"openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {type: number, maximum: 1e400}\n";
    let message = refusal(spec);
    assert!(message.contains("schema/maximum"), "{message}");
    assert!(message.contains("line 11"), "{message}");
}

#[test]
fn versions_are_matched_exactly() {
    for (version, accepted) in [
        ("3.0.3", true),
        ("3.1.0", true),
        ("3.1", true),
        ("3.10.0", false),
        ("3.2.0", false),
        ("3.1.x", false),
    ] {
        let spec = format!("openapi: '{version}'\ninfo: {{title: T, version: '1'}}\npaths: {{}}\n");
        let message = refusal(spec.as_bytes());
        assert_eq!(
            !message.contains("unsupported OpenAPI version"),
            accepted,
            "{version}: {message}"
        );
    }
}

#[test]
fn bytes_that_are_not_utf8_are_refused_not_replaced() {
    let mut spec = b"openapi: 3.0.3\ninfo: {title: \"T".to_vec();
    spec.extend_from_slice(&[0xff, 0xfe]);
    spec.extend_from_slice(b"\", version: '1'}\npaths: {}\n");
    let message = refusal(&spec);
    assert!(message.contains("not UTF-8"), "{message}");
    assert!(message.contains("line 2"), "{message}");
}

#[test]
fn a_deep_valid_json_schema_is_accepted() {
    let mut schema = String::from("{\"type\": \"string\"}");
    for _ in 0..60 {
        schema = format!("{{\"type\": \"object\", \"properties\": {{\"next\": {schema}}}}}");
    }
    let spec = format!(
        "{{\"openapi\": \"3.0.3\", \"info\": {{\"title\": \"T\", \"version\": \"1\"}}, \"paths\": {{\"/a\": {{\"get\": {{\"responses\": {{\"200\": {{\"description\": \"ok\", \"content\": {{\"application/json\": {{\"schema\": {schema}}}}}}}}}}}}}}}}}"
    );
    let generated = generate_within(spec.into_bytes(), LIMIT).expect("a 60-level schema generates");
    assert!(types_of(&generated).contains("pub next"));
}

/// A schema nested `levels` deep in block YAML, under `components/schemas/A`.
fn deep_block_yaml(levels: usize) -> Vec<u8> {
    let mut schemas = String::new();
    let mut indent = "    ".to_owned();
    schemas.push_str("    A:\n");
    for _ in 0..levels {
        indent.push_str("  ");
        let _ = write!(
            schemas,
            "{indent}type: object\n{indent}properties:\n{indent}  next:\n"
        );
        indent.push_str("  ");
    }
    let _ = writeln!(schemas, "{indent}  type: string");
    spec_with_schemas(&schemas)
}

#[test]
fn nested_complex_yaml_keys_are_refused_at_once() {
    // Found by the fuzzer (a timeout): each `? ` opens a key that is itself a
    // mapping; writing such a key as text doubled its escapes at every level.
    let spec = b"? ?  ? ?     ?  ? ?      ? ? ?   ?     ?  ? ?      ? ? ?  ?     ?  ? ?        ?  ? ?    ?   ?  ?     ? ?    ?   ?  WlV \"  ".to_vec();
    let message = errors(&generate_within(spec, LIMIT));
    assert!(message.contains("malformed YAML"), "{message}");
    let keyed =
        b"openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  ? [a, b]\n  : {}\n".to_vec();
    let message = errors(&generate_within(keyed, LIMIT));
    assert!(message.contains("not a list"), "{message}");
}

#[test]
fn an_empty_path_key_is_refused_at_once() {
    // Found by the fuzzer (a timeout): locating the error at `#/paths/` searched
    // the YAML text for an empty key without ever advancing.
    let spec = b"openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  '':\n    get:\n      responses: {'204': {description: ok}}\n".to_vec();
    let message = errors(&generate_within(spec, LIMIT));
    assert!(message.contains("#/paths/"), "{message}");
}

#[test]
fn a_deep_valid_yaml_schema_is_accepted() {
    // 200 levels of `properties` are 400 YAML levels: past serde_yaml's fixed 128.
    let generated =
        generate_within(deep_block_yaml(200), LIMIT).expect("a 200-level YAML schema generates");
    assert!(types_of(&generated).contains("pub next"));
}

#[test]
fn block_yaml_nested_past_the_limit_is_a_located_error() {
    let message = errors(&generate_within(deep_block_yaml(600), LIMIT));
    assert!(message.contains("malformed YAML"), "{message}");
    assert!(message.contains("line "), "{message}");
}

#[test]
fn invalid_config_names_are_refused() {
    for text in [
        "[package]\nname = \"foo bar\"\n",
        "[client]\nname = \"Not A Type\"\n",
        "[type_names]\n\"#/components/schemas/A\" = \"a-b\"\n",
    ] {
        let error = Config::from_toml(text).expect_err(text);
        assert!(error.contains("is not a"), "{text}: {error}");
    }
}

#[test]
fn a_config_operation_matching_several_operations_is_an_error() {
    let spec = b"openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: same\n      responses: {'204': {description: ok}}\n  /b:\n    get:\n      operationId: same\n      responses: {'204': {description: ok}}\n";
    let config =
        Config::from_toml("[resources.r.methods.m]\noperation = \"same\"\n").expect("config");
    let message = match generate(spec, "bad.yaml", &config) {
        Ok(_) => String::new(),
        Err(error) => error.to_string(),
    };
    assert!(message.contains("matches 2 operations"), "{message}");
}

#[test]
fn a_ref_to_any_pointer_inside_the_document_works() {
    let spec = b"openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /vehicles/{vehicleId}/watch:
    post:
      parameters:
        - {name: vehicleId, in: path, required: true, schema: {type: string}}
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                speed: {type: integer}
      responses: {'204': {description: ok}}
  /vehicles/{vehicleId}/again:
    post:
      parameters:
        - $ref: '#/paths/~1vehicles~1{vehicleId}~1watch/post/parameters/0'
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/paths/~1vehicles~1%7BvehicleId%7D~1watch/post/requestBody/content/application~1json/schema'}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Alias'}
components:
  schemas:
    Alias: {$ref: '#/components/schemas/Car/properties/engine'}
    Car:
      type: object
      properties:
        engine:
          type: object
          properties:
            power: {type: number}
";
    let generated = generate_within(spec.to_vec(), LIMIT).expect("every local pointer resolves");
    let types = types_of(&generated);
    assert!(
        types.contains("pub speed"),
        "the schema under paths is a type"
    );
    assert!(
        types.contains("pub power"),
        "a component's property is a type"
    );
    assert!(generated.warnings.0.is_empty(), "{:?}", generated.warnings);
    let external = b"openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: 'other.yaml#/components/schemas/A'}\n";
    let message = errors(&generate_within(external.to_vec(), LIMIT));
    assert!(
        message.contains("cannot resolve"),
        "external refs stay refused: {message}"
    );
}

#[test]
fn a_path_key_with_a_query_or_fragment_is_split() {
    let spec = b"openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /files/{id}#get_shared_link:\n    get:\n      operationId: shared_link\n      parameters: [{name: id, in: path, required: true, schema: {type: string}}]\n      responses: {'204': {description: ok}}\n  /search?beta=true:\n    get:\n      operationId: search_beta\n      responses: {'204': {description: ok}}\n";
    let generated = generate_within(spec.to_vec(), LIMIT).expect("generates");
    let code: String = generated
        .files
        .iter()
        .filter(|(path, _)| path.starts_with("src/resources"))
        .map(|(_, text)| text.as_str())
        .collect();
    assert!(code.contains("request.path(\"/files/\")"), "{code}");
    assert!(
        !code.contains("get_shared_link\")"),
        "the fragment is not sent"
    );
    assert!(code.contains("request.path(\"/search\")"), "{code}");
    assert!(code.contains("request.query(\"beta\", \"true\")"), "{code}");
    assert!(
        generated
            .warnings
            .0
            .iter()
            .any(|w| w.message.contains("#fragment")),
        "{:?}",
        generated.warnings
    );
}

#[test]
fn a_malformed_schema_or_path_item_is_located_in_its_own_part() {
    // The loader types the components and the path items one at a time (so the JSON
    // tree and the typed document are never both whole): an error in one still names
    // its place in the document, and the paths object's `x-` keys stay extensions.
    let schema = spec_with_schemas("    A: {type: object, required: 7}\n");
    let message = refusal(&schema);
    // (Path tracking ends at the schema: openapiv3 buffers its fields.)
    assert!(
        message.contains("at #/components/schemas/A (line 14"),
        "{message}"
    );
    let item = b"openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  x-note: {any: thing}\n  /a:\n    get:\n      summary: [not, text]\n      responses: {'204': {description: ok}}\n";
    let message = refusal(item);
    assert!(message.contains("at #/paths/~1a (line 5"), "{message}");
    assert!(!message.contains("x-note"), "{message}");
    let fine = b"openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  x-note: {any: thing}\n  /a:\n    get:\n      responses: {'204': {description: ok}}\n";
    assert_eq!(refusal(fine), "");
}
