//! The published tree, held against the generated SDK.
//!
//! Input: `spec/published-sdk-tree.tsv` (every method of the official Python SDK
//! 2.19.0 with its route and whether it pages) and the generated sources under
//! `src/resources/`. Output: a failure naming every row whose Rust method has another
//! name, HTTP method, path or paging, so the names users read in LlamaCloud's docs
//! cannot drift from the ones this SDK has.
//!
//! The sources are read rather than called: every generated method opens with
//! `RequestSpec::new(Method::X, "resource.method")` (its log name, which is its dotted
//! name from the client), then builds its path piece by piece and ends with the
//! `Call` constructor that decodes it (`Call::page` for a paged list).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// One generated method, as its source says.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Method {
    http_method: String,
    path: String,
    paged: bool,
}

/// The text between the first `"` after `from` and the next `"`.
fn quoted(text: &str) -> Option<&str> {
    let start = text.find('"')? + 1;
    let end = start + text[start..].find('"')?;
    Some(&text[start..end])
}

fn generated_methods(dir: &Path, methods: &mut BTreeMap<String, Method>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("the generated resources exist")
        .map(|entry| entry.expect("readable").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            generated_methods(&path, methods);
            continue;
        }
        let source = std::fs::read_to_string(&path).expect("readable source");
        for chunk in source.split("RequestSpec::new(").skip(1) {
            let head = chunk.trim_start();
            let http_method = head
                .strip_prefix("::reqwest::Method::")
                .and_then(|rest| rest.split(',').next())
                .expect("a method")
                .to_owned();
            let name = quoted(head).expect("a dotted name").to_owned();
            let body = &head[..head.find("crate::Call::").expect("a Call constructor")];
            let mut route = String::new();
            for line in body.lines().map(str::trim) {
                if let Some(rest) = line.strip_prefix("request.path(") {
                    route.push_str(quoted(rest).expect("a literal"));
                } else if let Some(rest) = line.strip_prefix("request.path_param(") {
                    route.push('{');
                    route.push_str(quoted(rest).expect("a name"));
                    route.push('}');
                }
            }
            let paged =
                head[head.find("crate::Call::").unwrap_or(0)..].starts_with("crate::Call::page(");
            let method = Method {
                http_method,
                path: route,
                paged,
            };
            let previous = methods.insert(name.clone(), method);
            assert!(
                previous.is_none(),
                "two generated methods are named `{name}`"
            );
        }
    }
}

#[test]
fn every_published_route_has_its_published_name() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let table = std::fs::read_to_string(root.join("../../spec/published-sdk-tree.tsv"))
        .expect("spec/published-sdk-tree.tsv");
    let mut generated = BTreeMap::new();
    generated_methods(&root.join("src/resources"), &mut generated);
    let by_route: BTreeMap<(String, String), String> = generated
        .iter()
        .map(|(name, m)| ((m.http_method.clone(), m.path.clone()), name.clone()))
        .collect();
    assert_eq!(by_route.len(), generated.len(), "two methods share a route");

    let mut problems = Vec::new();
    let mut kept = 0;
    let mut other_name = BTreeSet::new();
    let mut not_in_spec = BTreeSet::new();
    for line in table.lines().skip(1).filter(|line| !line.is_empty()) {
        let columns: Vec<&str> = line.split('\t').collect();
        let [resource, method, http_method, path, pagination] = columns[..] else {
            panic!("a row of five columns: {line:?}");
        };
        let name = format!("{resource}.{method}");
        let route = (http_method.to_owned(), path.to_owned());
        match generated.get(&name) {
            Some(found) => {
                kept += 1;
                let wanted = Method {
                    http_method: http_method.to_owned(),
                    path: path.to_owned(),
                    paged: pagination == "paged",
                };
                if *found != wanted {
                    problems.push(format!(
                        "`{name}`: published {wanted:?}, generated {found:?}"
                    ));
                }
            }
            None => match by_route.get(&route) {
                // A route with two published names: the other one is generated.
                Some(rust) => {
                    other_name.insert(format!("{name} (generated as {rust})"));
                }
                None => {
                    not_in_spec.insert(format!("{http_method} {path}"));
                }
            },
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // 165 rows: 150 kept, 15 are the second names of a route (`chat.*`,
    // `beta.indexes.*`, `beta.retrieval.*`), and the spec lacks 8 of the 150 routes.
    assert_eq!(kept, 142, "rows generated under their published name");
    let dropped: BTreeSet<&str> = other_name
        .iter()
        .map(|row| row.split('.').next().unwrap_or(row))
        .collect();
    assert_eq!(
        other_name.len(),
        15,
        "second names not kept: {other_name:#?}"
    );
    assert_eq!(dropped, BTreeSet::from(["beta", "chat"]), "{other_name:#?}");
    assert_eq!(
        not_in_spec.len(),
        8,
        "routes the spec lacks: {not_in_spec:#?}"
    );
    // And every operation of the spec has a method: 142 published, 77 Rust-only.
    assert_eq!(generated.len(), 219);
}
