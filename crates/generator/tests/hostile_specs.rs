//! Specs written to make the generator hang, panic or overwrite its own output, that
//! it must accept.
//!
//! Each input must end, within a watchdog's generous bound (a hang is a failure, not
//! a slow pass; speed is measured by `cargo xtask bench`), in a generated SDK whose
//! files do not collide, and never in a panic. The hostile inputs it must refuse are
//! all in `refusals.rs`.

use std::fmt::Write as _;

use common::{deep_block_yaml, spec_with_schemas};
use generator::{Config, GenerateError, Generated};

mod common;

/// The watchdog, for a hostile spec with the default config.
fn generate_within(spec: Vec<u8>) -> Result<Generated, GenerateError> {
    common::generate_within(spec, "hostile.yaml", Config::default())
}

fn errors(result: &Result<Generated, GenerateError>) -> String {
    match result {
        Ok(_) => String::new(),
        Err(error) => error.to_string(),
    }
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
    let generated = generate_within(spec_with_schemas(&schemas)).expect("generates");
    assert!(types_of(&generated).contains("pub leaf"));
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
    let generated = generate_within(spec.into_bytes()).expect("generates");
    let root = &generated.files["src/resources/mod.rs"];
    for tag in ["mod", "lib", "types", "client", "resources", "blocking"] {
        assert!(
            root.contains(&format!("pub fn {tag}(")) || root.contains(&format!("pub fn r#{tag}(")),
            "the root still reaches `{tag}`:\n{root}"
        );
    }
}

/// The versions accepted exactly (the ones refused, `3.10.0` among them, are in
/// `refusals.rs`).
#[test]
fn the_3_0_and_3_1_versions_are_accepted() {
    for version in ["3.0.3", "3.1.0", "3.1"] {
        let spec = format!("openapi: '{version}'\ninfo: {{title: T, version: '1'}}\npaths: {{}}\n");
        let result = generate_within(spec.into_bytes());
        assert!(result.is_ok(), "{version}: {}", errors(&result));
    }
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
    let generated = generate_within(spec.into_bytes()).expect("a 60-level schema generates");
    assert!(types_of(&generated).contains("pub next"));
}

#[test]
fn a_deep_valid_yaml_schema_is_accepted() {
    // 200 levels of `properties` are 400 YAML levels: past serde_yaml's fixed 128.
    let generated =
        generate_within(deep_block_yaml(200)).expect("a 200-level YAML schema generates");
    assert!(types_of(&generated).contains("pub next"));
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
    let generated = generate_within(spec.to_vec()).expect("every local pointer resolves");
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
}

#[test]
fn a_path_key_with_a_query_or_fragment_is_split() {
    let spec = b"openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /files/{id}#get_shared_link:\n    get:\n      operationId: shared_link\n      parameters: [{name: id, in: path, required: true, schema: {type: string}}]\n      responses: {'204': {description: ok}}\n  /search?beta=true:\n    get:\n      operationId: search_beta\n      responses: {'204': {description: ok}}\n";
    let generated = generate_within(spec.to_vec()).expect("generates");
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
