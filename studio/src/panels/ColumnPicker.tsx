import { useEffect, useMemo, useState } from 'react';
import { useCombobox, useMultipleSelection } from 'downshift';
import type { ColumnInfo } from '@pipewright/nodes/descriptions';

/**
 * Picks columns of a table whose schema is known (the columns flowing into a
 * node, a template's dataset), showing each column's type, and still takes a
 * typed name: a column a node upstream will create does not exist yet.
 * `multiple` edits a list of names (chips); otherwise one name.
 */
export interface ColumnPickerProps {
  id: string;
  /** The `data-testid` of the text input. */
  testId: string;
  columns: ColumnInfo[];
  value: unknown;
  multiple: boolean;
  onChange: (value: string | string[] | undefined) => void;
  invalid?: boolean;
  placeholder?: string;
  disabled?: boolean;
  /** Read by screen readers for the input, e.g. the field label. */
  'aria-label'?: string;
}

export function ColumnPicker(props: ColumnPickerProps) {
  return props.multiple ? <MultiColumnPicker {...props} /> : <SingleColumnPicker {...props} />;
}

const TYPE_LABELS: Record<string, string> = { number: 'num', string: 'text', boolean: 'bool' };

function ColumnOption({ column }: { column: ColumnInfo }) {
  return (
    <>
      <span className="pw-column-picker__name">{column.name}</span>
      <span className="pw-column-picker__type" title={column.sqlType}>
        {TYPE_LABELS[column.type] ?? column.type}
      </span>
    </>
  );
}

/** Columns whose name contains the typed text (all of them when nothing is typed). */
function matching(columns: ColumnInfo[], text: string, exclude: ReadonlySet<string> = new Set()): ColumnInfo[] {
  const needle = text.trim().toLowerCase();
  return columns.filter((column) => !exclude.has(column.name) && column.name.toLowerCase().includes(needle));
}

function Menu({
  open,
  columns,
  known,
  highlightedIndex,
  getMenuProps,
  getItemProps,
  onPick,
}: {
  open: boolean;
  columns: ColumnInfo[];
  known: boolean;
  highlightedIndex: number;
  getMenuProps: ReturnType<typeof useCombobox<ColumnInfo>>['getMenuProps'];
  getItemProps: ReturnType<typeof useCombobox<ColumnInfo>>['getItemProps'];
  /** Called in the click itself (before downshift's own handling). */
  onPick?: (column: ColumnInfo) => void;
}) {
  return (
    <ul className="pw-column-picker__menu" {...getMenuProps()} hidden={!open}>
      {open &&
        columns.map((column, index) => (
          <li
            key={column.name}
            className={`pw-column-picker__item${highlightedIndex === index ? ' pw-column-picker__item--active' : ''}`}
            data-testid={`column-option-${column.name}`}
            {...getItemProps({ item: column, index, onClick: onPick && (() => onPick(column)) })}
          >
            <ColumnOption column={column} />
          </li>
        ))}
      {open && columns.length === 0 && (
        <li className="pw-column-picker__empty" role="presentation">
          {known ? 'No other column matches: the typed name is kept.' : 'Run the pipeline to list the columns here.'}
        </li>
      )}
    </ul>
  );
}

function UnknownNote({ names, columns }: { names: string[]; columns: ColumnInfo[] }) {
  if (columns.length === 0) return null;
  const unknown = names.filter((name) => !columns.some((column) => column.name === name));
  if (unknown.length === 0) return null;
  return (
    <p className="pw-column-picker__note" data-testid="column-not-upstream">
      {unknown.map((name) => `"${name}"`).join(', ')} {unknown.length > 1 ? 'are' : 'is'} not a column of the input
      table (in the last run)
    </p>
  );
}

function SingleColumnPicker({
  id,
  testId,
  columns,
  value,
  onChange,
  invalid,
  placeholder,
  disabled,
  ...rest
}: ColumnPickerProps) {
  const current = typeof value === 'string' ? value : '';
  const [text, setText] = useState(current);
  // Follows the value when it changes elsewhere (undo, a binding removed).
  useEffect(() => setText(current), [current]);
  const exact = columns.some((column) => column.name === text);
  const items = useMemo(() => (exact ? columns : matching(columns, text)), [columns, text, exact]);
  const combobox = useCombobox<ColumnInfo>({
    id: `${id}__picker`,
    inputId: id,
    items,
    inputValue: text,
    selectedItem: columns.find((column) => column.name === current) ?? null,
    itemToString: (column) => column?.name ?? '',
    // Escape closes the menu and never clears the name (downshift clears it when the menu is already closed).
    // Nor does the column list changing: while a run is on, the input's columns are unknown for a moment, the
    // selected column goes to null, and downshift would empty the input and with it the param.
    stateReducer: (state, { type, changes }) =>
      type === useCombobox.stateChangeTypes.InputKeyDownEscape
        ? { ...changes, inputValue: state.inputValue, selectedItem: state.selectedItem }
        : type === useCombobox.stateChangeTypes.ControlledPropUpdatedSelectedItem
          ? { ...changes, inputValue: state.inputValue }
          : changes,
    // Picking an item writes its name into the input, so this sees both picks and typing.
    onInputValueChange: ({ inputValue }) => {
      setText(inputValue);
      const typed = inputValue.trim();
      if (typed !== current) onChange(typed === '' ? undefined : typed);
    },
  });
  const type = columns.find((column) => column.name === current);
  return (
    <div className="pw-column-picker">
      <div className="pw-column-picker__control">
        <input
          className="pw-input"
          data-testid={testId}
          aria-invalid={invalid}
          placeholder={placeholder ?? (columns.length ? 'pick or type a column' : 'column name')}
          disabled={disabled}
          {...combobox.getInputProps({ 'aria-label': rest['aria-label'] })}
        />
        {type && (
          <span className="pw-column-picker__type pw-column-picker__type--inline" data-testid={`${testId}-type`}>
            {TYPE_LABELS[type.type] ?? type.type}
          </span>
        )}
        <button
          type="button"
          className="pw-column-picker__toggle"
          aria-label="Show columns"
          disabled={disabled}
          {...combobox.getToggleButtonProps()}
        >
          ▾
        </button>
      </div>
      <Menu
        open={combobox.isOpen}
        columns={items}
        known={columns.length > 0}
        highlightedIndex={combobox.highlightedIndex}
        getMenuProps={combobox.getMenuProps}
        getItemProps={combobox.getItemProps}
      />
      <UnknownNote names={current ? [current] : []} columns={columns} />
    </div>
  );
}

function MultiColumnPicker({
  id,
  testId,
  columns,
  value,
  onChange,
  invalid,
  placeholder,
  disabled,
  ...rest
}: ColumnPickerProps) {
  const selected = useMemo(
    () => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []),
    [value],
  );
  const [text, setText] = useState('');
  const commit = (names: string[]) => onChange(names.length ? names : undefined);
  const add = (names: string[]) => {
    const fresh = names.map((name) => name.trim()).filter((name) => name && !selected.includes(name));
    if (fresh.length) commit([...selected, ...new Set(fresh)]);
  };
  const items = useMemo(() => matching(columns, text, new Set(selected)), [columns, text, selected]);
  const selection = useMultipleSelection<string>({
    selectedItems: selected,
    onSelectedItemsChange: ({ selectedItems }) => commit(selectedItems),
  });
  const combobox = useCombobox<ColumnInfo>({
    id: `${id}__picker`,
    inputId: id,
    items,
    inputValue: text,
    selectedItem: null,
    itemToString: (column) => column?.name ?? '',
    stateReducer: (state, { type, changes }) => {
      // Leaving the input keeps what was typed (added as a name below) rather than the highlighted column.
      if (type === useCombobox.stateChangeTypes.InputBlur || type === useCombobox.stateChangeTypes.InputKeyDownEscape) {
        return { ...changes, selectedItem: null, inputValue: state.inputValue };
      }
      // Stay open after a pick so several columns are picked in a row.
      if (type === useCombobox.stateChangeTypes.InputKeyDownEnter || type === useCombobox.stateChangeTypes.ItemClick) {
        return { ...changes, isOpen: true, highlightedIndex: -1, inputValue: '' };
      }
      return changes;
    },
    // A pick is added in its own click or key press (onPick, onKeyDown below), not in downshift's onStateChange,
    // which runs in an effect after downshift's render: there, a second column picked right after the first was
    // sometimes lost (1 run in 5 of the picker's browser test).
    onInputValueChange: ({ inputValue }) => {
      // A comma ends a name, so `a, b` typed or pasted adds both.
      if (inputValue.includes(',')) {
        const parts = inputValue.split(',');
        add(parts.slice(0, -1));
        setText(parts.at(-1)!.trimStart());
      } else setText(inputValue);
    },
  });
  const pick = (column: ColumnInfo) => {
    add([column.name]);
    setText('');
  };
  const takeTyped = () => {
    if (text.trim()) {
      add([text]);
      setText('');
    }
  };
  return (
    <div className="pw-column-picker">
      <div className={`pw-column-picker__control pw-column-picker__control--chips pw-input`} aria-invalid={invalid}>
        {selected.map((name, index) => {
          const column = columns.find((candidate) => candidate.name === name);
          return (
            <span
              key={name}
              className={`pw-chip${column || columns.length === 0 ? '' : ' pw-chip--unknown'}`}
              data-testid={`chip-${name}`}
              {...selection.getSelectedItemProps({ selectedItem: name, index })}
            >
              {name}
              {column && <span className="pw-column-picker__type">{TYPE_LABELS[column.type] ?? column.type}</span>}
              <button
                type="button"
                className="pw-chip__remove"
                aria-label={`Remove ${name}`}
                disabled={disabled}
                onClick={(event) => {
                  event.stopPropagation();
                  selection.removeSelectedItem(name);
                }}
              >
                ×
              </button>
            </span>
          );
        })}
        <input
          className="pw-column-picker__chip-input"
          data-testid={testId}
          placeholder={selected.length ? '' : (placeholder ?? (columns.length ? 'pick or type columns' : 'a, b'))}
          disabled={disabled}
          {...combobox.getInputProps({
            ...selection.getDropdownProps({ preventKeyAction: combobox.isOpen }),
            'aria-label': rest['aria-label'],
            // Enter adds the highlighted column, or a typed name that no column matches as it is.
            onKeyDown: (event) => {
              if (event.key !== 'Enter') return;
              const highlighted = items[combobox.highlightedIndex];
              if (highlighted) pick(highlighted);
              else if (text.trim()) {
                event.preventDefault();
                takeTyped();
              }
            },
            onBlur: takeTyped,
          })}
        />
        <button
          type="button"
          className="pw-column-picker__toggle"
          aria-label="Show columns"
          disabled={disabled}
          {...combobox.getToggleButtonProps()}
        >
          ▾
        </button>
      </div>
      <Menu
        open={combobox.isOpen}
        columns={items}
        known={columns.length > 0}
        highlightedIndex={combobox.highlightedIndex}
        getMenuProps={combobox.getMenuProps}
        getItemProps={combobox.getItemProps}
        onPick={pick}
      />
      <UnknownNote names={selected} columns={columns} />
    </div>
  );
}
