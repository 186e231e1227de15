"""Report tables ⇄ cell rows (`path`, `value`): the dotted paths of report-model.md.

A present table keeps every row and column as a cell (NULL for a blank), an absent table or row
(e.g. `applications.other` in a report that prints the three sub-rows) has no cells at all, so the
Report comes back exactly as it went in.
"""

from __future__ import annotations

from typing import Any

from parser.model import (
    APPLICANT_COLUMNS,
    APPLICATION_ROWS,
    LITIGATION_GROUPS,
    OUTCOME_COLUMNS,
    Active2019,
    Active2021,
    Applications,
    Report,
    ReviewLitigation,
)

TABLES = ("active", "applications", "review_litigation")


def active_layout(report: Report) -> str | None:
    if isinstance(report.active, Active2021):
        return "2021"
    if isinstance(report.active, Active2019):
        return "2019"
    return None


def flatten(report: Report) -> list[tuple[str, float | None]]:
    out: list[tuple[str, float | None]] = []
    if report.active is not None:
        for item in type(report.active).model_fields:
            row = getattr(report.active, item)
            for col in type(row).model_fields:
                out.append((f"active.{item}.{col}", getattr(row, col)))
    if report.applications is not None:
        for key, row in report.applications.rows().items():
            for col in APPLICANT_COLUMNS:
                out.append((f"applications.{key}.{col}", getattr(row, col)))
    if report.review_litigation is not None:
        for group in LITIGATION_GROUPS:
            row = getattr(report.review_litigation, group)
            for col in OUTCOME_COLUMNS:
                out.append((f"review_litigation.{group}.{col}", getattr(row, col)))
    return out


def unflatten(cells: list[tuple[str, float | None]], layout: str | None) -> dict[str, Any]:
    """The three table fields of a Report from its cells (tables with no cell are None)."""
    nested: dict[str, dict[str, dict[str, float | None]]] = {}
    for path, value in cells:
        table, row, col = path.split(".", 2)
        nested.setdefault(table, {}).setdefault(row, {})[col] = _number(value)
    out: dict[str, Any] = {t: None for t in TABLES}
    if "active" in nested:
        cls = Active2019 if layout == "2019" else Active2021
        out["active"] = cls.model_validate(nested["active"])
    if "applications" in nested:
        # Optional rows (the （六） variants) without cells stay None, as the model defaults them.
        out["applications"] = Applications.model_validate(nested["applications"])
    if "review_litigation" in nested:
        out["review_litigation"] = ReviewLitigation.model_validate(nested["review_litigation"])
    return out


def _number(value: float | None) -> int | float | None:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def all_paths() -> list[str]:
    """Every cell path either template can have, in table order (the export's columns)."""
    paths: list[str] = []
    seen: set[str] = set()
    for cls in (Active2021, Active2019):
        for item, field in cls.model_fields.items():
            for col in field.annotation.model_fields:
                p = f"active.{item}.{col}"
                if p not in seen:
                    seen.add(p)
                    paths.append(p)
    for row in APPLICATION_ROWS:
        paths.extend(f"applications.{row}.{col}" for col in APPLICANT_COLUMNS)
    for group in LITIGATION_GROUPS:
        paths.extend(f"review_litigation.{group}.{col}" for col in OUTCOME_COLUMNS)
    return paths
