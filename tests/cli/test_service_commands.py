"""``audit verify``: it reports on an existing log and never creates a database."""

from pathlib import Path

import pytest

from smartborder.service.audit import record
from smartborder.service.db import session_factory, upgrade
from tests.cli.test_data_commands import run


def test_verify_a_database_that_does_not_exist_is_an_error_and_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "typo.db"
    code, out, err = run(["audit", "verify", "--db", f"sqlite:///{missing}"], capsys)
    assert code != 0 and "intact" not in out
    assert "db: no database at" in err and str(missing) in err
    assert not missing.exists()


def test_verify_a_database_without_a_log_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "other.db"
    other.write_bytes(b"")  # an empty file is an empty SQLite database
    code, _, err = run(["audit", "verify", "--db", f"sqlite:///{other}"], capsys)
    assert code != 0 and "holds no smartborder audit_log" in err


def test_verify_reports_an_intact_log(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'ok.db'}"
    upgrade(url)
    with session_factory(url)() as session:
        record(session, "test", "write", "x", {})
        session.commit()
    code, out, _ = run(["audit", "verify", "--db", url], capsys)
    assert code == 0 and "intact" in out and "1 entries" in out


def test_token_create_help_lists_exactly_the_roles_it_accepts() -> None:
    import re

    from smartborder.cli.service_commands import ROLE_HELP
    from smartborder.service.auth import ROLES, Role

    listed = re.findall(r"[a-z_]+", ROLE_HELP.split("(")[0].replace(" or ", ", "))
    assert sorted(listed) == sorted(ROLES) == sorted(r.value for r in Role)
