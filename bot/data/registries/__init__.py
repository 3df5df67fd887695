"""Sample agency registries shipped with the bot (read via importlib.resources)."""
