/**
 * What the gallery takes from figures/README.md, so no number or sentence is typed twice: per study
 * its question and method (the "Studies" section), its tables (any heading that starts with the
 * study's folder name, e.g. "#### 03-sag (samples 256 …)", owns the tables and paragraphs up to the
 * next heading), and a caption per figure (the "The figures" table).
 */
import { codeSpans, parseBlocks, type Table } from './markdown';

/** A study folder name: two digits, a dash, lower-case words (e.g. `03-sag`). */
export const STUDY_ID = /^\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*$/;
const STUDY_HEADING = /^(\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*)(?![a-z0-9-])\s*[:—–-]?\s*(.*)$/;

/** A heading's block that holds at least one table: the rest of the heading as caption, then its paragraphs and tables in order. */
export interface StudyTable {
  caption: string;
  items: ({ kind: 'paragraph'; text: string } | { kind: 'table'; table: Table })[];
}

/** Everything figures/README.md says about one study, in inline Markdown. */
export interface StudyText {
  id: string;
  /** The rest of the heading that carries the question (e.g. "self-attention guidance"); '' when none. */
  title: string;
  question: string | null;
  method: string | null;
  /** The study's blocks that hold tables, in document order: the first is the headline. */
  tables: StudyTable[];
}

/** The parsed README: studies by folder name and figure captions by `study/figure`. */
export interface FiguresReadme {
  studies: Map<string, StudyText>;
  captions: Map<string, string>;
}

const QUESTION = /^\*\*Question\.\*\*\s*/;
const METHOD = /^\*\*Method\.\*\*\s*/;

/** Returns the study's entry in `studies`, created empty when new. */
function entry(studies: Map<string, StudyText>, id: string): StudyText {
  let s = studies.get(id);
  if (!s) {
    s = { id, title: '', question: null, method: null, tables: [] };
    studies.set(id, s);
  }
  return s;
}

/** Returns the captions of the "The figures" table (notebook | figure | what it shows; an empty notebook cell repeats the one above). */
function figureCaptions(tables: Table[]): Map<string, string> {
  const captions = new Map<string, string>();
  for (const t of tables) {
    const [nb, fig, what] = t.header.map((h) => h.toLowerCase());
    if (nb !== 'notebook' || fig !== 'figure' || !what) continue;
    let study = '';
    for (const row of t.rows) {
      if (row[0]) study = row[0];
      for (const name of codeSpans(row[1] ?? '')) captions.set(`${study}/${name}`, row[2] ?? '');
    }
  }
  return captions;
}

/** Returns the studies and captions of figures/README.md's text (see the module comment for the layout it reads). */
export function parseFiguresReadme(markdown: string): FiguresReadme {
  const studies = new Map<string, StudyText>();
  const allTables: Table[] = [];
  let current: { study: StudyText; block: StudyTable } | null = null;
  const close = () => {
    if (current && current.block.items.some((i) => i.kind === 'table')) current.study.tables.push(current.block);
    current = null;
  };
  for (const block of parseBlocks(markdown)) {
    if (block.kind === 'heading') {
      close();
      const m = STUDY_HEADING.exec(block.text);
      if (m && block.level >= 2) current = { study: entry(studies, m[1]), block: { caption: m[2], items: [] } };
    } else if (block.kind === 'table') {
      allTables.push(block.table);
      current?.block.items.push({ kind: 'table', table: block.table });
    } else if (current) {
      if (QUESTION.test(block.text)) {
        current.study.question = block.text.replace(QUESTION, '');
        current.study.title = current.block.caption;
      } else if (METHOD.test(block.text)) {
        current.study.method = block.text.replace(METHOD, '');
      } else {
        current.block.items.push({ kind: 'paragraph', text: block.text });
      }
    }
  }
  close();
  return { studies, captions: figureCaptions(allTables) };
}
