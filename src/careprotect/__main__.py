"""``python -m careprotect`` runs the command line."""

from careprotect.cli import main

raise SystemExit(main())
