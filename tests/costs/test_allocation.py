"""Sharing an amount by weights (the largest remainder method): exact to the öre,
deterministic, and fair within an öre. Property-style: many seeded random cases."""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction

import pytest
from django.utils import translation

from costs.allocation import AllocationError, allocate

CASES = 2000


def random_case(rng: random.Random) -> tuple[Decimal, dict[int, Decimal | int]]:
    """An amount of up to ten million kronor with öre (sometimes negative, sometimes
    zero) and two to twenty-five departments (ids in any order) with weights: whole
    numbers, percentages with decimals, many ties, some zeros."""
    amount = Decimal(rng.choice([0, rng.randint(1, 99), rng.randint(1, 10**9)])).scaleb(-2)
    if rng.random() < 0.1:
        amount = -amount
    ids = rng.sample(range(1, 500), rng.randint(2, 25))
    kind = rng.choice(["whole", "percent", "ties", "tiny"])
    weights: dict[int, Decimal | int] = {}
    for department in ids:
        if rng.random() < 0.2:
            weights[department] = 0
        elif kind == "whole":
            weights[department] = rng.randint(1, 5000)
        elif kind == "percent":
            weights[department] = Decimal(rng.randint(1, 10000)).scaleb(-2)
        elif kind == "ties":
            weights[department] = rng.choice([1, 2, 3])
        else:
            weights[department] = Decimal(rng.randint(1, 9)).scaleb(-2)
    if not any(weights.values()):
        weights[ids[0]] = 1
    return amount, weights


def test_the_shares_add_up_to_the_amount_exactly():
    rng = random.Random(20260612)
    for _ in range(CASES):
        amount, weights = random_case(rng)
        shares = allocate(amount, weights)
        assert set(shares) == set(weights)
        assert sum(shares.values()) == amount, (amount, weights, shares)
        assert all(share == share.quantize(Decimal("0.01")) for share in shares.values())


def test_each_share_is_within_one_ore_of_the_exact_share():
    rng = random.Random(7)
    for _ in range(CASES):
        amount, weights = random_case(rng)
        total = sum(Fraction(Decimal(w)) for w in weights.values())
        for department, share in allocate(amount, weights).items():
            exact = Fraction(amount) * Fraction(Decimal(weights[department])) / total
            assert abs(Fraction(share) - exact) < Fraction(1, 100)


def test_a_department_of_weight_zero_gets_nothing():
    rng = random.Random(11)
    for _ in range(CASES):
        amount, weights = random_case(rng)
        shares = allocate(amount, weights)
        for department, weight in weights.items():
            if not weight:
                assert shares[department] == 0


def test_the_same_costs_and_weights_always_give_the_same_shares():
    """Deterministic whatever the order the weights come in."""
    rng = random.Random(3)
    for _ in range(500):
        amount, weights = random_case(rng)
        first = allocate(amount, weights)
        items = list(weights.items())
        rng.shuffle(items)
        assert allocate(amount, dict(items)) == first


def test_the_ore_left_over_go_to_the_largest_remainders():
    # 100 kr by 1 : 1 : 1 is 33.333… each: one öre is left and goes to one department.
    # 0.10 by 3 : 3 : 4 is 0.03, 0.03, 0.04 exactly: nothing is left over.
    assert allocate(Decimal("0.10"), {1: 3, 2: 3, 3: 4}) == {
        1: Decimal("0.03"), 2: Decimal("0.03"), 3: Decimal("0.04")}
    # 10.00 by 1 : 2 : 4 = 1.428571…, 2.857142…, 5.714285…: rounded down 1.42, 2.85,
    # 5.71 (9.98); the two öre go to the largest remainders, 0.8571… and 0.7142….
    assert allocate(Decimal("10.00"), {1: 1, 2: 2, 3: 4}) == {
        1: Decimal("1.43"), 2: Decimal("2.86"), 3: Decimal("5.71")}


def test_ties_go_to_the_department_with_the_smaller_id():
    assert allocate(Decimal("100.00"), {9: 1, 4: 1, 7: 1}) == {
        4: Decimal("33.34"), 7: Decimal("33.33"), 9: Decimal("33.33")}
    assert allocate(Decimal("0.02"), {30: 1, 10: 1, 20: 1}) == {
        10: Decimal("0.01"), 20: Decimal("0.01"), 30: Decimal("0.00")}


def test_a_negative_amount_is_shared_as_the_positive_one_turned_round():
    assert allocate(Decimal("-100.00"), {9: 1, 4: 1, 7: 1}) == {
        4: Decimal("-33.34"), 7: Decimal("-33.33"), 9: Decimal("-33.33")}


def test_nothing_to_share_gives_every_department_nothing_even_without_weights():
    assert allocate(Decimal("0.00"), {1: 0, 2: 0}) == {1: Decimal("0.00"), 2: Decimal("0.00")}


def test_every_weight_zero_cannot_be_shared_and_says_so_in_swedish():
    with translation.override("sv"), pytest.raises(AllocationError) as refused:
        allocate(Decimal("1000.00"), {1: 0, 2: Decimal("0.00")})
    assert refused.value.message == (
        "Kostnaden kan inte fördelas: alla förvaltningar har vikten 0.")
    with pytest.raises(AllocationError):
        allocate(Decimal("1.00"), {})


def test_an_amount_finer_than_the_ore_or_a_negative_weight_is_a_programming_error():
    with pytest.raises(ValueError):
        allocate(Decimal("1.005"), {1: 1})
    with pytest.raises(ValueError):
        allocate(Decimal("1.00"), {1: -1, 2: 2})
