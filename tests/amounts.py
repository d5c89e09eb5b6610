"""Looking for an amount in a page or a file as an amount: "451 234", "451 234" or "451234",
never three digits that a time's microseconds, an id or a factory's name may also hold."""

from __future__ import annotations

import re


def shows_amount(value: int, text: str) -> bool:
    """Whether `text` shows `value` (at least 1,000), grouped by any space or a dot, or not."""
    high, low = divmod(value, 1000)
    return re.search(rf"(?<!\d){high}[\s\u00a0\u202f.]?{low:03d}(?!\d)", text) is not None
