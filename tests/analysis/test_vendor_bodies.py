"""Property-based tests (hypothesis): every shape a vendor body can take either renders, with
"not available" where a value is unusable, or is refused with a sentence naming the field.

The CI profile runs a fixed number of examples from a fixed seed; HYPOTHESIS_PROFILE=long runs
many more by hand (README, Development).
"""

from __future__ import annotations

from hypothesis import example, given, settings

from fpapi import InvalidResponse
from tests.vendor_shapes import (
    BASES,
    KNOWN_BREAKS,
    broken_bodies,
    run_pipeline,
)


def test_every_unbroken_base_renders():
    for name, body in BASES.items():
        assert not isinstance(run_pipeline(body), InvalidResponse), name


# A body through the whole pipeline takes about half a second (every figure twice, both
# exports, the comparison with the sample): half the profile's examples, which still try each
# base and kind of break many times over; HYPOTHESIS_PROFILE=long runs 1,500.
@settings(max_examples=max(10, settings.default.max_examples // 2))
@given(broken_bodies())
@example(KNOWN_BREAKS[0])
@example(KNOWN_BREAKS[1])
@example(KNOWN_BREAKS[2])
@example(KNOWN_BREAKS[3])
def test_a_broken_vendor_body_renders_or_is_refused_by_name(case):
    name, body, done = case
    outcome = run_pipeline(body)
    if isinstance(outcome, InvalidResponse):  # it says what was wrong, by name
        said = str(outcome)
        assert "get_posts" in said or " (at " in said, (said, name, done)
