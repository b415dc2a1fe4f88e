import t from 'tap';
import { parseDocument } from '../../src/ingest/dom.js';
import { readHtmlMetadata } from '../../src/ingest/html-metadata.js';
import { cleanPage } from '../../src/ingest/page-cleanup.js';
import { parseArticle } from '../../src/ingest/parse.js';

const page = `<html><head><title>Cranes due in spring</title></head><body><article>
<h1>Cranes due in spring</h1>
<figure><img src="a.jpg"><figcaption><em>New cranes</em> at the harbour <span class="credit">Photo: Jane Roe</span></figcaption></figure>
<p>The harbour council approved six new cranes on Tuesday evening.</p>
</article></body></html>`;

t.test('metadata and captions are read without changing the page', async (t) => {
  const document = parseDocument(page);
  const hints = readHtmlMetadata(document);
  t.same(hints.images, [{ caption: 'New cranes at the harbour', credit: 'Jane Roe', date: null }]);
  t.ok(document.querySelector('figure'), 'the figure is still there');
  t.ok(document.querySelector('figcaption .credit'), 'so is its credit');
});

t.test('cleaning the page then removes the captioned figure', async (t) => {
  const document = parseDocument(page);
  readHtmlMetadata(document);
  cleanPage(document);
  t.equal(document.querySelector('figure'), null);
  t.match(document.querySelector('p')?.textContent, /six new cranes/);
});

const prose = Array.from(
  { length: 4 },
  (_, i) =>
    `<p>The harbour council approved six new cranes on Tuesday evening, paragraph ${i + 1} of the story, after a long debate about the cost of the work and the noise it brings to the quay.</p>`,
).join('\n');
const authorsOf = (html: string) => {
  const outcome = parseArticle({ body: html, contentType: 'text/html' });
  return outcome.ok ? outcome.article.authors.map((author) => author.name) : outcome.detail;
};

t.test('a link marked rel="author" names an author only when its text is a name', async (t) => {
  const links = (text: string) =>
    `<html><head><title>Cranes due in spring</title></head><body><article><h1>Cranes due in spring</h1>${prose}</article>
<aside><a rel="author" href="/u/1">${text}</a></aside></body></html>`;
  t.same(authorsOf(links('View my complete profile')), []);
  t.same(authorsOf(links('Richard (R.J.) Roe')), ['Richard (R.J.) Roe'], 'a nickname in brackets is kept');
});

t.test(
  'a byline naming a person wins over a metadata author that names nobody (a user handle)',
  async (t) => {
    const html = `<html><head><title>Cranes due in spring</title>
<script type="application/ld+json">{"@type":"NewsArticle","headline":"Cranes due in spring","author":"crane4417"}</script>
</head><body><article><h1>Cranes due in spring</h1><div class="byline">By Jane Doe</div>${prose}</article></body></html>`;
    t.same(authorsOf(html), ['Jane Doe']);
    const named = html.replace('crane4417', 'John Roe');
    t.same(authorsOf(named), ['John Roe'], "a person's name in the metadata still comes first");
  },
);

t.test('a headline loses a site name the page gives at either end, and nothing else', async (t) => {
  const titleOf = (head: string) =>
    readHtmlMetadata(parseDocument(`<html><head>${head}</head><body><p>Text.</p></body></html>`)).title
      ?.value;
  const site = '<meta property="og:site_name" content="Harbour Courier">';
  t.equal(
    titleOf(`${site}<meta property="og:title" content="Cranes due in spring | Harbour Courier">`),
    'Cranes due in spring',
  );
  t.equal(
    titleOf(`${site}<meta property="og:title" content="Harbour Courier - Review: cranes - due in spring">`),
    'Review: cranes - due in spring',
  );
  t.equal(
    titleOf(
      '<meta name="application-name" content="Quay Daily"><meta property="og:title" content="Cranes due – Quay Daily">',
    ),
    'Cranes due',
  );
  // No site name given, or ends that are not it: the headline stays whole.
  t.equal(
    titleOf('<meta property="og:title" content="Cranes due in spring | Harbour Courier">'),
    'Cranes due in spring | Harbour Courier',
  );
  t.equal(
    titleOf(`${site}<meta property="og:title" content="Rome - the city that waits">`),
    'Rome - the city that waits',
  );
});
