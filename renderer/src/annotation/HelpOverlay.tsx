import { Dialog } from '../app/Dialog.tsx';
import { SHORTCUT_HELP } from './shortcuts.ts';

/** Every keyboard shortcut, opened with "?". */
export function HelpOverlay({ onClose }: { onClose(): void }) {
  return (
    <Dialog
      title="Keyboard shortcuts"
      testId="help-overlay"
      onClose={onClose}
      onSubmit={onClose}
      footer={
        <button type="submit" className="button button--primary" autoFocus>
          Close
        </button>
      }
    >
      <div className="shortcut-groups">
        {SHORTCUT_HELP.map((g) => (
          <section key={g.group}>
            <h3 className="panel-header__title">{g.group}</h3>
            <dl className="shortcut-list">
              {g.items.map((item) => (
                <div key={item.keys} className="shortcut-list__row">
                  <dt>
                    <kbd>{item.keys}</kbd>
                  </dt>
                  <dd>{item.does}</dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </div>
    </Dialog>
  );
}
