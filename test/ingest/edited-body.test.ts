import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { bodyFields, bodyFromHtml, bodyFromText, excerptOf } from '../../src/ingest/edited-body.js';
import { parseArticle } from '../../src/ingest/parse.js';

const SEEDS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../seeds');

/** The seed articles as the parser reads them. */
const parsed = readdirSync(SEEDS)
  .filter((file) => file !== 'sources.json')
  .sort()
  .map((file) => {
    const text = readFileSync(path.join(SEEDS, file), 'utf8');
    const { raw, content_type } = file.endsWith('.json')
      ? (JSON.parse(text) as { raw: string; content_type: string })
      : { raw: text, content_type: file.endsWith('.html') ? 'text/html' : 'text/plain' };
    const outcome = parseArticle({ body: raw, contentType: content_type });
    if (!outcome.ok) throw new Error(`${file} does not parse`);
    return { file, article: outcome.article };
  });

t.test('an edited body derives every field exactly as the parser did for the same text', async (t) => {
  for (const { file, article } of parsed) {
    const fields = bodyFields(article.title, bodyFromText(article.bodyText));
    t.equal(fields.bodyText, article.bodyText, `${file}: body_text`);
    t.equal(fields.wordCount, article.wordCount, `${file}: word_count`);
    t.equal(fields.readingTimeMinutes, article.readingTimeMinutes, `${file}: reading_time_minutes`);
    t.equal(fields.simhash, article.simhash, `${file}: simhash`);
    t.equal(fields.contentHash, article.contentHash, `${file}: content_hash`);
    t.equal(fields.excerpt, article.excerpt, `${file}: excerpt`);
    t.equal(excerptOf(article.bodyText), article.excerpt, `${file}: excerpt of the stored body`);
    // Headings and captions are not plain paragraphs; where the body has neither, the HTML matches too.
    if (!/<h2>|<figure>/.test(article.bodyHtml))
      t.equal(fields.bodyHtml, article.bodyHtml, `${file}: body_html`);
    // The parser's own HTML read back as an edit gives the same body (figures aside).
    const fromHtml = bodyFields(
      article.title,
      bodyFromHtml(article.bodyHtml.replace(/<figure>.*?<\/figure>\n?/g, '')),
    );
    t.equal(
      fromHtml.bodyHtml,
      article.bodyHtml.replace(/<figure>.*?<\/figure>\n?/g, '').trimEnd(),
      `${file}: HTML round trip`,
    );
  }
});

t.test('text bodies: blank lines separate paragraphs, wrapped lines are joined', async (t) => {
  t.same(bodyFromText('One line\nwrapped here.\n\n\n  Second   paragraph.  \n\n'), [
    { kind: 'paragraph', text: 'One line wrapped here.' },
    { kind: 'paragraph', text: 'Second paragraph.' },
  ]);
  t.same(bodyFromText(' \n\n \t\n'), [], 'whitespace only is no body');
});

t.test('HTML bodies keep only paragraphs and headings; markup and scripts go', async (t) => {
  const items = bodyFromHtml(
    '<div><h3>Plan</h3><p style="x">A <em>bold</em> &amp; <a href="javascript:x">plan</a>.<br>Next line.</p>' +
      '<script>steal()</script><style>p{}</style><iframe src="x"></iframe><blockquote>Quoted.</blockquote></div>',
  );
  t.same(items, [
    { kind: 'heading', text: 'Plan' },
    { kind: 'paragraph', text: 'A bold & plan.' },
    { kind: 'paragraph', text: 'Next line.' },
    { kind: 'paragraph', text: 'Quoted.' },
  ]);
  const { bodyHtml } = bodyFields('Plan', items);
  t.equal(bodyHtml, '<h2>Plan</h2>\n<p>A bold &amp; plan.</p>\n<p>Next line.</p>\n<p>Quoted.</p>');
  t.same(bodyFromHtml('<p><img src=x onerror=alert(1)></p>'), [], 'nothing readable is no body');
  t.same(bodyFromHtml('&lt;script&gt;alert(1)&lt;/script&gt;'), [
    { kind: 'paragraph', text: '<script>alert(1)</script>' },
  ]);
  t.equal(
    bodyFields('x', bodyFromHtml('&lt;script&gt;alert(1)&lt;/script&gt;')).bodyHtml,
    '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>',
    'text that looks like markup is escaped',
  );
});
