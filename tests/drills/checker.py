"""Exactly-once checks, against the database AND the sandbox's record.

Inputs are plain values (rows read from the database, messages read from
the sandbox), so the rules are tested without a bot:

- a reminder delivery is one reminder (task, kind, day) to one chat. In the
  sandbox it is a bot message in that chat, on that simulated day, with a
  button row for the task; the escalation (⛔) is told apart from the others
  (🔔) because it may go out the same day to another chat.
- 'sent' must be in the sandbox under the message id the database recorded.
  A send whose answer never came (an acknowledgement lost, a crash between
  send and record) is sent again later, labelled as a repeat: so a second
  copy is allowed only when it is labelled and the delivery was in doubt,
  and it is counted (`repeated_twice`). An unlabelled second copy is a
  duplicate. 'unknown' (still no answer after the last try) is counted as
  arrived or not; 'failed' and 'cancelled' never arrive; nothing may be left
  'pending' or 'sending'; nothing may be in the sandbox that the database
  does not know (a phantom).
- replies: every answer a focal point gave is a status update, once.
- digests: one per working day, never twice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

Key = tuple[int, int, date, bool]  # chat, task, day, escalation


@dataclass(frozen=True, slots=True)
class DeliveryRow:
    task_id: int
    chat_id: int
    kind: str
    day: date
    state: str
    message_id: int | None = None
    doubtful_sends: int = 0  # sends whose answer never came

    @property
    def key(self) -> Key:
        return (self.chat_id, self.task_id, self.day, self.kind == "escalation")


@dataclass(frozen=True, slots=True)
class SeenReminder:
    """A reminder message in the sandbox: where, when (simulated day), which tasks."""

    chat_id: int
    message_id: int
    day: date
    escalation: bool
    task_ids: tuple[int, ...]
    repeats: tuple[int, ...] = ()  # tasks labelled as sent again (a send got no answer)


@dataclass
class ReminderTally:
    due: int = 0  # outbox rows: (task, kind, day) the bot found due
    deliveries: int = 0  # one per target chat
    sent: int = 0  # recorded sent and in the sandbox, under that message id
    once: int = 0  # ... and there exactly once
    repeated: int = 0  # sent again after a send that got no answer
    repeated_twice: int = 0  # ... whose first copy had arrived (the repeat is labelled)
    duplicates: int = 0  # a (chat, task, day) in the sandbox more than once, unlabelled
    lost: int = 0  # due and neither delivered nor reported
    unknown: int = 0  # recorded 'unknown' (reported to the admins)
    unknown_arrived: int = 0  # ... and the sandbox has it (an ack lost)
    unknown_not_arrived: int = 0  # ... and the sandbox does not (dropped before Telegram)
    failed: int = 0  # given up and reported
    cancelled: int = 0  # withdrawn before sending (the task was closed)
    phantom: int = 0  # in the sandbox, unknown to the database
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.duplicates or self.lost or self.phantom or self.problems)


def tally_reminders(
    deliveries: Sequence[DeliveryRow],
    seen: Sequence[SeenReminder],
    *,
    due: int,
    expected_missing: Iterable[object] = (),
) -> ReminderTally:
    """Compare the database's deliveries with the sandbox's reminder messages.

    `expected_missing`: reminders an independent plan says were due and the
    outbox does not have (each one is lost).
    """
    tally = ReminderTally(due=due, deliveries=len(deliveries))
    found: dict[Key, list[int]] = {}
    labelled: dict[Key, int] = {}
    for message in seen:
        for task_id in message.task_ids:
            key = (message.chat_id, task_id, message.day, message.escalation)
            found.setdefault(key, []).append(message.message_id)
            labelled[key] = labelled.get(key, 0) + (task_id in message.repeats)
    tally.duplicates = sum(
        max(len(ids) - labelled.get(key, 0), 1) - 1 for key, ids in found.items()
    )
    known: set[Key] = set()
    for row in deliveries:
        known.add(row.key)
        copies = found.get(row.key, [])
        tally.repeated += bool(row.doubtful_sends)
        if labelled.get(row.key) and not row.doubtful_sends:
            tally.problems.append(f"labelled a repeat, never in doubt: {row}")
        if row.state == "sent":
            if row.message_id in copies:
                tally.sent += 1
                tally.once += len(copies) == 1
                tally.repeated_twice += len(copies) > 1 and bool(labelled.get(row.key))
            elif not copies:
                tally.lost += 1
                tally.problems.append(f"recorded sent, not in the sandbox: {row}")
            elif row.message_id not in copies:
                tally.problems.append(f"recorded under another message id: {row} vs {copies}")
        elif row.state == "unknown":
            tally.unknown += 1
            if copies:
                tally.unknown_arrived += 1
            else:
                tally.unknown_not_arrived += 1
        elif row.state in ("failed", "cancelled"):
            setattr(tally, row.state, getattr(tally, row.state) + 1)
            if copies:
                tally.problems.append(f"{row.state} but delivered: {row}")
        else:
            tally.lost += 1
            tally.problems.append(f"left {row.state}: {row}")
    tally.phantom = sum(1 for key in found if key not in known)
    if tally.phantom:
        strays = [key for key in found if key not in known][:5]
        tally.problems.append(
            f"{tally.phantom} reminder(s) in the sandbox the database lacks: {strays}"
        )
    missing = list(expected_missing)
    if missing:
        tally.lost += len(missing)
        tally.problems.append(f"due by the policy, never planned: {missing[:5]}")
    return tally


@dataclass(frozen=True, slots=True)
class Update:
    """A status change: expected from the drill's ledger, or read from the database."""

    task_id: int
    kind: str
    by_user: int


@dataclass
class ReplyTally:
    sent: int = 0
    recorded: int = 0
    missing: list[Update] = field(default_factory=list)
    extra: list[Update] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.missing and not self.extra


def tally_replies(expected: Sequence[Update], recorded: Sequence[Update]) -> ReplyTally:
    """Every answer recorded once: the two multisets are equal."""
    want, have = Counter(expected), Counter(recorded)
    return ReplyTally(
        sent=len(expected),
        recorded=sum((want & have).values()),
        missing=list((want - have).elements()),
        extra=list((have - want).elements()),
    )


@dataclass(frozen=True, slots=True)
class DigestRow:
    day: date
    state: str
    message_ids: tuple[int, ...] = ()


@dataclass
class DigestTally:
    days: int = 0
    sent: int = 0  # one digest that day, the one the database recorded
    repeated: int = 0  # ... sent again, labelled, after a send that got no answer
    twice: int = 0  # days with more than one unlabelled digest
    missing: int = 0  # working days without a digest (and none in doubt)
    unknown: int = 0  # 'unknown' days (a send whose fate was not known)
    unknown_arrived: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.twice or self.missing or self.problems)


def tally_digests(
    days: Sequence[date],
    rows: Sequence[DigestRow],
    seen: dict[date, list[int]],
    repeats: dict[date, list[int]] | None = None,
) -> DigestTally:
    """`seen`: the day's digest headers (first parts) in the coordination chat;
    `repeats`: those labelled as sent again (a send got no answer)."""
    tally = DigestTally(days=len(days))
    by_day = {row.day: row for row in rows}
    for day in days:
        row, headers = by_day.get(day), seen.get(day, [])
        copies = headers + (repeats or {}).get(day, [])
        if len(headers) > 1:
            tally.twice += 1
            tally.problems.append(f"{day}: {len(headers)} digests")
        if row is None:
            tally.missing += 1
            tally.problems.append(f"{day}: no digest row")
        elif row.state == "sent":
            if len(headers) <= 1 and any(i in row.message_ids for i in copies):
                tally.sent += 1
                tally.repeated += len(copies) > len(headers)
            elif not copies:
                tally.missing += 1
                tally.problems.append(f"{day}: recorded sent, not in the sandbox")
        elif row.state == "unknown":
            tally.unknown += 1
            tally.unknown_arrived += 1 if copies else 0
        else:
            tally.missing += 1
            tally.problems.append(f"{day}: left {row.state}")
    extra = sorted(set(seen) - set(days))
    if extra:
        tally.problems.append(f"digests on days off: {extra}")
    return tally


def results_table(
    name: str,
    reminders: ReminderTally,
    replies: ReplyTally,
    digests: DigestTally,
    extra: Sequence[tuple[str, object]] = (),
) -> str:
    """The drill results as a Markdown table (printed by the drill, kept in the report)."""
    rows: list[tuple[str, object]] = [
        ("reminders due (outbox rows)", reminders.due),
        ("reminder deliveries (one per chat)", reminders.deliveries),
        ("sent and received", reminders.sent),
        ("  of which exactly once", reminders.once),
        ("sent again after a send that got no answer", reminders.repeated),
        ("  of which arrived twice, the repeat labelled", reminders.repeated_twice),
        ("duplicates (unlabelled)", reminders.duplicates),
        ("lost", reminders.lost),
        ("unknown after the last try (reported to admins)", reminders.unknown),
        ("  of which arrived (ack lost)", reminders.unknown_arrived),
        ("  of which never arrived", reminders.unknown_not_arrived),
        ("failed (reported)", reminders.failed),
        ("cancelled (task closed first)", reminders.cancelled),
        ("phantom (sent, not recorded)", reminders.phantom),
        ("replies sent", replies.sent),
        ("replies recorded once", replies.recorded),
        ("working days", digests.days),
        ("digests sent once", digests.sent),
        ("  of which sent again, labelled", digests.repeated),
        ("digests twice", digests.twice),
        ("digests missing", digests.missing),
        ("digests unknown (reported)", digests.unknown),
        *extra,
    ]
    lines = [f"| {name} | count |", "| --- | --- |"]
    lines += [f"| {label} | {value} |" for label, value in rows]
    return "\n".join(lines)
