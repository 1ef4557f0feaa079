"""The plugin conformance suite: what every careprotect plugin must pass.

A plugin author runs it from the plugin's own tests::

    import careprotect_hunan
    from careprotect.testing.conformance import ConformanceSuite

    class TestHunanConformance(ConformanceSuite):
        plugin = careprotect_hunan

Each check is one test method; a failure says which value, rule or category is wrong and why.
:func:`conformance_problems` runs the same checks without pytest and returns the messages.

The checks (docs/plugins/testing.md explains each):

- **schema**: every parameter file the plugin registers conforms to the published schema
  (``docs/schema/parameter-file.schema.json``, :mod:`careprotect.parameter_schema`): every
  unknown key, wrong type and missing key of every file is listed, not only the first, which
  is all the engine reports when it refuses the file;
- **loads**: the plugin loads with the national baseline alone, and together with the other
  plugins (``others``; by default every plugin installed under the ``careprotect`` entry-point
  group): no conflict, no floor lowered, nothing uncited or out of scope;
- **cited**: every value, rule and category of the plugin cites a source with an issuer, a
  title and a verified date (the document number may be empty: none published), and an
  assumed source says in its note which choice was made and why;
- **titles**: every rule and category has a Chinese and an English title and a row in the
  generated catalogue, and every parameter the plugin declares has Chinese and English labels;
- **scope**: every value and registration of the plugin lies within the plugin's scope;
- **amounts** (property test): every amount for subjects in the plugin's scope is at least 0,
  and an amount read from a parameter with a floor in force is at least that floor;
- **deterministic** (property test): the same registry audited twice gives equal findings,
  and so does an engine with the plugins registered in another order;
- **outside** (property test): the plugin's rules give no finding and no amount for a subject
  outside its scope, and no value of the plugin resolves for a division outside it.

The property tests draw registries with :mod:`careprotect.testing`'s strategies (children,
workers and service points in the scope) and a day or a period around the dates the plugin's
values take effect, with 25 examples each, so a plugin's suite runs in seconds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from careprotect.testing._checks import (
    CHECKS,
    FUNCTIONS,
    check_loads_alone,
    check_schema,
    run_check,
)
from careprotect.testing._subject import Subject

__all__ = ["CHECKS", "ConformanceSuite", "conformance_problems"]


def conformance_problems(
    plugin: object, others: Sequence[object] | None = None, *, checks: Iterable[str] | None = None
) -> list[str]:
    """Every conformance problem of ``plugin``, one message each; empty when it conforms.

    :param plugin: the plugin object (a module or an instance implementing the hooks).
    :param others: the plugins to check it with besides the national baseline; None means
        every plugin installed under the ``careprotect`` entry-point group, except the plugin
        itself (the same object or a plugin of the same name).
    :param checks: names from :data:`CHECKS` to run (default: all, in order).

    Each message starts with the check's name (``loads: ...``, ``amounts: ...``) and says
    which value, rule or category is wrong and why. A plugin that does not load with the
    national baseline gets that problem and the problems of its parameter files against the
    schema (every one, where loading names the first): nothing else can be checked.
    """
    names = [name for name, _ in CHECKS] if checks is None else list(checks)
    unknown = [n for n in names if n not in FUNCTIONS]
    if unknown:
        raise ValueError(
            f"unknown check(s) {', '.join(map(repr, unknown))}; expected some of "
            f"{', '.join(FUNCTIONS)}"
        )
    subject = Subject(plugin, others)
    alone = check_loads_alone(subject)
    if alone:
        return alone + (check_schema(subject) if "schema" in names else [])
    return [p for name in names for p in run_check(name, subject)]


# -- the pytest form ---------------------------------------------------------------------------


def _fail_on(problems: list[str]) -> None:
    if problems:
        raise AssertionError("\n".join(problems))


class ConformanceSuite:
    """Subclass it in a test module, set ``plugin``, and pytest runs every check.

    ``plugin`` is the plugin object (a module or an instance implementing the hooks);
    ``others``, the plugins to check it with besides the national baseline (None, the
    default: every plugin installed under the ``careprotect`` entry-point group except this
    one). Each ``test_*`` method is one check of :data:`CHECKS`; a failure lists the problems
    as :func:`conformance_problems` words them. The base class itself is not collected.
    """

    plugin: object
    others: Sequence[object] | None = None

    @classmethod
    def _conformance_subject(cls) -> Subject:
        plugin = getattr(cls, "plugin", None)
        if plugin is None:
            raise AssertionError(
                f"{cls.__name__} must set 'plugin' to the plugin object under test"
            )
        cached = cls.__dict__.get("_conformance_cache")
        if not (
            isinstance(cached, Subject)
            and cached.plugin is plugin
            and cached.requested is cls.others
        ):
            cached = Subject(plugin, cls.others)
            cls._conformance_cache = cached  # type: ignore[attr-defined]
        return cached

    def _check(self, name: str) -> None:
        _fail_on(run_check(name, self._conformance_subject()))

    def test_loads_with_the_national_baseline(self) -> None:
        """The plugin loads with the national baseline: no value below a national floor,
        nothing uncited, nothing outside its scope, no bad parameter file."""
        self._check("loads")

    def test_parameter_files_conform_to_the_schema(self) -> None:
        """Every parameter file the plugin registers conforms to the published schema
        (docs/schema/parameter-file.schema.json): no unknown key, no key of the wrong type,
        no required key missing; every problem of every file is listed."""
        self._check("schema")

    def test_loads_with_the_other_plugins(self) -> None:
        """The plugin loads together with ``others`` (by default every installed plugin): no
        two values with the same parameter, scope and date, no floor of one lowered by another."""
        self._check("loads_together")

    def test_everything_is_cited(self) -> None:
        """Every value, rule and category cites a citation with an issuer, a title and a
        verified date; an assumed one has a note."""
        self._check("cited")

    def test_titles_and_catalogue(self) -> None:
        """Every rule and category has Chinese and English titles and a row in the generated
        catalogue; every declared parameter has Chinese and English labels."""
        self._check("titles")

    def test_everything_within_scope(self) -> None:
        """Every value and every registered rule and category lies within the plugin's scope."""
        self._check("scope")

    def test_amounts_never_negative_or_below_a_floor(self) -> None:
        """Property: amounts for subjects in the plugin's scope are at least 0 and at least
        every floor in force of a parameter they are read from."""
        self._check("amounts")

    def test_rules_are_deterministic(self) -> None:
        """Property: the same registry audited twice gives equal findings, and so does an
        engine with the plugins registered in another order."""
        self._check("deterministic")

    def test_nothing_outside_the_scope(self) -> None:
        """Property: no finding or amount of the plugin's rules, and no value of the plugin,
        for a subject or a division outside its scope."""
        self._check("outside")
