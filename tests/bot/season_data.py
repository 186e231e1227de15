"""Test data for the season: a county's roster of 20 agencies, their reports built by tests/docgen, and ZIP
archives written the way Chinese Windows writes them (GBK names without the UTF-8 flag)."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, replace
from datetime import date

from docgen import ReportSpec, build_docx, build_txt, make_spec

YEAR = 2024

# (name on the roster, kind, name the report prints) — a few rosters list the short name only
ROSTER: list[tuple[str, str, str]] = [
    ("永宁县人民政府办公室", "部门", "永宁县人民政府办公室"),
    ("永宁县教育局", "部门", "永宁县教育局"),
    ("永宁县财政局", "部门", "永宁县财政局"),
    ("永宁县公安局", "部门", "永宁县公安局"),
    ("永宁县民政局", "部门", "永宁县民政局"),
    ("永宁县自然资源局", "部门", "永宁县自然资源局"),
    ("永宁县住房和城乡建设局", "部门", "永宁县住房和城乡建设局"),
    ("永宁县交通运输局", "部门", "永宁县交通运输局"),
    ("永宁县农业农村局", "部门", "永宁县农业农村局"),
    ("永宁县卫生健康局", "部门", "永宁县卫生健康局"),
    ("永宁县市场监督管理局", "部门", "永宁县市场监督管理局"),
    ("杨和镇", "乡镇", "永宁县杨和镇人民政府"),
    ("李俊镇", "乡镇", "永宁县李俊镇人民政府"),
    ("永宁县望远镇人民政府", "乡镇", "永宁县望远镇人民政府"),
    ("永宁县望洪镇人民政府", "乡镇", "永宁县望洪镇人民政府"),
    ("永宁县闽宁镇人民政府", "乡镇", "永宁县闽宁镇人民政府"),
    ("永宁县胜利乡人民政府", "乡镇", "永宁县胜利乡人民政府"),
    ("永宁县城关街道办事处", "街道", "永宁县城关街道办事处"),
    ("永宁县团结路街道办事处", "街道", "永宁县团结路街道办事处"),
    ("永宁县人民政府", "县级政府", "永宁县人民政府"),
]
OUTSIDE = "永宁县林业和草原局"  # reports, but is on no roster


@dataclass(frozen=True)
class County:
    """Who reports what: the rest of the roster is missing."""

    clean: tuple[str, ...]  # on time, arithmetic sound
    late: tuple[str, ...]  # signed after the deadline
    faulty: tuple[str, ...]  # table 3 does not add up
    undated: tuple[str, ...]  # no signature date
    old_template: tuple[str, ...]  # printed in the 2019 layout


COUNTY = County(
    clean=(
        "永宁县人民政府办公室",
        "永宁县教育局",
        "永宁县公安局",
        "永宁县自然资源局",
        "永宁县交通运输局",
        "永宁县杨和镇人民政府",
        "永宁县望远镇人民政府",
        "永宁县城关街道办事处",
    ),
    late=("永宁县民政局", "永宁县李俊镇人民政府"),
    faulty=("永宁县财政局", "永宁县闽宁镇人民政府"),
    undated=("永宁县卫生健康局",),
    old_template=("永宁县农业农村局",),
)
MISSING = [
    "永宁县住房和城乡建设局",
    "永宁县市场监督管理局",
    "永宁县望洪镇人民政府",
    "永宁县胜利乡人民政府",
    "永宁县团结路街道办事处",
    "永宁县人民政府",
]


def spec_for(
    agency: str,
    seed: int,
    *,
    template: str = "2021",
    published: date | bool | None = True,
    faulty: bool = False,
    year: int = YEAR,
) -> ReportSpec:
    base = make_spec(
        f"county-{seed}",
        seed,
        template,
        "永宁县人民政府",
        year=year,
        scale="small",
        published=date(year + 1, 1, 10 + seed % 15) if published is True else published,
    )
    spec = replace(base, agency=agency, agency_short=agency)
    if faulty:  # （七）总计 one more than its parts: ARITH errors, never a warning only
        apps = spec.applications.model_copy(deep=True)
        apps.total_processed.total = (apps.total_processed.total or 0) + 1
        spec = replace(spec, applications=apps)
    return spec


def county_specs() -> list[ReportSpec]:
    """The reports the county's agencies sent for YEAR, and one from an agency on no roster."""
    c = COUNTY
    out = []
    for n, agency in enumerate([*c.clean, *c.late, *c.faulty, *c.undated, *c.old_template, OUTSIDE], start=1):
        published = date(YEAR + 1, 2, 10) if agency in c.late else (None if agency in c.undated else True)
        out.append(
            spec_for(
                agency,
                n,
                template="2019" if agency in c.old_template else "2021",
                published=published,
                faulty=agency in c.faulty,
            )
        )
    return out


def as_txt(spec: ReportSpec) -> bytes:
    return build_txt(spec)


def as_docx(spec: ReportSpec) -> bytes:
    return build_docx(spec)


# ---------------------------------------------------------------- ZIP as Windows writes it


def windows_zip(entries: list[tuple[str, bytes]], *, utf8: tuple[str, ...] = ()) -> bytes:
    """A ZIP whose names are GBK bytes without the UTF-8 flag (Explorer's 「压缩(zipped)文件夹」, WinRAR,
    360压缩 on Chinese Windows); names in `utf8` are written as Python writes them (UTF-8, flagged).

    zipfile only writes ASCII or flagged UTF-8, so each GBK name is written as an ASCII stand-in of the
    same length and the bytes are swapped in afterwards (names are not covered by any checksum)."""
    buf = io.BytesIO()
    swaps: list[tuple[bytes, bytes]] = []
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, (name, data) in enumerate(entries):
            if name in utf8 or name.isascii():
                zf.writestr(name, data)
                continue
            raw = name.encode("gbk")
            stand_in = f"~{n}~".encode().ljust(len(raw), b"_")
            assert len(stand_in) == len(raw), name
            swaps.append((stand_in, raw))
            zf.writestr(stand_in.decode(), data)
    out = buf.getvalue()
    for stand_in, raw in swaps:
        assert out.count(stand_in) == 2  # the local header and the central directory
        out = out.replace(stand_in, raw)
    return out
