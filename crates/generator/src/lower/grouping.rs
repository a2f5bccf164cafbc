//! Places the operations the config does not name into a tree of resources, with
//! method names a user would write by hand.
//!
//! Input: each unconfigured operation's tags, path, HTTP method and `operationId`.
//! Output: for each, a dotted resource path (`beta.sheets`, `pipelines.files`) and a
//! method name unique within its resource (`list`, `retrieve`, `get_status_counts`).
//!
//! Resources come from tags: stability tags (`Beta`, `V2`, `Alpha`) become a
//! namespace, the most specific other tag the resource. A multi-word tag whose first
//! word names another resource nests under it (`Pipeline Files` → `pipelines.files`).
//! Without tags, the first path segment that is not `api` or a version is used.
//!
//! Method names start from the `operationId` (without the `_api_v1_..._get` tail that
//! FastAPI appends) and drop the words that repeat the resource's name, so
//! `list_pipeline_files` in `pipelines.files` is `list`. A bare `get` of one item is
//! `retrieve`. When that leaves nothing, or two operations of a resource would share a
//! name, the longer forms are used; a number is the last resort.

use std::collections::{BTreeMap, BTreeSet};

use super::names::{self, Namespace};

/// What grouping needs to know about one operation.
#[derive(Debug, Clone)]
pub struct OperationFacts<'a> {
    /// Lowercase HTTP method.
    pub method: &'a str,
    /// The path template.
    pub path: &'a str,
    /// The tags, in spec order.
    pub tags: &'a [String],
    /// The `operationId`.
    pub operation_id: Option<&'a str>,
}

/// Tags that say how stable an operation is rather than what it is about.
const NAMESPACE_TAGS: &[&str] = &["beta", "alpha", "v2", "v3", "experimental", "preview"];

/// Words that link a verb to its object and mean nothing once the object is gone.
const CONNECTIVES: &[&str] = &[
    "to", "from", "for", "by", "of", "on", "in", "with", "a", "an", "the",
];

/// Words in operation ids that name no part of the operation (FastAPI's `_api_` infix).
const NOISE: &[&str] = &["api"];

/// Method names a resource handle or the client already has.
pub const RESERVED_METHODS: &[&str] = &[
    "new",
    "clone",
    "fmt",
    "from_env",
    "builder",
    "base_url",
    "with_max_retries",
    "with_timeout",
    "with_header",
    "with_base_url",
];

fn snake(text: &str) -> String {
    names::bare(&names::snake_ident(text, "resource")).to_owned()
}

/// The singular and plural forms of each word of a name, for stripping.
fn word_forms(name: &str) -> BTreeSet<String> {
    let mut forms = BTreeSet::new();
    for word in name.split('_').filter(|w| !w.is_empty()) {
        forms.insert(word.to_owned());
        if let Some(stem) = word.strip_suffix("ies") {
            forms.insert(format!("{stem}y"));
        } else if let Some(stem) = word
            .strip_suffix("es")
            .filter(|s| s.ends_with('s') || s.ends_with('x') || s.ends_with("ch"))
        {
            forms.insert(stem.to_owned());
        } else if let Some(stem) = word.strip_suffix('s') {
            forms.insert(stem.to_owned());
        }
        if let Some(stem) = word.strip_suffix('y') {
            forms.insert(format!("{stem}ies"));
        }
        forms.insert(format!("{word}s"));
    }
    forms
}

fn is_version(segment: &str) -> bool {
    segment.len() > 1
        && segment.starts_with('v')
        && segment[1..].chars().all(|c| c.is_ascii_digit())
}

/// The namespace and resource of one operation, before nesting.
fn raw_resource(op: &OperationFacts<'_>) -> (Vec<String>, Option<String>) {
    let mut namespace = Vec::new();
    let mut subject = None;
    for tag in op.tags {
        let tag_snake = snake(tag);
        if NAMESPACE_TAGS.contains(&tag_snake.as_str()) {
            if !namespace.contains(&tag_snake) {
                namespace.push(tag_snake);
            }
        } else {
            subject = Some(tag_snake);
        }
    }
    if subject.is_none() {
        let mut segments = op.path.split('/').filter(|segment| {
            !segment.is_empty() && !segment.starts_with('{') && *segment != "api"
        });
        for segment in segments.by_ref() {
            if is_version(segment) {
                if segment != "v1" && !namespace.contains(&segment.to_owned()) {
                    namespace.push(segment.to_owned());
                }
                continue;
            }
            let segment = snake(segment);
            if NAMESPACE_TAGS.contains(&segment.as_str()) {
                if !namespace.contains(&segment) {
                    namespace.push(segment);
                }
                continue;
            }
            subject = Some(segment);
            break;
        }
    }
    (namespace, subject)
}

/// The resource path of every operation (`""` for the client itself).
#[must_use]
pub fn resource_paths(operations: &[OperationFacts<'_>]) -> Vec<String> {
    let raw: Vec<_> = operations.iter().map(raw_resource).collect();
    // Subjects that stand alone somewhere, by namespace, to nest multi-word ones under.
    let standalone: BTreeSet<(Vec<String>, String)> = raw
        .iter()
        .filter_map(|(namespace, subject)| Some((namespace.clone(), subject.clone()?)))
        .collect();
    let anywhere: BTreeSet<&String> = standalone.iter().map(|(_, subject)| subject).collect();
    raw.iter()
        .map(|(namespace, subject)| {
            let mut parts = namespace.clone();
            if let Some(subject) = subject {
                let nested = subject.split_once('_').and_then(|(first, rest)| {
                    let parent = anywhere
                        .iter()
                        .find(|candidate| word_forms(first).contains(candidate.as_str()))?;
                    Some(((*parent).clone(), rest.to_owned()))
                });
                match nested {
                    Some((parent, rest)) => {
                        parts.push(parent);
                        parts.push(rest);
                    }
                    None => parts.push(subject.clone()),
                }
            }
            parts.join(".")
        })
        .collect()
}

/// The cleaned `operationId` words: snake case, without FastAPI's path-and-method tail.
fn operation_words(op: &OperationFacts<'_>) -> Vec<String> {
    let Some(id) = op.operation_id else {
        return Vec::new();
    };
    let snake_id = snake(id);
    let path_tail = snake(
        &op.path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| s.trim_matches(|c| c == '{' || c == '}'))
            .collect::<Vec<_>>()
            .join("_"),
    );
    let cleaned = snake_id
        .strip_suffix(&format!("_{path_tail}_{}", op.method))
        .filter(|rest| !rest.is_empty())
        .unwrap_or(&snake_id);
    cleaned
        .split('_')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The name the HTTP method gives an operation on this path.
fn verb_name(op: &OperationFacts<'_>) -> &'static str {
    let on_item = op.path.trim_end_matches('/').ends_with('}');
    match (op.method, on_item) {
        ("get", true) => "retrieve",
        ("get", false) => "list",
        ("post", _) => "create",
        ("put" | "patch", true) => "update",
        ("put", false) => "replace",
        ("patch", false) => "update_all",
        ("delete", true) => "delete",
        ("delete", false) => "delete_all",
        ("head", _) => "exists",
        ("options", _) => "options",
        _ => "call",
    }
}

/// Candidate names for one operation, best first.
fn candidates(op: &OperationFacts<'_>, resource: &str) -> Vec<String> {
    let words = operation_words(op);
    let resource_words: BTreeSet<String> = resource
        .split('.')
        .flat_map(|part| word_forms(part).into_iter())
        .chain(
            resource
                .split('.')
                .flat_map(|part| part.split('_').flat_map(|w| word_forms(w).into_iter())),
        )
        .collect();
    let mut short: Vec<String> = words
        .iter()
        .filter(|word| !resource_words.contains(word.as_str()) && !NOISE.contains(&word.as_str()))
        .cloned()
        .collect();
    while short
        .last()
        .is_some_and(|w| CONNECTIVES.contains(&w.as_str()))
    {
        short.pop();
    }
    while short
        .first()
        .is_some_and(|w| CONNECTIVES.contains(&w.as_str()))
    {
        short.remove(0);
    }
    let mut out = Vec::new();
    let on_item = op.path.trim_end_matches('/').ends_with('}');
    match short.as_slice() {
        [] => out.push(verb_name(op).to_owned()),
        [only] if only == "get" && on_item && op.method == "get" => out.push("retrieve".to_owned()),
        [only] if only == "get" && op.method == "get" => out.push("list".to_owned()),
        _ => out.push(short.join("_")),
    }
    if !words.is_empty() {
        out.push(words.join("_"));
    }
    let path_words: Vec<String> = op
        .path
        .split('/')
        .filter(|s| !s.is_empty() && !s.starts_with('{') && *s != "api" && !is_version(s))
        .map(snake)
        .collect();
    out.push(format!("{}_{}", op.method, path_words.join("_")));
    out.into_iter()
        .map(|name| names::snake_ident(&name, "call"))
        .collect()
}

/// A unique method name for each operation within its resource.
///
/// `taken` holds, per resource path, the names already in use there (configured
/// methods and child resources).
#[must_use]
pub fn method_names(
    operations: &[OperationFacts<'_>],
    resources: &[String],
    mut taken: BTreeMap<String, Namespace>,
) -> Vec<String> {
    let options: Vec<Vec<String>> = operations
        .iter()
        .zip(resources)
        .map(|(op, resource)| candidates(op, resource))
        .collect();
    // How many operations of each resource would take each first choice.
    let mut first_choices: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for (choice, resource) in options.iter().zip(resources) {
        *first_choices
            .entry((resource.as_str(), choice[0].as_str()))
            .or_default() += 1;
    }
    options
        .iter()
        .zip(resources)
        .map(|(choice, resource)| {
            let names = taken
                .entry(resource.clone())
                .or_insert_with(|| Namespace::with_reserved(RESERVED_METHODS));
            let shared = first_choices[&(resource.as_str(), choice[0].as_str())] > 1;
            let preferred = choice
                .iter()
                .skip(usize::from(shared))
                .find(|name| !names.contains(name))
                .unwrap_or(&choice[0]);
            names.claim(preferred)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts<'a>(
        method: &'a str,
        path: &'a str,
        tags: &'a [String],
        id: &'a str,
    ) -> OperationFacts<'a> {
        OperationFacts {
            method,
            path,
            tags,
            operation_id: Some(id),
        }
    }

    #[test]
    fn tags_make_namespaces_and_nested_resources() {
        let pipelines = vec!["Pipelines".to_owned()];
        let pipeline_files = vec!["Pipeline Files".to_owned()];
        let beta_sheets = vec!["Beta".to_owned(), "Sheets".to_owned()];
        let v2 = vec!["V2".to_owned(), "Projects".to_owned()];
        let none: Vec<String> = Vec::new();
        let ops = [
            facts(
                "get",
                "/api/v1/pipelines",
                &pipelines,
                "search_pipelines_api_v1_pipelines_get",
            ),
            facts(
                "get",
                "/api/v1/pipelines/{pipeline_id}/files2",
                &pipeline_files,
                "list_pipeline_files2_api_v1_pipelines__pipeline_id__files2_get",
            ),
            facts(
                "post",
                "/api/v1/beta/sheets/jobs",
                &beta_sheets,
                "create_spreadsheet_job_api_v1_beta_sheets_jobs_post",
            ),
            facts(
                "get",
                "/api/v2/projects/{project_id}",
                &v2,
                "get_project_api_v2_projects__project_id__get",
            ),
            facts("get", "/v2/pets/{id}", &none, "showPetById"),
        ];
        let resources = resource_paths(&ops);
        assert_eq!(
            resources,
            [
                "pipelines",
                "pipelines.files",
                "beta.sheets",
                "v2.projects",
                "v2.pets"
            ]
        );
        let methods = method_names(&ops, &resources, BTreeMap::new());
        assert_eq!(
            methods,
            [
                "search",
                "list_files2",
                "create_spreadsheet_job",
                "retrieve",
                "show_by_id"
            ]
        );
    }

    #[test]
    fn shared_short_names_fall_back_to_longer_ones() {
        let tags = vec!["Pets".to_owned()];
        let ops = [
            facts("get", "/pets", &tags, "listPets"),
            facts("get", "/pets/search", &tags, "getPets"),
        ];
        let resources = resource_paths(&ops);
        let methods = method_names(&ops, &resources, BTreeMap::new());
        assert_eq!(methods, ["list_pets", "get_pets"]);
    }
}
