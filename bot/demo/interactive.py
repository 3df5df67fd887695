"""`nhacviec demo --interactive`: a person types instead of the script.

After the prologue (setup, invites, the directive), a prompt loop: choose who
you are and where you speak, type text or /commands, press buttons by their
number, move to the next working day (the reminder sweep runs at
REMINDER_TIME) or run the daily digest. The bot's answers are printed as in
the story. Input is read line by line, so a pipe drives it too:

    printf ':who\\n2\\n:next\\n:next\\n1\\n:quit\\n' | nhacviec demo --interactive
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, TextIO

from bot.demo.printer import JSON, say
from bot.sandbox import SandboxError
from jobs import digest as digest_job

if TYPE_CHECKING:
    from bot.demo.script import Story

WHO = (":ai", ":who")
WHERE = (":nhom", ":nhóm", ":chat")
NEXT_DAY = (":mai", ":next")
DIGEST = (":tonghop", ":tổnghợp", ":digest")
QUIT = (":thoat", ":thoát", ":quit", ":q")
REMINDER_PREFIXES = ("🔔", "⛔")


@dataclass
class Seat:
    """Who is typing, and where."""

    person: str
    chat: str


class Console:
    def __init__(self, story: Story, stdin: TextIO) -> None:
        self.story = story
        self.stdin = stdin
        self.seat = Seat("ha", "coordination")

    # -- input -------------------------------------------------------------------------

    async def read(self, prompt: str) -> str | None:
        """One line (None at the end of input); read in a thread so the bot keeps running.
        Piped input is echoed after the prompt, so the transcript shows what was typed."""
        transcript = self.story.transcript
        tty = self.stdin.isatty()
        if tty:
            transcript.out.write(prompt)
            transcript.out.flush()
        line = await asyncio.to_thread(self.stdin.readline)
        if not line:
            return None
        line = line.rstrip("\n")
        if tty:
            transcript.lines.append(prompt + line)
        else:
            transcript.emit(prompt + line)
        return line

    async def choose(self, title_key: str, options: list[tuple[str, str]]) -> str | None:
        """A numbered list; returns the chosen key (None at the end of input)."""
        lang = self.story.lang
        self.story.transcript.emit(say(lang, title_key))
        for number, (_, label) in enumerate(options, start=1):
            self.story.transcript.emit(f"  {number}. {label}")
        while True:
            line = await self.read("# ")
            if line is None:
                return None
            if line.strip().isdigit() and 1 <= int(line) <= len(options):
                return options[int(line) - 1][0]
            self.story.transcript.emit(say(lang, "demo.interactive.bad_choice"))

    # -- the loop ---------------------------------------------------------------------------

    async def run(self) -> None:
        story = self.story
        lang = story.lang
        story.transcript.emit(
            "", say(lang, "demo.interactive.intro", time=story.runtime.settings.REMINDER_TIME)
        )
        self.where_am_i()
        actions: dict[tuple[str, ...], Callable[[], object]] = {
            WHO: self.pick_person,
            WHERE: self.pick_chat,
            NEXT_DAY: self.next_day,
            DIGEST: self.digest,
        }
        while True:
            line = await self.read(self.prompt())
            if line is None or line.strip().lower() in QUIT:
                break
            command = line.strip().lower()
            action = next((a for names, a in actions.items() if command in names), None)
            if action is not None:
                result = action()
                if asyncio.iscoroutine(result):
                    await result
            elif command.isdigit():
                await self.press(int(command))
            elif command:
                await self.send(line.strip())
        story.transcript.emit(say(lang, "demo.interactive.bye"))

    def prompt(self) -> str:
        person = self.story.people[self.seat.person]
        return say(
            self.story.lang, "demo.interactive.prompt", name=person.name, chat=self.chat_name()
        )

    def chat_name(self) -> str:
        return self.story.transcript.chat_label(self.story.chat_id(self.seat.chat))

    def where_am_i(self) -> None:
        story = self.story
        stamp = story.local().strftime("%H:%M %d/%m/%Y")
        person = story.people[self.seat.person]
        story.transcript.emit(
            say(
                story.lang,
                "demo.interactive.now",
                name=person.name,
                chat=self.chat_name(),
                time=stamp,
            )
        )

    async def pick_person(self) -> None:
        options = [(key, p.label(self.story.lang)) for key, p in self.story.people.items()]
        chosen = await self.choose("demo.interactive.people", options)
        if chosen is None:
            return
        self.seat.person = chosen
        if self.seat.chat in self.story.people:  # a private chat follows its person
            self.seat.chat = chosen
        self.where_am_i()

    async def pick_chat(self) -> None:
        story = self.story
        options = [
            (key, story.transcript.chat_label(chat_id)) for key, chat_id in story.chats.items()
        ]
        me = self.seat.person
        options.append((me, story.transcript.chat_label(story.people[me].id)))
        chosen = await self.choose("demo.interactive.chats", options)
        if chosen is not None:
            self.seat.chat = chosen
            self.where_am_i()

    # -- acting ---------------------------------------------------------------------------

    async def send(self, text: str) -> None:
        """Text as the seated person: in a group, a reply to the bot's latest
        reminder there (or its latest message), as a group member would do."""
        story = self.story
        chat_id = story.chat_id(self.seat.chat)
        reply_to = None
        if chat_id < 0 and not text.startswith("/"):
            reply_to = await self.reply_target(chat_id)
        await story.later(1)
        try:
            await story.say(self.seat.person, self.seat.chat, text, reply_to=reply_to)
        except SandboxError as refused:
            story.transcript.emit(say(story.lang, "demo.interactive.refused", error=str(refused)))

    async def reply_target(self, chat_id: int) -> JSON | None:
        messages = await self.story.stage.api.messages(chat_id)
        live = [m for m in messages if not m.get("deleted")]
        reminders = [m for m in live if (m.get("text") or "").startswith(REMINDER_PREFIXES)]
        if reminders:
            return reminders[-1]
        return live[-1] if live else None

    async def press(self, number: int) -> None:
        story = self.story
        chat_id = story.chat_id(self.seat.chat)
        message = story.transcript.last_with_buttons(chat_id)
        if message is None:
            story.transcript.emit(say(story.lang, "demo.interactive.no_buttons"))
            return
        current = await story.current(chat_id, message["message_id"])
        buttons = [
            b for row in (current.get("reply_markup") or {}).get("inline_keyboard", []) for b in row
        ]
        if not 1 <= number <= len(buttons):
            story.transcript.emit(say(story.lang, "demo.interactive.bad_number", number=number))
            return
        wanted = buttons[number - 1]["callback_data"]
        await story.later(1)
        try:
            await story.press(
                self.seat.person, self.seat.chat, current, lambda _label, data: data == wanted
            )
        except SandboxError as refused:
            story.transcript.emit(say(story.lang, "demo.interactive.refused", error=str(refused)))

    async def next_day(self) -> None:
        """The next working day, at the reminder time: the sweep runs."""
        from bot.demo.script import day_heading, reminder_time

        story = self.story
        day = story.local().date() + timedelta(days=1)
        while not story.runtime.calendar.is_working_day(day):
            day += timedelta(days=1)
        day_heading(story, day)
        await story.at(7, 59, day)
        story.working_days += 1
        await reminder_time(story)

    async def digest(self) -> None:
        story = self.story
        at = story.runtime.settings.digest_time
        if (story.local().hour, story.local().minute) < (at.hour, at.minute):
            await story.at(at.hour, at.minute)
        story.transcript.note(
            say(story.lang, "demo.note.digest", time=story.local().strftime("%H:%M"))
        )
        await story.run_job(digest_job.daily)


async def play(story: Story, stdin: TextIO) -> None:
    await Console(story, stdin).run()
