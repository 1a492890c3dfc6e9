"""The vendor budget every process shares: slots spaced by 1 / calls per second on the
database's clock, and a 429's Retry-After holding every caller (here, on SQLite and
PostgreSQL; across worker processes in tests/workspace/test_refresh_queue.py)."""

from __future__ import annotations

import itertools
import time

import httpx
import pytest

from fpapi.api.budget import DEFAULT_PAUSE_S, BudgetedTransport
from fpapi.storage.budget import SqlBudget
from fpapi.storage.database import new_engine


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'budget.db'}"
    else:
        url = request.getfixturevalue("postgres").fresh_database()
    made = new_engine(url)
    yield made
    made.dispose()


def test_slots_are_spaced_by_the_rate_whoever_takes_them(engine):
    first, second = SqlBudget(engine, 10), SqlBudget(engine, 10)  # two processes, one row
    slots = []  # each slot as a moment of this process's clock: asked at, plus the wait
    for budget in (first, second, first, second, first):
        asked = time.monotonic()
        slots.append(asked + budget.take_slot())
    steps = [b - a for a, b in itertools.pairwise(slots)]
    assert all(0.08 < step < 0.12 for step in steps), steps  # 0.1 s apart


def test_a_pause_holds_every_caller_until_it_ends(engine):
    budget, other = SqlBudget(engine, 100), SqlBudget(engine, 100)
    assert budget.paused_for() == 0
    budget.pause(2.0)
    assert 1.8 < other.paused_for() <= 2.0
    assert 1.8 < other.take_slot() <= 2.05  # the next slot is after the pause
    budget.pause(0.5)  # a shorter pause does not cut a longer one short
    assert other.paused_for() > 1.5


class FakeBudget:
    def __init__(self, waits: list[float], pauses: list[float]):
        self.waits, self.pauses, self.paused = waits, pauses, []

    def take_slot(self) -> float:
        return self.waits.pop(0)

    def paused_for(self) -> float:
        return self.pauses.pop(0)

    def pause(self, seconds: float) -> None:
        self.paused.append(seconds)


def test_the_transport_waits_for_its_slot_and_takes_another_if_a_pause_came_meanwhile():
    slept: list[float] = []
    answers = iter([httpx.Response(200), httpx.Response(429, headers={"Retry-After": "3"}),
                    httpx.Response(429)])  # fmt: skip
    budget = FakeBudget(waits=[0.2, 0.4, 0.0, 0.0], pauses=[0.3, 0.0, 0.0, 0.0])
    transport = BudgetedTransport(
        httpx.MockTransport(lambda request: next(answers)), budget, sleep=slept.append
    )
    with httpx.Client(transport=transport) as client:
        assert client.get("http://vendor.test/x").status_code == 200
        assert slept == [0.2, 0.4]  # paused while waiting: a second slot
        assert client.get("http://vendor.test/x").status_code == 429
        assert client.get("http://vendor.test/x").status_code == 429
    assert budget.paused == [3.0, DEFAULT_PAUSE_S]  # Retry-After, else the default


def test_a_budget_whose_row_went_makes_it_again_and_keeps_spacing_calls(engine):
    """A restore or a hand-made DELETE takes the row away under a running worker: its next
    call makes it again rather than failing every call until a restart."""
    budget = SqlBudget(engine, 10)
    budget.take_slot()
    with engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM vendor_budget")
    assert budget.paused_for() == 0
    slots = [time.monotonic() + budget.take_slot() for _ in range(2)]
    assert 0.08 < slots[1] - slots[0] < 0.12
