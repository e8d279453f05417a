"""The per-request work the app removes from Litestar's path (app.py): the `public` guard is
declared but not run, and dependencies are resolved one after another, never in a task group.
What each still enforces is covered by the permission matrix (tests/test_permissions.py)."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from openlicense.accounts.guards import RoleGuard


def _handlers(app: Litestar) -> list[tuple[Any, Any]]:
    return [
        pair for route in app.routes for pair in getattr(route, "route_handler_map", {}).values()
    ]


def test_public_guards_are_declared_but_not_run_and_role_guards_still_are(app: Litestar) -> None:
    declared_public = run_roles = 0
    for handler, _ in _handlers(app):
        declared = [g for layer in handler.ownership_layers for g in (layer.guards or [])]
        running = handler.resolve_guards()
        assert not any(isinstance(g, RoleGuard) and g.public for g in running)
        if any(isinstance(g, RoleGuard) and g.public for g in declared):
            declared_public += 1
        elif any(isinstance(g, RoleGuard) for g in declared):
            assert [g for g in running if isinstance(g, RoleGuard)], handler
            run_roles += 1
    assert declared_public > 20 and run_roles > 50


def test_no_handler_resolves_dependencies_in_a_task_group(app: Litestar) -> None:
    models = [model for _, model in _handlers(app)]
    assert any(len(m.dependency_batches) > 2 for m in models)
    for model in models:
        assert all(len(batch) == 1 for batch in model.dependency_batches)


async def test_a_role_guarded_route_still_refuses_and_a_public_one_answers(
    client: AsyncTestClient,
) -> None:
    refused = await client.post("/api/patents", json={})
    assert refused.status_code == 401
    assert (await client.get("/api/patents")).status_code == 200
    assert (await client.get("/health")).json()["status"] == "ok"
