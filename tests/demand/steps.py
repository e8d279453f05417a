"""Shared steps for the demand-side tests: needs, matches, challenges."""

from __future__ import annotations

from typing import Any

from licensing import Market


def need_payload(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "title": "寻求高能量密度锂电池正极材料技术",
        "description": "我公司生产储能电池，需要提高正极材料的能量密度和循环寿命。",
        "technology_field": "new_energy",
        "ipc_hints": ["H01M 4/36"],
        "keywords": ["正极", "锂电池"],
        "budget_min_minor": 10_000_000,
        "budget_max_minor": 50_000_000,
        "cooperation_forms": ["licence", "joint_development"],
        "deadline": "2027-06-30",
        "visibility": "public",
    }
    payload.update(overrides)
    return payload


async def post_need(market: Market, who: Any = None, **overrides: Any) -> dict[str, Any]:
    response = await market.client.post(
        "/api/needs", json=need_payload(**overrides), headers=(who or market.sme).headers
    )
    assert response.status_code == 201, response.text
    return response.json()


async def sync_search(market: Market) -> None:
    response = await market.client.post("/api/jobs/search-sync", headers=market.admin.headers)
    assert response.status_code == 200, response.text
