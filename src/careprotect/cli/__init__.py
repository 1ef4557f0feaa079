"""The ``careprotect`` command (click; rich for tables and progress).

One module a subject: :mod:`~careprotect.cli.status` (exit statuses),
:mod:`~careprotect.cli.options` (option types and shared options),
:mod:`~careprotect.cli.output` (files, progress, stderr), :mod:`~careprotect.cli.commands`
(the verbs) and :mod:`~careprotect.cli.run` (:func:`main`).

Verbs: ``audit``, ``validate``, ``entitlements``, ``plan``, ``rules``, ``parameters``,
``plugins`` and ``synth``, and for Excel ledgers (:mod:`~careprotect.cli.ledger`) ``template``,
``import`` and ``export``; see docs/cli.md. Results go to stdout (or ``-o FILE``), messages to
stderr. Each exit status means one thing (docs/cli.md): 0 the verb ran and found nothing
non-compliant; 1 non-compliance found (or, for ``validate``, rejected records); 2 bad usage, input
that cannot be read, output that cannot be written, or plugins or parameter files that fail to
load; 3 the run finished but some evaluations failed, or could not judge every record; 70
careprotect itself failed (a bug); 130 and 143 interrupted (SIGINT, SIGTERM); 141 the reader of
stdout went away. On 2, 3 and 70 the last line on stderr starts with ``careprotect:``; a
traceback is shown only with ``--debug``. Every line written to stderr passes through
:func:`careprotect.masking.scrub`.

Importing ``careprotect`` never imports this module, so the library needs neither click nor
rich.
"""

from careprotect.cli import ledger as ledger  # registers template, import and export
from careprotect.cli import rectifying as rectifying  # registers rectify
from careprotect.cli.commands import cli
from careprotect.cli.options import usable_cpus
from careprotect.cli.run import main

__all__ = ["cli", "main", "usable_cpus"]
