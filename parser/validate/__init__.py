"""The validator: every rule of shared/spec/rules.md except the year-over-year ones (those need the store).

Each rule is a small function registered with `@rule(id, severity)`; it takes the report and yields
`Hit`s (where, message, page, quote). `validate(report)` runs them all, in registration order:
table arithmetic, structure, then prose.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps
from typing import TypeVar

from parser.model import Finding, Report, Severity


@dataclass(slots=True)
class Hit:
    where: str
    message: str
    page: int | None = None
    quote: str | None = None

    def finding(self, rule_id: str, severity: Severity) -> Finding:
        """The finding this hit of rule `rule_id` gives, its quote made short enough for a chat message."""
        return Finding(
            rule=rule_id,
            severity=severity,
            where=self.where,
            message=self.message,
            page=self.page,
            quote=short_quote(self.quote),
        )


RuleFunc = Callable[[Report], Iterable[Hit]]


@dataclass(slots=True)
class Rule:
    id: str
    severity: Severity
    check: RuleFunc


RULES: list[Rule] = []


def rule(rule_id: str, severity: Severity) -> Callable[[RuleFunc], RuleFunc]:
    def register(check: RuleFunc) -> RuleFunc:
        RULES.append(Rule(rule_id, severity, check))
        return check

    return register


# What several rules work out from the same report (table 3 as meant, the culprit cells, a row left
# unfilled) is worked out once per validate() call; outside one (a rule run alone, the YOY rules), anew.
_RUN_CACHE: ContextVar[dict | None] = ContextVar("validate_run_cache", default=None)
T = TypeVar("T")


def once_per_run(fn: Callable[[Report], T]) -> Callable[[Report], T]:
    """Cache `fn(report)` for the rest of the current validate() call. The result is shared: read it only."""

    @wraps(fn)
    def cached(report: Report) -> T:
        cache = _RUN_CACHE.get()
        if cache is None:
            return fn(report)
        key = (fn, id(report))
        if key not in cache:
            cache[key] = (report, fn(report))  # the report kept alive: its id is not reused meanwhile
        return cache[key][1]

    return cached


def short_quote(text: str | None, limit: int = 60) -> str | None:
    """A quote short enough for a chat message, whitespace collapsed."""
    if not text:
        return None
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def validate(report: Report) -> list[Finding]:
    """All findings for `report`. Fills `report.facts` first when the prose has not been read yet."""
    if not report.facts and report.paragraphs:
        from parser.facts import extract_facts

        report.facts = extract_facts(report)
    if report.ocr or report.doubtful:
        from parser.validate.doubts import resolve_doubts

        resolve_doubts(report)
    token = _RUN_CACHE.set({})
    try:
        return [hit.finding(r.id, r.severity) for r in RULES for hit in r.check(report)]
    finally:
        _RUN_CACHE.reset(token)


# Registration happens on import; the order here is the order of the findings.
from parser.validate import arithmetic, structure, prose  # noqa: E402, F401, I001
