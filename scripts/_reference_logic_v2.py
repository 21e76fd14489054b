"""Score name pairs with nomenklatura's logic-v2 (the reference), for scripts/eval_matching.py.

Runs in a SEPARATE venv that has nomenklatura installed (never the project's): reads JSON lines
[query, listed, kind] on stdin and prints one score per line.
"""

from __future__ import annotations

import json
import sys

from followthemoney import EntityProxy
from nomenklatura.matching import get_algorithm
from nomenklatura.matching.types import ScoringConfig

SCHEMA = {"person": "Person", "vessel": "Vessel", "aircraft": "Airplane"}


def main() -> int:
    algorithm = get_algorithm("logic-v2")
    assert algorithm is not None
    config = ScoringConfig.defaults()
    out = []
    for n, line in enumerate(sys.stdin):
        query, listed, kind = json.loads(line)
        schema = SCHEMA.get(kind, "Organization")
        left = EntityProxy.from_dict(
            {"id": f"q{n}", "schema": schema, "properties": {"name": [query]}}
        )
        right = EntityProxy.from_dict(
            {"id": f"r{n}", "schema": schema, "properties": {"name": [listed]}}
        )
        out.append(f"{algorithm.compare(left, right, config).score:.4f}")
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
