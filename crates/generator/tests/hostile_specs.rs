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
    assert!(generated.files["src/types.rs"].contains("pub leaf"));
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
