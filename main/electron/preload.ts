import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';

/** The renderer's only door to the main process: call an API method, listen to an API event. */
contextBridge.exposeInMainWorld('atrium', {
  call: (method: string, req: unknown) => ipcRenderer.invoke('atrium:call', method, req),
  on: (event: string, listener: (payload: unknown) => void) => {
    const channel = `atrium:event:${event}`;
    const wrapped = (_e: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(channel, wrapped);
    return () => ipcRenderer.removeListener(channel, wrapped);
  },
});
