"""The sliding-window rate limiter (bot/rate_limit.py) on virtual time.

The limiter's clock and sleep are a VirtualTime: sleeping registers a timer,
and time jumps to the earliest timer only once every task is waiting, so the
admission times are exact and the tests do not depend on the machine's load.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections import Counter
from collections.abc import Callable, Coroutine, Iterable
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.rate_limit import (
    GROUP,
    OVERALL,
    PRIVATE,
    Limit,
    SlidingWindowRateLimiter,
    sends_a_message,
)
from bot.sandbox.limits import RateLimiter, RateLimits

# PTB 22 warns when RetryAfter.retry_after is read as an int.
pytestmark = pytest.mark.filterwarnings(
    "ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning"
)


async def settle() -> None:
    """Let every runnable task run until each one waits or has finished.

    The event loop's ready queue (private, but exact for code without I/O) is
    empty exactly then; a bound keeps a livelock from hanging the test.
    """
    loop = asyncio.get_running_loop()
    for _ in range(100_000):
        await asyncio.sleep(0)
        if not loop._ready:  # type: ignore[attr-defined]
            return
    raise AssertionError("tasks keep running without time passing")


class VirtualTime:
    def __init__(self) -> None:
        self.now = 0.0
        self._timers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def clock(self) -> float:
        return self.now

    async def sleep(self, delay: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._timers, (self.now + max(delay, 0.0), next(self._order), future))
        await future

    async def run(self, coroutines: Iterable[Coroutine[Any, Any, Any]]) -> list[Any]:
        tasks = [asyncio.ensure_future(c) for c in coroutines]
        while True:
            await settle()
            if all(task.done() for task in tasks):
                failures = [task.exception() for task in tasks]  # every one retrieved
                for failure in failures:
                    if failure is not None:
                        raise failure
                return [task.result() for task in tasks]
            assert self._timers, "every task waits and no timer is set: a deadlock"
            when, _, future = heapq.heappop(self._timers)
            self.now = max(self.now, when)
            if not future.done():
                future.set_result(None)


Legs = Callable[[int], tuple[float, float]]  # request number -> (way there, way back)


class Api:
    """A fake Bot API behind the limiter: records when each request arrived.

    ``legs`` delays requests on their way there and back (none by default);
    ``server`` is the sandbox's own flood control, answering 429 as it would.
    """

    def __init__(
        self,
        time: VirtualTime,
        refusals: dict[int, list[int]] | None = None,
        legs: Legs | None = None,
        server: RateLimiter | None = None,
    ) -> None:
        self.time = time
        self.sent: list[tuple[float, object, str]] = []
        self.refusals = refusals or {}  # chat id -> retry_after of its next answers
        self.legs = legs
        self.server = server
        self.refused = 0
        self._requests = itertools.count()

    def callback(self, chat_id: object, endpoint: str) -> Any:
        async def call() -> dict[str, Any]:
            there, back = self.legs(next(self._requests)) if self.legs else (0.0, 0.0)
            if there:
                await self.time.sleep(there)
            self._arrive(chat_id, endpoint)
            if back:
                await self.time.sleep(back)
            return {"ok": chat_id}

        return call

    def _arrive(self, chat_id: object, endpoint: str) -> None:
        pending = self.refusals.get(chat_id)  # type: ignore[call-overload]
        if pending:
            self.sent.append((self.time.now, chat_id, endpoint))
            raise RetryAfter(pending.pop(0))
        if self.server and isinstance(chat_id, int):
            kind = "private" if chat_id > 0 else "group"
            wait = self.server.retry_after(chat_id, kind)
            if wait is not None:
                self.refused += 1
                raise RetryAfter(wait)
            self.server.record(chat_id, kind)
        self.sent.append((self.time.now, chat_id, endpoint))

    def times(self, chat_id: object | None = None) -> list[float]:
        return [t for t, chat, _ in self.sent if chat_id is None or chat == chat_id]


def limiter(time: VirtualTime, **options: Any) -> SlidingWindowRateLimiter:
    return SlidingWindowRateLimiter(clock=time.clock, sleep=time.sleep, **options)


async def send(
    limiter: SlidingWindowRateLimiter,
    api: Api,
    chat_id: object,
    endpoint: str = "sendMessage",
    retries: int | None = None,
    **data: Any,
) -> Any:
    return await limiter.process_request(
        api.callback(chat_id, endpoint), (), {}, endpoint, {"chat_id": chat_id, **data}, retries
    )


def most_in_any_window(times: list[float], seconds: float) -> int:
    """The largest number of times inside one window (t - seconds, t]."""
    ordered = sorted(times)
    return max(
        (sum(1 for s in ordered if t - seconds < s <= t) for t in ordered),
        default=0,
    )


def assert_spacing(times: list[float], limit: Limit, margin: float) -> None:
    """Any limit.count + 1 consecutive sends span at least the window plus its margin."""
    ordered = sorted(times)
    for early, late in zip(ordered, ordered[limit.count :], strict=False):
        assert late - early >= limit.seconds + margin - 1e-9


async def test_the_overall_window_is_used_whole_and_spread_across_it() -> None:
    time = VirtualTime()
    rl, api = limiter(time), Api(time)
    await time.run(send(rl, api, -n) for n in range(1, 101))
    times = api.times()
    assert most_in_any_window(times, 1.0) == 30
    assert_spacing(times, OVERALL, rl.margin)
    assert max(Counter(times).values()) == 3  # never more than `burst` at once
    # 3 at once, then one every 1.05 / 30 s: the 30 of each window in 1.05 s.
    gap = 1.05 / 30
    assert times[:5] == pytest.approx([0.0, 0.0, 0.0, gap, 2 * gap])
    assert times[29] == pytest.approx(27 * gap) and times[30] == pytest.approx(1.05)
    assert max(times) == pytest.approx(3 * 1.05 + 7 * gap)


async def test_without_a_burst_limit_the_whole_window_goes_at_once() -> None:
    time = VirtualTime()
    rl, api = limiter(time, burst=None), Api(time)
    await time.run(send(rl, api, -n) for n in range(1, 101))
    times = api.times()
    assert_spacing(times, OVERALL, rl.margin)
    assert Counter(round(t, 6) for t in times) == {0.0: 30, 1.05: 30, 2.1: 30, 3.15: 10}


async def test_a_late_message_lets_the_next_ones_catch_up() -> None:
    """Lateness (a busy event loop) does not cost throughput, within the burst."""
    time = VirtualTime()
    rl, api = limiter(time), Api(time)
    await time.run(send(rl, api, -n) for n in range(1, 11))  # 0, 0, 0, g, ..., 7g
    gap = 1.05 / 30
    time.now = 10 * gap  # the next one could go at 8 gaps; asked 2 gaps late
    await time.run(send(rl, api, -n) for n in range(11, 15))
    late = api.times()[10:]
    assert late == pytest.approx([10 * gap, 10 * gap, 10 * gap, 11 * gap])
    assert_spacing(api.times(), OVERALL, rl.margin)


async def test_a_group_gets_twenty_a_minute_and_a_full_group_delays_no_other() -> None:
    time = VirtualTime()
    rl, api = limiter(time), Api(time)
    full, others = -100, [-n for n in range(1, 41)]
    await time.run(
        itertools.chain(
            (send(rl, api, full) for _ in range(45)), (send(rl, api, c) for c in others)
        )
    )
    busy = api.times(full)
    assert most_in_any_window(busy, 60.0) == 20
    assert_spacing(busy, GROUP, rl.margin)
    # Each message goes as soon as the one 20 before it leaves its window.
    assert busy[19] < 2 * 1.05
    assert busy[20:] == pytest.approx([t + 60.05 for t in busy[:25]])
    # The other 40 groups share two overall windows with the first 20 of the full one.
    assert max(t for t, chat, _ in api.sent if chat != full) < 2 * 1.05
    assert_spacing(api.times(), OVERALL, rl.margin)


async def test_groups_are_limited_independently() -> None:
    time = VirtualTime()
    rl, api = limiter(time, overall=None), Api(time)
    await time.run(
        itertools.chain(
            (send(rl, api, -1) for _ in range(25)), (send(rl, api, -2) for _ in range(20))
        )
    )
    assert api.times(-2) == [0.0] * 20
    assert sorted(api.times(-1)) == pytest.approx([0.0] * 20 + [60.05] * 5)


async def test_a_private_chat_gets_one_message_a_second() -> None:
    time = VirtualTime()
    rl, api = limiter(time), Api(time)
    await time.run(
        itertools.chain((send(rl, api, 7) for _ in range(4)), (send(rl, api, 8) for _ in range(2)))
    )
    assert api.times(7) == pytest.approx([0.0, 1.05, 2.1, 3.15])
    assert api.times(8) == pytest.approx([0.0, 1.05])
    assert_spacing(api.times(7), PRIVATE, rl.margin)


async def test_string_ids_count_as_their_kind_of_chat() -> None:
    time = VirtualTime()
    rl, api = limiter(time, overall=None), Api(time)
    await time.run(
        itertools.chain(
            (send(rl, api, "@kenh") for _ in range(21)),  # a channel or supergroup
            (send(rl, api, "42") for _ in range(2)),  # a user id as text: private
        )
    )
    assert sorted(api.times("@kenh"))[-2:] == pytest.approx([0.0, 60.05])
    assert api.times("42") == pytest.approx([0.0, 1.05])


async def test_messages_to_one_chat_go_in_the_order_they_were_asked() -> None:
    time = VirtualTime()
    rl, api = limiter(time), Api(time)
    order: list[int] = []

    async def numbered(n: int) -> None:
        await send(rl, api, 9)
        order.append(n)

    await time.run(numbered(n) for n in range(5))
    assert order == [0, 1, 2, 3, 4]


async def test_only_methods_that_send_a_message_are_limited() -> None:
    time = VirtualTime()
    rl, api = limiter(time), Api(time)
    edits = (send(rl, api, -1, "editMessageText") for _ in range(50))
    actions = (send(rl, api, 5, "sendChatAction") for _ in range(5))
    await time.run(itertools.chain(edits, actions))
    assert set(api.times()) == {0.0} and len(api.sent) == 55
    assert [sends_a_message(m) for m in ("sendMessage", "sendDocument", "copyMessage")] == [
        True,
        True,
        True,
    ]
    assert not any(sends_a_message(m) for m in ("editMessageText", "getChat", "sendChatAction"))


async def test_paid_broadcasts_are_not_held_to_thirty_a_second() -> None:
    time = VirtualTime()
    rl, api = limiter(time, private=None), Api(time)
    await time.run(send(rl, api, n, allow_paid_broadcast=True) for n in range(1, 101))
    assert set(api.times()) == {0.0}


async def test_a_429_is_retried_after_its_retry_after() -> None:
    time = VirtualTime()
    rl, api = limiter(time, max_retries=2), Api(time, refusals={-1: [3, 2]})
    [result] = await time.run([send(rl, api, -1)])
    assert result == {"ok": -1}
    assert api.times(-1) == pytest.approx([0.0, 3.05, 5.1])


async def test_a_429_is_raised_once_the_retries_are_spent() -> None:
    time = VirtualTime()
    rl, api = limiter(time, max_retries=2), Api(time, refusals={-1: [1, 1, 1, 1]})
    with pytest.raises(RetryAfter):
        await time.run([send(rl, api, -1)])
    assert len(api.times(-1)) == 3  # the first try and two retries


async def test_rate_limit_args_override_max_retries_and_zero_means_none() -> None:
    time = VirtualTime()
    rl, api = limiter(time, max_retries=5), Api(time, refusals={-1: [1, 1]})
    with pytest.raises(RetryAfter):
        await time.run([send(rl, api, -1, retries=0)])
    assert len(api.times(-1)) == 1
    [result] = await time.run([send(rl, api, -1, retries=1)])
    assert result == {"ok": -1} and len(api.times(-1)) == 3


async def test_a_429_holds_back_its_chat_but_other_chats_only_one_window() -> None:
    time = VirtualTime()
    rl, api = limiter(time, max_retries=1), Api(time, refusals={-1: [30]})

    async def later(chat_id: int) -> None:
        await time.sleep(0.5)  # asked while the 429 holds
        await send(rl, api, chat_id)

    await time.run([send(rl, api, -1), later(-1), later(-2)])
    first, second = sorted(api.times(-1))[1:]  # after the refused one at 0
    assert first >= 30.0 and second >= 30.0
    [other] = api.times(-2)
    assert 0.5 < other <= 1.05 + 1e-9


async def test_idle_chats_are_forgotten() -> None:
    time = VirtualTime()
    rl, api = limiter(time), Api(time)
    await time.run(send(rl, api, n) for n in range(1, 1025))
    time.now += 60.0
    await time.run([send(rl, api, 5000)])
    assert len(rl._chats) == 1  # 1,024 idle chats dropped, the new one kept


def stalls(every: int, stall: float, base: float = 0.002) -> Legs:
    """Requests take ``base`` each way; every ``every``-th stalls ``stall`` on its way."""
    return lambda n: (base + (stall if n % every == 0 else 0.0), base)


@pytest.mark.parametrize(
    ("every", "stall", "within"), [(7, 0.15, 11.5), (13, 0.4, 11.5), (5, 2.0, 20.0)]
)
async def test_requests_that_stall_on_their_way_do_not_make_the_server_refuse(
    every: int, stall: float, within: float
) -> None:
    """A stalled request arrives late; the ones admitted a window after it must
    not land in the same window. The sandbox's flood control judges arrivals."""
    time = VirtualTime()
    server = RateLimiter(RateLimits(), time.clock)
    rl, api = limiter(time), Api(time, legs=stalls(every, stall), server=server)
    chats = [-(n % 40) - 1 for n in range(300)]  # 40 groups, 7 or 8 messages each
    await time.run(send(rl, api, chat) for chat in chats)
    arrivals = api.times()
    assert api.refused == 0 and len(arrivals) == 300
    assert most_in_any_window(arrivals, 1.0) <= 30
    # Short stalls cost little: 300 messages take 10 windows of 1.05 s and a bit;
    # a stalled message holds its place as long as it may have been on its way.
    assert max(arrivals) < within


async def test_counting_admissions_instead_would_be_refused() -> None:
    """Why answers matter: the same stalls, judged by admission times alone."""
    time = VirtualTime()
    server = RateLimiter(RateLimits(), time.clock)
    rl, api = limiter(time), Api(time, legs=stalls(7, 0.15), server=server)
    rl._answered = lambda slot: setattr(slot, "until", slot.admitted)  # type: ignore[method-assign]
    with pytest.raises(RetryAfter):
        await time.run(send(rl, api, -(n % 40) - 1) for n in range(300))


async def test_a_request_in_flight_keeps_its_place_until_answered() -> None:
    time = VirtualTime()
    rl = limiter(time, overall=Limit(2, 1.0), margin=0.0, burst=None)
    api = Api(time, legs=lambda n: (0.0, 5.0) if n == 0 else (0.0, 0.0))
    await time.run(send(rl, api, -n) for n in range(1, 4))
    # The first answer takes 5 s; the second came at once, so its place frees at 1 s.
    assert api.times() == pytest.approx([0.0, 0.0, 1.0])
    time = VirtualTime()
    rl = limiter(time, overall=Limit(1, 1.0), margin=0.0)
    api = Api(time, legs=lambda n: (0.0, 5.0) if n == 0 else (0.0, 0.0))
    await time.run(send(rl, api, -n) for n in range(1, 3))
    # Before any round trip is known, a message may have arrived up to its answer.
    assert api.times() == pytest.approx([0.0, 6.0])


async def test_once_round_trips_are_known_a_slow_answer_frees_its_place_early() -> None:
    time = VirtualTime()
    rl = limiter(time, overall=Limit(1, 1.0), margin=0.0)
    slow_back = 20  # request 20 arrives at once but its answer takes 3 s
    api = Api(time, legs=lambda n: (0.005, 3.0) if n == slow_back else (0.005, 0.005))
    for n in range(slow_back + 2):
        await time.run([send(rl, api, -n - 1)])
    arrivals = api.times()
    # Its place was counted until its answer less the shortest round trip (10 ms).
    assert arrivals[-1] - arrivals[-2] == pytest.approx(3.0 + 0.005 - 0.01 + 1.0, abs=1e-6)
    assert min(b - a for a, b in itertools.pairwise(arrivals)) >= 1.0


async def test_a_failed_request_counts_until_it_failed() -> None:
    time = VirtualTime()
    rl = limiter(time, overall=Limit(1, 1.0), margin=0.0)

    async def times_out() -> dict[str, Any]:
        await time.sleep(3.0)
        raise TimeoutError

    async def first() -> None:
        with pytest.raises(TimeoutError):
            await rl.process_request(times_out, (), {}, "sendMessage", {"chat_id": -1}, None)

    api = Api(time)
    await time.run([first(), send(rl, api, -2)])
    assert api.times() == pytest.approx([4.0])  # failed at 3: it may have arrived then


async def test_waiting_counts_the_messages_held_back() -> None:
    """What the end-to-end harness reads to know the bot is not idle yet."""
    time = VirtualTime()
    rl, api = limiter(time), Api(time)
    seen: list[int] = []

    async def watch() -> None:
        await time.sleep(0.5)
        for _ in range(3):
            seen.append(rl.waiting)
            await time.sleep(1.0)

    await time.run([watch(), *(send(rl, api, 7) for _ in range(3))])
    assert seen == [2, 1, 0]  # three to one private chat at 0, 1.05 and 2.1 s
    assert rl.waiting == 0 and len(api.sent) == 3
