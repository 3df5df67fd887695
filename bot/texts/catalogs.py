"""Every room's catalog, registered once; add a module here when a room adds texts."""

from bot.texts import (
    common,
    demo,
    digest,
    intake,
    onboarding,
    register,
    reminders,
    reports,
    status,
)

for _module in (common, digest, reports, status, onboarding, reminders, intake, demo):
    register(_module)
