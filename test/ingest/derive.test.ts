import t from 'tap';
import { deriveTags, detectLanguage } from '../../src/ingest/derive.js';

const paragraphs = [
  'The chief executive of Northmoor Bank, Ruth Calloway, said on Monday that the takeover of Falbrook Savings would be completed in London by the summer.',
  'Calloway told reporters that Northmoor Bank would keep every Falbrook branch open. However, the Competition Authority has still to approve the deal.',
  'Analysts in London said the price was high. The British economy has slowed since January, and Northmoor shares fell 3% on Tuesday.',
];

t.test('people, places and organisations become tags, junk does not', async (t) => {
  const tags = deriveTags('Northmoor Bank agrees Falbrook takeover', paragraphs, new Set());
  t.ok(tags.includes('Northmoor Bank'), 'organisation named in the title');
  t.ok(tags.includes('Ruth Calloway'), 'person, with the surname-only mention counted');
  t.notOk(tags.includes('Calloway'), 'the surname alone is merged into the full name');
  t.ok(tags.includes('London'), 'place');
  for (const junk of ['However', 'The', 'Monday', 'Tuesday', 'January', 'British', '3']) {
    t.notOk(tags.includes(junk), `no "${junk}"`);
  }
  t.ok(tags.length <= 8, 'at most eight');
});

t.test('tags already given explicitly are not derived again', async (t) => {
  const tags = deriveTags('Northmoor Bank agrees Falbrook takeover', paragraphs, new Set(['northmoor-bank']));
  t.notOk(tags.includes('Northmoor Bank'));
});

t.test('language detection', async (t) => {
  t.equal(detectLanguage(paragraphs.join(' ')), 'en');
  t.equal(
    detectLanguage(
      'Le conseil municipal a approuvé mardi un nouveau plan de circulation pour le centre-ville, malgré les commerçants.',
    ),
    'fr',
  );
  t.equal(detectLanguage('Hi'), null, 'too short to tell');
});
