"""careprotect: child protection policy as code."""
