"""Load as people make it: 20 sessions arriving over a minute, acting with think time.

Each session (its own Chromium context, Chromium at ``nice 19``: see ``load_bench``)
arrives at a random moment of the first ``--spread`` seconds, then acts like a planner:
open the page, switch to the coverage gaps, leave health out of the sectors, switch back to
the density; five of them upload their own 3W in between, one uploads the hostile
workbook. Between two actions it thinks 10 to 30 s (seeded). Each action is timed from
the input to the map drawn anew (every region shape a new element in the ``st_folium``
frame), and compared with the same action done by one session alone on the same server
in the same run (the fastest of two solo runs: the conservative baseline).

Reported per action: the solo time, the median, 90th percentile and slowest under load,
and their ratios; the same for the actions that overlapped the hostile upload (the goal:
a hostile upload does not slow the others beyond 2x either).
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Final

from benchmarks import load_bench as lb

SPREAD_S: Final = 60.0
THINK_S: Final = (10.0, 30.0)
SEED: Final = 17
ACTIONS: Final = ("open", "gaps", "filter", "upload", "density")

# True once some map frame has ``n`` shapes not marked ``old``; marks them ``mark``
# (st_folium redraws its map in the same frame: new shapes are new elements).
_DRAWN: Final = """
([n, old, mark]) => {
    for (const frame of document.querySelectorAll('iframe[title*="st_folium"]')) {
        const doc = frame.contentDocument;
        if (!doc) { continue; }
        const shapes = Array.from(doc.querySelectorAll('path.leaflet-interactive'))
            .filter((p) => !old || p.dataset.bench !== old);
        if (shapes.length >= n) {
            shapes.forEach((p) => { p.dataset.bench = mark; });
            return true;
        }
    }
    return false;
}
"""


@dataclass
class Action:
    user: int
    name: str
    start: float  # monotonic, for overlaps
    seconds: float | None = None
    error: str = ""


@dataclass
class Session:
    user: int
    kind: str
    actions: list[Action] = field(default_factory=list)
    refused: str = ""
    own_names: bool | None = None
    others_names: list[str] = field(default_factory=list)
    alive_at_end: bool = False
    error: str = ""


async def _drawn(page: Any, *, old: str, mark: str) -> None:
    await page.wait_for_function(
        _DRAWN, arg=[lb.REGIONS, old, mark], polling=100, timeout=lb.TIMEOUT_MS
    )


async def _timed(
    session: Session, name: str, act: Callable[[], Awaitable[None]], page: Any
) -> None:
    """``act``, then wait for the map drawn anew; its time from the input."""
    action = Action(session.user, name, time.monotonic())
    session.actions.append(action)
    n = len(session.actions)  # the map of the previous action is marked m{n-1}
    await page.evaluate("() => 0")  # nothing pending before the clock starts
    start = time.monotonic()
    action.start = start
    await act()
    await _drawn(page, old=f"m{n - 1}", mark=f"m{n}")
    action.seconds = time.monotonic() - start


async def session(
    browser: Any, url: str, user: int, kind: str, users: int, *, think: Callable[[], float]
) -> Session:
    """One planner's visit: open, gaps, one sector fewer, (upload), density; think between."""
    found = Session(user, kind)
    context = await browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")

    async def route(route: Any) -> None:
        if route.request.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")):
            await route.fallback()
        else:
            await route.abort("blockedbyclient")

    await context.route("**/*", route)
    page = await context.new_page()

    async def do(name: str, act: Callable[[], Awaitable[None]]) -> None:
        await _timed(found, name, act, page)

    try:
        await do("open", lambda: page.goto(url, wait_until="commit", timeout=lb.TIMEOUT_MS))
        await asyncio.sleep(think())
        await do("gaps", lambda: page.get_by_text("Zones non couvertes").first.click())
        await asyncio.sleep(think())

        async def one_sector_fewer() -> None:
            await (
                page.locator('[data-testid="stMultiSelect"]')
                .filter(has_text="Secteurs")
                .locator('button[aria-label="Remove Santé"]')
                .first.click(timeout=lb.TIMEOUT_MS)
            )

        await do("filter", one_sector_fewer)
        if kind in ("upload", "hostile"):
            await asyncio.sleep(think())
            await _upload_step(found, page, user, kind)
        await asyncio.sleep(think())
        await do("density", lambda: page.get_by_text("Densité par secteur").first.click())
        await _isolation(found, page, user, users)
        await page.get_by_text("English", exact=True).first.click(timeout=lb.TIMEOUT_MS)
        await page.get_by_role("heading", name="Who does what where").wait_for(
            timeout=lb.TIMEOUT_MS
        )
        found.alive_at_end = True
    except Exception as exc:  # counted: a session that lost its page, or timed out
        found.error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
        if found.actions and found.actions[-1].seconds is None:
            found.actions[-1].error = found.error
    finally:
        await context.close()
    return found


async def _upload_step(found: Session, page: Any, user: int, kind: str) -> None:
    """The upload, timed to the import line and the map drawn anew (or to the refusal)."""
    previous = len(found.actions)
    if kind == "upload":
        name = f"u{user:02d}.csv"
        action = Action(user, "upload", time.monotonic())
        found.actions.append(action)
        await lb._upload(page, name, lb.user_csv(user))
        await page.get_by_text(f"Vos données : {name}").first.wait_for(timeout=lb.TIMEOUT_MS)
        await _drawn(page, old=f"m{previous}", mark=f"m{previous + 1}")
        action.seconds = time.monotonic() - action.start
        return
    action = Action(user, "hostile", time.monotonic())
    found.actions.append(action)
    await lb._upload(page, lb.HOSTILE_NAME, lb.hostile_workbook())
    alert = page.locator('[data-testid="stAlert"]').filter(has_text=lb.HOSTILE_NAME)
    await alert.first.wait_for(timeout=lb.TIMEOUT_MS)
    found.refused = " ".join((await alert.first.inner_text()).split())
    action.seconds = time.monotonic() - action.start
    # The map stays as it was; mark it so that the next action waits for a new drawing.
    await page.evaluate(
        """([old, mark]) => { for (const f of document.querySelectorAll(
            'iframe[title*="st_folium"]')) { const d = f.contentDocument; if (!d) continue;
            d.querySelectorAll('path.leaflet-interactive').forEach((p) => {
            if (p.dataset.bench === old) p.dataset.bench = mark; }); } }""",
        [f"m{previous}", f"m{previous + 1}"],
    )


async def _isolation(found: Session, page: Any, user: int, users: int) -> None:
    seen = await page.locator("body").inner_text() + await lb._frames_html(page)
    if found.kind == "upload":
        found.own_names = lb.marker(user) in seen
    found.others_names = [
        lb.marker(other) for other in range(users) if other != user and lb.marker(other) in seen
    ]


async def solo(url: str) -> dict[str, float]:
    """The same actions by one session alone (an uploader, then the hostile sender): the
    fastest of two runs per action."""
    from playwright.async_api import async_playwright

    best: dict[str, float] = {}
    async with async_playwright() as playwright:
        browser = await lb._launch(playwright)
        for run, kind in enumerate(("upload", "hostile")):
            found = await session(browser, url, 90 + run, kind, 1, think=lambda: 1.0)
            if found.error:
                done = [(a.name, a.seconds) for a in found.actions]
                raise RuntimeError(f"the page alone failed: {found.error} after {done}")
            for action in found.actions:
                if action.seconds is not None:
                    best[action.name] = min(best.get(action.name, 1e9), action.seconds)
        await browser.close()
    return best


async def crowd(url: str, users: int, *, spread: float, seed: int) -> list[Session]:
    from playwright.async_api import async_playwright

    rng = random.Random(seed)
    arrivals = sorted(rng.uniform(0, spread) for _ in range(users))

    def think() -> float:
        return rng.uniform(*THINK_S)

    async def arrive(user: int, kind: str) -> Session:
        await asyncio.sleep(arrivals[user])
        return await session(browser, url, user, kind, users, think=think)

    async with async_playwright() as playwright:
        browser = await lb._launch(playwright)
        found = await asyncio.gather(*(arrive(i, kind) for i, kind in enumerate(lb.kinds(users))))
        await browser.close()
    return list(found)


def _stats(times: list[float], alone: float | None) -> dict[str, Any]:
    if not times:
        return {"count": 0}
    ordered = sorted(times)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    out: dict[str, Any] = {
        "count": len(times),
        "alone_s": None if alone is None else round(alone, 2),
        "median_s": round(statistics.median(times), 2),
        "p90_s": round(p90, 2),
        "slowest_s": round(ordered[-1], 2),
    }
    if alone:
        out["ratio_median"] = round(statistics.median(times) / alone, 2)
        out["ratio_p90"] = round(p90 / alone, 2)
    return out


def summary(alone: dict[str, float], sessions: list[Session], users: int) -> dict[str, Any]:
    actions = [a for s in sessions for a in s.actions]
    by_name = {
        name: _stats([a.seconds for a in actions if a.name == name and a.seconds], alone.get(name))
        for name in (*ACTIONS, "hostile")
    }
    hostile = [a for a in actions if a.name == "hostile"]
    during = []
    for bomb in hostile:
        end = bomb.start + (bomb.seconds or lb.TIMEOUT_MS / 1000)
        during += [
            a.seconds / alone[a.name]
            for a in actions
            if a.name in ACTIONS
            and a.seconds
            and a.name in alone
            and a.user != bomb.user
            and a.start < end
            and a.start + a.seconds > bomb.start
        ]
    ratios = [
        a.seconds / alone[a.name]
        for a in actions
        if a.name in ACTIONS and a.seconds and alone.get(a.name)
    ]
    return {
        "users": users,
        "actions": by_name,
        "all_actions_ratio_median": round(statistics.median(ratios), 2) if ratios else None,
        "all_actions_ratio_p90": round(sorted(ratios)[round(0.9 * (len(ratios) - 1))], 2)
        if ratios
        else None,
        "during_hostile_upload": {
            "count": len(during),
            "ratio_median": round(statistics.median(during), 2) if during else None,
            "ratio_slowest": round(max(during), 2) if during else None,
        },
        "failed_actions": [f"user {a.user} {a.name}: {a.error}" for a in actions if a.error],
        "sessions_with_errors": [s.user for s in sessions if s.error or not s.alive_at_end],
        "uploaders_seeing_their_names": sum(bool(s.own_names) for s in sessions),
        "sessions_seeing_others_names": [s.user for s in sessions if s.others_names],
        "hostile_refused": [s.refused[:160] for s in sessions if s.kind == "hostile"],
    }


def measure(
    users: int, *, spread: float = SPREAD_S, seed: int = SEED, server: lb.Server
) -> dict[str, Any]:
    alone = asyncio.run(solo(server.url))
    server.memory_peak_mb = 0.0
    server.server_peak_mb = 0.0
    sessions = asyncio.run(crowd(server.url, users, spread=spread, seed=seed))
    out = summary(alone, sessions, users)
    out["memory_peak_mb"] = round(server.memory_peak_mb)
    out["server_process_peak_mb"] = round(server.server_peak_mb)
    out["sessions"] = session_rows(sessions)
    return out


def session_rows(sessions: list[Session]) -> list[dict[str, Any]]:
    """Each session's actions and their seconds, for the JSON figures."""
    return [
        {
            "user": s.user,
            "kind": s.kind,
            "actions": {
                a.name: None if a.seconds is None else round(a.seconds, 2) for a in s.actions
            },
            "error": s.error,
        }
        for s in sessions
    ]
