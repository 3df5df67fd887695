"""Agency noun phrases: where they end, how lists split, which titles to drop.

DESIGN.md wants one assignee per agency as the text names it ("các Sở: Tư
pháp, Tài chính" -> "Sở Tư pháp", "Sở Tài chính") while a group phrase ("các
sở, ban, ngành") stays one entry, and people's titles are dropped ("Chánh
Thanh tra huyện" -> "Thanh tra huyện") because tasks go to agencies.
"""

from __future__ import annotations

import re

# Capitalised words that begin an agency's name. Case matters: "Ban Quản lý"
# is an agency, "sở, ban, ngành" is the lower-case group phrase.
HEAD = (
    r"(?:UBND|HĐND|MTTQ|Ủy\s+ban|Hội\s+đồng|Sở|Phòng|Ban(?!\s+hành)|Văn\s+phòng|Công\s+an|Bộ\s+Chỉ\s+huy|"
    r"Bộ(?!\s+(?:phận|chỉ\s+số|tiêu\s+chí|hồ\s+sơ|máy))|Thanh\s+tra|Cục|Chi\s+cục|Trung\s+tâm|Đài|Báo(?!\s+cáo)|Kho\s+bạc|Bảo\s+hiểm|Ngân\s+hàng|"
    r"Liên\s+đoàn|Liên\s+minh|Hội(?!\s+nghị)|Đoàn|Tỉnh\s+đoàn|Trường(?!\s+hợp)|Bệnh\s+viện|Viện|Tòa\s+án|"
    r"Tổng\s+cục|Chính\s+phủ|Thủ\s+tướng|Tỉnh\s+ủy|Huyện\s+ủy|Thành\s+ủy|Đảng\s+ủy|Quỹ|"
    r"Đội(?!\s+ngũ)|Hạt|Thường\s+trực|Cảng\s+vụ|Cơ\s+quan)(?![\w])"
)
TITLE = (
    r"(?:Thủ\s+trưởng|Phó\s+Chủ\s+tịch|Chủ\s+tịch|Phó\s+Giám\s+đốc|Tổng\s+Giám\s+đốc|"
    r"Giám\s+đốc|Chánh|Người\s+đứng\s+đầu|Chỉ\s+huy\s+trưởng|Cục\s+trưởng|"
    r"Chi\s+cục\s+trưởng|Hiệu\s+trưởng|Trưởng|Bí\s+thư)(?![\w])"
)
GROUP = r"(?:[Cc]ác|[Nn]hững)\s+"
# What may start one more agency in a list: a title, a head or a group phrase.
_NEXT_PARTY = rf"(?:{TITLE}|{HEAD}|{GROUP}|(?<=\svà\s)cơ\s+quan)"
_SPLIT = re.compile(rf"(?:\s*[,;]\s*|\s+và\s+)(?={_NEXT_PARTY})")
_TITLE_PREFIX = re.compile(
    rf"^(?i:{TITLE})\s+(?=(?:{HEAD}|{GROUP}|phòng\s|ban\s|ủy\s+ban\s|[A-ZĐ]))"
)
_STARTS_PARTY = re.compile(rf"^(?:(?i:{TITLE})\s+)?(?:{HEAD}|{GROUP}|cơ\s+quan\s|đơn\s+vị\s)")

# Compound names whose inner ", " or " và " must not split the list.
_COMPOUNDS = (
    "Văn phòng Đoàn ĐBQH, HĐND và UBND",
    "Đoàn ĐBQH, HĐND và UBND",
    "Đoàn ĐBQH và HĐND",
    "HĐND và UBND",
    "Hội đồng nhân dân và Ủy ban nhân dân",
    "Văn hóa, Thể thao và Du lịch",
    "Văn hóa, Khoa học và Thông tin",
    "Kinh tế, Hạ tầng và Đô thị",
    "Văn hóa và Thông tin",
    "Giáo dục và Đào tạo",
    "Kinh tế và Hạ tầng",
    "Tài nguyên và Môi trường",
    "Khoa học và Công nghệ",
    "Kế hoạch và Đầu tư",
    "Nông nghiệp và Phát triển nông thôn",
    "Nông nghiệp và Môi trường",
    "Thông tin và Truyền thông",
    "Lao động - Thương binh và Xã hội",
    "Dân tộc và Tôn giáo",
    "Tư pháp và Hộ tịch",
)
_COMPOUND_RE = re.compile("|".join(re.escape(c) for c in _COMPOUNDS), re.IGNORECASE)
_COMMA, _AND = "\x00", "\x01"

_LIST_HEADS = (
    r"sở|phòng|ban|cục|chi\s+cục|trung\s+tâm|đơn\s+vị|cơ\s+quan|"
    r"huyện|xã|phường|thị\s+xã|thành\s+phố|quận|thị\s+trấn|đặc\s+khu"
)
_EXPANSION = re.compile(
    rf"^(?P<pre>(?:UBND|Ủy\s+ban\s+nhân\s+dân)\s+)?{GROUP}(?P<head>{_LIST_HEADS})\s*:\s*(?P<names>.+)$",
    re.IGNORECASE,
)
_UNITS = ("huyện", "xã", "phường", "thị xã", "thành phố", "quận", "thị trấn", "đặc khu")
_APPOSITION = re.compile(r"\s+-\s+(?:[Cc]ơ\s+quan|[Tt]hường\s+trực|[Đđ]ơn\s+vị|là)\b.*$")


def protect(text: str) -> str:
    """Hide the separators inside known compound names."""
    return _COMPOUND_RE.sub(lambda m: m.group(0).replace(",", _COMMA).replace(" và ", _AND), text)


def unprotect(text: str) -> str:
    return text.replace(_COMMA, ",").replace(_AND, " và ")


def starts_with_party(text: str) -> bool:
    """Does `text` begin with an agency, a title or a group phrase?"""
    return bool(_STARTS_PARTY.match(text.strip()))


def split_parties(phrase: str) -> list[str]:
    """ "Các cơ quan, đơn vị và UBND các huyện" -> two parties; group phrases stay whole."""
    protected = protect(phrase)
    parts = _SPLIT.split(protected)
    return [unprotect(part).strip(" ,;.") for part in parts if part.strip(" ,;.")]


def strip_title(party: str) -> str:
    """ "Chánh Thanh tra huyện" -> "Thanh tra huyện"; groups keep their lower-case "các"."""
    original = party.strip()
    stripped = _APPOSITION.sub("", _TITLE_PREFIX.sub("", original, count=1))
    titled = not original.startswith(stripped)
    if titled and stripped[:1].islower() and not re.match(GROUP, stripped):
        stripped = stripped[0].upper() + stripped[1:]
    return stripped.strip(" ,;.")


def expand_list(party: str) -> list[str]:
    """ "các Sở: Tư pháp, Tài chính" -> ["Sở Tư pháp", "Sở Tài chính"]."""
    match = _EXPANSION.match(party.strip())
    if not match:
        return [party]
    head = re.sub(r"\s+", " ", match.group("head")).lower()
    names = split_names(match.group("names"))
    if match.group("pre"):
        prefix = re.sub(r"\s+", " ", match.group("pre")).strip()
        unit = head if head in _UNITS else ""
        return [" ".join(p for p in (prefix, unit, name) if p) for name in names]
    if head in ("đơn vị", "cơ quan"):
        return names
    return [f"{head[0].upper()}{head[1:]} {name}" for name in names]


def split_names(names: str) -> list[str]:
    """ "Nội vụ, Văn hoá và Thông tin, Y tế và Tư pháp" -> names; compounds stay whole."""
    pieces: list[str] = []
    for piece in re.split(r"\s*[,;]\s*", protect(names)):
        pieces.extend(part for part in re.split(r"\s+và\s+", piece) if part)
    return [unprotect(piece).strip(" .;,") for piece in pieces if piece.strip(" .;,")]


def parties(phrase: str) -> list[str]:
    """Assignees named by `phrase`: split, titles dropped, lists expanded."""
    result: list[str] = []
    for party in split_parties(phrase):
        for name in expand_list(strip_title(party)):
            if name and name not in result:
                result.append(name)
    return result


_KEEP_UPPER = {"UBND", "HĐND", "MTTQ", "CCHC", "ĐBQH", "KT-XH", "KTXH", "CNTT", "TP.", "VP"}
_NAME_EXCEPTIONS = {"công thương": "Công Thương", "ủy ban nhân dân": "Ủy ban nhân dân"}
# Head nouns in their written case, longest first.
ORG_HEADS = {
    "BAN QUẢN LÝ": "Ban Quản lý",
    "BAN CHỈ ĐẠO": "Ban Chỉ đạo",
    "BỘ CHỈ HUY": "Bộ Chỉ huy",
    "VĂN PHÒNG": "Văn phòng",
    "CHI CỤC": "Chi cục",
    "TRUNG TÂM": "Trung tâm",
    "CÔNG AN": "Công an",
    "THANH TRA": "Thanh tra",
    "SỞ": "Sở",
    "PHÒNG": "Phòng",
    "BAN": "Ban",
    "CỤC": "Cục",
    "BỘ": "Bộ",
}
_AFTER_HEAD_LOWER = {"các", "tỉnh", "huyện", "xã", "thành", "phường", "quận", "thị", "đặc"}


def title_case_agency(upper: str) -> str:
    """ "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG" -> "Sở Tài nguyên và Môi trường".

    Vietnamese writes the head noun in its own case ("Sở", "Ban Quản lý") and
    capitalises the first word of each name element (after the head, "và",
    ",", " - "); unit words ("tỉnh", "huyện") and acronyms keep their case.
    """
    words = upper.split()
    head = next((h for h in ORG_HEADS if upper == h or upper.startswith(h + " ")), None)
    out = ORG_HEADS[head].split() if head else []
    capitalise_next = True
    for index, word in enumerate(words[len(out) :]):
        lower = word.lower()
        unit_word = index == 0 and lower.strip(",") in _AFTER_HEAD_LOWER
        if word in _KEEP_UPPER:
            out.append(word)
        elif capitalise_next and not unit_word:
            out.append(word.capitalize())
        else:
            out.append(lower)
        capitalise_next = lower in ("và", "-") or word.endswith(",")
    text = " ".join(out)
    for lower_name, proper in _NAME_EXCEPTIONS.items():
        text = re.sub(re.escape(lower_name), proper, text, flags=re.IGNORECASE)
    return text


def title_case_place(upper: str) -> str:
    """ "BÌNH ĐỊNH" -> "Bình Định"; each word of a place name is capitalised."""
    return " ".join(w if w == "-" else w.capitalize() for w in upper.split())
