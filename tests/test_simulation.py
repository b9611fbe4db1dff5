"""`grader simulate` runs a whole campaign through the services; same seed, same result."""

import json

from click.testing import CliRunner

from grader.campaign import DEFAULT_FILE
from grader.cli import main


def small_campaign(tmp_path):
    text = DEFAULT_FILE.read_text(encoding="utf-8")
    for old, new in (("advance = 600", "advance = 36"), ("advance = 400", "advance = 24"),
                     ("advance = 240", "advance = 14"), ("advance = 160", "advance = 10")):
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "campaign.toml"
    path.write_text(text, encoding="utf-8")
    return path


def run(env, *args):
    result = CliRunner().invoke(main, list(args), env=env)
    assert result.exit_code == 0, result.output + (result.stderr or "")
    return result.output


def simulate_once(tmp_path, name, seed):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / name}.db",
           "QUEUE_URL": f"sqlite:///{tmp_path / name}-q.db",
           "STORAGE_DIR": str(tmp_path / f"{name}-files"),
           "CAMPAIGN_FILE": str(small_campaign(tmp_path))}
    out = run(env, "simulate", "--candidates", "130", "--seed", str(seed))
    assert "ranking 1: " in out and "signed the selected" in out
    stats = json.loads(run(env, "stats", "townships", "--json"))
    ranked = run(env, "db", "upgrade")
    assert "database at head" in ranked
    return stats


def test_simulation_reaches_every_stage_and_repeats(tmp_path):
    first = simulate_once(tmp_path, "a", 7)
    total = first["total"]
    assert total["registered"] == 130
    assert (total["task_round1"], total["task_round2"], total["interview"], total["signed"]) == (
        36, 24, 14, 10)
    assert total["sat_exam"] > 36
    assert simulate_once(tmp_path, "b", 7) == first
    assert simulate_once(tmp_path, "c", 8) != first


def test_simulate_refuses_a_used_database_without_reset(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'used'}.db",
           "QUEUE_URL": f"sqlite:///{tmp_path / 'q'}.db", "STORAGE_DIR": str(tmp_path / "f")}
    run(env, "demo", "--candidates", "5")
    result = CliRunner().invoke(main, ["simulate", "--candidates", "20"], env=env)
    assert result.exit_code == 2 and "--reset" in result.output


def test_simulation_runs_inside_enforced_windows_given_as_bare_dates(tmp_path):
    path = small_campaign(tmp_path)
    text = path.read_text(encoding="utf-8").replace("enforce_windows = false",
                                                    "enforce_windows = true")
    text = text.replace('start = "2016-05-25T00:00:00+08:00"', 'start = "2016-05-25"').replace(
        'end = "2016-05-31T00:00:00+08:00"', 'end = "2016-05-30"')  # the same days, bare
    assert 'end = "2016-05-30"' in text and "enforce_windows = true" in text
    path.write_text(text, encoding="utf-8")
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'w'}.db",
           "QUEUE_URL": f"sqlite:///{tmp_path / 'w'}-q.db", "STORAGE_DIR": str(tmp_path / "wf"),
           "CAMPAIGN_FILE": str(path)}
    run(env, "simulate", "--candidates", "130", "--seed", "7")
    total = json.loads(run(env, "stats", "townships", "--json"))["total"]
    assert (total["task_round1"], total["task_round2"], total["interview"], total["signed"]) == (
        36, 24, 14, 10)


def test_rehearsal_plans_differ_and_planted_copies_are_caught():
    import random

    from grader.services.simulated_plans import copied, plan_text
    from scoring import similar_pairs

    rng = random.Random(5)
    texts = {f"p{i}": plan_text(rng, "城关镇") for i in range(150)}
    assert similar_pairs(texts, threshold=0.6) == []  # independent plans are not copies
    texts["copy"] = copied(rng, texts["p7"])
    assert texts["copy"].startswith(texts["p7"]) and len(texts["copy"]) > len(texts["p7"])
    assert [(p.a, p.b) for p in similar_pairs(texts, threshold=0.6)] == [("copy", "p7")]
