"""The skeleton of a careprotect plugin distribution.

Every file below this package whose name ends in ``.tmpl`` is a file of a new plugin, with
placeholders (``{{name}}``, ``{{module}}``, ``{{distribution}}``, ``{{scope}}``,
``{{village}}``, ``{{title}}``) in its path and text. :func:`careprotect.testing.new_plugin`
writes them out filled in; so does ``python -m careprotect.testing.template NAME SCOPE DEST``.
The files are data, not code of careprotect: nothing below this package is imported. The
package itself only checks that the testing extra is installed (a new plugin's tests need it),
so that ``python -m`` says in one line what to install.
"""

from careprotect.testing.extra import require_hypothesis

require_hypothesis()
