"""`python -m bot.cli` is `nhacviec`."""

import sys

from bot.cli import main

sys.exit(main())
