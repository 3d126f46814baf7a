"""Commission lottery benchmark: calexit's leximin against the ``sortition-algorithms`` peer.

    python bench/lottery.py [--peer-timeout 300] [--only NAME]

Instances (the same for both tools): synthetic pools shaped like the Nature paper's
(Flanigan et al., Nature 596, 2021): 250 people / panel 20 / 6 categories, 825 / 75 / 4
and 1,727 / 110 / 7, drawn by ``calexit.commission.lottery.instances.synthetic`` with
seed 1; and the paper's Alternate(2000, 200). For each it prints both tools' minimum
selection probability, Gini coefficient and wall time, and the ratios (calexit / peer).

The peer is ``sortition_algorithms.committee_generation.maximin.find_distribution_maximin``
with its HiGHS backend: without Gurobi its leximin falls back to exactly this maximin.
It runs in a child process with a timeout (``--peer-timeout`` seconds); a timed-out run
is reported as such. calexit runs ``find_distribution(instance, "leximin")``.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing as mp
import time
from typing import Any

from sortition_algorithms import utils
from sortition_algorithms.committee_generation.maximin import find_distribution_maximin
from sortition_algorithms.features import read_in_features
from sortition_algorithms.people import read_in_people
from sortition_algorithms.settings import Settings

from calexit.commission.lottery import find_distribution, gini
from calexit.commission.lottery.instances import alternate, synthetic
from calexit.commission.model import Instance


def instances() -> dict[str, Instance]:
    return {
        "synthetic 250/20, 6 cat.": synthetic(250, 20, 6, seed=1),
        "synthetic 825/75, 4 cat.": synthetic(825, 75, 4, seed=1),
        "synthetic 1727/110, 7 cat.": synthetic(1727, 110, 7, seed=1),
        "Alternate(2000, 200)": alternate(2000, 200),
    }


def run_peer(instance: Instance, out: Any) -> None:
    """Run the peer's maximin on ``instance``; put (probabilities, seconds) on ``out``."""
    utils.set_log_level(logging.ERROR)
    utils.set_random_provider(1)
    features_body = [
        {"feature": q.feature, "value": q.value, "min": str(q.min), "max": str(q.max)}
        for q in instance.quotas
    ]
    features, _, _ = read_in_features(["feature", "value", "min", "max"], features_body)
    names = list(instance.features)
    settings = Settings(id_column="id", columns_to_keep=[], random_number_seed=1)
    body = [{"id": p.id, **{f: p.features[f] for f in names}} for p in instance.people]
    people, _ = read_in_people(["id", *names], body, features, settings)
    start = time.perf_counter()
    committees, weights, _ = find_distribution_maximin(
        features, people, instance.panel_size, [], "highspy"
    )
    seconds = time.perf_counter() - start
    probabilities = dict.fromkeys((p.id for p in instance.people), 0.0)
    for committee, weight in zip(committees, weights, strict=True):
        for pid in committee:
            probabilities[pid] += weight
    out.put((list(probabilities.values()), seconds))


def peer(instance: Instance, timeout: float) -> tuple[list[float], float] | None:
    context = mp.get_context("fork")
    out = context.Queue()
    process = context.Process(target=run_peer, args=(instance, out))
    process.start()
    process.join(timeout)
    if process.is_alive():
        process.terminate()
        process.join()
        return None
    return out.get() if not out.empty() else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peer-timeout", type=float, default=300.0)
    parser.add_argument("--only", default="")
    args = parser.parse_args()
    header = (
        f"{'instance':28} {'calexit min':>11} {'peer min':>9} {'ratio':>6} "
        f"{'calexit Gini':>12} {'peer Gini':>9} {'calexit s':>9} {'peer s':>8} {'ratio':>6}"
    )
    print(header)
    print("-" * len(header))
    for name, instance in instances().items():
        if args.only and args.only not in name:
            continue
        start = time.perf_counter()
        ours = list(find_distribution(instance, "leximin").probabilities().values())
        ours_s = time.perf_counter() - start
        theirs = peer(instance, args.peer_timeout)
        ours_min, ours_gini = min(ours), gini(ours)
        if theirs is None:
            print(
                f"{name:28} {ours_min:11.4f} {'timeout':>9} {'':>6} {ours_gini:12.4f} "
                f"{'':>9} {ours_s:9.1f} {'>' + str(int(args.peer_timeout)):>8}"
            )
            continue
        probabilities, peer_s = theirs
        peer_min, peer_gini = min(probabilities), gini(probabilities)
        print(
            f"{name:28} {ours_min:11.4f} {peer_min:9.4f} {ours_min / peer_min:6.3f} "
            f"{ours_gini:12.4f} {peer_gini:9.4f} {ours_s:9.1f} {peer_s:8.1f} "
            f"{ours_s / peer_s:6.2f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
