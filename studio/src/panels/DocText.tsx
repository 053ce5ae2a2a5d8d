/** Node docs mark names of columns, params and values with backticks: they read as code. */
export function DocText({ text }: { text: string }) {
  return <>{text.split('`').map((part, index) => (index % 2 === 1 ? <code key={index}>{part}</code> : part))}</>;
}
