"""``find_copies``: ``PROFILES`` -> ``COPIES``, wire copies through an LSH band self-join.

The bands are the single-machine index's (``match.duplicates``: each of the first
``BANDS`` MinHash values is a band): an article's (band, value) rows are joined with every
earlier article's, the candidates of each article are grouped on one executor, and judged
on all 128 values by ``match.duplicates.best_match``, the rule ``DuplicateIndex.find``
applies. "Earlier" is the placement order: publication time (undated last), then input
order.

The engine decides a copy with more than the fingerprints (an exact copy by its content
hash before any profile; a partial copy only when the story evidence agrees), so this
table is what the fingerprints say; the job's ``articles`` table carries the engine's copies.
"""

from __future__ import annotations

from collections.abc import Iterator

from storylens.settings import Settings, current
from storylens.spark.schema import COPIES

ORDER_KEY = "struct(coalesce(_time, 1e18) AS t, order_input AS i, order_record AS r)"


def with_time(profiles):
    """``profiles`` with ``_time``: the publication instant in seconds (null when undated)."""
    from pyspark.sql import functions as F

    return profiles.withColumn("_time", F.unix_micros(F.to_timestamp("published")) / 1e6)


def _bands(batches: Iterator) -> Iterator:
    import numpy as np
    import pandas as pd

    from storylens.match.duplicates import BANDS

    for batch in batches:
        ids, bands, values = [], [], []
        for aid, raw in zip(batch["id"], batch["fingerprint"]):
            head = np.frombuffer(bytes(raw), dtype="<u8", count=BANDS).view("<i8")
            ids.extend([aid] * BANDS)
            bands.extend(range(BANDS))
            values.extend(head.tolist())
        yield pd.DataFrame({"id": ids, "band": bands, "value": values})


def _judge(near: float, partial: float, min_partial_shingles: int):
    def judge(group):
        import numpy as np
        import pandas as pd

        from storylens.match.duplicates import best_match
        from storylens.records import NUM_PERM, Fingerprint

        group = group.sort_values(["c_t", "c_i", "c_r"])
        mine = Fingerprint.from_bytes(bytes(group["fingerprint"].iloc[0]), int(group["shingles"].iloc[0]))
        hashes = np.frombuffer(b"".join(bytes(x) for x in group["c_fingerprint"]), dtype="<u8").reshape(-1, NUM_PERM)
        found = best_match(mine, hashes.astype(np.uint64), group["c_shingles"].to_numpy(np.int64), near, partial,
                           min_partial_shingles)
        if found is None:
            return pd.DataFrame(columns=["id", "copy_of", "kind", "overlap", "containment"])
        row, kind, overlap, containment = found
        return pd.DataFrame({"id": [group["id"].iloc[0]], "copy_of": [group["c_id"].iloc[row]], "kind": [kind],
                             "overlap": [overlap], "containment": [containment]})
    return judge


def find_copies(profiles, near: float | None = None, partial: float | None = None, settings: Settings | None = None):
    """The ``COPIES`` of a ``PROFILES`` DataFrame: each article's best earlier original.
    What is not given comes from the ``[copies]`` of ``settings`` (default: the process's),
    read here on the driver: the executors judge with the driver's values."""
    from pyspark.sql import functions as F

    shares = (settings or current()).copies
    near = shares.near if near is None else near
    partial = shares.partial if partial is None else partial
    prints = with_time(profiles).where("error IS NULL AND shingles > 0").select(
        "id", "fingerprint", "shingles", F.expr(ORDER_KEY).alias("key"))
    bands = prints.select("id", "fingerprint").mapInPandas(_bands, "id string, band int, value long")
    later = bands.alias("a").join(bands.alias("b"), ["band", "value"]).where("a.id != b.id").select(
        F.col("a.id").alias("id"), F.col("b.id").alias("c_id")).distinct()
    mine = prints.select("id", "fingerprint", "shingles", "key")
    theirs = prints.select(F.col("id").alias("c_id"), F.col("fingerprint").alias("c_fingerprint"),
                           F.col("shingles").alias("c_shingles"), F.col("key").alias("c_key"))
    pairs = later.join(mine, "id").join(theirs, "c_id").where("c_key < key").select(
        "id", "fingerprint", "shingles", "c_id", "c_fingerprint", "c_shingles",
        F.col("c_key.t").alias("c_t"), F.col("c_key.i").alias("c_i"), F.col("c_key.r").alias("c_r"))
    return pairs.groupBy("id").applyInPandas(_judge(near, partial, shares.min_partial_shingles), COPIES)
