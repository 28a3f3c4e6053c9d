/** Small pieces of the demo's cards: the card itself, a one-line "add" form and a rename box. */
import { useState, type ReactNode } from 'react';

export interface Field {
  name: string;
  label: string;
  placeholder: string;
  type?: string;
  required?: boolean;
}

/** A form that adds a row: the values trimmed, sent only when the required fields are filled, then cleared. */
export function AddForm({ id, fields, submit, onAdd }: { id: string; fields: Field[]; submit: string; onAdd(values: Record<string, string>): void }): ReactNode {
  const empty = Object.fromEntries(fields.map((f) => [f.name, '']));
  const [values, setValues] = useState<Record<string, string>>(empty);
  return (
    <form id={id} className="new" onSubmit={(e) => {
      e.preventDefault();
      const trimmed = Object.fromEntries(fields.map((f) => [f.name, (values[f.name] ?? '').trim()]));
      if (fields.some((f) => f.required && !trimmed[f.name])) return;
      setValues(empty);
      onAdd(trimmed);
    }}>
      {fields.map((f) => (
        <input key={f.name} name={f.name} type={f.type ?? 'text'} placeholder={f.placeholder} aria-label={f.label} required={f.required}
          value={values[f.name] ?? ''} onChange={(e) => setValues({ ...values, [f.name]: e.target.value })} />
      ))}
      <button type="submit">{submit}</button>
    </form>
  );
}

/** The rename box that replaces a row's head while it is edited: Escape or Cancel leaves it. */
export function RenameForm({ name, onSave, onCancel }: { name: string; onSave(name: string): void; onCancel(): void }): ReactNode {
  const [value, setValue] = useState(name);
  return (
    <form className="item-head editing" onSubmit={(e) => { e.preventDefault(); if (value.trim()) onSave(value.trim()); }}>
      <input className="rename" aria-label={`New name for ${name}`} data-testid="rename-input" value={value} autoFocus
        onChange={(e) => setValue(e.target.value)} onKeyDown={(e) => { if (e.key === 'Escape') onCancel(); }} />
      <button type="submit">Save</button>
      <button type="button" className="secondary" onClick={onCancel}>Cancel</button>
    </form>
  );
}

/** A titled card of the page (a landmark named by its title). */
export function Card({ id, title, className, children }: { id: string; title: string; className?: string; children: ReactNode }): ReactNode {
  return (
    <section className={className ? `card ${className}` : 'card'} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      {children}
    </section>
  );
}
