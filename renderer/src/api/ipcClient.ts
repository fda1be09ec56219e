import { ApiError, type ApiClient, type ApiErrorShape, type EventName, type Events, type Method, type Request, type Results } from '../../../shared/api.ts';

/** What main/electron/preload.ts exposes on window.atrium through contextBridge. */
export interface PreloadBridge {
  call(method: string, req: unknown): Promise<{ ok: true; result: unknown } | { ok: false; error: ApiErrorShape }>;
  on(event: string, listener: (payload: unknown) => void): () => void;
}

/** API client inside the Electron window: the same calls over IPC, structured clone keeps ArrayBuffers binary. */
export class IpcClient implements ApiClient {
  constructor(private readonly bridge: PreloadBridge) {}

  async call<M extends Method>(method: M, req: Request<M>): Promise<Results[M]> {
    const reply = await this.bridge.call(method, req);
    if (!reply.ok) throw new ApiError(reply.error.code, reply.error.message);
    return reply.result as Results[M];
  }

  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
    return this.bridge.on(event, listener as (payload: unknown) => void);
  }
}
