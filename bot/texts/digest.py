"""The daily digest's words, and its rendering into paragraphs.

Each section is one paragraph (the overdue list: one paragraph per agency),
and every line closes the HTML tags it opens, so that the splitter
(bot.domain.digest.split_message) may cut between paragraphs, or between the
lines of an over-long paragraph, without breaking the markup. Long task
texts are shortened (whole words, "…") so that one line is never too long.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.domain.digest import Digest, capped
from bot.domain.rollup import Category, Detail
from bot.texts import Raw, format_datetime, t

ACTION_MAX = 110
REASON_MAX = 200

MESSAGES: dict[str, tuple[str, str]] = {
    "digest.title": (
        "<b>📋 Tổng hợp tình hình thực hiện nhiệm vụ ngày {day}</b>\n{workspace}",
        "<b>📋 Daily digest of {day}</b>\n{workspace}",
    ),
    "digest.overview": (
        "<b>Tình hình chung</b>: {total} nhiệm vụ",
        "<b>Overview</b>: {total} tasks",
    ),
    "digest.cat.done_on_time": ("✅ Hoàn thành đúng hạn: {n}", "✅ Done on time: {n}"),
    "digest.cat.done_late": ("☑️ Hoàn thành quá hạn: {n}", "☑️ Done late: {n}"),
    "digest.cat.open_on_time": (
        "🔵 Đang thực hiện trong hạn: {n}",
        "🔵 In progress, on time: {n}",
    ),
    "digest.cat.open_overdue": (
        "🔴 Quá hạn chưa hoàn thành: {n}",
        "🔴 Overdue, not done: {n}",
    ),
    "digest.details": (
        "    trong đó chưa bắt đầu: {not_started}, vướng mắc: {blocked}",
        "    of which not started: {not_started}, blocked: {blocked}",
    ),
    "digest.completed.header": (
        "<b>Đã hoàn thành từ lần tổng hợp trước</b> ({since}): {n}",
        "<b>Completed since the last digest</b> ({since}): {n}",
    ),
    "digest.completed.item": (
        "• <b>{code}</b> {agency}: {action} — {timeliness}",
        "• <b>{code}</b> {agency}: {action} — {timeliness}",
    ),
    "digest.on_time": ("đúng hạn", "on time"),
    "digest.late_by": ("chậm {days} ngày", "{days} days late"),
    "digest.due.header": (
        "<b>Đến hạn trong {days} ngày làm việc tới</b> (đến {until}): {n}",
        "<b>Due in the next {days} working days</b> (until {until}): {n}",
    ),
    "digest.due.item": (
        "• <b>{code}</b> {agency}: {action} — hạn {deadline} ({left})",
        "• <b>{code}</b> {agency}: {action} — due {deadline} ({left})",
    ),
    "digest.due.today": ("hôm nay", "today"),
    "digest.due.left": ("còn {n} ngày làm việc", "{n} working days left"),
    "digest.overdue.header": (
        "<b>Quá hạn chưa hoàn thành</b>: {n} nhiệm vụ của {agencies} cơ quan",
        "<b>Overdue, not done</b>: {n} tasks of {agencies} agencies",
    ),
    "digest.overdue.agency": ("🔴 <b>{agency}</b>: {n} nhiệm vụ", "🔴 <b>{agency}</b>: {n} tasks"),
    "digest.overdue.item": (
        "• <b>{code}</b>: {action} — hạn {deadline}, quá hạn {days} ngày",
        "• <b>{code}</b>: {action} — due {deadline}, {days} days late",
    ),
    "digest.blocked.header": ("<b>Vướng mắc</b>: {n}", "<b>Blocked</b>: {n}"),
    "digest.blocked.item": (
        "• <b>{code}</b> {agency}: {action} — <i>{reason}</i>",
        "• <b>{code}</b> {agency}: {action} — <i>{reason}</i>",
    ),
    "digest.extensions.header": (
        "<b>Đề nghị gia hạn chờ quyết định</b>: {n}",
        "<b>Extension requests awaiting a decision</b>: {n}",
    ),
    "digest.extensions.item": (
        "• <b>{code}</b> {agency}: xin gia hạn đến {requested} (hạn hiện tại {current}){reason}",
        "• <b>{code}</b> {agency}: asks for {requested} (now due {current}){reason}",
    ),
    "digest.extensions.reason": (" — lý do: <i>{reason}</i>", " — reason: <i>{reason}</i>"),
    "digest.more": (
        "… và {n} nhiệm vụ khác (xem {where})",
        "… and {n} more (see {where})",
    ),
    "digest.more_overdue_in_agency": (
        "… và {n} nhiệm vụ quá hạn khác của cơ quan này",
        "… and {n} more overdue tasks of this agency",
    ),
    "digest.more_overdue_agencies": (
        "… và {agencies} cơ quan khác với {n} nhiệm vụ quá hạn (xem /overdue)",
        "… and {agencies} more agencies with {n} overdue tasks (see /overdue)",
    ),
    "digest.repeat_note": (
        "<i>♻️ Bản tổng hợp này được gửi lại: lần gửi trước Telegram không xác nhận đã nhận, "
        "có thể chưa đến nơi. Nếu đã nhận, xin bỏ qua bản này.</i>",
        "<i>♻️ This digest is sent again: Telegram did not confirm the previous send, so it "
        "may not have arrived. If you already got it, please ignore this one.</i>",
    ),
    "digest.quiet": (
        "Hôm nay không có nhiệm vụ mới hoàn thành, sắp đến hạn, quá hạn hay vướng mắc, "
        "và không có đề nghị gia hạn chờ quyết định.",
        "A quiet day: nothing completed, nothing due soon, overdue or blocked, "
        "and no extension request awaiting a decision.",
    ),
    "digest.no_tasks": (
        "Chưa có nhiệm vụ nào được theo dõi.",
        "No task is being followed yet.",
    ),
    "digest.chart.title": (
        "Tình hình thực hiện nhiệm vụ theo cơ quan — ngày {day}",
        "Tasks by agency — {day}",
    ),
    "digest.chart.caption": (
        "📊 Biểu đồ tình hình thực hiện nhiệm vụ theo cơ quan, ngày {day}",
        "📊 Tasks by agency, {day}",
    ),
    "digest.chart.others": ("Các cơ quan khác", "Other agencies"),
    "digest.chart.axis": ("Số nhiệm vụ", "Tasks"),
    "digest.label.done_on_time": ("Hoàn thành đúng hạn", "Done on time"),
    "digest.label.done_late": ("Hoàn thành quá hạn", "Done late"),
    "digest.label.open_on_time": ("Đang thực hiện trong hạn", "In progress, on time"),
    "digest.label.open_overdue": ("Quá hạn chưa hoàn thành", "Overdue, not done"),
}


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word boundary with "…"."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:.-") + "…"


def category_label(lang: str, category: Category) -> str:
    return t(lang, f"digest.label.{category.value}")


def render_digest(lang: str, digest: Digest, timezone: ZoneInfo) -> list[str]:
    """The digest as paragraphs of Telegram HTML, in reading order."""
    paragraphs = [
        t(lang, "digest.title", day=digest.day, workspace=digest.workspace_name),
        _overview(lang, digest),
    ]
    if digest.quiet:
        paragraphs.append(t(lang, "digest.quiet"))
        return paragraphs
    if digest.completed:
        paragraphs.append(_completed(lang, digest, timezone))
    if digest.due_soon:
        paragraphs.append(_due_soon(lang, digest))
    if digest.overdue:
        paragraphs.extend(_overdue(lang, digest))
    if digest.blocked:
        paragraphs.append(_blocked(lang, digest))
    if digest.extensions:
        paragraphs.append(_extensions(lang, digest))
    return paragraphs


def _overview(lang: str, digest: Digest) -> str:
    summary = digest.summary
    if summary.total == 0:
        return t(lang, "digest.no_tasks")
    lines = [t(lang, "digest.overview", total=summary.total)]
    for category in (
        Category.DONE_ON_TIME,
        Category.DONE_LATE,
        Category.OPEN_ON_TIME,
        Category.OPEN_OVERDUE,
    ):
        lines.append(t(lang, f"digest.cat.{category.value}", n=summary.count(category)))
    not_started = summary.detail_counts.get(Detail.NOT_STARTED, 0)
    blocked = summary.detail_counts.get(Detail.BLOCKED, 0)
    if not_started or blocked:
        lines.append(t(lang, "digest.details", not_started=not_started, blocked=blocked))
    return "\n".join(lines)


def _completed(lang: str, digest: Digest, timezone: ZoneInfo) -> str:
    lines = [
        t(
            lang,
            "digest.completed.header",
            since=format_datetime(digest.since, timezone),
            n=len(digest.completed),
        )
    ]
    shown, hidden = capped(digest.completed, digest.limits.completed)
    for item in shown:
        timeliness = (
            t(lang, "digest.late_by", days=item.days_late)
            if item.days_late
            else t(lang, "digest.on_time")
        )
        lines.append(
            t(
                lang,
                "digest.completed.item",
                code=item.task.code,
                agency=item.task.agency_name,
                action=shorten(item.task.action, ACTION_MAX),
                timeliness=Raw(timeliness),
            )
        )
    _more(lang, lines, hidden, "/report")
    return "\n".join(lines)


def _due_soon(lang: str, digest: Digest) -> str:
    lines = [
        t(
            lang,
            "digest.due.header",
            days=digest.horizon_working_days,
            until=digest.due_until,
            n=len(digest.due_soon),
        )
    ]
    shown, hidden = capped(digest.due_soon, digest.limits.due_soon)
    for item in shown:
        left = (
            t(lang, "digest.due.left", n=item.working_days_left)
            if item.working_days_left
            else t(lang, "digest.due.today")
        )
        lines.append(
            t(
                lang,
                "digest.due.item",
                code=item.task.code,
                agency=item.task.agency_name,
                action=shorten(item.task.action, ACTION_MAX),
                deadline=item.task.effective_deadline,
                left=Raw(left),
            )
        )
    _more(lang, lines, hidden, "/status")
    return "\n".join(lines)


def _overdue(lang: str, digest: Digest) -> list[str]:
    paragraphs = [
        t(
            lang,
            "digest.overdue.header",
            n=digest.overdue_count,
            agencies=len(digest.overdue),
        )
    ]
    limits = digest.limits
    agencies, hidden_agencies = capped(digest.overdue, limits.overdue_agencies)
    for agency in agencies:
        lines = [t(lang, "digest.overdue.agency", agency=agency.agency_name, n=len(agency.tasks))]
        tasks, hidden = capped(agency.tasks, limits.overdue_per_agency)
        for late in tasks:
            lines.append(
                t(
                    lang,
                    "digest.overdue.item",
                    code=late.task.code,
                    action=shorten(late.task.action, ACTION_MAX),
                    deadline=late.task.effective_deadline,
                    days=late.days_late,
                )
            )
        if hidden:
            lines.append(t(lang, "digest.more_overdue_in_agency", n=hidden))
        paragraphs.append("\n".join(lines))
    if hidden_agencies:
        rest = digest.overdue[limits.overdue_agencies :]
        paragraphs.append(
            t(
                lang,
                "digest.more_overdue_agencies",
                agencies=hidden_agencies,
                n=sum(len(agency.tasks) for agency in rest),
            )
        )
    return paragraphs


def _blocked(lang: str, digest: Digest) -> str:
    lines = [t(lang, "digest.blocked.header", n=len(digest.blocked))]
    shown, hidden = capped(digest.blocked, digest.limits.blocked)
    for task in shown:
        lines.append(
            t(
                lang,
                "digest.blocked.item",
                code=task.code,
                agency=task.agency_name,
                action=shorten(task.action, ACTION_MAX // 2),
                reason=shorten(task.blocked_reason or "", REASON_MAX),
            )
        )
    _more(lang, lines, hidden, "/status")
    return "\n".join(lines)


def _extensions(lang: str, digest: Digest) -> str:
    lines = [t(lang, "digest.extensions.header", n=len(digest.extensions))]
    shown, hidden = capped(digest.extensions, digest.limits.extensions)
    for ext in shown:
        reason = (
            t(lang, "digest.extensions.reason", reason=shorten(ext.reason, REASON_MAX))
            if ext.reason
            else ""
        )
        lines.append(
            t(
                lang,
                "digest.extensions.item",
                code=ext.task_code,
                agency=ext.agency_name,
                requested=ext.requested_date,
                current=ext.current_deadline,
                reason=Raw(reason),
            )
        )
    _more(lang, lines, hidden, "/status")
    return "\n".join(lines)


def _more(lang: str, lines: list[str], hidden: int, where: str) -> None:
    if hidden:
        lines.append(t(lang, "digest.more", n=hidden, where=where))
