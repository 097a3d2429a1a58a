"""What a planning request answers when it cannot be done: the request, or a broken rule."""

from __future__ import annotations

from solver.checker import HARD_RULES, Violation

RULE_WORDS = {rule.number: rule.text for rule in HARD_RULES}


class PlanningError(ValueError):
    """A planning request that cannot be done as asked (no such week, plan, client or session)."""


class FieldRefused(PlanningError):
    """A request refused for one value it gives; `field` names which (e.g. `teaches`)."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


class RuleBroken(PlanningError):
    """An edit refused because the plan would break a hard rule; `violations` say how."""

    def __init__(self, violations: list[Violation]):
        self.violations = violations
        first = violations[0]
        super().__init__(f"Rule {first.rule}: {RULE_WORDS[first.rule]} ({first.message})")

    @property
    def rule_words(self) -> list[str]:
        """Each broken rule once, in the spec's words, with what broke it."""
        seen: dict[int, str] = {}
        for v in self.violations:
            seen.setdefault(v.rule, v.message)
        return [f"Rule {n}: {RULE_WORDS[n]} ({seen[n]})" for n in sorted(seen)]
