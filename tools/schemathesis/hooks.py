"""Schemathesis hooks for `npm run api:fuzz` (loaded through SCHEMATHESIS_HOOKS by tools/schemathesis/run.ts).

Random 24-hex ids almost never name a stored record, so on their own the id routes would only ever
answer 404. The runner seeds a few records per collection and passes their ids in PP_FUZZ_IDS
(JSON: path template -> list of ids); here every generated `{id}` is either kept (the 404 path) or
swapped for one of those ids, chosen by Hypothesis, so a seeded run stays reproducible.
"""

import json
import os

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
