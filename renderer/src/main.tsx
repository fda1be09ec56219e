// The shared styles first: each feature's own (imported by its components) come after them in
// the bundle, so a feature's rule wins over a shared control's rule of equal specificity.
import './base.css';
import './controls.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { ApiClient } from '../../shared/api.ts';
import { ApiProvider } from './api/ApiProvider.tsx';
import { createClient } from './api/client.ts';
import { App } from './app/App.tsx';

const root = createRoot(document.getElementById('root')!);
let client: ApiClient | null = null;
let startupError: string | null = null;
try {
  client = createClient();
} catch (err) {
  startupError = err instanceof Error ? err.message : String(err);
}

root.render(
  <StrictMode>
    {client ? (
      <ApiProvider client={client}>
        <App />
      </ApiProvider>
    ) : (
      <div className="fatal" role="alert" data-testid="fatal">
        <h1>Atrium cannot start</h1>
        <p>{startupError}</p>
      </div>
    )}
  </StrictMode>,
);
