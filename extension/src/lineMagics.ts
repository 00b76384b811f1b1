/**
 * `%runic` line magics in ordinary (Python) cells: the magic, its subcommand, its
 * options and the one-line Cypher after them get their own classes and colours,
 * while the rest of the cell keeps its language. A CodeMirror 6 view plugin that
 * re-marks only the visible lines on every change.
 */
import { RangeSetBuilder } from '@codemirror/state';
import {
  Decoration,
  DecorationSet,
  EditorView,
  ViewPlugin,
  ViewUpdate
} from '@codemirror/view';

/** `%runic` at the start of a line or after `name =` (not the `%%runic` cell magic). */
const LINE = /^(\s*(?:[A-Za-z_][\w.]*\s*=\s*)?)(%runic)(?=\s|$)/;

const SUBCOMMANDS = new Set([
  'connect', 'connections', 'use', 'close', 'schema', 'history', 'saved', 'run',
  'plot', 'migrate', 'help'
]);

const KEYWORDS = new Set(
  (
    'match optional where return with unwind order by skip limit create merge on set ' +
    'delete detach remove call yield union all distinct as and or xor not in is null ' +
    'starts ends contains case when then else end asc desc exists foreach explain profile true false'
  ).split(' ')
);

const TOKEN =
  /(#.*$)|('(?:[^'\\]|\\.)*'?|"(?:[^"\\]|\\.)*"?)|(\$[A-Za-z_]\w*)|(--?[A-Za-z][\w-]*)|(\b\d+(?:\.\d+)?\b)|([A-Za-z_]\w*)/g;

/** `[from, to, class]` spans for the text after `%runic` on one line (offsets in `text`). */
export function lineMagicTokens(text: string): Array<[number, number, string]> {
  const head = LINE.exec(text);
  if (!head) {
    return [];
  }
  const spans: Array<[number, number, string]> = [];
  const start = head[1].length;
  spans.push([start, start + head[2].length, 'runic-magic-name']);
  TOKEN.lastIndex = start + head[2].length;
  let first = true;
  let match: RegExpExecArray | null;
  while ((match = TOKEN.exec(text)) !== null) {
    const from = match.index;
    const to = from + match[0].length;
    if (match[1]) {
      spans.push([from, to, 'runic-cypher-comment']);
      break;
    } else if (match[2]) {
      spans.push([from, to, 'runic-cypher-string']);
    } else if (match[3]) {
      spans.push([from, to, 'runic-cypher-param']);
    } else if (match[4]) {
      spans.push([from, to, 'runic-magic-option']);
    } else if (match[5]) {
      spans.push([from, to, 'runic-cypher-number']);
    } else if (match[6]) {
      const word = match[6];
      if (first && SUBCOMMANDS.has(word)) {
        spans.push([from, to, 'runic-magic-subcommand']);
      } else if (KEYWORDS.has(word.toLowerCase())) {
        spans.push([from, to, 'runic-cypher-keyword']);
      }
    }
    first = false;
  }
  return spans;
}

function enabled(): boolean {
  return document.body.dataset.runicLabHighlight !== 'false';
}

function decorate(view: EditorView): DecorationSet {
  const builder = new RangeSetBuilder<Decoration>();
  if (!enabled()) {
    return builder.finish();
  }
  const doc = view.state.doc;
  for (const { from, to } of view.visibleRanges) {
    let pos = from;
    while (pos <= to) {
      const line = doc.lineAt(pos);
      if (line.text.includes('%runic')) {
        for (const [a, b, cls] of lineMagicTokens(line.text)) {
          builder.add(line.from + a, line.from + b, Decoration.mark({ class: `runic-line-magic ${cls}` }));
        }
      }
      pos = line.to + 1;
    }
  }
  return builder.finish();
}

/** The view plugin that marks `%runic` lines. */
export const lineMagicHighlighter = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet;

    constructor(view: EditorView) {
      this.decorations = decorate(view);
    }

    update(update: ViewUpdate): void {
      if (update.docChanged || update.viewportChanged || update.focusChanged) {
        this.decorations = decorate(update.view);
      }
    }
  },
  { decorations: plugin => plugin.decorations }
);
