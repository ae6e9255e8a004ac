"""The Spark session a storylens job runs in, and the checks that give clear errors first.

``session(master)`` is ``SparkSession.builder.getOrCreate()`` with what storylens needs:
the executors' Python is this one (so they import storylens and its models), Arrow
batches of ``ARROW_BATCH`` articles (an executor holds one batch of texts and profiles at
a time), no web UI. Under ``spark-submit`` the master and resources come from the
submitter; ``master`` only applies to a session this process starts.
"""

from __future__ import annotations

import os
import shutil
import sys

from storylens.errors import ConfigError

ARROW_BATCH = 1000  # articles per Arrow batch sent to a Python worker
DRIVER_MEMORY = "2g"  # the driver's JVM (a session this process starts): it sorts and serves the profiles


def require_spark() -> None:
    """``ConfigError`` unless pyspark, pyarrow and a Java runtime are present."""
    try:
        import pyarrow  # noqa: F401
        import pyspark  # noqa: F401
    except ImportError as exc:
        raise ConfigError(f"the Spark job needs {exc.name}: pip install 'storylens[spark]'") from None
    java_home = os.environ.get("JAVA_HOME")
    if not (java_home and os.path.exists(os.path.join(java_home, "bin", "java"))) and shutil.which("java") is None:
        raise ConfigError("the Spark job needs Java 17 or later: install a JDK (Debian: apt-get install "
                          "openjdk-17-jre-headless) or set JAVA_HOME")


def hadoop_path(spark, uri: str):
    """(file system, path) of ``uri`` through Hadoop: any URI the job reads or writes."""
    path = spark.sparkContext._jvm.org.apache.hadoop.fs.Path(uri)
    return path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()), path


def read_bytes(spark, uri: str, limit: int | None = None) -> bytes:
    """The bytes of the file ``uri`` through Hadoop (the first ``limit`` of them, when given)."""
    fs, path = hadoop_path(spark, uri)
    stream = fs.open(path)
    try:
        return bytes(stream.readAllBytes() if limit is None else stream.readNBytes(limit))
    finally:
        stream.close()


def session(master: str | None = None, app: str = "storylens"):
    """The process's Spark session (started when there is none)."""
    require_spark()
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    builder = SparkSession.builder.appName(app)
    if master:
        builder = builder.master(master)
    elif not os.environ.get("SPARK_HOME") and "spark.master" not in os.environ.get("PYSPARK_SUBMIT_ARGS", ""):
        builder = builder.master("local[*]")
    if "spark.driver.memory" not in os.environ.get("PYSPARK_SUBMIT_ARGS", "") and not os.environ.get("SPARK_DRIVER_MEMORY"):
        builder = builder.config("spark.driver.memory", DRIVER_MEMORY)
    builder = (builder.config("spark.ui.enabled", "false")
               .config("spark.sql.execution.arrow.maxRecordsPerBatch", str(ARROW_BATCH))
               .config("spark.sql.execution.arrow.pyspark.enabled", "true")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.python.worker.reuse", "true"))
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark
