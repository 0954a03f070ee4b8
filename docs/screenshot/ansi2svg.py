#!/usr/bin/env python3
"""Renders a terminal capture with ANSI colours (`tmux capture-pane -e -p`) as an SVG: one
<text> per line, one <tspan> per run of one style. Only the standard library.

    python3 ansi2svg.py capture.ans > session.svg [--cols 100] [--title "ormsh"]
"""

import argparse
import html
import re
import sys

# The xterm palette of the 16 basic colours, a little softened for a dark background.
PALETTE = [
    "#2e3436", "#e06c75", "#98c379", "#e5c07b", "#61afef", "#c678dd", "#56b6c2", "#dcdfe4",
    "#5c6370", "#ff7b86", "#b5e890", "#ffd68a", "#82c4ff", "#e09cf5", "#7fd6e0", "#ffffff",
]
FOREGROUND = "#dcdfe4"
BACKGROUND = "#1e2127"
SGR = re.compile(r"\x1b\[([0-9;]*)m")
OTHER_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-ln-z]|\x1b[()][A-Za-z0-9]|\x1b[=>]")


def colour_256(n):
    if n < 16:
        return PALETTE[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return "#%02x%02x%02x" % (steps[n // 36], steps[(n // 6) % 6], steps[n % 6])
    grey = 8 + (n - 232) * 10
    return "#%02x%02x%02x" % (grey, grey, grey)


class Style:
    def __init__(self):
        self.reset()

    def reset(self):
        self.fg = None
        self.bg = None
        self.bold = self.dim = self.italic = self.underline = False

    def key(self):
        return (self.fg, self.bg, self.bold, self.dim, self.italic, self.underline)

    def apply(self, params):
        codes = [int(p) if p else 0 for p in params.split(";")] if params else [0]
        i = 0
        while i < len(codes):
            c = codes[i]
            if c == 0:
                self.reset()
            elif c == 1:
                self.bold = True
            elif c == 2:
                self.dim = True
            elif c == 3:
                self.italic = True
            elif c == 4:
                self.underline = True
            elif c == 22:
                self.bold = self.dim = False
            elif c == 23:
                self.italic = False
            elif c == 24:
                self.underline = False
            elif 30 <= c <= 37:
                self.fg = PALETTE[c - 30]
            elif 90 <= c <= 97:
                self.fg = PALETTE[c - 90 + 8]
            elif c == 39:
                self.fg = None
            elif 40 <= c <= 47:
                self.bg = PALETTE[c - 40]
            elif 100 <= c <= 107:
                self.bg = PALETTE[c - 100 + 8]
            elif c == 49:
                self.bg = None
            elif c in (38, 48) and i + 1 < len(codes):
                if codes[i + 1] == 5 and i + 2 < len(codes):
                    value = colour_256(codes[i + 2])
                    i += 2
                elif codes[i + 1] == 2 and i + 4 < len(codes):
                    value = "#%02x%02x%02x" % tuple(codes[i + 2 : i + 5])
                    i += 4
                else:
                    value = None
                if c == 38:
                    self.fg = value
                else:
                    self.bg = value
            i += 1


def runs(line, style):
    """The line as (text, style key) runs; `style` carries over from line to line."""
    out = []
    at = 0
    for match in SGR.finditer(line):
        if match.start() > at:
            out.append((line[at : match.start()], style.key()))
        style.apply(match.group(1))
        at = match.end()
    if at < len(line):
        out.append((line[at:], style.key()))
    return out


def render(text, cols, title):
    text = OTHER_ESCAPES.sub("", text.replace("\r", ""))
    lines = text.split("\n")
    while lines and not SGR.sub("", lines[-1]).strip():
        lines.pop()
    char_w, line_h, font = 8.4, 19, 14
    pad, bar = 16, 30
    width = int(cols * char_w + 2 * pad)
    height = int(len(lines) * line_h + 2 * pad + bar)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
        f'<rect width="{width}" height="{height}" rx="8" fill="{BACKGROUND}"/>',
        '<circle cx="20" cy="15" r="6" fill="#ff5f56"/><circle cx="40" cy="15" r="6" fill="#ffbd2e"/>'
        '<circle cx="60" cy="15" r="6" fill="#27c93f"/>',
        f'<text x="{width / 2}" y="20" fill="#8b929e" font-family="sans-serif" font-size="13" '
        f'text-anchor="middle">{html.escape(title)}</text>',
        f'<g font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="{font}" fill="{FOREGROUND}">',
    ]
    style = Style()
    for row, line in enumerate(lines):
        y = pad + bar + row * line_h
        col = 0
        spans = []
        for chunk, (fg, bg, bold, dim, italic, underline) in runs(line, style):
            x = pad + col * char_w
            if bg:
                out.append(f'<rect x="{x:.1f}" y="{y - font + 2}" width="{len(chunk) * char_w:.1f}" '
                           f'height="{line_h}" fill="{bg}"/>')
            attrs = [f'x="{x:.1f}"']
            if fg:
                attrs.append(f'fill="{fg}"')
            if bold:
                attrs.append('font-weight="bold"')
            if dim:
                attrs.append('fill-opacity="0.55"')
            if italic:
                attrs.append('font-style="italic"')
            if underline:
                attrs.append('text-decoration="underline"')
            spans.append(f'<tspan {" ".join(attrs)}>{html.escape(chunk)}</tspan>')
            col += len(chunk)
        if spans:
            out.append(f'<text y="{y}" xml:space="preserve">{"".join(spans)}</text>')
    out.append("</g></svg>")
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("capture")
    parser.add_argument("--cols", type=int, default=100)
    parser.add_argument("--title", default="ormsh")
    args = parser.parse_args()
    with open(args.capture, encoding="utf-8") as f:
        sys.stdout.write(render(f.read(), args.cols, args.title))


if __name__ == "__main__":
    main()
