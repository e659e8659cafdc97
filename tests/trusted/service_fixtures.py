"""Fixtures for the trusted routers' HTTP tests: the app with test keys, faces as base64 PNG."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from importlib import import_module

import pytest
from fastapi.testclient import TestClient

from smartborder.service.app import ROUTERS, create_app

TRUSTED_ROUTERS = (
    "smartborder.service.trusted_traders_api",
    "smartborder.service.trusted_travellers_api",
    "smartborder.service.trusted_cards_api",
)


@pytest.fixture
def client(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """The service with the trusted routers and the public test keys (never outside tests)."""
    monkeypatch.setenv("SMARTBORDER_TRUSTED_TEST_KEYS", "1")
    monkeypatch.delenv("SMARTBORDER_CARD_KEY", raising=False)
    monkeypatch.delenv("SMARTBORDER_TEMPLATE_KEY", raising=False)
    app = create_app(db_url)
    for module in TRUSTED_ROUTERS:
        if module not in ROUTERS:
            app.include_router(import_module(module).router)
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def faces() -> dict[str, str]:
    """Person A's enrolment and live samples and person B's, from the generated set (seed 0:
    A's live sample is 122 from A's template, B's is 161; threshold 141)."""
    from smartborder.trusted.biometrics import encode_png
    from smartborder.trusted.biometrics.synthetic import face_set

    images, _ = face_set(2, 3, seed=0)
    b64 = [base64.b64encode(encode_png(i)).decode() for i in images]
    return {"a_enrol": b64[0], "a_live": b64[1], "b_live": b64[3]}
