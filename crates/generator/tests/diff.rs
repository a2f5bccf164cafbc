//! The spec diff (`generator diff`): a planted change of every kind on a fixture, and
//! the three real steps of LlamaCloud's spec history, whose added and removed
//! operations are counted here from the JSON alone.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use generator::Config;
use generator::diagnostics::escape_pointer_token;
use generator::diff::{self, ChangeKind, Report, Semver};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/spec-diff")
            .join(name),
    )
    .expect("fixture")
}

fn planted() -> Report {
    generator::diff_specs(
        &fixture("old.yaml"),
        &fixture("new.yaml"),
        &Config::default(),
        None,
    )
    .expect("both sides load")
}

#[test]
fn every_kind_of_change_is_found_and_classified() {
    let report = planted();
    // (kind, Rust item, breaking): one planted change of each kind.
    let expected = [
        (
            ChangeKind::OperationAdded,
            "diff::resources::pets::Pets::list_toys",
            false,
        ),
        (
            ChangeKind::OperationRemoved,
            "diff::resources::pets::Pets::delete",
            true,
        ),
        (
            ChangeKind::OperationRenamed,
            "diff::resources::stores::Stores::fetch_archive",
            true,
        ),
        (
            ChangeKind::OperationDeprecated,
            "diff::resources::stores::Stores::list",
            false,
        ),
        (
            ChangeKind::SignatureChanged,
            "diff::resources::owners::Owners::retrieve",
            true,
        ),
        (
            ChangeKind::ParameterAdded,
            "diff::types::PetsListParams::color",
            false,
        ),
        (
            ChangeKind::ParameterAdded,
            "diff::types::PetsListParams::region",
            true,
        ),
        (
            ChangeKind::ParameterRemoved,
            "diff::types::PetsListParams::kind",
            true,
        ),
        (
            ChangeKind::ParameterChanged,
            "diff::types::PetsListParams::sort",
            true,
        ),
        (
            ChangeKind::RequestBodyChanged,
            "diff::resources::pets::Pets::upload_photo",
            true,
        ),
        (
            ChangeKind::ResponseChanged,
            "diff::resources::stores::Stores::list",
            true,
        ),
        (ChangeKind::TypeAdded, "diff::types::Triangle", false),
        (ChangeKind::TypeRemoved, "diff::types::Square", true),
        (ChangeKind::TypeChanged, "diff::types::Code", true),
        (ChangeKind::FieldAdded, "diff::types::Pet::color", false),
        (ChangeKind::FieldAdded, "diff::types::Pet::owner_id", true),
        (ChangeKind::FieldRemoved, "diff::types::Pet::tag", true),
        (ChangeKind::FieldChanged, "diff::types::Pet::age", true),
        (
            ChangeKind::EnumValueAdded,
            "diff::types::Status::Pending",
            false,
        ),
        (
            ChangeKind::EnumValueRemoved,
            "diff::types::Status::Lost",
            true,
        ),
        (
            ChangeKind::VariantAdded,
            "diff::types::Shape::Triangle",
            false,
        ),
        (
            ChangeKind::VariantRemoved,
            "diff::types::Shape::Square",
            true,
        ),
        (
            ChangeKind::VariantChanged,
            "diff::types::Label::Array",
            true,
        ),
        (ChangeKind::AccessorAdded, "diff::types::Shape::base", false),
        (
            ChangeKind::AccessorRemoved,
            "diff::types::Shape::side",
            true,
        ),
        (
            ChangeKind::AccessorChanged,
            "diff::types::Shape::color",
            true,
        ),
        (ChangeKind::AuthSchemeAdded, "diff::Client", false),
        (ChangeKind::AuthSchemeRemoved, "diff::Client", true),
    ];
    for (kind, rust, breaking) in expected {
        let found = report
            .changes
            .iter()
            .find(|c| c.kind == kind && c.rust == rust)
            .unwrap_or_else(|| panic!("no {} of {rust}:\n{}", kind.name(), report.text()));
        assert_eq!(found.breaking, breaking, "{} of {rust}", kind.name());
    }
    for kind in ChangeKind::ALL {
        assert!(
            report.count(kind) > 0,
            "the fixture plants no {}",
            kind.name()
        );
    }
    assert_eq!(report.semver, Semver::Major);
    assert_eq!(report.next_version, "0.2.0");

    // Pointers are in the newer spec, or in the older one for what was removed.
    let pointer = |kind: ChangeKind, rust: &str| {
        report
            .changes
            .iter()
            .find(|c| c.kind == kind && c.rust == rust)
            .map(|c| c.pointer.clone())
    };
    assert_eq!(
        pointer(ChangeKind::FieldRemoved, "diff::types::Pet::tag").as_deref(),
        Some("#/components/schemas/Pet/properties/tag")
    );
    assert_eq!(
        pointer(
            ChangeKind::OperationRemoved,
            "diff::resources::pets::Pets::delete"
        )
        .as_deref(),
        Some("#/paths/~1pets~1{id}/delete")
    );
    assert_eq!(
        pointer(
            ChangeKind::ParameterRemoved,
            "diff::types::PetsListParams::kind"
        )
        .as_deref(),
        Some("#/paths/~1pets/get/parameters/1")
    );
    assert_eq!(
        pointer(
            ChangeKind::ParameterAdded,
            "diff::types::PetsListParams::region"
        )
        .as_deref(),
        Some("#/paths/~1pets/get/parameters/3")
    );
}

#[test]
fn the_json_report_has_the_documented_fields() {
    let report = planted();
    let value: serde_json::Value = serde_json::from_str(&report.json()).expect("JSON");
    assert_eq!(value["semver"], "major");
    assert_eq!(value["current_version"], "0.1.0");
    assert_eq!(value["next_version"], "0.2.0");
    assert_eq!(value["breaking"], report.breaking);
    assert_eq!(value["counts"]["operation_added"], 1);
    let changes = value["changes"].as_array().expect("a list");
    assert_eq!(changes.len(), report.changes.len());
    for change in changes {
        for key in ["kind", "pointer", "rust", "detail"] {
            assert!(change[key].is_string(), "{key} in {change}");
        }
        assert!(change["breaking"].is_boolean());
        assert!(
            change["pointer"]
                .as_str()
                .is_some_and(|p| p.starts_with("#/"))
        );
    }
    let markdown = report.markdown();
    assert!(markdown.contains("### Breaking changes"), "{markdown}");
    assert!(markdown.contains("### Additions"), "{markdown}");
}

#[test]
fn additions_alone_are_minor_and_nothing_is_patch() {
    let old = fixture("new.yaml");
    let text = String::from_utf8(old.clone()).expect("UTF-8");
    let added = text.replace(
        "        color: {type: string}\n",
        "        color: {type: string}\n        nickname: {type: string}\n",
    );
    assert_ne!(added, text);
    let report = generator::diff_specs(&old, added.as_bytes(), &Config::default(), Some("1.4.2"))
        .expect("loads");
    assert_eq!(report.semver, Semver::Minor, "{}", report.text());
    assert_eq!(report.next_version, "1.5.0");
    assert!(report.changes.iter().all(|c| !c.breaking));
    assert!(report.count(ChangeKind::FieldAdded) > 0);

    let same = generator::diff_specs(&old, &old, &Config::default(), Some("0.3.1")).expect("loads");
    assert!(same.changes.is_empty(), "{}", same.text());
    assert_eq!(
        (same.semver, same.next_version.as_str()),
        (Semver::Patch, "0.3.2")
    );
}

// ---- the real history ----

fn llamacloud(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/specs/llamacloud")
        .join(file)
}

/// `#/paths/…/method` of every operation, read straight from the JSON.
fn operation_pointers(spec: &[u8]) -> BTreeSet<String> {
    let value: serde_json::Value = serde_json::from_slice(spec).expect("JSON");
    let mut out = BTreeSet::new();
    for (path, item) in value["paths"].as_object().expect("paths") {
        for method in ["get", "post", "put", "patch", "delete"] {
            if item.get(method).is_some() {
                out.insert(format!("#/paths/{}/{method}", escape_pointer_token(path)));
            }
        }
    }
    out
}

#[test]
fn the_three_real_steps_of_llamacloud_find_the_operations_added_and_removed() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let config = Config::from_toml(
        &std::fs::read_to_string(root.join("spec/llama-cloud.toml")).expect("config"),
    )
    .expect("valid config");
    let versions = [
        "history/openapi-2026-06-02.json",
        "history/openapi-2026-07-09.json",
        "history/openapi-2026-07-30.json",
        "openapi.json",
    ];
    let specs: Vec<Vec<u8>> = versions
        .iter()
        .map(|file| std::fs::read(llamacloud(file)).expect("spec"))
        .collect();
    // Each spec is lowered once, as an older spec (the newest is also one: every
    // method the config names is in it, so nothing is left out).
    let mut older = config.clone();
    older.older_spec = true;
    let models: Vec<_> = specs
        .iter()
        .map(|spec| {
            generator::load_and_lower(spec, "openapi.json", &older)
                .expect("lowers")
                .0
        })
        .collect();
    for step in 0..3 {
        let changes = diff::diff(&models[step], &models[step + 1]);
        let (before, after) = (
            operation_pointers(&specs[step]),
            operation_pointers(&specs[step + 1]),
        );
        let pointers = |kind: ChangeKind| -> BTreeSet<String> {
            changes
                .iter()
                .filter(|c| c.kind == kind)
                .map(|c| c.pointer.clone())
                .collect()
        };
        let label = format!("{} → {}", versions[step], versions[step + 1]);
        let added: BTreeSet<String> = after.difference(&before).cloned().collect();
        let removed: BTreeSet<String> = before.difference(&after).cloned().collect();
        assert_eq!(
            pointers(ChangeKind::OperationAdded),
            added,
            "{label}: added"
        );
        assert_eq!(
            pointers(ChangeKind::OperationRemoved),
            removed,
            "{label}: removed"
        );
        assert!(
            !added.is_empty(),
            "{label}: every real step adds operations"
        );
        let report = Report::new(changes, "0.1.0").expect("version");
        // A removed operation breaks, so the step's class follows.
        if !removed.is_empty() {
            assert_eq!(report.semver, Semver::Major, "{label}");
        }
    }
}
