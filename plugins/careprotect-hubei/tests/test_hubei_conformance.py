"""The plugin conformance kit of careprotect, run against the Hubei plugin."""

import careprotect_hubei
from careprotect.testing.conformance import ConformanceSuite


class TestHubeiConformance(ConformanceSuite):
    plugin = careprotect_hubei
