"""Agency names: the full name of the title and the short core a person would type."""

from __future__ import annotations

import re

# Administrative divisions, largest first; a name is a chain of them followed by the unit itself.
_DIVISION = re.compile(
    r"(.+?(?:特别行政区|自治区|自治州|自治县|自治旗|地区|新区|开发区|经济技术开发区|高新区|省|市|州|盟|区|县|旗|街道|镇|乡|苏木))"
)
_GOVERNMENT_SUFFIXES = ("人民政府", "政府")
_OFFICE_SUFFIXES = ("街道办事处", "办事处")


def split_divisions(name: str) -> tuple[list[str], str]:
    """「银川市兴庆区掌政镇人民政府」 → (["银川市", "兴庆区", "掌政镇"], "人民政府")."""
    parts: list[str] = []
    rest = name
    while True:
        m = _DIVISION.match(rest)
        if not m or len(m.group(1)) > 8:
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
