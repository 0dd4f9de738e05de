"""Phone numbers as a French reader dials them, and who acted in a lead's history."""

from __future__ import annotations

import pytest

from chalicelib.consultants.presenter import actor_label
from chalicelib.formats import fr_phone


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("+33612345678", "06 12 34 56 78"),
        ("+33145678901", "01 45 67 89 01"),
        ("+262692123456", "0692 12 34 56"),  # Réunion: French numbering plan, dialled from France as is
        ("+3222345678", "+32 2 234 56 78"),
        ("+41446681800", "+41 44 668 18 00"),
        ("+687123456", "+687 123456"),  # New Caledonia has its own plan: international
    ],
)
def test_a_stored_number_reads_in_french_or_international_format(stored, shown):
    assert fr_phone(stored) == shown


def test_a_missing_or_unreadable_number_shows_the_placeholder_or_as_stored():
    assert fr_phone(None) == "—" and fr_phone("", empty="") == ""
    assert fr_phone("n/a") == "n/a"


def test_history_actors_read_in_french():
    assert actor_label("systeme") == "le système"
    assert actor_label("client") == "le client"
    assert actor_label("Claire Martin") == "Claire Martin"
