import { EventEmitter } from 'node:events';
import type { EventName, Events } from '../../shared/api.ts';

/** Fan-out of API events to every transport (IPC windows, WebSocket clients). */
export class EventHub {
  private readonly emitter = new EventEmitter();

  emit<E extends EventName>(event: E, payload: Events[E]): void {
    this.emitter.emit(event, payload);
  }

  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }
}
