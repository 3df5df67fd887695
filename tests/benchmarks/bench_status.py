"""/status and /overdue at 10,000 tasks: what a coordinator waits for, on
SQLite and (with TEST_DATABASE_URL) PostgreSQL. Target: a median under 100 ms.

Each view is timed from the service call to the rendered message (the
figures statement, the roll-up, the page or the labels, the text and the
buttons); "/status command" adds what the handler does before it (who is
asking, what `/status` names). Telegram's round trip is not included.

On PostgreSQL the tables are VACUUM ANALYZEd after seeding, as autovacuum
does on a live database: with statistics the planner's estimates (and so its
plans, and whether it JIT-compiles a query) are the ones users get.

Wall time depends on what else runs on the machine, so each view also
reports the minimum and the CPU time of this process (all its threads,
including the SQLite driver's), the load average is printed, and a
calibration loop says how fast the machine is.

Run: .venv/bin/pytest tests/benchmarks/bench_status.py -s -p no:cacheprovider --override-ini addopts=
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Awaitable, Callable

from sqlalchemy import text

from bot.domain.rights import Role
from bot.runtime import Runtime
from bot.services import identity
from bot.services import overview as overview_service
from bot.services.overview import Scope, ViewOutcome
from handlers.status_view import render_markup, render_text
from storage.models import ChatPurpose
from storage.repositories import tasks as task_repository
from tests import factories
from tests.benchmarks.report import record
from tests.status_world import seeded_workspace

TASKS = 10_000
AGENCIES = 150
DIRECTIVES = 60
ROUNDS = 25
WARM_UP = 2
COORDINATOR = 5001
CHAT = -1005000000001


def _ms(samples: list[float]) -> tuple[float, float, float]:
    """(min, median, p95) in milliseconds."""
    ordered = sorted(samples)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return ordered[0] * 1000, statistics.median(ordered) * 1000, p95 * 1000


def _calibration() -> float:
    """CPU seconds of a fixed pure-Python loop: how fast this machine is."""
    began = time.process_time()
    total = 0
    for i in range(10_000_000):
        total += i
    return time.process_time() - began


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


async def _time(run: Callable[[], Awaitable[int]]) -> tuple[list[float], list[float], int]:
    """Wall and CPU seconds of ROUNDS runs after WARM_UP ones, and the last run's lines."""
    wall, cpu, lines = [], [], 0
    for _ in range(WARM_UP + ROUNDS):
        began, began_cpu = time.perf_counter(), time.process_time()
        lines = await run()
        wall.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
    return wall[WARM_UP:], cpu[WARM_UP:], lines


async def test_status_at_ten_thousand_tasks(runtime: Runtime) -> None:
    backend = "sqlite" if runtime.database.is_sqlite else "postgresql"
    started = time.perf_counter()
    seeded = await seeded_workspace(
        runtime.database, agencies=AGENCIES, directives=DIRECTIVES, tasks=TASKS
    )
    seeding = time.perf_counter() - started
    await factories.member(runtime.database, seeded.workspace_id, COORDINATOR, Role.COORDINATOR)
    await factories.chat(runtime.database, seeded.workspace_id, CHAT, ChatPurpose.COORDINATION)
    if not runtime.database.is_sqlite:  # what autovacuum does on a live database
        async with runtime.database.engine.connect() as connection:
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await autocommit.execute(text("VACUUM ANALYZE"))
    actor = await identity.actor_for(runtime, COORDINATOR, CHAT, private=False)
    calibration = _calibration()
    print(
        f"\n/status benchmark on {backend}: {TASKS} tasks, {AGENCIES} agencies, "
        f"{DIRECTIVES} directives (seeded in {seeding:.1f} s), {ROUNDS} rounds per view; "
        f"machine: a 10M-iteration Python loop takes {calibration:.2f} s of CPU; "
        f"load average {_load()}"
    )
    print(f"{'view':<24} {'min ms':>7} {'median':>7} {'p95':>7} {'CPU ms':>7} {'lines':>6}")
    record("status", "calibration: 10M-iteration Python loop", calibration * 1000, "ms CPU")

    async def figures() -> int:
        async with runtime.database.session() as session:
            counts = await task_repository.standing_counts(
                session, seeded.workspace_id, runtime.today(), by="directive"
            )
        assert sum(row.tasks for row in counts) == TASKS
        return len(counts)

    def view(scope: Scope, target: int) -> Callable[[], Awaitable[int]]:
        async def run() -> int:
            shown = await overview_service.overview(runtime, actor, scope, target)
            assert shown.outcome is ViewOutcome.OK
            assert render_text(runtime.language, shown)
            render_markup(runtime.language, shown, actor)
            return len(shown.groups) or len(shown.tasks)

        return run

    async def command() -> int:
        """What the /status handler runs: who asks, what they name, the view, the message."""
        asker = await identity.actor_for(runtime, COORDINATOR, CHAT, private=False)
        target = await overview_service.resolve_query(runtime, asker, "")
        shown = await overview_service.overview(runtime, asker, target.scope, target.target_id)
        assert render_text(runtime.language, shown)
        render_markup(runtime.language, shown, asker)
        return len(shown.groups)

    measures: list[tuple[str, Callable[[], Awaitable[int]], str]] = [
        ("figures statement only", figures, ""),
        ("workspace (/status)", view(Scope.WORKSPACE, 0), "< 100 ms"),
        ("/status command", command, "< 100 ms"),
        ("by agency", view(Scope.AGENCIES, 0), "< 100 ms"),
        ("one directive", view(Scope.DIRECTIVE, seeded.directive_ids[0]), "< 100 ms"),
        ("one agency", view(Scope.AGENCY, seeded.agency_ids[0]), "< 100 ms"),
        ("overdue (/overdue)", view(Scope.OVERDUE, 0), "< 100 ms"),
    ]
    for name, run, target in measures:
        wall, cpu, lines = await _time(run)
        low, median, p95 = _ms(wall)
        cpu_ms = statistics.median(cpu) * 1000
        print(f"{name:<24} {low:>7.1f} {median:>7.1f} {p95:>7.1f} {cpu_ms:>7.1f} {lines:>6}")
        record("status", f"{name}, 10k tasks ({backend}), median", median, "ms", target)
        record("status", f"{name}, 10k tasks ({backend}), min", low, "ms")
        record("status", f"{name}, 10k tasks ({backend}), CPU", cpu_ms, "ms")
    print(f"load average after: {_load()}")
