"""Walk the pages a user reaches from the menu and read their text as a person would.

`walk(client)` starts at "/", follows the main menu's links and, from each of those pages, the links
into other views (one page per URL pattern, so a list of 50 households is one visit to a detail
page, not 50), and returns each page's visible text. `english_words(text)` is what is left in
English once proper nouns and codes are allowed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from django.urls import Resolver404, resolve

# Words that may stay in Latin letters in a Chinese page: product and standard names, units, codes.
ALLOWED = {
    # standards, formats and units
    "id",
    "xlsx",
    "csv",
    "pdf",
    "png",
    "jpg",
    "jpeg",
    "json",
    "api",
    "url",
    "gb",
    "mb",
    "kb",
    "cpu",
    "app",
    "pwa",
    "excel",
    "wps",
    "pinyin",
    "qr",
    "sms",
    "pm",
    "am",
    "ip",
    "ok",
    "ctrl",  # the key, as printed on it (按住 Ctrl 多选)
    # language names shown in themselves in the language switch
    "english",
    # demo accounts' user names and the demo's data labels
    "admin",
    "county",
    "zheqiao",
    "fuhan",
    "secretary",
    "cadre",
    "prefecture",
    "chengjiao",
    "nanlong",
    "baocun",
    "demo",
}
WORD = re.compile(r"[A-Za-z][A-Za-z'’]+")
SKIP_TAGS = {"script", "style", "noscript", "template", "code", "pre"}
# Attributes a person reads (tooltips, placeholders, labels for screen readers, button values).
READ_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
DEBUG_MARKS = ("Traceback", "Using the URLconf", "Request Method:", "Exception Value:", "DisallowedHost")
# Links never followed: they change state, leave the site or are the admin's generated pages.
# /audit/ (the history pages): `history_walk` opens one of each record kind instead.
NOT_FOLLOWED = ("/audit/", "/logout", "/i18n/", "/admin/", "/static/", "/media/", "/api/", "/field/sw.js")


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.links: list[str] = []
        self.menu_links: list[str] = []
        self._skip = 0
        self._nav_depth = 0
        self._stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in SKIP_TAGS:
            self._skip += 1
        if tag == "nav" and values.get("data-testid") == "main-nav":
            self._nav_depth = 1
        elif tag == "nav" and self._nav_depth:
            self._nav_depth += 1
        if tag == "a" and values.get("href"):
            href = values["href"] or ""
            self.links.append(href)
            if self._nav_depth:
                self.menu_links.append(href)
        for name in READ_ATTRIBUTES:
            if values.get(name):
                self.text.append(values[name] or "")
        if tag == "input" and values.get("type") in {"submit", "button"} and values.get("value"):
            self.text.append(values["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP_TAGS and self._skip:
            self._skip -= 1
        if tag == "nav" and self._nav_depth:
            self._nav_depth -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)


@dataclass
class Visit:
    url: str
    status: int
    text: str
    debug: bool


@dataclass
class Walk:
    visits: list[Visit] = field(default_factory=list)

    def problems(self) -> list[str]:
        found = []
        for visit in self.visits:
            if visit.status != 200:
                found.append(f"{visit.url}: status {visit.status}")
            if visit.debug:
                found.append(f"{visit.url}: a debug page")
            words = english_words(visit.text)
            if words:
                found.append(f"{visit.url}: {', '.join(sorted(words))}")
        return found


def english_words(text: str) -> set[str]:
    return {word for word in WORD.findall(text) if word.lower().strip("'’") not in ALLOWED}


def _pattern(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def _internal(href: str) -> str | None:
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    if any(parts.path.startswith(prefix) for prefix in NOT_FOLLOWED):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _visit(client: Any, url: str) -> Visit | None:
    response = client.get(url, follow=True)
    if "text/html" not in response.get("Content-Type", ""):
        return None
    body = response.content.decode()
    page = _Page()
    page.feed(body)
    return Visit(
        url=url,
        status=response.status_code,
        text=" ".join(page.text),
        debug=any(m in body for m in DEBUG_MARKS),
    )


def history_walk(client: Any, user: Any) -> Walk:
    """Open the history page (/audit/...) of one record of every kind that has one (each model that
    pghistory tracks and core scoping can narrow), the newest the user can see; kinds outside the
    user's scope are not opened."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    kinds = {getattr(m, "pgh_tracked_model", None) for m in apps.get_models()}
    kinds = {k for k in kinds if k is not None and hasattr(k, "scope_path")}
    result = Walk()
    for kind in sorted(kinds, key=lambda k: k._meta.label):
        record = kind.objects.visible_to(user).order_by("-pk").first()
        if record is None:
            continue
        content_type = ContentType.objects.get_for_model(kind)
        visit = _visit(client, f"/audit/{content_type.app_label}/{content_type.model}/{record.pk}/")
        if visit is not None:
            result.visits.append(visit)
    return result


def walk(client: Any, *, depth: int = 2, limit: int = 80) -> Walk:
    """Open "/" and what the menu links to, then (up to `depth`) one page of each other view linked."""
    result = Walk()
    seen_patterns: set[str] = set()
    seen_urls: set[str] = set()
    frontier = ["/"]
    level = 0
    while frontier and level <= depth and len(result.visits) < limit:
        following: list[str] = []
        for url in frontier:
            if url in seen_urls or len(result.visits) >= limit:
                continue
            seen_urls.add(url)
            response = client.get(url, follow=True)
            content_type = response.get("Content-Type", "")
            if "text/html" not in content_type:
                continue
            body = response.content.decode()
            page = _Page()
            page.feed(body)
            text = " ".join(page.text)
            result.visits.append(
                Visit(
                    url=url, status=response.status_code, text=text, debug=any(m in body for m in DEBUG_MARKS)
                )
            )
            links = page.menu_links if level == 0 else page.links
            if level == 0:
                # the start page's own links count too (its work queue opens pages the menu does not)
                links = page.menu_links + page.links
            for href in links:
                target = _internal(href)
                if target is None or target in seen_urls:
                    continue
                pattern = _pattern(urlsplit(target).path)
                key = f"{pattern}?{bool(urlsplit(target).query)}"
                if pattern is None or key in seen_patterns:
                    continue
                seen_patterns.add(key)
                following.append(target)
        frontier = following
        level += 1
    return result
