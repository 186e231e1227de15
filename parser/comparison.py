"""Two years of one agency side by side: storage/compare.py builds it, parser/reply.py words it."""

from __future__ import annotations

from pydantic import BaseModel, Field

Number = int | float


class Change(BaseModel):
    absolute: Number | None = None
    percent: float | None = None  # relative to the first year; None when it is 0 or unknown


class ComparisonRow(BaseModel):
    key: str
    label: str
    values: list[Number | None]
    change: Change | None = None
    from_text: list[bool] = Field(default_factory=lambda: [False, False])

    def to_json(self) -> dict:
        return {
            "key": self.key,
            "label": self.label,
            "values": self.values,
            "change": self.change.model_dump() if self.change else None,
        }


class Comparison(BaseModel):
    agency: str
    agency_id: int
    years: list[int]
    rows: list[ComparisonRow]

    def to_json(self) -> dict:
        return {"agency": self.agency, "years": self.years, "rows": [r.to_json() for r in self.rows]}
