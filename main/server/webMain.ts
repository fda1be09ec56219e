import { join } from 'node:path';
import { createAppContext } from '../api/appContext.ts';
import { REPO_ROOT } from '../api/codeVersion.ts';
import { startBridge } from './bridgeServer.ts';

/** Browser mode: the same API and UI as the desktop window, served on 127.0.0.1. */
async function main(): Promise<void> {
  const portArg = process.argv.indexOf('--port');
  const port = portArg > 0 ? Number(process.argv[portArg + 1]) : Number(process.env.ATRIUM_PORT ?? 0);
  const ctx = createAppContext({ shell: 'browser' });
  const project = ctx.workspace.openStartupProject();
  const bridge = await startBridge({
    handlers: ctx.handlers,
    hub: ctx.hub,
    staticDir: join(REPO_ROOT, 'dist', 'renderer'),
    port,
    token: process.env.ATRIUM_TOKEN || undefined,
  });
  console.log(`Atrium is serving project "${project.name}" (${project.path})`);
  console.log(`Open ${bridge.appUrl}`);
  const stop = async () => {
    await ctx.jobs.shutdown();
    await bridge.close();
    ctx.workspace.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err) => {
  console.error(`atrium: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
