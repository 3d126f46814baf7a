"""Schemathesis against the portal's own OpenAPI description (``/openapi.json``), in
process through the ASGI transport (no network): every ``/api/`` operation, with data
that fits the schema and data that does not, answers without a server error, with a
documented status, the declared content type and a body that matches its response model.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode, checks
from schemathesis.specs.openapi import checks as openapi_checks

from calexit.cli.demo_portal import fill_portal
from calexit.store import open_store
from calexit.web import create_app

NOW = datetime(2029, 3, 1, 17, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def portal_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The portal (filled with the demo scenario) as a schemathesis schema, API paths only."""
    folder: Path = tmp_path_factory.mktemp("schemathesis")
    with open_store(f"sqlite:///{folder / 'portal.sqlite3'}") as store:
        fill_portal(store, NOW.date())
        app = create_app(store=store, clock=lambda: NOW)
        schema = schemathesis.openapi.from_asgi("/openapi.json", app)
        yield schema.include(path_regex=r"^/api/")


OPERATIONS = [
    "/api/status",
    "/api/petition",
    "/api/vote",
    "/api/commission",
    "/api/meetings",
    "/api/meetings/{meeting_id}",
    "/api/documents",
    "/api/documents/search",
    "/api/documents/{slug}",
    "/api/reports",
    "/api/comments",
    "/api/budget",
    "/api/record",
]
CHECKS = [
    checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
]
NEGATIVE_CHECKS = [checks.not_a_server_error, openapi_checks.negative_data_rejection]
"""Data outside the schema must be refused (4xx), unless it is valid once on the wire."""


WITH_PARAMETERS = ["/api/meetings/{meeting_id}", "/api/documents/search", "/api/documents/{slug}"]
EXISTING = {
    "/api/meetings/{meeting_id}": {"meeting_id": 1},
    "/api/documents/{slug}": {"slug": "fiscal-analysis"},
}
"""Items the demo fill holds, so their full response models are checked too."""
CASES = (
    [(path, GenerationMode.POSITIVE, False) for path in OPERATIONS]
    + [(path, GenerationMode.NEGATIVE, False) for path in WITH_PARAMETERS]
    + [(path, GenerationMode.POSITIVE, True) for path in EXISTING]
)


def _examples(mode: GenerationMode) -> int:
    return 25 if mode is GenerationMode.POSITIVE else 15


@pytest.mark.parametrize(
    ("path", "mode", "existing"),
    CASES,
    ids=[f"{p}-{m}{'-existing' if e else ''}" for p, m, e in CASES],
)
def test_the_api_matches_its_openapi_description(
    portal_schema: Any, path: str, mode: GenerationMode, existing: bool
) -> None:
    operation = portal_schema[path]["GET"]
    fixed = EXISTING[path] if existing else None
    seen: list[int] = []

    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=fixed))
    @settings(
        max_examples=_examples(mode),
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case: Any) -> None:
        response = case.call()
        seen.append(response.status_code)
        assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.text}"
        case.validate_response(
            response, checks=CHECKS if mode is GenerationMode.POSITIVE else NEGATIVE_CHECKS
        )

    check()
    assert seen, f"no request was made to {path}"
    if existing:
        assert 200 in seen, f"{path} never answered an existing item: {sorted(set(seen))}"


def test_the_description_covers_every_api_route(portal_schema: Any) -> None:
    paths = {result.ok().path for result in portal_schema.get_all_operations()}
    assert paths == set(OPERATIONS)
