"""The kit's knowledge that is data: small CSV files in ``oaslib/data``.

Each file has a ``reason`` column where an entry is a judgement. Loaded once
per process and cached.
"""
from __future__ import annotations

import csv
from functools import lru_cache

from .paths import PACKAGE_DATA


@lru_cache(maxsize=None)
def rows(name: str) -> tuple[dict, ...]:
    with open(PACKAGE_DATA / f"{name}.csv", encoding="utf-8", newline="") as f:
        return tuple({k: (v or "").strip() for k, v in r.items()} for r in csv.DictReader(f))


def split_list(value: str) -> list[str]:
    return [v.strip() for v in value.split(";") if v.strip()]
