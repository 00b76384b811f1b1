// ForceAtlas2 in a web worker (graphology's own worker code), writing positions into the
// graph no more often than the page can redraw them: with 10,000 nodes a redraw costs more
// than an iteration, so the main thread would otherwise spend all its time redrawing.
import { assignLayoutChanges, createWorker, graphToByteArrays } from "graphology-layout-forceatlas2/helpers";
import DEFAULT_SETTINGS from "graphology-layout-forceatlas2/defaults";
import workerFunction from "graphology-layout-forceatlas2/webworker";

export class WorkerLayout {
  // interval(): milliseconds to wait between two writes into the graph
  constructor(graph, settings, interval) {
    this.graph = graph;
    this.settings = { ...DEFAULT_SETTINGS, ...settings };
    this.interval = interval;
    this.running = false;
    this.matrices = null;
    this.lastWrite = 0;
    this.inFlight = 0; // requests the worker has not answered yet
    this.stale = 0; // answers to ignore: computed from positions before the last (re)start
    this.worker = createWorker(workerFunction);
    this.worker.addEventListener("message", (event) => this.receive(event));
  }

  isRunning() {
    return this.running;
  }

  start() {
    if (this.running || !this.graph.order) return this;
    this.stale = this.inFlight; // e.g. a node was dragged meanwhile: those answers are out of date
    this.matrices = graphToByteArrays(this.graph, () => 1);
    this.running = true;
    this.ask(true);
    return this;
  }

  // the answer in flight, if any, still lands in the graph (see receive)
  stop() {
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
    this.inFlight++;
    this.worker.postMessage(payload, buffers); // the buffers move to the worker until it answers
  }

  receive(event) {
    this.inFlight--;
    if (this.stale > 0) {
      this.stale--;
      return;
    }
    if (!this.matrices) return;
    this.matrices.nodes = new Float32Array(event.data.nodes);
    if (!this.running) {
      assignLayoutChanges(this.graph, this.matrices.nodes); // the last positions after a stop
      return;
    }
    const now = performance.now();
    if (now - this.lastWrite >= this.interval()) {
      this.lastWrite = now;
      assignLayoutChanges(this.graph, this.matrices.nodes);
    }
    this.ask(false);
  }
}
