"""Contested names for one referent, per language: the word choices framing studies track.

Each set lists the words outlets use for one kind of referent, whose choice carries a
judgement ("insurgents" / "rebels" / "terrorists"; "government" / "regime"). Forms are
matched as whole words, case-insensitively. Hand-written: no maintained multilingual
framing lexicon ships on PyPI; extend it per language here.
"""

from __future__ import annotations

TERM_SETS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "armed opponents": ("insurgent", "insurgents", "rebel", "rebels", "militant", "militants", "terrorist",
                            "terrorists", "jihadist", "jihadists", "fighters", "freedom fighters", "extremists",
                            "guerrillas"),
        "rulers": ("government", "regime", "administration", "authorities", "junta", "dictatorship"),
        "crowd": ("protesters", "demonstrators", "rioters", "mob", "activists", "looters"),
        "deaths": ("killed", "murdered", "massacred", "slaughtered", "died"),
        "migrants": ("migrants", "refugees", "asylum seekers", "illegal immigrants", "illegals", "immigrants"),
        "fighting": ("war", "conflict", "civil war", "crisis", "uprising", "revolution", "insurgency"),
    },
    "de": {
        "armed opponents": ("aufständische", "aufständischen", "rebellen", "milizen", "kämpfer", "terroristen",
                            "dschihadisten", "extremisten", "islamisten"),
        "rulers": ("regierung", "regime", "führung", "machthaber", "junta", "diktatur"),
        "crowd": ("demonstranten", "protestierende", "randalierer", "mob", "aktivisten", "chaoten"),
        "migrants": ("migranten", "flüchtlinge", "geflüchtete", "asylbewerber", "einwanderer"),
    },
    "fr": {
        "armed opponents": ("insurgés", "rebelles", "militants", "terroristes", "djihadistes", "combattants",
                            "extrémistes", "islamistes"),
        "rulers": ("gouvernement", "régime", "pouvoir", "autorités", "junte", "dictature"),
        "crowd": ("manifestants", "émeutiers", "casseurs", "foule", "militants"),
        "migrants": ("migrants", "réfugiés", "demandeurs d'asile", "clandestins", "immigrés"),
    },
    "es": {
        "armed opponents": ("insurgentes", "rebeldes", "milicianos", "terroristas", "yihadistas", "combatientes",
                            "extremistas", "guerrilleros"),
        "rulers": ("gobierno", "régimen", "autoridades", "junta", "dictadura"),
        "crowd": ("manifestantes", "alborotadores", "vándalos", "turba", "activistas", "saqueadores"),
        "migrants": ("migrantes", "refugiados", "solicitantes de asilo", "ilegales", "inmigrantes"),
    },
}
