"""The service's settings: one typed object, read once from ``SMARTBORDER_*`` environment
variables (or given to ``create_app``), never from the environment in the middle of a request."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from smartborder.service.db import DEFAULT_URL


class Settings(BaseSettings):
    """What a deployment may change. Each field is read from ``SMARTBORDER_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="SMARTBORDER_", extra="ignore", frozen=True, env_ignore_empty=True)

    database_url: str = Field(
        default=DEFAULT_URL,
        description="SQLAlchemy URL; a SQLite file in the working directory by default, PostgreSQL by URL",
    )
    token_cache_s: float = Field(
        default=10.0,
        ge=0,
        description="how long a token's caller is remembered; a revoked "
        "token stops working within this time (0: every request)",
    )
    max_clock_skew_s: float = Field(
        default=600.0,
        ge=0,
        le=86_400,
        description="how far in the future a ping or event time may be (device clocks run ahead); 10 min by default",
    )
    max_body_bytes: int = Field(
        default=8 * 1024 * 1024,
        ge=1024,
        description="largest request body accepted (413 beyond): a 10,000-ping batch is "
        "~1 MB, a 2 MB biometric image ~2.7 MB in base64",
    )
    max_json_depth: int = Field(default=32, ge=4, le=1000, description="deepest JSON nesting accepted (EPCIS needs ~6)")
    card_key: SecretStr | None = Field(
        default=None,
        description="Ed25519 seed that signs trusted-traveller cards (base64url, 32 bytes; `smartborder trusted keys`)",
    )
    template_key: SecretStr | None = Field(
        default=None, description="AES-256-GCM key sealing biometric templates (base64url, 32 bytes)"
    )
    cache_dir: Path | None = Field(
        default=None,
        description="where the dashboard keeps simulated results (a border-year, "
        "studio comparisons, port runs) between restarts; default "
        "$XDG_CACHE_HOME/smartborder (~/.cache/smartborder)",
    )
    observations: Path | None = Field(
        default=None,
        description="CBP Border Wait Times files (a file or directory: feed "
        "snapshots, the flat CSV) the dashboard's port pages show "
        "beside simulated waits, with the shipped sets",
    )
    trusted_test_keys: bool = Field(
        default=False,
        description="sign cards and seal templates with fixed public test keys "
        "(tests only; `serve` refuses to start with it)",
    )


def load_settings(**overrides: object) -> Settings:
    """The settings from the environment (and *overrides*); a bad value is a ``SmartborderError``
    naming its variable, not a traceback."""
    from smartborder.errors import SmartborderError

    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "SMARTBORDER_" + ".".join(str(p) for p in first["loc"]).upper()
        raise SmartborderError(f"{name}: {first['msg']} (got {first.get('input')!r})") from None
