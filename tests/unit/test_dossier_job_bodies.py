"""Job bodies off the queue: a DossierJob or a ValueError (a poison message), never anything else."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.dossier.jobs import DossierJob

json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20)),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=12), inner, max_size=3)),
    max_leaves=6,
)
bodies = st.one_of(
    st.text(max_size=60),
    json_values.map(json.dumps),
    st.fixed_dictionaries({"lead_id": json_values, "pack_version": json_values}).map(json.dumps),
)


@settings(max_examples=150, deadline=None)
@given(bodies)
def test_any_body_is_a_job_or_a_value_error(body):
    try:
        job = DossierJob.from_body(body)
    except ValueError:
        return
    assert job.lead_id and isinstance(job.lead_id, str)
    assert type(job.pack_version) is int and job.pack_version >= 1
    assert DossierJob.from_body(job.to_body()) == job


@pytest.mark.parametrize(
    "body",
    [
        '{"lead_id": "x", "pack_version": true}',
        '{"lead_id": "", "pack_version": 1}',
        '{"lead_id": "x", "pack_version": 0}',
        '{"lead_id": "x", "pack_version": 1.0}',
    ],
)
def test_lookalike_jobs_are_poison(body):
    with pytest.raises(ValueError):
        DossierJob.from_body(body)
