"""Contract test: schemathesis generates requests for every operation in the OpenAPI document
and checks each answer: no server error, a status code the document declares, the declared
media type, and a body that matches the declared schema.

Reads go anonymously, writes with a token of the partner that owns the variations and pooled
records (measurements, steward work, with the zone steward's token; pledges with a funder's).
A plan's PDF upload is multipart/form-data: schemathesis generates its bodies from the
schema (random bytes, which the rules refuse as not a PDF, and bodies the schema forbids), and
real PDFs are mixed in so accepted uploads are checked too. Path
parameters are drawn half the time from real objects (so writes reach the services, not just
404s) and half the time from the schema. At least 100 examples per operation; no deadline
(the machine is shared), and the "too slow" health check is off for the same reason.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from sizes.outcomes.services import measurement_record
from sizes.outcomes.tests.helpers import indicator
from sizes.resources.tests.builders import budget

pytestmark = [pytest.mark.contract, pytest.mark.django_db]

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 100


def _declared_operations() -> list[tuple[str, str]]:
    from sizes.api.api import api

    doc = api.get_openapi_schema()
    return sorted((m.upper(), p) for p, item in doc["paths"].items() for m in item)


OPERATIONS = _declared_operations()


@pytest.fixture
def _keep_test_connection(db):
    """Requests go through the real WSGI handler, which closes "old" database connections when
    a request starts and ends; inside a test's transaction that would close the test's own
    connection (PostgreSQL). Django's test client switches this off the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def schema(_keep_test_connection):
    # Loaded through the WSGI app (as a client would), once the test database is ready.
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


def test_every_operation_is_tested(schema):
    loaded = {(r.ok().method.upper(), r.ok().path) for r in schema.get_all_operations()}
    assert loaded == set(OPERATIONS)
    assert len(OPERATIONS) >= 50
    # Every kind of thing the issue asks for is an operation in the document.
    for path in ("/api/v1/meetings", "/api/v1/suggestions", "/api/v1/ideas", "/api/v1/budgets",
                 "/api/v1/assets", "/api/v1/objectives", "/api/v1/plans",
                 "/api/v1/plans/{id}/document", "/api/v1/pledges", "/api/v1/pledges/{id}/grant",
                 "/api/v1/pledges/{id}/withdraw",
                 "/api/v1/sroi/calculate", "/api/v1/indicators/{id}/measurements",
                 "/api/v1/zones/{slug}/export/360giving.json"):  # fmt: skip
        assert any(p == path for _, p in OPERATIONS), path


def _real_objects(path: str, world, funder) -> dict[str, int]:
    """Real objects behind the operation's path, made through the services (or, for what
    people write, directly), so generated requests reach the rules and not just 404s."""
    from django.utils import timezone

    from sizes.engagement.models import Idea, Meeting, Suggestion
    from sizes.resources.tests import builders

    who = (world.council_signer, world.zone, world.council)
    now = timezone.now()
    makers = {
        "/api/v1/budgets": lambda: builders.budget(*who).pk,
        "/api/v1/assets": lambda: builders.asset(*who).pk,
        "/api/v1/objectives": lambda: builders.objective(*who).pk,
        "/api/v1/plans": lambda: builders.plan(*who).pk,
        "/api/v1/pledges": lambda: builders.pledge(world.council_signer, world.zone, funder).pk,
        "/api/v1/meetings": lambda: Meeting.objects.create(
            zone=world.zone, title="Meeting", starts_at=now, ends_at=now, agenda="Walks"
        ).pk,
        "/api/v1/suggestions": lambda: Suggestion.objects.create(
            author=world.resident, place="Shops", why="Empty."
        ).pk,
        "/api/v1/ideas": lambda: Idea.objects.create(
            zone=world.zone, organisation=world.council, author=world.resident,
            author_role="resident", title="Idea", obstacle="x", proposal="y",
            answer_due=timezone.localdate(),
        ).pk,
    }  # fmt: skip
    if path.startswith("/api/v1/indicators/"):
        return {"id": indicator(world.steward, world.zone, outcome=world.zone.outcomes.get()).pk}
    if path == "/api/v1/history/{kind}/{id}":
        return {"kind": "objectives", "id": makers["/api/v1/objectives"]()}
    for prefix, make in makers.items():
        if path == prefix or path.startswith(prefix + "/"):
            return {"id": make()}
    return {}


def _real_path_parameters(method: str, path: str, world, made: dict) -> dict:
    params = {}
    if "{slug}" in path:
        params["slug"] = (
            world.council.slug if path.startswith("/api/v1/organisations") else world.zone.slug
        )
    if "{kind}" in path:
        params["kind"] = made["kind"]
    if "{id}" in path:
        default = world.proposed.pk if method != "GET" else world.active.pk
        params["id"] = made.get("id", default)
    return params


def _aim_at_real_objects(case, world, org):
    """Point a generated write at the real zone, owner and outcome, so it reaches the rules."""
    if isinstance(case.body, dict) and "zone" in case.body:
        case.body["zone"] = world.zone.slug
        if "owner" in case.body:
            case.body["owner"] = world.council.slug
            case.body["outcomes"] = [world.zone.outcomes.get().pk]
        if "organisation" in case.body:
            case.body["organisation"] = org.slug
    return case


PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _valid_body(method: str, path: str, world, n: int, org=None) -> dict | None:
    """A body the rules accept (made fresh for each example), so success answers are checked
    against the schema too; generated bodies alone almost never pass every rule."""
    owner = {"zone": world.zone.slug, "organisation": (org or world.council).slug}
    dated = {"title": f"Walk more {n}", "summary": "Weekly walks.", "link": "https://example.org"}
    bodies = {
        "/api/v1/sroi/calculate": {
            "investments": [{"partner": "Council", "money": str(1000 + n)}],
            "outcomes": [{"name": "Walks", "stakeholder": "Residents", "quantity": n % 50 + 1,
                          "proxy": {"value": 250}, "duration_years": n % 5 + 1}],
        },
        "/api/v1/indicators/{id}/measurements": {"period": str(2000 + n % 25), "value": str(n)},
        "/api/v1/budgets": {
            "service": f"Service {n}", "kind": "new", "financial_year": "2025-26",
            "amount": {"amount": "1000.00", "currency": "GBP"}, "zone_share_percent": "10",
            "share_basis": "Share of households.",
        },
        "/api/v1/assets": {"kind": "room", "name": f"Room {n}", "description": "Seats 30.",
                           "lat": 52.4, "lon": -1.86},
        "/api/v1/objectives": dated,
        "/api/v1/plans": dated,
        "/api/v1/pledges": {"kind": "money", "title": f"Fund {n}",
                            "amount": {"amount": f"{n}.50", "currency": "GBP"}},
        "/api/v1/pledges/{id}/grant": {"granted_on": "2026-01-01",
                                       "granted_amount": {"amount": str(n), "currency": "GBP"}},
        "/api/v1/pledges/{id}/withdraw": {"reason": f"Budget cut {n}."},
    }  # fmt: skip
    key = path.removesuffix("/{id}") if method == "PUT" else path
    body = bodies.get(key)
    if body is not None and method == "POST" and key in _OWNED:
        body = body | owner
    return body


_OWNED = {"/api/v1/budgets", "/api/v1/assets", "/api/v1/objectives", "/api/v1/plans",
          "/api/v1/pledges"}  # fmt: skip


def _model_of(path: str):
    from sizes.resources.models import Asset, Budget, Objective, Plan, Pledge

    for prefix, model in (("budgets", Budget), ("assets", Asset), ("objectives", Objective),
                          ("plans", Plan), ("pledges", Pledge)):  # fmt: skip
        if path.startswith(f"/api/v1/{prefix}/"):
            return model
    return None


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_operation_keeps_its_contract(
    schema, world, council_token, steward_token, funder, funder_token, uploads, method, path
):
    op = schema[path][method]
    pledging = path.startswith("/api/v1/pledges")
    org = funder if pledging else world.council
    if path == "/api/v1/zones/{slug}/export/budgets.csv":
        budget(world.council_signer, world.zone, world.council)  # something to check the shape of
    if path.endswith("/outcomes"):
        ind = indicator(world.steward, world.zone, outcome=world.zone.outcomes.get())
        measurement_record(actor=world.steward, indicator=ind, period="2025", value="41.5")
    made = _real_objects(path, world, funder)
    real = _real_path_parameters(method, path, world, made)
    strategies = [
        op.as_strategy(path_parameters=real) if real else op.as_strategy(),
        op.as_strategy(),
        # Negative cases: values the schema forbids must be refused with a documented 4xx.
        op.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    ]
    if method == "POST" and "{" not in path:
        strategies.insert(0, op.as_strategy().map(lambda c: _aim_at_real_objects(c, world, org)))
    if method != "GET" and _valid_body(method, path, world, 0) is not None:
        strategies.insert(
            0,
            st.integers(1, 10**6).map(
                lambda n: op.Case(
                    path_parameters=real or None,
                    body=_valid_body(method, path, world, n, org),
                    media_type="application/json",
                )
            ),
        )
    if path == "/api/v1/plans/{id}/document":
        # A real PDF (schemathesis's random bytes never start like one), of varying length.
        strategies.insert(
            0,
            st.binary(max_size=2000).map(
                lambda tail: op.Case(
                    path_parameters=real, body={"document": PDF + tail},
                    media_type="multipart/form-data",
                )
            ),
        )  # fmt: skip
    if path == "/api/v1/lookup":
        # A place in the zone (the generated strings are never coordinates).
        strategies.insert(
            0,
            st.tuples(st.floats(52.399, 52.401), st.floats(-1.861, -1.859)).map(
                lambda p: op.Case(query={"lat": f"{p[0]:.5f}", "lon": f"{p[1]:.5f}"})
            ),
        )
    strategy = st.tuples(st.one_of(*strategies), st.booleans())
    # Reads go anonymously; writes carry the token of the partner that owns the variations and
    # the pooled records, or, for steward work (measurements), the zone steward's token.
    secret = steward_token if path.startswith("/api/v1/indicators/") else council_token
    if pledging:
        secret = funder_token
    token = {"Authorization": f"Bearer {secret}"}

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
            HealthCheck.data_too_large,
        ],
    )
    @given(drawn=strategy)
    def run(drawn):
        case, current_version = drawn
        headers = None if method == "GET" else dict(token)
        pk = (case.path_parameters or {}).get("id")
        if headers and current_version and pk in (world.proposed.pk, made.get("id")):
            # Half the writes to a real object name its current version.
            model = _model_of(path) or type(world.proposed)
            version = model.objects.filter(pk=pk).values_list("version", flat=True).first()
            headers["If-Match"] = f'"{version}"'
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

    statuses: dict[int, int] = {}
    run()
    print(method, path, sum(statuses.values()), statuses)
    if list(op.iter_parameters()) or op.body.items:
        assert sum(statuses.values()) >= EXAMPLES
    else:  # nothing to vary: hypothesis stops once every distinct request has been sent
        assert statuses
