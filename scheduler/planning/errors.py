"""What a planning request answers when it cannot be done: the request, or a broken rule."""

from __future__ import annotations

from scheduler.core.words import Refusal, refusals
from solver.checker import HARD_RULES, Violation
from solver.domain import Plan, Week

RULE_WORDS = {rule.number: rule.text for rule in HARD_RULES}


class PlanningError(ValueError):
    """A planning request that cannot be done as asked (no such week, plan, client or session)."""


class FieldRefused(PlanningError):
    """A request refused for one value it gives; `field` names which (e.g. `teaches`)."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


class RuleBroken(PlanningError):
    """An edit refused because the plan would break a hard rule.

    `violations` say how, in the checker's terms; `refusals` say what is in the way,
    one sentence each in the owner's words, about `week` and the `plan` as the edit
    would leave it.
    """

    def __init__(self, violations: list[Violation], week: Week, plan: Plan):
        self.violations = violations
        self.refusals: list[Refusal] = refusals(violations, week, plan)
        super().__init__(" ".join(f"{r.text}. (rule {r.rule})" for r in self.refusals))
