import { ProjectStore } from '../store/projectStore.ts';
import type { Command } from './command.ts';
import { requireArg } from './openProject.ts';

export const runInit: Command = {
  usage: 'init <project>',
  options: {},
  run(positionals) {
    const store = ProjectStore.create(requireArg(positionals, 0, '<project>'));
    console.log(`created project ${store.folder}`);
    store.close();
  },
};
