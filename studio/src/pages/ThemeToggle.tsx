import { useEffect } from 'react';
import { useViewStore } from '../store/view-store';

/** Switches between the light and the dark theme; the choice is kept in this browser. */
export function ThemeToggle() {
  const theme = useViewStore((state) => state.theme);
  const setTheme = useViewStore((state) => state.setTheme);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  const next = theme === 'dark' ? 'light' : 'dark';
  return (
    <button
      type="button"
      className="pw-icon-button"
      aria-label={`Switch to the ${next} theme`}
      title={`Switch to the ${next} theme`}
      onClick={() => setTheme(next)}
    >
      {theme === 'dark' ? '☀' : '☾'}
    </button>
  );
}
