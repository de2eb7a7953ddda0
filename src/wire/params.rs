//! The `filter[...]` parameters of `GET /sync-reports` (and of `/ids` and `/summary`), both
//! ways: what the HTTP source sends for a query, and what the reference server reads back,
//! strictly (an unusable parameter is listed, never silently dropped).

use crate::model::column::Column;
use crate::model::entry::parse_datetime;
use crate::model::query::{
    apply_explicit_range, iso, read_days, sort_from, DateRange, Direction, FilterField, Ignored,
    Query, SearchScope, DEFAULT_DAYS,
};

/// Which page of results to ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageRequest {
    /// 1-based.
    pub page: u64,
    pub per_page: u64,
}

impl Default for PageRequest {
    fn default() -> Self {
        PageRequest {
            page: 1,
            per_page: 100,
        }
    }
}

/// The most entries one API page may hold.
pub const MAX_PER_PAGE: u64 = 1000;

/// Joins list values with commas, escaping `\` and `,` inside values with a backslash.
pub fn join_list<'a>(values: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for (i, v) in values.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        for c in v.chars() {
            if c == ',' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

/// The inverse of [`join_list`]. Empty items are dropped.
pub fn split_list(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => cur.extend(chars.next()),
            ',' => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    out.retain(|v| !v.is_empty());
    out
}

/// The `GET /sync-reports` parameters for this query and page, in a stable order.
pub fn query_params(q: &Query, page: PageRequest) -> Vec<(String, String)> {
    let mut p: Vec<(String, String)> = Vec::new();
    let mut put = |k: &str, v: String| p.push((format!("filter[{k}]"), v));
    match &q.range {
        DateRange::LastDays(n) => put("days", n.to_string()),
        DateRange::Between { from, to } => {
            put("start", iso(*from));
            put("end", iso(*to));
        }
    }
    for f in FilterField::ALL {
        let vals = q.filters.chosen(f);
        if !vals.is_empty() {
            put(f.api_key(), join_list(vals.iter().map(|v| v.api_text())));
        }
    }
    if let Some(g) = &q.filters.failure {
        put("failure", g.clone());
    }
    if q.filters.stuck {
        put("stuck", "1".into());
    }
    if let Some(r) = &q.filters.reference {
        put("reference", r.clone());
    }
    if q.search.is_active() {
        put("search_term", q.search.term.clone());
        put("search_field", q.search.scope.key().to_string());
    }
    put(
        "sort_field",
        q.sort.column.sort_key().unwrap_or("created_at").to_string(),
    );
    put("sort_direction", q.sort.direction.key().to_string());
    p.push(("page".into(), page.page.to_string()));
    p.push(("per_page".into(), page.per_page.to_string()));
    p
}

/// The query string form of [`query_params`].
pub fn query_string(q: &Query, page: PageRequest) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in query_params(q, page) {
        s.append_pair(&k, &v);
    }
    s.finish()
}

/// Reads API parameters, as the reference server does. Unusable ones are listed.
pub fn read_params<'a>(
    params: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> (Query, PageRequest, Vec<Ignored>) {
    let mut q = Query::default();
    let mut page = PageRequest::default();
    let mut ignored = Vec::new();
    let (mut from, mut to) = (None, None);
    let mut sort_col = None;
    let mut sort_dir = None;
    for (k, v) in params {
        let mut bad = |reason: &str| {
            ignored.push(Ignored {
                key: k.to_string(),
                value: v.to_string(),
                reason: reason.into(),
            })
        };
        if k == "page" || k == "per_page" {
            match v.trim().parse::<u64>() {
                Ok(n) if n >= 1 && k == "page" => page.page = n,
                Ok(n) if n >= 1 => {
                    page.per_page = n.min(MAX_PER_PAGE);
                    if n > MAX_PER_PAGE {
                        bad(&format!("at most {MAX_PER_PAGE} per page"));
                    }
                }
                _ => bad("expected a positive whole number"),
            }
            continue;
        }
        let Some(key) = k.strip_prefix("filter[").and_then(|r| r.strip_suffix(']')) else {
            bad("unknown parameter");
            continue;
        };
        match key {
            "days" => {
                if let Err(reason) = read_days(v, &mut q.range) {
                    bad(&reason);
                }
            }
            "start" => match parse_datetime(v) {
                Some(t) => from = Some(t),
                None => bad("not an ISO-8601 timestamp"),
            },
            "end" => match parse_datetime(v) {
                Some(t) => to = Some(t),
                None => bad("not an ISO-8601 timestamp"),
            },
            "search_term" => q.search.term = v.to_string(),
            // Empty, like the other filters: no failure group (docs/api.md).
            "failure" if v.trim().is_empty() => q.filters.failure = None,
            "failure" => q.filters.failure = Some(v.to_string()),
            // Exact, as written (an item's history); empty, like the other filters: none.
            "reference" if v.is_empty() => q.filters.reference = None,
            "reference" => q.filters.reference = Some(v.to_string()),
            // Strictly as the schema says (the page's URL also takes true/false, on/off).
            "stuck" => match v {
                "1" => q.filters.stuck = true,
                "0" => q.filters.stuck = false,
                _ => bad("expected 1 or 0"),
            },
            "search_field" => match SearchScope::from_key(v) {
                Some(s) => q.search.scope = s,
                None => bad("unknown search field"),
            },
            "sort_field" => match Column::from_sort_key(v) {
                Some(c) => sort_col = Some(c),
                None => bad("not a sortable field"),
            },
            "sort_direction" => match Direction::from_key(v) {
                Some(d) => sort_dir = Some(d),
                None => bad("direction must be asc or desc"),
            },
            "system_chain" => {
                for chain in split_list(v) {
                    let c = crate::model::entry::SystemChain::parse(&chain);
                    q.filters.sources.insert(c.source.to_string());
                    if !c.destination.is_empty() {
                        q.filters.destinations.insert(c.destination.to_string());
                    }
                }
            }
            other => match FilterField::ALL.into_iter().find(|f| f.api_key() == other) {
                Some(f) => {
                    for item in split_list(v) {
                        q.filters.insert_text(f, &item);
                    }
                }
                None => bad("unknown filter"),
            },
        }
    }
    // A lone bound spans filter[days] (default 5) from or up to it (docs/api.md).
    let days = match q.range {
        DateRange::LastDays(n) => n,
        DateRange::Between { .. } => DEFAULT_DAYS,
    };
    let span = chrono::Duration::days(days as i64);
    let (from, to) = match (from, to) {
        (Some(f), None) => (Some(f), f.checked_add_signed(span).or(Some(f))),
        (None, Some(t)) => (t.checked_sub_signed(span).or(Some(t)), Some(t)),
        both => both,
    };
    let keys = ("filter[start]".to_string(), "filter[end]".to_string());
    apply_explicit_range(&mut q, from, to, keys, &mut ignored);
    q.sort = sort_from(sort_col, sort_dir, q.sort);
    (q, page, ignored)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::query::Search;

    #[test]
    fn api_params_match_the_contract() {
        let mut q = Query::default();
        q.filters.insert_text(FilterField::Status, "Failed");
        q.filters.insert_text(FilterField::Status, "Pending");
        q.search = Search {
            term: "DEMOTEST".into(),
            scope: SearchScope::Reference,
        };
        let s = query_string(
            &q,
            PageRequest {
                page: 2,
                per_page: 50,
            },
        );
        assert_eq!(
            s,
            "filter%5Bdays%5D=5&filter%5Bstatus%5D=Pending%2CFailed&filter%5Bsearch_term%5D=DEMOTEST\
             &filter%5Bsearch_field%5D=reference&filter%5Bsort_field%5D=created_at\
             &filter%5Bsort_direction%5D=desc&page=2&per_page=50"
        );
        let params = query_params(
            &q,
            PageRequest {
                page: 2,
                per_page: 50,
            },
        );
        let (back, page, ign) = read_params(params.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        assert_eq!(
            (back, page, ign),
            (
                q,
                PageRequest {
                    page: 2,
                    per_page: 50
                },
                vec![]
            )
        );
    }

    #[test]
    fn system_chain_filter_is_understood() {
        let (q, _, ign) = read_params([("filter[system_chain]", "Shopify_NetSuite")]);
        assert!(ign.is_empty());
        assert!(q.filters.sources.contains("Shopify"));
        assert!(q.filters.destinations.contains("NetSuite"));
    }

    #[test]
    fn list_escaping() {
        let vals = ["a,b", "c\\d", "e"];
        assert_eq!(split_list(&join_list(vals)), vals);
    }
}
