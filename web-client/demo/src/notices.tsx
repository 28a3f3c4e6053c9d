/**
 * Notices of this window: local writes the replica refused (a deleted parent, a tombstone), in
 * words with their code. Never a silent failure; the server's refusals are the rejections panel's.
 */
import { LocalWriteError } from '@tidemark/web-client';
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';

interface Notice {
  id: number;
  code: string;
  text: string;
}

interface Notices {
  notices: Notice[];
  notify(code: string, text: string): void;
  dismiss(id: number): void;
}

const NoticeContext = createContext<Notices | null>(null);
let ids = 0;

export function NoticeProvider({ children }: { children: ReactNode }): ReactNode {
  const [notices, setNotices] = useState<Notice[]>([]);
  const notify = useCallback((code: string, text: string) => setNotices((n) => [...n, { id: ++ids, code, text }]), []);
  const dismiss = useCallback((id: number) => setNotices((n) => n.filter((x) => x.id !== id)), []);
  const value = useMemo(() => ({ notices, notify, dismiss }), [notices, notify, dismiss]);
  return <NoticeContext.Provider value={value}>{children}</NoticeContext.Provider>;
}

function useNotices(): Notices {
  const notices = useContext(NoticeContext);
  if (!notices) throw new Error('render inside <NoticeProvider>');
  return notices;
}

/** Adds a notice: `notify(code, text)`. */
export function useNotify(): (code: string, text: string) => void {
  return useNotices().notify;
}

/** Runs a local write; a refusal of the replica becomes a notice. */
export function useWrite(): (change: () => PromiseLike<unknown>) => void {
  const { notify } = useNotices();
  return useCallback((change) => {
    void (async () => {
      try {
        await change();
      } catch (e) {
        notify(e instanceof LocalWriteError ? e.code : 'ERROR', `Your change was not made: ${(e as Error).message}.`);
      }
    })();
  }, [notify]);
}

export function NoticeList(): ReactNode {
  const { notices, dismiss } = useNotices();
  if (notices.length === 0) return null;
  return (
    <section className="notices" aria-live="polite">
      {notices.map((n) => (
        <div key={n.id} className="notice" data-testid="notice" data-reason={n.code}>
          <span className="notice-text">{n.text}</span>
          <code className="reason">{n.code}</code>
          <button type="button" className="link" onClick={() => dismiss(n.id)}>Dismiss</button>
        </div>
      ))}
    </section>
  );
}
