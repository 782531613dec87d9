"""No template holds what the Content-Security-Policy refuses (core.headers): an inline script, an
inline event handler (onclick=…), a style="" attribute or a <style> block. Scripts live in the apps'
static/ folders and bind to data- attributes; styles live in static/css."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# A <script> without src= (a JSON data block, type="application/json", is not run and is allowed).
_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
_STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I)
_STYLE_BLOCK = re.compile(r"<style\b", re.I)
_JAVASCRIPT_URL = re.compile(r"\b(?:href|src|action)\s*=\s*[\"']?\s*javascript:", re.I)
RULES = {
    "inline script": _SCRIPT,
    "inline event handler": _HANDLER,
    "style attribute": _STYLE_ATTRIBUTE,
    "style block": _STYLE_BLOCK,
    "javascript: address": _JAVASCRIPT_URL,
}


def template_files(root: Path = ROOT) -> list[Path]:
    found = list((root / "templates").rglob("*.html"))
    for app in root.iterdir():
        if app.is_dir() and not app.name.startswith(".") and (app / "templates").is_dir():
            found += (app / "templates").rglob("*.html")
    return sorted(found)


_TEMPLATE_TAG = re.compile(r"\{% comment %\}.*?\{% endcomment %\}|\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", re.S)


def violations(text: str) -> list[tuple[int, str, str]]:
    """(line, rule, excerpt) for each thing the policy refuses in one template's text."""
    # Template tags and comments blanked (newlines kept): a `>` in `{% if a > b %}` inside an element's
    # tag would otherwise end the element early for the patterns and hide what follows it.
    text = _TEMPLATE_TAG.sub(lambda tag: re.sub(r"[^\n]", " ", tag.group(0)), text)
    found = []
    for rule, pattern in RULES.items():
        for match in pattern.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append((line, rule, match.group(0)[:80]))
    return sorted(found)


def test_the_scanner_finds_each_kind_of_violation() -> None:
    planted = (
        '<p>ok</p>\n<script>alert(1)</script>\n<button class="b" onclick="go()">x</button>\n'
        '<div\n  style="width: 3px">x</div>\n<style>p { color: red }</style>\n<a href="javascript:go()">x</a>\n'
        '<select name="a" onchange="this.form.submit()"></select>\n'
        '<div class="bar{% if rate >= 100 %} ok{% endif %}" style="width: {{ rate }}%"></div>\n'
    )
    assert [(line, rule) for line, rule, _excerpt in violations(planted)] == [
        (2, "inline script"),
        (3, "inline event handler"),
        (4, "style attribute"),
        (6, "style block"),
        (7, "javascript: address"),
        (8, "inline event handler"),
        (9, "style attribute"),
    ]
    allowed = (
        "<script src=\"{% static 'js/app.js' %}\"></script>\n"
        '<script type="application/json" id="config">{"a": 1}</script>\n'
        '<form method="post" action="/x/" data-action="sync"><button data-autosubmit>x</button></form>\n'
        '<p data-percent="40" class="onboarding">{{ question }}</p>\n'
        "{% comment %}Not an inline <style> block.{% endcomment %}\n"
    )
    assert violations(allowed) == []


def test_no_template_has_inline_script_handler_or_style() -> None:
    files = template_files()
    assert len(files) > 50  # the scan sees the apps' templates, not an empty folder
    found = [
        f"{path.relative_to(ROOT)}:{line}: {rule}: {excerpt}"
        for path in files
        for line, rule, excerpt in violations(path.read_text(encoding="utf-8"))
    ]
    assert found == [], "\n".join(found)
