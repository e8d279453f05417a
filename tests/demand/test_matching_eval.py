"""The matcher's precision@5 on the judged set of needs (scripts/eval_matching.py) stays above
a floor: a change that makes matching worse fails here."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "eval_matching.py"


async def test_precision_at_5_on_the_judged_needs() -> None:
    spec = importlib.util.spec_from_file_location("eval_matching", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    result = await module.evaluate()
    assert len(result["needs"]) == 10
    assert result["mean"]["p_at_5_of_best"] >= 0.7, result["mean"]
    assert result["mean"]["p_at_5_related"] >= 0.5, result["mean"]
