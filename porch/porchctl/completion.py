"""``porchctl completion bash|zsh``: scripts generated from the argparse tree (commands,
aliases and flags), so they never drift from the parser. Pure."""

from __future__ import annotations

import argparse

from porch.porchctl.args import build


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _flags(parser: argparse.ArgumentParser) -> list[str]:
    return sorted(s for a in parser._actions for s in a.option_strings if s.startswith("--"))


def words() -> dict[str, list[str]]:
    """Completion words keyed by the command path typed so far ("" is the top level)."""
    top = build()
    table: dict[str, list[str]] = {"": sorted(_subparsers(top))}
    for group, gp in _subparsers(top).items():
        subs = _subparsers(gp)
        table[group] = sorted(subs) or (["bash", "zsh"] if group == "completion" else [])
        for sub, sp in subs.items():
            table[f"{group} {sub}"] = _flags(sp)
    return table


def bash() -> str:
    cases = "\n".join(
        f'        "{key}") opts="{" ".join(value)}" ;;' for key, value in sorted(words().items())
    )
    return f"""# bash completion for porchctl; load with: source <(porchctl completion bash)
_porchctl() {{
    local cur path word i
    cur="${{COMP_WORDS[COMP_CWORD]}}"
    path=""
    for ((i = 1; i < COMP_CWORD; i++)); do
        word="${{COMP_WORDS[i]}}"
        [[ "$word" == -* ]] && continue
        if [[ -z "$path" ]]; then path="$word"; else path="$path $word"; break; fi
    done
    local opts=""
    case "$path" in
{cases}
    esac
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}}
complete -F _porchctl porchctl
"""


def zsh() -> str:
    return "#compdef porchctl\nautoload -U +X bashcompinit && bashcompinit\n" + bash()


def script(shell: str) -> str:
    return bash() if shell == "bash" else zsh()


__all__ = ["bash", "script", "words", "zsh"]
