//! The command-line tool's model: every decision about its commands and flags.
//!
//! Input: the lowered resource tree (methods, params types, job helpers), the
//! types, and the tool's binary name.
//! Output: [`Cli`]: each SDK method (and job helper) as a command
//! `<binary> <resource>[:<sub>] <method>`, grouped by top-level resource, with one
//! flag per parameter. Decided here: command and function names, flag names (kebab
//! case; a list's flag is singular and repeats, its plural an alias; a name taken by
//! a global flag or another parameter gets the location as a prefix, then a number),
//! flag kinds, help text, what each command prints, the job-helper commands' merged
//! flags, and the READMEs' shell examples. `emit/cli.rs` only renders it.

use std::collections::BTreeSet;

use heck::ToKebabCase as _;

use super::names;
use crate::ir::{
    Cli, CliResource, Command, CommandCall, CommandGroup, Flag, FlagKind, FlagRead, Job, JobHelper,
    Operation, Param, ParamLocation, ParamsType, PathArg, Presence, Print, QueryStyle, RequestBody,
    Resource, Returns, TypeDef, TypeKind, TypeRef, find_type,
};

/// Global flags every command has; a parameter's flag never takes one of these.
pub const GLOBAL_FLAGS: &[&str] = &[
    "api-key",
    "base-url",
    "max-retries",
    "timeout",
    "debug",
    "format",
    "max-items",
    "help",
    "version",
];

/// The waiting flags of a job helper's command: (id, help).
const POLL_FLAGS: &[(&str, &str)] = &[
    (
        "poll_interval",
        "Seconds before the first status poll; later waits grow linearly to 5 s (default 1)",
    ),
    (
        "poll_timeout",
        "Seconds to wait for the job in all (default 7200)",
    ),
];

/// The tool of this tree; `binary` names it in the shell examples.
#[must_use]
pub fn lower_cli(root: &Resource, types: &[TypeDef], binary: &str) -> Cli {
    // Each method, where it sits.
    let mut commands: Vec<(Vec<&Resource>, Command)> = Vec::new();
    let mut functions: BTreeSet<String> = BTreeSet::new();
    // The READMEs' examples: the first method's command, and the first that streams.
    let (mut first_example, mut stream_example) = (None, None);
    root.walk(&mut |chain, resource| {
        for operation in &resource.operations {
            functions.insert(operation.site_name.clone());
            let command = method_command(chain, operation, &operation.site_name, types);
            if first_example.is_none() {
                first_example = Some(example(binary, &command, operation));
            }
            if stream_example.is_none() && matches!(operation.returns(), Returns::Events(_)) {
                stream_example = Some(example(binary, &command, operation));
            }
            commands.push((chain.to_vec(), command));
        }
    });

    // Job helpers get commands too (`parsing parse`), shown like the start method's.
    root.walk(&mut |chain, resource| {
        for job in &resource.jobs {
            for helper in &job.helpers {
                if let Some(command) =
                    helper_command(chain, resource, job, helper, types, &mut functions)
                {
                    commands.push((chain.to_vec(), command));
                }
            }
        }
    });

    Cli {
        groups: groups(root, commands),
        resources: resources(root),
        example: first_example.unwrap_or_default(),
        stream_example: stream_example.unwrap_or_default(),
    }
}

/// `beta:chat` for the resources from the root down to a method's.
fn resource_name(chain: &[&Resource]) -> String {
    chain
        .iter()
        .map(|r| names::bare(&r.accessor).to_kebab_case())
        .collect::<Vec<_>>()
        .join(":")
}

/// The command of one method; `function` is its unique function name.
fn method_command(
    chain: &[&Resource],
    operation: &Operation,
    function: &str,
    types: &[TypeDef],
) -> Command {
    let flags = flags(operation, types);
    let path_args = flags
        .iter()
        .filter(|flag| flag.location == ParamLocation::Path)
        .filter_map(|flag| {
            let param = operation
                .path_params
                .iter()
                .find(|p| p.rust_name == flag.field)?;
            Some(PathArg {
                flag: flag.id.clone(),
                var: format!("path_{}", names::bare(&param.rust_name)),
                ty: param.ty.clone(),
            })
        })
        .collect();
    let print = match operation.returns() {
        Returns::Empty => Print::Empty,
        Returns::Page(_) => Print::Page,
        Returns::Json(_) | Returns::ByStatus(_) => Print::Json,
        Returns::Events(_) => Print::Events,
        Returns::Bytes => Print::Bytes,
        Returns::Text => Print::Text,
    };
    let (about, long_about) = operation_help(operation);
    Command {
        resource: resource_name(chain),
        name: names::bare(&operation.method_name).to_kebab_case(),
        function: function.to_owned(),
        function_doc: format!(" `{} {}`", operation.http_method, operation.path_template),
        accessors: chain.iter().map(|r| r.accessor.clone()).collect(),
        about,
        long_about,
        json_body: json_body(operation),
        flags,
        call: CommandCall::Method {
            method: operation.method_name.clone(),
            path_args,
            params: operation.params.clone(),
            print,
        },
    }
}

/// The command of a job helper of `resource` (at the end of `chain`), when its
/// start and result methods exist; its function name is made unique in `functions`.
fn helper_command(
    chain: &[&Resource],
    resource: &Resource,
    job: &Job,
    helper: &JobHelper,
    types: &[TypeDef],
    functions: &mut BTreeSet<String>,
) -> Option<Command> {
    let find = |name: &str| resource.operations.iter().find(|op| op.method_name == name);
    let start = find(&helper.start_method)?;
    let result = find(job.result_method.as_deref().unwrap_or(&job.status_method))?;
    let operation = helper_operation(start, result, helper);
    let base: Vec<&str> = chain
        .iter()
        .map(|r| names::bare(&r.accessor))
        .chain([names::bare(&helper.name)])
        .collect();
    let base = base.join("_");
    let mut function = base.clone();
    let mut n = 2;
    while !functions.insert(function.clone()) {
        function = format!("{base}_{n}");
        n += 1;
    }
    let (about, long_about) = operation_help(&operation);
    Some(Command {
        resource: resource_name(chain),
        name: names::bare(&helper.name).to_kebab_case(),
        function,
        function_doc: format!(" `{}`: start, wait, print the result", helper.name),
        accessors: chain.iter().map(|r| r.accessor.clone()).collect(),
        about,
        long_about,
        json_body: json_body(&operation),
        flags: flags(&operation, types),
        call: CommandCall::JobHelper {
            method: helper.name.clone(),
            start_params: start.params.clone(),
            result_params: result.params.clone(),
        },
    })
}

/// The operation a job helper's command shows: the start method's, with the result
/// method's fields that the start does not share (one `--project-id` fills both),
/// the helper's name and docs, and the result's response.
fn helper_operation(start: &Operation, result: &Operation, helper: &JobHelper) -> Operation {
    let mut operation = start.clone();
    operation.method_name.clone_from(&helper.name);
    operation.doc.clone_from(&helper.doc);
    operation.response = result.response.clone();
    operation.pagination = None;
    operation.stream_alternative = None;
    let params = operation.params.get_or_insert_with(|| ParamsType {
        name: String::new(),
        doc: String::new(),
        fields: Vec::new(),
    });
    for field in result.params.iter().flat_map(|p| &p.fields) {
        if !params
            .fields
            .iter()
            .any(|existing| existing.rust_name == field.rust_name)
        {
            params.fields.push(field.clone());
        }
    }
    // How to wait: read by the helper's function, not sent.
    for (name, doc) in POLL_FLAGS {
        if !params
            .fields
            .iter()
            .any(|existing| existing.rust_name == *name)
        {
            params.fields.push(Param {
                wire_name: (*name).to_owned(),
                rust_name: (*name).to_owned(),
                location: ParamLocation::Query,
                ty: TypeRef::Number,
                presence: Presence::Optional,
                null_setter: None,
                style: QueryStyle::FormExploded,
                doc: (*doc).to_owned(),
                example: serde_json::Value::Null,
                secret: false,
                pointer: String::new(),
            });
        }
    }
    operation
}

/// The flags of one method: path parameters, then the params type's fields.
fn flags(operation: &Operation, types: &[TypeDef]) -> Vec<Flag> {
    let whole_body = match &operation.body {
        Some(
            RequestBody::JsonValue { field }
            | RequestBody::Binary { field, .. }
            | RequestBody::Text { field, .. },
        ) => Some(field.as_str()),
        _ => None,
    };
    let json_body = json_body(operation);
    let mut taken: BTreeSet<String> = GLOBAL_FLAGS.iter().map(|s| (*s).to_owned()).collect();
    if json_body {
        taken.insert("body".to_owned());
    }
    let params = operation.params.iter().flat_map(|p| &p.fields);
    let mut out = Vec::new();
    for (param, is_path) in operation
        .path_params
        .iter()
        .map(|p| (p, true))
        .chain(params.map(|p| (p, false)))
    {
        if !is_path
            && param.ty.contains_file()
            && !matches!(param.ty, TypeRef::File)
            && !is_file_list(&param.ty)
        {
            // A map of files has no command-line form.
            continue;
        }
        let (kind, repeated) = flag_kind(&param.ty, types);
        let is_whole_body = !is_path && whole_body == Some(param.rust_name.as_str());
        let kind = if is_whole_body
            && matches!(
                operation.body,
                Some(RequestBody::Binary { .. } | RequestBody::Text { .. })
            ) {
            FlagKind::Raw
        } else {
            kind
        };
        let mut long = if is_whole_body {
            "body".to_owned()
        } else {
            let kebab = param.wire_name.to_kebab_case();
            let kebab = if kebab.is_empty() {
                "param".to_owned()
            } else {
                kebab
            };
            if repeated { singular(&kebab) } else { kebab }
        };
        let plural = param.wire_name.to_kebab_case();
        if taken.contains(&long) {
            long = format!("{}-{long}", param.location.name());
        }
        let base = long.clone();
        let mut n = 2;
        while taken.contains(&long) {
            long = format!("{base}-{n}");
            n += 1;
        }
        taken.insert(long.clone());
        let alias = (repeated && plural != long && !plural.is_empty() && !taken.contains(&plural))
            .then(|| {
                taken.insert(plural.clone());
                plural
            });
        let nullable = matches!(
            param.presence,
            Presence::OptionalNullable | Presence::RequiredNullable
        );
        let help = flag_help(param, types, is_path, repeated, nullable);
        let read = match (&param.ty, kind) {
            (TypeRef::File, _) => FlagRead::File,
            (ty, _) if is_file_list(ty) => FlagRead::Files,
            (TypeRef::Bytes, _) => FlagRead::Bytes,
            (TypeRef::String, FlagKind::Raw) => FlagRead::Text,
            (ty, _) => FlagRead::Typed(ty.clone()),
        };
        out.push(Flag {
            id: if is_path {
                format!("path.{}", names::bare(&param.rust_name))
            } else {
                names::bare(&param.rust_name).to_owned()
            },
            long,
            alias,
            kind,
            repeated,
            nullable,
            body_name: (json_body && param.location == ParamLocation::Body && !is_whole_body)
                .then(|| param.wire_name.clone()),
            help,
            field: param.rust_name.clone(),
            location: param.location,
            read,
        });
    }
    out
}

fn json_body(operation: &Operation) -> bool {
    matches!(
        operation.body,
        Some(RequestBody::JsonFields { .. } | RequestBody::Form | RequestBody::Multipart)
    )
}

fn is_file_list(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::Vec(inner) if **inner == TypeRef::File)
}

/// `index-ids` → `index-id`: a repeated flag names one item.
fn singular(kebab: &str) -> String {
    let (head, last) = kebab.rsplit_once('-').map_or(("", kebab), |(h, l)| (h, l));
    let one = if let Some(stem) = last.strip_suffix("ies") {
        format!("{stem}y")
    } else if ["sses", "uses", "xes", "ches", "shes", "zes"]
        .iter()
        .any(|s| last.ends_with(s))
    {
        last[..last.len() - 2].to_owned()
    } else if last.len() > 3
        && last.ends_with('s')
        && !last.ends_with("ss")
        && !last.ends_with("us")
        && !last.ends_with("is")
    {
        last[..last.len() - 1].to_owned()
    } else if last == "ids" {
        "id".to_owned()
    } else {
        last.to_owned()
    };
    if head.is_empty() {
        one
    } else {
        format!("{head}-{one}")
    }
}

/// The runtime's `Kind` for a type, and whether the flag repeats (a list).
fn flag_kind(ty: &TypeRef, types: &[TypeDef]) -> (FlagKind, bool) {
    match ty {
        TypeRef::Vec(inner) => match flag_kind(inner, types) {
            (kind, false) => (kind, true),
            (_, true) => (FlagKind::Json, false),
        },
        TypeRef::Option(inner) | TypeRef::Boxed(inner) => flag_kind(inner, types),
        TypeRef::String => (FlagKind::String, false),
        TypeRef::I32 | TypeRef::I64 | TypeRef::U64 => (FlagKind::Integer, false),
        TypeRef::Number => (FlagKind::Number, false),
        TypeRef::Bool => (FlagKind::Boolean, false),
        TypeRef::File => (FlagKind::File, false),
        TypeRef::Bytes => (FlagKind::Raw, false),
        TypeRef::Named(name) => match find_type(types, name).map(|def| &def.kind) {
            Some(TypeKind::StringEnum(_)) => (FlagKind::String, false),
            Some(TypeKind::Alias(target)) => flag_kind(target, types),
            _ => (FlagKind::Json, false),
        },
        TypeRef::Json | TypeRef::Map(_) => (FlagKind::Json, false),
    }
}

/// The string values a type takes, for help (`[possible values: ...]`).
fn enum_values<'t>(ty: &TypeRef, types: &'t [TypeDef]) -> Vec<&'t str> {
    match ty {
        TypeRef::Vec(inner) | TypeRef::Option(inner) | TypeRef::Boxed(inner) => {
            enum_values(inner, types)
        }
        TypeRef::Named(name) => match find_type(types, name).map(|def| &def.kind) {
            Some(TypeKind::StringEnum(variants)) => {
                variants.iter().map(|v| v.wire_value.as_str()).collect()
            }
            Some(TypeKind::Alias(target)) => enum_values(target, types),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

fn flag_help(
    param: &Param,
    types: &[TypeDef],
    is_path: bool,
    repeated: bool,
    nullable: bool,
) -> String {
    let mut help = first_paragraph(&param.doc);
    if param.presence == Presence::Required || is_path {
        help.push_str(" (required)");
    }
    if repeated {
        help.push_str(" (repeat for each item)");
    }
    if nullable {
        help.push_str(" (`null` sends null)");
    }
    let values = enum_values(&param.ty, types);
    if !values.is_empty() {
        help.push_str(" [possible values: ");
        help.push_str(&values.join(", "));
        help.push(']');
    }
    help.trim().to_owned()
}

/// The commands grouped by top-level resource: the top level's first (when it has
/// any), then each top-level resource's in tree order.
fn groups(root: &Resource, commands: Vec<(Vec<&Resource>, Command)>) -> Vec<CommandGroup> {
    let taken = |name: &str| root.children.iter().any(|child| child.module == name);
    let mut top = "top_level".to_owned();
    while taken(&top) {
        top.push_str("_commands");
    }
    let mut groups = vec![CommandGroup {
        module: top,
        doc: "The top-level commands: the client's own methods.".to_owned(),
        commands: Vec::new(),
    }];
    for child in &root.children {
        let accessor = names::bare(&child.accessor);
        groups.push(CommandGroup {
            module: child.module.clone(),
            doc: format!(
                "The commands of `client.{accessor}()` and the resources under it: their flags, and the SDK call each makes."
            ),
            commands: Vec::new(),
        });
    }
    // Methods come before job helpers in `commands`, and keep that order per group.
    for (chain, command) in commands {
        let group = match chain.first() {
            None => Some(0),
            Some(top) => root
                .children
                .iter()
                .position(|child| std::ptr::eq(child, *top))
                .map(|index| index + 1),
        };
        if let Some(group) = group {
            groups[group].commands.push(command);
        }
    }
    groups.retain(|group| !group.commands.is_empty());
    groups
}

/// The resource commands that hold methods, in tree order.
fn resources(root: &Resource) -> Vec<CliResource> {
    let mut out = Vec::new();
    root.walk(&mut |chain, resource| {
        if !chain.is_empty() && !resource.operations.is_empty() {
            out.push(CliResource {
                name: resource_name(chain),
                about: first_paragraph(&resource.doc),
            });
        }
    });
    out
}

/// The first paragraph of a doc, on one line, for a help line.
fn first_paragraph(doc: &str) -> String {
    doc.split("\n\n")
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The one-line and the full help of a method, from its docs.
fn operation_help(operation: &Operation) -> (String, String) {
    let first = operation.doc.lines().next().unwrap_or_default().trim();
    let about = if operation.deprecated {
        format!("(deprecated) {first}")
    } else {
        first.to_owned()
    };
    (about, operation.doc.trim().to_owned())
}

/// A shell example of a method's command with its required flags; with none, its
/// first body field that has an example, to show one in use.
fn example(binary: &str, command: &Command, operation: &Operation) -> String {
    let mut words = vec![binary.to_owned()];
    if !command.resource.is_empty() {
        words.push(command.resource.clone());
    }
    words.push(command.name.clone());
    let param = |flag: &Flag| -> Option<&Param> {
        operation
            .path_params
            .iter()
            .chain(operation.params.iter().flat_map(|p| &p.fields))
            .find(|p| p.rust_name == flag.field && p.location == flag.location)
    };
    let required = |flag: &&Flag| {
        flag.location == ParamLocation::Path
            || param(flag).is_some_and(|p| p.presence == Presence::Required)
    };
    let shown: Vec<&Flag> = if command.flags.iter().any(|f| required(&f)) {
        command.flags.iter().filter(required).collect()
    } else {
        command
            .flags
            .iter()
            .filter(|f| {
                f.location == ParamLocation::Body && param(f).is_some_and(|p| !p.example.is_null())
            })
            .take(1)
            .collect()
    };
    for flag in shown {
        let example = param(flag).map_or(&serde_json::Value::Null, |p| &p.example);
        let value = match example {
            serde_json::Value::String(text) if text != "string" => text.clone(),
            serde_json::Value::Array(items)
                if flag.repeated && !items.is_empty() && items[0] != "string" =>
            {
                items[0]
                    .as_str()
                    .map_or_else(|| items[0].to_string(), str::to_owned)
            }
            serde_json::Value::String(_) | serde_json::Value::Array(_) => String::new(),
            other => other.to_string(),
        };
        words.push(format!("--{}", flag.long));
        // A derived placeholder says less than the flag's own name.
        words.push(if value.is_empty() {
            format!("\"${}\"", flag.long.to_uppercase().replace('-', "_"))
        } else {
            shell_quote(&value)
        });
    }
    words.join(" ")
}

fn shell_quote(text: &str) -> String {
    if !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:@".contains(c))
    {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::singular;

    #[test]
    fn list_flags_name_one_item() {
        assert_eq!(singular("index-ids"), "index-id");
        assert_eq!(singular("statuses"), "status");
        assert_eq!(singular("categories"), "category");
        assert_eq!(singular("tags"), "tag");
        assert_eq!(singular("boxes"), "box");
        assert_eq!(singular("status"), "status");
        assert_eq!(singular("ids"), "id");
        assert_eq!(singular("expand"), "expand");
    }
}
