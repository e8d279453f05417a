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


def challenge_payload(need_id: str | None, **overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "need_id": need_id,
        "goals": "开发能量密度不低于 300 Wh/kg 的正极材料并完成中试。",
        "acceptance_criteria": "第三方检测报告；中试样品 100 公斤。",
        "budget_minor": 80_000_000,
        "deadline": "2027-03-31",
    }
    payload.update(overrides)
    return payload


def application_payload(leader: str, **overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "proposal": f"{leader}团队：采用高镍单晶路线，十二个月完成中试。",
        "team": [{"name": leader, "title": "教授", "role": "负责人"}, {"name": "王五"}],
        "price_minor": 60_000_000,
    }
    payload.update(overrides)
    return payload


def cooperation_payload(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "kind": "joint",
        "price_minor": 60_000_000,
        "clauses": {
            "background_ip": "free_licence_to_exploit",
            "revenue_sharing": "by_contribution",
        },
        "milestones": [
            {"title": "小试样品", "due_on": "2027-06-30", "amount_minor": 20_000_000},
            {"title": "中试验收", "due_on": "2027-12-31", "amount_minor": 40_000_000},
        ],
    }
    payload.update(overrides)
    return payload
