"""Person names in free text: a Swedish name lexicon plus capitalisation and context rules.

Group-level notes must not name anyone (DOMAIN.md, privacy rule 3), but a name is not a
pattern like a personnummer: "Per" is a preposition, "Lund" a town, "Valborg" a
holiday, "Maria Ungdom" a clinic. :func:`contains_person_name` weighs three kinds of
evidence and answers only yes or no, never which word, so a caller cannot leak the name
into a message or a log.

The lexicon
    ``person_names_sv.txt`` (next to this module; see its header) holds about 1,600
    given names and 1,300 surnames common in Sweden — Nordic names and names common
    among Swedes with roots in the Middle East, the Horn of Africa, the Balkans,
    Finland, Poland, Latin America and Asia — in three strengths: *plain* names, names
    that are also ordinary words (``Per``, ``Bo``, ``Klara``, ``Berg``) and names that
    are also places, months, holidays or brands (``Maj``, ``Valborg``, ``Max``,
    ``Lund``); plus proper names that contain a given name but are no person (``Kalle
    Anka``, ``Clas Ohlson``, ``Maria Ungdom``). A genitive (``Kalles``, ``Ali:s``) and
    double names (``Anna-Karin``, ``Yilmaz-familjen``) are handled.

Capitalisation
    A capitalised plain name counts anywhere (``Kalle sågs``, ``med Andersson``); a
    word-name only inside a sentence (``sågs med Per``, not ``Per kväll …``); a
    place/month/brand name only next to another name (``Per Lund``, ``Max Svensson``)
    or with context. A capitalised word ending like a surname (``-sson``, ``-qvist``,
    ``-ović``, ``-oğlu``, ``-zadeh``) is a surname. In lower case (quick typing) and in
    a text written all in capitals a plain name counts too (``sågs med kalle``,
    ``KALLE SÅGS``), except the few that are also lower-case words (``lisa``, ``mats``,
    ``lova``) and all-capital acronyms in a normal text (``NOA``): those need another
    name or context. Not a name: a name followed by a place compound (``Raoul
    Wallenbergskolan``, ``Gustav Adolfsdagen``), a genitive before a place noun
    (``Olof Palmes plats``, ``Kalles kiosk``), a name after ``Sankt``, ``S:t``,
    ``Kung``, ``Drottning`` or ``Prinsessan``.

Context (finds names the lexicon does not know)
    An age next to a word (``Kerim 14 år sågs``, ``Kalle (13)``, ``13-årige Kerim``,
    ``Povel Khoury, 13, greps``); a naming phrase (``hon heter …``, ``kallad …``,
    ``alias …`` — not when a place, a group or a thing is called so: ``gänget kallar
    sig …``, ``platsen kallas …``); a relation (``brodern till …``, ``Kerims bror``); a
    person title (``familjen …``, ``fru …``, ``eleven …``, ``rektor Berg``); initials
    (``K.A.``, ``K. Andersson``, ``Per A.``); a capitalised subject of a verb only people
    do (``att Jovana saknas``, ``Kasimir (14) misstänks``). An age is one number (a
    range such as ``13–15 år`` is a group), and ``år sedan``, ``år i rad``, ``år och
    äldre`` or a jubilee are no ages. An unknown word after ``i``, ``vid``, ``från`` …
    (or listed with such a word) is a place.

What it cannot see: an unknown name without context (``sågs med Yrsa``), two unknown
capitalised words (``Dalila Åhlund`` reads like ``Canada Goose``), and a word-name or a
place-name at the start of a sentence (``Max är ofta ute``). ``bench/bench_pii_names.py``
prints recall and false refusals on a synthetic corpus of SSP notes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

from data.privacy.name_context import (
    COMMON_ENDINGS,
    COMMON_START,
    GENITIVE_RELATIONS,
    NAMED_ONLY_BY_NAMES,
    NAMING,
    NAMING_PAIRS,
    NOT_A_NAME_AFTER_NAMING,
    NOT_AN_AGE,
    NOT_PERSON_SUBJECTS,
    PERSON_NOUNS,
    PERSON_VERBS,
    PLACE_COMPOUND,
    PLACE_MODIFIERS,
    PLACE_NOUNS,
    PLACE_PREPOSITIONS,
    PROFESSIONS,
    RELATION_LINKS,
    RELATIONS,
    TITLE_WORDS,
)

LEXICON_PATH: Final = Path(__file__).with_name("person_names_sv.txt")

# Lexicon flags: given name / surname, each in three strengths.
_FIRST, _FIRST_WORD, _FIRST_PROPER = 1, 2, 4
_SURNAME, _SURNAME_WORD, _SURNAME_PROPER = 8, 16, 32
_LOWER_CASE_WORD = 64
_SECTIONS: Final = {
    "first": _FIRST,
    "first-word": _FIRST_WORD,
    "first-proper": _FIRST_PROPER,
    "surname": _SURNAME,
    "surname-word": _SURNAME_WORD,
    "surname-proper": _SURNAME_PROPER,
    "lower-case-word": _LOWER_CASE_WORD,
}
_ANY_FIRST = _FIRST | _FIRST_WORD | _FIRST_PROPER
_ANY_SURNAME = _SURNAME | _SURNAME_WORD | _SURNAME_PROPER
_PLAIN, _WORD, _PROPER = 3, 2, 1  # strength of a token's best reading

_WORD_PATTERN = r"[^\W\d_]+(?:[-'’][^\W\d_]+)*(?::s(?![^\W\d_]))?"
_SCAN = re.compile(rf"(?P<word>{_WORD_PATTERN})|[.!?:;\n•*|]")  # words and sentence breaks
_ONLY_SPACE = re.compile(r"[ \t]+")
_SURNAME_ENDING = re.compile(
    r"(?:sson|qvist|kvist|quist|ström|gren|ović|ovic|ević|evic|ić|oğlu|oglu|zadeh|pour)$"
)
_ROYAL_OR_SAINT = (
    rf"(?<![^\W\d_])(?i:{'|'.join(re.escape(w) for w in TITLE_WORDS)})"
    r"[ \t]+[A-ZÅÄÖ][^\W\d_]*(?:[ \t]+[A-ZÅÄÖ][^\W\d_]*)?"
)
_INITIALS = re.compile(r"(?<![\w.])(?!P\.S|O\.K)[A-ZÅÄÖ]\.[ \t]?[A-ZÅÄÖ]\.?(?![\w.])")
_INITIAL_AFTER = re.compile(r"[ \t]+[A-ZÅÄÖ]\.(?![\w])")
_INITIAL_BEFORE = re.compile(r"(?<![\w.])[A-ZÅÄÖ]\.[ \t]*$")

_AGE_SUFFIX = r"[ \t]*-?[ \t]*år(?:ing|ig|s)?(?![^\W\d_])"
_AGE_AFTER = re.compile(
    rf"""
    [ \t]*(?:
        ,[ \t]*(?P<comma>\d{{1,2}})(?:{_AGE_SUFFIX})?[ \t]*(?=[,)])      # ", 13," ", 13 år,"
      | \([ \t]*(?P<paren>\d{{1,2}})(?:{_AGE_SUFFIX})?[ \t]*\)         # "(13)" "(13 år)"
      | ,?[ \t]*(?P<years>\d{{1,2}}){_AGE_SUFFIX}                       # "13 år" "13-åring"
        [ \t]*(?P<next>[,)]|[^\W\d_]+)?
    )
    """,
    re.IGNORECASE | re.VERBOSE,
)
_AGE_BEFORE = re.compile(
    r"(?<!\d)(\d{1,2})[ \t]*-?[ \t]*åri(?:g|ga|ge|gen|ng|ngen)[ \t]+$", re.IGNORECASE
)

_AGE_IN_PARENTHESES = re.compile(r"[ \t]*\([ \t]*1\d[ \t]*(?:år)?[ \t]*\)[ \t]*")
_GROUP_AGE = re.compile(r"och[ \t]+(?:äldre|yngre|uppåt|över|under)\b", re.IGNORECASE)
_HIS_OR_HER = re.compile(r"[ \t]*och[ \t]+(?:hans|hennes|hens)\b", re.IGNORECASE)
_APPOSITION_END = re.compile(r"[ \t]*,[ \t]*[a-zåäö]")


@dataclass(frozen=True, slots=True)
class _Lexicon:
    flags: dict[str, int]
    not_person: re.Pattern[str]
    not_person_starts: frozenset[str]  # first words of not_person: mask only when present


@cache
def _lexicon() -> _Lexicon:
    """Read ``person_names_sv.txt`` once per process."""
    flags: dict[str, int] = {}
    phrases: list[str] = []
    section = ""
    for raw in LEXICON_PATH.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            continue
        if section == "not-person":
            phrases.append(line)
        else:
            key = line.lower()
            flags[key] = flags.get(key, 0) | _SECTIONS[section]
    alternatives = "|".join(
        re.escape(p).replace(r"\ ", r"[ \t]+") for p in sorted(phrases, key=len, reverse=True)
    )
    not_person = re.compile(rf"(?<![^\W\d_])(?i:{alternatives})s?(?![^\W\d_])|{_ROYAL_OR_SAINT}")
    starts = frozenset(_SCAN.findall(p)[0].lower() for p in [*phrases, *TITLE_WORDS])
    return _Lexicon(flags, not_person, starts)


@dataclass(slots=True)
class _Token:
    text: str
    lower: str
    start: int
    end: int
    cap: bool  # capitalised (not all capitals)
    acronym: bool  # all capitals in a text that is not all capitals
    sentence_start: bool
    flags: int
    genitive: bool  # the lexicon matched without a trailing genitive "s"


def _lookup(lower: str, flags: dict[str, int]) -> tuple[int, bool]:
    if lower.endswith(("'s", "’s", ":s")):
        return flags.get(lower[:-2], 0), True
    found = flags.get(lower)
    if found is not None:
        return found, False
    if "-" in lower:
        parts = [flags.get(part, 0) for part in lower.split("-")]
        for group in (_ANY_FIRST, _ANY_SURNAME):
            if all(part & group for part in parts):
                combined = 0
                for part in parts:
                    combined |= part & group
                return combined, False
        # "Yilmaz-familjen", "Kalle-gänget": a name compounded with a word.
        return parts[0] & (_FIRST | _SURNAME), False
    if lower.endswith("s") and len(lower) > 2:
        return flags.get(lower[:-1], 0), True
    return 0, False


def _tokens(text: str, flags: dict[str, int]) -> list[_Token]:
    shouting = not any(char.islower() for char in text)
    tokens: list[_Token] = []
    start = True
    for match in _SCAN.finditer(text):
        word = match.group("word")
        if word is None:
            start = True
            continue
        lower = word.lower()
        found, genitive = _lookup(lower, flags)
        capitals = len(word) > 1 and word.isupper()
        cap = word[0].isupper() and not capitals
        acronym = capitals and not shouting
        tokens.append(
            _Token(word, lower, match.start(), match.end(), cap, acronym, start, found, genitive)
        )
        start = False
    return tokens


def _strength(flags: int) -> int:
    if flags & (_FIRST | _SURNAME):
        return _PLAIN
    if flags & (_FIRST_WORD | _SURNAME_WORD):
        return _WORD
    return _PROPER if flags else 0


def contains_person_name(text: str) -> bool:
    """Whether ``text`` seems to name a person (see the module docstring for the rules)."""
    lexicon = _lexicon()
    tokens = _tokens(text, lexicon.flags)
    if any(token.lower in lexicon.not_person_starts for token in tokens):
        text = lexicon.not_person.sub("§", text)
        tokens = _tokens(text, lexicon.flags)
    if _INITIALS.search(text):
        return True
    return any(_is_name(text, tokens, i) for i in range(len(tokens)))


def _adjacent(text: str, left: _Token, right: _Token) -> bool:
    return bool(_ONLY_SPACE.fullmatch(text, left.end, right.start))


def _is_name(text: str, tokens: list[_Token], i: int) -> bool:
    token = tokens[i]
    if token.cap:
        if _named_by_context(text, tokens, i):
            return True
        strength = _strength(token.flags)
        if strength == 0:
            if not _SURNAME_ENDING.search(token.lower.removesuffix("s")):
                return False
            strength = _PLAIN
        if PLACE_COMPOUND.search(token.lower) or _names_a_place(text, tokens, i):
            return False
        if strength == _PLAIN or (strength == _WORD and not token.sentence_start):
            return True
        return _has_partner(text, tokens, i)
    if len(token.text) < 2 or not token.flags & (_FIRST | _SURNAME):
        return _after_naming_phrase(tokens, i, lower_case=True)
    return _lower_case_name(text, tokens, i)


def _lower_case_name(text: str, tokens: list[_Token], i: int) -> bool:
    """``sågs med kalle``, ``KALLE SÅGS``; and for names that are also lower-case words
    or acronyms in a normal text only ``lisa andersson``, ``lisa 13 år``, ``brodern till
    lisa``, ``hon heter lisa``."""
    token = tokens[i]
    if not token.acronym and not token.flags & _LOWER_CASE_WORD:
        return True
    if token.flags & _FIRST and i + 1 < len(tokens):
        after = tokens[i + 1]
        if (
            not after.cap
            and _adjacent(text, token, after)
            and (after.flags & _SURNAME or _SURNAME_ENDING.search(after.lower))
        ):
            return True
    return (
        _age_next_to(text, token, any_form=True)
        or _after_naming_phrase(tokens, i)
        or _after_relation(tokens, i)
        or (i > 0 and tokens[i - 1].lower in PERSON_NOUNS)
    )


def _named_by_context(text: str, tokens: list[_Token], i: int) -> bool:
    """Context that makes a capitalised word a person's name, known or not."""
    token = tokens[i]
    known = token.flags != 0
    if PLACE_COMPOUND.search(token.lower):
        return False
    if _after_naming_phrase(tokens, i) or _after_relation(tokens, i):
        return True
    previous = tokens[i - 1].lower if i > 0 else ""
    if not token.sentence_start and (
        previous in PERSON_NOUNS or (known and previous in PROFESSIONS)
    ):
        return True
    if known and _INITIAL_AFTER.match(text, token.end):
        return True  # "Max F.", "Per A."
    # A capitalised first word of a sentence may be a pronoun or a common noun.
    plausible = not token.sentence_start or (
        token.lower not in COMMON_START and (known or not token.lower.endswith(COMMON_ENDINGS))
    )
    if not plausible:
        return False
    if (
        (token.genitive or not known)
        and token.lower.endswith("s")
        and i + 1 < len(tokens)
        and tokens[i + 1].lower in GENITIVE_RELATIONS
    ):
        return True
    if known and token.flags & _ANY_SURNAME and _INITIAL_BEFORE.search(text, 0, token.start):
        return True
    if _INITIAL_AFTER.match(text, token.end):
        return True
    strength = _strength(token.flags)
    if strength < _PLAIN and _names_a_place_after_preposition(tokens, i):
        return False
    if strength < _PLAIN and _subject_of_person_verb(text, tokens, i):
        return True
    return _age_next_to(text, token, any_form=strength >= _WORD)


def _names_a_place_after_preposition(tokens: list[_Token], i: int) -> bool:
    """``i Gottsunda``, ``från Nyby och Sävja``, ``vid Valsta, Märsta eller Steninge``."""
    while i > 0:
        previous = tokens[i - 1]
        if previous.lower in PLACE_PREPOSITIONS:
            return True
        if previous.lower in ("och", "eller", "samt") and i >= 2 and tokens[i - 2].cap:
            i -= 2
        elif previous.cap and not previous.sentence_start and previous.flags == 0:
            i -= 1
        else:
            return False
    return False


def _subject_of_person_verb(text: str, tokens: list[_Token], i: int) -> bool:
    """``att Jovana saknas``, ``Majvor (11) misstänks``; not ``Rapport saknas`` or
    ``Gottsunda (12) ökar``."""
    if i + 1 >= len(tokens) or tokens[i + 1].lower not in PERSON_VERBS:
        return False
    between = text[tokens[i].end : tokens[i + 1].start]
    if _AGE_IN_PARENTHESES.fullmatch(between):
        return True
    # "Rapport saknas": a sentence may start with a common noun.
    return not tokens[i].sentence_start and bool(_ONLY_SPACE.fullmatch(between))


def _age_next_to(text: str, token: _Token, *, any_form: bool) -> bool:
    """A single age right after (``Kalle 13 år``, ``Kalle (13)``) or before
    (``13-årige Kalle``) the word. Without ``any_form`` (unknown words, names that
    are also places or holidays) the age needs ``år`` and more of the sentence
    (``Kerim 14 år sågs``), so ``Fritidsgården 10 år`` (a jubilee) and
    ``Valborg (12)`` (a count) are not ages."""
    before = _AGE_BEFORE.search(text, max(0, token.start - 24), token.start)
    if before and 6 <= int(before.group(1)) <= 25:
        return True
    after = _AGE_AFTER.match(text, token.end)
    if after is None:
        return False
    if after.group("years") is None:
        number = int(after.group("comma") or after.group("paren"))
        if any_form or "år" in after.group().lower():
            return 6 <= number <= 25
        # An unknown word with a bare number: "Povel Khoury, 13, greps" (an
        # apposition) or "Kerim (14) och hans kompisar"; not "Gottsunda (12), Gränby (8)".
        return 10 <= number <= 19 and bool(
            (after.group("comma") and _APPOSITION_END.match(text, after.end()))
            or _HIS_OR_HER.match(text, after.end())
        )
    age = int(after.group("years"))
    following = (after.group("next") or "").lower()
    if following in NOT_AN_AGE or (
        following == "och" and _GROUP_AGE.match(text, after.start("next"))
    ):
        return False
    if any_form:
        return 6 <= age <= 25
    return 8 <= age <= 21 and bool(following) and (following in ",)" or following.islower())


def _after_naming_phrase(tokens: list[_Token], i: int, *, lower_case: bool = False) -> bool:
    """``hon heter Zeynep``, ``en kille kallad Lillen``; not ``gänget kallar sig …``.
    A lower-case unknown word counts only after ``heter`` (``föräldrarna kallas in``)."""
    if i == 0 or tokens[i].lower in NOT_A_NAME_AFTER_NAMING:
        return False
    if lower_case and tokens[i - 1].lower not in NAMED_ONLY_BY_NAMES:
        return False
    one = tokens[i - 1].lower
    if one in NAMING:
        verb_at = i - 1
    elif i >= 2 and (tokens[i - 2].lower, one) in NAMING_PAIRS:
        verb_at = i - 2
    else:
        return False
    if one in ("namn", "namnet") and i >= 2 and tokens[i - 2].lower not in ("vid", "med"):
        # "Namn: X" is a label; "namnet på gatan" is not about a person.
        return tokens[i - 1].sentence_start or tokens[i].cap
    window = tokens[max(0, verb_at - 4) : verb_at]
    return not any(t.lower in NOT_PERSON_SUBJECTS for t in window)


def _after_relation(tokens: list[_Token], i: int) -> bool:
    """``brodern till Kerim``, ``kompis med kalle``; not ``föräldrar till Gottsundaskolans …``."""
    if i < 2 or tokens[i - 1].lower not in RELATION_LINKS:
        return False
    if tokens[i - 2].lower not in RELATIONS or PLACE_COMPOUND.search(tokens[i].lower):
        return False
    return tokens[i].cap or bool(tokens[i].flags & _FIRST)


def _names_a_place(text: str, tokens: list[_Token], i: int) -> bool:
    """``Raoul Wallenbergskolan``, ``Olof Palmes plats``, ``Kalles kiosk``: names in
    the name of a place, a school, a day or a shop."""
    last = i
    while (
        last + 1 < len(tokens)
        and tokens[last + 1].cap
        and not tokens[last + 1].sentence_start
        and _adjacent(text, tokens[last], tokens[last + 1])
    ):
        last += 1
    if last > i and PLACE_COMPOUND.search(tokens[last].lower):
        return True
    if not tokens[last].lower.endswith("s") or last + 1 >= len(tokens):
        return False
    following = tokens[last + 1]
    return not following.cap and (
        following.lower in PLACE_NOUNS or bool(PLACE_COMPOUND.search(following.lower))
    )


def _has_partner(text: str, tokens: list[_Token], i: int) -> bool:
    """A weak name next to another name: ``Per Andersson``, ``Max Berg``, ``Yrsa Berg``."""
    token = tokens[i]
    if token.flags & _ANY_FIRST and i + 1 < len(tokens):
        after = tokens[i + 1]
        if (
            after.cap
            and _adjacent(text, token, after)
            and (after.flags & (_ANY_SURNAME | _FIRST) or _SURNAME_ENDING.search(after.lower))
        ):
            return True
    if token.flags & _ANY_SURNAME and i > 0:
        before = tokens[i - 1]
        if before.cap and _adjacent(text, before, token):
            if before.flags & _ANY_FIRST:
                return True
            return (
                before.flags == 0
                and not token.flags & _SURNAME_PROPER
                and before.lower not in PLACE_MODIFIERS
                and not (before.sentence_start and before.lower.endswith(COMMON_ENDINGS))
                and (i < 2 or tokens[i - 2].lower not in PLACE_PREPOSITIONS)
            )
    return False
