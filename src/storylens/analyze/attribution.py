"""Who said a quotation: the attribution frame beside it, resolved to a person of the article.

A quotation's **frame** is the text of its sentence outside the quotation marks: after it
(``“...,” Smith said`` / ``„...“, sagte er`` / ``«...», a déclaré le ministre``) or before it
(``Smith told reporters: “...”``). The frame gives a **subject**: a name, a pronoun, a
description ("the Conservative MP") or, in languages that drop subjects, nothing
(``“...”, dijo``). Each is resolved against the article's **timeline** of person mentions
outside quotations:

- a name to the article's person of that name (``Mr. Powers`` -> ``Bill Powers``);
- a pronoun to the person of the nearest earlier sentence that mentions a person of a
  compatible gender (genders come from titles, gendered nouns and the pronouns that follow
  a person's name), searched left to right within a sentence, as readers do;
- a definite description to the person the article links to that role ("Health Secretary
  Jeremy Hunt", "Tri Rismaharini, the mayor of Surabaya"); else, when the sentence just
  before names one person with no other role, to that person, with less confidence; an
  indefinite or generic one ("a GE spokesman", "the man") to nobody;
- a quotation that continues the previous paragraph's open quotation, or that follows a
  quotation of the same paragraph with no other person named between them, to that speaker.

Each attribution carries a confidence; below ``MIN_CONFIDENCE`` the speaker is ``None``.
Per-language words live in ``speech_verbs``; the parsers take the article's language and
read that language's verbs, pronouns and "according to" words (all languages' when the
language has no tables or is unknown).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import regex

from storylens.analyze import speech_verbs as sv
from storylens.analyze.lang_data import NOT_NAMES

# Not a setting: applied when an article is analysed, and stored with it (the speaker dropped,
# the confidence capped at it); stored analyses are redone only when ANALYSIS_VERSION changes.
MIN_CONFIDENCE = 0.5
PRONOUN_SENTENCES = 6  # how many sentences back a pronoun's antecedent may be

_WORD = r"[\p{L}\p{M}'’.\-]+"
_CAPWORD = r"(?:\p{Lu}[\p{L}\p{M}'’\-]*\.?|\p{Lu}\.)"
_PARTICLE = r"(?:al|el|ad|as|de|del|della|der|den|di|da|dos|du|la|le|van|von|ter|zu|bin|ibn|y)"
_NAME_RUN = rf"{_CAPWORD}(?:\s+(?:{_PARTICLE}\s+)*{_CAPWORD}){{0,4}}"
_FR_INVERSION = regex.compile(
    r"(?<![\p{L}])(?:a-t-(?P<p1>il|elle)\s+[\p{Ll}éèêâîôû]+|[\p{Ll}éèêâîôû]+-t?-?(?P<p2>il|elle))(?![\p{L}])")
_STOP = regex.compile(r"[.!?]+[\"”»’“]?\s+(?=[\p{Lu}\"“„«»‹(])")
_ABBREVIATIONS = frozenset("mr mrs ms dr st sen rep gov gen col lt sgt prof jr sr sra no mt ft vs u.s m mme sig capt cpl"
                           " maj adm supt insp det".split())
_GLUED_STOP = regex.compile(r"(?<=\p{Ll}{2})\.(?=\p{Lu}\p{Ll})")
_PARENTHESES = regex.compile(r"\s*\([^()]{0,40}\)")
_PRO_DROP_LANGUAGES = ("es", "it", "pt")  # subjects are dropped: "“...”, dijo"
_PREPOSITIONS = frozenset("to a à al ai alla zu gegenüber ao aos en in im at on from for with by".split())
_ADVERBS = frozenset("""also later then again himself herself too however nonetheless still selbst auch dann
    später ebenfalls jedoch aber nun aussi ensuite même también luego después anche poi ancora também depois
    ainda""".split())
_ARTICLE_PRONOUNS = frozenset("il elle".split())
_OF = frozenset("of de del des du di della dei von vom der da do dos das".split())
# Prepositions that open a phrase of their own after a speaker's description: "sagte der Papst
# beim Angelusgebet" (the name after "beim" is no apposition of "der Papst").
_PHRASE_PREPOSITIONS = _PREPOSITIONS | frozenset("""beim bei am vom auf nach aus mit über unter vor seit während durch
    für gegen ohne um au aux chez sur dans pour par avec devant après avant pendant depuis lors con desde sobre ante
    tras durante nel nella nei nelle negli dal dalla dai dopo durante presso per tra fra""".split())


@dataclass(frozen=True)
class Lexicon:
    """The words of saying an article of one language is read with."""

    languages: tuple[str, ...]
    verbs: regex.Pattern
    according: regex.Pattern
    pro_drop: frozenset[str]  # verbs that may stand without a subject
    inversion: bool  # French inversions ("a-t-il dit", "ajoute-t-elle")


@functools.lru_cache(maxsize=None)
def lexicon(language: str | None = None) -> Lexicon:
    """The lexicon for ``language``: its own tables, else every language's."""
    languages = sv.tables_for(language)
    verbs = "|".join(regex.escape(v) for v in sv.all_verbs(languages))
    according = "|".join(sv.ACCORDING_TO[lang] for lang in languages)
    return Lexicon(
        languages=languages,
        verbs=regex.compile(r"(?<![\p{L}\-])(?:" + verbs + r")(?![\p{L}\-])"),
        according=regex.compile(r"^(?:" + according + r")(?![\p{L}])\s*", regex.I),
        pro_drop=frozenset(v for lang in _PRO_DROP_LANGUAGES if lang in languages
                           for v in sv._split_forms(sv.SAY_VERBS[lang])),
        inversion="fr" in languages)


@dataclass
class Person:
    """A person (or organisation) of the article, as mentions and attribution reveal it."""

    name: str
    keys: set[str] = field(default_factory=set)
    genders: dict[str, float] = field(default_factory=dict)
    roles: set[str] = field(default_factory=set)
    named_person: bool = True  # False for organisations and for names of unknown type

    @property
    def gender(self) -> str | None:
        if not self.genders:
            return None
        best = max(self.genders, key=self.genders.get)
        other = sum(v for g, v in self.genders.items() if g != best)
        return best if self.genders[best] > other else None

    def vote(self, gender: str | None, weight: float) -> None:
        if gender:
            self.genders[gender] = self.genders.get(gender, 0.0) + weight


@dataclass(frozen=True)
class Subject:
    """What a frame says about the speaker, before resolution."""

    kind: str  # name | pronoun | description | implicit
    text: str = ""
    gender: str | None = None
    definite: bool = True
    head: str = ""
    position: int = 0  # offset in the paragraph
    weight: float = 1.0  # how strongly the frame ties the subject to the quote


@dataclass(frozen=True)
class Attribution:
    speaker: str | None
    confidence: float


def sentence_starts(masked: str) -> list[int]:
    """Offsets where sentences start in a paragraph whose quotations are masked."""
    starts = [0]
    for match in _STOP.finditer(masked):
        before = masked[: match.start()].split()
        last = before[-1].lower().strip("(\"“") if before else ""
        if masked[match.start()] == "." and (last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha())):
            continue
        starts.append(match.end())
    return starts


def find_verbs(text: str, language: str | None = None) -> list[tuple[int, int, str]]:
    """(start, end, verb) of the verbs of saying of ``language`` (default: any) in ``text``, in order."""
    lex = lexicon(language)
    found = [(m.start(), m.end(), m.group(0)) for m in lex.verbs.finditer(text)]
    if lex.inversion:
        found += [(m.start(), m.end(), m.group(0)) for m in _FR_INVERSION.finditer(text) if _is_fr_speech(m.group(0))]
    return sorted(found)


def _is_fr_speech(form: str) -> bool:
    base = regex.sub(r"^a-t-(il|elle)\s+|-t?-?(il|elle)$", "", form)
    return any(f"a {base}" == v or base == v for v in sv._split_forms(sv.SAY_VERBS["fr"]))


def _is_name_run(words: list[str], known: set[str]) -> bool:
    core = [w for w in words if w.lower().strip(".") not in sv.TITLES and w.lower() not in NOT_NAMES]
    if not core:
        return False
    if " ".join(core) in known or any(w.strip(".,") in known for w in core):
        return True
    return all(_capitalised(w) for w in core) and not any(w.lower() in sv.NOT_SPEAKERS for w in core)


def _is_description(run: list[str], known: set[str]) -> bool:
    """A capitalised run that ends in a role or institution noun ("Conservative MP",
    "Health Secretary", "Scottish Government") describes; a name ends in a name."""
    last = run[-1].strip(".,")
    return last not in known and " ".join(run) not in known and (
        last.lower() in sv.ROLES or last.lower() in sv.INSTITUTIONS or last.lower() in sv.GENERIC_ROLES)


def _title_gender(words: list[str]) -> tuple[list[str], str | None, bool]:
    """Drop leading titles of address; (rest, gender they show, whether any was dropped)."""
    gender, dropped = None, False
    while len(words) > 1 and words[0].lower() in sv.TITLES:
        gender = gender or sv.TITLES[words[0].lower()]
        words, dropped = words[1:], True
    return words, gender, dropped


def _pronoun(word: str, position: int, language: str | None = None) -> Subject | None:
    is_pronoun, gender = sv.pronoun_gender(word.strip(",.;:"), lexicon(language).languages)
    return Subject("pronoun", word, gender, position=position) if is_pronoun else None


def _description(words: list[str], position: int) -> Subject | None:
    """A description such as "the Conservative MP", "der Minister", "a GE spokesman"."""
    if not words:
        return None
    lowered = [w.lower().strip(",.;:") for w in words]
    head_index = max((i for i, w in enumerate(lowered) if w in sv.ROLES or w in sv.INSTITUTIONS or w in sv.GENERIC_ROLES),
                     default=None)
    if head_index is None:
        return None
    det_index = max((i for i, w in enumerate(lowered[: head_index + 1]) if w in sv.DEFINITE or w in sv.INDEFINITE),
                    default=None)
    start = det_index if det_index is not None else 0
    phrase = words[start:]
    definite = det_index is None or lowered[det_index] in sv.DEFINITE
    head = lowered[head_index]
    return Subject("description", " ".join(w.strip(",") for w in phrase), sv.GENDERED_NOUNS.get(head),
                   definite=definite, head=head, position=position)


def subject_before_verb(left: str, offset: int, known: set[str], language: str | None = None) -> Subject | None:
    """The speaker phrase that ends where a verb of saying starts (``left`` ends before it)."""
    stripped = _PARENTHESES.sub(lambda m: " " * len(m.group(0)), left).rstrip()
    if not stripped:
        return None
    # "Erik van Sebille, a physical oceanographer at ..., told" / "said Yearout, 51, co-owner"
    apposition = regex.match(rf"^\s*(?P<name>{_NAME_RUN})\s*,\s*(?P<desc>[^,;:]+?)(?:,\s*)?$", stripped)
    if apposition and _is_name_run(apposition.group("name").split(), known):
        desc = apposition.group("desc").split()
        if desc and (desc[0].lower() in sv.INDEFINITE or desc[0].lower() in sv.DEFINITE or desc[0][:1].isdigit()
                     or desc[0][:1].islower()):
            return Subject("name", apposition.group("name"), position=offset + apposition.start("name"))
    words = stripped.split()
    while len(words) > 1 and words[-1].lower() in _ADVERBS:  # "Mansur selbst sagte", "Smith also said"
        stripped = stripped[: stripped.rfind(words[-1])].rstrip()
        words = words[:-1]
    pronoun = _pronoun(words[-1], offset + len(stripped) - len(words[-1]), language)
    if pronoun:
        return pronoun
    run = []
    for word in reversed(words):
        bare = word.rstrip(",")
        if word != bare and run:
            break
        if _capitalised(bare) or (run and bare.lower() in sv.TITLES) or (run and regex.fullmatch(_PARTICLE, bare)):
            run.insert(0, bare)
        else:
            break
    while run and regex.fullmatch(_PARTICLE, run[0]):
        run = run[1:]
    name = strip_roles(run, known) if run else []
    if name and _is_name_run(name, known) and not _is_description(name, known):
        return Subject("name", " ".join(name), position=offset + stripped.rfind(name[0]))
    tail = words[-7:]
    return _description(tail, offset + len(stripped) - len(" ".join(tail)))


def _capitalised(word: str) -> bool:
    """A word that can be part of a name: capitalised, or al-/el- before a capital (al-Mansour)."""
    return word[:1].isupper() or bool(regex.match(r"^(?:al|el|ad|as|ash|az|ar|an|ibn|bin|abu)-\p{L}", word))


def _name_runs(words: list[str]) -> list[tuple[int, list[str]]]:
    """(index, words) of each run of capitalised words (particles allowed inside)."""
    runs, i = [], 0
    while i < len(words):
        if _capitalised(words[i]):
            j, run = i, []
            while j < len(words):
                bare = words[j].rstrip(",.;:")
                if _capitalised(bare) or (run and regex.fullmatch(_PARTICLE, bare) and j + 1 < len(words)
                                          and _capitalised(words[j + 1])):
                    run.append(bare)
                    j += 1
                    if bare != words[j - 1]:
                        break
                else:
                    break
            runs.append((i, run))
            i = j
        else:
            i += 1
    return runs


def subject_at_start(right: str, offset: int, known: set[str], after_verb: bool = False,
                     language: str | None = None) -> Subject | None:
    """The speaker phrase at the start of ``right``: "Anne Gonzales, a spokeswoman",
    "la gobernadora, Ilse Marquand", "son gérant, Franck Delbos", "der Minister"."""
    right = _GLUED_STOP.sub(". ", right)  # "Manfred Pinzger.Deshalb ist ...": a sentence glued to the name
    words = right.split()
    if not words:
        return None
    lead = len(right) - len(right.lstrip())
    pronoun = _pronoun(words[0], offset + lead, language)
    if pronoun and not (after_verb and words[0].lower() in _ARTICLE_PRONOUNS):
        return pronoun  # after a verb, "il"/"lo" are Italian articles, not French pronouns
    if words[0].lower() in _PREPOSITIONS and not (words[0] == "a" and len(words) > 1 and words[1][:1].islower()):
        return None  # "dijo a EFE": the addressee; but "disse a ministra Ana Costa"
    phrase = []
    for word in words[:14]:
        phrase.append(word)
        if word.endswith((".", ";", ":")) and word.lower().strip(".") not in sv.TITLES:
            break
    runs = _name_runs(phrase)
    opener = phrase[0].lower()
    if opener in sv.DEFINITE or opener in sv.INDEFINITE or opener in sv.POSSESSIVES:
        for comma_only in (True, False):
            for index, run in runs:
                if index == 0:
                    continue
                previous = phrase[index - 1]
                if comma_only and (not previous.endswith(",") or index > 9):
                    continue
                if not comma_only and (index > 4 or any(w.lower().strip(",") in _PHRASE_PREPOSITIONS
                                                        for w in phrase[1:index])):
                    continue
                bare = previous.rstrip(",").lower()
                if not comma_only and (not previous[:1].islower() or bare in _PREPOSITIONS or bare in _OF
                                       or bare in sv.DEFINITE):
                    continue
                name = strip_roles(run, known)
                if name and _is_name_run(name, known) and not _is_description(name, known):
                    return Subject("name", " ".join(name), position=offset + lead + len(" ".join(words[:index])) + 1)
        head = []
        for word in phrase[:7]:
            head.append(word)
            if word.lower().strip(",.;:") in sv.ROLES | sv.INSTITUTIONS | sv.GENERIC_ROLES or word.endswith((",", ".")):
                break
        return _description(head, offset + lead)
    if runs and runs[0][0] == 0:
        name = strip_roles(_title_gender(runs[0][1])[0], known)
        if name and _is_name_run(name, known) and not _is_description(name, known):
            return Subject("name", " ".join(runs[0][1][len(runs[0][1]) - len(name):] if name else []),
                           position=offset + lead)
    return None


def strip_roles(run: list[str], known: set[str]) -> list[str]:
    """A name without the role words before it: "Governor Ilse Marquand" -> "Ilse Marquand",
    "Einsatzleiter Daniel Okafor" -> "Daniel Okafor" (a known full form is kept)."""
    run = list(run)
    cut = max((i + 1 for i, w in enumerate(run[:-2]) if w.lower().strip(".").endswith(sv.ROLE_ENDINGS)), default=0)
    run = run[cut:]  # "NEOS Wien Wirtschaftssprecher Markus Ornig" -> "Markus Ornig"
    while len(run) > 1:
        first = run[0].lower().strip(".")
        if first.endswith(sv.ROLE_ENDINGS) or ("-" in first and first.split("-")[-1].endswith(sv.ROLE_ENDINGS)) or (
                (first in sv.ROLES or first in sv.TITLES) and " ".join(run) not in known):
            run = run[1:]
        else:
            break
    return run


def subject_after_verb(right: str, offset: int, known: set[str], language: str | None = None) -> Subject | None:
    """The speaker phrase after an inverted verb: "said X", "sagte der Minister", "dijo el ministro"."""
    return subject_at_start(right, offset, known, after_verb=True, language=language)


def parse_after(after: str, offset: int, known: set[str], language: str | None = None) -> Subject | None:
    """The subject named in the frame after a quotation, read with ``language``'s words."""
    lex = lexicon(language)
    lead = regex.match(r"^[\s,;:–—\-]*", after).end()
    text = after[lead:]
    if not text or len(text.split()) > 40:
        return None
    according = lex.according.match(text)
    if according:
        return subject_after_verb(text[according.end():], offset + lead + according.end(), known, language)
    verbs = find_verbs(text, language)
    if not verbs:
        return None
    start, end, verb = verbs[0]
    inversion = regex.search(r"-t?-?(il|elle)(?:\s|$)", verb)
    if inversion:
        return Subject("pronoun", inversion.group(1), "m" if inversion.group(1) == "il" else "f", position=offset + lead)
    if start == 0:  # inverted: "said Anne Gonzales", "sagte er", "dijo el ministro"
        if verb in sv.ADDRESS_VERBS:
            return None
        subject = subject_after_verb(text[end:], offset + lead + end, known, language)
        following = text[end:].split()[:1]
        if subject is None and verb in lex.pro_drop and not (following and following[0].lower() in sv.DEFINITE | sv.POSSESSIVES):
            return Subject("implicit", position=offset + lead)
        return subject
    if len(text[:start].split()) > 20:
        return None
    return subject_before_verb(text[:start], offset + lead, known, language)


def parse_before(before: str, offset: int, known: set[str], language: str | None = None) -> Subject | None:
    """The subject named in the frame before a quotation: "Judge Ford said:", "Er sagte:"."""
    pro_drop = lexicon(language).pro_drop
    verbs = find_verbs(before, language)
    for start, end, verb in reversed(verbs):
        tail = before[end:]
        if len(tail.split()) > 10 or regex.search(r"[.!?]\s", tail):
            continue
        inversion = regex.search(r"-t?-?(il|elle)(?:\s|$)", verb)
        if inversion:
            return Subject("pronoun", inversion.group(1), "m" if inversion.group(1) == "il" else "f", position=offset + start)
        left = before[:start]
        clause = max(left.rfind("; "), left.rfind(": "))
        left_start = clause + 2 if clause >= 0 else 0
        subject = subject_before_verb(left[left_start:], offset + left_start, known, language)
        if subject is None and tail.strip() == "" or subject is None and verb in pro_drop:
            subject = subject_after_verb(tail, offset + end, known, language) if verb not in sv.ADDRESS_VERBS else None
        if subject is None and verb in pro_drop:
            return Subject("implicit", position=offset + start)
        return subject
    if before.rstrip().endswith(":"):  # "El ministro de Finanzas, Tomás Ferreira-Lund, respaldó la decisión:"
        subject = subject_at_start(before, offset, known, language=language)
        if subject is not None and subject.kind == "name":
            return Subject("name", subject.text, position=subject.position, weight=0.85)
    return None
