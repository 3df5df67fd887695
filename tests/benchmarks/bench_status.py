"""/status at 10,000 tasks: the time from the service call to the rendered
message (the facts query, the roll-up, the page's texts, the buttons), per
view, on SQLite and (with TEST_DATABASE_URL) PostgreSQL. Target: under 100 ms.

Wall time depends on what else runs on the machine, so each view also
reports the minimum and the CPU time of this process (all its threads,
including the SQLite driver's), and a calibration loop says how fast the
machine is.

Run: .venv/bin/pytest tests/benchmarks/bench_status.py -s -p no:cacheprovider --override-ini addopts=
"""

from __future__ import annotations

import statistics
import time

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


async def test_status_at_ten_thousand_tasks(runtime: Runtime) -> None:
    backend = "sqlite" if runtime.database.is_sqlite else "postgresql"
    started = time.perf_counter()
    seeded = await seeded_workspace(
        runtime.database, agencies=AGENCIES, directives=DIRECTIVES, tasks=TASKS
    )
    seeding = time.perf_counter() - started
    await factories.member(runtime.database, seeded.workspace_id, COORDINATOR, Role.COORDINATOR)
    await factories.chat(runtime.database, seeded.workspace_id, CHAT, ChatPurpose.COORDINATION)
    actor = await identity.actor_for(runtime, COORDINATOR, CHAT, private=False)
    calibration = _calibration()
    print(
        f"\n/status benchmark on {backend}: {TASKS} tasks, {AGENCIES} agencies, "
        f"{DIRECTIVES} directives (seeded in {seeding:.1f} s), {ROUNDS} rounds per view; "
        f"machine: a 10M-iteration Python loop takes {calibration:.2f} s of CPU"
    )
    print(f"{'view':<24} {'min ms':>7} {'median':>7} {'p95':>7} {'CPU ms':>7} {'lines':>6}")
    record("status", "calibration: 10M-iteration Python loop", calibration * 1000, "ms CPU")

    samples, cpu = [], []
    for _ in range(ROUNDS):
        began, began_cpu = time.perf_counter(), time.process_time()
        async with runtime.database.session() as session:
            rows = await task_repository.status_facts(session, seeded.workspace_id)
        samples.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
    assert len(rows) == TASKS
    low, median, p95 = _ms(samples)
    cpu_ms = statistics.median(cpu) * 1000
    print(
        f"{'facts query only':<24} {low:>7.1f} {median:>7.1f} {p95:>7.1f} {cpu_ms:>7.1f} "
        f"{len(rows):>6}"
    )
    record("status", f"facts query, 10k tasks ({backend}), median", median, "ms")

    views = [
        ("workspace (/status)", Scope.WORKSPACE, 0),
        ("by agency", Scope.AGENCIES, 0),
        ("one directive", Scope.DIRECTIVE, seeded.directive_ids[0]),
        ("one agency", Scope.AGENCY, seeded.agency_ids[0]),
        ("overdue (/overdue)", Scope.OVERDUE, 0),
    ]
    for name, scope, target in views:
        samples, cpu = [], []
        for _ in range(ROUNDS + 2):
            began, began_cpu = time.perf_counter(), time.process_time()
            view = await overview_service.overview(runtime, actor, scope, target)
            text = render_text(runtime.language, view)
            render_markup(runtime.language, view, actor)
            samples.append(time.perf_counter() - began)
            cpu.append(time.process_time() - began_cpu)
        assert view.outcome is ViewOutcome.OK and text
        low, median, p95 = _ms(samples[2:])  # two warm-up rounds
        cpu_ms = statistics.median(cpu[2:]) * 1000
        lines = len(view.groups) or len(view.tasks)
        print(f"{name:<24} {low:>7.1f} {median:>7.1f} {p95:>7.1f} {cpu_ms:>7.1f} {lines:>6}")
        record("status", f"{name}, 10k tasks ({backend}), median", median, "ms", "< 100 ms")
        record("status", f"{name}, 10k tasks ({backend}), min", low, "ms")
        record("status", f"{name}, 10k tasks ({backend}), CPU", cpu_ms, "ms")
