import { ApiError, type ApiClient, type ApiErrorShape, type EventName, type Events, type Method, type Request, type Results } from '../../../shared/api.ts';
import { decodeFrame, encodeFrame } from '../../../shared/wire.ts';

type SocketLike = {
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  close(): void;
};
type SocketFactory = (url: string) => SocketLike;

/**
 * API client over the loopback bridge: POST /api/<method> with a binary frame, events over a
 * WebSocket that reconnects when the server restarts.
 */
export class BridgeClient implements ApiClient {
  private readonly listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  private socket: SocketLike | null = null;
  private closed = false;

  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly openSocket: SocketFactory = (url) => new WebSocket(url) as unknown as SocketLike,
  ) {}

  async call<M extends Method>(method: M, req: Request<M>): Promise<Results[M]> {
    const response = await fetch(`${this.baseUrl}/api/${encodeURIComponent(method)}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/octet-stream', 'X-Atrium-Token': this.token },
      body: encodeFrame(req),
    });
    const body = decodeFrame(await response.arrayBuffer()) as { ok: true; result: Results[M] } | { ok: false; error: ApiErrorShape };
    if (!body.ok) throw new ApiError(body.error.code, body.error.message);
    return body.result;
  }

  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as (payload: unknown) => void);
    this.connect();
    return () => set.delete(listener as (payload: unknown) => void);
  }

  close(): void {
    this.closed = true;
    this.socket?.close();
  }

  private connect(): void {
    if (this.socket || this.closed) return;
    const wsUrl = `${this.baseUrl.replace(/^http/, 'ws')}/events?token=${encodeURIComponent(this.token)}`;
    const socket = this.openSocket(wsUrl);
    this.socket = socket;
    socket.onmessage = (ev) => {
      const { event, payload } = JSON.parse(String(ev.data)) as { event: EventName; payload: unknown };
      for (const listener of this.listeners.get(event) ?? []) listener(payload);
    };
    socket.onclose = () => {
      this.socket = null;
      if (!this.closed) setTimeout(() => this.connect(), 1000);
    };
  }
}
