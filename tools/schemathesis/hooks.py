"""Schemathesis hooks for `npm run api:fuzz` (loaded through SCHEMATHESIS_HOOKS by tools/schemathesis/run.ts).

Random 24-hex ids almost never name a stored record, so on their own the id routes would only ever
answer 404. The runner seeds a few records per collection and passes their ids in PP_FUZZ_IDS
(JSON: path template -> list of ids); here every generated `{id}` is either kept (the 404 path) or
swapped for one of those ids, chosen by Hypothesis, so a seeded run stays reproducible.
"""

import json
import os
import re

import schemathesis
from hypothesis import strategies as st

_IDS: dict[str, list[str]] = json.loads(os.environ.get("PP_FUZZ_IDS") or "{}")


@schemathesis.hook
def flatmap_path_parameters(context, path_parameters):
    operation = getattr(context, "operation", None)
    seeded = _IDS.get(operation.path, []) if operation is not None else []
    if not seeded or not isinstance(path_parameters, dict) or "id" not in path_parameters:
        return st.just(path_parameters)
    return st.one_of(st.just(path_parameters), st.sampled_from([{**path_parameters, "id": value} for value in seeded]))


# Rules of the API that no JSON Schema can state, because they depend on the tenant's records, on
# the caller's role or on another field. A schema-valid request that breaks one gets 400
# `validation_failed` naming the field, by design. Schemathesis' positive_data_acceptance check
# (ST202) reports such a 400 as "schema-valid request rejected"; a failure is dropped here only
# when it is a 400 validation_failed and EVERY field error in it matches one of these
# (field, message) pairs. Any other 400 on schema-valid input, or any other check, still fails.
CONTEXT_RULES = [
    # Cursors are opaque: only ones the API issued are accepted, whatever their characters.
    (r"/cursor", r"is not a cursor this API issued"),
    # Cross-parameter range rules.
    (r"/to", r"must be later than from"),
    (r"/toSeq", r"must not be less than fromSeq"),
    # References to other records of the tenant.
    (r"/partnerId", r"must be the id of a partner of this tenant|no such partner"),
    (r"/ownerId", r"must be the sub of an active (Partner or Agent member of the (lead|opportunity)'s partner|Staff or Admin member of this tenant)"),
    # Fields that depend on the role or on other fields of the same request.
    (r"/partnerId", r"is required (for the \w+ role|when Staff or Admin (register a lead|create an opportunity))|must be absent for the \w+ role"),
    (r"/sub", r"sub or email is required"),
    (r"/[A-Za-z]+", r"is set by the server for partner users|may be set only by Staff or Admin"),
    (r"/closeReason", r"may be sent only with a stage change to closed_won or closed_lost|is required when closing as closed_lost"),
    (r"/probability", r"must be \d+ \(or left out\) for \w+"),
    (r"/reason", r"is required for this transition"),
    # Role ceilings (PUT /v1/roles/{role}): which grants fit depends on the role in the path.
    (r"/grants/\d+", r"\S+ is beyond the \w+ ceiling"),
    # Registrable domains come from the Public Suffix List (`co.uk` is a hostname, not a company's domain).
    (r"/companyDomain", r"must be a registrable domain name such as acme\.co\.uk \(not a public suffix\)"),
]


def _is_context_rule(error):
    field, message = error.get("field"), error.get("message")
    if not isinstance(field, str) or not isinstance(message, str):
        return False
    return any(re.fullmatch(f, field) and re.fullmatch(m, message) for f, m in CONTEXT_RULES)


@schemathesis.hook
def filter_failure(context, failure, case, response):
    """Keeps every failure except ST202 on a 400 made only of the context rules above."""
    if getattr(failure, "code", None) != "ST202" or response is None or response.status_code != 400:
        return True
    try:
        problem = json.loads(response.content)
    except (ValueError, TypeError):
        return True
    errors = problem.get("errors") if isinstance(problem, dict) else None
    if problem.get("code") != "validation_failed" or not isinstance(errors, list) or not errors:
        return True
    return not all(isinstance(error, dict) and _is_context_rule(error) for error in errors)
