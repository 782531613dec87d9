"""Search terms that are personal data stay out of addresses, and so out of access logs and
browser histories: an ID number, a phone or a bank account typed into a list's search box.

- Every list's filter form posts (core/_filter_form.html, with `_filter`); `FilterPostMiddleware`
  turns the post into a redirect to the list's address, a personal term replaced by an opaque token
  (`qt=<token>`, kept in the user's session). Other filters stay readable in the address.
- A GET with `qt` gets its term back before the view runs; `request.GET` is a `TokenisedQuery`, whose
  `urlencode()` (page links, sort links, exports) writes the token again, never the term.
- A term that arrives in the address anyway (an old link, a script) is served, and the links the
  page writes carry the token.

The API has the same filters in a POST body (`POST /api/households/households/search/`).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, MutableMapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict

SEARCH_PARAM = "q"
TOKEN_PARAM = "qt"  # noqa: S105 (a parameter name, not a secret)
SESSION_KEY = "search_terms"
MAX_TERMS = 20  # the session keeps the latest terms only
# Eight digits in a row (allowing spaces and dashes) is an ID number, a phone or an account: personal.
PERSONAL_TERM = re.compile(r"(?:\d[\s-]?){8,}")


def is_personal(term: str) -> bool:
    return bool(PERSONAL_TERM.search(term or ""))


def term_token(request: HttpRequest, term: str) -> str:
    """An opaque token for `term`, kept in the session (a keyed hash: the token says nothing of it)."""
    session_key = request.session.session_key or ""
    token = hmac.new(
        settings.SECRET_KEY.encode(), f"{session_key}:{term}".encode(), hashlib.sha256
    ).hexdigest()[:20]
    terms: dict[str, str] = dict(request.session.get(SESSION_KEY) or {})
    terms.pop(token, None)
    terms[token] = term
    request.session[SESSION_KEY] = dict(list(terms.items())[-MAX_TERMS:])
    return token


class TokenisedQuery(QueryDict):
    """request.GET with the personal search term in it, whose urlencode() writes its token instead."""

    term_tokens: dict[str, str]

    def __deepcopy__(self, memo: MutableMapping[int, Any]) -> TokenisedQuery:
        result = super().__deepcopy__(memo)
        result.term_tokens = dict(getattr(self, "term_tokens", {}))
        return result

    def urlencode(self, safe: str | None = None) -> str:
        plain = QueryDict(mutable=True)
        for key, values in self.lists():
            if key == SEARCH_PARAM:
                tokens = [self.term_tokens.get(v) for v in values]
                if all(tokens):
                    plain.setlist(TOKEN_PARAM, tokens)  # type: ignore[arg-type]
                    continue
            plain.setlist(key, values)
        return plain.urlencode(safe)


def _tokenised(request: HttpRequest, params: QueryDict) -> TokenisedQuery:
    query = TokenisedQuery(mutable=True)
    query.term_tokens = {}
    stored: dict[str, str] = request.session.get(SESSION_KEY) or {}
    for key, values in params.lists():
        if key == TOKEN_PARAM:
            terms = [stored[v] for v in values if v in stored]
            for token, term in zip(values, terms, strict=False):
                query.term_tokens[term] = token
            query.setlist(SEARCH_PARAM, terms)
        else:
            query.setlist(key, values)
    for term in query.getlist(SEARCH_PARAM):
        if is_personal(term) and term not in query.term_tokens:
            query.term_tokens[term] = term_token(request, term)
    query._mutable = False
    return query


class FilterPostMiddleware:
    """A list's filter form posted: redirect to the list with the filters in the address, a personal
    search term as a token. A GET carrying a token gets its term back (see the module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not getattr(request, "user", None) or not request.user.is_authenticated:
            return self.get_response(request)
        if request.method == "POST" and request.POST.get("_filter") and not request.path.startswith("/api/"):
            params = QueryDict(mutable=True)
            for key, values in request.POST.lists():
                if key not in ("_filter", "csrfmiddlewaretoken"):
                    params.setlist(key, [v for v in values if v != ""])
            query = _tokenised(request, params)
            return HttpResponseRedirect(f"{request.path}?{query.urlencode()}", status=303)
        if request.method == "GET" and (
            TOKEN_PARAM in request.GET or any(is_personal(t) for t in request.GET.getlist(SEARCH_PARAM))
        ):
            request.GET = _tokenised(request, request.GET)  # type: ignore[assignment]
        return self.get_response(request)
