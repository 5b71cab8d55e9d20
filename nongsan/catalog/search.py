"""Search text: the postings of a product and the parsing of what buyers type.

Every word is written two ways: folded (no diacritics, lower case, đ -> d: "dua") and in an ASCII
spelling that keeps every mark, Telex style with the tone at the end ("duwas" for dứa, "duwaz"
for dưa, "hoaf" for both "hoà" and "hòa"; z marks the level tone, so a marked word never equals
a folded one).

What a buyer types matches the folded words, so "vai thieu" finds "Vải thiều". The regional
synonyms an editor wrote with their marks match the marked spelling, so "khóm" finds "dứa" but
not "dưa" (melon), which folds the same.

The search index is a table of postings, one row per word and listed product with the field it
comes from (name, origin, other text), and tokens for the filters a search combines with words
("@c12" category, "@p20" province, "@m06" a month of the season, "@o4" OCOP stars, "@s1"
marketplace, "@kproduce" kind, "@h5" shop). It is read index-only from a btree, newest product
first, so a search touches the product rows of one page only, whatever the number of matches:
an inverted index, in the database.
"""

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from nongsan.core.text import fold

_WORD = re.compile(r"[0-9a-z]+")
# More words than a buyer types; longer input is cut rather than refused.
MAX_TERMS = 8
MAX_QUERY_LENGTH = 120

_TONES = {"\u0301": "s", "\u0300": "f", "\u0309": "r", "\u0303": "x", "\u0323": "j"}
_CIRCUMFLEX = "\u0302"  # â ê ô -> aa ee oo
_BREVE_OR_HORN = {"\u0306", "\u031b"}  # ă ơ ư -> aw ow uw


def words(text: str | None) -> list[str]:
    """The folded words of `text`: "Vải thiều (Lục Ngạn)" -> ["vai", "thieu", "luc", "ngan"]."""
    return _WORD.findall(fold(text))


def marked_words(text: str | None) -> list[str]:
    """The words of `text` with their marks in ASCII: "Dứa Cầu Đúc" -> ["duwas", "caauf", "dducs"].

    The tone goes to the end of the word, so old and new tone placement ("hoà", "hòa") agree; a
    word without a tone mark ends in "z".
    """
    found: list[str] = []
    letters: list[str] = []
    tone = ""
    for char in unicodedata.normalize("NFD", str(text or "").lower()) + " ":
        if unicodedata.combining(char):
            if char in _TONES:
                tone = _TONES[char]
            elif char == _CIRCUMFLEX and letters:
                letters[-1] *= 2
            elif char in _BREVE_OR_HORN and letters:
                letters[-1] += "w"
        elif char == "đ":
            letters.append("dd")
        elif "a" <= char <= "z" or "0" <= char <= "9":
            letters.append(char)
        else:
            if letters:
                found.append("".join(letters) + (tone or "z"))
            letters, tone = [], ""
    return found


MAX_TOKEN = 40
# Descriptions can run to pages; their first distinct words are what a buyer searches by.
MAX_OTHER_WORDS = 60


class Field:
    """Where a posting's word comes from; searches rank name before origin before the rest."""

    NAME = 0
    ORIGIN = 1
    OTHER = 2  # shop name, description
    FILTER = 3  # "@" tokens


def posting_tokens(
    *,
    name: str,
    origin: Sequence[str],
    other: Sequence[str],
    category_ids: Sequence[int],
    province_id: int,
    season: tuple[int, int] | None,
    ocop_stars: int | None,
    marketplace_id: int,
    kind: str,
    shop_id: int,
) -> dict[str, int]:
    """The postings of a listed product: token -> the first field (see Field) it comes from."""
    tokens: dict[str, int] = {}
    for token in (*words(name), *marked_words(name)):
        tokens.setdefault(token[:MAX_TOKEN], Field.NAME)
    for part in origin:
        for token in words(part):
            tokens.setdefault(token[:MAX_TOKEN], Field.ORIGIN)
    others = 0
    for part in other:
        for token in words(part):
            if others >= MAX_OTHER_WORDS:
                break
            if token[:MAX_TOKEN] not in tokens:
                tokens[token[:MAX_TOKEN]] = Field.OTHER
                others += 1
    for category_id in category_ids:
        tokens[category_token(category_id)] = Field.FILTER
    tokens[province_token(province_id)] = Field.FILTER
    if season is not None:
        for month in season_months(*season):
            tokens[month_token(month)] = Field.FILTER
    for stars in range(3, (ocop_stars or 0) + 1):
        tokens[ocop_token(stars)] = Field.FILTER
    tokens[marketplace_token(marketplace_id)] = Field.FILTER
    tokens[kind_token(kind)] = Field.FILTER
    tokens[shop_token(shop_id)] = Field.FILTER
    return tokens


def category_token(category_id: int) -> str:
    return f"@c{category_id}"


def province_token(province_id: int) -> str:
    return f"@p{province_id}"


def month_token(month: int) -> str:
    return f"@m{month:02d}"


def ocop_token(stars: int) -> str:
    return f"@o{stars}"


def marketplace_token(marketplace_id: int) -> str:
    return f"@s{marketplace_id}"


def kind_token(kind: str) -> str:
    return f"@k{kind}"


def shop_token(shop_id: int) -> str:
    return f"@h{shop_id}"


def season_months(start: int, end: int) -> list[int]:
    """The months a yearly season (MMDD to MMDD, over the new year if end < start) touches:
    a product is "in season" in each of them."""
    first, last = start // 100, end // 100
    if start <= end:
        return list(range(first, last + 1))
    return sorted({*range(first, 13), *range(1, last + 1)})


@dataclass(frozen=True)
class SynonymGroup:
    phrases: tuple[str, ...]  # folded phrases, each one or more words
    marked: tuple[str, ...]  # the same phrases with their marks (see marked_words)
    is_classifier: bool = False


@dataclass(frozen=True)
class Term:
    """One thing the buyer asked for: what they typed, or any of its synonyms."""

    typed: str  # folded
    synonyms: tuple[str, ...] = ()  # marked spellings of the other words of its group
    optional: bool = False
    typed_marked: str = ""  # as typed, marks kept (see marked_words)
    prefix: bool = False  # the typed word may be the start of a word ("thi" for "thiều")

    def alternatives(self, *, exact: bool = False) -> tuple[str, ...]:
        """The phrases that match it, each by holding all its words: what was typed (folded;
        with its marks when `exact`), and its synonyms spelt as the editor wrote them."""
        typed = (self.typed_marked or self.typed) if exact else self.typed
        return (typed, *(s for s in self.synonyms if s != typed))


@dataclass(frozen=True)
class ParsedQuery:
    terms: tuple[Term, ...]
    raw: str  # what was typed, NFC, trimmed

    @property
    def required(self) -> tuple[Term, ...]:
        return tuple(term for term in self.terms if not term.optional)

    @property
    def has_marks(self) -> bool:
        """Typed with diacritics: names spelt exactly so rank first."""
        return fold(self.raw) != self.raw.lower()

    def __bool__(self) -> bool:
        return bool(self.terms)

    def with_last_word_as_prefix(self) -> "ParsedQuery | None":
        """The same query reading its last word as unfinished ("vai thi"), when that can help:
        a single typed word of two letters or more, without synonyms."""
        last = self.terms[-1] if self.terms else None
        if last is None or last.synonyms or " " in last.typed or len(last.typed) < 2:
            return None
        terms = (*self.terms[:-1], Term(last.typed, (), last.optional, "", prefix=True))
        return ParsedQuery(terms=terms, raw=self.raw)


def _merged(groups: Iterable[SynonymGroup], *, by_marks: bool) -> dict[str, SynonymGroup]:
    """Each phrase of every group (folded, or with its marks), pointing at its group; groups
    sharing a phrase merge."""
    index: dict[str, SynonymGroup] = {}
    for group in groups:
        phrases, marked = list(group.phrases), list(group.marked)
        classifier = group.is_classifier
        for key in group.marked if by_marks else group.phrases:
            earlier = index.get(key)
            if earlier is None:
                continue
            for other, other_marked in zip(earlier.phrases, earlier.marked, strict=True):
                if other_marked not in marked:
                    phrases.append(other)
                    marked.append(other_marked)
            classifier = classifier and earlier.is_classifier
        combined = SynonymGroup(tuple(phrases), tuple(marked), classifier)
        for key in combined.marked if by_marks else combined.phrases:
            index[key] = combined
    return index


@dataclass(frozen=True)
class SynonymIndex:
    """The synonym groups by folded phrase (for words typed without marks) and by marked phrase
    (for words typed with them: "dưa" is not "dứa", though both fold to "dua")."""

    folded: Mapping[str, SynonymGroup]
    marked: Mapping[str, SynonymGroup]

    def __getitem__(self, phrase: str) -> SynonymGroup:
        return self.folded[phrase]

    @property
    def longest(self) -> int:
        return max((len(phrase.split()) for phrase in self.folded), default=1)

    def lookup(self, *, folded: str, marked: str | None) -> SynonymGroup | None:
        """The group of a phrase: by its marks when it was typed with marks (`marked`)."""
        return self.marked.get(marked) if marked is not None else self.folded.get(folded)


def synonym_index(groups: Iterable[SynonymGroup]) -> SynonymIndex:
    groups = list(groups)
    return SynonymIndex(_merged(groups, by_marks=False), _merged(groups, by_marks=True))


def _typed_with_marks(folded: str, marked: str) -> bool:
    """`marked` (see marked_words) holds a mark that its folded spelling has not."""
    return marked != " ".join(marked_words(folded))


def parse_query(text: str, *, synonyms: SynonymIndex) -> ParsedQuery:
    """Split a query into terms, longest synonym phrase first ("mang cau" before "mang").

    A phrase typed without marks finds its group by its folded spelling; one typed with marks
    by its marks, so "dưa" (melon) does not bring the synonyms of "dứa" (pineapple), while
    "dua" still finds both. Classifier words ("quả", "trái") become optional unless nothing
    else was typed.
    """
    raw = unicodedata.normalize("NFC", " ".join(str(text or "").split()))[:MAX_QUERY_LENGTH]
    tokens = words(raw)
    marked_tokens = marked_words(raw)
    marks_known = len(marked_tokens) == len(tokens)
    if not marks_known:  # characters fold() keeps but the marker drops
        marked_tokens = tokens
    terms: list[Term] = []
    seen: set[tuple[str, str]] = set()
    position = 0
    while position < len(tokens):
        group: SynonymGroup | None = None
        exact = False
        for size in range(min(synonyms.longest, len(tokens) - position), 0, -1):
            typed = " ".join(tokens[position : position + size])
            typed_marked = " ".join(marked_tokens[position : position + size])
            exact = marks_known and _typed_with_marks(typed, typed_marked)
            group = synonyms.lookup(folded=typed, marked=typed_marked if exact else None)
            if group is not None or size == 1:
                break
        position += size
        if group is None:
            term = Term(typed=typed, typed_marked=typed_marked)
        else:
            others = tuple(
                m
                for p, m in zip(group.phrases, group.marked, strict=True)
                if (m != typed_marked if exact else p != typed)
            )
            term = Term(typed, others, group.is_classifier, typed_marked)
        if (typed, typed_marked) not in seen:  # "du du" is one term; "đu đủ" two when exact
            seen.add((typed, typed_marked))
            terms.append(term)
    if terms and all(term.optional for term in terms):
        terms = [Term(t.typed, t.synonyms, False, t.typed_marked) for t in terms]
    return ParsedQuery(terms=tuple(terms[:MAX_TERMS]), raw=raw)


def groups_from_rows(rows: Sequence[tuple[str, bool]]) -> list[SynonymGroup]:
    """Synonym groups from (comma-separated words, is_classifier) rows as editors write them."""
    groups = []
    for text, is_classifier in rows:
        pairs: dict[str, str] = {}
        for part in text.split(","):
            folded = " ".join(words(part))
            if folded:
                pairs.setdefault(" ".join(marked_words(part)), folded)
        if len(pairs) >= 2 or (is_classifier and pairs):
            groups.append(SynonymGroup(tuple(pairs.values()), tuple(pairs), is_classifier))
    return groups
