"""The service's layers as the architecture says: api → operations → domain → store. The CLI calls
operations (never a route handler); operations know nothing of HTTP (they raise domain errors)."""

import ast
from pathlib import Path

import pytest

import smartborder

PACKAGE = Path(smartborder.__file__).parent


def imports(path: Path) -> set[str]:
    """Every module *path* imports, at any depth (lazy imports inside functions included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


@pytest.mark.parametrize("path", sorted((PACKAGE / "cli").glob("*.py")), ids=lambda p: p.name)
def test_the_cli_never_calls_a_route_handler(path: Path) -> None:
    handlers = {m for m in imports(path) if m.startswith("smartborder.service.") and "_api" in m}
    assert not handlers, f"{path.name} imports route modules {sorted(handlers)}: call the operations instead"


OPERATIONS = [
    *sorted((PACKAGE / "service").glob("*_operations.py")),
    PACKAGE / "service" / "trusted_support.py",
    PACKAGE / "service" / "errors.py",
]


@pytest.mark.parametrize("path", OPERATIONS, ids=lambda p: p.name)
def test_operations_know_nothing_of_http(path: Path) -> None:
    http = {
        m
        for m in imports(path)
        if m.split(".")[0] in ("fastapi", "starlette") or m.startswith("smartborder.service.app") or "_api" in m
    }
    assert not http, f"{path.name} imports {sorted(http)}"


@pytest.mark.parametrize("path", sorted((PACKAGE / "service").glob("*_api.py")), ids=lambda p: p.name)
def test_every_route_only_calls_its_operation(path: Path) -> None:
    """A route checks the role (its dependencies) and returns what one operation returns: the
    rules live in the operations, where the CLI and Python reach them too."""
    tree = ast.parse(path.read_text())
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef) or not any(
            isinstance(d, ast.Call)
            and isinstance(d.func, ast.Attribute)
            and getattr(d.func.value, "id", "") == "router"
            for d in node.decorator_list
        ):
            continue
        body = node.body[1:] if ast.get_docstring(node) else node.body
        assert len(body) == 1 and isinstance(body[0], ast.Return), f"{path.name}: {node.name} holds logic"
        call = body[0].value
        assert isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute), f"{path.name}: {node.name}"
        assert getattr(call.func.value, "id", "") == "ops", f"{path.name}: {node.name} calls {ast.unparse(call.func)}"
