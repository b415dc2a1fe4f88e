import t from 'tap';
import { parseDocument } from '../../src/ingest/dom.js';
import { readHtmlMetadata } from '../../src/ingest/html-metadata.js';
import { cleanPage } from '../../src/ingest/page-cleanup.js';

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
