"""The SQLite store of checked reports: agencies, versions, year-over-year checks, comparisons.

Use `Store.open(path)` once per process; see storage/store.py.
"""

from storage.compare import Comparison, ComparisonRow
from storage.db import default_db_path
from storage.store import AgencyInfo, AliasResult, ExportTable, ReportEntry, SaveResult, Store, StoreError

__all__ = [
    "AgencyInfo",
    "AliasResult",
    "Comparison",
    "ComparisonRow",
    "ExportTable",
    "ReportEntry",
    "SaveResult",
    "Store",
    "StoreError",
    "default_db_path",
]
