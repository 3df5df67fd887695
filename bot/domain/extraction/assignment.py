"""Who is given a task in a sentence, in which role, with whom.

Three forms cover the directives we have seen:
- "Giao X chủ trì, phối hợp với Y ..." (also "Yêu cầu X ...", "Đề nghị X ...");
- subject first: "X chủ trì ...", "X chịu trách nhiệm ...", "Các cơ quan, đơn
  vị và UBND các huyện tổ chức ..." (the agency phrase ends at the first verb);
- a role with no agency ("Chủ trì, phối hợp với ...") in a sub-item, whose
  agency comes from the item that introduces it.
"X chịu trách nhiệm trước ..." is accountability, not a task, and a subject
followed by "đã/đang" is narrative.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.domain.extraction.agencies import parties, starts_with_party
from bot.domain.extraction.dates import DATE_PATTERN
from bot.domain.extraction.model import Role

_ROLE_WORDS = r"chủ\s+trì|phối\s+hợp|chịu\s+trách\s+nhiệm|có\s+trách\s+nhiệm"
_VERBS = (
    r"thực\s+hiện|triển\s+khai|tham\s+mưu|hướng\s+dẫn|theo\s+dõi|đôn\s+đốc|kiểm\s+tra|"
    r"tổng\s+hợp|báo\s+cáo|rà\s+soát|xây\s+dựng|tổ\s+chức|chỉ\s+đạo|nghiên\s+cứu|đề\s+xuất|"
    r"chuẩn\s+bị|ban\s+hành|cập\s+nhật|công\s+khai|tuyên\s+truyền|quán\s+triệt|phân\s+tích|"
    r"đánh\s+giá|thẩm\s+định|trình|gửi|cung\s+cấp|bố\s+trí|khẩn\s+trương|chủ\s+động|"
    r"tiếp\s+tục|tập\s+trung|căn\s+cứ|phổ\s+biến|lập|tăng\s+cường|nâng\s+cao|thống\s+kê|"
    r"hoàn\s+thành|hoàn\s+thiện|xử\s+lý|giải\s+quyết|khắc\s+phục|thường\s+xuyên|kịp\s+thời|"
    r"nghiêm\s+túc|quan\s+tâm|đẩy\s+mạnh|duy\s+trì|sửa\s+đổi|bổ\sung|cử|theo|trong\s+phạm\s+vi|"
    r"để|nhằm|đã|đang|vừa|sớm|phân\s+công|tiến\s+hành|kiện\s+toàn|rà|vận\s+hành|"
    r"thực\s+thi|chấn\s+chỉnh|kiểm\s+soát|quản\s+lý|thu\s+thập|tiếp\s+nhận|số\s+hóa|"
    r"ứng\s+dụng|điều\s+chỉnh|chuyển|lựa\s+chọn|dự\s+thảo|soạn\s+thảo|giám\s+sát|"
    r"phê\s+duyệt|công\s+bố|quy\s+định|thông\s+báo|giao|tiếp\s+thu|hoàn\s+chỉnh|góp\s+ý|"
    r"cân\s+đối|bảo\s+đảm|đảm\s+bảo|hỗ\s+trợ|sắp\s+xếp|chuẩn\s+hóa|đăng\s+ký|nộp|"
    r"niêm\s+yết|kiểm\s+kê|sửa\s+chữa|diễn\s+tập|làm\s+rõ|xác\s+minh|tổng\s+kết|sơ\s+kết|"
    r"phát\s+động|vận\s+động|huy\s+động|kết\s+nối|đồng\s+bộ|tích\s+hợp|lưu\s+trữ|"
    r"bàn\s+giao|phấn\s+đấu|ưu\s+tiên|đề\s+nghị|yêu\s+cầu|có\s+ý\s+kiến|về|tại|"
    r"mời|dự|tham\s+gia|tham\s+dự|bổ\s+sung|thay\s+thế|rút|tạm\s+dừng|dừng|chấm\s+dứt"
)
_ROLE_STOP = re.compile(rf",?\s+(?={_ROLE_WORDS}(?!\w))")
_VERB_STOP = re.compile(rf"(?<!,)\s+(?=(?:{_VERBS})(?!\w))")
_HARD_STOP = re.compile(r"\s*[;.(]|\s*:")
_PARTY_AFTER_SEMICOLON = re.compile(r";\s*(?=(?:UBND|Ủy\s+ban|Sở|Phòng|Ban|Công\s+an|[Cc]ác\s))")
_LIST_COLON = re.compile(
    r"(?:UBND|Ủy\s+ban\s+nhân\s+dân)?\s*[Cc]ác\s+(?:sở|phòng|ban|cục|chi\s+cục|trung\s+tâm|đơn\s+vị|"
    r"cơ\s+quan|huyện|xã|phường|thị\s+xã|thành\s+phố|quận|thị\s+trấn|đặc\s+khu)\s*$",
    re.IGNORECASE,
)
_MARKER = re.compile(r"(?:^|(?<=\s))(?:[Gg]iao|[Yy]êu\s+cầu|[Đđ]ề\s+nghị)\s+(?:cho\s+)?")
_ISSUER_PREFIX = re.compile(
    r"^(?:Ủy\s+ban|UBND|Chủ\s+tịch|Giám\s+đốc|Ban\s+Chỉ\s+đạo|Thường\s+trực|Trưởng\s+ban)"
    r"[^.;:]{0,60}$"
)
_ROLE_FIRST = re.compile(r"^(?P<role>[Cc]hủ\s+trì|[Pp]hối\s+hợp)\b\s*,?\s*")
_ACCOUNTABLE = re.compile(
    r"^(?:chịu|có)\s+trách\s+nhiệm\s+(?:trước|về\s+kết\s+quả|thi\s+hành)", re.IGNORECASE
)
_NARRATIVE = re.compile(r"^(?:đã|đang|vừa|được|là|gồm|có(?!\s+trách\s+nhiệm))\s", re.IGNORECASE)
_ANAPHORA = re.compile(
    r"nêu\s+trên|nêu\s+tại|có\s+tên\s+tại|tại\s+phần\s+Kính\s+gửi|được\s+gửi\s+văn\s+bản",
    re.IGNORECASE,
)
_QUALIFIER = re.compile(r"^,?\s*chủ\s+trì\s*,\s*phụ\s+trách\b", re.IGNORECASE)
_CITED_DATE = re.compile(rf"\s+ngày\s+(?:{DATE_PATTERN}).*$", re.IGNORECASE)
_UNIT = r"(?:huyện|thị\s+xã|thành\s+phố|quận|xã|phường|thị\s+trấn|đặc\s+khu)"
_UNIT_GROUP = re.compile(
    rf"(?:(?:Chủ\s+tịch|Thủ\s+trưởng)\s+)?(?:UBND|Ủy\s+ban\s+nhân\s+dân)\s+các\s+{_UNIT}"
    rf"(?:\s*,\s*{_UNIT})*(?:\s+(?:liên\s+quan|trên\s+địa\s+bàn\s+(?:tỉnh|huyện|thành\s+phố)|"
    r"thuộc\s+(?:tỉnh|huyện|thành\s+phố)|miền\s+núi|ven\s+biển|biên\s+giới))?"
)
_SCOPE = re.compile(
    r",?\s*(?:theo|trong\s+phạm\s+vi|căn\s+cứ)\s[^;:.]{0,160}?"
    r"(?=,?\s+(?:(?:chịu|có)\s+trách\s+nhiệm|chủ\s+trì|phối\s+hợp)(?!\w))",
    re.IGNORECASE,
)
_SUPPORT = re.compile(r"^,?\s*phối\s+hợp(?:\s+chặt\s+chẽ)?(?:\s+với)?\s+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Assignment:
    parties: tuple[str, ...] = ()
    role: Role | None = None  # None: not stated here
    supporting: tuple[str, ...] = ()
    action_start: int = 0  # where the action words begin in the text
    anaphoric: bool = False  # "các cơ quan nêu trên": the recipients
    explicit: bool = False  # "Giao", "Yêu cầu" or a role word: a task for sure
    lead_in: bool = False  # "Giao X chủ trì:" followed by sub-items


@lru_cache(maxsize=512)
def parse_assignment(text: str) -> Assignment | None:
    """The assignment at the start of `text`, or None when it gives no task."""
    role_first = _ROLE_FIRST.match(text)
    if role_first:
        first_role = _role(role_first.group("role"))
        position = role_first.end() if first_role is Role.LEAD else 0
        return _with_support(text, position, (), first_role, explicit=True, anaphoric=False)
    start, explicit = _party_start(text)
    if start is None:
        return None
    end = _unit_group_end(text, start, _phrase_end(text, start))
    phrase = text[start:end].strip(" ,")
    rest = text[end:]
    if not phrase or _NARRATIVE.match(rest.lstrip(" ,")) or _ACCOUNTABLE.match(rest.lstrip(" ,")):
        return None
    if _QUALIFIER.match(rest):
        return _qualified_group(text, start)
    names = tuple(parties(phrase))
    if not names:
        return None
    role, position = _role_after(text, _skip_scope(text, end))
    explicit = explicit or role is not None or bool(re.match(r",?\s*(?:chịu|có)\s+trách", rest))
    return _with_support(
        text, position, names, role, explicit=explicit, anaphoric=bool(_ANAPHORA.search(phrase))
    )


def _party_start(text: str) -> tuple[int | None, bool]:
    """Where the agency phrase begins, and whether a "Giao/Yêu cầu" introduced it."""
    for match in _MARKER.finditer(text[:400]):
        prefix = text[: match.start()].strip(" ,")
        if _speaker(prefix) and starts_with_party(text[match.end() :]):
            return match.end(), True
    if starts_with_party(text):
        return 0, False
    return None, False


def _speaker(prefix: str) -> bool:
    """Who gives the order before "giao/yêu cầu/đề nghị": nothing, the issuer, or a
    preamble clause ending in an agency ("Thực hiện Kế hoạch ..., Phòng Nội vụ")."""
    if not prefix or _ISSUER_PREFIX.match(prefix):
        return True
    last = prefix.rsplit(",", 1)[-1].strip()
    return "," in prefix and len(last.split()) <= 8 and starts_with_party(last)


def _phrase_end(text: str, start: int) -> int:
    """The end of the agency phrase: a role word, a verb, or punctuation."""
    ends = [len(text)]
    for pattern in (_ROLE_STOP, _VERB_STOP):
        match = pattern.search(text, start)
        if match:
            ends.append(match.start())
    for match in _HARD_STOP.finditer(text, start):
        if match.group(0).strip() == ":" and _LIST_COLON.search(text[start : match.start()]):
            continue
        if _PARTY_AFTER_SEMICOLON.match(text, match.start() + len(match.group(0)) - 1):
            continue
        ends.append(match.start())
        break
    return min(ends)


def _unit_group_end(text: str, start: int, end: int) -> int:
    """ "UBND các xã, thị trấn treo băng rôn": the group ends after its unit list,
    whatever verb follows (the verb list cannot hold every verb)."""
    match = _UNIT_GROUP.match(text, start)
    if match and match.end() < end and re.match(r"\s+(?!và\s)[a-zđà-ỹ]", text[match.end() :]):
        return match.end()
    return end


def _skip_scope(text: str, position: int) -> int:
    """Skip "theo phạm vi quản lý và chức năng, nhiệm vụ được giao" before the role."""
    match = _SCOPE.match(text, position)
    return match.end() if match else position


def _role(word: str) -> Role:
    return Role.LEAD if word.lower().startswith("chủ") else Role.SUPPORT


def _role_after(text: str, position: int) -> tuple[Role | None, int]:
    match = re.match(r",?\s*(chủ\s+trì|phối\s+hợp)(?!\w)\s*,?\s*", text[position:], re.IGNORECASE)
    if not match:
        match_resp = re.match(r",?\s*(?:chịu|có)\s+trách\s+nhiệm\s*:?\s*", text[position:])
        return None, position + (match_resp.end() if match_resp else 0)
    role = _role(match.group(1))
    if role is Role.SUPPORT:
        # "X phối hợp (với Y) ...": the action is the coordination itself.
        return role, position + match.start(1)
    return role, position + match.end()


def _with_support(
    text: str,
    position: int,
    names: tuple[str, ...],
    role: Role | None,
    *,
    explicit: bool,
    anaphoric: bool,
) -> Assignment:
    supporting: tuple[str, ...] = ()
    support = _SUPPORT.match(text[position:]) if role is Role.LEAD else None
    if support and starts_with_party(text[position + support.end() :]):
        start = position + support.end()
        end = _phrase_end(text, start)
        supporting = tuple(parties(text[start:end]))
        position = end
    position = _skip_separators(text, position)
    return Assignment(
        parties=names,
        role=role,
        supporting=supporting,
        action_start=position,
        anaphoric=anaphoric,
        explicit=explicit,
        lead_in=not text[position:].strip(),
    )


def _skip_separators(text: str, position: int) -> int:
    while position < len(text) and text[position] in " ,:":
        position += 1
    return position


def _qualified_group(text: str, start: int) -> Assignment:
    """ "Giao các sở, ban, ngành chủ trì, phụ trách ... tại Quyết định số 380/QĐ-UBND ...:".

    "chủ trì" followed by "phụ trách" describes which agencies are meant
    (seed 003), so the whole description up to the colon is the assignee.
    """
    colon = text.find(":", start)
    end = colon if colon != -1 else len(text)
    phrase = _CITED_DATE.sub("", text[start:end]).strip(" ,")
    return Assignment(
        parties=(phrase,),
        role=Role.LEAD,
        action_start=_skip_separators(text, end),
        explicit=True,
        lead_in=not text[end:].strip(" :"),
    )
