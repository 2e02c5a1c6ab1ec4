// The manifest editor: a plain <textarea> over a <pre> that draws the highlights, with a gutter of
// line numbers beside them.
//
// The textarea keeps native editing, paste, undo and selection; the <pre> behind it holds the same
// text, line for line in the same font, so a background drawn there shows through. Findings arrive
// with UTF-16 offsets (`span.start.utf16Offset`), which index the textarea's string directly: no
// re-scanning of the text is needed to place a mark.

/** Most severe first, for picking a line's colour. */
const RANK = { error: 3, warning: 2, info: 1 };

export class Editor {
  /**
   * @param {{source: HTMLTextAreaElement, highlight: HTMLElement, gutter: HTMLElement}} parts
   */
  constructor({ source, highlight, gutter }) {
    this.source = source;
    this.highlight = highlight;
    this.gutter = gutter;
    // The layers scroll together: the textarea is the one the user scrolls.
    source.addEventListener('scroll', () => this.syncScroll());
  }

  get text() {
    return this.source.value;
  }

  set text(value) {
    this.source.value = value;
  }

  /** Redraws line numbers and highlights for `findings` (from `Linter.lint`). */
  render(findings) {
    const lines = this.text.split('\n');
    const byLine = groupByLine(findings);
    this.gutter.replaceChildren(...lines.map((_, i) => gutterLine(i + 1, byLine.get(i + 1))));
    const lineStarts = lineStartOffsets(lines);
    this.highlight.replaceChildren(
      ...lines.map((text, i) => highlightLine(text, i + 1, lineStarts[i], byLine.get(i + 1))),
    );
    this.syncScroll();
  }

  /** Puts the caret on a finding's text and scrolls it into view. */
  reveal(finding) {
    const { start } = finding.span;
    const lineEnd = this.text.indexOf('\n', start.utf16Offset);
    const end = Math.min(finding.span.end.utf16Offset, lineEnd === -1 ? this.text.length : lineEnd);
    this.source.focus();
    this.source.setSelectionRange(start.utf16Offset, Math.max(end, start.utf16Offset));
    const lineHeight = parseFloat(getComputedStyle(this.source).lineHeight) || 20;
    const top = (start.line - 1) * lineHeight;
    if (top < this.source.scrollTop || top > this.source.scrollTop + this.source.clientHeight - lineHeight) {
      this.source.scrollTop = Math.max(0, top - this.source.clientHeight / 3);
    }
  }

  syncScroll() {
    this.highlight.scrollTop = this.source.scrollTop;
    this.highlight.scrollLeft = this.source.scrollLeft;
    this.gutter.scrollTop = this.source.scrollTop;
  }
}

/** Findings keyed by the line they start on. */
function groupByLine(findings) {
  const byLine = new Map();
  for (const finding of findings) {
    const line = finding.span.start.line;
    if (!byLine.has(line)) byLine.set(line, []);
    byLine.get(line).push(finding);
  }
  return byLine;
}

/** UTF-16 offset of the start of each line. */
function lineStartOffsets(lines) {
  const starts = [];
  let offset = 0;
  for (const line of lines) {
    starts.push(offset);
    offset += line.length + 1;
  }
  return starts;
}

function worstSeverity(findings) {
  return findings.reduce((worst, f) => (RANK[f.severity] > RANK[worst] ? f.severity : worst), 'info');
}

function gutterLine(number, findings) {
  const div = document.createElement('div');
  div.className = 'line-number';
  div.dataset.line = String(number);
  div.textContent = String(number);
  if (findings) {
    const severity = worstSeverity(findings);
    div.classList.add('flagged', `sev-${severity}`);
    div.title = findings.map((f) => `${f.rule}: ${f.message}`).join('\n');
  }
  return div;
}

/**
 * One line of the highlight layer. A flagged line gets a background, and the text each finding
 * points at on it (from its start to its end, or to the end of the line for spans that run on)
 * gets a <mark>. Spans nest (a container item holds its image), so the line is cut at every span
 * boundary and each piece is marked for the innermost span covering it.
 */
function highlightLine(text, number, lineStart, findings) {
  const div = document.createElement('div');
  div.className = 'line';
  div.dataset.line = String(number);
  if (!findings) {
    // An empty line still needs its height.
    div.textContent = text || '\u200b';
    return div;
  }
  div.classList.add('flagged', `sev-${worstSeverity(findings)}`);
  const ranges = findings.map((f) => {
    const from = Math.max(0, f.span.start.utf16Offset - lineStart);
    // An empty span still marks one character, where there is one.
    const to = Math.max(Math.min(f.span.end.utf16Offset - lineStart, text.length), Math.min(from + 1, text.length));
    return { from, to, severity: f.severity };
  });
  const cuts = [...new Set([0, text.length, ...ranges.flatMap((r) => [r.from, r.to])])].sort((a, b) => a - b);
  for (let i = 0; i + 1 < cuts.length; i += 1) {
    const [from, to] = [cuts[i], cuts[i + 1]];
    const piece = text.slice(from, to);
    const covering = ranges.filter((r) => r.from <= from && to <= r.to);
    if (covering.length === 0) {
      div.append(piece);
      continue;
    }
    const innermost = covering.reduce((a, b) => (b.to - b.from < a.to - a.from ? b : a));
    const mark = document.createElement('mark');
    mark.className = `sev-${innermost.severity}`;
    mark.textContent = piece;
    div.append(mark);
  }
  if (!text) div.append('\u200b');
  return div;
}
