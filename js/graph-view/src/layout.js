// ForceAtlas2 in a web worker (graphology's own worker code), writing positions into the
// graph no more often than the page can redraw them: with 10,000 nodes a redraw costs more
// than an iteration, so the main thread would otherwise spend all its time redrawing.
import { assignLayoutChanges, createWorker, graphToByteArrays } from "graphology-layout-forceatlas2/helpers";
import workerFunction from "graphology-layout-forceatlas2/webworker";

export class WorkerLayout {
  // interval(): milliseconds to wait between two writes into the graph
  constructor(graph, settings, interval) {
    this.graph = graph;
    this.settings = settings;
    this.interval = interval;
    this.running = false;
    this.matrices = null;
    this.lastWrite = 0;
    this.worker = createWorker(workerFunction);
    this.worker.addEventListener("message", (event) => this.receive(event));
  }

  isRunning() {
    return this.running;
  }

  start() {
    if (this.running || !this.graph.order) return this;
    this.matrices = graphToByteArrays(this.graph, () => 1);
    this.running = true;
    this.ask(true);
    return this;
  }

  stop() {
    if (this.running && this.matrices) assignLayoutChanges(this.graph, this.matrices.nodes);
    this.running = false;
    return this;
  }

  kill() {
    this.running = false;
    this.matrices = null;
    this.worker.terminate();
  }

  ask(withEdges) {
    const payload = { settings: this.settings, nodes: this.matrices.nodes.buffer };
    const buffers = [this.matrices.nodes.buffer];
    if (withEdges) {
      payload.edges = this.matrices.edges.buffer;
      buffers.push(this.matrices.edges.buffer);
    }
    this.worker.postMessage(payload, buffers);
  }

  receive(event) {
    if (!this.running) return;
    this.matrices.nodes = new Float32Array(event.data.nodes);
    const now = performance.now();
    if (now - this.lastWrite >= this.interval()) {
      this.lastWrite = now;
      assignLayoutChanges(this.graph, this.matrices.nodes);
    }
    this.ask(false);
  }
}
