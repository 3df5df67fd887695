"""The fault drills' frame without a bot: the fault plan's shape, the
exactly-once checker on hand-made records, the hostile update generator."""

from __future__ import annotations

from datetime import date, time

from bot.domain.calendar import WorkingCalendar
from tests.drills.checker import (
    DeliveryRow,
    DigestRow,
    SeenReminder,
    Update,
    results_table,
    tally_digests,
    tally_reminders,
    tally_replies,
)
from tests.drills.hostile import (
    MAX_CALLBACK_BYTES,
    MAX_TEXT,
    TOO_BIG,
    Targets,
    census,
    hostile_updates,
)
from tests.drills.schedule import month_plan, working_days

MON = date(2024, 6, 3)
GROUP, COORD = -100, -200


def test_the_month_plan_is_five_percent_faults_storms_an_outage_and_five_restarts() -> None:
    plan = month_plan(22)
    assert round(plan.fault_rate, 6) == 0.05
    assert len(plan.restarts) == 5 and sum(r.crash for r in plan.restarts) == 2
    assert any(r.replies_while_down for r in plan.restarts)
    assert plan.outage is not None and plan.outage.seconds == 600
    assert plan.outage.start < time(8, 0)  # it covers the morning sweep
    assert len(plan.storms) == 3
    days = {r.day for r in plan.restarts} | {s.day for s in plan.storms} | {plan.outage.day}
    assert all(0 <= d < 22 for d in days)
    assert plan.outage_on(plan.outage.day) is plan.outage and plan.outage_on(0) is None
    assert len(days) == 9, "no two events share a day"


def test_twenty_two_working_days_from_june_3_2024() -> None:
    days = working_days(MON, 22, WorkingCalendar())
    assert days[0] == MON and days[-1] == date(2024, 7, 2) and len(set(days)) == 22
    assert all(d.weekday() < 5 for d in days)


def row(task: int, state: str, message: int | None = None, **kw: object) -> DeliveryRow:
    values: dict[str, object] = {"chat_id": GROUP, "kind": "before", "day": MON} | kw
    return DeliveryRow(
        task,
        values["chat_id"],  # type: ignore[arg-type]
        str(values["kind"]),
        values["day"],  # type: ignore[arg-type]
        state,
        message,
        int(values.get("doubtful_sends", 0)),  # type: ignore[call-overload]
    )


def seen(message: int, *tasks: int, escalation: bool = False, chat: int = GROUP) -> SeenReminder:
    return SeenReminder(chat, message, MON, escalation, tasks)


def test_sent_once_under_the_recorded_id_is_the_only_clean_outcome() -> None:
    tally = tally_reminders(
        [row(1, "sent", 10), row(2, "sent", 10), row(3, "sent", 11)],
        [seen(10, 1, 2), seen(11, 3)],
        due=3,
    )
    assert (tally.sent, tally.duplicates, tally.lost, tally.phantom) == (3, 0, 0, 0)
    assert tally.ok


def test_duplicates_losses_phantoms_and_leftovers_are_each_caught() -> None:
    tally = tally_reminders(
        [
            row(1, "sent", 10),  # arrives twice
            row(2, "sent", 12),  # recorded, never arrived
            row(3, "pending"),  # left behind
            row(4, "cancelled"),  # withdrawn, yet delivered
        ],
        [seen(10, 1), seen(11, 1, 4), seen(13, 9)],  # 9: nobody recorded it
        due=4,
        expected_missing=[("task 5", "due", MON)],
    )
    assert tally.duplicates == 1
    assert tally.lost == 3  # 2 (not there), 3 (pending), 5 (never planned)
    assert tally.phantom == 1 and tally.cancelled == 1
    assert any("cancelled but delivered" in p for p in tally.problems)
    assert not tally.ok


def test_unknown_is_counted_apart_as_arrived_or_not_and_escalations_are_told_apart() -> None:
    tally = tally_reminders(
        [
            row(1, "unknown"),
            row(2, "unknown"),
            row(1, "sent", 20, kind="escalation", chat_id=COORD),
        ],
        [seen(10, 1), seen(20, 1, escalation=True, chat=COORD)],
        due=3,
    )
    assert (tally.unknown, tally.unknown_arrived, tally.unknown_not_arrived) == (2, 1, 1)
    assert tally.sent == 1 and tally.ok


def test_a_second_copy_is_allowed_only_as_a_labelled_repeat_of_a_doubtful_send() -> None:
    def again(message: int, *tasks: int) -> SeenReminder:
        return SeenReminder(GROUP, message, MON, False, tasks, repeats=tasks)

    doubtful = [row(1, "sent", 11, doubtful_sends=1), row(2, "sent", 11, doubtful_sends=1)]
    # Task 1's first copy arrived (its answer was lost); task 2's never did.
    tally = tally_reminders(doubtful, [seen(10, 1), again(11, 1, 2)], due=2)
    assert (tally.sent, tally.once, tally.repeated, tally.repeated_twice) == (2, 1, 2, 1)
    assert tally.duplicates == 0 and tally.ok

    unlabelled = tally_reminders(doubtful, [seen(10, 1), seen(11, 1, 2)], due=2)
    assert unlabelled.duplicates == 1 and not unlabelled.ok

    never_in_doubt = tally_reminders([row(1, "sent", 11)], [seen(10, 1), again(11, 1)], due=1)
    assert any("never in doubt" in p for p in never_in_doubt.problems)


def test_replies_are_recorded_once_each() -> None:
    expected = [Update(1, "done", 7), Update(2, "in_progress", 8), Update(2, "in_progress", 8)]
    assert tally_replies(expected, list(expected)).ok
    short = tally_replies(expected, expected[:2])
    assert short.recorded == 2 and short.missing == [Update(2, "in_progress", 8)]
    doubled = tally_replies(expected[:1], expected[:1] * 2)
    assert doubled.extra == [Update(1, "done", 7)] and not doubled.ok


def test_one_digest_a_day_never_two() -> None:
    days = [MON, date(2024, 6, 4), date(2024, 6, 5)]
    rows = [
        DigestRow(MON, "sent", (5, 6)),
        DigestRow(days[1], "unknown"),
        DigestRow(days[2], "sent", (9,)),
    ]
    tally = tally_digests(days, rows, {MON: [5], days[2]: [9, 12]})
    assert (tally.sent, tally.unknown, tally.twice) == (1, 1, 1)
    assert not tally.ok
    assert tally_digests(days[:1], rows[:1], {MON: [5]}).ok


def test_a_labelled_repeat_of_the_digest_is_not_a_second_digest() -> None:
    days = [MON, date(2024, 6, 4)]
    rows = [DigestRow(MON, "sent", (7,)), DigestRow(days[1], "sent", (9,))]
    # Monday: the first send arrived (its answer was lost), the repeat says so;
    # Tuesday: only the repeat arrived.
    tally = tally_digests(days, rows, {MON: [5]}, {MON: [7], days[1]: [9]})
    assert (tally.sent, tally.repeated, tally.twice, tally.missing) == (2, 2, 0, 0)
    assert tally.ok
    assert not tally_digests(days[:1], rows[:1], {MON: [5, 7]}).ok  # unlabelled: twice


def test_the_results_table_has_the_figures_the_note_asks_for() -> None:
    table = results_table(
        "SQLite",
        tally_reminders([row(1, "sent", 10)], [seen(10, 1)], due=1),
        tally_replies([], []),
        tally_digests([], [], {}),
    )
    for label in ("reminders due", "duplicates", "lost", "unknown", "replies recorded", "digests"):
        assert label in table


TARGETS = Targets(
    own_workspace=1,
    foreign_workspace=2,
    foreign_tasks=(101, 102),
    foreign_agency=55,
    foreign_member=66,
    foreign_request=77,
    other_agency_codes=("T3", "T4"),
    foreign_codes=("T40", "T41"),
)


def test_a_thousand_hostile_updates_of_every_kind_within_telegrams_limits() -> None:
    updates = hostile_updates(TARGETS)
    assert len(updates) == 1000
    assert updates == hostile_updates(TARGETS), "the same seed gives the same updates"
    kinds = census(updates)
    assert set(kinds) == {
        "huge text",
        "bad callback data",
        "forged callback data",
        "unknown or malformed command",
        "file of the wrong type or size",
    }
    assert all(n >= 80 for n in kinds.values()), kinds
    assert all(len(u.text) <= MAX_TEXT for u in updates)
    assert all(0 < len(u.data.encode()) <= MAX_CALLBACK_BYTES for u in updates if u.kind == "press")
    assert sum(u.file_size == TOO_BIG for u in updates) == 2
    forged = [u.data for u in updates if u.category == "forged callback data"]
    assert any(d.startswith("t:101:") or d.startswith("t:102:") for d in forged)
    assert any(d.startswith("s:xa:77") for d in forged)


def test_the_workspaces_own_people_never_send_what_could_be_a_real_answer() -> None:
    for update in hostile_updates(TARGETS):
        if update.actor in ("focal", "coordinator"):
            assert update.kind in ("press", "command"), update
        if update.actor == "coordinator" and update.category == "forged callback data":
            fields = update.data.split(":")
            if update.data.startswith(("su:w:", "su:c:", "su:f:", "su:A:", "iv:", "ag:")):
                assert fields[2] == "2", update.data  # the other workspace, never its own
            if update.data.startswith("s:v:w:"):
                assert fields[3] == "2", update.data
        if update.kind == "private":
            assert update.actor == "stranger"
        if update.actor == "focal" and update.text.startswith(
            ("/xong", "/tiendo", "/vuong", "/giahan")
        ):
            words = update.text.split()
            if "@" not in words[0] and len(words) > 1:  # /cmd@other_bot is not ours to read
                assert words[1] not in ("T1", "T2"), update.text[:40]
