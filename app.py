"""opco-dossier: the Chalice app. It only creates the app and registers the Blueprints."""

import os

from chalice import Chalice

from chalicelib.client.consultant_routes import bp as client_consultant
from chalicelib.client.reminders import bp as client_reminders
from chalicelib.client.routes import bp as client_pages
from chalicelib.consultants.api import bp as consultants_api
from chalicelib.consultants.auth import bp as consultants_auth
from chalicelib.consultants.notify import bp as consultants_notify
from chalicelib.consultants.pages import bp as consultants_pages
from chalicelib.consultants.signin import bp as consultants_signin
from chalicelib.dossier.worker import bp as worker
from chalicelib.intake.routes import bp as intake
from chalicelib.observability import observe
from chalicelib.openapi import bp as openapi
from chalicelib.startup import check as refuse_to_start_if_misconfigured

refuse_to_start_if_misconfigured()  # before any route exists: a misconfigured deployment serves nothing

app = Chalice(app_name="opco-dossier", configure_logs=False)  # Powertools owns the "opco-dossier" logger
app.register_middleware(observe, "all")  # logs, metrics, traces for every handler
app.register_blueprint(intake)
app.register_blueprint(worker)
app.register_blueprint(consultants_auth)
app.register_blueprint(consultants_api)
app.register_blueprint(consultants_pages)
app.register_blueprint(consultants_signin)
app.register_blueprint(consultants_notify)
app.register_blueprint(client_pages)
app.register_blueprint(client_consultant)
app.register_blueprint(client_reminders)
app.register_blueprint(openapi)

# A SnapStart version's initialisation (the API function in AWS): register the priming and restore
# hooks. Nowhere else: the other functions, chalice local and the tests never import them.
if os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE") == "snap-start":
    import chalicelib.snapstart  # noqa: F401
