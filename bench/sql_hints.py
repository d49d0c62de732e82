"""What the queries of one request say: how many, how many rows they brought into Python, which
query shapes repeat (an N+1 or a per-chunk query), which are slowest, and, asked to, what
PostgreSQL's plan for the slowest one shows (sequential scans of large tables, time spent in the
JIT compiler)."""

import json
import re
from collections import Counter

from django.test.utils import CaptureQueriesContext

NUMBER = re.compile(r"\b\d+(\.\d+)?\b")
STRING = re.compile(r"'(?:[^']|'')*'")
IN_LIST = re.compile(r"IN \((?:\?, )*\?\)")
EXPLAIN_OVER_SECONDS = 0.05
LARGE_SCAN_ROWS = 5000


def shape(sql: str) -> str:
    """The query with its literal values taken out, so repeats of one query group together."""
    text = NUMBER.sub("?", STRING.sub("?", sql))
    return IN_LIST.sub("IN (...)", text)


class Recorder(CaptureQueriesContext):
    """CaptureQueriesContext that also counts the rows each query returned to the client (a
    server-side cursor's rows, read in chunks, are not counted)."""

    def __enter__(self):
        self.rows = 0
        self._wrapper = self.connection.execute_wrapper(self._count)
        self._wrapper.__enter__()
        return super().__enter__()

    def __exit__(self, *exc):
        super().__exit__(*exc)
        self._wrapper.__exit__(*exc)

    def _count(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        rowcount = getattr(context["cursor"], "rowcount", -1)
        if rowcount and rowcount > 0 and sql.lstrip()[:6].upper() in ("SELECT", "WITH ("):
            self.rows += rowcount
        return result

    @property
    def queries(self):
        return self.captured_queries

    def hints(self, *, explain: bool = False) -> dict:
        counts = Counter(shape(q["sql"]) for q in self.queries)
        repeated = [{"times": n, "sql": sql[:240]} for sql, n in counts.most_common(3) if n > 1]
        slowest = sorted(self.queries, key=lambda q: -float(q["time"]))[:3]
        out = {
            "repeated": repeated,
            "slowest": [{"ms": round(float(q["time"]) * 1000, 1), "sql": q["sql"][:300]}
                        for q in slowest],
        }  # fmt: skip
        if explain and slowest and float(slowest[0]["time"]) >= EXPLAIN_OVER_SECONDS:
            out["plan"] = plan_of(self.connection, slowest[0]["sql"])
        return out


def plan_of(connection, sql: str) -> dict:
    """EXPLAIN ANALYZE of one captured query: execution and JIT time, large sequential scans."""
    if sql.lstrip().upper().startswith("DECLARE") and " FOR SELECT " in sql:
        sql = sql[sql.index(" FOR SELECT ") + len(" FOR ") :]  # a server-side cursor's query
    if not sql.lstrip().upper().startswith("SELECT"):
        return {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
            raw = cursor.fetchone()[0]
    except Exception as exc:  # a plan is a hint; never let it stop the benchmark
        return {"error": str(exc)[:200]}
    plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]
    scans = []
    _walk(plan["Plan"], scans)
    jit = plan.get("JIT", {}).get("Timing", {}).get("Total")
    return {
        "execution_ms": round(plan.get("Execution Time", 0), 1),
        "planning_ms": round(plan.get("Planning Time", 0), 1),
        "jit_ms": round(jit, 1) if jit else 0,
        "seq_scans": scans[:5],
    }


def _walk(node: dict, scans: list) -> None:
    if node.get("Node Type") == "Seq Scan":
        rows = int(node.get("Actual Rows", 0) * node.get("Actual Loops", 1))
        removed = int(node.get("Rows Removed by Filter", 0) * node.get("Actual Loops", 1))
        if rows + removed >= LARGE_SCAN_ROWS:
            scans.append({"table": node.get("Relation Name"), "rows_read": rows + removed,
                          "loops": node.get("Actual Loops", 1)})  # fmt: skip
    for child in node.get("Plans", []):
        _walk(child, scans)
