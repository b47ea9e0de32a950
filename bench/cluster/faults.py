"""The five faults of issue 28, each run under the load, each returning a Result (a line of the table).

A fault fails when an acknowledged write is not in the database afterwards, an e-mail goes out twice, a request
is answered 500, or a signed-in user is sent back to the sign-in page; and for its own reason (the import half
applied, PostgreSQL's restart not recovered from, the dump not restored)."""
import time
from collections import Counter
from dataclasses import dataclass, field

from bench.cluster.load import Answer, Write

FAILING = ("500", "signed out")  # answers that fail any fault


@dataclass
class Result:
    fault: str
    requests: int = 0
    errors: Counter = field(default_factory=Counter)
    acknowledged: int = 0
    found: int = 0
    duplicates: int | str = "-"
    recovery: str = "-"
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def take(self, answers: list[Answer], writes: list[Write], found: int) -> None:
        """Count the load's answers and writes of the fault; what fails any fault."""
        self.requests += len(answers)
        self.errors.update(a.verdict for a in answers if a.verdict != "ok")
        for reason, count in Counter(f"{a.what}: {a.error}" for a in answers if a.error).items():
            self.notes.append(f"no answer {count}x ({reason[:200]})")
        self.acknowledged += len(writes)
        self.found += found
        for bad in FAILING:
            if self.errors[bad]:
                self.problems.append(f"{self.errors[bad]} answers {bad}")
        if found < len(writes):
            self.problems.append(f"{len(writes) - found} acknowledged writes lost")


def writes_found(cluster, writes: list[Write], database: str = "seconding") -> int:
    ids = [w.external_id for w in writes]
    return cluster.pg.sql("SELECT count(*) FROM experts WHERE external_id = ANY(%s)", (ids,), database)[0][0]


def _phase(cluster, name: str, settle: float = 3.0) -> float:
    cluster.load.phase = name
    time.sleep(settle)
    return time.time()


def _close(cluster, result: Result, name: str, database: str = "seconding") -> None:
    cluster.load.phase = "between"
    time.sleep(1)  # the phase's last requests come back
    answers, writes = cluster.load.of(name)
    result.take(answers, writes, writes_found(cluster, writes, database))


def _last_error(cluster, name: str, since: float) -> float:
    answers, _ = cluster.load.of(name)
    ends = [a.end for a in answers if a.verdict != "ok" and a.start >= since - 1]
    return max(ends) - since if ends else 0.0


FAULTS = {}
