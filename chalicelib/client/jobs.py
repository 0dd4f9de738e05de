"""Client space jobs on the dossier jobs queue: sign a document, check an uploaded file. Pure."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal

Kind = Literal["signature", "upload"]


@dataclass(frozen=True)
class ClientJob:
    kind: Kind
    lead_id: str
    version: int = 0  # signature: the pack version
    document: str = ""  # signature: devis.pdf | convention.pdf
    party: str = ""  # signature: client | organisme

    def to_body(self) -> str:
        return json.dumps({"client_job": self.kind, **{k: v for k, v in self.__dict__.items() if k != "kind"}})

    @classmethod
    def from_body(cls, body: str) -> ClientJob | None:
        """None for a body that is not a client job (a pack job); ValueError for a malformed one."""
        try:
            data = json.loads(body)
        except ValueError:
            return None
        if not isinstance(data, dict) or "client_job" not in data:
            return None
        kind = data["client_job"]
        if kind not in ("signature", "upload") or not isinstance(data.get("lead_id"), str) or not data["lead_id"]:
            raise ValueError("malformed client job")
        if kind == "signature" and (
            type(data.get("version")) is not int
            or data.get("document") not in ("devis.pdf", "convention.pdf")
            or data.get("party") not in ("client", "organisme")
        ):
            raise ValueError("malformed client job")
        return cls(
            kind=kind,
            lead_id=data["lead_id"],
            version=int(data.get("version") or 0),
            document=str(data.get("document") or ""),
            party=str(data.get("party") or ""),
        )
