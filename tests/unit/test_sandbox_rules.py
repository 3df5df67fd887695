"""The sandbox's Telegram rules in isolation (no server): HTML, entities, limits, markup."""

from __future__ import annotations

import pytest

from bot.sandbox.content import check_reply_markup, prepare_text
from bot.sandbox.entities import command_of, detect_entities, strip_text, utf16_len
from bot.sandbox.errors import ApiError
from bot.sandbox.html import HtmlError, parse_html
from bot.sandbox.limits import RateLimiter, RateLimits, SlidingWindow, TokenBucket


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("source", "detail"),
    [
        ("<foo>x</foo>", 'Unsupported start tag "foo" at byte offset 0'),
        ("Hạn <b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("đ <b", "Unclosed start tag at byte offset 3"),
        ('<span class="x">a</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("<b x>a</b>", 'Expected equal sign in declaration of an attribute of the tag "b"'),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
    ],
)
def test_invalid_html_fails_with_telegrams_detail(source: str, detail: str) -> None:
    with pytest.raises(HtmlError) as caught:
        parse_html(source)
    assert str(caught.value).startswith(detail)


def test_html_entities_offsets_are_utf16_and_nested() -> None:
    text, entities = parse_html("😀 <b>Sở <i>Tư pháp</i></b> &lt;3 &#128512; &amp;x &bogus;")
    assert text == "😀 Sở Tư pháp <3 😀 &x &bogus;"
    assert entities == [
        {"type": "bold", "offset": 3, "length": 10},
        {"type": "italic", "offset": 6, "length": 7},
    ]


def test_html_tags_case_attributes_and_special_blocks() -> None:
    text, entities = parse_html(
        "<B>x</B> <a href='https://a.vn/?q=1&amp;r=2'>link</a> <a>no href</a> "
        '<pre><code class="language-sql">select 1</code></pre> <code>c</code> '
        "<tg-spoiler>s</tg-spoiler> <blockquote>q</blockquote>"
    )
    assert text == "x link no href select 1 c s q"
    by_type = {e["type"]: e for e in entities}
    assert by_type["bold"] == {"type": "bold", "offset": 0, "length": 1}
    assert by_type["text_link"]["url"] == "https://a.vn/?q=1&r=2"
    assert by_type["pre"] == {"type": "pre", "offset": 15, "length": 8, "language": "sql"}
    assert by_type["code"]["offset"] == 24
    assert {"spoiler", "blockquote"} <= set(by_type)
    assert len(entities) == 6


def test_text_is_trimmed_and_checked_like_telegram() -> None:
    content = prepare_text("  <b> Hạn </b>nộp  ", "HTML")
    assert content.text == "Hạn nộp"
    assert content.entities == [{"type": "bold", "offset": 0, "length": 4}]
    with pytest.raises(ApiError) as caught:
        prepare_text("   ", None)
    assert caught.value.description == "Bad Request: message text is empty"
    with pytest.raises(ApiError) as caught:
        prepare_text("x", "HTMLX")
    assert caught.value.code == 400
    assert prepare_text("", None, caption=True).text == ""
    with pytest.raises(ApiError, match="caption is too long"):
        prepare_text("a" * 1025, None, caption=True)


def test_detected_entities_commands_mentions_urls() -> None:
    text = "/xong@nhacviec_bot nhờ @lan_tuphap xem https://ubnd.vn/vb/1. #baocao"
    entities = detect_entities(text)
    assert [e["type"] for e in entities] == ["bot_command", "mention", "url", "hashtag"]
    assert command_of(text, entities) == ("xong", "nhacviec_bot")
    url = next(e for e in entities if e["type"] == "url")
    assert text[url["offset"] : url["offset"] + url["length"]] == "https://ubnd.vn/vb/1"
    assert command_of("đã xong /done", detect_entities("đã xong /done")) is None
    assert utf16_len("a😀") == 3


def test_strip_keeps_entities_aligned() -> None:
    text, entities = strip_text("  ab  ", [{"type": "bold", "offset": 1, "length": 4}])
    assert text == "ab"
    assert entities == [{"type": "bold", "offset": 0, "length": 2}]


def test_reply_markup_rules() -> None:
    ok, other = check_reply_markup(
        {"inline_keyboard": [[{"text": "Xong", "callback_data": "d" * 64}]]}
    )
    assert ok is not None and other is None
    assert check_reply_markup({"inline_keyboard": []}) == (None, None)
    assert check_reply_markup({"remove_keyboard": True}) == (None, {"remove_keyboard": True})
    bad = [
        ({"inline_keyboard": [[{"text": "x", "callback_data": "d" * 65}]]}, "BUTTON_DATA_INVALID"),
        ({"inline_keyboard": [[{"text": "x", "callback_data": ""}]]}, "BUTTON_DATA_INVALID"),
        ({"inline_keyboard": [[{"text": "x"}]]}, "text buttons are unallowed"),
        ({"inline_keyboard": [[{"text": "", "url": "https://a.vn"}]]}, "Text must be non-empty"),
        ({"inline_keyboard": [[{"text": "x", "url": "ftp://a"}]]}, "is invalid"),
        ({"foo": 1}, "can't parse reply keyboard markup"),
    ]
    for markup, detail in bad:
        with pytest.raises(ApiError) as caught:
            check_reply_markup(markup)
        assert detail in caught.value.description


def test_sliding_window_retry_after_is_time_until_the_oldest_leaves() -> None:
    window = SlidingWindow(limit=3, window=60.0)
    for t in (0.0, 10.0, 20.0):
        assert window.wait(t) == 0
        window.record(t)
    assert window.wait(30.0) == 30.0
    assert window.wait(60.0) == 0


def test_token_bucket_allows_a_burst_then_refills() -> None:
    bucket = TokenBucket(rate=1.0, burst=2, now=0.0)
    bucket.record(0.0)
    bucket.record(0.0)
    assert bucket.wait(0.0) == 1.0
    assert bucket.wait(0.5) == 0.5
    assert bucket.wait(1.0) == 0


def test_rate_limiter_combines_limits_and_rounds_up() -> None:
    clock = Clock()
    limiter = RateLimiter(RateLimits(global_rate_per_second=3, group_rate_per_minute=2), clock)
    limiter.record(-1, "group")
    clock.now = 0.2
    limiter.record(-1, "group")
    assert limiter.retry_after(-1, "group") == 60  # 59.8 s rounds up
    assert limiter.retry_after(-2, "group") is None
    limiter.record(-2, "group")
    assert limiter.retry_after(-3, "group") == 1  # the global second is full
    clock.now = 1.01
    assert limiter.retry_after(-3, "group") is None
    limiter.configure(RateLimits(None, None, None))
    for _ in range(100):
        limiter.record(-1, "group")
    assert limiter.retry_after(-1, "group") is None
