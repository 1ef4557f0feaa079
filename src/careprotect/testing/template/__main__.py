"""``python -m careprotect.testing.template NAME SCOPE DEST [--title TITLE]``."""

from careprotect.testing._template import main

raise SystemExit(main())
