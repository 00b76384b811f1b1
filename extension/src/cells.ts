/**
 * Per-cell language switching: a code cell whose first line starts with one of
 * the configured cell magics is shown as Cypher; when the first line changes
 * back, the cell returns to the notebook's own language.
 */
import { ICellModel } from '@jupyterlab/cells';
import { IEditorLanguageRegistry } from '@jupyterlab/codemirror';
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

  /**
   * `languages` is the registry the editors load their languages from: a cell is
   * switched to Cypher only once its current language has loaded, so a slower load
   * that finishes later cannot put the old highlighting back.
   */
  constructor(private readonly languages: IEditorLanguageRegistry) {}

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

  private wantedMime(notebook: Notebook, cell: ICellModel): string {
    return this.options.highlightCypher &&
      isCypherCell(cell.sharedModel.getSource(), this.options.cellMagics)
      ? CYPHER_MIME
      : notebook.codeMimetype;
  }

  private update(notebook: Notebook, cell: ICellModel): void {
    if (cell.type !== 'code') {
      return;
    }
    const wanted = this.wantedMime(notebook, cell);
    if (cell.mimeType !== wanted) {
      if (wanted === CYPHER_MIME) {
        this.switchToCypherAfterLoad(notebook, cell);
      } else {
        cell.mimeType = wanted;
      }
    }
    this.markCell(notebook, cell, wanted);
  }

  /**
   * Editors resolve a MIME type to a language asynchronously and apply whichever
   * load finishes last; wait for the cell's current language (and one more turn of
   * the event loop) before asking for Cypher.
   */
  private switchToCypherAfterLoad(notebook: Notebook, cell: ICellModel): void {
    const current = cell.mimeType;
    this.languages
      .getLanguage(current)
      .catch(() => null)
      .then(() => new Promise(resolve => setTimeout(resolve, 0)))
      .then(() => {
        if (cell.isDisposed) {
          return;
        }
        const wanted = this.wantedMime(notebook, cell);
        if (wanted === CYPHER_MIME && cell.mimeType !== CYPHER_MIME) {
          cell.mimeType = CYPHER_MIME;
        }
        this.markCell(notebook, cell, wanted);
      });
  }

  private markCell(notebook: Notebook, cell: ICellModel, mime: string): void {
    const widget = notebook.widgets.find(w => w.model === cell);
    widget?.toggleClass('runic-cypher-cell', mime === CYPHER_MIME);
  }
}
