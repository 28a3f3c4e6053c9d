/** The demo app's entry: opens the replica of this window's device, then renders the app on the React bindings. */
import './style.css';
import { TidemarkProvider } from '@tidemark/web-client/react';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import { demoDevice, openDemoClient } from './connect.js';

async function main(): Promise<void> {
  void registerOfflineShell();
  const root = createRoot(document.getElementById('root')!);
  const device = demoDevice();
  document.documentElement.dataset.replica = device.dbName; // the browser tests read the replica by this name
  let client;
  try {
    client = await openDemoClient(device);
  } catch (e) {
    root.render(<p className="fatal" role="alert">The app could not open its replica: {(e as Error).message}</p>);
    return;
  }
  // Hands the leadership and the socket over at once instead of after the lease (a reload, say).
  addEventListener('pagehide', () => void client.close());
  // A page restored from the back/forward cache has a closed client: start afresh.
  addEventListener('pageshow', (e) => { if (e.persisted) location.reload(); });
  root.render(<StrictMode><TidemarkProvider client={client}><App device={device} /></TidemarkProvider></StrictMode>);
}

/** A service worker keeps the page and its assets, so the app opens offline on its replica. */
async function registerOfflineShell(): Promise<void> {
  if (!('serviceWorker' in navigator)) return;
  try {
    await navigator.serviceWorker.register('/sw.js');
    await navigator.serviceWorker.ready;
    document.documentElement.dataset.offlineReady = 'true';
  } catch {
    // No offline shell (a non-secure origin): the app still works while the page is loaded.
  }
}

void main();
