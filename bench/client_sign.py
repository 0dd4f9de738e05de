"""Time to write one signed convention (stamp + certificate page), as the worker does it.

.venv/bin/python bench/client_sign.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chalicelib.client.signing import certificate, signed_pdf
from tests.unit.client.test_signing import _signer
from tests.unit.dossier.conftest import rendered


def main(runs: int = 10) -> None:
    source = rendered()[1]["convention.pdf"]
    signer = _signer("client", source)

    def once() -> bytes:
        # A new reference each time: html_to_pdf's cache must not serve the certificate.
        cert = certificate(
            title="Convention", reference=str(time.time_ns()), company="A", signers=[signer], letterhead=("O", "A")
        )
        return signed_pdf(source, signer, cert)

    once()  # fonts loaded, as in a warm worker
    start = time.perf_counter()
    for _ in range(runs):
        out = once()
    per_run = (time.perf_counter() - start) / runs * 1000
    print(f"one signed convention: {per_run:.0f} ms ({len(source)} -> {len(out)} bytes), mean of {runs}")


if __name__ == "__main__":
    main()
