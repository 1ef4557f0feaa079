"""Public test tools for careprotect and its plugins.

Hypothesis strategies for every model class, for plugin authors and for careprotect's own
tests. Needs the ``testing`` extra (``pip install careprotect[testing]``).
"""

from careprotect.testing._codes import citizen_ids, division_codes, divisions
from careprotect.testing._time import amounts, periods

__all__ = [
    "amounts",
    "citizen_ids",
    "division_codes",
    "divisions",
    "periods",
]
