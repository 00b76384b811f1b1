/**
 * runic-lab: JupyterLab 4 plugins for runic notebooks.
 *
 * `runic-lab:cypher-highlighting` registers Cypher with the editor language registry
 * and switches each `%%runic` cell to it, following the cell's first line as it is
 * edited, and marks `%runic` line magics inside ordinary cells (the magic, its
 * subcommand, options and one-line Cypher). Its options live in the settings
 * registry under the same id.
 */
import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  EditorExtensionRegistry,
  IEditorExtensionRegistry,
  IEditorLanguageRegistry
} from '@jupyterlab/codemirror';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';

import { CypherCellSwitcher, DEFAULT_OPTIONS, IHighlightOptions } from './cells';
import { CYPHER_LANGUAGE, CYPHER_MIME, cypherSupport } from './cypher';
import { lineMagicHighlighter } from './lineMagics';

const PLUGIN_ID = 'runic-lab:plugin';

function readOptions(settings: ISettingRegistry.ISettings): IHighlightOptions {
  const magics = settings.get('cellMagics').composite as string[] | undefined;
  const enabled = settings.get('highlightCypher').composite as boolean | undefined;
  return {
    highlightCypher: enabled ?? DEFAULT_OPTIONS.highlightCypher,
    cellMagics: magics && magics.length ? magics : DEFAULT_OPTIONS.cellMagics
  };
}

const cypherHighlighting: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'Cypher syntax highlighting in %%runic cells.',
  autoStart: true,
  requires: [INotebookTracker, IEditorLanguageRegistry],
  optional: [ISettingRegistry, IEditorExtensionRegistry],
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    languages: IEditorLanguageRegistry,
    settingRegistry: ISettingRegistry | null,
    editorExtensions: IEditorExtensionRegistry | null
  ) => {
    if (editorExtensions) {
      editorExtensions.addExtension({
        name: 'runic-lab:line-magics',
        factory: () => EditorExtensionRegistry.createImmutableExtension(lineMagicHighlighter)
      });
    }
    languages.addLanguage({
      name: CYPHER_LANGUAGE,
      displayName: 'Cypher (runic)',
      mime: CYPHER_MIME,
      extensions: [],
      support: cypherSupport()
    });

    const switcher = new CypherCellSwitcher(languages);
    tracker.forEach(panel => switcher.track(panel));
    tracker.widgetAdded.connect((_, panel) => switcher.track(panel));

    if (settingRegistry) {
      settingRegistry
        .load(PLUGIN_ID)
        .then(settings => {
          const apply = () => {
            const options = readOptions(settings);
            switcher.configure(options);
            document.body.dataset.runicLabHighlight = String(options.highlightCypher);
          };
          apply();
          settings.changed.connect(apply);
        })
        .catch(reason => {
          console.warn('runic-lab: settings not loaded, using defaults', reason);
        });
    }
    document.body.dataset.runicLab = 'loaded';
  }
};

export default [cypherHighlighting];
