"""The people of one article: who is mentioned where, their gender and roles, for attribution.

``Cast`` is built from the article's entities (and the names that attribution frames add),
scans the text outside quotations for their mentions, and learns from the text what it
says about each person: a title of address (``Mr``, ``Frau``, ``Mme``, ``Sra.``), a gendered
noun or role beside the name ("Halvern spokesman Graham Pell", "Tri Rismaharini, the mayor
of Surabaya"), and the pronouns that follow a sentence naming only that person. It then
resolves names, pronouns and descriptions at a position of the text
(see ``storylens.analyze.attribution``).
"""

from __future__ import annotations

import bisect

import regex

from storylens.analyze import speech_verbs as sv
from storylens.analyze.attribution import (_OF, _PREPOSITIONS, PRONOUN_SENTENCES, Person, Subject, _capitalised,
                                           strip_roles)
from storylens.analyze.lang_data import NOT_NAMES
from storylens.analyze.names import name_tokens, same_person
from storylens.article import Entity

_GENDER_WORDS = {w: g for table in sv.GENDER_WORDS.values() for w, g in table.items()}
_WORDS = regex.compile(r"[\p{L}\p{M}'’\-]+\.?")
_ORG_WORDS = regex.compile(r"(?i)\b(?:inc|ltd|corp|co|plc|llc|group|company|gmbh|ag|sa|spa|bank|news|press|agency|"
                           r"council|ministry|office|party|union|association|university|institute|airways|airlines?)\b")


def _oblique(before: str) -> bool:
    """True when the words before a mention make it a prepositional complement."""
    words = before.lower().split()[-2:]
    if not words or words[-1][-1:] in ",;:":
        return False
    if len(words) == 2 and (words[-1] in sv.DEFINITE or words[-1] in ("l'", "l’")):
        words = words[:1]
    last = words[-1].split("'")[0].split("’")[0] + ("'" if "'" in words[-1] or "’" in words[-1] else "")
    return words[-1] in _PREPOSITIONS or words[-1] in _OF or last in ("d'", "l'") or words[-1] in ("au", "aux", "à")


def _place_like(name: str) -> bool:
    """A name that is a place, building or thing by its words ("Tour Eiffel", "Plaza de Mayo",
    "Angelusgebet"), whatever its type: never a speaker."""
    words = name.split()
    first = words[0].lower() if words else ""
    return first in sv.PLACE_HEADS or (len(words) == 1 and any(
        first.endswith(e) and len(first) - len(e) >= sv.THING_MIN_STEM for e in sv.THING_ENDINGS))


class Cast:
    """Persons of an article and their mentions, in reading order."""

    def __init__(self, entities: tuple[Entity, ...]):
        self.persons: list[Person] = []
        self.places: set[str] = set()
        self.mentions: list[tuple[tuple[int, int], int, int]] = []  # ((paragraph, offset), sentence, person)
        self.oblique: set[tuple[int, int]] = set()  # mentions after a preposition: rarely a pronoun's antecedent
        for entity in entities:
            if entity.type == "PLACE" or _place_like(entity.name):
                self.places.update(entity.variants)
                continue
            if entity.type not in ("PERSON", "NAME", "ORG"):
                continue
            name = " ".join(strip_roles(entity.name.split(), set(entity.variants) - {entity.name}))
            person = Person(name, set(entity.variants) | {name},
                            named_person=entity.type == "PERSON" or (entity.type == "NAME" and len(name_tokens(entity.name)) > 1))
            if entity.type == "ORG":
                person.named_person = False
            self.persons.append(person)
        self.persons = [p for p in self.persons if p.name not in self.places]

    # ---- names -------------------------------------------------------------------------
    @property
    def known(self) -> set[str]:
        """Every surface form of every person, with surnames alone."""
        out = set()
        for person in self.persons:
            for key in person.keys:
                out.add(key)
                tokens = key.split()
                if len(tokens) > 1 and _capitalised(tokens[-1]):
                    out.add(tokens[-1])
        return out

    def find(self, name: str) -> Person | None:
        """The person a name denotes: same form, same surname, or a unique given name."""
        for person in self.persons:
            if name in person.keys:
                if len(person.name.split()) == 1:  # "Mansur" alone, when "Chalil Mansur" is named too
                    fuller = [p for p in self.persons if len(p.name.split()) > 1 and same_person(name, p.name)]
                    if len(fuller) == 1:
                        return fuller[0]
                return person
        tokens = name.split()
        if len(tokens) > 1:  # "Hauke Tamsen" in "Reederei-Geschäftsführer Hauke Tamsen"
            for person in self.persons:
                if any(k.split()[-len(tokens):] == tokens for k in person.keys):
                    return person
        matches = [p for p in self.persons if any(same_person(name, k) for k in list(p.keys)[:8])]
        if not matches and len(name.split()) == 1:
            matches = [p for p in self.persons if p.named_person and len(p.name.split()) > 1
                       and p.name.split()[0] == name]
        if len(matches) > 1:
            people = [p for p in matches if p.named_person]
            matches = people or matches
            matches = sorted(matches, key=lambda p: -len(p.name))[:1] if len({p.name for p in matches}) > 1 and all(
                name in p.name for p in matches) else matches
        return matches[0] if matches else None

    def add_name(self, text: str) -> Person | None:
        """The person named ``text`` (titles dropped), added when new; None for places."""
        words = text.split()
        gender = None
        while len(words) > 1 and words[0].lower() in sv.TITLES:
            gender = gender or sv.TITLES[words[0].lower()]
            words = words[1:]
        name = " ".join(words).strip(" ,.;:")
        if not name or name in self.places or name.lower() in NOT_NAMES or name.lower() in sv.NOT_SPEAKERS:
            return None
        if _place_like(name):
            return None  # "Tour Eiffel", "Angelusgebet": a place or a thing
        person = self.find(name)
        if person is None:
            person = Person(name, {name})  # the subject of a verb of saying: a person
            self.persons.append(person)
        person.keys.add(name)
        if len(person.name.split()) > len(words) and " ".join(strip_roles(person.name.split(), set())) == name:
            person.name = name  # the entity's form had a role in front
        if not person.named_person and not _ORG_WORDS.search(name) and not name.isupper():
            person.named_person = True  # a named subject of a verb of saying, typed ORG by mistake
        if gender:
            person.vote(gender, 3.0)
            person.named_person = True
        return person

    # ---- mentions ----------------------------------------------------------------------
    def scan(self, masked: list[str], starts: list[list[int]]) -> None:
        """Find every mention in the paragraphs (quotations masked) and learn genders and roles."""
        self._bases = [0]
        for s in starts:
            self._bases.append(self._bases[-1] + len(s))
        self._starts = starts
        surfaces: dict[str, int] = {}
        for index, person in enumerate(self.persons):
            for key in sorted(person.keys, key=len, reverse=True):
                surfaces.setdefault(key, index)
        surnames: dict[str, set[int]] = {}
        for index, person in enumerate(self.persons):
            for key in person.keys:
                tokens = key.split()
                if len(tokens) > 1 and _capitalised(tokens[-1]) and len(tokens[-1]) > 2:
                    surnames.setdefault(tokens[-1], set()).add(index)
        forms = sorted(set(surfaces) | set(surnames), key=len, reverse=True)
        if not forms:
            return
        pattern = regex.compile(r"(?<![\p{L}\p{M}])(?:" + "|".join(regex.escape(f) for f in forms) + r")(?![\p{L}\p{M}])")
        last_full: dict[int, int] = {}
        for par, text in enumerate(masked):
            for match in pattern.finditer(text):
                form = match.group(0)
                if form in surfaces:
                    index = surfaces[form]
                else:
                    candidates = surnames[form]
                    index = max(candidates, key=lambda i: last_full.get(i, -1))
                last_full[index] = len(self.mentions)
                sentence = self.sentence_of(par, match.start())
                if _oblique(text[max(0, match.start() - 30):match.start()]):
                    self.oblique.add((par, match.start()))  # "the mayor of Surabaya", "à la Banque Laurentine"
                self.mentions.append(((par, match.start()), sentence, index))
                self._learn(self.persons[index], text, match.start(), match.end())
        self._learn_pronouns(masked)

    def sentence_of(self, par: int, offset: int) -> int:
        return self._bases[par] + bisect.bisect_right(self._starts[par], offset) - 1

    def _learn(self, person: Person, text: str, start: int, end: int) -> None:
        before = text[max(0, start - 60):start]
        before_words = _WORDS.findall(before.split(",")[-1]) if not before.rstrip().endswith(",") else []
        if before_words and before_words[-1].lower() in sv.TITLES:
            person.vote(sv.TITLES[before_words[-1].lower()], 3.0)
            if sv.TITLES[before_words[-1].lower()]:
                person.named_person = True
        lowered = before_words[-1].lower().strip(".") if before_words else ""
        if lowered in sv.ROLES:  # "Halvern spokesman Graham Pell", "Health Secretary Jeremy Hunt"
            person.roles.add(lowered)
            person.vote(sv.GENDERED_NOUNS.get(lowered), 2.0)
            person.named_person = True
        after = regex.match(r"^\s*,\s*([^,;.:()]{0,90})", text[end:end + 100])
        segments = [after.group(1)] if after else []
        if before.rstrip().endswith(","):  # "The mayor of Surabaya, Tri Rismaharini,"
            segments.append(regex.split(r"[,;.:]", before.rstrip()[:-1])[-1])
        for segment in segments:
            words = [w.lower().strip(".") for w in _WORDS.findall(segment)][:8]
            if words and (words[0] in sv.DEFINITE or words[0] in sv.INDEFINITE or words[0] in sv.ROLES
                          or words[0] in sv.POSSESSIVES):
                for word in words:
                    if word in sv.ROLES:
                        person.roles.add(word)
                        person.vote(sv.GENDERED_NOUNS.get(word), 2.0)
                        person.named_person = True
                        break

    def _learn_pronouns(self, masked: list[str]) -> None:
        """A sentence that names one person, then a gendered pronoun: that person's gender."""
        by_sentence: dict[int, list[tuple[tuple[int, int], int]]] = {}
        for position, sentence, index in self.mentions:
            by_sentence.setdefault(sentence, []).append((position, index))
        for sentence, items in by_sentence.items():
            if len({i for _, i in items}) != 1:
                continue
            (par, offset), index = items[0]
            text = masked[par]
            end = self._sentence_end(par, offset)
            words = [w.lower() for w in _WORDS.findall(text[offset:end])]
            nxt = sentence + 1
            if nxt not in by_sentence and nxt < self._bases[-1]:
                p2, s2 = self._locate(nxt)
                words += [w.lower() for w in _WORDS.findall(masked[p2][s2:self._sentence_end(p2, s2)])][:12]
            genders = {_GENDER_WORDS[w] for w in words if w in _GENDER_WORDS}
            if len(genders) == 1:
                self.persons[index].vote(genders.pop(), 1.0)

    def _sentence_end(self, par: int, offset: int) -> int:
        starts = self._starts[par]
        i = bisect.bisect_right(starts, offset)
        return starts[i] if i < len(starts) else 10**9

    def _locate(self, sentence: int) -> tuple[int, int]:
        par = bisect.bisect_right(self._bases, sentence) - 1
        return par, self._starts[par][sentence - self._bases[par]]

    def mention(self, person: Person, par: int, offset: int) -> None:
        """Record an attribution as a mention (a resolved "he said" names its person there)."""
        entry = ((par, offset), self.sentence_of(par, offset), self.persons.index(person))
        bisect.insort(self.mentions, entry)

    # ---- resolution --------------------------------------------------------------------
    def resolve_pronoun(self, gender: str | None, par: int, offset: int) -> tuple[Person | None, float]:
        """The nearest earlier person of a compatible gender, sentence by sentence, left to right."""
        here = self.sentence_of(par, offset)
        cut = bisect.bisect_left(self.mentions, ((par, offset), -1, -1))
        by_sentence: dict[int, list[int]] = {}
        for position, sentence, index in self.mentions[:cut]:
            if here - sentence <= PRONOUN_SENTENCES and position not in self.oblique:
                by_sentence.setdefault(sentence, []).append(index)
        for sentence in sorted(by_sentence, reverse=True):
            for index in by_sentence[sentence]:
                person = self.persons[index]
                if not person.named_person or (gender and person.gender and person.gender != gender):
                    continue
                distance = max(0, here - sentence - 1)
                confidence = (0.85 if gender and person.gender == gender else 0.75) - 0.05 * distance
                if gender is None:
                    confidence -= 0.05
                return person, confidence
        return None, 0.0

    def resolve_description(self, subject: Subject, par: int, offset: int) -> tuple[Person | str | None, float]:
        """A description to the person the article gives that role, else to the person just named."""
        if subject.head in sv.INSTITUTIONS:
            words = subject.text.split()
            if words and words[0].lower() in sv.DEFINITE | sv.INDEFINITE:
                words = words[1:]
            if any(w[:1].isupper() for w in words) and subject.definite:
                return " ".join(words), 0.85
            return None, 0.2
        if subject.head in sv.GENERIC_ROLES or not subject.definite:
            return None, 0.2
        cut = bisect.bisect_left(self.mentions, ((par, offset), -1, -1))
        for _, _, index in reversed(self.mentions[:cut]):
            person = self.persons[index]
            if any(r == subject.head or (len(subject.head) > 3 and (r.startswith(subject.head) or subject.head.startswith(r)))
                   for r in person.roles):
                return person, 0.85
        here = self.sentence_of(par, offset)
        recent = [(s, i) for _, s, i in self.mentions[:cut] if here - s <= 1]
        people = {i for _, i in recent if self.persons[i].named_person}
        if len(people) == 1:
            person = self.persons[people.pop()]
            if not person.roles and (subject.gender is None or person.gender in (None, subject.gender)):
                return person, 0.6
        return None, 0.3
