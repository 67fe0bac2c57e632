"""`make soak`: a bounded load test with a deliberate database outage (issue 10, items 5 and 8).

What it does, all on loopback:

1. makes (once) and starts a private PostgreSQL cluster on its own port (SOAK_PG_PORT, 5439),
   never the machine's `main` cluster, and loads the demo into a fresh database there;
2. starts gunicorn with 2 workers, as `sizes serve` does;
3. sends a steady mixed load for SOAK_SECONDS (600) at SOAK_RATE requests a second (5: see
   docs/reliability.md for what a busy 2-core machine holds):
   pages (home, register, zone pages, variations, lookup, history, accountability), the API
   (zones, variations, lookup, budgets, outcomes), map data (GeoJSON), the Atom feed, and
   writes through the API with a token (propose a variation; change one with If-Match), about
   one request in nine a write;
4. half-way through, stops the private cluster for SOAK_OUTAGE_SECONDS (20) and starts it again;
5. samples the workers' memory (RSS) and PIDs, and the machine's load average, every 5 seconds;
6. writes the figures to soak/results/soak-<time>.json and prints a summary.

It passes (exit 0) when: no request failed outside the outage (every read 200, every write
201/200, no 409 since each variation is edited by one client at a time); during the outage every
failure was a 503 (no 500s, no dropped connections); the service answered again by itself
within 60 seconds of the database coming back; the worker PIDs never changed; and the workers'
memory stayed flat (grew less than 10% and less than 25 MB from the first sample after warm-up
to the last).

Settings (environment): SOAK_SECONDS, SOAK_RATE, SOAK_WARMUP (15), SOAK_OUTAGE_SECONDS (20,
0 for none), SOAK_PORT (8170, the site), SOAK_PG_PORT (5439), SOAK_PG_CLUSTER (sizes_soak),
SOAK_CLIENTS (32 client threads), SOAK_RESULTS (soak/results), SOAK_KEEP_CLUSTER (1: leave the
cluster running at the end; the default stops it).
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import queue
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    try:
        return int(value) if value.strip() else default
    except ValueError:
        sys.exit(f"{name} must be a whole number, not {value!r}.")


def log(message: str) -> None:
    print(f"[soak {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- the private PostgreSQL cluster ----------------------------------------------------------


class PrivateCluster:
    """A PostgreSQL cluster of our own on its own port, so stopping it harms nobody.

    On Debian/Ubuntu as root: `pg_createcluster VERSION NAME -p PORT` (trust for local and
    127.0.0.1 connections), driven with `pg_ctlcluster --skip-systemctl-redirect`. Elsewhere (no
    pg_createcluster, or not root): `initdb` and `pg_ctl` on a data directory under soak/var.
    """

    def __init__(self, name: str, port: int):
        if name == "main" or port == 5432:
            sys.exit("The soak test never uses the `main` cluster or port 5432: pick others.")
        self.name, self.port = name, port
        self.version = self._version()
        self.debian = bool(shutil.which("pg_createcluster")) and os.geteuid() == 0
        self.bindir = Path(f"/usr/lib/postgresql/{self.version}/bin")
        self.datadir = ROOT / "soak" / "var" / f"pg{self.version}-{name}"

    @staticmethod
    def _version() -> str:
        for base in (Path("/etc/postgresql"), Path("/usr/lib/postgresql")):
            if base.is_dir():
                versions = sorted((p.name for p in base.iterdir() if p.name.isdigit()), key=int)
                if versions:
                    return versions[-1]
        sys.exit("PostgreSQL's server is not installed (no /usr/lib/postgresql/<version>).")

    def _run(self, *argv: str, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run(argv, check=False, capture_output=True, text=True)  # noqa: S603
        if check and done.returncode != 0:
            sys.exit(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
        return done

    def ensure(self) -> None:
        """Create the cluster if it is missing, and start it if it is not running."""
        if self.debian:
            if not Path(f"/etc/postgresql/{self.version}/{self.name}").is_dir():
                log(f"creating private PostgreSQL {self.version} cluster {self.name!r} on port "
                    f"{self.port}")  # fmt: skip
                self._run(
                    "pg_createcluster", self.version, self.name, "-p", str(self.port),
                    "-o", "max_connections=40",
                    "-o", "shared_buffers=64MB",
                    "--", "--auth-local=trust", "--auth-host=trust",
                )  # fmt: skip
        elif not (self.datadir / "PG_VERSION").exists():
            log(f"creating private PostgreSQL data directory {self.datadir}")
            self.datadir.mkdir(parents=True, exist_ok=True)
            self._run(str(self.bindir / "initdb"), "-D", str(self.datadir), "-A", "trust",
                      "-U", "postgres")  # fmt: skip
        if not self.running():
            self.start()

    def running(self) -> bool:
        if self.debian:
            argv = ["pg_ctlcluster", self.version, self.name, "status"]
        else:
            argv = [str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "status"]
        return self._run(*argv, check=False).returncode == 0

    def start(self) -> None:
        if self.debian:
            self._run("pg_ctlcluster", "--skip-systemctl-redirect", self.version, self.name,
                      "start")  # fmt: skip
        else:
            opts = f"-p {self.port} -k {self.datadir} -c listen_addresses=127.0.0.1"
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-o", opts,
                      "-l", str(self.datadir / "server.log"), "-w", "start")  # fmt: skip

    def stop(self) -> None:
        if self.debian:
            # "fast": active sessions are cut off, as when a server is restarted.
            self._run("pg_ctlcluster", "--skip-systemctl-redirect", "--mode", "fast",
                      self.version, self.name, "stop")  # fmt: skip
        else:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-m", "fast", "-w",
                      "stop")  # fmt: skip

    def url(self, dbname: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{dbname}"

    def recreate_database(self, dbname: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{dbname}"')


# --- the load ---------------------------------------------------------------------------------


@dataclass
class Result:
    kind: str
    scheduled: float
    started: float
    ended: float
    status: int  # 0: no answer (connection refused, reset, timed out)
    error: str = ""


@dataclass
class Editable:
    """A variation this run proposed, edited by one client at a time (so no 409 is expected)."""

    pk: int
    version: str | None
    lock: threading.Lock = field(default_factory=threading.Lock)


class Load:
    READS = [
        # kind, weight
        ("home", 4), ("register", 12), ("zone_page", 12), ("variations_page", 8),
        ("variation_page", 6), ("lookup_page", 6), ("api_lookup", 10), ("map_geojson", 6),
        ("boundary_geojson", 6), ("api_zones", 8), ("api_variations", 8), ("api_budgets", 2),
        ("api_outcomes", 2), ("history_page", 2), ("accountability_page", 1), ("atom_feed", 2),
    ]  # fmt: skip
    WRITES = [("api_propose", 3), ("api_edit", 11)]
    EXPECTED = {"api_propose": 201}
    LATE_LIMIT = 5.0  # seconds a due request may wait for a free client before it is shed

    def __init__(self, port: int, fixtures: dict, seed: int = 2026):
        self.port = port
        self.f = fixtures
        self.rng = random.Random(seed)
        self.rng_lock = threading.Lock()
        self.kinds = [k for k, _ in self.READS + self.WRITES]
        self.weights = [w for _, w in self.READS + self.WRITES]
        self.editable: list[Editable] = []
        self.editable_lock = threading.Lock()
        self.results: list[Result] = []
        self.results_lock = threading.Lock()
        self.auth = {"Authorization": f"Bearer {fixtures['token']}"}
        self.scheduled = 0
        self.shed = 0

    # -- one request --

    def request(self, method: str, path: str, body: dict | None = None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            data = json.dumps(body).encode() if body is not None else None
            hdrs = {"Connection": "close", **(headers or {})}
            if data is not None:
                hdrs["Content-Type"] = "application/json"
            conn.request(method, path, body=data, headers=hdrs)
            response = conn.getresponse()
            payload = response.read()
            return response.status, dict(response.getheaders()), payload
        finally:
            conn.close()

    def _pick(self, seq):
        with self.rng_lock:
            return self.rng.choice(seq)

    def variation_body(self, title: str, *, new: bool) -> dict:
        body = {
            "subject": "practice", "action": "change", "title": title,
            "standard_rule": "Bulky waste collection costs 35 pounds",
            "difference": "Residents in the zone can have one bulky item collected free.",
            "reason": "Fly-tipping on the park edge puts people off walking there.",
            "applies_to": "Households inside the zone.",
            "guaranteed": "Everyone else can still book the paid service.",
            "start_date": (dt.date.today() + dt.timedelta(days=14)).isoformat(),
            "accountable_name": "Sam Jones", "accountable_role": "Head of waste services",
            "outcomes": self.f["write_outcomes"],
        }  # fmt: skip
        if new:
            body |= {"zone": self.f["write_zone"], "owner": self.f["write_owner"]}
        return body

    def propose(self) -> tuple[int, str]:
        status, headers, payload = self.request(
            "POST", "/api/v1/variations",
            self.variation_body(f"Soak test proposal {time.time():.3f}", new=True), self.auth,
        )  # fmt: skip
        if status == 201:
            pk = json.loads(payload)["id"]
            with self.editable_lock:
                self.editable.append(Editable(pk, headers.get("ETag")))
                if len(self.editable) > 40:
                    self.editable.pop(0)
        return status, ""

    def edit(self) -> tuple[int, str, str]:
        """Change a variation this run proposed (or propose one when none is free)."""
        with self.editable_lock:
            free = [e for e in self.editable if not e.lock.locked()]
        target = self._pick(free) if free else None
        if target is None or not target.lock.acquire(blocking=False):
            return *self.propose(), "api_propose"
        try:
            if target.version is None:
                # The last write's outcome is unknown (it failed in the outage): read it again.
                status, headers, _ = self.request("GET", f"/api/v1/variations/{target.pk}")
                if status != 200:
                    return status, "re-read before edit failed", "api_edit"
                target.version = headers.get("ETag")
            status, headers, payload = self.request(
                "PUT", f"/api/v1/variations/{target.pk}",
                self.variation_body(f"Soak test edit {time.time():.3f}", new=False),
                {**self.auth, "If-Match": target.version},
            )  # fmt: skip
            target.version = headers.get("ETag") if status == 200 else None
            error = "" if status == 200 else payload[:200].decode(errors="replace")
            return status, error, "api_edit"
        finally:
            target.lock.release()

    def read_path(self, kind: str) -> str:
        zone = self._pick(self.f["zones"])
        postcode = urllib.parse.quote_plus(self._pick(self.f["postcodes"]))
        return {
            "home": "/",
            "register": "/zones/",
            "zone_page": f"/zones/{zone}/",
            "variations_page": "/variations/",
            "variation_page": f"/variations/{self._pick(self.f['variations'])}/",
            "lookup_page": f"/lookup/?postcode={postcode}",
            "api_lookup": f"/api/v1/lookup?postcode={postcode}",
            "map_geojson": "/zones/map.geojson",
            "boundary_geojson": f"/zones/{zone}/boundary.geojson",
            "api_zones": "/api/v1/zones",
            "api_variations": f"/api/v1/variations?zone={zone}",
            "api_budgets": f"/api/v1/budgets?zone={zone}",
            "api_outcomes": f"/api/v1/zones/{zone}/outcomes",
            "history_page": f"/history/zone/{zone}/",
            "accountability_page": f"/accountability/zone/{zone}/",
            "atom_feed": "/feeds/zones.atom",
        }[kind]

    def one(self, kind: str, scheduled: float) -> None:
        started = time.monotonic()
        error = ""
        try:
            if kind == "api_propose":
                status, error = self.propose()
            elif kind == "api_edit":
                status, error, kind = self.edit()
            else:
                status, _, payload = self.request("GET", self.read_path(kind))
                if status != 200:
                    error = payload[:200].decode(errors="replace")
        except (OSError, http.client.HTTPException) as exc:
            status, error = 0, f"{type(exc).__name__}: {exc}"
        result = Result(kind, scheduled, started, time.monotonic(), status, error)
        with self.results_lock:
            self.results.append(result)

    def choose(self) -> str:
        with self.rng_lock:
            return self.rng.choices(self.kinds, self.weights)[0]

    def run(self, seconds: float, rate: float, clients: int, t0: float) -> None:
        """Open loop: request i is due at t0 + i/rate whatever the answers take. When every
        client is busy for longer than LATE_LIMIT (the server is saturated), due requests are
        shed and counted, not queued without end; at the end the queue is dropped."""
        jobs: queue.Queue = queue.Queue()
        end = t0 + seconds

        def worker():
            while (job := jobs.get()) is not None:
                now = time.monotonic()
                if now - job[1] > self.LATE_LIMIT or now > end + self.LATE_LIMIT:
                    with self.results_lock:
                        self.shed += 1
                    continue
                self.one(*job)

        threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
        for t in threads:
            t.start()
        i = 0
        while True:
            due = t0 + i / rate
            if due - t0 >= seconds:
                break
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            jobs.put((self.choose(), due))
            self.scheduled += 1
            i += 1
        for _ in threads:
            jobs.put(None)
        for t in threads:
            t.join(timeout=60)


# --- gunicorn and its workers -----------------------------------------------------------------


def worker_pids(master: int) -> list[int]:
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return []
    return sorted(int(p) for p in children)


def rss_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


class Sampler(threading.Thread):
    def __init__(self, master: int, t0: float, every: float = 5.0):
        super().__init__(daemon=True)
        self.master, self.t0, self.every = master, t0, every
        self.samples: list[dict] = []
        self.stop_event = threading.Event()

    def sample(self) -> None:
        pids = worker_pids(self.master)
        self.samples.append({
            "t": round(time.monotonic() - self.t0, 1),
            "workers": {str(p): rss_kb(p) for p in pids},
            "loadavg": [round(x, 2) for x in os.getloadavg()],
        })  # fmt: skip

    def run(self) -> None:
        while not self.stop_event.wait(self.every):
            self.sample()


def wait_until_serving(port: int, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/zones/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    sys.exit(f"gunicorn did not answer on port {port} within {timeout:.0f} s.")


# --- figures ----------------------------------------------------------------------------------


def percentiles(values: list[float]) -> dict:
    if len(values) < 2:
        return {}
    q = statistics.quantiles(values, n=100, method="inclusive")
    ms = lambda x: round(x * 1000, 1)  # noqa: E731
    return {"p50_ms": ms(q[49]), "p95_ms": ms(q[94]), "p99_ms": ms(q[98]),
            "max_ms": ms(max(values)), "mean_ms": ms(statistics.fmean(values))}  # fmt: skip


def slope_per_hour(points: list[tuple[float, float]]) -> float:
    if len(points) < 3:
        return 0.0
    xs, ys = zip(*points, strict=True)
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return 0.0 if den == 0 else sum((x - mx) * (y - my) for x, y in points) / den * 3600


def memory_figures(samples: list[dict], warmup: float) -> dict:
    after = [s for s in samples if s["t"] >= warmup]
    pids = sorted({p for s in after for p in s["workers"]})
    per_worker = {}
    flat = True
    for pid in pids:
        points = [(s["t"], s["workers"][pid] / 1024) for s in after if s["workers"].get(pid)]
        if not points:
            continue
        first, last = points[0][1], points[-1][1]
        growth = last - first
        ok = growth < 25 and growth < 0.10 * first
        flat = flat and ok
        per_worker[pid] = {
            "first_mb": round(first, 1), "last_mb": round(last, 1),
            "max_mb": round(max(y for _, y in points), 1), "growth_mb": round(growth, 1),
            "slope_mb_per_hour": round(slope_per_hour(points), 1), "flat": ok,
        }  # fmt: skip
    return {"workers": per_worker, "flat": flat and bool(per_worker)}


def analyse(load: Load, timeline: dict, samples: list[dict], warmup: float, pids_before,
            pids_after, pids_seen) -> dict:  # fmt: skip
    results = sorted(load.results, key=lambda r: r.started)
    stop_at, back_at = timeline.get("db_stop_begin"), timeline.get("db_start_done")
    window_end = back_at + 60 if back_at is not None else float("inf")

    def in_outage(r: Result) -> bool:
        return stop_at is not None and stop_at <= r.ended and r.started <= window_end

    def ok(r: Result) -> bool:
        return r.status == load.EXPECTED.get(r.kind, 200)

    errors = [r for r in results if not ok(r) and not (in_outage(r) and r.status == 503)]
    outage = [r for r in results if in_outage(r)]
    unavailable = [r for r in outage if r.status == 503]
    steady = [r for r in results if r.started >= warmup and not in_outage(r) and ok(r)]
    by_kind = {}
    for kind in load.kinds:
        rs = [r for r in steady if r.kind == kind]
        by_kind[kind] = {"count": len(rs), **percentiles([r.ended - r.started for r in rs])}
    statuses: dict[str, int] = {}
    for r in results:
        statuses[str(r.status)] = statuses.get(str(r.status), 0) + 1
    figures = {
        "requests_scheduled": load.scheduled,
        "requests": len(results),
        "requests_shed_client_busy": load.shed,
        "achieved_rate_per_s": round(len(results) / max(1.0, results[-1].ended), 1)
        if results
        else 0,
        "statuses": statuses,
        "errors_outside_outage": len([r for r in errors if not in_outage(r)]),
        "errors_during_outage_other_than_503": len([r for r in errors if in_outage(r)]),
        "server_errors_500": statuses.get("500", 0),
        "error_examples": [
            {"t": round(r.started, 2), "kind": r.kind, "status": r.status, "error": r.error[:200]}
            for r in errors[:10]
        ],
        "writes_accepted": len(
            [r for r in results if r.kind in ("api_propose", "api_edit") and ok(r)]
        ),
        "latency_steady": percentiles([r.ended - r.started for r in steady]),
        "latency_steady_from_schedule": percentiles([r.ended - r.scheduled for r in steady]),
        "latency_by_kind": by_kind,
    }
    if stop_at is not None:
        after_back = [r for r in results if back_at is not None and r.started >= back_at]
        first_ok = next((r for r in after_back if ok(r)), None)
        last_503 = max((r.ended for r in unavailable), default=None)
        first_503 = min((r.ended for r in unavailable), default=None)
        figures["outage"] = {
            "db_stopped_at_s": round(stop_at, 1),
            "db_down_s": round(back_at - stop_at, 1) if back_at else None,
            "stop_command_s": round(timeline["db_stop_done"] - stop_at, 1),
            "start_command_s": round(back_at - timeline["db_start_begin"], 1),
            "requests_during_outage_window": len(outage),
            "answered_503": len(unavailable),
            "other_failures": len([r for r in outage if not ok(r) and r.status != 503]),
            "first_503_after_stop_s": round(first_503 - stop_at, 2) if first_503 else None,
            "last_503_after_db_back_s": round(last_503 - back_at, 2) if last_503 else None,
            "first_success_after_db_back_s": round(first_ok.ended - back_at, 2)
            if first_ok else None,
            "recovered": first_ok is not None,
        }  # fmt: skip
    figures["memory"] = memory_figures(samples, warmup)
    figures["workers"] = {
        "pids_before": pids_before, "pids_after": pids_after, "pids_seen": sorted(pids_seen),
        "restarted": sorted(pids_seen) != sorted(pids_before) or pids_after != pids_before,
    }  # fmt: skip
    loads = [s["loadavg"][0] for s in samples]
    figures["machine"] = {
        "cpus": os.cpu_count(),
        "loadavg_1min_min": min(loads, default=None),
        "loadavg_1min_mean": round(statistics.fmean(loads), 2) if loads else None,
        "loadavg_1min_max": max(loads, default=None),
    }
    outage_ok = stop_at is None or (
        figures["outage"]["recovered"]
        and figures["outage"]["other_failures"] == 0
        and (figures["outage"]["last_503_after_db_back_s"] or 0) < 60
    )
    figures["passed"] = bool(
        figures["errors_outside_outage"] == 0
        and figures["server_errors_500"] == 0
        and outage_ok
        and not figures["workers"]["restarted"]
        and figures["memory"]["flat"]
    )
    return figures


# --- the run ----------------------------------------------------------------------------------


def main() -> int:
    seconds = env_int("SOAK_SECONDS", 600)
    rate = env_int("SOAK_RATE", 5)
    warmup = env_int("SOAK_WARMUP", 15)
    outage_s = env_int("SOAK_OUTAGE_SECONDS", min(20, max(5, seconds // 4)))
    port = env_int("SOAK_PORT", 8170)
    clients = env_int("SOAK_CLIENTS", 32)
    results_dir = Path(os.environ.get("SOAK_RESULTS", ROOT / "soak" / "results"))
    cluster = PrivateCluster(os.environ.get("SOAK_PG_CLUSTER", "sizes_soak"),
                             env_int("SOAK_PG_PORT", 5439))  # fmt: skip
    if seconds < 30 or rate < 1:
        sys.exit("SOAK_SECONDS must be at least 30 and SOAK_RATE at least 1.")

    # Stopped from outside: still stop gunicorn and leave the cluster running (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    cluster.ensure()
    dbname = "sizes_soak"
    data_dir = Path(tempfile.mkdtemp(prefix="sizes-soak-"))
    env = {**os.environ, "DATABASE_URL": cluster.url(dbname), "SIZES_DATA_DIR": str(data_dir),
           "SIZES_DEBUG": "false", "PYTHONPATH": str(ROOT)}  # fmt: skip
    # All the load comes from one address and one token, which the API's per-IP and per-token
    # rate limits (meant for many clients) would refuse at higher rates: off unless set.
    env.setdefault("SIZES_API_RATE_PER_IP", "0")
    env.setdefault("SIZES_API_RATE_PER_TOKEN", "0")
    if os.environ.get("SOAK_REUSE_DB") == "1":  # development: keep the last run's database
        log(f"reusing {cluster.url(dbname)} (SOAK_REUSE_DB=1)")
        subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)  # noqa: S603
    else:
        cluster.recreate_database(dbname)
        log(f"loading the demo into {cluster.url(dbname)}")
        subprocess.run([PY, "manage.py", "demo", "--no-serve"], cwd=ROOT, env=env, check=True,  # noqa: S603
                       stdout=subprocess.DEVNULL)  # fmt: skip
    prepared = subprocess.run(  # noqa: S603 - fixed argv
        [PY, "soak/prepare.py"], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    fixtures = json.loads(prepared.stdout)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    results_dir.mkdir(parents=True, exist_ok=True)
    gunicorn_log = data_dir / "gunicorn.log"
    log(f"starting gunicorn (2 workers) on 127.0.0.1:{port}; its log: {gunicorn_log}")
    with open(gunicorn_log, "w") as logfile:
        server = subprocess.Popen(  # noqa: S603 - fixed argv, as in `sizes serve`
            [PY, "-m", "gunicorn", "sizes.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", "2", "--timeout", "60"],
            cwd=ROOT, env=env, stdout=logfile, stderr=subprocess.STDOUT,
        )  # fmt: skip
    timeline: dict[str, float] = {}
    try:
        wait_until_serving(port)
        load = Load(port, fixtures)
        # Keep only the variations whose public page answers (drafts and refused ones do not).
        load.f["variations"] = [
            v
            for v in fixtures["variations"][:60]
            if load.request("GET", f"/variations/{v}/")[0] == 200
        ] or sys.exit("No public variation to read.")
        # Each worker compiles its templates and fills its caches on first use: do that before
        # the clock starts, so the warm-up is about the load, not a cold start.
        for _ in range(2):
            for kind, _weight in Load.READS:
                load.request("GET", load.read_path(kind))
        pids_before = worker_pids(server.pid)
        pids_seen = set(pids_before)
        log(f"load: {rate} requests/s for {seconds} s (warm-up {warmup} s), workers "
            f"{pids_before}, outage of {outage_s} s at {seconds // 2} s")  # fmt: skip
        t0 = time.monotonic()
        sampler = Sampler(server.pid, t0)
        sampler.sample()
        sampler.start()

        def outage() -> None:
            time.sleep(max(0.0, t0 + seconds / 2 - time.monotonic()))
            timeline["db_stop_begin"] = time.monotonic() - t0
            log("stopping the private PostgreSQL cluster")
            cluster.stop()
            timeline["db_stop_done"] = time.monotonic() - t0
            time.sleep(outage_s)
            timeline["db_start_begin"] = time.monotonic() - t0
            log("starting it again")
            cluster.start()
            timeline["db_start_done"] = time.monotonic() - t0
            log("database back")

        outage_thread = threading.Thread(target=outage, daemon=True)
        if outage_s > 0:
            outage_thread.start()

        def watch_pids() -> None:
            while not sampler.stop_event.wait(1.0):
                pids_seen.update(worker_pids(server.pid))

        threading.Thread(target=watch_pids, daemon=True).start()
        load.run(seconds, rate, clients, t0)
        if outage_s > 0:
            outage_thread.join()
        sampler.stop_event.set()
        sampler.sample()
        pids_after = worker_pids(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        if not cluster.running():
            cluster.start()  # never leave it stopped half-way
    # Times relative to t0 for the analysis.
    for r in load.results:
        r.scheduled, r.started, r.ended = r.scheduled - t0, r.started - t0, r.ended - t0
    figures = analyse(load, timeline, sampler.samples, warmup, pids_before, pids_after,
                      pids_seen)  # fmt: skip
    log_text = gunicorn_log.read_text(errors="replace")
    figures["server_log"] = {
        "database_unavailable_lines": log_text.count("Database unavailable"),
        "tracebacks": log_text.count("Traceback"),
        "worker_timeouts": log_text.count("WORKER TIMEOUT"),
    }
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,  # noqa: S607
                            capture_output=True, text=True).stdout.strip()  # fmt: skip
    report = {
        "when": stamp, "commit": commit,
        "settings": {"seconds": seconds, "rate_per_s": rate, "warmup_s": warmup,
                     "outage_s": outage_s, "clients": clients, "gunicorn_workers": 2,
                     "database": f"PostgreSQL {cluster.version}, private cluster on port "
                                 f"{cluster.port}"},
        "mix": dict(Load.READS + Load.WRITES),
        **figures,
        "rss_samples": sampler.samples,
    }  # fmt: skip
    out = results_dir / f"soak-{stamp}.json"
    out.write_text(json.dumps(report, indent=1) + "\n")
    summary = {k: v for k, v in report.items() if k not in ("rss_samples", "latency_by_kind")}
    print(json.dumps(summary, indent=1))
    log(f"figures written to {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    if os.environ.get("SOAK_KEEP_CLUSTER") != "1":
        cluster.stop()
    shutil.rmtree(data_dir, ignore_errors=True)
    log("PASSED" if figures["passed"] else "FAILED: see the figures above")
    return 0 if figures["passed"] else 1


def markdown(path: Path) -> str:
    """The figures of one run as the Markdown docs/reliability.md shows them."""
    d = json.loads(path.read_text())
    st, lat, o, mem, m = (
        d["settings"],
        d["latency_steady"],
        d.get("outage"),
        d["memory"],
        d["machine"],
    )
    rows = [
        ("run", f"`{path.name}` (commit `{d['commit']}`), {st['seconds']} s at {st['rate_per_s']} "
                f"requests/s, gunicorn {st['gunicorn_workers']} workers, {st['database']}"),
        ("machine", f"{m['cpus']} cores shared with other work: 1-minute load average "
                    f"{m['loadavg_1min_min']}–{m['loadavg_1min_max']} "
                    f"(mean {m['loadavg_1min_mean']})"),
        ("requests served", f"{d['requests']} of {d['requests_scheduled']} due "
                            f"({d['requests_shed_client_busy']} shed, "
                            f"{d['achieved_rate_per_s']}/s); "
                            f"statuses {d['statuses']}"),
        ("writes accepted", str(d["writes_accepted"])),
        ("errors outside the outage", str(d["errors_outside_outage"])),
        ("500s", str(d["server_errors_500"])),
        ("latency outside the outage", f"p50 {lat.get('p50_ms')} ms, p95 {lat.get('p95_ms')} ms, "
                                        f"p99 {lat.get('p99_ms')} ms, max {lat.get('max_ms')} ms"),
    ]  # fmt: skip
    if o:
        rows += [
            ("database outage", f"stopped at {o['db_stopped_at_s']} s, down {o['db_down_s']} s"),
            ("during the outage", f"{o['requests_during_outage_window']} requests, "
                                  f"{o['answered_503']} answered 503, {o['other_failures']} other "
                                  "failures"),
            ("recovery", f"first success {o['first_success_after_db_back_s']} s after the "
                         f"database was back; last 503 at {o['last_503_after_db_back_s']} s "
                         "(negative: before it finished starting)"),
        ]  # fmt: skip
    rows.append(("worker restarts", "none" if not d["workers"]["restarted"] else "YES"))
    for pid, w in mem["workers"].items():
        rss = (f"{w['first_mb']} MB after warm-up, {w['last_mb']} MB at the end, "
               f"max {w['max_mb']} MB, slope {w['slope_mb_per_hour']} MB/h")  # fmt: skip
        rows.append((f"worker {pid} RSS", rss))
    rows.append(("result", "passed" if d["passed"] else "FAILED"))
    return "| | |\n|---|---|\n" + "\n".join(f"| {k} | {v} |" for k, v in rows) + "\n"


if __name__ == "__main__":
    if sys.argv[1:2] == ["--markdown"]:
        print(markdown(Path(sys.argv[2])))
        sys.exit(0)
    sys.exit(main())
