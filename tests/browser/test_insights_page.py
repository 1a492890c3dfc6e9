"""The insights page in a real browser: charts drawn and non-empty, vendor markup inert."""

from __future__ import annotations

import re

import pytest

from components.ui.insights_sections import SECTIONS
from fpapi.sandbox import instagram_pool
from tests.browser.conftest import plotly_summaries, screenshot, start_app, wait_for_app
from tests.browser.servers import stop
from tests.helpers import KPI_LABELS, add_to_roster

pytestmark = pytest.mark.browser

NORMAL = instagram_pool()[0]
HOSTILE = next(a for a in instagram_pool() if a.kind == "hostile")
TALL_VIEWPORT = 7000


ALL_DRAWN = """n => {
  const charts = [...document.querySelectorAll("[data-testid='cisPlotlyChart']")];
  return charts.length === n && charts.every(c => c.querySelector('.main-svg'));
}"""
CHARTS_BY_SECTION = {
    "Engagement": {"Followers over time", "Engagement rate over time", "Engagement by format"},
    "Quality and benchmark": {"Followers over time", "Quality sub-scores",
                              "Engagement rate against published tier averages"},
    "Top posts": {"Followers over time", "Views vs engagement rate (stars: sponsored, large: outliers)"},
    "Posting activity": {"Followers over time", "Posts per week", "When the creator posts"},
    "Hashtags and mentions": {"Followers over time", "Most used hashtags"},
    "Look-alikes": {"Followers over time"},
    "Audience": {"Followers over time"},
}  # fmt: skip


def open_insights(page, app, account) -> list[str]:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.set_viewport_size({"width": 1400, "height": TALL_VIEWPORT})
    page.goto(f"{app.url}/insights?creator={account.creator_id}")
    wait_for_app(page, timeout_ms=60_000)
    page.wait_for_function(ALL_DRAWN, arg=3, timeout=30_000)
    return dialogs


SECTION_DRAWN = """want => {
  const plots = [...document.querySelectorAll('.js-plotly-plot')];
  const titles = plots.map(p => ((p.layout && p.layout.title && p.layout.title.text) || '')
    .replace(/<[^>]+>/g, ''));  // Streamlit's theme wraps titles in <b>
  return plots.length === want.length && plots.every(p => p.querySelector('.main-svg'))
    && want.every(title => titles.includes(title));
}"""


def open_section(page, label: str) -> None:
    """Click a section's tab, as an analyst does, and wait until its own charts are drawn
    (the previous section's are gone)."""
    page.get_by_role("tab", name=label, exact=True).click()
    wait_for_app(page, timeout_ms=60_000)
    page.wait_for_function(SECTION_DRAWN, arg=sorted(CHARTS_BY_SECTION[label]), timeout=30_000)


def test_every_section_of_a_normal_creator_draws_its_charts(app, page):
    add_to_roster(app.data_dir, NORMAL)
    open_insights(page, app, NORMAL)
    assert list(CHARTS_BY_SECTION) == list(SECTIONS)
    main = page.locator("[data-testid='stMain']")
    for label in KPI_LABELS:
        assert label in main.inner_text()
    assert main.locator("a[href^='mailto:']").count() == 0  # the bio's e-mail stays text
    for section in SECTIONS:
        if section != "Engagement":
            open_section(page, section)
            assert f"section={section.replace(' ', '+')}" in page.url  # a link to this section
        charts = plotly_summaries(page)
        assert {c["title"] for c in charts} == CHARTS_BY_SECTION[section]
        assert all(c["points"] > 0 for c in charts), (section, charts)
        if section == "Quality and benchmark":
            assert "HypeAuditor" in main.inner_text()  # the benchmark names its source
        if section == "Top posts":
            assert "posts match these filters" in main.inner_text()
        screenshot(page, f"insights-normal-{section.lower().replace(' ', '-')}")

    page.goto(f"{app.url}/insights?creator={NORMAL.creator_id}&section=Posting+activity")
    wait_for_app(page, timeout_ms=60_000)
    page.wait_for_function(ALL_DRAWN, arg=3, timeout=30_000)  # a shared link opens its section
    assert {c["title"] for c in plotly_summaries(page)} == CHARTS_BY_SECTION["Posting activity"]


# Each chart either drawn by plotly or showing why it could not be.
ALL_SETTLED = """n => {
  const charts = [...document.querySelectorAll("[data-testid='cisPlotlyChart']")];
  return charts.length === n
    && charts.every(c => c.querySelector('.main-svg') || c.textContent.includes('reload the page'));
}"""


PICTURES = """n => [...document.querySelectorAll("[data-testid='cisPlotlyChart']")]
  .filter(c => c.querySelector(".cis-preview[role='img']")).length === n"""


def test_without_plotly_js_every_first_view_chart_still_shows_as_a_picture(app, page):
    """The server's picture of each chart shows before plotly.js has drawn it; when plotly.js
    cannot load at all (a proxy blocks it, the network drops), the pictures stay, each named
    for a screen reader, with a sentence saying what is missing."""
    add_to_roster(app.data_dir, NORMAL)
    blocked: list[str] = []
    page.route(
        re.compile(r".*/plotly-[^/]*[.]js$"),
        lambda route: (blocked.append(route.request.url), route.abort()),
    )
    page.set_viewport_size({"width": 1400, "height": 2400})
    page.goto(f"{app.url}/insights?creator={NORMAL.creator_id}")
    wait_for_app(page, timeout_ms=60_000)
    page.wait_for_function(PICTURES, arg=3, timeout=30_000)
    page.get_by_text("is a still picture").first.wait_for(timeout=30_000)
    assert blocked  # plotly.js was asked for, and never came
    main = page.locator("[data-testid='stMain']")
    assert main.locator(".main-svg").count() == 0
    pictures = main.locator(".cis-preview[role='img']")
    labels = [pictures.nth(i).get_attribute("aria-label") for i in range(pictures.count())]
    for title in CHARTS_BY_SECTION["Engagement"]:
        assert any(label.startswith(title) for label in labels), (title, labels)
        assert title in main.inner_text()  # the picture's title is on the page
    for index in range(3):  # each picture holds its data: a line or bars
        drawn = pictures.nth(index).locator("svg path[d*='L'], svg rect").count()
        assert drawn > 0, labels[index]
    assert main.inner_text().count("This chart is a still picture") == 3
    screenshot(page, "insights-pictures-without-plotly")


@pytest.fixture(scope="module")
def app_py(tmp_path_factory):
    """The app started as Streamlit Community Cloud and other Streamlit hosts start it:
    ``streamlit run app.py``, without serve.py."""
    base = tmp_path_factory.mktemp("app-py")
    running = start_app(base / "data", base / "streamlit.log", entry="app.py")
    yield running
    stop(running.process)


def test_streamlit_run_app_py_draws_the_charts_too(app_py, page):
    add_to_roster(app_py.data_dir, NORMAL)
    page.goto(f"{app_py.url}/insights?creator={NORMAL.creator_id}")
    wait_for_app(page, timeout_ms=60_000)
    page.wait_for_function(ALL_SETTLED, arg=3, timeout=30_000)
    main = page.locator("[data-testid='stMain']")
    assert "could not be drawn" not in main.inner_text()
    charts = plotly_summaries(page)
    assert {c["title"] for c in charts} == CHARTS_BY_SECTION["Engagement"]
    assert all(c["points"] > 0 for c in charts), charts
    for chart in main.locator("[data-testid='cisPlotlyChart']").all():
        assert chart.locator("svg.main-svg g.trace").count() > 0  # traces drawn in SVG
    screenshot(page, "insights-streamlit-run-app-py")


def test_insights_for_a_hostile_creator_renders_markup_as_text(app, page):
    add_to_roster(app.data_dir, HOSTILE)
    dialogs = open_insights(page, app, HOSTILE)
    main = page.locator("[data-testid='stMain']")
    text = main.inner_text()
    for section in ("Top posts", "Hashtags and mentions", "Look-alikes"):
        page.get_by_role("tab", name=section, exact=True).click()
        wait_for_app(page, timeout_ms=60_000)
        assert dialogs == [] and main.locator("a[href^='javascript:']").count() == 0, section
    page.get_by_role("tab", name="Engagement", exact=True).click()
    wait_for_app(page, timeout_ms=60_000)
    assert "<script>alert('bio')</script>" in text  # shown, not run
    assert "<b>Not bold</b>" in text
    assert ":red[alarm]" in text and "$\\frac{a}{b}$" in text
    assert dialogs == []
    assert main.locator("img[src='x']").count() == 0
    assert main.locator("a[href^='javascript:']").count() == 0
    assert main.locator("b", has_text="Not bold").count() == 0
    assert main.locator(".katex").count() == 0  # no LaTeX rendered
    assert page.locator("style", has_text="display:none").count() == 0
    assert all(c["points"] > 0 for c in plotly_summaries(page))
    # 100 KB captions stay inside the layout: nothing wider than the window.
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "insights-hostile")


def test_follower_spikes_are_listed_linked_and_marked(app, page):
    account = instagram_pool()[1]  # one spike after a viral post, one unexplained
    add_to_roster(app.data_dir, account)
    open_insights(page, app, account)
    main = page.locator("[data-testid='stMain']")
    text = main.inner_text()
    assert "Follower spikes. 2 abnormal one-day gains." in text
    lines = [line for line in text.splitlines() if re.match(r"\d{4}-\d{2}-\d{2}: \+", line)]
    assert len(lines) == 2 and sum("explained by a post" in line for line in lines) == 1
    assert sum("unexplained" in line for line in lines) == 1
    link = main.get_by_role("link", name="a post")
    assert link.get_attribute("href").startswith("https://www.instagram.com/p/")
    traces = page.evaluate(
        """() => [...document.querySelectorAll('.js-plotly-plot')]
            .filter(el => el.layout.title.text === 'Followers over time')
            .flatMap(el => el.data.map(trace => [trace.name, (trace.x || []).length]))"""
    )
    assert ["Spike, explained by a post", 1] in traces and ["Spike, unexplained", 1] in traces
    screenshot(page, "insights-follower-spikes")


@pytest.mark.parametrize("width", [1024, 1400])
def test_no_kpi_label_is_cut_off(app, page, width):
    """At a laptop's 1,024 px and a desktop's 1,400 px: every KPI's label and value, and the
    Refresh button, are read whole."""
    add_to_roster(app.data_dir, NORMAL)
    page.set_viewport_size({"width": width, "height": 1600})
    page.goto(f"{app.url}/insights?creator={NORMAL.creator_id}")
    wait_for_app(page, timeout_ms=60_000)
    labels = page.locator("[data-testid='stMetricLabel']")
    labels.first.wait_for()
    whole = page.locator(
        "[data-testid='stMetricLabel'], [data-testid='stMetricValue'], [data-testid='stButton']"
    )
    cut = whole.evaluate_all(
        "els => els.filter(el => [el, ...el.querySelectorAll('*')].some("
        "e => e.scrollWidth > e.clientWidth + 1)).map(el => el.innerText)"
    )
    shown = labels.all_inner_texts()
    assert all(any(label in text for text in shown) for label in KPI_LABELS)
    assert cut == []
    screenshot(page, f"insights-kpis-{width}")
