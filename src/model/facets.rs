//! The header filters' values with counts ("Failed 95", "NetSuite 1,204"), as Datadog's facets
//! show them: each value's count is how many entries choosing it would give under every other
//! current filter, the search and the range.

use super::query::FilterField;

/// One value a header filter offers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FacetValue {
    /// As the API, the facets and links write it (a status by its API value).
    pub text: String,
    /// How many entries choosing this value would give; None where the source does not count
    /// (a backend without counts: the menu shows the values alone).
    pub count: Option<u64>,
}

impl FacetValue {
    pub fn uncounted(text: impl Into<String>) -> FacetValue {
        FacetValue {
            text: text.into(),
            count: None,
        }
    }
}

/// Every header-filter field's values, each with its count under one query: for a field, the
/// entries matching the range, the search and every filter except that field's own (so the
/// Status menu's "Failed 95" stays 95 while Ok is ticked).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FacetCounts {
    fields: [Vec<(String, u64)>; FilterField::ALL.len()],
}

impl FacetCounts {
    /// Built from each field's values and counts, in [`FilterField::ALL`] order.
    pub fn new(fields: [Vec<(String, u64)>; FilterField::ALL.len()]) -> FacetCounts {
        FacetCounts { fields }
    }

    /// A field's values, in the menu's order, with their counts.
    pub fn get(&self, field: FilterField) -> &[(String, u64)] {
        &self.fields[field.index()]
    }

    /// A field's values as a menu lists them.
    pub fn values(&self, field: FilterField) -> Vec<FacetValue> {
        self.get(field)
            .iter()
            .map(|(text, n)| FacetValue {
                text: text.clone(),
                count: Some(*n),
            })
            .collect()
    }
}
