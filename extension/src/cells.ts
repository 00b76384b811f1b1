/**
 * Per-cell language switching: a code cell whose first line starts with one of
 * the configured cell magics is shown as Cypher; when the first line changes
 * back, the cell returns to the notebook's own language.
 */
import { ICellModel } from '@jupyterlab/cells';
import { Notebook, NotebookPanel } from '@jupyterlab/notebook';

import { CYPHER_MIME } from './cypher';

/** The options read from the settings registry. */
export interface IHighlightOptions {
  highlightCypher: boolean;
  cellMagics: string[];
}

export const DEFAULT_OPTIONS: IHighlightOptions = {
  highlightCypher: true,
  cellMagics: ['%%runic']
};

/** The first line of `source`, without leading blanks. */
export function firstLine(source: string): string {
  const trimmed = source.replace(/^\s+/, '');
  const end = trimmed.indexOf('\n');
  return end === -1 ? trimmed : trimmed.slice(0, end);
}

/** Does `source` start with one of `magics` as a whole word (`%%runic`, not `%%runicx`)? */
export function isCypherCell(source: string, magics: string[]): boolean {
  const line = firstLine(source);
  return magics.some(
    magic => line === magic || line.startsWith(magic + ' ') || line.startsWith(magic + '\t')
  );
}

/** Watches the cells of every notebook and keeps each one's MIME type right. */
export class CypherCellSwitcher {
  private options: IHighlightOptions = DEFAULT_OPTIONS;
  private readonly panels = new Set<NotebookPanel>();
  private readonly watched = new WeakSet<ICellModel>();

  /** Apply new options to every open notebook. */
  configure(options: IHighlightOptions): void {
    this.options = options;
    this.panels.forEach(panel => this.refreshNotebook(panel.content));
  }

  /** Start watching a notebook panel; it is forgotten when disposed. */
  track(panel: NotebookPanel): void {
    this.panels.add(panel);
    panel.disposed.connect(() => this.panels.delete(panel));
    const attach = () => {
      const model = panel.content.model;
      if (!model) {
        return;
      }
      for (const cell of model.cells) {
        this.watch(panel.content, cell);
      }
      model.cells.changed.connect((_, change) => {
        if (change.type === 'add' || change.type === 'set') {
          change.newValues.forEach(cell => this.watch(panel.content, cell));
        }
      });
    };
    panel.context.ready.then(attach).catch(reason => {
      console.warn('runic-lab: could not watch notebook cells', reason);
    });
    panel.content.modelChanged.connect(attach);
  }

  private refreshNotebook(notebook: Notebook): void {
    const model = notebook.model;
    if (!model) {
      return;
    }
    for (const cell of model.cells) {
      this.update(notebook, cell);
    }
  }

  private watch(notebook: Notebook, cell: ICellModel): void {
    if (cell.type !== 'code' || this.watched.has(cell)) {
      this.update(notebook, cell);
      return;
    }
    this.watched.add(cell);
    cell.sharedModel.changed.connect((_, change) => {
      if (change.sourceChange) {
        this.update(notebook, cell);
      }
    });
    // the notebook resets every code cell's MIME type when the kernel language
    // arrives; put Cypher back on the cells that need it
    cell.mimeTypeChanged.connect(() => this.update(notebook, cell));
    this.update(notebook, cell);
  }

  private update(notebook: Notebook, cell: ICellModel): void {
    if (cell.type !== 'code') {
      return;
    }
    const wanted =
      this.options.highlightCypher &&
      isCypherCell(cell.sharedModel.getSource(), this.options.cellMagics)
        ? CYPHER_MIME
        : notebook.codeMimetype;
    if (cell.mimeType !== wanted) {
      cell.mimeType = wanted;
    }
    const widget = notebook.widgets.find(w => w.model === cell);
    widget?.toggleClass('runic-cypher-cell', wanted === CYPHER_MIME);
  }
}
