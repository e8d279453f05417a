#!/usr/bin/env python3
"""Kept for old instructions: the offline verifier is `verifier/olverify.py` (one file, standard
library + `cryptography`). This runs it with the same arguments."""

from __future__ import annotations

import runpy
from pathlib import Path

if __name__ == "__main__":
    runpy.run_path(
        str(Path(__file__).resolve().parents[1] / "verifier" / "olverify.py"), run_name="__main__"
    )
