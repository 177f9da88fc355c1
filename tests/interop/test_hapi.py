"""The HAPI FHIR R4 instance validator (Java, Maven Central) on what the API serves.

One JVM run validates, offline and strict on extensions (only those the API publishes
at ``/fhir/StructureDefinition`` are loaded): a case Bundle with an onward hop, the
CapabilityStatement, a search Bundle, a Task after a partner's update and an
OperationOutcome, all with zero errors; and resources broken on purpose, each with
errors (the calibration: a validator that found nothing anywhere would be useless).

The jars are fetched into ``tools/hapi/lib`` the first time (``tools/hapi/validate.sh``,
as ``tools/neo4j/neo4j.sh`` does). Without ``REQUIRE_HAPI=1`` the test runs only when
they are already there; with it (CI) it fetches them and fails if it cannot.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from referral_graph.domain.vocabulary import Service
from referral_graph.interop.fhir_ids import fhir_id
from referral_graph.services import referrals
from referral_graph.services.caller import Caller
from referral_graph.services.referrals import ReferralRequest, Step
from tests.factories import opening, refer_to_health_centre
from tests.interop.conftest import Partners

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "hapi" / "validate.sh"
REQUIRE_HAPI = os.environ.get("REQUIRE_HAPI") == "1"

pytestmark = pytest.mark.hapi


def _ready() -> None:
    missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    fetched = (TOOL.parent / "lib" / ".complete").is_file()
    if missing or not (fetched or REQUIRE_HAPI):
        why = (
            f"missing {missing}" if missing else "jars not fetched (tools/hapi/validate.sh --fetch)"
        )
        if REQUIRE_HAPI:
            pytest.fail(f"HAPI validator not runnable: {why}; REQUIRE_HAPI=1")
        pytest.skip(f"HAPI validator not runnable: {why}")


def _served(p: Partners) -> dict[str, Any]:
    """What the API serves: a case with an onward hop, and the other answers."""
    from referral_graph.services import cases

    system = Caller.system(p.store, p.clock(), "t")
    case = cases.open_case(system, opening())
    first = refer_to_health_centre(p.store, p.clock(), case.id, reason="Injuries")
    for status in ("received", "accepted", "in_progress"):
        p.clock.advance(hours=1)
        referrals.move_referral(
            Caller.system(p.store, p.clock(), "t"), first.id, Step(status=status)
        )
    onward = referrals.make_referral(
        Caller.system(p.store, p.clock(), "t"),
        ReferralRequest(
            case_id=case.id,
            from_provider_id="hc-a",
            to_provider_id="tpo-a",
            service=Service.COUNSELLING,
            reason="Needs counselling",
            continues_referral_id=first.id,
        ),
    )
    p.clock.advance(hours=1)
    done = {"status": "completed", "outcome": "First aid given"}
    referrals.move_referral(Caller.system(p.store, p.clock(), "t"), first.id, Step(**done))
    c = p.client
    task = c.get(f"/fhir/Task/{fhir_id(onward.id)}", headers=p.headers("tpo")).json()
    updated = c.put(
        f"/fhir/Task/{task['id']}",
        json={**task, "status": "received"},
        headers=p.headers("tpo", **{"content-type": "application/fhir+json"}),
    )
    answers = {
        "bundle": c.get("/fhir/Bundle", params={"case": case.id}, headers=p.headers("ccwc")),
        "capability": c.get("/fhir/metadata"),
        "search": c.get("/fhir/Task", params={"_count": 1}, headers=p.headers("ccwc")),
        "updated": updated,
        "outcome": c.get("/fhir/Task/ref-missing", headers=p.headers("hc")),
    }
    assert answers["outcome"].status_code == 404
    return {name: a.json() for name, a in answers.items()}


def _broken(bundle: dict[str, Any]) -> dict[str, Any]:
    """Resources wrong on purpose."""
    task = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Task")
    no_intent = {k: v for k, v in task.items() if k != "intent"}
    twice = {**bundle, "entry": [*bundle["entry"], bundle["entry"][0]]}
    unknown = {
        **task,
        "extension": [
            {"url": "https://referral-graph.org/fhir/StructureDefinition/x", "valueString": "?"}
        ],
    }
    return {"broken-no-intent": no_intent, "broken-duplicate": twice, "broken-extension": unknown}


def test_hapi_finds_no_error_in_what_the_api_serves(partners: Partners, tmp_path: Path) -> None:
    _ready()
    served = _served(partners)
    definitions = tmp_path / "definitions"
    definitions.mkdir()
    published = partners.client.get("/fhir/StructureDefinition").json()
    for entry in published["entry"]:
        resource = entry["resource"]
        (definitions / f"{resource['id']}.json").write_text(json.dumps(resource), "utf-8")
    files = {**served, **_broken(served["bundle"])}
    for name, resource in files.items():
        (tmp_path / f"{name}.json").write_text(json.dumps(resource, ensure_ascii=False), "utf-8")
    run = subprocess.run(  # one JVM for every file
        [str(TOOL), "--definitions", str(definitions)]
        + [str(tmp_path / f"{n}.json") for n in files],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    lines = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    summary = {Path(x["file"]).stem: x for x in lines if "errors" in x}
    messages = [x for x in lines if "severity" in x]
    assert set(summary) == set(files), run.stdout[-2000:]
    for name in served:
        errors = [m for m in messages if Path(m["file"]).stem == name and m["severity"] in
                  ("error", "fatal")]  # fmt: skip
        assert summary[name]["errors"] == 0, errors
    for name in ("broken-no-intent", "broken-duplicate", "broken-extension"):
        assert summary[name]["errors"] > 0, name
    unknown = [m for m in messages if Path(m["file"]).stem == "broken-extension"]
    assert any("could not be found" in m["message"] for m in unknown)
    assert served["bundle"]["entry"] and any(
        "partOf" in e["resource"] for e in served["bundle"]["entry"]
    )
