"""1,000 malformed or hostile updates, generated from a seed.

Every one comes from someone with no right to change anything it names —
a stranger in the focal points' group, a focal point of another province
sitting in that group too, a focal point naming another agency's or another
workspace's task, a coordinator pressing forged buttons that name another
workspace's objects — so after all of them the data must be exactly as
before (only refusals are added to the audit log).

Kinds: huge and strange texts (commands, replies to the bot, private
messages), forged callback data (garbage, malformed, well-formed naming
another workspace), unknown and malformed commands, files of the wrong type
or too big.
"""

from __future__ import annotations

import random
import string
from collections import Counter
from dataclasses import dataclass

MAX_TEXT = 4096
MAX_CALLBACK_BYTES = 64
TOO_BIG = 21 * 1024 * 1024  # over the Bot API's 20 MB download limit

ACTORS = ("stranger", "other_focal", "focal", "coordinator")
JUNK = (
    "'; DROP TABLE task; --",
    "<b>không đóng thẻ",
    "<script>alert(1)</script>",
    "%s %d {0} {code}",
    "\u202etrái sang phải\u202c",
    "\u200b\u200c\u200d\ufeff",
    "Z\u0351\u0300\u0301\u0302a\u0303\u0304l\u0305g\u0306o",
    "🔔⛔✅⚠️📅" * 20,
    "đã xong đâu mà xong",
    "../../etc/passwd",
    "T" + "9" * 40,
)


@dataclass(frozen=True, slots=True)
class Targets:
    """Ids the forged updates name: the other workspace's, and ones that do not exist."""

    own_workspace: int
    foreign_workspace: int
    foreign_tasks: tuple[int, ...]
    foreign_agency: int
    foreign_member: int
    foreign_request: int
    other_agency_codes: tuple[str, ...]  # task codes of agencies the focal point is not in
    foreign_codes: tuple[str, ...]  # task codes that exist only in the other workspace


@dataclass(frozen=True, slots=True)
class Hostile:
    """One update to send.

    kind: "command" | "reply" (to the bot's latest reminder) | "private" |
    "press" (a forged button on the bot's latest message) | "file".
    """

    category: str
    kind: str
    actor: str
    text: str = ""
    data: str = ""
    file_name: str = ""
    file_size: int = 0
    mime_type: str = ""


def _junk(rng: random.Random, size: int) -> str:
    alphabet = string.ascii_letters + "ăâđêôơưáàảãạếềểễệốồổỗộớờởỡợúùủũụ0123456789 .,:;!?/\\\n"
    pieces = [rng.choice(JUNK) if rng.random() < 0.2 else rng.choice(alphabet) for _ in range(size)]
    return "".join(pieces)[:size]


def _huge(rng: random.Random, actor: str, targets: Targets) -> Hostile:
    """A text at or near Telegram's 4096-character limit.

    Outsiders send it anywhere (a command, a reply to the bot, a private
    message); the workspace's own focal point only as a command naming a
    task that is not theirs, since free text from them may be a real answer.
    """
    size = rng.choice((MAX_TEXT, MAX_TEXT - 1, 3000, 4000))
    body = _junk(rng, size)
    if actor == "focal":
        command = rng.choice(("/xong", "/tiendo", "/vuong", "/giahan"))
        code = rng.choice(targets.other_agency_codes + targets.foreign_codes)
        return Hostile("huge text", "command", actor, text=f"{command} {code} {body}"[:MAX_TEXT])
    # Only a stranger writes privately: in private, the other province's focal
    # point speaks for their own workspace, where an answer is legitimate.
    kind = rng.choice(
        ("command", "reply", "private") if actor == "stranger" else ("command", "reply")
    )
    if kind == "command":
        command = rng.choice(("/xong", "/tiendo", "/vuong", "/giahan", "/status", "/tasks"))
        body = f"{command} {body}"
    return Hostile("huge text", kind, actor, text=body[:MAX_TEXT].strip() or "x")


def _garbage_data(rng: random.Random) -> str:
    choice = rng.random()
    if choice < 0.3:
        size = rng.randint(1, MAX_CALLBACK_BYTES)
        return "".join(rng.choice(string.printable.strip()) for _ in range(size))
    if choice < 0.6:
        prefix = rng.choice(("t", "s", "su", "iv", "ag", "in", "s:v", "s:x", "s:c", "s:k"))
        tail = rng.choice(("", ":", "::", ":-1", ":0", ":x:y:z", ":1e9", ":" + "9" * 25, ":１"))
        return (prefix + tail)[:MAX_CALLBACK_BYTES]
    return rng.choice(("", " ", "null", "undefined", "t:1:d:extra:fields:here", "🔔"))[:20] or "?"


def _forged(rng: random.Random, targets: Targets) -> str:
    """Well-formed data naming objects of the other workspace (or none at all)."""
    task = rng.choice((*targets.foreign_tasks, 987654321))
    ws, agency = targets.foreign_workspace, targets.foreign_agency
    options = (
        f"t:{task}:d",
        f"t:{task}:p",
        f"t:{task}:p:50",
        f"t:{task}:b",
        f"t:{task}:e",
        f"t:{task}:u:{rng.randint(1, 10**6)}",
        f"s:xa:{targets.foreign_request}",
        f"s:xd:{targets.foreign_request}",
        f"s:v:w:{ws}:0",
        f"s:v:A:{agency}:0",
        f"s:c:{rng.randint(1, 10**6)}:{task}",
        f"s:k:{rng.randint(1, 10**6)}:d",
        "su:n",
        f"su:w:{ws}",
        f"su:c:{ws}",
        f"su:f:{ws}",
        f"su:A:{ws}:{agency}",
        f"iv:a:{ws}:{agency}",
        f"iv:r:{ws}:{targets.foreign_member}",
        f"iv:p:{ws}:0",
        f"ag:p:{ws}:0",
        f"in:{rng.randint(1, 10**6)}:1:s",
        f"in:{rng.randint(1, 10**6)}:0:g:1:0:{agency}",
    )
    return rng.choice(options)


def _press(rng: random.Random, actor: str, targets: Targets) -> Hostile:
    if rng.random() < 0.4:
        return Hostile("bad callback data", "press", actor, data=_garbage_data(rng))
    return Hostile("forged callback data", "press", actor, data=_forged(rng, targets))


def _command(rng: random.Random, actor: str, targets: Targets) -> Hostile:
    other = rng.choice(targets.other_agency_codes)
    foreign = rng.choice(targets.foreign_codes)
    texts = (
        f"/{rng.choice(('foo', 'xoa', 'delete', 'admin', 'sudo', 'drop', 'x' * 60))}",
        f"/{''.join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(1, 32)))}",
        "/xong@other_bot T1",
        f"/xong {other}",
        f"/done {foreign}",
        f"/tiendo {other} 60",
        f"/tiendo {other} -5",
        f"/tiendo {other} 1000%",
        f"/vuong {other} chưa có số liệu",
        f"/giahan {other} 31/02/2024",
        f"/giahan {foreign} 30/6",
        f"/xong T{rng.randint(10**5, 10**6 - 1)}",  # a code as long as codes go, naming nothing
        "/join AAAAAAAA",
        "/join " + "Z" * 200,
        "/invite STP",
        "/remove STP",
        "/agencies add X Cơ quan giả",
        "/setup",
        "/new",
        "/report",
        "/digest",
        "/tonghop",
    )
    if actor == "coordinator":  # a coordinator may do most of these: keep to the harmless
        texts = ("/foo", "/xong@other_bot T1", f"/done {foreign}", f"/giahan {foreign} 30/6")
    return Hostile("unknown or malformed command", "command", actor, text=rng.choice(texts))


def _file(rng: random.Random, actor: str, *, big: bool) -> Hostile:
    name, mime = rng.choice(
        (
            ("virus.exe", "application/x-msdownload"),
            ("archive.zip", "application/zip"),
            ("anh.png", "image/png"),
            ("bao-cao.docx", "application/octet-stream"),  # not a docx inside
            ("bao-cao.pdf", "application/pdf"),  # not a pdf inside
            ("script.sh", "text/x-shellscript"),
            ("no-extension", "application/octet-stream"),
        )
    )
    size = TOO_BIG if big else rng.choice((1, 17, 1024, 300_000))
    caption = rng.choice(("", "/new", "/xong T1", "đã xong", "/vanban", _junk(rng, 900)))
    return Hostile(
        "file of the wrong type or size",
        "file",
        actor,
        text=caption.strip(),
        file_name=name,
        file_size=size,
        mime_type=mime,
    )


def hostile_updates(targets: Targets, *, count: int = 1000, seed: int = 8) -> list[Hostile]:
    """`count` updates: about 35% callback data, 30% commands, 15% huge texts, 20% files.

    What each actor may send keeps the promise that nothing changes: the
    workspace's own coordinator only presses forged or garbage buttons and
    sends commands naming nothing of theirs; its own focal point sends no
    free text and no files (those may be real answers). At most two files
    are over the download limit (they are slow to upload): the first two.
    """
    rng = random.Random(seed)
    updates: list[Hostile] = []
    big_files = 0
    while len(updates) < count:
        roll = rng.random()
        actor = rng.choice(ACTORS)
        if roll < 0.35:
            update = _press(rng, actor, targets)
        elif actor == "coordinator":
            update = _command(rng, actor, targets)
        elif roll < 0.50:
            update = _huge(rng, actor, targets)
        elif roll < 0.80 or actor == "focal":
            update = _command(rng, actor, targets)
        else:
            # a stranger or the other province's focal point; the first two files are too big
            update = _file(rng, actor, big=big_files < 2)
            big_files += 1
        updates.append(update)
    return updates


def census(updates: list[Hostile]) -> Counter[str]:
    return Counter(u.category for u in updates)
