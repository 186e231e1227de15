"""Agency names: one agency across its name variants, kept apart from namesakes elsewhere.

银川市兴庆区掌政镇人民政府, 兴庆区掌政镇 and 掌政镇 are one agency: the township government's
suffix is dropped and a shorter name matches a longer one when it is its tail and the cut falls
after a place unit (…市 | 兴庆区掌政镇). Two 城关镇 of different counties stay apart because
neither longer name is the tail of the other.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from parser.agency import NOT_PLACES
from parser.meta import strip_pictures

# Characters that end a place unit (省, 自治区, 市, 州, 盟, 地区, 区, 县, 旗, 乡, 镇, 街道).
PLACE_END = set("省市州盟区县旗乡镇道")
# A name is "placed" when it holds a unit below the city level, so matching its tail is safe:
# 市场监督管理局 alone must not swallow 银川市市场监督管理局.
_PLACED = re.compile(r"(区|县|旗|镇|乡|街道|苏木)")

_REWRITES = [
    (re.compile(r"(镇|乡|苏木)(人民)?政府$"), r"\1"),
    (re.compile(r"街道办事处$"), "街道"),
    (re.compile(r"街道办$"), "街道"),
    (re.compile(r"(区|县|市|旗)政府$"), r"\1人民政府"),
    (re.compile(r"(区|县|市|旗)政府办公室$"), r"\1人民政府办公室"),
    (re.compile(r"(区|县|市|旗)政府办$"), r"\1人民政府办公室"),
]


@lru_cache(maxsize=4096)  # an import compares every new name with the known ones, again and again
def normalise(name: str) -> str:
    """The comparable form of an agency name: width folded, no spaces or punctuation, suffix unified."""
    s = strip_pictures(unicodedata.normalize("NFKC", name or ""))  # 「[图片]某某局」 is 某某局
    s = "".join(ch for ch in s if ch.isalnum())
    for pattern, repl in _REWRITES:
        s = pattern.sub(repl, s)
    return s


def is_placed(norm: str) -> bool:
    """Holds a unit below the city level (住房和城乡建设局 holds none: 城乡 is no 乡)."""
    return bool(_PLACED.search(NOT_PLACES.sub("", norm)))


def tail_match(longer: str, shorter: str) -> bool:
    """`shorter` is `longer` itself or its tail cut right after a place unit."""
    if not shorter or not longer.endswith(shorter):
        return False
    head = longer[: len(longer) - len(shorter)]
    return not head or head[-1] in PLACE_END


def compatible(a: str, b: str) -> bool:
    """Two normalised names can denote one agency: one is the other's tail at a unit boundary."""
    return tail_match(a, b) or tail_match(b, a)


def same_agency(new: str, known: list[str]) -> bool:
    """Whether a report named `new` belongs to an agency known under the full names `known`.

    Every known full name must be compatible (so a bare 城关镇 once merged with A县城关镇 does not
    also take B县城关镇), and the shorter side must be placed enough to be safe.
    """
    if not known:
        return False
    for k in known:
        if not compatible(new, k):
            return False
        if new != k and not is_placed(min(new, k, key=len)):
            return False
    return True
