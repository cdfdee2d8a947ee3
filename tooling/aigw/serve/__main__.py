"""``python -m aigw.serve``: the same as ``aigw serve``."""

from aigw.serve.cli import main

raise SystemExit(main())
