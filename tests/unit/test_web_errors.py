"""Every field error of every door is a UserError, and its body has the one documented shape."""

import pytest

from chalicelib.client.requests import Invalid
from chalicelib.consultants.edits import InvalidEdit
from chalicelib.consultants.service import BadRequest
from chalicelib.intake.errors import InvalidSubmission, TransportError
from chalicelib.leads.workflow import TransitionRefused
from chalicelib.pricing import PreviewError
from chalicelib.web import FieldError, UserError, error_body

ONE_FIELD = [
    (Invalid("name", "Indiquez vos prénom et nom."), "name"),
    (BadRequest("cursor", "Curseur invalide."), "cursor"),
    (TransitionRefused("Indiquez le montant.", field="amount"), "amount"),
    (TransitionRefused("Passage refusé."), "status"),
    (PreviewError("headcount", "Effectif invalide."), "headcount"),
    (TransportError(413, "Trop volumineux."), "_requete"),
    (TransportError(400, "Adresse invalide.", field="referer"), "referer"),
]


@pytest.mark.parametrize(("error", "field"), ONE_FIELD)
def test_a_one_field_error_answers_the_documented_body(error, field):
    assert isinstance(error, UserError)
    assert error.as_json() == {"errors": [{"field": field, "message": error.message}]}
    assert error.as_json() == error_body(field, str(error))
    assert error.by_field() == {field: error.message}


def test_every_message_of_a_refused_form_is_kept_in_order():
    exc = InvalidSubmission([FieldError("siret", "SIRET invalide."), FieldError("email", "Adresse invalide.")])
    assert exc.as_json() == {
        "errors": [{"field": "siret", "message": "SIRET invalide."}, {"field": "email", "message": "Adresse invalide."}]
    }
    assert exc.by_field() == {"siret": "SIRET invalide.", "email": "Adresse invalide."}


def test_a_refused_edit_lists_each_field_once():
    exc = InvalidEdit(
        {"trainees": "Entre 1 et 200 stagiaires.", "end_date": "La date de fin précède la date de début."}
    )
    assert [e["field"] for e in exc.as_json()["errors"]] == ["trainees", "end_date"]
    assert exc.by_field() == exc.errors


def test_a_preview_error_is_still_a_value_error():
    with pytest.raises(ValueError, match="Effectif"):
        raise PreviewError("headcount", "Effectif invalide.")
