"""`nhacviec demo`: the whole story offline, against an in-process sandbox.

`script.py` plays the scenes, `printer.py` prints the conversation as each
participant sees it, `stage.py` runs the bot and the sandbox on one
simulated clock, `interactive.py` lets a person type instead of the script.
"""

from bot.demo.script import DemoOptions, DemoResult, NotADemoDatabase, run_demo

__all__ = ["DemoOptions", "DemoResult", "NotADemoDatabase", "run_demo"]
