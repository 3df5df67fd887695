"""The words and phrases replies are read with, written as Vietnamese is spelled.

Entries are spelled with diacritics and looked up on their folded form, so
"hoàn thành", "hoan thanh" and "HOÀN THÀNH" find the same entry. When the
reply does carry diacritics they must agree with the entry: "chờ" (wait) and
"cho" (give), "đã" (already) and "dạ" (yes), "nửa" (half) and "nữa" (more)
fold to the same letters but are different words. A word typed without
diacritics is given the benefit of the doubt, and the few real collisions are
settled from the neighbouring words (`lemmas.resolve_unmarked`).

An entry ending in "!" is recognised only when typed with its diacritics
("nắm" = understood, while a bare "nam" is far more often a name or "năm").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from bot.domain.text import canonical, fold


class Concept(StrEnum):
    """What a word or phrase contributes to the reading of a reply."""

    WORD = "word"  # anything without a role
    NUMBER = "number"
    DATE = "date"
    REF = "ref"
    PCT = "pct"  # a percentage: number + "%"/"phần trăm", "một nửa"
    QMARK = "qmark"
    STOP = "stop"
    COMMA = "comma"
    # polarity and aspect
    NEG = "neg"  # chưa, không
    CANNOT = "cannot"  # không thể, chưa thể, không kịp
    PAST = "past"  # đã
    PERF = "perf"  # rồi
    PROG = "prog"  # đang, vẫn đang
    FUT = "fut"  # sẽ, dự kiến
    NEAR = "near"  # gần xong, sắp xong
    BASIC = "basic"  # cơ bản (hoàn thành)
    # predicates
    DONE = "done"  # xong, hoàn thành
    ACT = "act"  # làm, thực hiện, triển khai
    SEND = "send"  # gửi, nộp, báo cáo (verb)
    RECEIVE = "receive"  # nhận, tiếp nhận
    SEEN = "seen"  # xem
    HAVE = "have"  # có
    ABLE = "able"  # được
    BLOCK = "block"  # vướng, khó khăn
    LACK = "lack"  # thiếu
    WAIT = "wait"  # chờ, đợi
    EXT = "ext"  # gia hạn, lùi, hoãn
    REQ = "req"  # xin, đề nghị
    GIVE = "give"  # cho
    ADD = "add"  # thêm
    ACK = "ack"  # ok, vâng, rõ, cảm ơn
    POLITE = "polite"  # dạ, thưa
    GREET = "greet"
    # objects
    RESOURCE = "resource"  # số liệu, hướng dẫn, kinh phí ...
    REPORT = "report"  # báo cáo (noun), kết quả, hồ sơ
    PARTIAL = "partial"  # dự thảo, phần, bước
    WHAT = "what"  # gì: a question, or emphasis after a negation
    # questions
    QWORD = "qword"  # nào, bao giờ, ai, ở đâu
    QWHERE = "qwhere"  # đâu: a question, or emphasis after a negation
    ASK = "ask"  # hỏi
    OR = "or"  # hay, hoặc
    # clause structure
    CONJ = "conj"  # nhưng, nên, còn, thì
    CAUSE = "cause"  # do, vì
    PRONOUN = "pronoun"
    PARTICLE = "particle"
    # time
    TARGET = "target"  # đến, sang, trước, vào
    DAY = "day"
    WORKDAY = "workday"  # ngày làm việc
    WEEK = "week"
    MONTH = "month"
    WEEKDAY = "weekday"
    NEXT_WEEK = "next_week"
    THIS_WEEK = "this_week"
    NEXT_MONTH = "next_month"
    THIS_MONTH = "this_month"
    PAST_TIME = "past_time"  # tuần trước, hôm qua
    END = "end"  # cuối, hết
    BEGIN = "begin"  # đầu (tháng)
    TOMORROW = "tomorrow"
    DAY_AFTER = "day_after"  # ngày kia, ngày mốt
    TODAY = "today"
    FEW_DAYS = "few_days"  # ít ngày, vài ngày
    MORE = "more"  # nữa
    HALF = "half"  # nửa (before merging into PCT)
    PERCENT_SIGN = "percent_sign"  # phần trăm
    AMBIGUOUS = "ambiguous"  # placeholder until context settles it


_ENTRIES = """
WORD: trả lời | tiến độ | phần mềm | đầu mối | công tác | tối thiểu | có thể | bản sao
WORD: nhân viên | nhắc việc | nhiệm vụ | công việc | bắt buộc
NEG: chưa | không | chẳng | chả! | chưa hề | không hề
CANNOT: không thể | chưa thể | không kịp | chẳng thể
PAST: đã | đã từng
PERF: rồi
PROG: đang | vẫn đang | vẫn | hiện đang | tiếp tục | đang tiếp tục | vẫn còn đang
FUT: sẽ | dự kiến | phấn đấu | cố gắng | dự định
NEAR: gần xong | sắp xong | gần hoàn thành | sắp hoàn thành | gần hoàn tất | sắp hoàn tất
BASIC: cơ bản | về cơ bản
DONE: xong | hoàn thành | hoàn tất | xong xuôi | kết thúc | hoàn thành xong | done | finished
ACT: làm | thực hiện | triển khai | tiến hành | bắt đầu | bắt tay | bắt tay vào | xử lý
ACT: tổng hợp | soạn | soạn thảo | xây dựng | rà soát | hoàn thiện | hoàn chỉnh | tổ chức
ACT: tổ chức thực hiện | viết | nhập liệu | thu thập | xin ý kiến | lấy ý kiến | kiểm tra
ACT: khảo sát | tham mưu | trình | điều tra | thống kê | chuẩn bị | phối hợp | làm tiếp
ACT: giải quyết | làm việc | xác minh | khắc phục | chỉnh sửa | sửa | bổ sung | cập nhật
ACT: phân tích | đôn đốc | rà soát lại | nhập
SEND: gửi | nộp | báo cáo | gửi đi | gửi lên | đẩy lên | tải lên | up | up lên | gửi lại | cung cấp
RECEIVE: nhận | nhận được | tiếp nhận | ghi nhận | tiếp thu
SEEN: xem | đọc | xem được
HAVE: có
ABLE: được
BLOCK: vướng | vướng mắc | khó khăn | bị tắc | tắc! | vấn đề | gặp vấn đề | gặp khó khăn
BLOCK: trục trặc | lỗi | bị lỗi | bế tắc | vướng mắt | trở ngại | gặp trở ngại | ách tắc | tắc nghẽn
LACK: thiếu
WAIT: chờ | đợi | chờ đợi
EXT: gia hạn | lùi | lùi hạn | lùi thời hạn | hoãn | khất | kéo dài | kéo dài thời gian
EXT: điều chỉnh thời hạn | điều chỉnh hạn | giãn | giãn thời gian | nộp chậm | gửi chậm
EXT: xin chậm | nộp trễ | gửi trễ | xin trễ | dời hạn | lùi lại
REQ: xin | đề nghị | xin phép | kính đề nghị | mong | kính mong | cho phép | đề xuất
GIVE: cho
ADD: thêm
ACK: ok | vâng | rõ | đã rõ | cảm ơn | noted | nắm! | nắm được | đã nắm | biết rồi | đã biết
ACK: đồng ý | nhất trí | vâng ạ | dạ vâng | dạ rõ | được rồi | cám ơn
POLITE: dạ | thưa | kính thưa
GREET: kính gửi | xin chào | chào | em chào | chúc mừng | chúc
RESOURCE: số liệu | dữ liệu | hướng dẫn | kinh phí | ý kiến chỉ đạo | chỉ đạo | văn bản
RESOURCE: thông tin | tài khoản | mẫu biểu | biểu mẫu | mẫu | nhân sự | nhân lực | người
RESOURCE: phê duyệt | chữ ký số | quyết định | công văn | ngân sách | nguồn | văn bản hướng dẫn
RESOURCE: tài liệu | hồ sơ gốc
REPORT: kết quả | file | hồ sơ | email | mail | bản giấy | bản scan | bản mềm | bản điện tử
PARTIAL: dự thảo | bản nháp | phần | một phần | bước | giai đoạn | đề cương | khung
WHAT: gì
QWORD: nào | bao giờ | bao nhiêu | thế nào | như thế nào | ra sao | khi nào | lúc nào | ai
QWORD: sao | tại sao | vì sao | làm sao | ở đâu | phải không | có phải | hay không | mấy
QWHERE: đâu
ASK: hỏi | cho hỏi | xin hỏi | cho em hỏi | hỏi chút | em hỏi
OR: hay | hoặc
CONJ: nhưng | nên | còn | mà | thì | tuy nhiên | song | nhưng mà
CAUSE: do | vì | bởi | bởi vì | tại vì | do là | lý do
PRONOUN: em | anh | chị | tôi | mình | bên em | bên tôi | chúng em | chúng tôi | đơn vị
PRONOUN: cơ quan | cô | chú | bác | anh chị | các anh chị | bên mình | phòng em | sở em
PARTICLE: ạ | à | ah | ak | nhé | nha | nhá | nhe | ơi | với | đấy | hả | hen | thôi
PARTICLE: luôn | vậy | nhỉ | ạ ơi | cả
TARGET: đến | tới | sang | trước | vào | đến hết | cho đến | trước ngày | muộn nhất | chậm nhất
DAY: ngày
WORKDAY: ngày làm việc
WEEK: tuần
MONTH: tháng
WEEKDAY: thứ hai | thứ ba | thứ tư | thứ năm | thứ sáu | thứ bảy | chủ nhật
NEXT_WEEK: tuần sau | tuần tới | tuần kế tiếp | tuần kế
THIS_WEEK: tuần này
NEXT_MONTH: tháng sau | tháng tới
THIS_MONTH: tháng này
PAST_TIME: tuần trước | tuần rồi | hôm qua | tháng trước | hôm trước
END: cuối | hết
BEGIN: đầu
TOMORROW: mai | ngày mai | sáng mai | chiều mai
DAY_AFTER: ngày kia | ngày mốt | mốt!
TODAY: hôm nay | chiều nay | sáng nay | trong ngày
FEW_DAYS: ít ngày | vài ngày | mấy ngày | ít hôm | vài hôm | một ít thời gian | thời gian
MORE: nữa
HALF: nửa
PERCENT_SIGN: phần trăm | pt
"""

# Chat shorthand, by the spelling typed (lower case), expanded before phrases
# are matched. Keyed on the typed spelling, not the folded one, so that
# "Hồng" (a name) is not taken for "hông" (không).
# "th" is expanded only after an aspect word ("đang th"), see `lemmas`.
ABBREVIATIONS: Mapping[str, str] = MappingProxyType(
    {
        **dict.fromkeys(
            ["k", "ko", "kg", "khg", "kh", "hok", "hong", "hông", "hk", "hem", "khum", "k0"],
            "khong",
        ),
        **dict.fromkeys(["dc", "đc", "đươc", "dduoc"], "duoc"),
        **dict.fromkeys(
            ["oke", "okie", "oki", "okay", "okey", "okela", "oce", "okê", "uh", "uhm", "um"], "ok"
        ),
        **dict.fromkeys(["tks", "thks", "thanks", "thank", "thx", "camon", "cámơn"], "cam on"),
        **dict.fromkeys(["xog", "xg", "xonh", "xông"], "xong"),
        **dict.fromkeys(["dag", "đag", "dg", "đg"], "dang"),
        **dict.fromkeys(["ht", "hth", "htanh"], "hoan thanh"),
        "r": "roi",
        "dx": "da xong",
        "đx": "da xong",
        "bc": "bao cao",
        "vg": "vuong",
        "gh": "gia han",
        "lm": "lam",
        "tg": "thoi gian",
        "e": "em",
        "c": "chi",
        "vb": "van ban",
        "kq": "ket qua",
        "sl": "so lieu",
        "nv": "nhiem vu",
        "j": "gi",
        "ntn": "nhu the nao",
        "bn": "bao nhieu",
        "trc": "truoc",
        "hn": "hom nay",
        "mk": "minh",
        "cn": "chu nhat",
    }
)
CONTEXT_ABBREVIATIONS: Mapping[str, str] = MappingProxyType({"th": "thuc hien"})


@dataclass(frozen=True, slots=True)
class Entry:
    """One spelling of a phrase: its canonical words and what it means."""

    words: tuple[str, ...]  # canonical (with diacritics)
    concept: Concept
    marked_only: bool  # "!" entries: only when typed with diacritics


def _parse_entries(spec: str) -> dict[tuple[str, ...], list[Entry]]:
    table: dict[tuple[str, ...], list[Entry]] = {}
    for line in spec.strip().splitlines():
        name, _, phrases = line.partition(":")
        concept = Concept[name.strip()]
        for phrase in phrases.split("|"):
            text = phrase.strip()
            marked_only = text.endswith("!")
            words = tuple(canonical(text.rstrip("!")).split())
            key = tuple(fold(text.rstrip("!")).split())
            table.setdefault(key, []).append(Entry(words, concept, marked_only))
    return table


PHRASES: Mapping[tuple[str, ...], list[Entry]] = MappingProxyType(_parse_entries(_ENTRIES))
# For each first word, the phrase lengths starting with it, longest first.
PHRASE_SIZES: Mapping[str, tuple[int, ...]] = MappingProxyType(
    {
        first: tuple(sorted({len(key) for key in PHRASES if key[0] == first}, reverse=True))
        for first in {key[0] for key in PHRASES}
    }
)

# Predicates and objects that make an unmarked "da" read as "đã" (already)
# rather than "dạ" (polite yes), and that make a final "chưa"/"không" a question.
PREDICATES = frozenset(
    {
        Concept.DONE,
        Concept.ACT,
        Concept.SEND,
        Concept.RECEIVE,
        Concept.SEEN,
        Concept.HAVE,
        Concept.ABLE,
        Concept.BLOCK,
        Concept.LACK,
        Concept.WAIT,
        Concept.EXT,
        Concept.REQ,
        Concept.BASIC,
        Concept.NEAR,
        Concept.PCT,
        Concept.ACK,
        Concept.CANNOT,
    }
)
TIME_WORDS = frozenset(
    {
        Concept.DATE,
        Concept.NUMBER,
        Concept.DAY,
        Concept.WEEK,
        Concept.MONTH,
        Concept.WEEKDAY,
        Concept.NEXT_WEEK,
        Concept.THIS_WEEK,
        Concept.NEXT_MONTH,
        Concept.THIS_MONTH,
        Concept.END,
        Concept.BEGIN,
        Concept.TOMORROW,
    }
)
