"""Load: a 70/30 read/write mix against the real server, next to its ``/health`` ceiling.

    python -m benchmarks.load                        # SQLite, then Neo4j if it answers
    BENCH_LOAD_SECONDS=10 python -m benchmarks.load  # shorter runs

Prints one JSON object. The network is the synthetic national one
(``seed.national.load_national``) in a fresh SQLite file, with accounts made for the run:
CCWCs in communes drawn at random and, for each, the provider routing recommends first
for psychological first aid (its receiving provider). Before the runs every pair gets
cases with a referral in some status (the read set) and a pool of open cases with
consent (for new referrals).

The server is ``referral-graph serve`` in a process (``benchmarks.common.served``, one
worker, the rate limit off). For each number of concurrent clients (16, 64, 256):

* the ceiling: ``GET /health`` (the cheapest route: a store ping) for
  ``BENCH_LOAD_CEILING_SECONDS`` (default: half the mix time, at least 5 s);
* writes only, as long: a third new referrals, two thirds transitions (each new
  referral is then acknowledged, accepted, started and completed by its receiving
  provider, each step sent when the previous one's answer arrives);
* the mix for ``BENCH_LOAD_SECONDS`` (default 60): 70 % reads, equally a provider's
  inbox, a case path and the recommendations for a case, and 30 % of those writes.

Every write carries an ``Idempotency-Key``, as the API's clients do. Other variables:
``BENCH_LOAD_CLIENTS`` (``16,64,256``), ``BENCH_LOAD_STORES`` (``sqlite,neo4j``),
``BENCH_LOAD_WORKERS`` (server processes, default 1; on SQLite they share the file's
write lock).

The load generator is ``wrk`` (``apt-get install -y wrk``) with a Lua script for the mix:
C, two threads, so it takes little of the two cores the server shares; its CPU time, the
server's, and the machine's load average are reported per run. wrk's latencies are of
the whole run (it cannot tell reads from writes); counts of each kind come from the
answers.

The same runs follow on Neo4j (its database is reset) when it answers; with
``BENCH_LOAD_NEO4J_NETWORK=programme`` on the programme seed instead of the national one.

Before and after the runs, the raw store's own ceiling (``benchmarks.raw_store``: small
write transactions per second from Python, 1 and 8 threads, same disk or server), and
after the levels a **paced** mix (open loop: ``BENCH_LOAD_PACED_CLIENTS``, default 64,
connections each waiting between requests so that together they offer half the
highest mix throughput measured; ``BENCH_LOAD_PACED_SHARE`` changes the half).

Targets (issue 24), each a ratio to the same run: writes per second (writes only) ≥ 25 %
of the raw store's 1-thread write transactions per second; p99 of the paced mix at half
the maximum ≤ 50 ms on SQLite, ≤ 100 ms on Neo4j; no errors. (Issue 8's targets —
writes ≥ 30 % of the ``/health`` ceiling, closed-loop mix p99 ≤ 50 ms at 64 clients — are
still reported: a closed loop of 64 clients that never pause measures queueing, not
the server.) (Writes within the mix are reported as a share of the ceiling too, but cannot
reach 30 % by construction: they are 30 % of a mix that is slower than ``/health``.)
When a target is missed (or with ``BENCH_LOAD_PROFILE=1``; ``0`` never) the write path
is profiled in-process with cProfile (the app driven through ``httpx.ASGITransport``,
the thread pool replaced by inline calls so that one profiler sees the whole request),
and the top costs are reported.
"""

from __future__ import annotations

import asyncio
import cProfile
import json
import os
import pstats
import random
import resource
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import httpx

from benchmarks.common import served
from referral_graph.domain.areas import gazetteer
from referral_graph.domain.lifecycle import ReferralStatus
from referral_graph.domain.models import Consent
from referral_graph.domain.vocabulary import AreaLevel, Gender, RiskLevel, Service
from referral_graph.security.model import Role
from referral_graph.services import cases, referrals
from referral_graph.services.accounts import NewUser, create_user
from referral_graph.services.caller import Caller
from referral_graph.services.cases import CaseOpening
from referral_graph.services.referrals import ReferralRequest, Step
from referral_graph.services.routing import Routing
from referral_graph.store.port import Store, Transaction

T = TypeVar("T")

SERVICE = Service.PSYCHOLOGICAL_FIRST_AID
PASSWORD = "load-test-password-1"
LEVELS = (16, 64, 256)
PAIRS = 12  # CCWC → receiving provider pairs (each an account: sign-in costs ~0.3 s)
READ_CASES_PER_PAIR = 25
TARGETS = {"write_share_of_ceiling": 0.30, "p99_ms_at_64_clients": 50.0, "errors": 0}
#: Issue 24: API writes ÷ the raw store's 1-thread write transactions, and the paced mix.
RAW_SHARE_TARGET = 0.25
PACED_P99_TARGET_MS = {"sqlite": 50.0, "neo4j": 100.0}
S = ReferralStatus

# --- wrk scripts -------------------------------------------------------------------------

MIX_LUA = r"""
-- referral-graph load mix: 70 % reads (inbox, case path, recommendations),
-- 30 % writes (a third new referrals, two thirds transitions of referrals this thread
-- created, each step queued when the previous one's answer arrives).
-- args: data file, number of threads, a label that makes Idempotency-Keys unique, and
-- the share of writes (0.3 for the mix, 1 for writes only).
local tokens, receivers, creates = {}, {}, {}
local reads = {{}, {}, {}}
local queue, head = {}, 1
local next_create, serial, prefix, write_share, pause = 1, 0, "", 0.3, 0
local NEXT = {requested = "received", received = "accepted", accepted = "in_progress",
              in_progress = "completed"}
counts = {reads = 0, creates = 0, transitions = 0, failed = 0, reused_cases = 0}
local threads, started = {}, 0

function setup(thread)
  thread:set("tid", started)
  started = started + 1
  table.insert(threads, thread)
end

function init(args)
  local nthreads = tonumber(args[2])
  prefix = args[3] .. "-" .. tid .. "-"
  write_share = tonumber(args[4])
  pause = tonumber(args[5] or "0")
  math.randomseed(7919 * (tid + 1))
  local i = 0
  for line in io.lines(args[1]) do
    local kind, a, rest = line:match("^(%u) (%S+) (.*)$")
    if kind == "T" then tokens[a] = "Bearer " .. rest
    elseif kind == "P" then receivers[a] = rest
    elseif kind == "R" then
      local token, path = rest:match("^(%S+) (.*)$")
      table.insert(reads[tonumber(a)], {token, path})
    elseif kind == "C" then
      if i % nthreads == tid then table.insert(creates, {a, rest}) end
      i = i + 1
    end
  end
end

-- args[5] > 0: each connection waits that many ms between its requests (the paced,
-- open-loop run: a load offered at a set rate, as people at screens make it).
function delay()
  return pause
end

local function post(path, token, body)
  serial = serial + 1
  return wrk.format("POST", path, {["Authorization"] = tokens[token],
    ["Content-Type"] = "application/json", ["Idempotency-Key"] = prefix .. serial}, body)
end

function request()
  if math.random() < write_share then
    if head <= #queue and math.random() < 2 / 3 then
      local step = queue[head]
      queue[head] = nil
      head = head + 1
      local body = '{"status":"' .. step[2] .. '"'
      if step[2] == "completed" then body = body .. ',"outcome":"Load test: done"' end
      return post("/api/v1/referrals/" .. step[1] .. "/transitions", step[3], body .. "}")
    end
    if next_create > #creates then
      next_create = 1
      counts.reused_cases = counts.reused_cases + 1
    end
    local c = creates[next_create]
    next_create = next_create + 1
    return post("/api/v1/referrals", c[1], c[2])
  end
  local pool = reads[math.random(3)]
  local r = pool[math.random(#pool)]
  return wrk.format("GET", r[2], {["Authorization"] = tokens[r[1]]})
end

local function queue_next(body, status)
  local nxt = NEXT[status]
  if nxt == nil then return end
  local id = body:match('"id":"(ref_[%w_]+)"')
  local to = body:match('"to_provider_id":"([^"]+)"')
  if id and to and receivers[to] then queue[#queue + 1] = {id, nxt, receivers[to]} end
end

function response(status, headers, body)
  local key = "http" .. status
  counts[key] = (counts[key] or 0) + 1
  if status >= 300 then
    counts.failed = counts.failed + 1
  elseif body:sub(1, 12) == '{"referral":' then
    counts.transitions = counts.transitions + 1
    queue_next(body, body:match('"status":"([%a_]+)"'))
  elseif status == 201 then
    counts.creates = counts.creates + 1
    queue_next(body, "requested")
  else
    counts.reads = counts.reads + 1
  end
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for k, v in pairs(thread:get("counts")) do total[k] = (total[k] or 0) + v end
  end
  local e = summary.errors
  local out = {
    string.format('"requests":%d,"duration_us":%d', summary.requests, summary.duration),
    string.format('"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f',
      latency:percentile(50), latency:percentile(90), latency:percentile(99),
      latency.max, latency.mean),
    string.format('"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d',
      e.connect, e.read, e.write, e.status, e.timeout),
  }
  for k, v in pairs(total) do table.insert(out, string.format('"%s":%d', k, v)) end
  io.write("WRKJSON {" .. table.concat(out, ",") .. "}\n")
end
"""

HEALTH_LUA = r"""
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,' ..
    '"max_us":%d,"mean_us":%.1f,"connect":%d,"read":%d,"write":%d,"status":%d,' ..
    '"timeout":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, latency.mean, e.connect, e.read, e.write,
    e.status, e.timeout))
end
"""

# --- preparing the store in-process ------------------------------------------------------


class Batch(Store):
    """Every unit of work in one transaction that is already open (preparation only):
    the services' own rules, without a commit per call."""

    name = "batch"

    def __init__(self, tx: Transaction) -> None:
        self.tx = tx

    def read(self, work: Callable[[Transaction], T]) -> T:
        return work(self.tx)

    def write(self, work: Callable[[Transaction], T]) -> T:
        return work(self.tx)

    def initialise(self) -> None:
        """The outer store is initialised."""

    def ping(self) -> None:
        """The outer store answers."""

    def reset(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """The outer store closes."""


@dataclass(frozen=True)
class Pair:
    ccwc: str
    receiver: str
    village: str
    age: int
    gender: Gender
    ccwc_user: str
    receiver_user: str


@dataclass
class Plan:
    pairs: list[Pair]
    read_cases: list[tuple[str, int]] = field(default_factory=list)  # case, pair index

    @property
    def users(self) -> list[str]:
        return sorted({p.ccwc_user for p in self.pairs} | {p.receiver_user for p in self.pairs})


def _opening(pair_or_ccwc: Pair | str, village: str, age: int, gender: Gender) -> CaseOpening:
    ccwc = pair_or_ccwc.ccwc if isinstance(pair_or_ccwc, Pair) else pair_or_ccwc
    now = datetime.now(UTC)
    return CaseOpening(
        opened_by_provider_id=ccwc,
        age=age,
        gender=gender,
        risk=RiskLevel.MEDIUM,
        needs=[SERVICE, Service.COUNSELLING],
        village_code=village,
        consent=Consent(given_by="caregiver", recorded_by="load-test", recorded_at=now),
    )


def choose_pairs(store: Store, rng: random.Random, n: int) -> list[Pair]:
    """CCWCs of random communes, each with the provider recommended first for a case it
    opens; an account for each (``load.ccwc.N``, ``load.<provider>``)."""
    communes = sorted(a.code for a in gazetteer().all() if a.level is AreaLevel.COMMUNE)
    rng.shuffle(communes)
    routing = Routing(store, "Asia/Phnom_Penh", activity_ttl=3600)
    pairs: list[Pair] = []
    for commune in communes:
        if len(pairs) == n:
            break
        ccwc = f"ccwc-{commune}"
        if store.read(lambda tx: tx.get_provider(ccwc)) is None:  # noqa: B023
            continue
        villages = sorted(a.code for a in gazetteer().within(commune, AreaLevel.VILLAGE))
        if not villages:
            continue
        age, gender = rng.randint(6, 17), rng.choice([Gender.FEMALE, Gender.MALE])
        now = datetime.now(UTC)
        case = cases.open_case(
            Caller.system(store, now, "load-prep"), _opening(ccwc, villages[0], age, gender)
        )
        found = routing.recommend(case.id, now, service=SERVICE, limit=1)
        if not found.items:
            continue
        receiver = found.items[0].provider_id
        pairs.append(
            Pair(
                ccwc,
                receiver,
                villages[0],
                age,
                gender,
                f"load.ccwc.{len(pairs)}",
                f"load.{receiver}",
            )
        )
    now = datetime.now(UTC)
    made: set[str] = set()
    for pair in pairs:
        for username, role, provider in (
            (pair.ccwc_user, Role.CCWC, pair.ccwc),
            (pair.receiver_user, Role.PROVIDER, pair.receiver),
        ):
            if username not in made:
                made.add(username)
                create_user(
                    Caller.system(store, now),
                    NewUser(username=username, password=PASSWORD, role=role, provider_id=provider),
                )
    return pairs


STEPS = (S.RECEIVED, S.ACCEPTED, S.IN_PROGRESS, S.COMPLETED)


def prepare_reads(store: Store, plan: Plan, rng: random.Random, per_pair: int) -> None:
    """Cases with one referral each, moved 0–4 steps on: paths, recommendations and
    inboxes to read."""

    def work(tx: Transaction) -> list[tuple[str, int]]:
        batch, now, made = Batch(tx), datetime.now(UTC), []
        for index, pair in enumerate(plan.pairs):
            for _ in range(per_pair):
                opening = _opening(pair, pair.village, pair.age, pair.gender)
                case = cases.open_case(Caller.system(batch, now, pair.ccwc_user), opening)
                referral = referrals.make_referral(
                    Caller.system(batch, now, pair.ccwc_user),
                    ReferralRequest(
                        case_id=case.id,
                        from_provider_id=pair.ccwc,
                        to_provider_id=pair.receiver,
                        service=SERVICE,
                        reason="Load test: read set",
                    ),
                )
                for step in STEPS[: rng.randint(0, 4)]:
                    outcome = "Load test: done" if step is S.COMPLETED else None
                    referrals.move_referral(
                        Caller.system(batch, now, pair.receiver_user),
                        referral.id,
                        Step(status=step, outcome=outcome),
                    )
                made.append((case.id, index))
        return made

    plan.read_cases = store.write(work)


def fresh_cases(store: Store, plan: Plan, n: int) -> list[tuple[str, int]]:
    """``n`` open cases with consent, not yet referred (round robin over the pairs)."""
    made: list[tuple[str, int]] = []
    while len(made) < n:
        first, size = len(made), min(2000, n - len(made))

        def work(tx: Transaction, first: int = first, size: int = size) -> list[tuple[str, int]]:
            batch, now, out = Batch(tx), datetime.now(UTC), []
            for i in range(size):
                index = (first + i) % len(plan.pairs)
                pair = plan.pairs[index]
                opening = _opening(pair, pair.village, pair.age, pair.gender)
                out.append(
                    (cases.open_case(Caller.system(batch, now, "load-prep"), opening).id, index)
                )
            return out

        made += store.write(work)
    return made


# --- running wrk -------------------------------------------------------------------------


def sign_in(url: str, users: list[str]) -> dict[str, str]:
    tokens = {}
    with httpx.Client(base_url=url, timeout=60) as http:
        for username in users:
            r = http.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
            r.raise_for_status()
            tokens[username] = r.json()["access_token"]
    return tokens


def write_data(
    path: Path, plan: Plan, tokens: dict[str, str], creates: list[tuple[str, int]]
) -> None:
    lines = [f"T {user} {token}" for user, token in tokens.items()]
    lines += [f"P {p.receiver} {p.receiver_user}" for p in plan.pairs]
    for p in plan.pairs:
        lines.append(f"R 1 {p.receiver_user} /api/v1/providers/{p.receiver}/inbox")
    for case_id, index in plan.read_cases:
        user = plan.pairs[index].ccwc_user
        lines.append(f"R 2 {user} /api/v1/cases/{case_id}/path")
        lines.append(
            f"R 3 {user} /api/v1/cases/{case_id}/recommendations?service={SERVICE.value}&limit=5"
        )
    for case_id, index in creates:
        pair = plan.pairs[index]
        body = {
            "case_id": case_id,
            "from_provider_id": pair.ccwc,
            "to_provider_id": pair.receiver,
            "service": SERVICE.value,
            "reason": "Load test referral",
            "recommendation_rank": 1,
        }
        lines.append(f"C {pair.ccwc_user} {json.dumps(body, separators=(',', ':'))}")
    path.write_text("\n".join(lines) + "\n")


def _cpu_of(pid: int) -> float:
    """User + system CPU seconds of a running process and its running children (the
    worker processes of a server started with ``--workers``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    children = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children += (task / "children").read_text().split()
    return own + sum(_cpu_of(int(child)) for child in children)


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def neo4j_pid() -> int | None:
    """The Neo4j of ``tools/neo4j/neo4j.sh`` (``NEO4J_HOME_DIR``), when the load runs on
    it: its CPU per request is reported too."""
    if os.environ.get("REFERRAL_GRAPH_STORE_UNDER_LOAD") != "neo4j":
        return None
    home = os.environ.get("NEO4J_HOME_DIR") or str(Path(__file__).parents[1] / "tools/neo4j/data")
    try:
        pid = int((Path(home) / "neo4j.pid").read_text().strip())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    return pid


def server_pid() -> int:
    """The ``referral_graph.cli serve`` child of this process."""
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        for pid in (task / "children").read_text().split():
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            if b"referral_graph.cli" in cmdline:
                return int(pid)
    raise RuntimeError("the served process was not found")


def wrk(
    url: str, clients: int, seconds: float, script: Path, args: list[str], pid: int
) -> dict[str, Any]:
    threads = min(2, clients)
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{clients}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "30s",
        "-s",
        str(script),
        url,
    ]
    if args:
        command += ["--", *args]
    load_before = os.getloadavg()[0]
    store_pid = neo4j_pid()
    client_before, server_before = _children_cpu(), _cpu_of(pid)
    store_before = _cpu_of(store_pid) if store_pid else 0.0
    done = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=seconds + 120
    )
    client_cpu, server_cpu = _children_cpu() - client_before, _cpu_of(pid) - server_before
    store_cpu = _cpu_of(store_pid) - store_before if store_pid else None
    line = next(x for x in done.stdout.splitlines() if x.startswith("WRKJSON "))
    raw: dict[str, Any] = json.loads(line.removeprefix("WRKJSON "))
    elapsed = raw["duration_us"] / 1e6
    socket_errors = raw["connect"] + raw["read"] + raw["write"] + raw["timeout"]
    out: dict[str, Any] = {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": raw["requests"],
        "req_per_s": round(raw["requests"] / elapsed, 1),
        "p50_ms": raw["p50_us"] / 1000,
        "p90_ms": raw["p90_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "max_ms": raw["max_us"] / 1000,
        "errors": raw["status"] + socket_errors,
        "error_rate": (raw["status"] + socket_errors) / max(1, raw["requests"] + socket_errors),
        "socket_errors": {k: raw[k] for k in ("connect", "read", "write", "timeout")},
        "client_cpu_percent": round(100 * client_cpu / elapsed, 1),
        "server_cpu_percent": round(100 * server_cpu / elapsed, 1),
        # CPU per answer: what a loaded machine changes least (A/B on a shared machine)
        "server_cpu_ms_per_request": round(1000 * server_cpu / max(1, raw["requests"]), 3),
        "load_average_1m": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }
    if store_cpu is not None:
        out["neo4j_cpu_ms_per_request"] = round(1000 * store_cpu / max(1, raw["requests"]), 3)
    if "reads" in raw:
        out["statuses"] = {k[4:]: v for k, v in sorted(raw.items()) if k.startswith("http")}
        out["reads_per_s"] = round(raw["reads"] / elapsed, 1)
        out["writes_per_s"] = round((raw["creates"] + raw["transitions"]) / elapsed, 1)
        out["new_referrals"] = raw["creates"]
        out["transitions"] = raw["transitions"]
        out["write_share_of_answers"] = round(
            (raw["creates"] + raw["transitions"]) / max(1, raw["requests"]), 3
        )
        out["case_pool_wrapped"] = raw["reused_cases"]
    return out


def raw_ceiling(kind: str, folder: Path) -> dict[str, Any]:
    """The raw store's write ceiling now (``benchmarks.raw_store``)."""
    from benchmarks import raw_store

    seconds = float(os.environ.get("BENCH_RAW_SECONDS", "5"))
    if kind == "sqlite":
        return raw_store.sqlite_ceiling(folder, seconds)
    return raw_store.neo4j_ceiling(seconds) or {"skipped": "Neo4j is not reachable"}


def run_levels(
    store: Store, plan: Plan, env: dict[str, str], folder: Path, seconds: float
) -> dict[str, Any]:
    """At each level, against one served process: the ceiling, writes only, the mix;
    then the paced mix at a share of the highest mix throughput."""
    short = float(os.environ.get("BENCH_LOAD_CEILING_SECONDS") or max(5.0, seconds / 2))
    levels = [int(x) for x in os.environ.get("BENCH_LOAD_CLIENTS", "16,64,256").split(",")]
    mix_script, health_script = folder / "mix.lua", folder / "health.lua"
    mix_script.write_text(MIX_LUA)
    health_script.write_text(HEALTH_LUA)
    results: list[dict[str, Any]] = []
    workers = int(os.environ.get("BENCH_LOAD_WORKERS", "1"))
    with served({**env, "BENCH_LOG": str(folder / "server.log")}, workers=workers) as url:
        pid = server_pid()
        tokens, signed_in = sign_in(url, plan.users), time.monotonic()
        write_rate = 0.0  # writes per second seen so far (sizes the pool of open cases)

        def writes(clients: int, share: float, duration: float, expected: float) -> dict[str, Any]:
            # a third of the writes are new referrals, each on an open case of the pool
            # (when the pool runs out, its cases are referred again: counted, not hidden)
            creates = fresh_cases(store, plan, int(0.4 * expected * duration) + 200)
            label = f"c{clients}-w{share}-{time.time_ns()}"
            data = folder / f"{label}.txt"
            write_data(data, plan, tokens, creates)
            return wrk(url, clients, duration, mix_script, [str(data), "2", label, str(share)], pid)

        for clients in levels:
            if time.monotonic() - signed_in > 600:  # access tokens last 15 minutes
                tokens, signed_in = sign_in(url, plan.users), time.monotonic()
            ceiling = wrk(f"{url}/health", clients, short, health_script, [], pid)
            expected = 1.5 * write_rate or ceiling["req_per_s"] / 4
            only = writes(clients, 1.0, short, expected)
            write_rate = max(write_rate, only["writes_per_s"])
            mix = writes(clients, 0.3, seconds, 0.3 * write_rate * 1.5)
            results.append(
                {
                    "clients": clients,
                    "ceiling_health": ceiling,
                    "writes_only": only,
                    "mix": mix,
                    "write_share_of_ceiling": round(only["writes_per_s"] / ceiling["req_per_s"], 3),
                    "mix_writes_share_of_ceiling": round(
                        mix["writes_per_s"] / ceiling["req_per_s"], 3
                    ),
                    "mix_share_of_ceiling": round(mix["req_per_s"] / ceiling["req_per_s"], 3),
                }
            )
        # the paced (open-loop) mix: connections that wait between requests, offering
        # a share of the highest mix throughput just measured
        share = float(os.environ.get("BENCH_LOAD_PACED_SHARE", "0.5"))
        clients = int(os.environ.get("BENCH_LOAD_PACED_CLIENTS", "64"))
        offered = share * max(x["mix"]["req_per_s"] for x in results)
        pause_ms = max(1, round(1000 * clients / offered))
        if time.monotonic() - signed_in > 600:
            tokens, signed_in = sign_in(url, plan.users), time.monotonic()
        creates = fresh_cases(store, plan, int(0.15 * offered * seconds) + 200)
        label = f"paced-{time.time_ns()}"
        data = folder / f"{label}.txt"
        write_data(data, plan, tokens, creates)
        paced = wrk(
            url, clients, seconds, mix_script, [str(data), "2", label, "0.3", str(pause_ms)], pid
        )
        paced |= {"offered_req_per_s": round(offered, 1), "pause_ms": pause_ms, "share": share}
    return {"workers": workers, "levels": results, "paced_mix": paced}


def verdict24(kind: str, figures: dict[str, Any]) -> dict[str, Any]:
    """Issue 24's targets, each against the same run: API writes (writes only, best
    level) ≥ 25 % of the raw store's 1-thread write transactions per second (the lower
    of the two raw measurements, before and after); paced mix p99 at half the maximum
    ≤ 50 ms (SQLite) / 100 ms (Neo4j); no errors."""
    raw = [
        r["1_thread_tx_per_s"]
        for r in (figures["raw_before"], figures["raw_after"])
        if "1_thread_tx_per_s" in r
    ]
    best = max(x["writes_only"]["writes_per_s"] for x in figures["levels"])
    paced = figures["paced_mix"]
    ratios = {
        str(x["clients"]): round(x["writes_only"]["writes_per_s"] / min(raw), 3)
        for x in figures["levels"]
    }
    target = PACED_P99_TARGET_MS[kind]
    return {
        "raw_1_thread_tx_per_s": raw,
        "api_writes_per_s_best": best,
        "api_writes_share_of_raw_by_clients": ratios,
        "api_writes_share_of_raw": round(best / min(raw), 3),
        "api_writes_share_target": RAW_SHARE_TARGET,
        "api_writes_share_met": best / min(raw) >= RAW_SHARE_TARGET,
        "paced_offered_req_per_s": paced["offered_req_per_s"],
        "paced_achieved_req_per_s": paced["req_per_s"],
        "paced_p99_ms": paced["p99_ms"],
        "paced_p99_target_ms": target,
        "paced_p99_met": paced["p99_ms"] <= target,
        "paced_errors": paced["errors"],
    }


def verdict(levels: list[dict[str, Any]]) -> dict[str, Any]:
    """Issue 8's targets: writes ≥ 30 % of the ceiling (writes only, each level), mix
    p99 ≤ 50 ms at 64 clients, no errors in any run."""
    at64 = next((x for x in levels if x["clients"] == 64), None)
    shares = {str(x["clients"]): x["write_share_of_ceiling"] for x in levels}
    errors = sum(
        x[run]["errors"] for x in levels for run in ("ceiling_health", "writes_only", "mix")
    )
    return {
        "targets": TARGETS,
        "write_share_of_ceiling_met": {
            k: v >= TARGETS["write_share_of_ceiling"] for k, v in shares.items()
        },
        "p99_ms_at_64_clients": None if at64 is None else at64["mix"]["p99_ms"],
        "p99_at_64_met": None
        if at64 is None
        else at64["mix"]["p99_ms"] <= TARGETS["p99_ms_at_64_clients"],
        "errors": errors,
        "errors_met": errors == 0,
    }


# --- profiling the write path in-process --------------------------------------------------


@contextmanager
def inline_threadpool() -> Iterator[None]:
    """Run FastAPI's sync endpoints and dependencies on the calling thread, so that one
    cProfile sees every layer of a request (profiling only)."""
    import fastapi.dependencies.utils as dependency_utils
    import fastapi.routing as routing

    async def inline(func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return func(*args, **kwargs)

    name = "run_in_threadpool"  # both modules import it by name from starlette
    modules = (routing, dependency_utils)
    saved = [getattr(m, name) for m in modules]
    for m in modules:
        setattr(m, name, inline)
    try:
        yield
    finally:
        for m, original in zip(modules, saved, strict=True):
            setattr(m, name, original)


def _top(stats: pstats.Stats, requests: int, key: str, n: int) -> list[dict[str, Any]]:
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    rows = []
    for (filename, line, name), (_cc, calls, tottime, cumtime, _callers) in raw.items():
        where = filename
        for marker in ("site-packages/", "/work/main/", "lib/python3"):
            if marker in where:
                where = where.split(marker, 1)[1]
        rows.append(
            {
                "function": f"{where}:{line}({name})",
                "calls_per_request": round(calls / requests, 2),
                "self_ms_per_request": round(1000 * tottime / requests, 3),
                "cumulative_ms_per_request": round(1000 * cumtime / requests, 3),
            }
        )
    order = "self_ms_per_request" if key == "self" else "cumulative_ms_per_request"
    rows.sort(key=lambda r: r[order], reverse=True)
    return rows[:n]


def profile_write_path(db: Path, plan: Plan, n: int = 150) -> dict[str, Any]:
    """Drive the app in-process (no HTTP, no other load): ``n`` new referrals each moved
    four steps, under cProfile; then the same writes with ``synchronous=NORMAL`` on the
    profiling connection, and reads of a case path, to weigh what a commit costs."""
    from api.app import create_app
    from referral_graph.adapters.sqlite.store import SqliteStore
    from referral_graph.bootstrap import build_runtime
    from referral_graph.settings import Settings, StoreKind

    settings = Settings(
        store=StoreKind.SQLITE,
        sqlite_path=db,
        tick_seconds=0,
        rate_limit_per_minute=0,
        demo_users=False,
        seed_on_start=False,
    )
    runtime = build_runtime(settings)
    app = create_app(runtime=runtime)
    pair = plan.pairs[0]
    pool = iter(fresh_cases(runtime.store, Plan([pair]), 3 * n))

    async def drive(count: int, profiler: cProfile.Profile | None) -> dict[str, list[float]]:
        took: dict[str, list[float]] = {"new referral": [], "transition": [], "case path read": []}
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://load") as http:
            heads = {}
            for user in (pair.ccwc_user, pair.receiver_user):
                r = await http.post(
                    "/api/v1/auth/token", data={"username": user, "password": PASSWORD}
                )
                heads[user] = {"Authorization": f"Bearer {r.json()['access_token']}"}
            if profiler is not None:
                profiler.enable()
            for _ in range(count):
                case_id, _pair = next(pool)
                t = time.perf_counter()
                r = await http.post(
                    "/api/v1/referrals",
                    headers={**heads[pair.ccwc_user], "Idempotency-Key": f"p-{case_id}"},
                    json={
                        "case_id": case_id,
                        "from_provider_id": pair.ccwc,
                        "to_provider_id": pair.receiver,
                        "service": SERVICE.value,
                        "reason": "Profile",
                    },
                )
                took["new referral"].append(time.perf_counter() - t)
                assert r.status_code == 201, r.text
                referral_id = r.json()["id"]
                for step in STEPS:
                    body: dict[str, Any] = {"status": step.value}
                    if step is S.COMPLETED:
                        body["outcome"] = "done"
                    t = time.perf_counter()
                    r = await http.post(
                        f"/api/v1/referrals/{referral_id}/transitions",
                        headers={
                            **heads[pair.receiver_user],
                            "Idempotency-Key": f"p-{case_id}-{step}",
                        },
                        json=body,
                    )
                    took["transition"].append(time.perf_counter() - t)
                    assert r.status_code == 200, r.text
                t = time.perf_counter()
                r = await http.get(f"/api/v1/cases/{case_id}/path", headers=heads[pair.ccwc_user])
                took["case path read"].append(time.perf_counter() - t)
            if profiler is not None:
                profiler.disable()
        return took

    def medians(took: dict[str, list[float]]) -> dict[str, float]:
        return {k: round(1000 * statistics.median(v), 2) for k, v in took.items()}

    with inline_threadpool():
        asyncio.run(drive(10, None))  # warm-up
        profiler = cProfile.Profile()
        full = medians(asyncio.run(drive(n, profiler)))
        assert isinstance(runtime.store, SqliteStore)
        runtime.store._conn.execute("PRAGMA synchronous = NORMAL")  # this thread's connection
        normal = medians(asyncio.run(drive(n // 2, None)))
    runtime.store.close()
    stats = pstats.Stats(profiler)
    requests = n * 6  # a new referral, four transitions and a read per round
    commits = sum(
        calls
        for (filename, _line, name), (_cc, calls, *_rest) in stats.stats.items()  # type: ignore[attr-defined]
        if name == "_run" and filename.endswith("sqlite/store.py")
    )
    return {
        "how": "cProfile, app in-process through httpx.ASGITransport, thread pool inlined, "
        "one client, SQLite file of the run",
        "median_ms_synchronous_full": full,
        "median_ms_synchronous_normal": normal,
        "store_transactions_per_request": round(commits / requests, 2),
        "top_cumulative": _top(stats, requests, "cumulative", 30),
        "top_self": _top(stats, requests, "self", 20),
    }


# --- the stores --------------------------------------------------------------------------


def run_sqlite(folder: Path, seconds: float) -> dict[str, Any]:
    from referral_graph.adapters.sqlite.store import SqliteStore
    from seed.national import load_national

    db = folder / "national.sqlite3"
    store = SqliteStore(db)
    store.initialise()
    t = time.perf_counter()
    rows = load_national(store)
    rng = random.Random(8)
    plan = Plan(choose_pairs(store, rng, PAIRS))
    prepare_reads(store, plan, rng, READ_CASES_PER_PAIR)
    prepared = time.perf_counter() - t
    env = {
        "REFERRAL_GRAPH_STORE": "sqlite",
        "REFERRAL_GRAPH_SQLITE_PATH": str(db),
        "REFERRAL_GRAPH_RATE_LIMIT_PER_MINUTE": "0",
        "REFERRAL_GRAPH_DEMO_USERS": "false",
    }
    figures: dict[str, Any] = {
        "network": f"national ({rows} rows)",
        "pairs": len(plan.pairs),
        "accounts": len(plan.users),
        "read_cases": len(plan.read_cases),
        "prepare_s": round(prepared, 1),
    }
    figures["raw_before"] = raw_ceiling("sqlite", folder)
    figures |= run_levels(store, plan, env, folder, seconds)
    figures["raw_after"] = raw_ceiling("sqlite", folder)
    store.close()
    figures["verdict"] = verdict(figures["levels"])
    figures["verdict_24"] = verdict24("sqlite", figures)
    wanted = os.environ.get("BENCH_LOAD_PROFILE", "auto")
    missed = not all(
        [
            *figures["verdict"]["write_share_of_ceiling_met"].values(),
            figures["verdict"]["p99_at_64_met"] is not False,
            figures["verdict"]["errors_met"],
        ]
    )
    if wanted == "1" or (wanted == "auto" and missed):
        figures["write_path_profile"] = profile_write_path(db, plan)
    return figures


def neo4j_store() -> Any:
    """The store of NEO4J_URI when it answers, else None."""
    from referral_graph.adapters.neo4j.store import Neo4jStore
    from referral_graph.domain.errors import StoreUnavailable
    from referral_graph.settings import Settings

    s = Settings()
    store = Neo4jStore(
        s.neo4j_uri, s.neo4j_user, s.neo4j_password.get_secret_value(), database=s.neo4j_database
    )
    try:
        store.ping()
    except StoreUnavailable:
        store.close()
        return None
    store.initialise()
    return store


def run_neo4j(folder: Path, seconds: float) -> dict[str, Any]:
    from seed.national import load_national
    from seed.seeding import seed_programme

    store = neo4j_store()
    if store is None:
        return {"skipped": "Neo4j is not reachable: run `make neo4j` first"}
    network = os.environ.get("BENCH_LOAD_NEO4J_NETWORK", "national")
    t = time.perf_counter()
    store.reset()
    rows = load_national(store) if network == "national" else seed_programme(store)
    loaded = time.perf_counter() - t
    rng = random.Random(8)
    plan = Plan(choose_pairs(store, rng, PAIRS))
    prepare_reads(store, plan, rng, READ_CASES_PER_PAIR)
    figures: dict[str, Any] = {
        "network": f"{network} ({rows} rows, loaded in {loaded:.1f} s)",
        "pairs": len(plan.pairs),
        "accounts": len(plan.users),
        "read_cases": len(plan.read_cases),
        "prepare_s": round(time.perf_counter() - t, 1),
    }
    env = {
        "REFERRAL_GRAPH_STORE": "neo4j",
        "REFERRAL_GRAPH_RATE_LIMIT_PER_MINUTE": "0",
        "REFERRAL_GRAPH_DEMO_USERS": "false",
    }
    try:
        figures["raw_before"] = raw_ceiling("neo4j", folder)
        os.environ["REFERRAL_GRAPH_STORE_UNDER_LOAD"] = "neo4j"  # count Neo4j's CPU too
        figures |= run_levels(store, plan, env, folder, seconds)
        os.environ.pop("REFERRAL_GRAPH_STORE_UNDER_LOAD")
        figures["raw_after"] = raw_ceiling("neo4j", folder)
    finally:
        store.close()
    figures["verdict"] = verdict(figures["levels"])
    figures["verdict_24"] = verdict24("neo4j", figures)
    return figures


def run() -> dict[str, Any]:
    if shutil.which("wrk") is None:
        raise RuntimeError("benchmarks.load needs wrk: apt-get install -y wrk")
    seconds = float(os.environ.get("BENCH_LOAD_SECONDS", "60"))
    stores = os.environ.get("BENCH_LOAD_STORES", "sqlite,neo4j").split(",")
    folder = Path(tempfile.mkdtemp(prefix="rg-bench-load-"))
    figures: dict[str, Any] = {
        "generator": "wrk 4.1 (C, 2 threads, Lua mix script) on the same machine",
        "cpus": os.cpu_count(),
        "mix_seconds": seconds,
        "folder": str(folder),
    }
    if "sqlite" in stores:
        (folder / "sqlite").mkdir()
        figures["sqlite"] = run_sqlite(folder / "sqlite", seconds)
    if "neo4j" in stores:
        (folder / "neo4j").mkdir()
        figures["neo4j"] = run_neo4j(folder / "neo4j", seconds)
    return figures


def summary(figures: dict[str, Any]) -> str:
    """The ratios of issue 24, one line per store (after the JSON)."""
    lines = []
    for kind in ("sqlite", "neo4j"):
        v = figures.get(kind, {}).get("verdict_24")
        if v is None:
            continue
        lines.append(
            f"{kind}: raw 1-thread {v['raw_1_thread_tx_per_s']} tx/s; API writes "
            f"{v['api_writes_per_s_best']}/s = {100 * v['api_writes_share_of_raw']:.1f} % "
            f"(target {100 * v['api_writes_share_target']:.0f} %); paced mix at "
            f"{v['paced_achieved_req_per_s']}/s (offered {v['paced_offered_req_per_s']}) p99 "
            f"{v['paced_p99_ms']:.1f} ms (target {v['paced_p99_target_ms']:.0f})"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    result = run()
    print(json.dumps(result, indent=2))
    print(summary(result))
