"""The same verification on Apache Spark, for voter files beyond one machine.

The SQL steps are the domain's (:mod:`calexit.petition.matching.steps`, ``dialect="spark"``)
and the probabilistic step is Splink's Spark backend scoring with a model trained by the
DuckDB engine (or any saved Splink model), so a Spark run and a DuckDB run of the same
inputs reach the same determinations. ``pyspark`` is an optional extra (``calexit[spark]``).

To use a cluster instead of local mode, pass a ``SparkSession`` built for it (for example
``SparkSession.builder.master("spark://host:7077")`` or ``yarn``), with Splink's
similarity jar on ``spark.jars`` (``splink.backends.spark.similarity_jar_location()``) and
a checkpoint directory on shared storage; see ``docs/petition.md``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from calexit.linkage.duckdb_engine import LinkageRun, Progress
from calexit.petition.matching.model import LINK_COLUMNS, MatchSettings, model_for_dialect
from calexit.petition.matching.normalise import first_name_forms
from calexit.petition.matching.steps import (
    Step,
    address_candidate_steps,
    decision_steps,
    exact_steps,
    signature_steps,
    voter_key_steps,
)


def local_session(work_directory: Path, *, cores: int = 2) -> Any:
    """A local-mode SparkSession set up for Splink, writing only under ``work_directory``."""
    # pyspark is an optional extra: imported only when a Spark session is wanted.
    from pyspark.sql import SparkSession  # noqa: PLC0415
    from splink.backends.spark import similarity_jar_location  # noqa: PLC0415

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    work_directory.mkdir(parents=True, exist_ok=True)
    session = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName("calexit")
        .config("spark.jars", similarity_jar_location())
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", str(max(2, cores * 2)))
        .config("spark.sql.warehouse.dir", str(work_directory / "warehouse"))
        .config("spark.driver.memory", "2g")
        .config("spark.log.level", "ERROR")
        .getOrCreate()
    )
    session.sparkContext.setCheckpointDir(str(work_directory / "checkpoints"))
    session.sparkContext.setLogLevel("ERROR")
    return session


class SparkEngine:
    """Runs the petition steps as Spark SQL temporary views."""

    def __init__(self, session: Any) -> None:
        self.spark = session

    def register_file(self, name: str, path: Path) -> None:
        reader = self.spark.read
        if path.suffix.lower() == ".parquet":
            frame = reader.parquet(str(path))
        else:
            frame = reader.option("header", "true").csv(str(path))
        frame.createOrReplaceTempView(name)

    def _run(self, steps: list[Step], progress: Progress) -> None:
        for step in steps:
            progress(step.table)
            # Materialise each step: a chain of views would make one plan of every step,
            # whose text alone exhausts the driver's memory.
            frame = self.spark.sql(step.sql)
            if not step.view:
                frame = frame.localCheckpoint(eager=True)
            frame.createOrReplaceTempView(step.table)

    def count(self, view: str) -> int:
        return int(self.spark.table(view).count())

    def verify(
        self, settings: MatchSettings, model: dict[str, Any], progress: Progress = lambda _: None
    ) -> LinkageRun:
        """Every step, scoring the residue with ``model``; ``determinations`` is left behind."""
        forms = self.spark.createDataFrame(list(first_name_forms()), "name string, form string")
        forms.createOrReplaceTempView("name_forms")
        steps = voter_key_steps("spark") + signature_steps("spark")
        self._run(steps + address_candidate_steps("spark"), progress)
        self._run(exact_steps("spark"), progress)
        run = LinkageRun(
            exact=self.count("exact_candidates"), residue=self.count("residue"), model=model
        )
        progress("splink")
        self._score_residue(settings, model)
        run.probabilistic_pairs = self.count("probabilistic_pairs")
        self._run(decision_steps(settings.threshold, "spark"), progress)
        return run

    def _score_residue(self, settings: MatchSettings, model: dict[str, Any]) -> None:
        from splink import Linker, SparkAPI  # noqa: PLC0415 - needs the optional pyspark

        columns = ", ".join(LINK_COLUMNS[1:])
        voters = self.spark.sql(
            "select voter_key as unique_id, county, first_n, array(first_n) as first_forms, "
            "middle_n, last_n, house_n, street_n, zip_n from voters_n"
        )
        residue = self.spark.sql(f"select signature_id as unique_id, {columns} from residue")
        if residue.count() == 0 or not model:
            empty = "signature_id string, voter_key string, match_probability double"
            self.spark.createDataFrame([], empty).createOrReplaceTempView("probabilistic_pairs")
            return
        api = SparkAPI(  # type: ignore[no-untyped-call]
            spark_session=self.spark, break_lineage_method="checkpoint"
        )
        left = api.register(residue, dataset_display_name="signatures")
        right = api.register(voters, dataset_display_name="voters")
        spark_model = model_for_dialect(settings, model, "spark")
        linker = Linker([left, right], spark_model, log_level=None)
        scored = linker.inference.predict(threshold_match_probability=min(0.5, settings.threshold))
        scored.as_spark_dataframe().createOrReplaceTempView("splink_scored")
        self.spark.sql("""
            select case when source_dataset_l = 'signatures' then unique_id_l else unique_id_r end
                       as signature_id,
                   case when source_dataset_l = 'signatures' then unique_id_r else unique_id_l end
                       as voter_key,
                   match_probability
            from splink_scored""").cache().createOrReplaceTempView("probabilistic_pairs")

    def determinations(self) -> list[tuple[str, str, str | None]]:
        rows = self.spark.sql(
            "select signature_id, reason, voter_id from determinations order by signature_id"
        ).collect()
        return [(str(r[0]), str(r[1]), None if r[2] is None else str(r[2])) for r in rows]
