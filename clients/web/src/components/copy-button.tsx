/**
 * Copies a text to the clipboard and says so. Where the browser refuses (no permission, or a
 * page not served over HTTPS), the text is selected instead so Ctrl+C copies it.
 */
import { useState } from 'react';

export function CopyButton({ text, label, selectTarget }: { text: string; label: string; selectTarget?: () => HTMLElement | null }) {
  const [state, setState] = useState<'idle' | 'copied' | 'manual'>('idle');

  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      const target = selectTarget?.();
      if (target) window.getSelection()?.selectAllChildren(target);
      setState('manual');
    }
  }

  return (
    <>
      <button type="button" onClick={() => void copy()} aria-label={label}>
        {state === 'copied' ? 'Copied' : 'Copy'}
      </button>
      <span className="visually-hidden" role="status">
        {state === 'copied' ? 'Copied to the clipboard.' : state === 'manual' ? 'Selected: press Ctrl+C (⌘C) to copy.' : ''}
      </span>
      {state === 'manual' ? <span className="muted"> Press Ctrl+C (⌘C) to copy.</span> : null}
    </>
  );
}

/** A secret or URL in a box, with its copy button. */
export function CopyableText({ text, label }: { text: string; label: string }) {
  const [node, setNode] = useState<HTMLElement | null>(null);
  return (
    <div className="copyable">
      <code ref={setNode}>{text}</code> <CopyButton text={text} label={label} selectTarget={() => node} />
    </div>
  );
}
