//! Spec examples that contradict their own schemas (fixture `bad-examples.yaml`).
//!
//! A request example is used only when a JSON Schema validator accepts it; otherwise
//! a value made from the schema replaces it, with a warning at the example. A
//! response example that a mock server would serve is listed on the operation, so the
//! conformance test knows a decode failure there is the spec's.

use std::path::Path;

use generator::ir::{Operation, Resource};
use generator::{Config, generate};

fn operations(resource: &Resource) -> Vec<&Operation> {
    resource
        .operations
        .iter()
        .chain(resource.children.iter().flat_map(operations))
        .collect()
}

#[test]
fn examples_that_contradict_their_schemas_are_replaced_warned_and_listed() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad-examples.yaml");
    let spec = std::fs::read(path).expect("fixture");
    let generated = generate(&spec, "bad-examples.yaml", &Config::default()).expect("generates");

    let mut warned: Vec<&str> = generated
        .warnings
        .0
        .iter()
        .filter(|w| w.message.contains("does not match its schema"))
        .map(|w| w.pointer.as_str())
        .collect();
    warned.sort_unstable();
    assert_eq!(
        warned,
        [
            "#/components/schemas/NewTeam/properties/name/example",
            "#/components/schemas/NewTeam/properties/privacy/example",
            "#/components/schemas/Team/properties/gravatar_id/example",
            "#/paths/~1teams/post/responses/201/content/application~1json/example",
            "#/paths/~1teams~1{team_id}/get/parameters/0/example",
            "#/paths/~1teams~1{team_id}/get/parameters/1/example",
            "#/paths/~1teams~1{team_id}~1archive/post/responses/201/content/application~1json/examples/default/value",
        ]
    );
    // Each warning is located in the source, and says what is wrong.
    let pattern = generated
        .warnings
        .0
        .iter()
        .find(|w| w.pointer.ends_with("parameters/0/example"))
        .expect("the path parameter's example is warned about");
    assert!(
        pattern.message.contains("does not match \"^T[0-9]{3}$\""),
        "{}",
        pattern.message
    );
    assert!(pattern.line_column.is_some(), "{pattern:?}");

    let operations = operations(&generated.api.root);
    let create = operations
        .iter()
        .find(|o| o.operation_id.as_deref() == Some("createTeam"))
        .expect("createTeam");
    let get = operations
        .iter()
        .find(|o| o.operation_id.as_deref() == Some("getTeam"))
        .expect("getTeam");

    // Replaced request examples: valid for their schemas.
    let team_id = &get.path_params[0].example;
    let team_id = team_id.as_str().expect("a string");
    assert!(
        team_id.len() == 4
            && team_id.starts_with('T')
            && team_id[1..].bytes().all(|b| b.is_ascii_digit()),
        "{team_id}"
    );
    let params = get.params.as_ref().expect("query params");
    let limit = params.fields[0].example.as_i64().expect("an integer");
    assert!((1..=10).contains(&limit), "{limit}");
    let body = create.params.as_ref().expect("body params");
    let name = body
        .fields
        .iter()
        .find(|f| f.wire_name == "name")
        .expect("name");
    assert!(name.example.is_string(), "{:?}", name.example);
    let privacy = body
        .fields
        .iter()
        .find(|f| f.wire_name == "privacy")
        .expect("privacy");
    assert_eq!(privacy.example, "open");
    // A valid example is kept.
    let size = body
        .fields
        .iter()
        .find(|f| f.wire_name == "size")
        .expect("size");
    assert_eq!(size.example, 5);

    // The response examples the mock serves: the media example, else the nested one.
    assert_eq!(
        create.response_example_defects.len(),
        1,
        "{:?}",
        create.response_example_defects
    );
    assert!(create.response_example_defects[0].contains("\"type\" is a required property"));
    assert_eq!(
        get.response_example_defects.len(),
        1,
        "{:?}",
        get.response_example_defects
    );
    assert!(
        get.response_example_defects[0]
            .starts_with("#/components/schemas/Team/properties/gravatar_id/example: ")
    );

    // `value: null` is a null example (GitHub's for its empty objects), not none.
    let archive = operations
        .iter()
        .find(|o| o.operation_id.as_deref() == Some("archiveTeam"))
        .expect("archiveTeam");
    assert_eq!(
        archive.response_example_defects.len(),
        1,
        "{:?}",
        archive.response_example_defects
    );

    // The conformance test then retries a decode failure with a schema-made
    // response: one helper asks for it, and each of the three tests calls it.
    let tests = &generated.files["tests/conformance.rs"];
    assert_eq!(
        tests.matches("\"Prefer\", \"dynamic=true\"").count(),
        1,
        "{tests}"
    );
    assert_eq!(
        tests.matches("async fn decoded_or_schema_made").count(),
        1,
        "{tests}"
    );
    assert_eq!(
        tests.matches("= decoded_or_schema_made(").count(),
        3,
        "{tests}"
    );
}

#[test]
fn a_recursive_response_is_listed_as_one_the_mock_cuts_short() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/recursive.yaml");
    let spec = std::fs::read(path).expect("fixture");
    let generated = generate(&spec, "recursive.yaml", &Config::default()).expect("generates");
    let operations = operations(&generated.api.root);
    assert!(
        operations.iter().any(|o| o
            .response_example_defects
            .iter()
            .any(|d| d.contains("the schema is recursive"))),
        "{:#?}",
        operations
            .iter()
            .map(|o| &o.response_example_defects)
            .collect::<Vec<_>>()
    );
    // A mock limit, not a spec defect: no warning.
    assert!(
        !generated
            .warnings
            .0
            .iter()
            .any(|w| w.message.contains("recursive")),
        "{:?}",
        generated.warnings
    );
}
