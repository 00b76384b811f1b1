/**
 * Cypher as a CodeMirror 6 language: the legacy Cypher stream parser plus a
 * highlighter that gives every token a stable `runic-cypher-*` class, so themes
 * and tests can find keywords, strings, numbers and parameters by class.
 */
import {
  LanguageSupport,
  StreamLanguage,
  syntaxHighlighting
} from '@codemirror/language';
import { cypher } from '@codemirror/legacy-modes/mode/cypher';
import { tagHighlighter, tags } from '@lezer/highlight';

/** The MIME type runic's Cypher cells are switched to. */
export const CYPHER_MIME = 'application/x-runic-cypher';

/** Name of the language in JupyterLab's editor language registry. */
export const CYPHER_LANGUAGE = 'runic-cypher';

const tokenClasses = tagHighlighter([
  { tag: tags.keyword, class: 'runic-cypher-keyword' },
  { tag: [tags.string, tags.special(tags.string)], class: 'runic-cypher-string' },
  { tag: tags.number, class: 'runic-cypher-number' },
  { tag: tags.comment, class: 'runic-cypher-comment' },
  { tag: tags.operator, class: 'runic-cypher-operator' },
  { tag: tags.atom, class: 'runic-cypher-atom' },
  { tag: tags.propertyName, class: 'runic-cypher-property' },
  {
    tag: [tags.standard(tags.variableName), tags.special(tags.variableName)],
    class: 'runic-cypher-builtin'
  },
  { tag: tags.variableName, class: 'runic-cypher-variable' }
]);

/** A fresh `LanguageSupport` for Cypher with runic's token classes. */
export function cypherSupport(): LanguageSupport {
  return new LanguageSupport(StreamLanguage.define(cypher), [
    syntaxHighlighting(tokenClasses)
  ]);
}
