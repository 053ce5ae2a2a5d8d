import { useViewStore } from '../store/view-store';

/** Feedback on what the user just did, at the top of the canvas where they are looking. */
export function NoticeBanner() {
  const notice = useViewStore((state) => state.notice);
  const dismiss = useViewStore((state) => state.dismissNotice);
  if (!notice) return null;
  return (
    <div
      className={`pw-notice pw-notice--${notice.tone}`}
      role={notice.tone === 'error' || notice.tone === 'warning' ? 'alert' : 'status'}
      data-testid="notice"
    >
      <div className="pw-notice__text">
        <strong className="pw-notice__title">{notice.title}</strong>
        {notice.message && <span className="pw-notice__message">{notice.message}</span>}
      </div>
      <button type="button" className="pw-icon-button" aria-label="Dismiss" onClick={() => dismiss(notice.id)}>
        ×
      </button>
    </div>
  );
}
