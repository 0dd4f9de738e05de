"""Hostile input on the form model: whatever comes in, ContactForm.parse answers with a
ContactForm or an InvalidSubmission carrying French messages per field, never anything else."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.intake.errors import InvalidSubmission
from chalicelib.intake.form import FIELDS, ContactForm

TODAY = date(2026, 11, 26)
VALID = {
    "company_name": "Atelier Numérique Dupont",
    "siret": "73282932000074",
    "idcc": "1486",
    "naf": "62.01Z",
    "headcount": 8,
    "first_name": "Camille",
    "last_name": "Martin",
    "email": "camille.martin@atelier-dupont.fr",
    "phone": "06 12 34 56 78",
    "training": ["ia-generative-essentiels"],
    "trainees": 3,
    "start_date": "2027-01-25",
    "message": "Bonjour",
    "consent": True,
}

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=40),
    st.sampled_from(["", " ", "on", "0", "1486", "62.01Z", "2027-01-25", "\x00", "\u202e", "9" * 400]),
)
values = st.one_of(scalars, st.lists(scalars, max_size=4), st.dictionaries(st.text(max_size=5), scalars, max_size=2))
keys = st.one_of(st.sampled_from(FIELDS), st.text(max_size=12))


def _parse_or_refuse(data: dict) -> None:
    try:
        form = ContactForm.parse(data, today=TODAY)
    except InvalidSubmission as exc:
        assert exc.errors
        for err in exc.errors:
            assert err.field in FIELDS or err.field.startswith("_"), err
            assert err.message and err.message[0].isupper(), err
        return
    assert isinstance(form, ContactForm) and form.consent is True


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(keys, values, max_size=16))
def test_any_dict_is_a_contact_form_or_an_invalid_submission(data):
    _parse_or_refuse(data)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(FIELDS), values, min_size=1, max_size=4))
def test_a_valid_submission_with_any_fields_replaced_is_a_form_or_refused_field_by_field(changes):
    _parse_or_refuse({**VALID, **changes})


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from(FIELDS), st.lists(st.text(max_size=20), max_size=3), max_size=14))
def test_any_urlencoded_shape_is_a_form_or_refused(data):
    _parse_or_refuse(
        {**{k: [str(v)] if not isinstance(v, list) else [str(x) for x in v] for k, v in VALID.items()}, **data}
    )
