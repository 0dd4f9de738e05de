"""Scale: time and items read for one consultant list page with 1,000 and with 50,000 leads
stored (moto in-process). Items read = the Query's ScannedCount: what DynamoDB bills and what
stays flat; moto's own Query walks its whole index, so its time grows and is reported as is.

    python bench/list_scale.py [--sizes 1000 50000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

from common import ROOT

CHILD = r"""
import json, sys, time
from datetime import datetime, timedelta, timezone
sys.path.insert(0, {root!r}); sys.path.insert(0, {root!r} + "/bench")
from common import set_env, create_resources, submission
set_env()
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
with mock_aws():
    create_resources()
    from chalicelib.config import settings
    from chalicelib.intake.form import ContactForm
    from chalicelib.leads.listing import LeadFilter
    from chalicelib.leads.model import Lead, LeadStatus, Provenance
    from chalicelib.leads.ddb import lead_item
    from chalicelib.leads.store import leads_store
    from moto.dynamodb.models import dynamodb_backends

    now = datetime(2026, 11, 1, tzinfo=timezone.utc)
    form = ContactForm.parse({{**submission(0), "start_date": None}}, today=now.date())
    base = Lead.from_form(form, opco={{"opco": {{"code": "atlas", "name": "Atlas"}}, "confidence": "high",
                          "source": "idcc", "explanation": "", "data_date": ""}}, now=now, consent_version="v1",
                          provenance=Provenance(), spam=False, retention_days=30)
    template = lead_item(base)
    backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][settings().aws_region]
    opcos = ["atlas", "opco2i", "akto", "opco_ep"]
    for n in range({size}):  # straight into moto's backend: the same items create() writes
        created = (now + timedelta(seconds=n)).isoformat()
        lead_id = f"01k{{n:023d}}"
        order = {{"S": f"{{created}}#{{lead_id}}"}}
        status = ["dossier_pret", "envoye_client", "accord"][n % 3]
        backend.put_item(settings().table_name, {{**template,
            "pk": {{"S": f"LEAD#{{lead_id}}"}}, "id": {{"S": lead_id}}, "created_at": {{"S": created}},
            "status": {{"S": status}}, "gsi1pk": {{"S": f"STATUS#{{status}}"}},
            "gsi2pk": {{"S": f"OPCO#{{opcos[n % 4]}}"}}, "gsi1sk": order, "gsi2sk": order, "gsi3sk": order}})
        if (n + 1) % 5000 == 0:  # 50,000 leads take a minute or two: say where we are
            print(f"list_scale: {{n + 1:,}}/{size:,} leads stored", file=sys.stderr, flush=True)
    store = leads_store()
    out = {{}}
    for name, f in [("all", LeadFilter()), ("by_opco", LeadFilter(opco="atlas")),
                    ("by_status", LeadFilter(status="accord"))]:
        times, page = [], None
        for _ in range(3):
            t0 = time.perf_counter()
            page = store.list_leads(f, limit=25)
            times.append((time.perf_counter() - t0) * 1000)
        nxt = store.list_leads(f, limit=25, cursor=page.cursor)
        out[name] = {{"ms": round(sorted(times)[1], 1), "items_read": page.scanned, "returned": len(page.leads),
                      "second_page_items_read": nxt.scanned}}
    print(json.dumps(out))
"""


def run(size: int) -> dict:
    print(f"list_scale: {size:,} leads in moto, then three list pages", file=sys.stderr, flush=True)
    out = subprocess.run(
        [sys.executable, "-c", CHILD.format(root=str(ROOT), size=size)],
        stdout=subprocess.PIPE,  # the JSON result; the child's progress lines pass through on stderr
        text=True,
        cwd=ROOT,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(sizes: list[int]) -> dict:
    results = {str(s): run(s) for s in sizes}
    small, large = results[str(sizes[0])], results[str(sizes[-1])]
    ratio = max(large[k]["items_read"] / small[k]["items_read"] for k in small)
    return {
        "sizes": sizes,
        "results": results,
        "items_read_ratio_largest_to_smallest": round(ratio, 3),
        "target_ratio": 1.1,
    }


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--sizes", type=int, nargs="+", default=[1000, 50000])
    print(json.dumps(measure(p.parse_args().sizes), indent=2))
