"""Sharing an amount among departments by their weights, to the öre and exactly.

The largest remainder method (Hamilton's): every department's exact share is worked out, each
is rounded down to whole öre, and the öre left over are handed out one at a time to the
departments whose shares lost the most in the rounding. Ties go to the department with the
smaller id: a department's id never changes, so the same costs and weights always give the
same shares. The shares add up to the amount exactly, a department of weight 0 gets nothing,
and each share is within one öre of the exact one.

The exact shares are rational numbers (`fractions.Fraction`): a quotient rounded to any
number of decimals could put two remainders in the wrong order, or call two unequal ones
equal.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext as _

ORE = Decimal("0.01")


class AllocationError(ValueError):
    """The amount cannot be shared: every weight is 0."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def allocate(amount: Decimal, weights: Mapping[int, Decimal | int]) -> dict[int, Decimal]:
    """Share `amount` (SEK, at most two decimals, of any sign) among the keys of `weights`
    (department ids) in proportion to their weights (none negative).

    Returns every key with its share, in öre; the shares add up to `amount`. An amount of 0
    gives every key 0. Raises AllocationError when the amount is not 0 and every weight is.
    """
    if amount != amount.quantize(ORE):
        raise ValueError(f"not a sum in öre: {amount}")
    exact = {key: Fraction(Decimal(weight)) for key, weight in weights.items()}
    if any(weight < 0 for weight in exact.values()):
        raise ValueError("a weight is negative")
    ore = int(amount * 100)
    if ore == 0:
        return {key: Decimal(0).scaleb(-2) for key in weights}
    total = sum(exact.values(), Fraction(0))
    if total == 0:
        raise AllocationError(_("The cost cannot be shared: every department's weight is 0."))
    sign, ore = (-1, -ore) if ore < 0 else (1, ore)
    shares: dict[int, int] = {}
    remainders: dict[int, Fraction] = {}
    for key, weight in exact.items():
        share = ore * weight / total
        shares[key] = share.numerator // share.denominator
        remainders[key] = share - shares[key]
    left = ore - sum(shares.values())
    # The remainders add up to `left` and each is below 1, so the first `left` of them are
    # all above 0: a department of weight 0 is never handed an öre.
    for key in sorted(remainders, key=lambda k: (-remainders[k], k))[:left]:
        shares[key] += 1
    return {key: Decimal(sign * share).scaleb(-2) for key, share in shares.items()}
