"""opco-dossier: the Chalice app. It only wires: every entry point the platform calls is registered
here (the HTTP routes through their Blueprints, the consultant gate and the API's authorizer, the
SQS worker and the kinds of job it runs, the schedules), while the handlers stay in their rooms.
The Lambda function names are the handlers' names (.chalice/config.json and infra/ refer to them)."""

import os

from chalice import Chalice, Cron, Rate

from chalicelib.client import reminders
from chalicelib.client import work as client_work
from chalicelib.client.jobs import ClientJob
from chalicelib.client.routes import bp as client_pages
from chalicelib.consultants import auth, notify
from chalicelib.consultants.api import API as CONSULTANTS_API
from chalicelib.consultants.api import bp as consultants_api
from chalicelib.consultants.client_routes import bp as client_consultant
from chalicelib.consultants.pages import bp as consultants_pages
from chalicelib.consultants.signin import bp as consultants_signin
from chalicelib.dossier import events, worker
from chalicelib.intake.routes import bp as intake
from chalicelib.observability import observe
from chalicelib.openapi import bp as openapi
from chalicelib.startup import check as refuse_to_start_if_misconfigured

refuse_to_start_if_misconfigured()  # before any route exists: a misconfigured deployment serves nothing

app = Chalice(app_name="opco-dossier", configure_logs=False)  # Powertools owns the "opco-dossier" logger
app.register_middleware(observe, "all")  # logs, metrics, traces for every handler (registered first: outermost)
app.register_middleware(auth.consultant_gate, "http")  # every /consultants path denied without a valid token

# HTTP routes.
app.register_blueprint(intake)
app.register_blueprint(consultants_api)
app.register_blueprint(consultants_pages)
app.register_blueprint(consultants_signin)
app.register_blueprint(client_pages)
app.register_blueprint(client_consultant)
app.register_blueprint(openapi)

# The API Gateway authorizer (its own Lambda; Lambda calls app.consultant_api_auth) on every
# /consultants/api route, set here after all the Blueprints: a route added there later is covered
# without naming it. The gate above checks the same token again, in the API Lambda.
consultant_api_auth = app.authorizer(ttl_seconds=60)(auth.consultant_api_auth)
for path, methods in app.routes.items():
    if path == CONSULTANTS_API or path.startswith(CONSULTANTS_API + "/"):
        for route in methods.values():
            route.authorizer = consultant_api_auth

# Hooks: the worker publishes, the rooms above it listen (the dossier room imports none of them).
events.subscribe(notify.on_pack_built)  # a lead's first pack: the consultants get an email

# Queue and schedules: Lambda calls app.<name>, so each wrapped handler is a module attribute here.
build_dossier = app.on_sqs_message(queue=worker.JOBS_QUEUE, batch_size=5)(worker.build_dossier)
worker.handles(ClientJob.from_body, client_work.handle)  # the client space's signing and upload checks
sweep_stuck_leads = app.schedule(Rate(5, unit=Rate.MINUTES))(worker.sweep_stuck_leads)  # lost jobs re-sent
deadline_digest = app.schedule(Cron(0, 6, "*", "*", "?", "*"))(notify.deadline_digest)  # consultants, 06:00 UTC
client_reminders = app.schedule(Cron(0, 7, "*", "*", "?", "*"))(reminders.client_reminders)  # clients, 07:00 UTC

# A SnapStart version's initialisation (the API function in AWS): register the priming and restore
# hooks. Nowhere else: the other functions, chalice local and the tests never import them.
if os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE") == "snap-start":
    import chalicelib.snapstart  # noqa: F401
