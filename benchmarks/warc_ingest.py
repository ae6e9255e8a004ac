"""Web-archive ingest: speed and memory of reading WARC.gz files (feeds issue).

    .venv/bin/python benchmarks/warc_ingest.py [--sizes 2000,5000,10000] [--ingest 2000,10000] [--workers 1]

Writes one WARC.gz per size of synthetic HTML news pages (fictional text with a known story
structure: ``benchmarks/scale.py``'s corpus, each article rendered as a page with navigation
and footer, and a request record per page plus an image response every 10 pages, as a
crawler writes them). Then, each in a fresh process so that peak memory is its own:

- **read**: iterate the archive (``WarcArticles``: warcio + trafilatura), for every size:
  pages/s and peak RSS. Peak RSS that stays flat from 2,000 to 10,000 pages shows the
  reader holds one record at a time.
- **ingest**: ``StoryEngine.ingest_articles`` of the archive into a fresh store, for the
  ``--ingest`` sizes: articles/s and peak RSS. This grows with the store's article count
  by design (the clusterer keeps ~20 KB of state per article, docs/clustering.md), not
  with the file.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from html import escape
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale import _peak_mb, synthetic_corpus  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def _page(row: dict) -> bytes:
    paras = "".join(f"<p>{escape(p)}</p>" for p in row["text"].split("\n") if p.strip())
    return (f'<!doctype html><html lang="{row.get("language", "en")}"><head><meta charset="utf-8">'
            f'<title>{escape(row["title"])}</title>'
            f'<meta property="article:published_time" content="{row["published"][:10]}">'
            f'<meta property="og:site_name" content="{row["outlet"]}"></head><body>'
            f'<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>'
            f'<main><article><h1>{escape(row["title"])}</h1>{paras}</article></main>'
            f'<aside>Most read: nothing to see here</aside><footer>Copyright {row["outlet"]}</footer>'
            f'</body></html>').encode("utf-8")


def write_warc(path: Path, pages: int, seed: int = 0) -> None:
    """A WARC.gz of ``pages`` HTML responses (plus requests and images), written as a stream."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "storylens benchmark"}))
        for i, row in enumerate(synthetic_corpus(pages, seed)):
            url = f"https://{row['outlet']}.example/{row['published'][:10]}/{row['id']}"
            request = StatusAndHeaders("GET / HTTP/1.1", [("Host", f"{row['outlet']}.example")], is_http_request=True)
            writer.write_record(writer.create_warc_record(url, "request", http_headers=request))
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(_page(row)),
                                                          http_headers=headers))
            if i % 10 == 0:
                image = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
                writer.write_record(writer.create_warc_record(url + ".png", "response",
                                                              payload=io.BytesIO(b"\x89PNG" + os.urandom(2000)),
                                                              http_headers=image))


def child(mode: str, warc: str, db: str | None, workers: int) -> None:
    """Runs in its own process; prints one JSON line."""
    from storylens.ingest.warc import WarcArticles

    archive = WarcArticles(warc)
    start = time.perf_counter()
    if mode == "read":
        articles = sum(1 for _ in archive)
        result = {"articles": articles}
    else:
        from storylens.engine import StoryEngine
        from storylens.store import SQLiteStore

        with SQLiteStore(db) as store:
            with StoryEngine(store, workers=workers) as engine:
                report = engine.ingest_articles(archive)
            counts = store.counts()
        result = {"articles": report.read, "added": report.added, "stories": counts["stories"], "copies": counts["copies"]}
    seconds = time.perf_counter() - start
    skipped = {k: v for k, v in archive.counts.items() if k != "articles"}
    print(json.dumps({**result, "seconds": round(seconds, 1), "per_second": round(result["articles"] / seconds, 1),
                      "peak_rss_mb": round(_peak_mb(os.getpid()), 1), "skipped": skipped}))


def _run(mode: str, warc: Path, db: Path | None, workers: int) -> dict:
    cmd = [sys.executable, __file__, "--child", mode, str(warc), str(db or ""), str(workers)]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="2000,5000,10000", help="pages per archive, read-only runs")
    parser.add_argument("--ingest", default="2000,10000", help="sizes also ingested into a fresh store")
    parser.add_argument("--workers", type=int, default=1, help="profiling processes for the ingest runs")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, warc, db, workers = args.child
        child(mode, warc, db or None, int(workers))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    ingest_sizes = [int(s) for s in args.ingest.split(",") if s]
    print(f"cpus: {os.cpu_count()}; load average: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp:
        for size in sorted(set(sizes) | set(ingest_sizes)):
            warc = Path(tmp) / f"crawl-{size}.warc.gz"
            start = time.perf_counter()
            write_warc(warc, size)
            print(f"{size:>6} pages: wrote {warc.stat().st_size / 1e6:.1f} MB WARC.gz in {time.perf_counter() - start:.1f} s")
            if size in sizes:
                r = _run("read", warc, None, 1)
                print(f"{size:>6} pages  read:   {r['articles']} articles, {r['per_second']:.0f} pages/s, "
                      f"peak RSS {r['peak_rss_mb']:.0f} MB; skipped {r['skipped']}")
            if size in ingest_sizes:
                r = _run("ingest", warc, Path(tmp) / f"s{size}.db", args.workers)
                print(f"{size:>6} pages  ingest: {r['added']} added in {r['stories']} stories ({r['copies']} copies), "
                      f"{r['per_second']:.0f} articles/s, peak RSS {r['peak_rss_mb']:.0f} MB")
            warc.unlink()


if __name__ == "__main__":
    main()
