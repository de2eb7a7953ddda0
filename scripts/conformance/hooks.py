"""Schemathesis hooks for the sync report API (scripts/check-backend.sh).

OpenAPI cannot say that two parameters depend on each other. The contract has one such rule
(docs/api.md): an explicit range, `filter[start]` to `filter[end]`, runs forwards and is at
most 15 days long; anything else is a 400 naming the parameter. Without this hook, Schemathesis
would send "valid" ranges that break the rule and report the 400 as a valid request rejected.
The hook moves `filter[end]` to one day after `filter[start]` in such ranges; every other
parameter is left exactly as generated, so the rest of the schema is still fuzzed, and
negative cases stay negative.
"""

from datetime import datetime, timedelta

import schemathesis

MAX_DAYS = 15


def _parse(value):
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


@schemathesis.hook
def map_query(ctx, query):
    if not query:
        return query
    start, end = _parse(query.get("filter[start]")), _parse(query.get("filter[end]"))
    if start is None or end is None:
        return query
    if start.tzinfo is None or end.tzinfo is None:
        return query
    if start <= end <= start + timedelta(days=MAX_DAYS):
        return query
    try:
        query["filter[end]"] = (start + timedelta(days=1)).isoformat()
    except OverflowError:
        query["filter[end]"] = query["filter[start]"]
    return query
