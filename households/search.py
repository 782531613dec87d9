"""Finding people and households the way clerks type on a phone: 张三, zhangsan, zhang san, zs, zhangs,
or the last 4 to 6 characters of an ID number.

Pinyin keys are computed here, once, by `name_keys` (pypinyin), stored on `Member.name_keys` and indexed
with pg_trgm, so a search at a million households reads an index. Every write that sets a name goes
through `member_search_keys_refresh` (services call it for one member; bulk writes such as the
spreadsheet import call it once for all their rows, set-based). `Member.name_keyed` holds the name the
keys were computed for, so stale rows are found in SQL (`name_keyed IS DISTINCT FROM name`) whoever
wrote them.

`household_search_q` is the one search used by every list filter, the API `q` and the household pickers
(the public lookup does not use it: it asks for an exact ID number and never a name). A name is looked up
in the household's search vector (households.search_vectors: the members' keys and names and the village
in one GIN index on the household table), an ID number or its tail in the member table's indexes.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import F, Q, QuerySet, Subquery, Value
from django.db.models.functions import Reverse
from django.db.models.lookups import Lookup, StartsWith
from pypinyin import Style, lazy_pinyin

from .search_vectors import TOWNSHIP_PREFIX

# Surnames whose reading differs from the character's usual one. The first reading is the surname's
# (单 shan, 曾 zeng, 解 xie); the common reading stays searchable, because clerks type both.
SURNAME_READINGS: dict[str, tuple[str, ...]] = {
    "单": ("shan", "dan"),
    "曾": ("zeng", "ceng"),
    "解": ("xie", "jie"),
    "仇": ("qiu", "chou"),
    "查": ("zha", "cha"),
    "区": ("ou", "qu"),
    "朴": ("piao", "pu"),
    "盖": ("ge", "gai"),
    "乐": ("yue", "le"),
    "覃": ("qin", "tan"),
    "缪": ("miao", "mou"),
    "翟": ("zhai", "di"),
    "召": ("shao", "zhao"),
    "种": ("chong", "zhong"),
    "繁": ("po", "fan"),
    "秘": ("bi", "mi"),
    "员": ("yun", "yuan"),
    "尉": ("wei", "yu"),
    "折": ("she", "zhe"),
    "柏": ("bai", "bo"),
    "牟": ("mu", "mou"),
    "长": ("chang", "zhang"),
}
COMPOUND_SURNAMES: dict[str, tuple[str, ...]] = {
    "尉迟": ("yu", "chi"),
    "欧阳": ("ou", "yang"),
    "司马": ("si", "ma"),
    "诸葛": ("zhu", "ge"),
    "上官": ("shang", "guan"),
    "皇甫": ("huang", "fu"),
    "令狐": ("ling", "hu"),
    "长孙": ("zhang", "sun"),
    "万俟": ("mo", "qi"),
    "单于": ("chan", "yu"),
}
# Above this many syllables every full/initial combination would be too many keys: long names (often
# transliterated) keep the full spelling, the initials and the full surname with the given name's initials.
MAX_COMBINED_SYLLABLES = 4
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_ID_TAIL = re.compile(r"^\d{3,5}[\dX]$")


def _syllables(name: str) -> list[tuple[str, ...]]:
    """Each syllable of the name as its possible readings (lower-case, no tones)."""
    name = "".join(ch for ch in name if ch.isalnum())
    readings: list[tuple[str, ...]] = []
    rest = name
    for compound, syllables in COMPOUND_SURNAMES.items():
        if name.startswith(compound):
            readings = [(s,) for s in syllables]
            rest = name[len(compound) :]
            break
    else:
        if name[:1] in SURNAME_READINGS:
            readings = [SURNAME_READINGS[name[0]]]
            rest = name[1:]
    # pypinyin takes an `errors` callable that returns a list (its documentation); its stubs say a str
    for syllable in lazy_pinyin(rest, style=Style.NORMAL, errors=lambda text: list(text.lower())):  # type: ignore[arg-type, return-value]
        syllable = syllable.lower()
        if not syllable.isalnum():
            continue
        # ü is typed v on a phone keyboard (lv 吕, nv 女) and often u: both find the name.
        readings.append((syllable, syllable.replace("v", "u")) if "v" in syllable else (syllable,))
    return readings


def name_keys(name: str) -> str:
    """The pinyin keys of a name, space-separated with a leading space (so `LIKE '% zs%'` means "a key
    starting with zs"): every combination of full syllables and initials, for every surname reading.
    张三 → " zhangsan zhangs zsan zs"."""
    syllables = _syllables(name or "")
    if not syllables:
        return ""
    keys: set[str] = set()
    if len(syllables) <= MAX_COMBINED_SYLLABLES:
        choices = [[form for reading in options for form in (reading, reading[0])] for options in syllables]
        keys.update("".join(combo) for combo in itertools.product(*choices))
    else:
        for surname in syllables[0]:
            given = [options[0] for options in syllables[1:]]
            keys.add(surname + "".join(given))
            keys.add(surname + "".join(s[0] for s in given))
            keys.add(surname[0] + "".join(s[0] for s in given))
    return " " + " ".join(sorted(keys, key=lambda k: (-len(k), k)))


def query_key(value: str) -> str:
    """A typed pinyin query as it is compared with the keys: lower case, without spaces or apostrophes
    (zhang san, Zhang'San → zhangsan)."""
    return re.sub(r"[\s'’·.-]+", "", value).lower()


# -- keeping the keys current -----------------------------------------------------------------------

REFRESH_BATCH = 2000


def member_search_keys_refresh(members: QuerySet | Iterable[int] | None = None) -> int:
    """Recompute the keys of members whose name changed since their keys were made (or never had keys),
    set-based: one read and one `UPDATE ... FROM (VALUES ...)` per batch. `members` is a queryset or ids;
    None means the whole registry. Returns the number of rows updated."""
    from .models import Member

    qs: QuerySet[Member]
    if members is None:
        qs = Member.objects.all()
    elif isinstance(members, QuerySet):
        qs = members
    else:
        qs = Member.objects.filter(pk__in=list(members))
    stale = qs.filter(Q(name_keyed__isnull=True) | ~Q(name_keyed=F("name"))).order_by("pk")
    updated = 0
    last = 0
    while True:
        batch = list(stale.filter(pk__gt=last).values_list("pk", "name")[:REFRESH_BATCH])
        if not batch:
            return updated
        last = batch[-1][0]
        rows = [(pk, name, name_keys(name)) for pk, name in batch]
        placeholders = ", ".join(["(%s::bigint, %s::text, %s::text)"] * len(rows))
        params: list[Any] = [value for row in rows for value in row]
        with connection.cursor() as cursor:
            # Only where the name is still the one the keys were computed from (a concurrent rename
            # is picked up by its own refresh).
            cursor.execute(
                f"UPDATE households_member m SET name_keys = v.keys, name_keyed = v.name "  # noqa: S608
                f"FROM (VALUES {placeholders}) AS v(id, name, keys) "
                "WHERE m.id = v.id AND m.name = v.name",
                params,
            )
            updated += cursor.rowcount


def member_key_fields(name: str) -> dict[str, str]:
    """The key columns to write with a member whose name is `name` (services set them with the name)."""
    return {"name_keys": name_keys(name), "name_keyed": name}


# -- searching --------------------------------------------------------------------------------------


def member_search_q(value: str, *, full_ids: bool = True) -> Q | None:
    """Members matching a typed query, or None when the query names no person (digits of a household
    number, empty). Each form uses its own index: the name's pattern index for characters, the pg_trgm
    index of the keys for pinyin, the reversed-number index for an ID number's last characters.
    Without `full_ids` (a user who sees ID numbers masked, core.masking) an ID number matches by the
    last digits the mask shows only: one digit more, typed 0 to 9, would read a hidden digit back."""
    from django.conf import settings

    from .id_numbers import id_number_normalize

    value = (value or "").strip()
    if not value:
        return None
    number = id_number_normalize(value)
    is_number = len(number) == 18 and number[:17].isdigit()
    if not full_ids and (is_number or _ID_TAIL.match(number)):
        if len(number) > settings.POVERTYCASE["ID_NUMBER_VISIBLE_DIGITS"][1]:
            return Q(pk__in=[])
    if is_number:
        return Q(id_number=number)
    if _ID_TAIL.match(number):
        return Q(StartsWith(Reverse("id_number"), number[::-1]))
    if _CJK.search(value):
        return Q(name__startswith=re.sub(r"\s+", "", value))
    key = query_key(value)
    if key and key.isascii() and key.isalpha():
        return Q(name_keys__contains=" " + key)
    return None


class _VectorMatches(Lookup):
    """`vector @@ 'query'::tsquery`: the query is written as tsquery text (quoted lexemes, `:*` for a
    prefix), never through a text search configuration, so keys and names are matched as stored."""

    lookup_name = "vector_matches"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} @@ ({rhs})::tsquery", (*lhs_params, *rhs_params)


class _AnyOf(Lookup):
    """`pk = ANY(ARRAY(SELECT ...))`: the subquery runs once (an InitPlan), its ids are then probed."""

    lookup_name = "any_of"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)


def _lexeme_prefix(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "':*"


# A scope this narrow (a township's or a village's code prefix) is matched inside the index with the
# name, through the lexemes that carry the township (`@622922100/zs`); a county's or wider would make
# the index read most of the table, so those are applied after.
NARROW_SCOPE_PREFIX = TOWNSHIP_PREFIX


def household_vector_query(value: str, scope: Iterable[str] = ()) -> str | None:
    """The tsquery text matching households.search_vectors' lexemes for a typed name (characters or
    pinyin), restricted to `scope` (area code prefixes) when it is narrow: one prefix range of the index
    per township (`'@622922100/zs':*`), with the village's lexeme for a village; None when the query is
    no name (an ID number or its tail, a household number)."""
    value = (value or "").strip()
    if _CJK.search(value):
        lexeme = "#" + re.sub(r"\s+", "", value)
    else:
        key = query_key(value)
        if not (key and key.isascii() and key.isalpha()):
            return None
        lexeme = key
    prefixes = sorted(set(scope))
    if not (prefixes and all(len(p) >= NARROW_SCOPE_PREFIX for p in prefixes)):
        return _lexeme_prefix(lexeme)
    terms = []
    for prefix in prefixes:
        term = _lexeme_prefix(f"@{prefix[:NARROW_SCOPE_PREFIX]}/{lexeme}")
        if len(prefix) > NARROW_SCOPE_PREFIX:  # a village: its township's range, then the village
            term = f"({term} & {_lexeme_prefix('@' + prefix)})"
        terms.append(term)
    return " | ".join(terms)


def search_scope(user: Any) -> tuple[str, ...]:
    """The area prefixes a user's search may be narrowed to inside the index: none for a superuser
    (who sees every area whatever their own) or anyone without a scope."""
    if user is None or getattr(user, "is_superuser", False) or not getattr(user, "is_authenticated", False):
        return ()
    return tuple(user.scope_prefixes)


def household_search_q(
    value: str, *, user: Any = None, path: str = "", scope: Iterable[str] = ()
) -> Q | None:
    """Households (reached through `path` from the filtered model, "" for Household itself) matching a
    typed query: a member's name in characters or pinyin (the household's search vector, one index),
    a member's ID number (all 18 characters or the last 4 to 6; for a `user` who sees ID numbers masked,
    or none given, only the last digits the mask shows), or else the start of the household number. `scope` (the
    user's area prefixes) lets a township user's search be narrowed inside the index; it never widens
    anything, the caller's queryset is scoped already. None for an empty query."""
    from core.masking import may_see_full

    from .models import Household, Member

    value = (value or "").strip()
    if not value:
        return None
    prefix = f"{path}__" if path else ""
    members = member_search_q(value, full_ids=may_see_full(user, Member, "id_number"))
    if members is None:
        return Q(**{f"{prefix}number__startswith": value})
    vector_query = household_vector_query(value, scope)
    if vector_query is None:
        ids = Member.objects.filter(members).values("household_id")
        return Q(**{f"{path}__in" if path else "pk__in": ids})
    matches = Q(_VectorMatches(F(f"{prefix}search_vector"), Value(vector_query)))
    if path or vector_query == household_vector_query(value):
        return matches
    # Narrowed to the user's township(s): the planner cannot know that the township's lexemes imply the
    # scope's villages, multiplies the two selectivities (~2 rows a village) and repeats the index scan
    # for each of the township's villages (25 times at a million households: 20-60 ms on a loaded
    # machine instead of ~1 ms). The township's matches are read from the index once instead.
    once = (
        Household.objects.filter(_VectorMatches(F("search_vector"), Value(vector_query)))
        .order_by()  # unordered: the page sorts
        .values("pk")
    )
    return matches & Q(_AnyOf(F("pk"), Subquery(once)))
