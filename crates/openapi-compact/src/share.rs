//! Fork addition: equal small schemas deserialized in one [`Sharing`] scope are one
//! allocation.
//!
//! Input: each property and array item schema as [`Schema`]'s deserializer makes it.
//! Output: the same value, or an [`Arc`] of an equal schema made earlier in the scope.
//!
//! Why: real specs repeat the same small property schemas thousands of times
//! (`{"type": "string"}`, a shared `description`, an enum): 84 % of the GitHub spec's
//! property schemas are copies of another. Each copy was a 256-byte allocation plus
//! its strings. The values are immutable once typed, so sharing one is invisible to
//! every reader; `Arc` (not `Rc`) keeps the document `Send`.
//!
//! Only a schema whose JSON form is at most [`MAX_SHARED_BYTES`] is looked up, and its
//! JSON is hashed, not kept: the work per schema is bounded (linear in the document)
//! and a spec without repeats pays a hash per small schema and an entry per distinct
//! one. Equal hashes are confirmed with `==`, so a collision never merges two
//! different schemas.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hasher};
use std::sync::Arc;

use crate::{ReferenceOr, Schema};

/// The largest JSON form of a schema that is looked up for sharing. Bigger schemas
/// are rarely repeated whole, and hashing them would cost more than it saves.
pub const MAX_SHARED_BYTES: usize = 512;

thread_local! {
    /// The open scope's schemas by the hash of their JSON form (`None`: no scope).
    static SHARED: RefCell<Option<Shared>> = const { RefCell::new(None) };
}

#[derive(Default)]
struct Shared {
    /// Open scopes on this thread (scopes may nest; the outermost one clears).
    depth: usize,
    schemas: HashMap<u64, Vec<Arc<Schema>>>,
}

/// While a value of this type lives, schemas deserialized on this thread share equal
/// small property and item schemas (see the module docs). Dropping the outermost
/// scope forgets them; the document keeps what it shares.
#[must_use = "sharing ends when the scope is dropped"]
pub struct Sharing(());

impl Sharing {
    /// Opens a scope on this thread.
    pub fn begin() -> Self {
        SHARED.with(|shared| {
            shared
                .borrow_mut()
                .get_or_insert_with(Shared::default)
                .depth += 1;
        });
        Sharing(())
    }
}

impl Drop for Sharing {
    fn drop(&mut self) {
        SHARED.with(|shared| {
            let mut shared = shared.borrow_mut();
            if let Some(open) = shared.as_mut() {
                open.depth -= 1;
                if open.depth == 0 {
                    *shared = None;
                }
            }
        });
    }
}

/// Replaces `value` by an equal schema already made in the open scope, or records it
/// for the next equal one. Outside a scope it does nothing.
pub(crate) fn share(value: &mut ReferenceOr<Arc<Schema>>) {
    let ReferenceOr::Item(schema) = value else {
        return;
    };
    SHARED.with(|shared| {
        let mut shared = shared.borrow_mut();
        let Some(shared) = shared.as_mut() else {
            return;
        };
        let Some(hash) = bounded_hash(schema) else {
            return;
        };
        let same = shared.schemas.entry(hash).or_default();
        match same.iter().find(|earlier| ***earlier == **schema) {
            Some(earlier) => *schema = Arc::clone(earlier),
            None => same.push(Arc::clone(schema)),
        }
    });
}

/// The hash of `schema`'s JSON form, or `None` when that form passes
/// [`MAX_SHARED_BYTES`] (writing stops there).
fn bounded_hash(schema: &Schema) -> Option<u64> {
    struct Bounded {
        hasher: DefaultHasher,
        left: usize,
    }
    impl std::io::Write for Bounded {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.left = self
                .left
                .checked_sub(bytes.len())
                .ok_or_else(|| std::io::Error::other("too big to share"))?;
            self.hasher.write(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut writer = Bounded {
        hasher: DefaultHasher::new(),
        left: MAX_SHARED_BYTES,
    };
    serde_json::to_writer(&mut writer, schema).ok()?;
    Some(writer.hasher.finish())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::Sharing;
    use crate::{ReferenceOr, Schema, SchemaKind, Type};

    fn properties(schema: &Schema) -> Vec<&Arc<Schema>> {
        let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
            panic!("not an object: {schema:?}");
        };
        object
            .properties
            .values()
            .map(|value| match value {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { .. } => panic!("a reference"),
            })
            .collect()
    }

    const TWO_EQUAL: &str = r#"{"type": "object", "properties": {
        "a": {"type": "string", "enum": ["x", "y"]},
        "b": {"type": "string", "enum": ["x", "y"]},
        "c": {"type": "string", "enum": ["x", "z"]}
    }}"#;

    #[test]
    fn equal_schemas_are_one_allocation_in_a_scope_only() {
        let outside: Schema = serde_json::from_str(TWO_EQUAL).unwrap();
        let found = properties(&outside);
        assert!(!Arc::ptr_eq(found[0], found[1]));

        let sharing = Sharing::begin();
        let first: Schema = serde_json::from_str(TWO_EQUAL).unwrap();
        let second: Schema = serde_json::from_str(TWO_EQUAL).unwrap();
        drop(sharing);
        let (first, second) = (properties(&first), properties(&second));
        assert!(Arc::ptr_eq(first[0], first[1]));
        assert!(
            Arc::ptr_eq(first[0], second[1]),
            "shared across documents of one scope"
        );
        assert!(
            !Arc::ptr_eq(first[0], first[2]),
            "different schemas stay apart"
        );
        assert_eq!(first[2].as_ref(), second[2].as_ref());
        // The scope is closed: nothing is shared any more.
        let after: Schema = serde_json::from_str(TWO_EQUAL).unwrap();
        assert!(!Arc::ptr_eq(properties(&after)[0], first[0]));
        // Sharing changes nothing a reader sees.
        assert_eq!(
            serde_json::to_value(&after).unwrap(),
            serde_json::to_value(&outside).unwrap()
        );
    }

    #[test]
    fn big_schemas_are_not_looked_up() {
        let long = "d".repeat(super::MAX_SHARED_BYTES);
        let text = format!(
            r#"{{"type": "object", "properties": {{"a": {{"type": "string", "description": "{long}"}}, "b": {{"type": "string", "description": "{long}"}}}}}}"#
        );
        let _sharing = Sharing::begin();
        let schema: Schema = serde_json::from_str(&text).unwrap();
        let found = properties(&schema);
        assert!(!Arc::ptr_eq(found[0], found[1]));
        assert_eq!(found[0], found[1]);
    }
}
