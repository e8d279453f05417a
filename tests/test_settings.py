"""Settings: nested env vars with the OPENLICENSE_ prefix, read only when Settings() is built."""

from __future__ import annotations

import importlib
from decimal import Decimal

import pytest

from openlicense.settings import Settings


def test_nested_env_vars_are_read_when_settings_are_built(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENLICENSE_DATABASE__URL", "postgresql+asyncpg://u:p@h/db")
    monkeypatch.setenv("OPENLICENSE_RULES__FEE_CAPS_MODE", "warn")
    monkeypatch.setenv("OPENLICENSE_RULES__ROYALTY_CAP_PROFIT", "0.35")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.database.url == "postgresql+asyncpg://u:p@h/db"
    assert settings.rules.fee_caps_mode == "warn"
    assert settings.rules.royalty_cap_profit == Decimal("0.35")


def test_importing_the_app_reads_no_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENLICENSE_RULES__FEE_CAPS_MODE", "not-a-mode")
    import openlicense.app

    importlib.reload(openlicense.app)  # would raise if settings were read at import time
    with pytest.raises(ValueError, match="fee_caps_mode"):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_env_example_documents_every_setting() -> None:
    from pathlib import Path

    documented = Path(__file__).parents[1].joinpath(".env.example").read_text()
    for section, model in Settings.model_fields.items():
        sub = model.annotation
        fields = getattr(sub, "model_fields", None)
        if fields is None:
            assert f"OPENLICENSE_{section.upper()}=" in documented, section
            continue
        for name in fields:
            assert f"OPENLICENSE_{section.upper()}__{name.upper()}=" in documented, (section, name)


def test_production_refuses_demo_secrets() -> None:
    from pydantic import ValidationError

    from openlicense.settings import AuditSettings, AuthSettings, WebSettings

    with pytest.raises(ValidationError, match="JWT_SECRET"):
        Settings(environment="production", _env_file=None)  # type: ignore[call-arg]
    with pytest.raises(ValidationError, match="SIGNING_KEY"):
        Settings(
            environment="production",
            auth=AuthSettings(jwt_secret="x" * 48),
            _env_file=None,  # type: ignore[call-arg]
        )
    with pytest.raises(ValidationError, match="SESSION_SECRET"):
        Settings(
            environment="production",
            auth=AuthSettings(jwt_secret="a-long-random-secret-from-the-secret-store-0123"),
            audit=AuditSettings(signing_key="b3BlbmxpY2Vuc2UtdGVzdC1zaWduaW5nLWtleS0wMDE="),
            _env_file=None,  # type: ignore[call-arg]
        )
    ok = Settings(
        environment="production",
        auth=AuthSettings(jwt_secret="a-long-random-secret-from-the-secret-store-0123"),
        audit=AuditSettings(signing_key="b3BlbmxpY2Vuc2UtdGVzdC1zaWduaW5nLWtleS0wMDE="),
        web=WebSettings(session_secret="another-long-random-secret-for-page-sessions-42"),
        _env_file=None,  # type: ignore[call-arg]
    )
    assert ok.environment == "production"
    assert Settings(environment="development", _env_file=None).environment == "development"  # type: ignore[call-arg]
