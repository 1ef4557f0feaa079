"""The Hunan plugin against careprotect's plugin conformance suite (loads alone and with
every installed plugin, cited, titled, in scope, amounts, determinism, nothing outside 43)."""

import careprotect_hunan
from careprotect.testing.conformance import ConformanceSuite


class TestHunanConformance(ConformanceSuite):
    plugin = careprotect_hunan
