'use client';
// A short-lived status message ("Copied", "Sent") for a control and for screen readers.
import { useCallback, useEffect, useRef, useState } from 'react';

export function useFeedback(durationMs = 1500): [string | undefined, (message: string) => void] {
  const [message, setMessage] = useState<string>();
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const show = useCallback(
    (m: string) => {
      clearTimeout(timer.current);
      setMessage(m);
      timer.current = setTimeout(() => setMessage(undefined), durationMs);
    },
    [durationMs],
  );
  return [message, show];
}
