import { readFileSync } from 'node:fs';
import { parseArticle } from '../src/ingest/parse.js';

const name = process.argv[2];
const out = parseArticle({
  body: new Uint8Array(readFileSync(`/work/wt/shared/corpora/readability-pages/${name}/source.html`)),
  contentType: 'text/html',
});
if (!out.ok) {
  console.log(out.detail);
  process.exit(0);
}
console.log(
  JSON.stringify(
    {
      title: out.article.title,
      authors: out.article.authors,
      date: out.article.publishedAt,
      fields: out.fields,
    },
    null,
    1,
  ),
);
console.log(out.removed.map((r) => `[${r.kind}] ${r.text.slice(0, 150).replace(/\n/g, ' / ')}`).join('\n'));
console.log('---BODY');
console.log(out.article.paragraphs.map((p) => p.slice(0, 100)).join('\n'));
