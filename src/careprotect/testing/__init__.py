"""Public test tools for careprotect and its plugins (needs the ``testing`` extra)."""
