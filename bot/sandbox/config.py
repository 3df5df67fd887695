"""Settings of one sandbox instance."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class SandboxConfig:
    """How the fake Bot API behaves.

    Rate limits mirror Telegram's documented ones and apply to message-sending
    methods only (sendMessage, sendDocument, sendPhoto); edits, deletions and
    callback answers are not counted, because Telegram counts them loosely and
    the bot's correctness never depends on them. Set any limit to ``None`` to
    disable it.

    - ``global_rate_per_second``: sends per sliding second over all chats (30).
    - ``group_rate_per_minute``: sends per sliding minute into one group or
      supergroup (20).
    - ``private_rate_per_second`` with ``private_burst``: a token bucket per
      private chat; Telegram tolerates short bursts there, so the default lets
      20 messages through at once and then refills one per second. The bot's
      limiter (bot/rate_limit.py) never relies on the burst: it sends one
      message a second to a private chat. ``private_burst=1`` makes the
      bucket exactly that window (one message in any second), to check it.

    Faults apply to Bot API calls and file downloads only, never to the test
    API under ``/sandbox/``. A faulted call is not executed, so nothing it
    would have sent is recorded:

    - ``failure_rate``: probability of a 500/502 answer.
    - ``drop_rate``: probability the connection is closed without an answer.
    - ``ack_loss_rate``: probability that a *successful* send's answer is lost
      (the message IS recorded, the client sees a dropped connection) — the
      case an exactly-once outbox has to survive.

    ``seed`` makes fault injection reproducible.
    """

    bot_token: str = "123456:SANDBOX-token"
    bot_username: str = "nhacviec_bot"
    bot_first_name: str = "Nhắc việc"
    global_rate_per_second: int | None = 30
    group_rate_per_minute: int | None = 20
    private_rate_per_second: float | None = 1.0
    private_burst: int = 20
    failure_rate: float = 0.0
    drop_rate: float = 0.0
    ack_loss_rate: float = 0.0
    seed: int | None = 0
    max_upload_bytes: int = 50 * 1024 * 1024
    max_download_bytes: int = 20 * 1024 * 1024
    max_long_poll_seconds: float = 50.0
    access_log: bool = False

    def __post_init__(self) -> None:
        head, sep, _ = self.bot_token.partition(":")
        if not sep or not head.isdigit():
            raise ValueError("bot_token must look like '<digits>:<secret>'")
        for name in ("failure_rate", "drop_rate", "ack_loss_rate"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1")
        if self.private_burst < 1:
            raise ValueError("private_burst must be at least 1")

    @property
    def bot_id(self) -> int:
        """The bot's user id: the digits before ':' in the token, as on Telegram."""
        return int(self.bot_token.split(":", 1)[0])
