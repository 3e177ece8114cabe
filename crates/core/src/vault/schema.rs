//! Which schema the stored account list is in: the number this code reads and writes, and the one a
//! stored text names (read alone, so a newer version's list is told apart from a damaged one).

use serde::Deserialize;

/// The schema this code reads and writes.
pub const SCHEMA: u32 = 2;

#[derive(Deserialize)]
struct SchemaOnly {
    schema: u64,
}

/// The schema a stored text names, read on its own (`None` when it names none).
pub(super) fn stored_schema(text: &str) -> Option<u64> {
    serde_json::from_str::<SchemaOnly>(text)
        .ok()
        .map(|v| v.schema)
}
