"""app.py shows every entry point: the gate and the non-HTTP Lambdas are wired there, not in a room."""

import ast
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENTRY_DECORATORS = {
    "schedule",
    "on_sqs_message",
    "on_s3_event",
    "on_sns_message",
    "middleware",
    "lambda_function",
    "authorizer",
}


def test_the_queue_and_schedule_lambdas_are_app_attributes_named_as_in_the_config(aws_env):
    import app as module

    app = module.app
    names = {source.name for source in app.event_sources}
    configured = set(json.loads((ROOT / ".chalice/config.json").read_text())["stages"]["dev"]["lambda_functions"])
    assert names == configured - {"api_handler", "consultant_api_auth"}
    assert names == {"build_dossier", "sweep_stuck_leads", "deadline_digest", "client_reminders"}
    for source in app.event_sources:
        assert source.handler_string == f"app.{source.name}"  # what Lambda imports
        assert getattr(module, source.name) is app.handler_map[source.name]


def test_the_consultant_gate_is_registered_by_app_py_after_observability(aws_env):
    import app as module
    from chalicelib.consultants.auth import consultant_gate
    from chalicelib.observability import observe

    registered = [func for func, _ in module.app.middleware_handlers]
    assert (consultant_gate, "http") in module.app.middleware_handlers
    assert registered.index(observe) < registered.index(consultant_gate)


def test_every_consultant_api_route_carries_the_authorizer_app_py_declares(aws_env):
    import app as module

    api = {(path, method): entry for path, methods in module.app.routes.items() for method, entry in methods.items()}
    consultant_api = {k: e for k, e in api.items() if k[0].startswith("/consultants/api/")}
    assert len(consultant_api) >= 8
    assert {k for k, e in api.items() if e.authorizer is not None} == set(consultant_api)
    assert all(e.authorizer is module.consultant_api_auth for e in consultant_api.values())
    [config] = module.app.builtin_auth_handlers
    assert (config.name, config.handler_string, config.ttl_seconds) == (
        "consultant_api_auth",
        "app.consultant_api_auth",  # what Lambda imports: the module attribute bears the function's name
        60,
    )


def test_the_worker_runs_the_client_jobs_app_py_wires(aws_env):
    import app  # noqa: F401  (the wiring under test)
    from chalicelib.client.jobs import ClientJob
    from chalicelib.client.work import handle
    from chalicelib.dossier import worker

    assert (ClientJob.from_body, handle) in worker._kinds
    job = ClientJob("upload", "01abc")
    assert worker._other_job(job.to_body()) is not None
    assert worker._other_job('{"lead_id": "01abc", "pack_version": 1}') is None  # a pack job: the worker's own


def test_no_room_registers_an_entry_point_other_than_routes():
    found = []
    for path in sorted((ROOT / "chalicelib").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr in ENTRY_DECORATORS | {"register_middleware"}:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.attr}")
    assert found == []
