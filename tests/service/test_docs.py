"""/docs and /redoc work offline: every script, style and image they load is served by the app
itself (from the fastapi-offline package), nothing from a CDN."""

import re

import pytest
from fastapi.testclient import TestClient


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_api_pages_load_nothing_from_outside(client: TestClient, page: str) -> None:
    response = client.get(page)
    assert response.status_code == 200
    assert not re.findall(r"https?://(?!127\.0\.0\.1|localhost)[^\s\"'<>]+", response.text)
    loaded = re.findall(r'(?:src|href)="([^"]+)"', response.text)
    assert any(url.endswith(".js") for url in loaded)
    for url in loaded:
        asset = client.get(url)
        assert asset.status_code == 200 and len(asset.content) > 1000, url
    assert client.get("/openapi.json").json()["info"]["title"] == "smartborder services"


def test_every_route_documents_a_typed_response_and_the_real_error_body(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            ok = next(code for code in responses if code.startswith("2"))
            schema = responses[ok]["content"]["application/json"]["schema"]
            assert "$ref" in schema, f"{method.upper()} {path}: untyped {ok} response {schema}"
            if path != "/health":
                for status in ("401", "403", "422"):
                    assert responses[status]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")
    assert "HTTPValidationError" not in document["components"]["schemas"]
