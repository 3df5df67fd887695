"""Every room's catalog, registered once; add a module here when a room adds texts."""

from bot.texts import common, register

for _module in (common,):
    register(_module)
