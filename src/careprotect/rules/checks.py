"""The checks an Engine runs on every registered rule and category once its plugins have
loaded: a rule that is misconfigured fails at load, naming the rule and its plugin, never in
mid-audit.

What is checked comes from the rule's declarations (:mod:`careprotect.rules.mechanism`):
every parameter a field names is declared by some plugin, in one of the units the field
allows, with choices the mechanism knows; every category a field names is registered. Its
citations were resolved when it was registered (a key the plugin does not define is refused
then). A rule may add checks of its own with a ``check(engine)`` method (an entitlement
mechanism does: a grant's shares add up to its total).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from careprotect.errors import PluginError, PluginLoadError
from careprotect.faults import exception_text
from careprotect.rules.mechanism import declared_categories, declared_parameters

if TYPE_CHECKING:
    from careprotect.engine import Engine

__all__ = ["check_rule", "check_rules"]


def check_rule(item: Any, engine: Engine) -> None:
    """Check one rule or category against the engine's parameters and categories; raises
    PluginLoadError naming it (see the module)."""
    what = "rule" if hasattr(item, "kind") else "category"
    specs = engine.parameters.specs
    for declared in declared_parameters(item):
        named = f"{what} {item.id!r} reads parameter {declared.name!r} (its {declared.field!r})"
        spec = specs.get(declared.name)
        if spec is None:
            raise PluginLoadError(f"{named}, which no plugin declares")
        units = declared.units
        if units and spec.unit not in units:
            raise PluginLoadError(
                f"{named}: it needs {declared.name!r} in {' or '.join(units)}, but plugin "
                f"{spec.plugin} declares it in {spec.unit.value}"
            )
        unknown = [c for c in spec.choices if declared.choices and c not in declared.choices]
        if unknown:
            raise PluginLoadError(
                f"{named}: plugin {spec.plugin} declares choices {unknown} that careprotect "
                f"does not know; expected among {', '.join(declared.choices)}"
            )
    registered = {c.id for c in engine.categories}
    for field, category in declared_categories(item):
        if category not in registered:
            raise PluginLoadError(
                f"{what} {item.id!r} uses category {category!r} (its {field!r}), which no "
                "plugin registers"
            )
    check = getattr(item, "check", None)
    if check is not None:
        check(engine)


def check_rules(engine: Engine) -> None:
    """Check every registered category and rule (:func:`check_rule`); raises
    PluginLoadError naming the rule and its plugin, or PluginError when a plugin's own check
    raises."""
    for registered in (*engine.categories, *engine.rules):
        try:
            check_rule(registered.item, engine)
        except PluginLoadError as exc:
            raise PluginLoadError(f"{exc} (registered by plugin {registered.plugin})") from None
        except Exception as exc:  # a plugin's own check that fails
            raise PluginError(
                f"plugin {registered.plugin}: the check of {registered.id!r} raised "
                f"{exception_text(exc)}"
            ) from exc
