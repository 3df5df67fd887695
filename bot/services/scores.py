"""Agency on-time rates over a period, for /status and the reports.

Of the tasks whose effective deadline falls in the period: how many were done
on time, done late, or are still open (bot.domain.rollup.agency_scores; the
report's Excel sheet 2 and Word table use the same function through
bot.domain.report_data.scores_for). This figure feeds the province's PAR
Index self-assessment, so every rate is shown with its fraction.

For the status engineer: `agency_scores(runtime, workspace_id, period)` gives
the data, `agency_scores_text(runtime, workspace_id, period)` a ready HTML
section (in BOT_LANGUAGE) to append to /status.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.report_data import ReportPeriod, ScoreRow, default_score_period, scores_for
from bot.domain.rollup import AgencyScore
from bot.runtime import Runtime
from bot.texts import t
from bot.texts.documents import percent
from storage.repositories import reporting


@dataclass(frozen=True, slots=True)
class AgencyScores:
    period: ReportPeriod
    rows: tuple[ScoreRow, ...]
    total: AgencyScore


async def agency_scores(
    runtime: Runtime, workspace_id: int, period: ReportPeriod | None = None
) -> AgencyScores:
    """Scores of every agency with a task due in `period` (default: this year so far)."""
    today = runtime.today()
    period = period or default_score_period(today)
    async with runtime.database.session() as session:
        tasks = await reporting.report_tasks(session, workspace_id)
    rows, total = scores_for(tasks, period, today)
    return AgencyScores(period, rows, total)


async def agency_scores_text(
    runtime: Runtime, workspace_id: int, period: ReportPeriod | None = None
) -> str:
    """The scores as a short Telegram HTML section."""
    scores = await agency_scores(runtime, workspace_id, period)
    return render_scores(runtime.language, scores)


def render_scores(lang: str, scores: AgencyScores) -> str:
    lines = [
        t(lang, "scores.header", start=scores.period.start, end=scores.period.end),
    ]
    if not scores.rows:
        lines.append(t(lang, "scores.none"))
        return "\n".join(lines)
    for row in scores.rows:
        lines.append(_line(lang, "scores.row", row.agency_name, row.score))
    lines.append(_line(lang, "scores.total", "", scores.total))
    return "\n".join(lines)


def _line(lang: str, key: str, name: str, score: AgencyScore) -> str:
    return t(
        lang,
        key,
        agency=name,
        on_time=score.done_on_time,
        due=score.due,
        rate=percent(score.done_on_time, score.due),
        late=score.done_late,
        open=score.still_open,
    )
