"""The graph view in a real JupyterLab and Chromium: it paints, zooms, pans, drags, selects,
expands, toggles physics, exports, and falls back to a static picture when untrusted."""

from __future__ import annotations

import json
import time

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

KERNEL_IDLE = """() => {
  const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const kernel = panel && panel.sessionContext && panel.sessionContext.session
    && panel.sessionContext.session.kernel;
  return !!kernel && kernel.status === 'idle';
}"""

RUN_CELL = """async (index) => {
  const panel = window.jupyterapp.shell.currentWidget;
  panel.content.activeCellIndex = index;
  await window.jupyterapp.commands.execute('notebook:run-cell');
}"""

CELL_TEXT = """(index) => {
  const cell = window.jupyterapp.shell.currentWidget.content.model.cells.get(index);
  const parts = [];
  for (const out of cell.outputs.toJSON()) {
    if (out.output_type === 'stream') parts.push(Array.isArray(out.text) ? out.text.join('') : out.text);
    if (out.output_type === 'error') parts.push(`ERROR ${out.ename}: ${out.evalue}`);
    if (out.data && out.data['text/plain']) parts.push([].concat(out.data['text/plain']).join(''));
  }
  return parts.join('\\n');
}"""

# where a node is on screen, from the view's own renderer
NODE_AT = """([selector, key]) => {
  const el = document.querySelector(selector);
  const { renderer } = el.runicGraphView;
  const p = renderer.framedGraphToViewport(renderer.getNodeDisplayData(key));
  const box = el.querySelector('.runic-gv-stage').getBoundingClientRect();
  return { x: box.left + p.x, y: box.top + p.y };
}"""

NODE_KEY = """([selector, caption]) => {
  const { graph } = document.querySelector(selector).runicGraphView;
  return graph.findNode((key, attrs) => attrs.label === caption);
}"""

GRAPH_XY = """([selector, key]) => {
  const { graph } = document.querySelector(selector).runicGraphView;
  const a = graph.getNodeAttributes(key);
  return [a.x, a.y];
}"""

FAMILIES = (
    "import networkx as nx\n"
    "from runic.notebook.widgets import GraphView\n"
    "from runic.ogm.driver import create_driver\n"
    "driver = create_driver()\n"
    "G = nx.florentine_families_graph()\n"
    "driver.execute('UNWIND $names AS name CREATE (:Family {name: name})', {'names': sorted(G.nodes)})\n"
    "driver.execute('UNWIND $pairs AS pair MATCH (a:Family {name: pair[0]}), (b:Family {name: pair[1]}) "
    "CREATE (a)-[:MARRIED_INTO]->(b)', {'pairs': sorted(G.edges)})\n"
    "medici = driver.execute(\"MATCH (m:Family {name: 'Medici'})-[r]-(f) RETURN m, r, f\")\n"
    "view = GraphView(medici, driver=driver, width=700, height=450, layout_seconds=1.5)\n"
    "view"
)


@pytest.fixture(autouse=True)
def browser_console(page):
    """Browser console errors, printed when a test fails (what the widget's JS complained of)."""
    lines: list[str] = []
    page.on(
        "console",
        lambda msg: (
            lines.append(f"{msg.type}: {msg.text}") if msg.type in ("error", "warning") else None
        ),
    )
    page.on("pageerror", lambda exc: lines.append(f"pageerror: {exc}"))
    yield lines
    try:
        outputs = page.evaluate(
            "() => [...document.querySelectorAll('.jp-OutputArea-output')].map(o => o.className + ' :: ' + o.innerHTML.slice(0, 300))"
        )
        lines.extend(f"output: {o}" for o in outputs)
    except Exception as exc:  # noqa: BLE001 - diagnostics only
        lines.append(f"(no outputs: {exc})")
    if lines:
        print("\nbrowser console:\n" + "\n".join(lines[-30:]))


ZOOM_LATENCY = """() => new Promise((done) => {
  const el = document.querySelector('.runic-graph-view');
  const camera = el.runicGraphView.renderer.getCamera();
  const before = camera.getState().ratio;
  const t0 = performance.now();
  const check = () => camera.getState().ratio < before * 0.95 ? done(performance.now() - t0) : requestAnimationFrame(check);
  [...el.querySelectorAll('.runic-gv-button')].find((b) => b.textContent === '+').click();
  requestAnimationFrame(check);
})"""


def open_notebook(page, lab, path: str, *, kernel: bool = True) -> None:
    page.goto(lab.notebook_url(path))
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", state="attached")
    if kernel:
        page.wait_for_function(KERNEL_IDLE)


def run_cell(page, index: int) -> str:
    page.evaluate(RUN_CELL, index)
    page.wait_for_function(KERNEL_IDLE)
    text = page.evaluate(CELL_TEXT, index)
    assert "ERROR" not in text, text
    return text


def python(page, index: int, expected: str, timeout: float = 20.0) -> str:
    """Run cell ``index`` until its output contains ``expected`` (the kernel sees browser
    changes a moment after they happen); returns the last output."""
    deadline = time.monotonic() + timeout
    while True:
        text = run_cell(page, index)
        if expected in text or time.monotonic() > deadline:
            return text
        page.wait_for_timeout(300)


def test_ten_thousand_nodes_paint_within_three_seconds_and_stay_interactive(
    lab, page, shots, notebook_writer
):
    notebook_writer(
        lab.root / "graph-10k.ipynb",
        [
            (
                "from runic.notebook.widgets import GraphView\n"
                "from runic.ogm.driver.result import EdgeRecord, GraphResult, NodeRecord\n"
                "n, m = 10_000, 20_000\n"
                "nodes = [NodeRecord(i, (f'L{i % 6}',), {'name': f'n{i}', 'rank': i % 97}) for i in range(n)]\n"
                "rows = [[nodes[j % n], EdgeRecord(10**6 + j, 'LINK', j % n, (j * 7919 + 13) % n, {}), nodes[(j * 7919 + 13) % n]]"
                " for j in range(m)]\n"
                "result = GraphResult(['a', 'r', 'b'], rows)"
            ),
            "view = GraphView(result, size_by='degree')\nview",
        ],
    )
    open_notebook(page, lab, "graph-10k.ipynb")
    run_cell(page, 0)
    started = time.perf_counter()
    page.evaluate(
        "(i) => { const p = window.jupyterapp.shell.currentWidget; p.content.activeCellIndex = i;"
        " window.jupyterapp.commands.execute('notebook:run-cell'); }",
        1,
    )
    view = page.locator(".runic-graph-view[data-ready='1']")
    view.wait_for(timeout=60_000)
    elapsed = time.perf_counter() - started
    paint_ms = float(view.get_attribute("data-first-paint-ms"))
    assert view.get_attribute("data-node-count") == "10000"
    assert view.get_attribute("data-edge-count") == "20000"
    # interactive while the layout runs: frames keep coming and a zoom takes effect
    expect(view).to_have_attribute("data-physics", "running")
    page.wait_for_timeout(500)
    fps = page.evaluate(
        """() => new Promise((done) => { let n = 0; const t0 = performance.now();
          const tick = () => { n++; if (performance.now() - t0 < 2000) requestAnimationFrame(tick);
          else done(n * 1000 / (performance.now() - t0)); }; requestAnimationFrame(tick); })"""
    )
    # a zoom click takes effect quickly (in the page, from click to camera change; best of 3,
    # since the machine is shared)
    zoom_ms = min(page.evaluate(ZOOM_LATENCY) for _ in range(3))
    shots(page, "graph-view-10k")
    print(
        f"\ngraph view, 10,000 nodes / 20,000 edges: first paint {paint_ms:.0f} ms in the browser "
        f"(graph built at {view.get_attribute('data-load-ms')} ms, renderer ready at "
        f"{view.get_attribute('data-sigma-ms')} ms), "
        f"{elapsed:.2f}s from running the cell; {fps:.0f} frames/s during the layout "
        f"(a layout step costs the page {view.get_attribute('data-layout-step-ms')} ms); "
        f"zoom took effect after {zoom_ms:.0f} ms"
    )
    assert paint_ms <= 3000, f"first paint took {paint_ms:.0f} ms (target ≤ 3,000 ms)"
    assert fps >= 2, f"only {fps:.1f} frames/s while the layout runs"
    assert zoom_ms < 1000, f"a zoom click took {zoom_ms:.0f} ms to show"


def test_view_zooms_pans_drags_selects_expands_and_toggles_physics(
    lab, page, shots, notebook_writer
):
    notebook_writer(
        lab.root / "graph-interact.ipynb",
        [
            FAMILIES,
            "print('selected:', [n['properties']['name'] for n in view.selected_nodes])",
            "print('physics:', view.physics)",
            "print('message:', view.message)",
        ],
    )
    open_notebook(page, lab, "graph-interact.ipynb")
    run_cell(page, 0)
    sel = ".runic-graph-view"
    view = page.locator(f"{sel}[data-ready='1']")
    view.wait_for()
    assert view.get_attribute("data-node-count") == "7"  # the Medici and their six in-laws
    expect(view).to_have_attribute("data-physics", "stopped", timeout=30_000)
    page.wait_for_function(KERNEL_IDLE)
    assert "physics: False" in python(page, 2, "physics: False")

    # zoom: the toolbar and the mouse wheel
    stage = view.locator(".runic-gv-stage")
    ratio = lambda: float(view.get_attribute("data-camera-ratio") or 1)
    start = ratio()
    view.locator(".runic-gv-button", has_text="+").click()
    page.wait_for_function(
        f"() => parseFloat(document.querySelector('{sel}').dataset.cameraRatio) < {start * 0.9}"
    )
    box = stage.bounding_box()
    page.mouse.move(box["x"] + 10, box["y"] + 10)
    zoomed = ratio()
    page.mouse.wheel(0, 400)
    page.wait_for_function(
        f"() => parseFloat(document.querySelector('{sel}').dataset.cameraRatio) > {zoomed * 1.05}"
    )

    # pan: drag the empty corner of the stage
    x0 = float(view.get_attribute("data-camera-x") or 0.5)
    page.mouse.move(box["x"] + 8, box["y"] + 8)
    page.mouse.down()
    page.mouse.move(box["x"] + 150, box["y"] + 80, steps=8)
    page.mouse.up()
    page.wait_for_function(
        f"() => parseFloat(document.querySelector('{sel}').dataset.cameraX) !== {x0}"
    )
    view.locator(".runic-gv-button", has_text="fit").click()
    page.wait_for_timeout(500)

    # drag a node: its position in the graph changes and it stays where it was put
    ridolfi = page.evaluate(NODE_KEY, [sel, "Ridolfi"])
    assert ridolfi, "no Ridolfi node drawn"
    before = page.evaluate(GRAPH_XY, [sel, ridolfi])
    at = page.evaluate(NODE_AT, [sel, ridolfi])
    page.mouse.move(at["x"], at["y"])
    page.mouse.down()
    page.mouse.move(at["x"] + 60, at["y"] + 40, steps=6)
    page.mouse.up()
    after = page.evaluate(GRAPH_XY, [sel, ridolfi])
    assert after != before
    expect(view).to_have_attribute("data-last-dragged", ridolfi)

    # click selects, and Python sees it (after the double-click window of the drag's release)
    page.wait_for_timeout(400)
    albizzi = page.evaluate(NODE_KEY, [sel, "Albizzi"])
    at = page.evaluate(NODE_AT, [sel, albizzi])
    page.mouse.click(at["x"], at["y"])
    assert "selected: ['Albizzi']" in python(page, 1, "Albizzi")
    shots(page, "graph-view-selected")

    # double-click expands through the kernel: the Albizzi bring the Guadagni and Ginori
    page.mouse.dblclick(at["x"], at["y"])
    expect(view).to_have_attribute("data-node-count", "9", timeout=30_000)
    expect(view.locator(".runic-gv-status")).to_contain_text("Albizzi: added 2 neighbours")
    assert "9 nodes" in python(page, 3, "9 nodes")

    # physics: the checkbox starts the layout, the kernel sees it, and it can be stopped
    checkbox = view.locator(".runic-gv-physics input")
    checkbox.check()
    expect(view).to_have_attribute("data-physics", "running")
    assert "physics: True" in python(page, 2, "physics: True")
    checkbox.uncheck()
    expect(view).to_have_attribute("data-physics", "stopped")
    assert "physics: False" in python(page, 2, "physics: False")
    shots(page, "graph-view-expanded")


def test_view_exports_png_and_svg(lab, page, notebook_writer, tmp_path):
    notebook_writer(lab.root / "graph-export.ipynb", [FAMILIES])
    open_notebook(page, lab, "graph-export.ipynb")
    run_cell(page, 0)
    view = page.locator(".runic-graph-view[data-ready='1']")
    view.wait_for()
    with page.expect_download() as png:
        view.locator(".runic-gv-button", has_text="PNG").click()
    png_path = tmp_path / "view.png"
    png.value.save_as(png_path)
    data = png_path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 2000
    with page.expect_download() as svg:
        view.locator(".runic-gv-button", has_text="SVG").click()
    svg_path = tmp_path / "view.svg"
    svg.value.save_as(svg_path)
    text = svg_path.read_text()
    assert text.startswith("<svg") and text.count("<circle") == 7 and "Medici" in text
    print(f"\nexported PNG {len(data):,} bytes, SVG {len(text):,} bytes")


def test_untrusted_notebook_shows_the_static_picture_and_no_widget_error(lab, page, shots):
    path = lab.root / "notebooks/06-graph-view.ipynb"
    nb = json.loads(path.read_text())
    assert "widgets" not in nb["metadata"], "the committed notebook carries widget state"
    open_notebook(page, lab, "notebooks/06-graph-view.ipynb", kernel=False)
    picture = page.locator(".jp-OutputArea-output img.runic-gv-picture").first
    picture.wait_for()
    assert picture.get_attribute("src").startswith("data:image/svg+xml;base64,")
    assert picture.evaluate("(img) => img.complete && img.naturalWidth > 0")
    body = page.locator(".jp-NotebookPanel").inner_text()
    assert "model not found" not in body and "Error displaying widget" not in body
    picture.scroll_into_view_if_needed()
    shots(page, "graph-view-untrusted")
