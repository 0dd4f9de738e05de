"""opco-dossier: the Chalice app. It only creates the app and registers the Blueprints."""
from chalice import Chalice

from chalicelib.dossier.worker import bp as worker
from chalicelib.intake.routes import bp as intake

app = Chalice(app_name="opco-dossier")
app.register_blueprint(intake)
app.register_blueprint(worker)
