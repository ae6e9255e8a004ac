"""A coverage report (a ``Coverage``) as one self-contained HTML page.

The page has inline CSS only: no script, no external asset, nothing fetched, so it works
offline and can be mailed or archived as one file. It reads on a phone (one column under
600px) and in dark mode.

Every string from the articles or their metadata reaches the page through Jinja2's
autoescaping (``& < > " '`` in text and attribute values alike): the template never marks
anything safe, and the Python side only passes plain strings, numbers and booleans. Only
``http``/``https`` URLs become links. A Content-Security-Policy meta tag forbids scripts,
plugins and remote loads, a second line of defence should markup ever slip through.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from storylens.coverage.render import HEADINGS
from storylens.display import shown_time
from storylens.records import shown_overlap

if TYPE_CHECKING:
    from storylens.coverage.report import Coverage

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
PALETTE = 8  # outlet colours (CSS classes o0..o7), reused in turn
TONE_LABELS = ("negative", "neutral", "positive", "unknown")

CSS = """
:root{--fg:#1d1f23;--muted:#5d636e;--bg:#fbfbfa;--card:#fff;--line:#e2e3e0;--mark:#ffe27a;--accent:#2457a6}
@media (prefers-color-scheme:dark){:root{--fg:#e6e6e3;--muted:#a3a7ae;--bg:#16181b;--card:#1f2226;--line:#33373d;
--mark:#7a5d00;--accent:#8fb3ff}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,
"Noto Sans",sans-serif;overflow-wrap:anywhere}
main{max-width:60rem;margin:0 auto;padding:1.5rem 1.25rem 3rem}
header{border-bottom:2px solid var(--line);margin-bottom:1rem}
.kicker{text-transform:uppercase;letter-spacing:.08em;font-size:.75rem;color:var(--muted);margin:0}
h1{font-size:1.6rem;line-height:1.25;margin:.2rem 0 .5rem}
h2{font-size:1.2rem;margin:2rem 0 .6rem;padding-bottom:.2rem;border-bottom:1px solid var(--line)}
h3{font-size:1rem;margin:1rem 0 .3rem}
a{color:var(--accent)}
p,ol,ul{margin:.4rem 0}
ol,ul{padding-left:1.4rem}
li{margin:.35rem 0}
.muted,.meta{color:var(--muted);font-size:.85rem}
.outlets li{margin:.25rem 0}
.pair{display:inline-block;white-space:nowrap}
.badge .n{opacity:.75;font-weight:700}
.badge{display:inline-block;max-width:14rem;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;
vertical-align:baseline;font-size:.7rem;line-height:1.5;font-weight:600;padding:0 .45rem;margin:0 .15rem;
border-radius:.7rem;color:#fff;background:#5d636e}
.o0{background:#2457a6}.o1{background:#b0462c}.o2{background:#2f7d4f}.o3{background:#7a4fa3}
.o4{background:#9a6b00}.o5{background:#1f7a85}.o6{background:#a33a6b}.o7{background:#55606b}
.card{background:var(--card);border:1px solid var(--line);border-radius:.5rem;padding:.75rem 1rem;margin:.75rem 0}
.variants{display:grid;grid-template-columns:repeat(auto-fit,minmax(15rem,1fr));gap:.75rem;margin-top:.5rem}
blockquote{margin:0;padding:.5rem .75rem;border-left:4px solid var(--line);background:var(--bg);border-radius:.25rem}
blockquote.reference{border-left-color:var(--accent)}
blockquote p{margin:0 0 .35rem}
mark{background:var(--mark);color:inherit;padding:0 .1em;border-radius:.15em}
.tag{font-size:.7rem;text-transform:uppercase;letter-spacing:.05em;color:var(--muted)}
details summary{cursor:pointer;color:var(--muted);font-size:.85rem}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{text-align:left;vertical-align:top;padding:.4rem .5rem;border-bottom:1px solid var(--line)}
th{font-size:.8rem;color:var(--muted);font-weight:600}
.num{font-variant-numeric:tabular-nums;white-space:nowrap}
.tone{display:inline-block;font-size:.75rem;font-weight:600;padding:0 .45rem;border-radius:.7rem;border:1px solid}
.tone-negative{color:#b0462c}.tone-positive{color:#2f7d4f}.tone-neutral,.tone-unknown{color:var(--muted)}
.versus{font-weight:600}
.timeline{list-style:none;padding-left:0;border-left:3px solid var(--line)}
.timeline>li{padding-left:.9rem;position:relative}
.timeline time{display:block;font-size:.8rem;color:var(--muted);font-variant-numeric:tabular-nums}
.copies ul{margin-top:.2rem}
@media (max-width:600px){
main{padding:1rem .8rem 2rem}h1{font-size:1.3rem}
.variants{grid-template-columns:1fr}
.badge{max-width:9rem}
table.stack,table.stack tbody,table.stack tr,table.stack td{display:block;width:100%}
table.stack thead{display:none}
table.stack tr{border-bottom:1px solid var(--line);padding:.3rem 0}
table.stack td{border:0;padding:.1rem 0}
table.stack td:empty{display:none}
table.stack td[data-label]::before{content:attr(data-label) ": ";color:var(--muted);font-size:.8rem}
}
"""

TEMPLATE = """\
{%- macro badge(a) -%}
<span class="badge o{{ a.colour }}" title="{{ a.number }}. {{ a.label }}"><span class="n">{{ a.number }}</span> {{ a.label }}</span>
{%- endmacro -%}
{%- macro badges(articles) -%}
{% for a in articles %}{{ badge(a) }}{% endfor %}
{%- endmacro -%}
{%- macro marked(segments) -%}
{% for text, is_marked in segments %}{% if is_marked %}<mark>{{ text }}</mark>{% else %}{{ text }}{% endif %}{% endfor %}
{%- endmacro -%}
<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{{ csp }}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Coverage report: {{ title }}</title>
<style>{% raw %}/*CSS*/{% endraw %}</style>
</head>
<body>
<main>
<header>
<p class="kicker">Coverage report</p>
<h1>{{ title }}</h1>
<p class="meta">{{ outlets|length }} articles in {{ languages|join(", ") }}; report language {{ lang }}.</p>
<ol class="outlets">
{% for o in outlets %}
<li>{{ badge(o) }}
{%- if o.url %} <a href="{{ o.url }}" rel="noopener noreferrer nofollow">{{ o.title or o.label }}</a>
{%- else %} {{ o.title }}{% endif %}
 <span class="muted">({{ o.language }}, {{ o.published }}
{%- if o.copy_of %}, {{ o.copy_kind }} copy of {{ o.copy_of.label }}{% endif %})</span></li>
{% endfor %}
</ol>
</header>

<section id="summary">
<h2>{{ headings.summary }}</h2>
{% if summary %}
<ol>
{% for s in summary %}
<li>{{ s.text }} {{ badges(s.cited) }}</li>
{% endfor %}
</ol>
{% else %}<p class="muted">No sentence in the report language.</p>{% endif %}
</section>

<section id="facts">
<h2>{{ headings.facts }}</h2>
{% for f in facts %}
<div class="card">
<p><span class="tag">{{ f.id }} &middot; {{ f.support }} outlets</span><br>{{ f.text }} {{ badges(f.outlets) }}</p>
<details><summary>Wording in each outlet</summary>
<ul>
{% for c in f.citations %}
<li>{{ badge(c.by) }} {{ c.text }}</li>
{% endfor %}
</ul>
</details>
</div>
{% else %}<p class="muted">No statement is aligned across outlets.</p>{% endfor %}
</section>

<section id="quotes">
<h2>{{ headings.quotes }}</h2>
{% for q in quotes %}
<div class="card quote">
<p><strong>{{ q.speaker or "Unattributed" }}</strong> <span class="muted">in {{ q.outlets }} outlet(s)
{%- if q.sources %}; credited to {{ q.sources|join(", ") }}{% endif %}</span></p>
<div class="variants">
{% for v in q.variants %}
<blockquote class="variant{% if loop.first %} reference{% endif %}" lang="{{ v.language }}">
<p>&ldquo;{{ marked(v.segments) }}&rdquo;</p>
<span class="tag">{{ v.state }}</span>
{% for c in v.carriers %}<span class="pair">{{ badge(c.by) }}{% if c.source %}<span class="muted">via {{ c.source }}</span>{% endif %}</span> {% endfor %}
{% if v.changes %}<div class="muted">
{%- for ch in v.changes %}{% if not loop.first %}; {% endif %}&ldquo;{{ ch.a }}&rdquo; &rarr; &ldquo;{{ ch.b }}&rdquo;{% endfor -%}
</div>{% endif %}
</blockquote>
{% endfor %}
</div>
</div>
{% else %}<p class="muted">No quotes.</p>{% endfor %}
</section>

<section id="entities">
<h2>{{ headings.entities }}</h2>
{% if entities %}
<table class="stack">
<thead><tr><th>Name</th><th>Other spellings</th><th>Mentions per outlet</th></tr></thead>
<tbody>
{% for e in entities %}
<tr><td><strong>{{ e.name }}</strong> <span class="tag">{{ e.type }}</span></td>
<td data-label="Spelled">{{ e.variants|join(" / ") }}</td>
<td data-label="Mentions">{% for c in e.counts %}<span class="pair">{{ badge(c.by) }}<span class="num">{{ c.count }}</span></span> {% endfor %}</td></tr>
{% endfor %}
</tbody>
</table>
{% else %}<p class="muted">No names found.</p>{% endif %}
</section>

<section id="adds">
<h2>{{ headings.adds }}</h2>
{% for a in adds %}
<h3>{{ badge(a.by) }} <span class="muted">{{ a.sentences|length }} sentence(s) no other outlet has</span></h3>
{% if a.sentences %}<ul>{% for s in a.sentences %}<li>{{ s.text }}</li>{% endfor %}</ul>{% endif %}
{% endfor %}
</section>

<section id="framing">
<h2>{{ headings.framing }}</h2>
<h3>Contrasting terms</h3>
{% if contrasts %}
<ul>
{% for c in contrasts %}
<li><span class="versus">&ldquo;{{ c.a }}&rdquo;</span> {{ badges(c.articles_a) }} vs
<span class="versus">&ldquo;{{ c.b }}&rdquo;</span> {{ badges(c.articles_b) }} <span class="tag">{{ c.origin }}</span>
<details><summary>Context</summary><p>{{ c.context_a }}</p><p>{{ c.context_b }}</p></details></li>
{% endfor %}
</ul>
{% else %}<p class="muted">No contrasting terms found in aligned sentences or quotes.</p>{% endif %}
<h3>Tone</h3>
<p class="muted">Loaded words per 100 words, positive minus negative.</p>
<table class="stack">
<thead><tr><th>Outlet</th><th>Score</th><th>Tone</th><th>Loaded words</th></tr></thead>
<tbody>
{% for t in tone %}
<tr><td>{{ badge(t.by) }}</td><td data-label="Score" class="num">{{ t.score }}</td>
<td data-label="Tone"><span class="tone tone-{{ t.label }}">{{ t.label }}</span></td>
<td data-label="Words">{{ t.examples|join(", ") }}</td></tr>
{% endfor %}
</tbody>
</table>
</section>

<section id="timeline">
<h2>{{ headings.timeline }}</h2>
<ol class="timeline">
{% for t in timeline %}
<li class="original"><time>{{ t.published }}</time>{{ badge(t.by) }} {{ t.title }} <span class="muted">({{ t.language }})</span>
{% if t.copies %}
<details class="copies"><summary>{{ t.copies|length }} cop{{ "y" if t.copies|length == 1 else "ies" }}</summary>
<ul>
{% for c in t.copies %}
<li class="copy"><span class="muted">{{ c.published }}</span> {{ badge(c.by) }} <span class="muted">{{ c.kind }} copy
{%- if c.overlap is not none %}, overlap {{ c.overlap }}{% endif %}</span></li>
{% endfor %}
</ul>
</details>
{% endif %}
</li>
{% endfor %}
</ol>
</section>
</main>
</body>
</html>
"""


@lru_cache(maxsize=1)
def _template():
    from jinja2 import Environment, StrictUndefined

    env = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env.from_string(TEMPLATE.replace("/*CSS*/", CSS.strip()))


def web_url(url: Any) -> str | None:
    """``url`` when it is an absolute http(s) URL with a host, else None (never a link)."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def segments(text: str, spans: Sequence[Sequence[int]]) -> list[tuple[str, bool]]:
    """``text`` cut into (piece, marked) runs at the character ``spans``; bad spans are clipped."""
    out: list[tuple[str, bool]] = []
    pos = 0
    for start, end in sorted((max(0, int(s)), min(len(text), int(e))) for s, e in spans):
        start = max(start, pos)
        if end <= start:
            continue
        if start > pos:
            out.append((text[pos:start], False))
        out.append((text[start:end], True))
        pos = end
    if pos < len(text) or not out:
        out.append((text[pos:], False))
    return out


def _origin(origin: str) -> str:
    """Where a term contrast comes from, as a phrase: "in a quote", "contested name: crowd"."""
    kind, _, referent = origin.partition(":")
    if kind == "lexicon":
        return f"contested name: {referent.strip()}" if referent.strip() else "contested name"
    return f"in a {origin}"


def _context(report: Coverage) -> dict[str, Any]:
    """Plain view data for the template: strings, numbers and booleans only."""
    refs: dict[str, dict[str, Any]] = {}
    for n, o in enumerate(report.outlets):
        refs[o.article] = {"number": n + 1, "label": o.outlet or o.article, "colour": n % PALETTE}

    def ref(article: str) -> dict[str, Any]:
        return refs.get(article) or {"number": "?", "label": article, "colour": PALETTE - 1}

    def cited(articles) -> list[dict[str, Any]]:
        return [ref(a) for a in dict.fromkeys(articles)]

    outlets = [{**ref(o.article), "title": o.title, "url": web_url(o.url), "language": o.language,
                "published": shown_time(o.published), "copy_kind": o.copy_of.kind if o.copy_of else "",
                "copy_of": ref(o.copy_of.of) if o.copy_of else None} for o in report.outlets]
    lead = report.timeline[0] if report.timeline else None
    title = (lead.title or lead.outlet) if lead else "a story"
    quotes = []
    for q in report.quotes:
        variants = [{"language": v.language, "segments": segments(v.text, v.spans),
                     "state": "reference" if i == 0 else "same words" if v.identical
                     else "reworded" if v.changes else f"in {v.language}",
                     "changes": [{"a": a, "b": b} for a, b in v.changes] if i else [],
                     "carriers": [{"by": ref(c.article), "source": c.source} for c in v.carriers]}
                    for i, v in enumerate(q.wordings)]
        quotes.append({"speaker": q.speaker, "outlets": q.outlets, "sources": list(q.sources), "variants": variants})
    tone = [{"by": ref(t.article), "score": "n/a" if t.score is None else f"{t.score:+.2f}",
             "label": t.label if t.label in TONE_LABELS else "unknown", "examples": list(t.examples)}
            for t in report.tones]
    return {
        "lang": report.language or "und", "csp": CSP, "headings": HEADINGS, "title": title,
        "languages": list(report.languages), "outlets": outlets,
        "summary": [{"text": s.text, "cited": cited(c.article for c in s.citations)} for s in report.summary],
        "facts": [{"id": f.id, "support": f.support, "text": f.text, "outlets": cited(c.article for c in f.citations),
                   "citations": [{"by": ref(c.article), "text": c.text} for c in f.citations]}
                  for f in report.facts],
        "quotes": quotes,
        "entities": [{"name": e.name, "type": e.type,
                      "variants": [v for v in e.variants if v != e.name] if len(e.variants) > 1 else [],
                      "counts": [{"by": ref(a), "count": n} for a, n in e.counts]} for e in report.entities],
        "adds": [{"by": ref(a.article), "sentences": [{"text": c.text} for c in a.sentences]} for a in report.adds],
        "contrasts": [{"a": c.a, "b": c.b, "context_a": c.context_a, "context_b": c.context_b,
                       "articles_a": cited(c.articles_a), "articles_b": cited(c.articles_b),
                       "origin": _origin(c.origin)} for c in report.contrasts],
        "tone": tone,
        "timeline": [{"by": ref(t.article), "title": t.title or t.outlet, "language": t.language,
                      "published": shown_time(t.published),
                      "copies": [{"by": ref(c.article), "published": shown_time(c.published),
                                  "kind": c.copy_of.kind if c.copy_of else "", "overlap": shown_overlap(c.copy_of)}
                                 for c in t.copies]}
                     for t in report.timeline],
    }


def render_html(report: Coverage) -> str:
    """The report as a self-contained, script-free HTML page."""
    return _template().render(**_context(report))
