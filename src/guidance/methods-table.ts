/**
 * The methods as Markdown tables, from their descriptors: one row per method (the README's table and
 * `guidance-lab methods`), and one row per parameter of a method (`guidance-lab methods <name>`).
 */
import { type MethodDescriptor, findMethod, methodDescriptors } from './registry';
import { type ParamSpec, kindText } from './term';
import { rangeText } from './param-check';

/** Returns a parameter in a few words: name, bounds or choices, default or "required" (e.g. "`sigma` > 0 (default 1)"). */
function paramBrief(name: string, p: ParamSpec): string {
  const allowed = p.choices ? ` ∈ {${p.choices.join(', ')}}` : rangeText(p.range) ? ` ${rangeText(p.range)}` : '';
  const value = p.required ? ' (required)' : p.default !== undefined ? ` (default ${p.default})` : '';
  return `\`${name}\`${allowed}${value}`;
}

/** Returns a Markdown table cell: pipes escaped, on one line. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** Returns the Markdown table of `methods` (default: every registered one): name, negative, paper, parameters. */
export function methodsTable(methods: readonly MethodDescriptor[] = methodDescriptors()): string {
  const rows = methods.map((d) => {
    const params = Object.entries(d.params)
      .map(([k, p]) => paramBrief(k, p))
      .join(', ');
    return `| \`${d.name}\` | ${cell(d.summary)} | ${cell(d.paper)} | ${cell(params)} |`;
  });
  return ['| method | summary | paper | parameters |', '|---|---|---|---|', ...rows].join('\n') + '\n';
}

/** Returns the Markdown table of one method's parameters: name, kind, default, allowed values, `sample` flag, help. */
export function paramsTable(method: string): string {
  const d = findMethod(method);
  const rows = Object.entries(d.params).map(([k, p]) => {
    const dflt = p.required ? 'required' : p.default !== undefined ? String(p.default) : '–';
    const allowed = p.choices
      ? p.choices.join(', ')
      : [rangeText(p.range), p.infinite ? 'or Infinity' : ''].filter(Boolean).join(' ') || '–';
    const flag = p.kind === 'function' ? '(API only)' : `${p.flag ? `--${p.flag}, ` : ''}--param ${k}=…`;
    return `| \`${k}\` | ${cell(kindText(p.kind))} | ${cell(dflt)} | ${cell(allowed)} | ${cell(flag)} | ${cell(p.help)} |`;
  });
  const head = `${d.name}: ${d.summary}\n${d.paper}\n\n`;
  return (
    head + ['| parameter | kind | default | allowed | sample flag | what it does |', '|---|---|---|---|---|---|', ...rows].join('\n') + '\n'
  );
}
