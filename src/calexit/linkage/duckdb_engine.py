"""Runs the verification pipeline in embedded DuckDB, with Splink's DuckDB backend.

The domain (:mod:`calexit.petition.matching`) builds the SQL and the Splink settings;
this adapter owns the connection, the input files and the trained model.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
from splink import DuckDBAPI, Linker

from calexit.petition.matching.model import (
    ADDRESS_FREQUENCIES_SQL,
    LINK_COLUMNS,
    TRAINING_BLOCKS,
    AddressFrequencies,
    MatchSettings,
    address_frequencies,
    splink_settings,
)
from calexit.petition.matching.normalise import first_name_forms
from calexit.petition.matching.steps import (
    Step,
    address_candidate_steps,
    decision_steps,
    exact_steps,
    signature_steps,
    voter_key_steps,
)

Progress = Callable[[str], None]
TRAINING_SIGNATURES = 10_000


def _quiet_splink() -> None:
    for name in ("splink", "splink.internals"):
        logging.getLogger(name).setLevel(logging.ERROR)


@dataclass
class LinkageRun:
    """What one run produced, besides the ``determinations`` table."""

    exact: int = 0
    residue: int = 0
    probabilistic_pairs: int = 0
    model: dict[str, Any] = field(default_factory=dict)


class DuckDBEngine:
    """One DuckDB connection holding the inputs, the steps' tables and the results."""

    def __init__(
        self,
        *,
        threads: int | None = None,
        memory_limit: str | None = None,
        temp_directory: Path | None = None,
    ) -> None:
        self.connection = duckdb.connect()
        if threads:
            self.connection.execute(f"set threads = {int(threads)}")
        if memory_limit:
            self.connection.execute("set memory_limit = ?", [memory_limit])
        if temp_directory:
            self.connection.execute("set temp_directory = ?", [str(temp_directory)])
        self.connection.execute("set preserve_insertion_order = false")
        _quiet_splink()

    def close(self) -> None:
        self.connection.close()

    def load_rows(
        self, table: str, columns: tuple[str, ...], rows: Sequence[Sequence[Any]]
    ) -> None:
        """Create ``table`` from Python rows in one statement (not row by row)."""
        values = [[row[i] for row in rows] for i in range(len(columns))]
        unnests = ", ".join(f"unnest(${i + 1}) as {name}" for i, name in enumerate(columns))
        self.connection.execute(f"create or replace table {table} as select {unnests}", values)

    def register_table(self, name: str, relation_sql: str) -> None:
        self.connection.execute(f"create or replace view {name} as {relation_sql}")

    def register_file(self, name: str, path: Path) -> None:
        """Expose a Parquet or CSV file as the view ``name``."""
        reader = "read_parquet" if path.suffix.lower() == ".parquet" else "read_csv_auto"
        literal = str(path).replace("'", "''")
        self.register_table(name, f"select * from {reader}('{literal}')")

    def _run(self, steps: list[Step], progress: Progress) -> None:
        for step in steps:
            progress(step.table)
            kind = "view" if step.view else "table"
            self.connection.execute(f"create or replace {kind} {step.table} as {step.sql}")

    def count(self, table: str) -> int:
        rows = self.connection.execute(f"select count(*) from {table}").fetchall()
        return int(rows[0][0])

    def verify(
        self,
        settings: MatchSettings,
        progress: Progress = lambda _: None,
        *,
        exact_pass: bool = True,
    ) -> LinkageRun:
        """Run every step; leave one reason per signature in ``determinations``."""
        run = LinkageRun()
        self._run(voter_key_steps("duckdb"), progress)
        self.load_rows("name_forms", ("name", "form"), first_name_forms())
        candidates = address_candidate_steps("duckdb", filter_candidates=exact_pass)
        self._run(signature_steps("duckdb") + candidates, progress)
        steps = exact_steps("duckdb")
        if not exact_pass:  # plain Splink: every signature, against every registration
            steps = [
                Step("exact_candidates", "select * from (" + steps[0].sql + ") where false"),
                steps[1],
            ]
        self._run(steps, progress)
        run.exact = self.count("exact_candidates")
        run.residue = self.count("residue")
        progress("splink")
        run.model = self._link_residue(settings)
        run.probabilistic_pairs = self.count("probabilistic_pairs")
        self._run(decision_steps(settings.threshold, "duckdb"), progress)
        return run

    def _link_tables(self) -> None:
        columns = ", ".join(LINK_COLUMNS[1:])
        self.connection.execute("""
            create or replace table voter_link as
            select voter_key as unique_id, county, first_n, [first_n] as first_forms, middle_n,
                   last_n, house_n, street_n, zip_n from voters_n""")
        self.connection.execute(f"""
            create or replace table residue_link as
            select signature_id as unique_id, {columns} from residue""")
        self.connection.execute(f"""
            create or replace table training_link as
            select signature_id as unique_id, {columns} from signatures_n
            where has_address order by hash(signature_id) limit {TRAINING_SIGNATURES}""")

    def _frequencies(self) -> AddressFrequencies:
        sql = ADDRESS_FREQUENCIES_SQL.format(
            text="varchar",
            sampled_voters="(select * from voters_raw using sample 10 percent (system))",
        )
        rows = self.connection.execute(sql).fetchall()
        counts = {str(kind): (int(pairs or 0), int(n or 0)) for kind, pairs, n in rows}
        return address_frequencies(counts, self.count("voters_raw"))

    def _linker(self, left: str, settings: Any) -> Linker:
        api = DuckDBAPI(connection=self.connection.cursor())
        signatures = api.register(left, dataset_display_name="signatures")
        voters = api.register("voter_link", dataset_display_name="voters")
        return Linker([signatures, voters], settings, log_level=None)

    def _link_residue(self, settings: MatchSettings) -> dict[str, Any]:
        self._link_tables()
        empty = (
            "create or replace table probabilistic_pairs (signature_id varchar, "
            "voter_key varchar, match_probability double)"
        )
        if self.count("residue_link") == 0:
            self.connection.execute(empty)
            return {}
        trainer = self._linker("training_link", splink_settings(settings, self._frequencies()))
        trainer.training.estimate_u_using_random_sampling(
            max_pairs=settings.u_max_pairs, seed=settings.training_seed
        )
        for rule in TRAINING_BLOCKS:
            trainer.training.estimate_parameters_using_expectation_maximisation(rule)
        model: dict[str, Any] = trainer.misc.save_model_to_json()
        predictor = self._linker("residue_link", model)
        scored = predictor.inference.predict(
            threshold_match_probability=min(0.5, settings.threshold)
        )
        self.connection.execute(f"""
            create or replace table probabilistic_pairs as
            select case when source_dataset_l = 'signatures' then unique_id_l else unique_id_r end
                       as signature_id,
                   case when source_dataset_l = 'signatures' then unique_id_r else unique_id_l end
                       as voter_key,
                   match_probability
            from {scored.physical_name}""")
        clean: dict[str, Any] = json.loads(json.dumps(model, default=str))
        return clean
