"""Agency names: the full name of the title and the short core a person would type."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

# Administrative divisions, largest first; a name is a chain of them followed by the unit itself.
_DIVISION = re.compile(
    r"(.+?(?:特别行政区|自治区|自治州|自治县|自治旗|地区|新区|开发区|经济技术开发区|高新区|省|市|州|盟|区|县|旗|街道|镇|乡|苏木))"
)
_GOVERNMENT_SUFFIXES = ("人民政府", "政府")
_OFFICE_SUFFIXES = ("街道办事处", "办事处")


# Words that hold a division character but name no place: 住房和城乡建设局, 乡村振兴局, 社区服务中心
NOT_PLACES = re.compile(r"城乡|乡村|乡镇企业|区域|社区|园区|景区|片区|小区|辖区|县域|镇域")


def _no_place_at_end(division: str, after: str) -> bool:
    """The division's last character belongs to a word like 城乡 or 社区, not to a place name."""
    window = division[-2:] + after[:2]
    last = len(division[-2:]) - 1
    return any(m.start() <= last < m.end() for m in NOT_PLACES.finditer(window))


def split_divisions(name: str) -> tuple[list[str], str]:
    """「银川市兴庆区掌政镇人民政府」 → (["银川市", "兴庆区", "掌政镇"], "人民政府")."""
    parts: list[str] = []
    rest = name
    while True:
        m = _DIVISION.match(rest)
        if m and _no_place_at_end(m.group(1), rest[m.end() :]):
            break  # 「住房和城乡」 is no 乡
        if not m or len(m.group(1)) > 12:  # 恩施土家族苗族自治州 is ten characters
            break
        parts.append(m.group(1))
        rest = rest[m.end() :]
        if rest.startswith(("人民政府", "街道办事处", "办事处")) or not rest:
            break
    return parts, rest


def short_name(agency: str | None) -> str | None:
    """The core unit: 掌政镇, 兴仁镇, 淮安市, 西夏区人民政府办公室, 西夏区教育局, 文化街道."""
    if not agency:
        return None
    name = re.sub(r"\s+", "", agency)
    parts, rest = split_divisions(name)
    if not parts:
        return name
    last = parts[-1]
    if rest in _GOVERNMENT_SUFFIXES or rest == "":
        return last
    if rest in _OFFICE_SUFFIXES:
        return last if last.endswith("街道") else last + rest
    # A department or office: keep the division it belongs to
    return last + rest


# ---- kinds of agency and their legal deadlines (条例 art. 49, 国办公开办函〔2021〕30号) ----

KINDS: tuple[str, ...] = ("部门", "乡镇", "街道", "县级政府", "市级政府", "省级政府")
KIND_TITLES = {
    "部门": "县级以上人民政府部门",
    "乡镇": "乡镇人民政府",
    "街道": "街道办事处",
    "县级政府": "县级人民政府",
    "市级政府": "设区的市级人民政府",
    "省级政府": "省级人民政府",
}
# (month, day) in the year after the report year
LEGAL_DUE: dict[str, tuple[int, int]] = {
    "部门": (1, 31),
    "乡镇": (1, 31),
    "街道": (1, 31),
    "县级政府": (2, 20),
    "市级政府": (3, 10),
    "省级政府": (3, 31),
}
_MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")  # 直辖市: city governments of province level
_DEPARTMENT_ENDINGS = (
    "局",
    "委员会",
    "委",
    "厅",
    "办",
    "中心",
    "署",
    "院",
    "所",
    "馆",
    "站",
    "队",
    "处",
    "部",
    "室",
)


def agency_kind(agency: str | None) -> str | None:
    """The kind of agency its name shows, or None when the name does not tell.

    A …市人民政府 alone may be prefecture-level or a county-level city: it is taken as 市级政府 (the later
    deadline); a city inside a city or prefecture (银川市灵武市) is county-level.
    """
    if not agency:
        return None
    name = "".join(ch for ch in unicodedata.normalize("NFKC", agency) if ch.isalnum())
    if name.endswith(("办公室", "办公厅")):
        return "部门"
    if name.endswith(("街道办事处", "街道办", "街道")) or (name.endswith("办事处") and "街道" in name):
        return "街道"
    if re.search(r"(?:镇|乡|苏木)(?:人民)?(?:政府)?$", name):
        return "乡镇"
    government = re.match(r"(.+?)(人民政府|政府|行政公署)$", name)
    if government:
        place = government.group(1)
        parts, rest = split_divisions(place)
        core = parts[-1] if parts and not rest else place
        if core.endswith(("省", "自治区")) or core in _MUNICIPALITIES or place in _MUNICIPALITIES:
            return "省级政府"
        if government.group(2) == "行政公署" or core.endswith(("自治州", "州", "盟", "地区")):
            return "市级政府"
        if core.endswith(("县", "区", "旗", "林区", "特区")):
            return "县级政府"
        if core.endswith("市"):
            higher = "".join(parts[:-1]) if parts and not rest else place[: -len(core)]
            return "县级政府" if re.search(r"(市|州|盟|地区)$", higher) else "市级政府"
        return None
    if name.endswith(_DEPARTMENT_ENDINGS):
        return "部门"
    return None


def legal_deadline(kind: str, report_year: int) -> date:
    month, day = LEGAL_DUE[kind]
    return date(report_year + 1, month, day)
