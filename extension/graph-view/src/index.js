// Front end of runic's GraphView (an anywidget ES module).
//
// The kernel sends the graph column-wise: node ids, captions and tooltip texts as lists,
// colours / sizes / labels / edge endpoints as binary buffers. This module draws it with
// sigma.js (WebGL) on a graphology graph, runs ForceAtlas2 in a web worker while
// "physics" is on, and reports selection, expansion requests and settled positions back.
// All data logic (styling, sampling, captions) lives in Python; this file only draws.
import Graph from "graphology";
import forceAtlas2 from "graphology-layout-forceatlas2";
import Sigma from "sigma";

import { WorkerLayout } from "./layout.js";

const CAPTION_FONT = "sans-serif";
const CAPTION_SIZE = 12;
const CAPTION_PAD = 2;

// -- decoding the kernel's columns ---------------------------------------------------

function typed(view, Type) {
  if (!view) return new Type(0);
  if (view instanceof Type) return view;
  const buffer = view.buffer || view;
  const offset = view.byteOffset || 0;
  const length = view.byteLength === undefined ? buffer.byteLength : view.byteLength;
  return new Type(buffer.slice(offset, offset + length));
}

// a text column: one buffer holding a JSON array of strings
function texts(view) {
  if (!view) return [];
  if (Array.isArray(view)) return view;
  return JSON.parse(new TextDecoder().decode(typed(view, Uint8Array)));
}

function decode(data) {
  const nodes = data.nodes || {};
  const edges = data.edges || {};
  return {
    ids: texts(nodes.id),
    captions: texts(nodes.caption),
    tips: texts(nodes.tip),
    palette: nodes.palette || [],
    color: typed(nodes.color, Uint16Array),
    size: typed(nodes.size, Float32Array),
    source: typed(edges.source, Int32Array),
    target: typed(edges.target, Int32Array),
    edgeType: typed(edges.type, Uint16Array),
    types: edges.types || [],
  };
}

function seededRandom(seed) {
  let state = seed >>> 0 || 1;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Replace the graph's content with the kernel's columns, keeping the positions of nodes
// already placed and starting new ones next to a placed neighbour.
function loadGraph(graph, cols, seed) {
  const random = seededRandom(seed);
  const old = new Map();
  graph.forEachNode((key, attrs) => old.set(key, [attrs.x, attrs.y, attrs.fixed]));
  graph.clear();
  const n = cols.ids.length;
  const spread = Math.sqrt(Math.max(n, 1)) * 10;
  for (let i = 0; i < n; i++) {
    const key = cols.ids[i];
    const was = old.get(key);
    graph.addNode(key, {
      x: was ? was[0] : NaN,
      y: was ? was[1] : NaN,
      fixed: was ? was[2] : false,
      size: cols.size[i] || 5,
      color: cols.palette[cols.color[i]] || "#888",
      label: cols.captions[i] || "",
      index: i,
    });
  }
  const m = cols.source.length;
  // arrow heads cost a second draw per edge; past a few thousand edges they are too small to read
  const directed = m <= 5000 ? "arrow" : "line";
  for (let j = 0; j < m; j++) {
    const s = cols.ids[cols.source[j]];
    const t = cols.ids[cols.target[j]];
    if (s === undefined || t === undefined) continue;
    graph.addEdgeWithKey(`e${j}`, s, t, { type: s === t ? "line" : directed, label: cols.types[cols.edgeType[j]] || "", size: 1 });
  }
  // place new nodes: next to a placed neighbour when there is one, else at random
  let placedAny = false;
  graph.forEachNode((key, attrs) => {
    if (!Number.isNaN(attrs.x)) placedAny = true;
  });
  graph.updateEachNodeAttributes((key, attrs) => {
    if (!Number.isNaN(attrs.x)) return attrs;
    const angle = random() * 2 * Math.PI;
    let anchor = null;
    if (placedAny) {
      // only after an expansion: the first drawing has nothing placed to look for
      graph.someNeighbor(key, (other, o) => {
        if (!Number.isNaN(o.x)) anchor = o;
        return anchor !== null;
      });
    }
    if (anchor) {
      attrs.x = anchor.x + Math.cos(angle) * 5;
      attrs.y = anchor.y + Math.sin(angle) * 5;
    } else {
      const r = spread * Math.sqrt(random());
      attrs.x = Math.cos(angle) * r;
      attrs.y = Math.sin(angle) * r;
    }
    return attrs;
  });
}

// -- captions that never overlap ---------------------------------------------------------

// sigma picks candidate labels per grid cell (largest nodes first, culled by zoom through
// labelRenderedSizeThreshold); this drawer refuses any caption whose box would touch one
// already drawn in the same frame, so captions never overlap.
function captionDrawer(state) {
  return (context, data, settings) => {
    if (!data.label) return;
    context.font = `${settings.labelWeight} ${CAPTION_SIZE}px ${CAPTION_FONT}`;
    const width = context.measureText(data.label).width;
    const box = {
      x0: data.x + data.size + 3 - CAPTION_PAD,
      y0: data.y - CAPTION_SIZE / 2 - CAPTION_PAD,
      x1: data.x + data.size + 3 + width + CAPTION_PAD,
      y1: data.y + CAPTION_SIZE / 2 + CAPTION_PAD,
    };
    for (const other of state.boxes) {
      if (box.x0 < other.x1 && other.x0 < box.x1 && box.y0 < other.y1 && other.y0 < box.y1) return;
    }
    state.boxes.push(box);
    context.fillStyle = state.color;
    context.fillText(data.label, data.x + data.size + 3, data.y + CAPTION_SIZE / 3);
  };
}

// -- export ----------------------------------------------------------------------------

function download(el, name, url) {
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.style.display = "none";
  el.append(link);
  link.click();
  link.remove();
}

function toPng(renderer, background) {
  renderer.refresh();
  const canvases = renderer.getCanvases();
  const { width, height } = renderer.getDimensions();
  const ratio = window.devicePixelRatio || 1;
  const out = document.createElement("canvas");
  out.width = Math.round(width * ratio);
  out.height = Math.round(height * ratio);
  const ctx = out.getContext("2d");
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, out.width, out.height);
  for (const id of ["edges", "nodes", "edgeLabels", "labels"]) {
    const canvas = canvases[id];
    if (canvas) ctx.drawImage(canvas, 0, 0, out.width, out.height);
  }
  return out.toDataURL("image/png");
}

function escapeXml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

// The view as it is on screen (camera, positions, visible captions) as an SVG document.
function toSvg(renderer, graph, captions) {
  const { width, height } = renderer.getDimensions();
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="${CAPTION_SIZE}">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<g stroke="#999" stroke-opacity="0.6">`,
  ];
  const inside = (p) => p.x > -50 && p.y > -50 && p.x < width + 50 && p.y < height + 50;
  const screen = new Map();
  graph.forEachNode((key, attrs) => {
    const data = renderer.getNodeDisplayData(key);
    if (!data) return;
    const p = renderer.framedGraphToViewport(data);
    screen.set(key, { x: p.x, y: p.y, r: renderer.scaleSize(data.size), color: attrs.color, label: attrs.label });
  });
  graph.forEachEdge((edge, attrs, s, t) => {
    const a = screen.get(s);
    const b = screen.get(t);
    if (!a || !b || (!inside(a) && !inside(b))) return;
    parts.push(`<line x1="${a.x.toFixed(1)}" y1="${a.y.toFixed(1)}" x2="${b.x.toFixed(1)}" y2="${b.y.toFixed(1)}"/>`);
  });
  parts.push(`</g><g stroke="white" stroke-width="0.5">`);
  for (const p of screen.values()) {
    if (!inside(p)) continue;
    parts.push(`<circle cx="${p.x.toFixed(1)}" cy="${p.y.toFixed(1)}" r="${p.r.toFixed(1)}" fill="${escapeXml(p.color)}"/>`);
  }
  parts.push(`</g><g fill="#222">`);
  for (const key of captions) {
    const p = screen.get(key);
    if (!p || !p.label) continue;
    parts.push(`<text x="${(p.x + p.r + 3).toFixed(1)}" y="${(p.y + CAPTION_SIZE / 3).toFixed(1)}">${escapeXml(p.label)}</text>`);
  }
  parts.push("</g></svg>");
  return parts.join("");
}

// -- the widget ------------------------------------------------------------------------------

function button(text, title) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = text;
  b.title = title;
  b.className = "runic-gv-button";
  return b;
}

function render({ model, el }) {
  const started = performance.now();
  el.classList.add("runic-graph-view");
  const toolbar = document.createElement("div");
  toolbar.className = "runic-gv-toolbar";
  const physicsBox = document.createElement("label");
  physicsBox.className = "runic-gv-physics";
  const physicsInput = document.createElement("input");
  physicsInput.type = "checkbox";
  physicsBox.append(physicsInput, document.createTextNode(" physics"));
  const fitButton = button("fit", "Zoom to show the whole graph");
  const zoomIn = button("+", "Zoom in");
  const zoomOut = button("−", "Zoom out");
  const expandButton = button("expand", "Add the neighbours of the selected nodes (or double-click a node)");
  const pngButton = button("PNG", "Download the view as a PNG image");
  const svgButton = button("SVG", "Download the view as an SVG drawing");
  toolbar.append(physicsBox, fitButton, zoomIn, zoomOut, expandButton, pngButton, svgButton);
  const legend = document.createElement("div");
  legend.className = "runic-gv-legend";
  const stage = document.createElement("div");
  stage.className = "runic-gv-stage";
  const tooltip = document.createElement("pre");
  tooltip.className = "runic-gv-tooltip";
  tooltip.hidden = true;
  const message = document.createElement("div");
  message.className = "runic-gv-message";
  const status = document.createElement("div");
  status.className = "runic-gv-status";
  el.append(toolbar, legend, stage, message, status);

  const sizeStage = () => {
    stage.style.width = `${model.get("width")}px`;
    stage.style.maxWidth = "100%";
    stage.style.height = `${model.get("height")}px`;
  };
  sizeStage();

  const graph = new Graph({ multi: true, type: "directed", allowSelfLoops: true });
  let cols = decode(model.get("data"));
  loadGraph(graph, cols, model.get("seed"));
  el.dataset.loadMs = (performance.now() - started).toFixed(1);

  const captionState = { boxes: [], color: getComputedStyle(el).color || "#222" };
  let selected = new Set(model.get("selected"));
  let hovered = null;
  // a big graph draws only its nodes while the layout runs (and while the camera moves):
  // 20,000 edges and the captions cost most of a frame, the nodes are what moves
  const isBig = () => graph.size > 5000 || graph.order > 5000;
  let sparse = false; // edges and captions left out of the drawing
  let renderer;
  try {
    renderer = new Sigma(graph, stage, {
      defaultEdgeType: "arrow",
      hideEdgesOnMove: isBig(), // pan and zoom stay smooth on big graphs
      hideLabelsOnMove: isBig(),
      allowInvalidContainer: true, // anywidget renders before the element is in the page
      renderEdgeLabels: false,
      labelRenderedSizeThreshold: 5,
      labelDensity: 0.7,
      labelGridCellSize: 80,
      labelSize: CAPTION_SIZE,
      labelFont: CAPTION_FONT,
      defaultDrawNodeLabel: captionDrawer(captionState),
      zIndex: true,
      minCameraRatio: 0.01,
      maxCameraRatio: 20,
      nodeReducer: (key, attrs) => {
        if (selected.has(key)) return { ...attrs, highlighted: true, zIndex: 2, forceLabel: true };
        return attrs;
      },
      edgeReducer: (key, attrs) => {
        if (sparse) return { ...attrs, hidden: true };
        if (hovered && graph.source(key) !== hovered && graph.target(key) !== hovered) return attrs;
        if (hovered) return { ...attrs, color: "#555", size: 2, zIndex: 1 };
        return attrs;
      },
    });
  } catch (error) {
    stage.textContent = `This browser cannot draw the graph view (WebGL unavailable: ${error.message}). view.to_svg() gives a static picture.`;
    el.dataset.error = String(error.message || error);
    return () => {};
  }
  stage.append(tooltip);
  el.dataset.sigmaMs = (performance.now() - started).toFixed(1);
  let renderStarted = 0;
  let renderMs = 0;
  renderer.on("beforeRender", () => {
    captionState.boxes = [];
    renderStarted = performance.now();
  });
  // what one layout step costs the page: from writing positions to the end of the redraw
  // (sigma re-indexes the graph, then draws); the layout writes no more often than that allows
  let writeMs = 0;
  let writeSeen = 0;
  // what a drawn frame really costs: from the start of the redraw to the next animation
  // frame, which comes only once the picture is on screen. With software WebGL putting the
  // canvases on screen costs far more than the drawing calls themselves (renderMs).
  let frameMs = 0;
  let frameProbe = 0;
  renderer.on("afterRender", () => {
    const now = performance.now();
    renderMs = 0.8 * renderMs + 0.2 * (now - renderStarted);
    el.dataset.renderMs = renderMs.toFixed(1);
    if (!frameProbe) {
      const from = renderStarted;
      frameProbe = requestAnimationFrame(() => {
        frameProbe = 0;
        const cost = performance.now() - from;
        frameMs = frameMs ? 0.7 * frameMs + 0.3 * cost : cost;
        el.dataset.frameMs = frameMs.toFixed(1);
      });
    }
    if (layout && layout.lastWrite > writeSeen) {
      writeSeen = layout.lastWrite;
      writeMs = writeMs ? 0.7 * writeMs + 0.3 * (now - writeSeen) : now - writeSeen;
      el.dataset.layoutStepMs = writeMs.toFixed(1);
    }
  });
  const painted = () => {
    if (el.dataset.ready || !stage.offsetWidth) return;
    el.dataset.firstPaintMs = (performance.now() - started).toFixed(1);
    el.dataset.ready = "1";
    // the layout starts once the first picture is on screen, so it does not delay it
    setTimeout(syncPhysics, 0);
  };
  renderer.on("afterRender", painted);
  // the stage gets its size once the output is attached: redraw at the real size then
  const observer = new ResizeObserver(() => {
    if (!stage.offsetWidth) return;
    renderer.resize();
    renderer.refresh();
    requestAnimationFrame(painted);
  });
  observer.observe(stage);
  // for tests and for debugging from the browser console
  el.runicGraphView = { graph, renderer };
  const visibleCaptions = () => renderer.getNodeDisplayedLabels ? [...renderer.getNodeDisplayedLabels()] : [];

  // -- layout off the main thread ------------------------------------------------------------
  let layout = null;
  let stopTimer = null;
  const makeLayout = () => {
    if (layout) layout.kill();
    const settings = forceAtlas2.inferSettings(graph);
    settings.barnesHutOptimize = graph.order > 500;
    // write positions at most every few frames' worth of drawing, so the page stays responsive
    layout = new WorkerLayout(
      graph,
      settings,
      // a drawn frame takes at most a third of the time, so frames keep coming in between
      () => Math.max(16, 4 * renderMs, 3 * writeMs, 3 * frameMs, (graph.order + graph.size) / 80),
      // positions changed, nothing else: re-index and draw once, now (the layout writes in
      // an animation frame), with no per-node reducer pass
      () => renderer.refresh({ partialGraph: { nodes: [] } }),
    );
  };
  // leave edges and captions out of the drawing while a big graph's layout runs, and
  // bring them back once it stops
  const setSparse = (on) => {
    if (on === sparse) return;
    sparse = on;
    el.dataset.sparse = on ? "1" : "";
    renderer.setSetting("renderLabels", !on); // also re-reads every edge through the reducer
  };
  const settleMs = () => Math.min(3000 + graph.order * 1.5, 20000);
  const startPhysics = () => {
    if (!graph.order) return;
    if (!layout) makeLayout();
    setSparse(isBig());
    layout.start();
    el.dataset.physics = "running";
    clearTimeout(stopTimer);
    stopTimer = setTimeout(() => {
      // settled enough: stop, keep the drawing, tell the kernel
      model.set("physics", false);
      model.save_changes();
    }, model.get("layout_seconds") > 0 ? model.get("layout_seconds") * 1000 : settleMs());
  };
  const stopPhysics = () => {
    clearTimeout(stopTimer);
    if (layout) layout.stop();
    setSparse(false);
    el.dataset.physics = "stopped";
    sendPositions();
  };
  const syncPhysics = () => {
    physicsInput.checked = model.get("physics");
    if (model.get("physics")) startPhysics();
    else stopPhysics();
  };
  physicsInput.addEventListener("change", () => {
    model.set("physics", physicsInput.checked);
    model.save_changes();
  });

  // the kernel keeps the settled positions, so its static SVG matches the screen
  const sendPositions = () => {
    const n = cols.ids.length;
    if (!n) return;
    const xy = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) {
      const a = graph.getNodeAttributes(cols.ids[i]);
      xy[2 * i] = a.x;
      xy[2 * i + 1] = a.y;
    }
    model.send({ type: "positions", revision: model.get("data").revision || 0 }, undefined, [xy.buffer]);
  };

  // -- drag, select, expand, hover --------------------------------------------------------------
  let dragged = null;
  let wasRunning = false;
  let moved = false;
  renderer.on("downNode", ({ node }) => {
    dragged = node;
    moved = false;
    wasRunning = !!(layout && layout.isRunning());
    if (wasRunning) layout.stop();
    if (!renderer.getCustomBBox()) renderer.setCustomBBox(renderer.getBBox());
  });
  renderer.getMouseCaptor().on("mousemovebody", (event) => {
    if (!dragged) return;
    moved = true;
    const pos = renderer.viewportToGraph(event);
    graph.mergeNodeAttributes(dragged, { x: pos.x, y: pos.y, fixed: true });
    event.preventSigmaDefault();
    event.original.preventDefault();
    event.original.stopPropagation();
  });
  const endDrag = () => {
    if (!dragged) return;
    const node = dragged;
    dragged = null;
    if (moved) {
      el.dataset.lastDragged = node;
      if (wasRunning && model.get("physics")) layout.start();
      else sendPositions();
    } else if (wasRunning && model.get("physics")) {
      layout.start();
    }
  };
  renderer.getMouseCaptor().on("mouseup", endDrag);

  const setSelected = (keys) => {
    selected = new Set(keys);
    model.set("selected", [...selected]);
    model.save_changes();
    renderer.refresh({ skipIndexation: true });
  };
  renderer.on("clickNode", ({ node, event }) => {
    if (moved) return;
    const additive = event.original.shiftKey || event.original.ctrlKey || event.original.metaKey;
    const next = additive ? new Set(selected) : new Set();
    if (additive && selected.has(node)) next.delete(node);
    else next.add(node);
    setSelected(next);
  });
  renderer.on("clickStage", () => {
    if (selected.size) setSelected([]);
  });
  const expand = (keys) => {
    if (!model.get("can_expand") || model.get("busy") || !keys.length) return;
    model.send({ type: "expand", ids: keys });
  };
  renderer.on("doubleClickNode", ({ node, event }) => {
    event.preventSigmaDefault();
    expand([node]);
  });
  expandButton.addEventListener("click", () => expand([...selected]));

  renderer.on("enterNode", ({ node }) => {
    hovered = node;
    const i = graph.getNodeAttribute(node, "index");
    tooltip.textContent = cols.tips[i] || node;
    tooltip.hidden = false;
    stage.style.cursor = "pointer";
    renderer.refresh({ skipIndexation: true });
  });
  renderer.on("leaveNode", () => {
    hovered = null;
    tooltip.hidden = true;
    stage.style.cursor = "";
    renderer.refresh({ skipIndexation: true });
  });
  stage.addEventListener("mousemove", (event) => {
    if (tooltip.hidden) return;
    const box = stage.getBoundingClientRect();
    tooltip.style.left = `${event.clientX - box.left + 14}px`;
    tooltip.style.top = `${event.clientY - box.top + 14}px`;
  });

  // -- toolbar ---------------------------------------------------------------------------------
  const camera = renderer.getCamera();
  // a big graph jumps to the new view in one frame instead of animating through many
  // (each frame of 10,000 nodes is expensive to draw)
  fitButton.addEventListener("click", () => {
    renderer.setCustomBBox(null);
    if (isBig()) camera.setState({ x: 0.5, y: 0.5, ratio: 1, angle: 0 });
    else camera.animatedReset({ duration: 300 });
  });
  const zoomBy = (factor, duration) => {
    if (isBig()) camera.setState({ ratio: camera.getBoundedRatio(camera.getState().ratio / factor) });
    else if (factor > 1) camera.animatedZoom({ duration });
    else camera.animatedUnzoom({ duration });
  };
  zoomIn.addEventListener("click", () => zoomBy(1.5, 200));
  zoomOut.addEventListener("click", () => zoomBy(1 / 1.5, 200));
  camera.on("updated", (state) => {
    el.dataset.cameraRatio = state.ratio.toFixed(4);
    el.dataset.cameraX = state.x.toFixed(4);
    el.dataset.cameraY = state.y.toFixed(4);
  });
  const background = () => getComputedStyle(stage).backgroundColor || "white";
  pngButton.addEventListener("click", () => {
    const bg = background();
    download(el, "graph-view.png", toPng(renderer, bg === "rgba(0, 0, 0, 0)" ? "white" : bg));
  });
  svgButton.addEventListener("click", () => {
    const text = toSvg(renderer, graph, visibleCaptions());
    download(el, "graph-view.svg", URL.createObjectURL(new Blob([text], { type: "image/svg+xml" })));
  });

  // -- legend, message, status -------------------------------------------------------------------
  const drawLegend = () => {
    legend.replaceChildren();
    for (const item of model.get("legend")) {
      const entry = document.createElement("span");
      entry.className = "runic-gv-legend-item";
      const dot = document.createElement("span");
      dot.className = "runic-gv-dot";
      dot.style.background = item.color;
      entry.append(dot, document.createTextNode(`${item.label} (${Number(item.count).toLocaleString()})`));
      legend.append(entry);
    }
  };
  const retext = () => {
    message.textContent = model.get("message");
    status.textContent = model.get("busy") ? "expanding…" : model.get("status");
    el.classList.toggle("runic-gv-busy", model.get("busy"));
    expandButton.disabled = !model.get("can_expand");
  };
  const reload = () => {
    if (layout) {
      layout.kill();
      layout = null;
    }
    cols = decode(model.get("data"));
    loadGraph(graph, cols, model.get("seed"));
    selected = new Set(model.get("selected").filter((k) => graph.hasNode(k)));
    el.dataset.nodeCount = String(graph.order);
    el.dataset.edgeCount = String(graph.size);
    if (renderer.getSetting("hideEdgesOnMove") !== isBig()) {
      renderer.setSetting("hideEdgesOnMove", isBig());
      renderer.setSetting("hideLabelsOnMove", isBig());
    }
    renderer.refresh();
    if (model.get("physics")) startPhysics();
    else setSparse(false);
  };
  const reselect = () => {
    selected = new Set(model.get("selected"));
    renderer.refresh({ skipIndexation: true });
  };
  const resize = () => {
    sizeStage();
    renderer.resize();
    renderer.refresh();
  };

  el.dataset.nodeCount = String(graph.order);
  el.dataset.edgeCount = String(graph.size);
  drawLegend();
  retext();
  physicsInput.checked = model.get("physics");
  model.on("change:data", reload);
  model.on("change:selected", reselect);
  model.on("change:physics", syncPhysics);
  model.on("change:legend", drawLegend);
  model.on("change:message", retext);
  model.on("change:status", retext);
  model.on("change:busy", retext);
  model.on("change:can_expand", retext);
  model.on("change:width", resize);
  model.on("change:height", resize);
  return () => {
    observer.disconnect();
    renderer.off("afterRender", painted);
    clearTimeout(stopTimer);
    model.off("change:data", reload);
    model.off("change:selected", reselect);
    model.off("change:physics", syncPhysics);
    model.off("change:legend", drawLegend);
    model.off("change:message", retext);
    model.off("change:status", retext);
    model.off("change:busy", retext);
    model.off("change:can_expand", retext);
    model.off("change:width", resize);
    model.off("change:height", resize);
    if (layout) layout.kill();
    renderer.kill();
  };
}

export default { render };
