"""The organisme de formation's own profile, per stage: templates/organisme/<stage>.json. Pure.

Business-editable data. The local and dev profiles are visibly samples; the prod file ships as a
placeholder that the worker refuses to print (a pack with fictitious identifiers must never reach
a client).
"""

from __future__ import annotations

import functools
import json
from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from chalicelib.catalogue import TEMPLATES_DIR

STAGES = ("local", "dev", "prod")


class OrganismeProfileError(RuntimeError):
    """The stage's organisme profile cannot be printed on a client's documents."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Contact(_Frozen):
    name: str
    email: str
    phone: str


class Qualiopi(_Frozen):
    certificate: str
    certifier: str
    categories: str
    valid_until: date


class VatRegime(_Frozen):
    # CGI art. 261-4-4° a: continuing training by a declared provider, on DREETS attestation.
    exempt: bool
    rate: Decimal


class Signatory(_Frozen):
    name: str
    title: str


class PaymentTerms(_Frozen):
    terms_days: int
    late_rate: str
    iban: str


class Organisme(_Frozen):
    sample: bool
    name: str
    legal_form: str
    siret: str
    vat_number: str | None
    rcs: str
    address: tuple[str, ...]
    city: str
    nda: str
    nda_region: str
    qualiopi: Qualiopi
    vat: VatRegime
    contact: Contact
    disability_contact: Contact
    signatory: Signatory
    payment: PaymentTerms
    quote_validity_days: int

    @property
    def nda_mention(self) -> str:
        # C. trav. L6352-12: the NDA's mandatory wording wherever it is shown.
        return (
            f"Déclaration d'activité enregistrée sous le numéro {self.nda} auprès du préfet de région "
            f"{self.nda_region}. Cet enregistrement ne vaut pas agrément de l'État."
        )


@functools.cache
def organisme_profile(stage: str) -> Organisme:
    """The profile of a deployment stage; other stages (tests) use the local sample."""
    name = stage if stage in STAGES else "local"
    raw = json.loads((TEMPLATES_DIR / "organisme" / f"{name}.json").read_text(encoding="utf-8"))
    profile = Organisme.model_validate({k: v for k, v in raw.items() if not k.startswith("_")})
    if name == "prod" and profile.sample:
        raise OrganismeProfileError(
            "templates/organisme/prod.json still holds sample values: "
            'fill in the real organisme and set "sample": false.'
        )
    return profile
