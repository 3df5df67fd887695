"""The demo's story, scene by scene, played through the sandbox like users.

A Department of Home Affairs officer sets up the coordination group, loads
the province's agency registry and the focal points' group, invites the
focal points, takes in a directive from its text, and then the clock runs
two working weeks: the reminder sweep at REMINDER_TIME, the focal points
answering (buttons, sentences, a command), an extension asked for and
approved, /status, the daily digest at DIGEST_TIME, and the reports.

Everything the bot does is the real Application (handlers) and the real
job callbacks (jobs/reminders.py, jobs/digest.py) run at the simulated
times they are due; nothing is written to the database behind its back,
except the registry import, which is a command-line step in real life too
(`nhacviec agencies import`), run here through the same service.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any, TextIO

from bot.cli.agencies import print_result
from bot.clock import ManualClock
from bot.demo.printer import JSON, Transcript, button_rows, message_text, say
from bot.demo.stage import Stage
from bot.registry_files import decode_registry_bytes
from bot.runtime import Runtime
from bot.sandbox import SandboxConfig
from bot.services import agencies as agency_service
from bot.services import workspaces as workspace_service
from bot.settings import Settings
from jobs import digest as digest_job
from jobs import reminders as reminder_jobs
from storage.database import Database
from storage.migrate import upgrade

HERE = Path(__file__).resolve().parent
REGISTRY = HERE.parent / "data" / "registries" / "quang_ngai_2024.yaml"
DIRECTIVE = HERE / "directive_1520.txt"
DEFAULT_DB = Path("demo") / "nhacviec-demo.db"
DEFAULT_REPORTS = Path("demo") / "reports"
DEMO_MARK = 20240513  # PRAGMA user_version of a database the demo made (safe to replace)
TIMEZONE = "Asia/Ho_Chi_Minh"
START = datetime(2024, 5, 13, 1, 30, tzinfo=UTC)  # Monday 13/05/2024, 08:30 in Vietnam
LAST_DAY = date(2024, 5, 27)
FULL_DIGEST_DAYS = frozenset({date(2024, 5, 16), LAST_DAY})
_INVITE_CODE = re.compile(r"/join ([A-Z0-9]{8})")
_TASK_LINE = re.compile(r"^(T\d+) · ")

log = logging.getLogger("nhacviec.demo")


@dataclass
class Person:
    key: str
    name: str
    username: str
    agency_code: str | None = None  # a focal point's agency
    agency_name: str = ""
    id: int = 0

    def label(self, lang: str) -> str:
        if self.agency_code is None:
            return f"{self.name} (Sở Nội vụ)" if lang == "vi" else f"{self.name} (Home Affairs)"
        return f"{self.name} ({self.agency_name})"


def cast() -> list[Person]:
    return [
        Person("ha", "Hà", "ha_snv"),
        Person("lan", "Lan", "lan_stp", "STP", "Sở Tư pháp"),
        Person("hung", "Hùng", "hung_stc", "STC", "Sở Tài chính"),
        Person("mai", "Mai", "mai_syt", "SYT", "Sở Y tế"),
        Person("tuan", "Tuấn", "tuan_bson", "UBND_BINHSON", "UBND huyện Bình Sơn"),
    ]


@dataclass
class DemoOptions:
    lang: str = "vi"
    db_path: Path = DEFAULT_DB
    reports_dir: Path = DEFAULT_REPORTS
    out: TextIO | None = None
    interactive: bool = False
    stdin: TextIO | None = None  # interactive input (default: sys.stdin)


@dataclass
class DemoResult:
    seconds: float
    working_days: int
    db_path: Path
    report_files: list[Path]
    transcript: list[str]


class NotADemoDatabase(Exception):
    """--db names an existing file the demo did not make: it is not replaced."""


# -- the database ----------------------------------------------------------------------


def prepare_database_file(path: Path) -> None:
    """A fresh file for the demo; an old demo database is replaced, anything else is kept."""
    if path.exists():
        with contextlib.closing(sqlite3.connect(path)) as connection:
            try:
                mark = connection.execute("PRAGMA user_version").fetchone()[0]
            except sqlite3.DatabaseError:
                mark = None
        if mark != DEMO_MARK:
            raise NotADemoDatabase(str(path))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)


def mark_database_file(path: Path) -> None:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.execute(f"PRAGMA user_version = {DEMO_MARK}")
        connection.commit()


def demo_settings(db_path: Path, lang: str, admins: list[int]) -> Settings:
    """Every setting the story depends on, explicit: the environment and a
    .env (perhaps a real bot's) change nothing here."""
    values: dict[str, Any] = {
        "TELEGRAM_BOT_TOKEN": SandboxConfig().bot_token,
        "TELEGRAM_API_URL": "http://127.0.0.1:9",
        "DATABASE_URL": f"sqlite+aiosqlite:///{db_path.resolve()}",
        "BOT_TIMEZONE": TIMEZONE,
        "BOT_LANGUAGE": lang,
        "BOT_ADMINS": admins,
        "REMINDER_DAYS": [7, 3, 1, 0],
        "REMINDER_TIME": "08:00",
        "DIGEST_TIME": "16:30",
        "ESCALATE_AFTER_DAYS": 3,
        "WEBHOOK_URL": "",
        "EXTRA_DAYS_OFF": [],
        "EXTRA_WORKING_DAYS": [],
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


# -- the story's verbs ------------------------------------------------------------------


@dataclass
class Story:
    stage: Stage
    transcript: Transcript
    people: dict[str, Person]
    lang: str
    chats: dict[str, int] = field(default_factory=dict)
    workspace_id: int = 0
    report_dir: Path = DEFAULT_REPORTS
    task_codes: dict[str, str] = field(default_factory=dict)  # agency name -> task code
    report_files: list[Path] = field(default_factory=list)
    working_days: int = 0
    last_reminder: JSON | None = None
    _acted: bool = True

    @property
    def runtime(self) -> Runtime:
        return self.stage.runtime

    @property
    def clock(self) -> ManualClock:
        return self.stage.clock

    def local(self) -> datetime:
        return self.clock.now().astimezone(self.runtime.settings.timezone)

    async def at(self, hour: int, minute: int = 0, day: date | None = None) -> None:
        """Move the clock to hh:mm of `day` (today by default)."""
        day = day or self.local().date()
        instant = datetime.combine(day, clock_time(hour, minute), self.runtime.settings.timezone)
        await self.stage.advance_to(instant)

    async def later(self, minutes: float = 1) -> None:
        await self.stage.advance(timedelta(minutes=minutes))

    async def settle(self) -> list[JSON]:
        """Wait for the bot, then print what it did (nothing to wait for if nobody acted)."""
        if not self._acted:
            return []
        await self.stage.idle()
        self._acted = False
        return await self.transcript.flush()

    def acted(self, chat_id: int | None = None) -> None:
        self._acted = True
        if chat_id is not None:
            self.transcript.touch(chat_id)

    async def say(
        self,
        who: str,
        chat: str,
        text: str,
        *,
        reply_to: JSON | None = None,
        max_lines: int | None = None,
    ) -> list[JSON]:
        person = self.people[who]
        chat_id = self.chat_id(chat)
        await self.settle()
        self.transcript.user_said(chat_id, person.id, text, reply_to, max_lines=max_lines)
        self.acted(chat_id)
        await self.stage.post(
            chat_id, person.id, text, reply_to=reply_to["message_id"] if reply_to else None
        )
        return await self.settle()

    async def press(
        self, who: str, chat: str, message: JSON, match: Callable[[str, str], bool]
    ) -> list[JSON]:
        """Press the first button whose (label, data) `match` accepts."""
        person = self.people[who]
        chat_id = self.chat_id(chat)
        current = await self.current(chat_id, message["message_id"])
        for row in (current.get("reply_markup") or {}).get("inline_keyboard", []):
            for button in row:
                if match(button.get("text", ""), button.get("callback_data", "")):
                    await self.settle()
                    self.transcript.user_pressed(chat_id, person.id, button["text"])
                    self.acted(chat_id)
                    await self.stage.press(
                        chat_id, current["message_id"], person.id, button["callback_data"]
                    )
                    return await self.settle()
        raise LookupError(f"no such button under {message_text(current)[:60]!r}")

    async def current(self, chat_id: int, message_id: int) -> JSON:
        for message in await self.stage.api.messages(chat_id):
            if message["message_id"] == message_id:
                return message
        raise LookupError(f"no message {message_id} in chat {chat_id}")

    def chat_id(self, chat: str) -> int:
        if chat in self.people:
            return self.people[chat].id  # a private chat's id is its user's id
        return self.chats[chat]

    async def group(self, key: str, title: str, creator: str, members: list[str]) -> int:
        people = [self.people[m] for m in members]
        chat = await self.stage.api.create_chat(
            "group", title=title, members=[p.id for p in people]
        )
        chat_id = int(chat["id"])
        self.chats[key] = chat_id
        self.transcript.chats[chat_id] = title
        await self.settle()
        self.transcript.note(
            say(
                self.lang,
                "demo.group_created",
                who=self.people[creator].name,
                title=title,
                members=", ".join(p.name for p in people),
                bot=self.stage.sandbox_config.bot_username,
            )
        )
        await self.stage.api.add_bot(chat_id, self.people[creator].id)
        self.acted(chat_id)
        await self.settle()
        return chat_id

    async def run_job(self, *jobs: Any) -> list[JSON]:
        """Run job callbacks one after the other, then print what the bot did."""
        await self.settle()
        for job in jobs:
            await self.stage.run_job(job)
        self.acted()
        return await self.settle()


def has_data(suffix: str) -> Callable[[str, str], bool]:
    return lambda _label, data: data.endswith(suffix)


def data_is(wanted: str) -> Callable[[str, str], bool]:
    return lambda _label, data: data == wanted


def first_with_buttons(messages: list[JSON]) -> JSON:
    for message in messages:
        if button_rows(message):
            return message
    raise LookupError("the bot sent no message with buttons")


def task_button(code: str, kind: str) -> Callable[[str, str], bool]:
    """A button of the row of task `code` under a reminder (kind: d done, p in
    progress, b blocked, e more time): the row's first label names the task."""
    rows: dict[str, str] = {}

    def match(label: str, data: str) -> bool:
        parts = data.split(":")
        if len(parts) < 3 or parts[0] != "t":
            return False
        if re.search(rf"\b{re.escape(code)}\b", label):
            rows[code] = parts[1]
        return rows.get(code) == parts[1] and parts[2] == kind

    return match


# -- scenes -----------------------------------------------------------------------------


async def scene_setup(story: Story) -> None:
    t = story.transcript
    lang = story.lang
    t.heading(say(lang, "demo.scene.setup"))
    title = "Sở Nội vụ Quảng Ngãi — điều phối CCHC"
    await story.group("coordination", title, "ha", ["ha"])
    await story.later(2)
    menu = first_with_buttons(await story.say("ha", "coordination", "/setup"))
    await story.later(1)
    await story.press("ha", "coordination", menu, data_is("su:n"))
    workspace = (await workspace_service.list_workspaces(story.runtime))[-1]
    story.workspace_id = workspace.id
    await story.later(5)
    t.note(say(lang, "demo.note.registry", path=_shown(REGISTRY), workspace=workspace.id))
    text = decode_registry_bytes(REGISTRY.read_bytes())
    result = await agency_service.import_registry(
        story.runtime, text, "yaml", workspace=str(workspace.id)
    )
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        print_result(lang, result)
    t.note("\n".join(line for line in printed.getvalue().splitlines()[:4]))


async def scene_focal_group(story: Story) -> None:
    lang = story.lang
    story.transcript.heading(say(lang, "demo.scene.focal_group"))
    await story.at(8, 50)
    members = ["ha", "lan", "hung", "mai", "tuan"]
    await story.group("focal", "Nhóm đầu mối CCHC", "ha", members)
    await story.later(1)
    menu = first_with_buttons(await story.say("ha", "focal", "/setup"))
    await story.later(1)
    menu = first_with_buttons(
        await story.press("ha", "focal", menu, data_is(f"su:w:{story.workspace_id}"))
        or [await story.current(story.chats["focal"], menu["message_id"])]
    )
    await story.press("ha", "focal", menu, data_is(f"su:f:{story.workspace_id}"))


async def scene_invites(story: Story) -> None:
    lang = story.lang
    story.transcript.heading(say(lang, "demo.scene.invites"))
    await story.at(9, 0)
    for key in ("lan", "hung", "mai", "tuan"):
        person = story.people[key]
        assert person.agency_code is not None
        answer = await story.say("ha", "coordination", f"/invite {person.agency_code}")
        found = next((m for m in (_INVITE_CODE.search(message_text(a)) for a in answer) if m), None)
        if found is None:
            raise RuntimeError(f"no invite code in {[message_text(a) for a in answer]}")
        code = found.group(1)
        await story.later(3)
        story.transcript.note(
            say(
                lang,
                "demo.note.code_passed",
                who=story.people["ha"].name,
                code=code,
                name=person.name,
            )
        )
        await story.say(key, key, f"/start {code}")
        await story.later(2)


async def scene_intake(story: Story) -> None:
    lang = story.lang
    story.transcript.heading(say(lang, "demo.scene.intake"))
    await story.at(9, 40)
    text = DIRECTIVE.read_text("utf-8").strip()
    answer = await story.say("ha", "coordination", f"/new\n{text}", max_lines=12)
    preview = first_with_buttons(answer)
    await story.later(3)
    await story.press("ha", "coordination", preview, has_data(":s"))


async def reminder_time(story: Story) -> list[JSON]:
    """REMINDER_TIME on the day: the sweep job, as the JobQueue would run it."""
    at = story.runtime.settings.reminder_time
    await story.at(at.hour, at.minute)
    await story.stage.advance(timedelta(seconds=30))
    await story.settle()
    await story.stage.run_job(reminder_jobs.sweep_job)
    await story.stage.run_job(reminder_jobs.report_job)
    await story.stage.idle()
    quiet = await story.transcript.unseen_sends() == 0
    key = "demo.note.sweep_quiet" if quiet else "demo.note.sweep"
    story.transcript.note(say(story.lang, key, time=at.strftime("%H:%M")))
    story.acted()
    sent = await story.settle()
    return [m for m in sent if m["chat"]["id"] == story.chats["focal"] and button_rows(m)]


async def digest_time(story: Story, *, full: bool) -> list[JSON]:
    at = story.runtime.settings.digest_time
    await story.at(at.hour, at.minute)
    story.transcript.note(say(story.lang, "demo.note.digest", time=at.strftime("%H:%M")))
    if full:
        return await story.run_job(digest_job.daily)
    with story.transcript.briefly():
        return await story.run_job(digest_job.daily)


def day_heading(story: Story, day: date) -> None:
    weekday = say(story.lang, f"demo.weekday.{day.weekday()}")
    story.transcript.heading(
        say(story.lang, "demo.scene.day", weekday=weekday, day=day.strftime("%d/%m/%Y"))
    )


async def day_events(story: Story, day: date) -> None:
    """What people do on the story's eventful days (after the morning sweep)."""
    reminder = story.last_reminder
    if day == date(2024, 5, 15) and reminder is not None:
        await story.at(9, 15)
        await story.say("hung", "focal", "đang thực hiện 60%", reply_to=reminder)
        await story.at(9, 40)
        await story.say(
            "mai",
            "focal",
            "vướng: chưa được cấp tài khoản quản trị Cổng dịch vụ công",
            reply_to=reminder,
        )
    elif day == date(2024, 5, 16) and reminder is not None:
        await story.at(8, 45)
        asked = await story.press(
            "mai", "focal", reminder, task_button(_code(story, "Sở Y tế"), "e")
        )
        await story.later(2)
        posted = await story.say("mai", "focal", "31/5/2024", reply_to=asked[-1])
        request = next(
            m for m in posted if m["chat"]["id"] == story.chats["coordination"] and button_rows(m)
        )
        await story.at(9, 30)
        await story.press(
            "ha", "coordination", request, lambda _label, data: data.startswith("s:xa:")
        )
        await story.at(10, 30)
        await story.say("ha", "coordination", "/status")
    elif day == date(2024, 5, 17) and reminder is not None:
        await story.at(8, 20)
        await story.press("lan", "focal", reminder, task_button(_code(story, "Sở Tư pháp"), "d"))
    elif day == date(2024, 5, 22) and reminder is not None:
        await story.at(10, 5)
        await story.say("tuan", "focal", "đã xong, đã gửi Báo cáo số 45/BC-UBND", reply_to=reminder)
    elif day == date(2024, 5, 23):
        await story.at(14, 0)
        await story.say("hung", "focal", f"/tiendo {_code(story, 'Sở Tài chính')} 80")
    elif day == LAST_DAY:
        story.transcript.heading(say(story.lang, "demo.scene.finale"))
        await story.at(10, 0)
        await story.say("ha", "coordination", "/status")
        await story.at(10, 10)
        await story.say("ha", "ha", "/report")
        await save_reports(story)


def first_with_buttons_or_last(messages: list[JSON]) -> JSON:
    with contextlib.suppress(LookupError):
        return first_with_buttons(messages)
    return messages[-1]


def _code(story: Story, agency: str) -> str:
    """The task code a focal point read for their agency in a reminder."""
    return story.task_codes[agency]


def learn_codes(message: JSON) -> dict[str, str]:
    """Agency name -> task code, as a reminder lists them (🏢 agency, then "T2 · ...")."""
    codes: dict[str, str] = {}
    agency = None
    for line in message_text(message).splitlines():
        if line.startswith("🏢 "):
            agency = line[2:].strip().removesuffix(" (tiếp)").removesuffix(" (continued)")
        found = _TASK_LINE.match(line)
        if found and agency:
            codes.setdefault(agency, found.group(1))
    return codes


async def save_reports(story: Story) -> None:
    """The documents the bot sent for /report, and the last chart, written to disk."""
    folder = story.report_dir
    folder.mkdir(parents=True, exist_ok=True)
    for message in await story.stage.api.messages(story.people["ha"].id):
        document = message.get("document")
        if document:
            path = folder / document["file_name"]
            path.write_bytes(await story.stage.api.download(document["file_id"]))
            story.report_files.append(path)


async def save_chart(story: Story, messages: list[JSON]) -> None:
    for message in messages:
        if message.get("photo"):
            day = story.local().strftime("%Y%m%d")
            path = story.report_dir / f"bieu-do-tong-hop_{day}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(await story.stage.api.download(message["photo"][-1]["file_id"]))
            story.report_files.append(path)


async def the_weeks(story: Story) -> None:
    """Working days from Tuesday 14/05 to LAST_DAY: sweep, people, digest."""
    day = date(2024, 5, 14)
    weekend_noted = False
    while day <= LAST_DAY:
        if not story.runtime.calendar.is_working_day(day):
            if not weekend_noted:
                story.transcript.note(say(story.lang, "demo.note.weekend"))
                weekend_noted = True
            day += timedelta(days=1)
            continue
        story.working_days += 1
        day_heading(story, day)
        await story.at(7, 59, day)
        reminders = await reminder_time(story)
        if reminders:
            story.last_reminder = reminders[-1]
            story.task_codes.update(learn_codes(reminders[-1]))
        await day_events(story, day)
        digest = await digest_time(story, full=day in FULL_DIGEST_DAYS)
        if day == LAST_DAY:
            await save_chart(story, digest)
        elif day == min(FULL_DIGEST_DAYS):
            story.transcript.note(say(story.lang, "demo.note.digest_brief"))
        day += timedelta(days=1)


def _shown(path: Path) -> str:
    with contextlib.suppress(ValueError):
        return str(path.relative_to(Path.cwd()))
    return str(path)


# -- the whole story ----------------------------------------------------------------------


async def build_stage(options: DemoOptions) -> tuple[Stage, dict[str, Person]]:
    """The sandbox with the cast, then the database and the bot (the officer is its admin)."""
    prepare_database_file(options.db_path)
    clock = ManualClock(START)
    placeholder = demo_settings(options.db_path, options.lang, [])
    runtime = Runtime(
        settings=placeholder, database=Database(placeholder.DATABASE_URL), clock=clock
    )
    stage = Stage(runtime, SandboxConfig())
    client = await stage.open_sandbox()
    people = {p.key: p for p in cast()}
    for person in people.values():
        user = await client.create_user(person.name, username=person.username)
        person.id = int(user["id"])
    runtime.settings = demo_settings(options.db_path, options.lang, [people["ha"].id])
    await upgrade(runtime.database)
    mark_database_file(options.db_path)
    await stage.start_bot()
    return stage, people


def new_transcript(
    stage: Stage, people: dict[str, Person], options: DemoOptions, out: TextIO
) -> Transcript:
    settings = stage.runtime.settings
    return Transcript(
        client=stage.api,
        lang=options.lang,
        timezone=settings.timezone,
        now=stage.clock.now,
        out=out,
        bot_name=stage.sandbox_config.bot_first_name,
        numbered=options.interactive,
        people={p.id: p.label(options.lang) for p in people.values()},
    )


def introduce(story: Story) -> None:
    settings = story.runtime.settings
    lang = story.lang
    t = story.transcript
    t.emit(say(lang, "demo.title"))
    t.note(
        say(
            lang,
            "demo.settings",
            days=", ".join(str(d) for d in settings.REMINDER_DAYS),
            time=settings.REMINDER_TIME,
            digest=settings.DIGEST_TIME,
            escalate=settings.ESCALATE_AFTER_DAYS,
            lang=lang,
        )
    )
    t.note(say(lang, "demo.cast"))
    for person in story.people.values():
        role = (
            say(lang, "demo.role.focal", agency=person.agency_name)
            if person.agency_code
            else say(lang, "demo.role.coordinator")
        )
        t.note(f"  {person.name} (@{person.username}): {role}")


async def prologue(story: Story) -> None:
    """Setup, invites and the directive: the part the interactive mode also plays."""
    introduce(story)
    await scene_setup(story)
    await scene_focal_group(story)
    await scene_invites(story)
    await scene_intake(story)


async def run_demo(options: DemoOptions) -> DemoResult:
    """The whole story (or, with `interactive`, the prologue and then a person typing)."""
    import sys

    out = options.out or sys.stdout
    started = time.monotonic()
    stage, people = await build_stage(options)
    try:
        story = Story(
            stage=stage,
            transcript=new_transcript(stage, people, options, out),
            people=people,
            lang=options.lang,
            report_dir=options.reports_dir,
        )
        if options.interactive:
            with story.transcript.briefly():
                await prologue(story)
        else:
            await prologue(story)
        if options.interactive:
            from bot.demo.interactive import play

            await play(story, options.stdin or sys.stdin)
        else:
            await the_weeks(story)
        epilogue(story, options, time.monotonic() - started)
        return DemoResult(
            seconds=time.monotonic() - started,
            working_days=story.working_days,
            db_path=options.db_path,
            report_files=list(story.report_files),
            transcript=list(story.transcript.lines),
        )
    finally:
        await stage.close()
        await stage.runtime.database.dispose()


def epilogue(story: Story, options: DemoOptions, seconds: float) -> None:
    lang = story.lang
    t = story.transcript
    t.heading(say(lang, "demo.note.files"))
    shown = _shown(options.db_path.resolve())
    t.note(say(lang, "demo.note.database", path=shown))
    t.note(say(lang, "demo.note.look", path=shown))
    if story.report_files:
        t.note(say(lang, "demo.note.reports", path=_shown(options.reports_dir.resolve())))
        for path in story.report_files:
            t.note(f"  {path.name}")
    t.note(say(lang, "demo.note.elapsed", days=story.working_days, seconds=f"{seconds:.1f}"))
