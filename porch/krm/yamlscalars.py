"""How go-yaml v3 writes one scalar: which style it may keep and the exact characters.

kyaml writes every package file through go-yaml v3, which re-derives each scalar's
presentation from its value and requested style (a plain value that would change type is
quoted, a tab forces double quotes, folded text is refolded). Reproducing those choices is
what makes rewritten files byte-identical to kpt's. Pure; no I/O.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from porch.krm.yamlnode import (
    DOUBLE,
    FOLDED,
    LITERAL,
    QUOTED,
    SINGLE,
    STR,
    TAGGED,
    Node,
    resolve,
)

PLAIN = 0
_ESCAPES = {
    0x00: "0",
    0x07: "a",
    0x08: "b",
    0x09: "t",
    0x0A: "n",
    0x0B: "v",
    0x0C: "f",
    0x0D: "r",
    0x1B: "e",
    0x22: '"',
    0x5C: "\\",
    0x85: "N",
    0xA0: "_",
    0x2028: "L",
    0x2029: "P",
}
_BREAKS = "\n\r\x85\u2028\u2029"
_FLOW_FIRST = "#,[]{}&*!|>'\"%@`"


@dataclass
class Analysis:
    multiline: bool
    flow_plain: bool
    block_plain: bool
    single_quoted: bool
    block: bool


def printable(ch: str) -> bool:
    code = ord(ch)
    return (
        code == 0x0A
        or 0x20 <= code <= 0x7E
        or code == 0x85
        or 0xA0 <= code <= 0xD7FF
        or (0xE000 <= code <= 0xFFFD and code != 0xFEFF)
        or 0x10000 <= code <= 0x10FFFF
    )


def analyze(value: str) -> Analysis:
    """go-yaml v3's yaml_emitter_analyze_scalar, over characters."""
    if not value:
        return Analysis(False, False, True, True, False)
    flow_ind = block_ind = value.startswith(("---", "..."))
    breaks = special = tabs = space_break = break_space = False
    prev_space = prev_break = False
    preceded_ws = True
    last = len(value) - 1
    for i, ch in enumerate(value):
        followed_ws = i == last or value[i + 1] in " \t" + _BREAKS
        if i == 0:
            if ch in _FLOW_FIRST:
                flow_ind = block_ind = True
            elif ch in "?:":
                flow_ind = True
                block_ind = block_ind or followed_ws
            elif ch == "-" and followed_ws:
                flow_ind = block_ind = True
        elif ch in ",?[]{}":
            flow_ind = True
        elif ch == ":":
            flow_ind = True
            block_ind = block_ind or followed_ws
        elif ch == "#" and preceded_ws:
            flow_ind = block_ind = True
        if ch == "\t":
            tabs = True
        elif not printable(ch):
            special = True
        if ch == " ":
            break_space = break_space or prev_break
            prev_space, prev_break = True, False
        elif ch in _BREAKS:
            breaks = True
            space_break = space_break or prev_space
            prev_space, prev_break = False, True
        else:
            prev_space = prev_break = False
        preceded_ws = ch in " \t" + _BREAKS
    return _allowed(value, breaks, special, tabs, space_break, break_space, flow_ind, block_ind)


def _allowed(
    value: str,
    breaks: bool,
    special: bool,
    tabs: bool,
    space_break: bool,
    break_space: bool,
    flow_ind: bool,
    block_ind: bool,
) -> Analysis:
    edge = value[0] in " " + _BREAKS or value[-1] in " " + _BREAKS
    result = Analysis(breaks, True, True, True, True)
    if edge:
        result.flow_plain = result.block_plain = False
    if value[-1] == " ":
        result.block = False
    if break_space or space_break or tabs or special:
        result.flow_plain = result.block_plain = result.single_quoted = False
    if space_break or special:
        result.block = False
    if breaks:
        result.flow_plain = result.block_plain = False
    if flow_ind:
        result.flow_plain = False
    if block_ind:
        result.block_plain = False
    return result


def presentation(node: Node) -> tuple[str, int]:
    """The tag to print ("" for none) and the requested style, as go-yaml's encoder has it."""
    tag, style, value = node.tag, node.style, node.value
    force_quotes = False
    if tag and not style & TAGGED:
        if (tag == STR and style & (QUOTED | LITERAL | FOLDED)) or resolve(value) == tag:
            tag = ""
        elif tag == STR:
            tag, force_quotes = "", True
    for bit in (DOUBLE, SINGLE, LITERAL, FOLDED):
        if style & bit:
            return tag, bit
    if "\n" in value:
        return tag, LITERAL
    return tag, DOUBLE if force_quotes else PLAIN


@functools.lru_cache(maxsize=8192)  # pure in its arguments; the same values repeat
def select_style(value: str, style: int, *, flow: bool, simple_key: bool) -> int:
    info = analyze(value)
    if simple_key and info.multiline:
        style = DOUBLE
    if style == PLAIN:
        if (flow and not info.flow_plain) or (not flow and not info.block_plain):
            style = SINGLE
        if not value and (flow or simple_key):
            style = SINGLE
    if style == SINGLE and not info.single_quoted:
        style = DOUBLE
    if style in (LITERAL, FOLDED) and (not info.block or flow or simple_key):
        style = DOUBLE
    return style


def double_quoted(value: str) -> str:
    out = ['"']
    for ch in value:
        code = ord(ch)
        if not printable(ch) or code == 0xFEFF or ch in _BREAKS or ch in '"\\':
            out.append("\\" + _escape(code))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _escape(code: int) -> str:
    if code in _ESCAPES:
        return _ESCAPES[code]
    if code <= 0xFF:
        return f"x{code:02X}"
    if code <= 0xFFFF:
        return f"u{code:04X}"
    return f"U{code:08X}"


def single_quoted(value: str, indent: int) -> str:
    """Single quotes; a line break in the value is written as an empty line."""
    out = ["'"]
    breaks = False
    for ch in value:
        if ch in _BREAKS:
            if not breaks and ch == "\n":
                out.append("\n")
            out.append("\n")
            breaks = True
            continue
        if breaks:
            out.append(" " * indent)
        out.append("''" if ch == "'" else ch)
        breaks = False
    out.append("'")
    return "".join(out)


def block_hints(value: str, indent_step: int = 2) -> str:
    hints = str(indent_step) if value and value[0] in " " + _BREAKS else ""
    if not value or value[-1] not in _BREAKS:
        return hints + "-"
    if len(value) == 1 or value[-2] in _BREAKS:
        return hints + "+"
    return hints


def literal_body(value: str, indent: int) -> list[str]:
    """The content lines of a literal block scalar (without the final line break)."""
    lines: list[str] = []
    current: list[str] | None = None
    for ch in value:
        if ch in _BREAKS:
            lines.append("".join(current) if current is not None else "")
            current = None
            continue
        if current is None:
            current = [" " * indent]
        current.append(ch)
    if current is not None:
        lines.append("".join(current))
    return lines


def folded_body(value: str, indent: int) -> list[str]:
    """Content lines of a folded block scalar, with go-yaml v3's extra line breaks."""
    lines: list[str] = []
    current: list[str] | None = None
    breaks = True
    leading_spaces = True
    first = 0
    while first < len(value) and value[first] in _BREAKS:
        first += 1
    first_is_text = first < len(value) and value[first] not in " \t"
    for ch in value:
        if ch in _BREAKS:
            # go-yaml looks at the start of the value here, not at the break; kept as is.
            if not breaks and not leading_spaces and ch == "\n" and first_is_text:
                lines.append("".join(current) if current is not None else "")
                current = None
            lines.append("".join(current) if current is not None else "")
            current = None
            breaks = True
            continue
        if breaks:
            current = [" " * indent]
            leading_spaces = ch in " \t"
        assert current is not None
        current.append(ch)
        breaks = False
    if current is not None:
        lines.append("".join(current))
    return lines


__all__ = [
    "Analysis",
    "analyze",
    "block_hints",
    "double_quoted",
    "folded_body",
    "literal_body",
    "presentation",
    "select_style",
    "single_quoted",
]
