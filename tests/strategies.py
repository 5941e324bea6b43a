"""Hypothesis strategies shared by the tests of the analysis."""

from __future__ import annotations

from hypothesis import strategies as st

ACTORS = ["citizen", "counter", "back_office", "system", "external"]
step_strategy = st.fixed_dictionaries(
    {
        "actor": st.sampled_from(ACTORS),
        "action": st.sampled_from(["write", "submit", "receive", "check", "enter", "issue", "notify", "other"]),
        "medium": st.sampled_from(["paper", "electronic", "verbal", "none"]),
        "handwritten": st.booleans(),
        "seal": st.booleans(),
        "in_person": st.booleans(),
        "rule_based": st.booleans(),
        "effort": st.integers(0, 120),
        "wait": st.sampled_from([0, 5, 30, 1440, 4320]),
    }
)
