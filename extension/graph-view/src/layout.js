// ForceAtlas2 in a web worker (graphology's own worker code), writing positions into the
// graph no more often than the page can redraw them: with 10,000 nodes a redraw costs more
// than an iteration, so the main thread would otherwise spend all its time redrawing.
//
// Positions land in one bulk write per animation frame at most: the newest answer is copied
// into a buffer kept for the whole run (older answers not yet drawn are simply overwritten),
// then written straight into the nodes' attribute objects with no per-node graphology events,
// and onWrite() tells the renderer to redraw once.
import { createWorker, graphToByteArrays } from "graphology-layout-forceatlas2/helpers";
import DEFAULT_SETTINGS from "graphology-layout-forceatlas2/defaults";
import workerFunction from "graphology-layout-forceatlas2/webworker";

const PPN = 10; // numbers per node in graphology's ForceAtlas2 node matrix (x, y first)

export class WorkerLayout {
  // interval(): milliseconds to wait between two writes into the graph
  // onWrite(): called once after each bulk write of positions into the graph
  constructor(graph, settings, interval, onWrite = () => {}) {
    this.graph = graph;
    this.settings = { ...DEFAULT_SETTINGS, ...settings };
    this.interval = interval;
    this.onWrite = onWrite;
    this.running = false;
    this.matrices = null;
    this.latest = null; // the newest positions not yet written, copied out of the worker's answer
    this.pending = false;
    this.frame = 0;
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
    this.cancelFrame();
    this.pending = false;
    this.matrices = graphToByteArrays(this.graph, () => 1);
    if (!this.latest || this.latest.length !== this.matrices.nodes.length) {
      this.latest = new Float32Array(this.matrices.nodes.length);
    }
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
    this.pending = false;
    this.cancelFrame();
    this.worker.terminate();
  }

  cancelFrame() {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
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

  // write the newest positions into the graph: one pass, no events, one redraw
  write() {
    this.frame = 0;
    if (!this.pending || !this.matrices) return;
    this.pending = false;
    const xy = this.latest;
    let i = 0;
    this.graph.forEachNode((node, attrs) => {
      attrs.x = xy[i];
      attrs.y = xy[i + 1];
      i += PPN;
    });
    this.lastWrite = performance.now();
    this.onWrite();
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
      // the last positions after a stop: written now, so a caller reading the graph sees them
      this.cancelFrame();
      this.latest.set(this.matrices.nodes);
      this.pending = true;
      this.write();
      return;
    }
    if (!this.frame && performance.now() - this.lastWrite >= this.interval()) {
      this.latest.set(this.matrices.nodes);
      this.pending = true;
      this.frame = requestAnimationFrame(() => this.write());
    } else if (this.frame) {
      this.latest.set(this.matrices.nodes); // a newer answer before the frame: draw that one
    }
    this.ask(false); // the node buffer goes back to the worker; `latest` keeps our copy
  }
}
