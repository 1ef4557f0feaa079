"""The checks an Engine runs on every registered rule once its plugins have loaded: a rule
that is misconfigured fails at load, naming the rule and its plugin, never in mid-audit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from careprotect.errors import PluginError, PluginLoadError
from careprotect.faults import exception_text

if TYPE_CHECKING:
    from careprotect.engine import Engine

__all__ = ["check_rules"]


def check_rules(engine: Engine) -> None:
    """Check every registered rule that can check itself (has a ``check(engine)`` method)
    against the engine's parameters and categories; raises PluginLoadError naming the rule
    and its plugin, or PluginError when a plugin's own check raises."""
    for registered in engine.rules:
        check = getattr(registered.item, "check", None)
        if check is None:
            continue
        try:
            check(engine)
        except PluginLoadError as exc:
            raise PluginLoadError(f"{exc} (registered by {registered.plugin})") from None
        except Exception as exc:  # a plugin's own check that fails
            raise PluginError(
                f"plugin {registered.plugin}: the check of {registered.id!r} raised "
                f"{exception_text(exc)}"
            ) from exc
