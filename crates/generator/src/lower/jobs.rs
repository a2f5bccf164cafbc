//! Long-running jobs: the config's `[[jobs]]` checked against the lowered tree.
//!
//! Input: the resource tree with its operations, the config's jobs and the lowered
//! types. Output: a [`Job`] on each named resource (its `wait_for_completion` and
//! one-call helpers), or a located error for each thing the config names that does
//! not fit: a missing resource or method, a status method without exactly one path
//! parameter, a helper name already taken, a job id that is not a required string.

use crate::config::{Config, JobConfig};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::ir::{Job, JobHelper, Operation, Presence, Resource, ResponseBody, TypeRef};
use crate::lower::names;
use crate::lower::types::TypeLowerer;

/// The waiting method every job gets.
const WAIT_METHOD: &str = "wait_for_completion";

fn find<'r>(root: &'r mut Resource, dotted: &str) -> Option<&'r mut Resource> {
    let mut node = root;
    for segment in dotted.split('.') {
        let accessor = names::snake_ident(segment, "resource");
        node = node
            .children
            .iter_mut()
            .find(|child| child.accessor == accessor)?;
    }
    Some(node)
}

fn operation<'r>(resource: &'r Resource, name: &str) -> Option<&'r Operation> {
    let ident = names::snake_ident(name, "call");
    resource
        .operations
        .iter()
        .find(|op| op.method_name == ident)
}

fn dotted(path: &str) -> Vec<String> {
    path.split('.').map(str::to_owned).collect()
}

/// The Rust field path of a required string at the dotted wire path `path` of `ty`.
fn id_access(ty: &TypeRef, path: &str, types: &TypeLowerer<'_>) -> Result<Vec<String>, String> {
    let mut current = ty.clone();
    let mut access = Vec::new();
    for wire in path.split('.') {
        let field = types
            .struct_field(&current, wire)
            .ok_or_else(|| format!("its answer has no field `{wire}` (of `{path}`)"))?;
        if field.presence != Presence::Required {
            return Err(format!(
                "the field `{wire}` (of `{path}`) may be absent or null, so a job id cannot be read from it"
            ));
        }
        access.push(field.rust_name.clone());
        current = field.ty.clone();
    }
    if types.resolve_alias(&current) == TypeRef::String {
        Ok(access)
    } else {
        Err(format!("`{path}` is not a string"))
    }
}

fn lower_job(
    job: &JobConfig,
    node: &Resource,
    types: &TypeLowerer<'_>,
) -> Result<Job, Vec<String>> {
    let mut problems = Vec::new();
    let method = |name: &str, role: &str, problems: &mut Vec<String>| {
        let found = operation(node, name);
        if found.is_none() {
            problems.push(format!(
                "`{}` has no method `{name}` ({role})",
                job.resource
            ));
        }
        found
    };
    let status = method(&job.status, "status", &mut problems);
    let id_param = status.and_then(|status| match status.path_params.as_slice() {
        [only] if only.ty == TypeRef::String => Some(only.rust_name.clone()),
        _ => {
            problems.push(format!(
                "the status method `{}` must take exactly one path parameter, the job id as a string",
                job.status
            ));
            None
        }
    });
    let result = job.result.as_deref().filter(|result| *result != job.status);
    if let Some(result) = result {
        let found = method(result, "result", &mut problems);
        if found.is_some_and(|op| op.path_params.len() != 1) {
            problems.push(format!(
                "the result method `{result}` must take exactly one path parameter, the job id"
            ));
        }
        let defaults = status
            .and_then(|status| status.params.as_ref())
            .is_none_or(|params| {
                params
                    .fields
                    .iter()
                    .all(|field| field.presence != Presence::Required)
            });
        if !defaults {
            problems.push(format!(
                "the status method `{}` has required parameters, so it cannot poll for a separate result method",
                job.status
            ));
        }
    }
    let taken = |name: &str| {
        node.operations.iter().any(|op| op.method_name == name)
            || node.children.iter().any(|child| child.accessor == name)
    };
    if taken(WAIT_METHOD) {
        problems.push(format!("`{}` already has a `{WAIT_METHOD}`", job.resource));
    }
    let mut helpers = Vec::new();
    for helper in &job.helpers {
        let name = names::snake_ident(&helper.name, "call");
        if taken(&name) || name == WAIT_METHOD || helpers.iter().any(|h: &JobHelper| h.name == name)
        {
            problems.push(format!(
                "the helper name `{}` is already taken",
                helper.name
            ));
        }
        let Some(start) = method(&helper.start, "start", &mut problems) else {
            continue;
        };
        if !start.path_params.is_empty() {
            problems.push(format!(
                "the start method `{}` takes path parameters; a helper passes only its parameters",
                helper.start
            ));
        }
        let ResponseBody::Json(answer) = &start.response else {
            problems.push(format!(
                "the start method `{}` answers no JSON job",
                helper.start
            ));
            continue;
        };
        match id_access(answer, &helper.id_field, types) {
            Ok(id_access) => helpers.push(JobHelper {
                doc: helper.doc.clone().unwrap_or_else(|| {
                    format!(
                        "Starts a job with [`Self::{}`], waits for it with [`Self::{WAIT_METHOD}`] and returns the answer of `{}`.",
                        start.method_name,
                        result.unwrap_or(&job.status)
                    )
                }),
                name,
                start_method: start.method_name.clone(),
                id_access,
            }),
            Err(problem) => problems.push(format!("helper `{}`: {problem}", helper.name)),
        }
    }
    match (status, id_param) {
        (Some(status), Some(id_param)) if problems.is_empty() => Ok(Job {
            wait_method: WAIT_METHOD.to_owned(),
            status_method: status.method_name.clone(),
            id_param,
            status_field: dotted(&job.status_field),
            success: job.success.clone(),
            failure: job.failure.clone(),
            error_field: job.error_field.as_deref().map(dotted).unwrap_or_default(),
            result_method: result.map(|result| names::snake_ident(result, "call")),
            helpers,
        }),
        _ => Err(problems),
    }
}

/// Adds each configured job to its resource; every misfit is an error.
pub fn lower_jobs(
    root: &mut Resource,
    config: &Config,
    types: &TypeLowerer<'_>,
    diagnostics: &mut Diagnostics,
) {
    for job in &config.jobs {
        let Some(node) = find(root, &job.resource) else {
            diagnostics.push(Diagnostic::error(
                "#/paths",
                format!("config job: there is no resource `{}`", job.resource),
            ));
            continue;
        };
        match lower_job(job, node, types) {
            Ok(lowered) => node.jobs.push(lowered),
            Err(problems) => {
                for problem in problems {
                    diagnostics.push(Diagnostic::error(
                        "#/paths",
                        format!("config job on `{}`: {problem}", job.resource),
                    ));
                }
            }
        }
    }
}
