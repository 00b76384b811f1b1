// Front end of runic's GraphView: draws the traits the kernel computed (positions,
// colours, legend, message) as SVG, shows properties on hover and asks the kernel to
// expand a node on click. No layout and no data logic here.
const SVG_NS = "http://www.w3.org/2000/svg";
const RADIUS = 7;
const CAPTION_ROOM = 90; // captions of nodes near the right edge go to their left

function svg(tag, attrs) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, String(value));
  return node;
}

function propertiesText(labels, properties) {
  const lines = labels.length ? [labels.join(":")] : [];
  for (const [key, value] of Object.entries(properties || {})) {
    lines.push(`${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`);
  }
  return lines.join("\n");
}

function drawLegend(box, legend) {
  box.replaceChildren();
  for (const item of legend) {
    const entry = document.createElement("span");
    entry.className = "runic-gv-legend-item";
    const dot = document.createElement("span");
    dot.className = "runic-gv-dot";
    dot.style.background = item.color;
    entry.append(dot, document.createTextNode(`${item.label} (${item.count.toLocaleString()})`));
    box.append(entry);
  }
}

function drawGraph(model, stage, tooltip) {
  const width = model.get("width");
  const height = model.get("height");
  const nodes = model.get("nodes");
  const edges = model.get("edges");
  const positions = new Map(nodes.map((n) => [n.id, n]));
  const root = svg("svg", { class: "runic-graph-svg", width, height, viewBox: `0 0 ${width} ${height}` });
  const defs = svg("defs");
  const marker = svg("marker", {
    id: "runic-gv-arrow", viewBox: "0 0 10 10", refX: 17, refY: 5,
    markerWidth: 6, markerHeight: 6, orient: "auto-start-reverse",
  });
  marker.append(svg("path", { d: "M0,0L10,5L0,10z", fill: "#999" }));
  defs.append(marker);
  root.append(defs);

  const edgeLayer = svg("g", { class: "runic-gv-edges" });
  const showEdgeLabels = edges.length <= 300;
  for (const edge of edges) {
    const a = positions.get(edge.source);
    const b = positions.get(edge.target);
    if (!a || !b) continue;
    const group = svg("g", { class: "runic-gv-edge", "data-edge-id": edge.id });
    group.append(svg("line", { x1: a.x, y1: a.y, x2: b.x, y2: b.y, "marker-end": "url(#runic-gv-arrow)" }));
    if (showEdgeLabels) {
      const label = svg("text", { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2, "text-anchor": "middle", class: "runic-gv-edge-label" });
      label.textContent = edge.type;
      group.append(label);
    }
    group.dataset.tip = propertiesText([edge.type], edge.properties);
    edgeLayer.append(group);
  }

  const nodeLayer = svg("g", { class: "runic-gv-nodes" });
  const showCaptions = nodes.length <= 200;
  for (const node of nodes) {
    const group = svg("g", { class: "runic-gv-node", "data-node-id": node.id, tabindex: 0 });
    group.append(svg("circle", { cx: node.x, cy: node.y, r: RADIUS, fill: node.color }));
    if (showCaptions) {
      const left = node.x > width - CAPTION_ROOM;
      const caption = svg("text", {
        x: left ? node.x - RADIUS - 2 : node.x + RADIUS + 2,
        y: node.y + 3,
        "text-anchor": left ? "end" : "start",
        class: "runic-gv-caption",
      });
      caption.textContent = node.caption;
      group.append(caption);
    }
    group.dataset.tip = propertiesText(node.labels, node.properties);
    nodeLayer.append(group);
  }
  root.append(edgeLayer, nodeLayer);

  root.addEventListener("mouseover", (event) => {
    const target = event.target.closest("[data-tip]");
    if (!target) return;
    tooltip.textContent = target.dataset.tip;
    tooltip.hidden = false;
  });
  root.addEventListener("mousemove", (event) => {
    const box = stage.getBoundingClientRect();
    tooltip.style.left = `${event.clientX - box.left + 12}px`;
    tooltip.style.top = `${event.clientY - box.top + 12}px`;
  });
  root.addEventListener("mouseout", (event) => {
    if (event.target.closest("[data-tip]")) tooltip.hidden = true;
  });
  root.addEventListener("click", (event) => {
    const target = event.target.closest(".runic-gv-node");
    if (!target || !model.get("can_expand") || model.get("busy")) return;
    model.send({ type: "expand", id: target.dataset.nodeId });
  });
  stage.querySelector("svg")?.remove();
  stage.prepend(root);
}

function render({ model, el }) {
  const started = performance.now();
  el.classList.add("runic-graph-view");
  const legend = document.createElement("div");
  legend.className = "runic-gv-legend";
  const stage = document.createElement("div");
  stage.className = "runic-gv-stage";
  const tooltip = document.createElement("pre");
  tooltip.className = "runic-gv-tooltip";
  tooltip.hidden = true;
  stage.append(tooltip);
  const message = document.createElement("div");
  message.className = "runic-gv-message";
  const status = document.createElement("div");
  status.className = "runic-gv-status";
  el.append(legend, stage, message, status);

  const redraw = () => {
    drawGraph(model, stage, tooltip);
    drawLegend(legend, model.get("legend"));
    el.dataset.nodeCount = String(model.get("nodes").length);
  };
  const retext = () => {
    message.textContent = model.get("message");
    status.textContent = model.get("busy") ? "expanding…" : model.get("status");
    el.classList.toggle("runic-gv-busy", model.get("busy"));
  };
  redraw();
  retext();
  el.dataset.firstPaintMs = (performance.now() - started).toFixed(1);
  model.on("change:nodes", redraw);
  model.on("change:edges", redraw);
  model.on("change:legend", () => drawLegend(legend, model.get("legend")));
  model.on("change:message", retext);
  model.on("change:status", retext);
  model.on("change:busy", retext);
  return () => {
    model.off("change:nodes", redraw);
    model.off("change:edges", redraw);
    model.off("change:message", retext);
    model.off("change:status", retext);
    model.off("change:busy", retext);
  };
}

export default { render };
