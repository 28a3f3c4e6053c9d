/**
 * The header: the link as the client reports it (Online, Syncing…, Offline, and why), the changes
 * waiting, the app's own online/offline switch (`client.setOnline`: it really closes the socket), and
 * who this window is: its user, and whether it keeps a replica of its own (another device).
 */
import type { ReactNode } from 'react';
import { deviceUrl, type Device } from './connect.js';
import { useClient, useSyncState } from './hooks.js';

export function Header({ device }: { device: Device }): ReactNode {
  return (
    <header className="bar">
      <div className="bar-top">
        <h1>Tidemark <span className="subtitle">offline-first demo</span></h1>
        <LinkSwitch />
      </div>
      <Status />
      <Who device={device} />
    </header>
  );
}

function Status(): ReactNode {
  const state = useSyncState();
  const mode = !state.online ? 'offline' : state.syncing ? 'syncing' : 'online';
  const label = { offline: 'Offline', syncing: 'Syncing…', online: 'Online' }[mode];
  const why = state.online ? '' : state.switchedOff ? ' · switched off' : state.unauthenticated ? ' · sign-in expired'
    : !navigator.onLine ? ' · no network' : ' · connecting…';
  const pending = state.pending === 0 ? 'nothing to send' : `${state.pending} change${state.pending === 1 ? '' : 's'} to send`;
  return (
    <div className={`status ${mode}`} data-testid="status" data-state={mode} data-pending={state.pending} data-leader={String(state.leader)}
      data-rejections={state.rejections} data-switched-off={String(state.switchedOff)} role="status" aria-live="polite" title={state.lastError ?? ''}>
      <span className="dot" />
      <span className="label">{label}{why}</span>
      <span className="pending">{pending}</span>
    </div>
  );
}

/** The app's switch: off closes the socket and sends nothing until on, whatever the network; every tab of this replica follows. */
function LinkSwitch(): ReactNode {
  const client = useClient();
  const { switchedOff } = useSyncState();
  return (
    <button type="button" role="switch" aria-checked={!switchedOff} className="switch" data-testid="link-switch"
      title={switchedOff ? 'Reconnect and sync' : 'Work offline: close the connection to the server'}
      onClick={() => void client.setOnline(switchedOff)}>
      <span className="track" aria-hidden="true"><span className="knob" /></span>
      <span>Online</span>
    </button>
  );
}

function Who({ device }: { device: Device }): ReactNode {
  return (
    <div className="who" data-testid="who">
      <span>Signed in as {device.user.slice(0, 8)}…</span>
      <a href={`/?user=${device.user}`} target="_blank" rel="noreferrer">same user in another window</a>
      <label className="replica-option">
        <input type="checkbox" checked={device.replica !== null} data-testid="separate-replica"
          onChange={(e) => location.assign(deviceUrl(device, e.target.checked))} />
        Separate replica for this window{device.replica ? ` (${device.replica})` : ''}
      </label>
    </div>
  );
}
