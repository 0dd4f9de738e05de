"""opco-dossier: the Chalice app. It only creates the app and registers the Blueprints."""
from chalice import Chalice

from chalicelib.dossier.worker import bp as worker
from chalicelib.intake.routes import bp as intake
from chalicelib.observability import observe

app = Chalice(app_name="opco-dossier", configure_logs=False)  # Powertools owns the "opco-dossier" logger
app.register_middleware(observe, "all")  # logs, metrics, traces for every handler
app.register_blueprint(intake)
app.register_blueprint(worker)
