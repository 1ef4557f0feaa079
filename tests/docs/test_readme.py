"""The README opens with the two commands, and CI runs the second one."""

from __future__ import annotations

from support import ROOT, readme_commands


def test_readme_opens_with_exactly_two_commands() -> None:
    """The first fenced block after the title holds the setup+run and setup+test commands."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert text.startswith("# careprotect\n\n```sh\n")
    commands = readme_commands()
    assert len(commands) == 2
    assert commands[0].endswith(
        "careprotect audit examples/sample-registry.jsonl --as-of 2024-12-31"
    )
    assert commands[1].endswith("python -m pytest")


def test_ci_runs_the_readme_test_command() -> None:
    """.ci/run calls the README's test command verbatim, so the two cannot drift apart."""
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert readme_commands()[1] in ci.splitlines()
